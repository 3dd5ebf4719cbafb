/* porthole-frame.h — one captured image: 32-bit BGRX pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  int x;
  int y;
  int width;
  int height;
} PortholeRect;

gboolean porthole_rect_intersect (const PortholeRect *a,
                                  const PortholeRect *b,
                                  PortholeRect       *result);
void     porthole_rect_union     (const PortholeRect *a,
                                  const PortholeRect *b,
                                  PortholeRect       *result);

#define PORTHOLE_TYPE_FRAME (porthole_frame_get_type ())

typedef struct _PortholeFrame PortholeFrame;

GType          porthole_frame_get_type    (void) G_GNUC_CONST;
PortholeFrame *porthole_frame_new         (const PortholeRect *area,
                                           guint               stride,
                                           GBytes             *pixels);
PortholeFrame *porthole_frame_ref         (PortholeFrame      *self);
void           porthole_frame_unref       (PortholeFrame      *self);

guint8        *porthole_frame_unref_to_data (PortholeFrame    *self,
                                           gsize            *size);
int            porthole_frame_get_width   (PortholeFrame      *self);
int            porthole_frame_get_height  (PortholeFrame      *self);
guint          porthole_frame_get_stride  (PortholeFrame      *self);
const PortholeRect *porthole_frame_get_area (PortholeFrame    *self);
const guint8  *porthole_frame_get_data    (PortholeFrame      *self);
GBytes        *porthole_frame_get_pixels  (PortholeFrame      *self);
gboolean       porthole_frame_get_pixel   (PortholeFrame      *self,
                                           int                 x,
                                           int                 y,
                                           guint8             *red,
                                           guint8             *green,
                                           guint8             *blue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeFrame, porthole_frame_unref)

G_END_DECLS
