/* porthole-mcp-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-json.h"
#include "porthole-mcp-message.h"

G_DEFINE_QUARK (porthole-mcp-error-quark, porthole_mcp_error)

/* What the official TypeScript SDK lists (1.x): the initialize-based
 * revisions. */
static const char *const legacy_versions[] = {
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  NULL
};

const char *const *
porthole_mcp_legacy_versions (void)
{
  return legacy_versions;
}

gboolean
porthole_mcp_version_is_legacy (const char *version)
{
  return version != NULL && g_strv_contains (legacy_versions, version);
}

gboolean
porthole_mcp_version_is_supported (const char *version)
{
  return g_strcmp0 (version, PORTHOLE_MCP_MODERN_VERSION) == 0 || porthole_mcp_version_is_legacy (version);
}

/* Revisions are dates: they compare as strings. */
gboolean
porthole_mcp_version_at_least (const char *version,
                               const char *than)
{
  return version != NULL && strcmp (version, than) >= 0;
}

/**
 * porthole_mcp_dup_supported_versions:
 *
 * Returns: (transfer full): every revision served, newest first
 */
JsonArray *
porthole_mcp_dup_supported_versions (void)
{
  JsonArray *array = json_array_new ();

  json_array_add_string_element (array, PORTHOLE_MCP_MODERN_VERSION);
  for (guint i = 0; legacy_versions[i]; i++)
    json_array_add_string_element (array, legacy_versions[i]);

  return array;
}

/* A request id is a string or an integer, never null (basic/index). */
static gboolean
id_is_valid (JsonNode *id)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (id))
    return FALSE;

  type = json_node_get_value_type (id);
  return type == G_TYPE_STRING || type == G_TYPE_INT64;
}

/**
 * porthole_mcp_message_classify:
 * @node: a parsed JSON-RPC message
 *
 * Returns: %FALSE (with a PORTHOLE_MCP_INVALID_REQUEST error) for what
 *   is not a JSON-RPC 2.0 request, notification or response
 */
gboolean
porthole_mcp_message_classify (JsonNode                *node,
                               PortholeMcpMessageKind  *kind,
                               GError                 **error)
{
  JsonObject *object;
  JsonNode *method, *id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;

  object = json_node_get_object (node);
  if (g_strcmp0 (porthole_json_object_get_string (object, "jsonrpc"), "2.0") != 0)
    goto invalid;

  method = json_object_get_member (object, "method");
  id = json_object_get_member (object, "id");

  if (method != NULL)
    {
      JsonNode *params = json_object_get_member (object, "params");

      if (!JSON_NODE_HOLDS_VALUE (method) || json_node_get_value_type (method) != G_TYPE_STRING)
        goto invalid;
      /* MCP params are always an object when present. */
      if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params))
        goto invalid;
      if (id == NULL)
        {
          *kind = PORTHOLE_MCP_MESSAGE_NOTIFICATION;
          return TRUE;
        }
      if (!id_is_valid (id))
        goto invalid;
      *kind = PORTHOLE_MCP_MESSAGE_REQUEST;
      return TRUE;
    }

  if (id != NULL && (json_object_has_member (object, "result") != json_object_has_member (object, "error")))
    {
      *kind = PORTHOLE_MCP_MESSAGE_RESPONSE;
      return TRUE;
    }

invalid:
  g_set_error_literal (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_REQUEST,
                       "Invalid Request: not a JSON-RPC 2.0 request, notification or response");
  return FALSE;
}

/**
 * porthole_mcp_id_to_key:
 *
 * Returns: (transfer full): a string telling ids apart (1 and "1" too)
 */
char *
porthole_mcp_id_to_key (JsonNode *id)
{
  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id))
    return g_strdup ("null");

  if (json_node_get_value_type (id) == G_TYPE_STRING)
    return g_strconcat ("s:", json_node_get_string (id), NULL);

  return g_strdup_printf ("i:%" G_GINT64_FORMAT, json_node_get_int (id));
}

static JsonObject *
new_message (void)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "jsonrpc", "2.0");
  return message;
}

/**
 * porthole_mcp_message_new_result:
 * @result: (transfer none): the result object
 */
JsonObject *
porthole_mcp_message_new_result (JsonNode   *id,
                                 JsonObject *result)
{
  JsonObject *message = new_message ();

  json_object_set_member (message, "id", json_node_copy (id));
  json_object_set_object_member (message, "result", json_object_ref (result));
  return message;
}

/**
 * porthole_mcp_message_new_error:
 * @id: (nullable): the request's id; %NULL when it could not be read
 * @data: (nullable) (transfer none): the error's `data`
 */
JsonObject *
porthole_mcp_message_new_error (JsonNode   *id,
                                int         code,
                                const char *message_text,
                                JsonNode   *data)
{
  JsonObject *message = new_message ();
  JsonObject *error = json_object_new ();

  json_object_set_int_member (error, "code", code);
  json_object_set_string_member (error, "message", message_text);
  if (data != NULL)
    json_object_set_member (error, "data", json_node_copy (data));

  if (id != NULL)
    json_object_set_member (message, "id", json_node_copy (id));
  else
    json_object_set_null_member (message, "id");
  json_object_set_object_member (message, "error", error);
  return message;
}

/**
 * porthole_mcp_message_new_gerror:
 *
 * PORTHOLE_MCP_ERROR codes are sent as they are; anything else is an
 * internal error.
 */
JsonObject *
porthole_mcp_message_new_gerror (JsonNode     *id,
                                 const GError *error)
{
  int code = error->domain == PORTHOLE_MCP_ERROR ? error->code : PORTHOLE_MCP_INTERNAL_ERROR;

  return porthole_mcp_message_new_error (id, code, error->message, NULL);
}

/**
 * porthole_mcp_message_new_notification:
 * @params: (nullable) (transfer none)
 */
JsonObject *
porthole_mcp_message_new_notification (const char *method,
                                       JsonObject *params)
{
  JsonObject *message = new_message ();

  json_object_set_string_member (message, "method", method);
  if (params != NULL)
    json_object_set_object_member (message, "params", json_object_ref (params));
  return message;
}

/**
 * porthole_mcp_message_new_request:
 * @params: (nullable) (transfer none)
 */
JsonObject *
porthole_mcp_message_new_request (JsonNode   *id,
                                  const char *method,
                                  JsonObject *params)
{
  JsonObject *message = porthole_mcp_message_new_notification (method, params);

  json_object_set_member (message, "id", json_node_copy (id));
  return message;
}

/**
 * porthole_mcp_message_to_string:
 *
 * Returns: (transfer full): compact JSON, one line (an SSE data line)
 */
char *
porthole_mcp_message_to_string (JsonObject *message,
                                gsize      *length)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), message);

  return porthole_json_to_string (node, length);
}

static const char *const log_levels[] = {
  "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency", NULL
};

int
porthole_mcp_log_level_from_string (const char *level)
{
  for (int i = 0; level != NULL && log_levels[i]; i++)
    if (g_str_equal (level, log_levels[i]))
      return i;

  return -1;
}

const char *
porthole_mcp_log_level_to_string (int level)
{
  if (level < 0 || level >= (int) G_N_ELEMENTS (log_levels) - 1)
    return NULL;

  return log_levels[level];
}
