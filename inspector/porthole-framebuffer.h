/* porthole-framebuffer.h — the remote screen as a GdkPaintable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_FRAMEBUFFER (porthole_framebuffer_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFramebuffer, porthole_framebuffer, PORTHOLE, FRAMEBUFFER, GObject)

PortholeFramebuffer *porthole_framebuffer_new             (void);
void                 porthole_framebuffer_resize          (PortholeFramebuffer *self,
                                                           int                  width,
                                                           int                  height);
guint8              *porthole_framebuffer_get_data        (PortholeFramebuffer *self);
int                  porthole_framebuffer_get_stride      (PortholeFramebuffer *self);
int                  porthole_framebuffer_get_width       (PortholeFramebuffer *self);
int                  porthole_framebuffer_get_height      (PortholeFramebuffer *self);
void                 porthole_framebuffer_damage          (PortholeFramebuffer *self,
                                                           int                  x,
                                                           int                  y,
                                                           int                  width,
                                                           int                  height);
gboolean             porthole_framebuffer_flush           (PortholeFramebuffer *self);
void                 porthole_framebuffer_set_texture     (PortholeFramebuffer *self,
                                                           GdkTexture          *texture);
GdkTexture          *porthole_framebuffer_get_texture     (PortholeFramebuffer *self);
void                 porthole_framebuffer_clear           (PortholeFramebuffer *self);
guint64              porthole_framebuffer_get_frame_count (PortholeFramebuffer *self);
void                 porthole_framebuffer_snapshot_area   (PortholeFramebuffer   *self,
                                                           GtkSnapshot           *snapshot,
                                                           double                 width,
                                                           double                 height,
                                                           const graphene_rect_t *area);

G_END_DECLS
