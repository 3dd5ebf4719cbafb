/* porthole-mcp-exchange.h — one POST to /mcp and what answers it: a JSON
 * body, or an SSE stream carrying the calls' notifications, requests to
 * the client and responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-mcp-session.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_MCP_EXCHANGE (porthole_mcp_exchange_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpExchange, porthole_mcp_exchange, PORTHOLE, MCP_EXCHANGE, GObject)

PortholeMcpExchange *porthole_mcp_exchange_new          (PortholeRequest     *req,
                                                         PortholeMcpSession  *session,
                                                         gboolean             modern,
                                                         gboolean             accepts_sse,
                                                         gboolean             batch);
PortholeRequest     *porthole_mcp_exchange_get_request  (PortholeMcpExchange *self);
void                 porthole_mcp_exchange_add_call     (PortholeMcpExchange *self,
                                                         PortholeMcpCall     *call);
void                 porthole_mcp_exchange_start        (PortholeMcpExchange *self);
gboolean             porthole_mcp_exchange_can_stream   (PortholeMcpExchange *self);
gboolean             porthole_mcp_exchange_stream       (PortholeMcpExchange *self);
gboolean             porthole_mcp_exchange_send         (PortholeMcpExchange *self,
                                                         JsonObject          *message);
void                 porthole_mcp_exchange_respond      (PortholeMcpExchange *self,
                                                         PortholeMcpCall     *call,
                                                         JsonObject          *response);

G_END_DECLS
