/* porthole-mcp-message.h — JSON-RPC 2.0 messages of the Model Context
 * Protocol, and the protocol revisions portholed speaks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JSON-RPC 2.0 */
#define PORTHOLE_MCP_PARSE_ERROR            -32700
#define PORTHOLE_MCP_INVALID_REQUEST        -32600
#define PORTHOLE_MCP_METHOD_NOT_FOUND       -32601
#define PORTHOLE_MCP_INVALID_PARAMS         -32602
#define PORTHOLE_MCP_INTERNAL_ERROR         -32603
/* The code the TypeScript SDK and most servers use for transport-level
 * refusals (no session, server not initialized). */
#define PORTHOLE_MCP_SERVER_ERROR           -32000
/* Legacy revisions: resource not found (2026-07-28 uses -32602). */
#define PORTHOLE_MCP_RESOURCE_NOT_FOUND     -32002
/* 2026-07-28 */
#define PORTHOLE_MCP_HEADER_MISMATCH        -32020
#define PORTHOLE_MCP_MISSING_CAPABILITY     -32021
#define PORTHOLE_MCP_UNSUPPORTED_VERSION    -32022
/* Outside the JSON-RPC reserved range, as LSP numbers it. */
#define PORTHOLE_MCP_REQUEST_CANCELLED      -32800

/* GError codes are the JSON-RPC codes above. */
#define PORTHOLE_MCP_ERROR (porthole_mcp_error_quark ())
GQuark porthole_mcp_error_quark (void);

/* The stateless revision: no initialize, no sessions (basic/versioning). */
#define PORTHOLE_MCP_MODERN_VERSION  "2026-07-28"
/* Legacy revisions, newest first: initialize and sessions. */
#define PORTHOLE_MCP_LATEST_LEGACY_VERSION "2025-11-25"
/* What a legacy request without MCP-Protocol-Version is taken for. */
#define PORTHOLE_MCP_DEFAULT_LEGACY_VERSION "2025-03-26"

#define PORTHOLE_MCP_META_PROTOCOL_VERSION     "io.modelcontextprotocol/protocolVersion"
#define PORTHOLE_MCP_META_CLIENT_INFO          "io.modelcontextprotocol/clientInfo"
#define PORTHOLE_MCP_META_CLIENT_CAPABILITIES  "io.modelcontextprotocol/clientCapabilities"
#define PORTHOLE_MCP_META_LOG_LEVEL            "io.modelcontextprotocol/logLevel"
#define PORTHOLE_MCP_META_SERVER_INFO          "io.modelcontextprotocol/serverInfo"
#define PORTHOLE_MCP_META_SUBSCRIPTION_ID      "io.modelcontextprotocol/subscriptionId"

const char *const *porthole_mcp_legacy_versions          (void);
gboolean           porthole_mcp_version_is_legacy        (const char   *version);
gboolean           porthole_mcp_version_is_supported     (const char   *version);
gboolean           porthole_mcp_version_at_least         (const char   *version,
                                                          const char   *than);
JsonArray         *porthole_mcp_dup_supported_versions   (void);

typedef enum
{
  PORTHOLE_MCP_MESSAGE_REQUEST,
  PORTHOLE_MCP_MESSAGE_NOTIFICATION,
  PORTHOLE_MCP_MESSAGE_RESPONSE,
} PortholeMcpMessageKind;

gboolean           porthole_mcp_message_classify         (JsonNode               *node,
                                                          PortholeMcpMessageKind *kind,
                                                          GError                **error);
char              *porthole_mcp_id_to_key                (JsonNode               *id);

JsonObject        *porthole_mcp_message_new_result       (JsonNode     *id,
                                                          JsonObject   *result);
JsonObject        *porthole_mcp_message_new_error        (JsonNode     *id,
                                                          int           code,
                                                          const char   *message,
                                                          JsonNode     *data);
JsonObject        *porthole_mcp_message_new_gerror       (JsonNode     *id,
                                                          const GError *error);
JsonObject        *porthole_mcp_message_new_notification (const char   *method,
                                                          JsonObject   *params);
JsonObject        *porthole_mcp_message_new_request      (JsonNode     *id,
                                                          const char   *method,
                                                          JsonObject   *params);
char              *porthole_mcp_message_to_string        (JsonObject   *message,
                                                          gsize        *length);

/* Log levels of notifications/message (RFC 5424 order); -1 for none. */
int                porthole_mcp_log_level_from_string    (const char   *level);
const char        *porthole_mcp_log_level_to_string      (int           level);

G_END_DECLS
