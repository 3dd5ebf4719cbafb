/* porthole-mcp-server.h — the MCP endpoint (/mcp): Streamable HTTP in
 * both eras (initialize and sessions; stateless 2026-07-28), the
 * protocol's methods, and the registry of what it serves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-mcp-registry.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_MCP_SERVER (porthole_mcp_server_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpServer, porthole_mcp_server, PORTHOLE, MCP_SERVER, GObject)

PortholeMcpServer   *porthole_mcp_server_new                (PortholeDaemon    *daemon);
PortholeDaemon      *porthole_mcp_server_get_daemon         (PortholeMcpServer *self);
PortholeMcpRegistry *porthole_mcp_server_get_registry       (PortholeMcpServer *self);
JsonObject          *porthole_mcp_server_dup_info           (PortholeMcpServer *self);
guint                porthole_mcp_server_get_n_sessions     (PortholeMcpServer *self);

void                 porthole_mcp_server_handle_post        (PortholeMcpServer *self,
                                                             PortholeRequest   *req);
void                 porthole_mcp_server_handle_get         (PortholeMcpServer *self,
                                                             PortholeRequest   *req);
void                 porthole_mcp_server_handle_delete      (PortholeMcpServer *self,
                                                             PortholeRequest   *req);

gboolean             porthole_mcp_server_is_watched         (PortholeMcpServer *self,
                                                             const char        *uri);
void                 porthole_mcp_server_resource_updated   (PortholeMcpServer *self,
                                                             const char        *uri);
void                 porthole_mcp_server_stop               (PortholeMcpServer *self);

/* The route handlers (porthole-routes.c). */
void                 porthole_mcp_handle_post               (PortholeRequest   *req);
void                 porthole_mcp_handle_get                (PortholeRequest   *req);
void                 porthole_mcp_handle_delete             (PortholeRequest   *req);
gsize                porthole_mcp_body_limit                (PortholeRequest   *req);
void                 porthole_mcp_handle_resource_metadata  (PortholeRequest   *req);

G_END_DECLS
