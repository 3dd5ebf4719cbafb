/* porthole-mcp-session.h — one client of a legacy revision, from
 * initialize to DELETE or expiry: what it negotiated, its streams, its
 * requests in flight and ours to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-mcp-stream.h"

G_BEGIN_DECLS

typedef struct _PortholeMcpCall PortholeMcpCall;

#define PORTHOLE_TYPE_MCP_SESSION (porthole_mcp_session_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpSession, porthole_mcp_session, PORTHOLE, MCP_SESSION, GObject)

PortholeMcpSession *porthole_mcp_session_new                 (const char          *version,
                                                              JsonObject          *client_info,
                                                              JsonObject          *capabilities);
const char         *porthole_mcp_session_get_id              (PortholeMcpSession  *self);
const char         *porthole_mcp_session_get_version         (PortholeMcpSession  *self);
JsonObject         *porthole_mcp_session_get_capabilities    (PortholeMcpSession  *self);
int                 porthole_mcp_session_get_log_level       (PortholeMcpSession  *self);
void                porthole_mcp_session_set_log_level       (PortholeMcpSession  *self,
                                                              int                  level);
gint64              porthole_mcp_session_get_last_active     (PortholeMcpSession  *self);
void                porthole_mcp_session_touch               (PortholeMcpSession  *self);
gboolean            porthole_mcp_session_is_busy             (PortholeMcpSession  *self);
void                porthole_mcp_session_close               (PortholeMcpSession  *self);
gboolean            porthole_mcp_session_is_closed           (PortholeMcpSession  *self);

/* Streams */
PortholeMcpStream  *porthole_mcp_session_new_stream          (PortholeMcpSession  *self);
PortholeMcpStream  *porthole_mcp_session_lookup_stream       (PortholeMcpSession  *self,
                                                              guint                number);
PortholeMcpStream  *porthole_mcp_session_get_standalone      (PortholeMcpSession  *self);
gboolean            porthole_mcp_session_notify              (PortholeMcpSession  *self,
                                                              const char          *method,
                                                              JsonObject          *params);

/* Requests in flight */
void                porthole_mcp_session_add_call            (PortholeMcpSession  *self,
                                                              PortholeMcpCall     *call);
void                porthole_mcp_session_remove_call         (PortholeMcpSession  *self,
                                                              PortholeMcpCall     *call);
PortholeMcpCall    *porthole_mcp_session_lookup_call         (PortholeMcpSession  *self,
                                                              JsonNode            *request_id);

/* Our requests to the client */
JsonNode           *porthole_mcp_session_add_pending         (PortholeMcpSession  *self,
                                                              GTask               *task);
gboolean            porthole_mcp_session_resolve_pending     (PortholeMcpSession  *self,
                                                              JsonObject          *response);
void                porthole_mcp_session_cancel_pending      (PortholeMcpSession  *self,
                                                              JsonNode            *id);

/* Subscriptions (resources/subscribe) */
void                porthole_mcp_session_subscribe           (PortholeMcpSession  *self,
                                                              const char          *uri);
void                porthole_mcp_session_unsubscribe         (PortholeMcpSession  *self,
                                                              const char          *uri);
gboolean            porthole_mcp_session_is_subscribed       (PortholeMcpSession  *self,
                                                              const char          *uri);

G_END_DECLS
