/* porthole-vnc-session.h — an RFB session with the daemon's VNC server
 * through libgvnc, drawn into a PortholeFramebuffer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "porthole-client.h"
#include "porthole-framebuffer.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_VNC_SESSION (porthole_vnc_session_get_type ())

G_DECLARE_FINAL_TYPE (PortholeVncSession, porthole_vnc_session, PORTHOLE, VNC_SESSION, GObject)

/* RFB pointer button mask bits (RFC 6143 §7.5.5). */
#define PORTHOLE_VNC_BUTTON_LEFT         (1 << 0)
#define PORTHOLE_VNC_BUTTON_MIDDLE       (1 << 1)
#define PORTHOLE_VNC_BUTTON_RIGHT        (1 << 2)
#define PORTHOLE_VNC_BUTTON_SCROLL_UP    (1 << 3)
#define PORTHOLE_VNC_BUTTON_SCROLL_DOWN  (1 << 4)
#define PORTHOLE_VNC_BUTTON_SCROLL_LEFT  (1 << 5)
#define PORTHOLE_VNC_BUTTON_SCROLL_RIGHT (1 << 6)

PortholeVncSession *porthole_vnc_session_new         (PortholeFramebuffer  *framebuffer,
                                                      GtkWidget            *frame_widget);
void                porthole_vnc_session_open_async  (PortholeVncSession   *self,
                                                      PortholeClient       *client,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean            porthole_vnc_session_open_finish (PortholeVncSession   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void                porthole_vnc_session_close       (PortholeVncSession   *self);
gboolean            porthole_vnc_session_is_open     (PortholeVncSession   *self);
void                porthole_vnc_session_pointer     (PortholeVncSession   *self,
                                                      int                   x,
                                                      int                   y,
                                                      guint8                button_mask);
void                porthole_vnc_session_key         (PortholeVncSession   *self,
                                                      gboolean              down,
                                                      guint                 keysym);
guint64             porthole_vnc_session_get_bytes_in (PortholeVncSession  *self);

G_END_DECLS
