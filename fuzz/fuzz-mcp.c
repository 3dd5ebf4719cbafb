/* fuzz-mcp.c — what the /mcp route does with a body before dispatching
 * it: JSON-RPC message or batch classification and request-id keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-fuzz.h"
#include "porthole-json.h"
#include "porthole-mcp-message.h"

static void
classify (JsonNode *node)
{
  g_autoptr(GError) error = NULL;
  PortholeMcpMessageKind kind;
  gboolean ok = porthole_mcp_message_classify (node, &kind, &error);

  g_assert (ok == (error == NULL));
  if (ok && kind != PORTHOLE_MCP_MESSAGE_NOTIFICATION)
    {
      JsonObject *message = json_node_get_object (node);
      g_autofree char *key = porthole_mcp_id_to_key (json_object_get_member (message, "id"));

      g_assert_nonnull (key);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) node = porthole_json_parse ((const char *) data, size, NULL);

  if (node == NULL)
    return 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *batch = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (batch); i++)
        classify (json_array_get_element (batch, i));
    }
  else
    classify (node);

  return 0;
}
