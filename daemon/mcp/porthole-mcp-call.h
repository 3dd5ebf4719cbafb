/* porthole-mcp-call.h — one client request to the MCP server, from
 * dispatch to its response: what handlers read and answer through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-types.h"

G_BEGIN_DECLS

typedef struct _PortholeMcpServer   PortholeMcpServer;
typedef struct _PortholeMcpSession  PortholeMcpSession;
typedef struct _PortholeMcpExchange PortholeMcpExchange;

#define PORTHOLE_TYPE_MCP_CALL (porthole_mcp_call_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpCall, porthole_mcp_call, PORTHOLE, MCP_CALL, GObject)

PortholeMcpCall    *porthole_mcp_call_new                  (PortholeMcpServer    *server,
                                                            PortholeMcpExchange  *exchange,
                                                            PortholeMcpSession   *session,
                                                            const char           *version,
                                                            JsonObject           *request);

PortholeMcpServer  *porthole_mcp_call_get_server           (PortholeMcpCall      *self);
PortholeDaemon     *porthole_mcp_call_get_daemon           (PortholeMcpCall      *self);
PortholeMcpSession *porthole_mcp_call_get_session          (PortholeMcpCall      *self);
const char         *porthole_mcp_call_get_version          (PortholeMcpCall      *self);
gboolean            porthole_mcp_call_is_modern            (PortholeMcpCall      *self);
JsonNode           *porthole_mcp_call_get_id               (PortholeMcpCall      *self);
const char         *porthole_mcp_call_get_method           (PortholeMcpCall      *self);
JsonObject         *porthole_mcp_call_get_params           (PortholeMcpCall      *self);
JsonObject         *porthole_mcp_call_get_client_capabilities (PortholeMcpCall   *self);
GCancellable       *porthole_mcp_call_get_cancellable      (PortholeMcpCall      *self);
gboolean            porthole_mcp_call_is_done              (PortholeMcpCall      *self);
void                porthole_mcp_call_cancel               (PortholeMcpCall      *self);

/* Answers (the first one counts) */
void                porthole_mcp_call_return_result        (PortholeMcpCall      *self,
                                                            JsonObject           *result);
void                porthole_mcp_call_return_error         (PortholeMcpCall      *self,
                                                            int                   code,
                                                            JsonNode             *data,
                                                            const char           *format,
                                                            ...) G_GNUC_PRINTF (4, 5);
void                porthole_mcp_call_return_gerror        (PortholeMcpCall      *self,
                                                            const GError         *error);

/* Messages before the answer */
gboolean            porthole_mcp_call_notify               (PortholeMcpCall      *self,
                                                            const char           *method,
                                                            JsonObject           *params);
gboolean            porthole_mcp_call_has_progress_token   (PortholeMcpCall      *self);
void                porthole_mcp_call_progress             (PortholeMcpCall      *self,
                                                            double                progress,
                                                            double                total,
                                                            const char           *message);
void                porthole_mcp_call_log                  (PortholeMcpCall      *self,
                                                            int                   level,
                                                            const char           *logger,
                                                            JsonNode             *data);
void                porthole_mcp_call_request_client_async (PortholeMcpCall      *self,
                                                            const char           *method,
                                                            JsonObject           *params,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
JsonObject         *porthole_mcp_call_request_client_finish (PortholeMcpCall     *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

/* Tool results: content and structured content, then finish */
void                porthole_mcp_call_add_text             (PortholeMcpCall      *self,
                                                            const char           *text);
void                porthole_mcp_call_add_image            (PortholeMcpCall      *self,
                                                            GBytes               *data,
                                                            const char           *mime_type);
void                porthole_mcp_call_add_content          (PortholeMcpCall      *self,
                                                            JsonObject           *content);
void                porthole_mcp_call_set_structured       (PortholeMcpCall      *self,
                                                            JsonObject           *structured);
JsonObject         *porthole_mcp_call_get_structured       (PortholeMcpCall      *self);
void                porthole_mcp_call_finish_tool          (PortholeMcpCall      *self);
void                porthole_mcp_call_fail_tool            (PortholeMcpCall      *self,
                                                            const GError         *error);

G_END_DECLS
