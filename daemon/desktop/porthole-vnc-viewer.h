/* porthole-vnc-viewer.h — one VNC viewer's bytes between its connection
 * and the VNC server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-ws-channel.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_VNC_VIEWER (porthole_vnc_viewer_get_type ())

G_DECLARE_FINAL_TYPE (PortholeVncViewer, porthole_vnc_viewer, PORTHOLE, VNC_VIEWER, GObject)

PortholeVncViewer *porthole_vnc_viewer_new_websocket (PortholeWsChannel  *channel,
                                                      GError            **error);
PortholeVncViewer *porthole_vnc_viewer_new_socket    (GSocketConnection  *connection,
                                                      GError            **error);
int                porthole_vnc_viewer_steal_server_fd (PortholeVncViewer *self);
gboolean           porthole_vnc_viewer_is_websocket  (PortholeVncViewer  *self);
void               porthole_vnc_viewer_close         (PortholeVncViewer  *self,
                                                      const char         *reason);
void               porthole_vnc_viewer_set_max_queued (PortholeVncViewer *self,
                                                       gsize              bytes);
const char        *porthole_vnc_viewer_get_drop_reason (PortholeVncViewer *self);

int                porthole_vnc_fd_move_below_limit  (int                 fd,
                                                      GError            **error);

G_END_DECLS
