/* porthole-x11-capture.h — pixels of the root window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-frame.h"
#include "porthole-x11-display.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_X11_CAPTURE (porthole_x11_capture_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Capture, porthole_x11_capture, PORTHOLE, X11_CAPTURE, GObject)

PortholeX11Capture *porthole_x11_capture_new             (PortholeX11Display  *display);
PortholeFrame      *porthole_x11_capture_grab            (PortholeX11Capture  *self,
                                                          const PortholeRect  *area,
                                                          GError             **error);
gboolean            porthole_x11_capture_grab_into       (PortholeX11Capture  *self,
                                                          const PortholeRect  *area,
                                                          guint8              *dest,
                                                          gsize                dest_stride,
                                                          GError             **error);
gboolean            porthole_x11_capture_grab_rows_shared (PortholeX11Capture *self,
                                                          int                 shm_id,
                                                          guint8             *shm_addr,
                                                          int                 y,
                                                          int                 height);
const guint8       *porthole_x11_capture_peek            (PortholeX11Capture  *self,
                                                          int                 *width,
                                                          int                 *height,
                                                          guint               *stride,
                                                          GError             **error);
void                porthole_x11_capture_track_changes   (PortholeX11Capture  *self);
gboolean            porthole_x11_capture_has_changed     (PortholeX11Capture  *self);
gboolean            porthole_x11_capture_clip            (PortholeX11Capture  *self,
                                                          PortholeRect        *area);
gboolean            porthole_x11_capture_uses_shm        (PortholeX11Capture  *self);
void                porthole_x11_capture_set_use_shm     (PortholeX11Capture  *self,
                                                          gboolean             use_shm);

/* Frames for continuous consumers (VNC server, recorder): while at
 * least one consumer is registered, "frame-ready" is emitted at most
 * @fps times per second, and only when the screen changed (XDamage). */
guint               porthole_x11_capture_add_consumer    (PortholeX11Capture  *self,
                                                          guint                fps);
void                porthole_x11_capture_remove_consumer (PortholeX11Capture  *self,
                                                          guint                consumer_id);

G_END_DECLS
