/* porthole-vnc-server.h — the built-in VNC server (API.md §8.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-types.h"
#include "porthole-ws-channel.h"

G_BEGIN_DECLS


#define PORTHOLE_TYPE_VNC_SERVER (porthole_vnc_server_get_type ())

G_DECLARE_FINAL_TYPE (PortholeVncServer, porthole_vnc_server, PORTHOLE, VNC_SERVER, GObject)

PortholeVncServer *porthole_vnc_server_new            (PortholeDesktop    *desktop,
                                                       PortholeConfig     *config);
gboolean           porthole_vnc_server_start          (PortholeVncServer  *self,
                                                       PortholeDaemon     *daemon,
                                                       const char         *password,
                                                       gboolean            view_only,
                                                       GError            **error);
void               porthole_vnc_server_stop           (PortholeVncServer  *self);
gboolean           porthole_vnc_server_is_running     (PortholeVncServer  *self);
int                porthole_vnc_server_get_port       (PortholeVncServer  *self);
const char        *porthole_vnc_server_get_password   (PortholeVncServer  *self);
gboolean           porthole_vnc_server_get_view_only  (PortholeVncServer  *self);
guint              porthole_vnc_server_get_n_viewers  (PortholeVncServer  *self);
void               porthole_vnc_server_add_websocket  (PortholeVncServer  *self,
                                                       PortholeWsChannel  *channel);

G_END_DECLS
