/* porthole-vnc-bridge.h — a socketpair end for gvnc on one side, the
 * daemon's VNC WebSocket on the other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_VNC_BRIDGE (porthole_vnc_bridge_get_type ())

G_DECLARE_FINAL_TYPE (PortholeVncBridge, porthole_vnc_bridge, PORTHOLE, VNC_BRIDGE, GObject)

PortholeVncBridge *porthole_vnc_bridge_new            (SoupWebsocketConnection  *websocket,
                                                       GError                  **error);
int                porthole_vnc_bridge_steal_peer_fd  (PortholeVncBridge        *self);
void               porthole_vnc_bridge_close          (PortholeVncBridge        *self);
gboolean           porthole_vnc_bridge_is_closed      (PortholeVncBridge        *self);
guint64            porthole_vnc_bridge_get_bytes_in   (PortholeVncBridge        *self);
guint64            porthole_vnc_bridge_get_bytes_out  (PortholeVncBridge        *self);

G_END_DECLS
