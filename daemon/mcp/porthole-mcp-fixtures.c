/* porthole-mcp-fixtures.c — the fixtures the official MCP conformance
 * suite (@modelcontextprotocol/conformance, `conformance server`) calls:
 * test_* tools, test:// resources and test_* prompts, with the content
 * its scenarios check.
 *
 * A plugin (porthole-plugin.h) built for the tests only and never
 * installed: portholed loads it when PORTHOLE_MCP_TEST_FIXTURES=1 and it
 * is found, which is only the case when portholed runs from its build
 * tree. It exercises what the real tools use too: progress, logging,
 * requests to the client (sampling, elicitation), embedded resources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmodule.h>

#include "porthole-json.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"
#include "porthole-plugin.h"

/* A 1x1 red PNG and a minimal WAV, as the suite's own server has. */
#define TEST_IMAGE_BASE64 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
#define TEST_AUDIO_BASE64 "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="

static const char tools_json[] =
  "["
  "{\"name\":\"test_simple_text\",\"description\":\"Tests simple text content response\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_image_content\",\"description\":\"Tests image content response\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_audio_content\",\"description\":\"Tests audio content response\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_embedded_resource\",\"description\":\"Tests embedded resource content response\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_multiple_content_types\",\"description\":\"Tests response with multiple content types (text, image, resource)\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_tool_with_logging\",\"description\":\"Tests tool that emits log messages during execution\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_tool_with_progress\",\"description\":\"Tests tool that reports progress notifications\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_error_handling\",\"description\":\"Tests error response handling\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_sampling\",\"description\":\"Tests server-initiated sampling (LLM completion request)\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\",\"description\":\"The prompt to send to the LLM\"}},\"required\":[\"prompt\"]}},"
  "{\"name\":\"test_elicitation\",\"description\":\"Tests server-initiated elicitation (user input request)\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\",\"description\":\"The message to show the user\"}},\"required\":[\"message\"]}},"
  "{\"name\":\"test_elicitation_sep1034_defaults\",\"description\":\"Tests elicitation with default values per SEP-1034\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"test_elicitation_sep1330_enums\",\"description\":\"Tests elicitation with enum schema improvements per SEP-1330\","
  " \"inputSchema\":{\"type\":\"object\",\"properties\":{}}},"
  "{\"name\":\"json_schema_2020_12_tool\",\"description\":\"Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)\","
  " \"inputSchema\":{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
  "  \"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},"
  "  \"properties\":{\"name\":{\"type\":\"string\"},\"address\":{\"$ref\":\"#/$defs/address\"}},\"additionalProperties\":false}}"
  "]";

static JsonObject *
text_content (const char *text)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "type", "text");
  json_object_set_string_member (content, "text", text);
  return content;
}

static JsonObject *
image_content (void)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "type", "image");
  json_object_set_string_member (content, "data", TEST_IMAGE_BASE64);
  json_object_set_string_member (content, "mimeType", "image/png");
  return content;
}

static JsonObject *
resource_content (const char *uri,
                  const char *mime_type,
                  const char *text)
{
  JsonObject *content = json_object_new ();
  JsonObject *resource = json_object_new ();

  json_object_set_string_member (resource, "uri", uri);
  json_object_set_string_member (resource, "mimeType", mime_type);
  json_object_set_string_member (resource, "text", text);
  json_object_set_string_member (content, "type", "resource");
  json_object_set_object_member (content, "resource", resource);
  return content;
}

static void
add (PortholeMcpCall *call,
     JsonObject      *content)
{
  porthole_mcp_call_add_content (call, content);
  json_object_unref (content);
}

/* Tools */

static void
tool_simple_text (PortholeMcpCall *call,
                  JsonObject      *arguments,
                  gpointer         user_data)
{
  porthole_mcp_call_add_text (call, "This is a simple text response for testing.");
  porthole_mcp_call_finish_tool (call);
}

static void
tool_image_content (PortholeMcpCall *call,
                    JsonObject      *arguments,
                    gpointer         user_data)
{
  add (call, image_content ());
  porthole_mcp_call_finish_tool (call);
}

static void
tool_audio_content (PortholeMcpCall *call,
                    JsonObject      *arguments,
                    gpointer         user_data)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "type", "audio");
  json_object_set_string_member (content, "data", TEST_AUDIO_BASE64);
  json_object_set_string_member (content, "mimeType", "audio/wav");
  add (call, content);
  porthole_mcp_call_finish_tool (call);
}

static void
tool_embedded_resource (PortholeMcpCall *call,
                        JsonObject      *arguments,
                        gpointer         user_data)
{
  add (call, resource_content ("test://embedded-resource", "text/plain", "This is an embedded resource content."));
  porthole_mcp_call_finish_tool (call);
}

static void
tool_multiple_content_types (PortholeMcpCall *call,
                             JsonObject      *arguments,
                             gpointer         user_data)
{
  add (call, text_content ("Multiple content types test:"));
  add (call, image_content ());
  add (call, resource_content ("test://mixed-content-resource", "application/json", "{\"test\":\"data\",\"value\":123}"));
  porthole_mcp_call_finish_tool (call);
}

/* Three steps, 50 ms apart: logging or progress. */
typedef struct
{
  PortholeMcpCall *call;
  guint step;
  gboolean progress;
} Steps;

static const char *const log_steps[] = { "Tool execution started", "Tool processing data", "Tool execution completed" };

static gboolean
step_cb (gpointer user_data)
{
  Steps *steps = user_data;
  PortholeMcpCall *call = steps->call;

  if (porthole_mcp_call_is_done (call))
    goto done;

  if (steps->progress)
    {
      g_autofree char *message = g_strdup_printf ("Completed step %u of 100", steps->step * 50);

      porthole_mcp_call_progress (call, steps->step * 50, 100, message);
    }
  else
    {
      g_autoptr(JsonNode) data = json_node_init_string (json_node_alloc (), log_steps[steps->step]);

      porthole_mcp_call_log (call, 1 /* info */, NULL, data);
    }

  if (++steps->step < 3)
    return G_SOURCE_CONTINUE;

  if (steps->progress)
    {
      JsonNode *token = json_object_get_member (porthole_json_object_get_object (porthole_mcp_call_get_params (call), "_meta"),
                                                "progressToken");
      g_autofree char *text = token && json_node_get_value_type (token) == G_TYPE_STRING
                              ? g_strdup (json_node_get_string (token))
                              : g_strdup_printf ("%" G_GINT64_FORMAT, token ? json_node_get_int (token) : 0);

      porthole_mcp_call_add_text (call, text);
    }
  else
    porthole_mcp_call_add_text (call, "Tool with logging executed successfully");
  porthole_mcp_call_finish_tool (call);

done:
  g_object_unref (steps->call);
  g_free (steps);
  return G_SOURCE_REMOVE;
}

static void
run_steps (PortholeMcpCall *call,
           gboolean         progress)
{
  Steps *steps = g_new0 (Steps, 1);

  steps->call = g_object_ref (call);
  steps->progress = progress;
  if (step_cb (steps) == G_SOURCE_CONTINUE)
    g_timeout_add (50, step_cb, steps);
}

static void
tool_with_logging (PortholeMcpCall *call,
                   JsonObject      *arguments,
                   gpointer         user_data)
{
  run_steps (call, FALSE);
}

static void
tool_with_progress (PortholeMcpCall *call,
                    JsonObject      *arguments,
                    gpointer         user_data)
{
  run_steps (call, TRUE);
}

static void
tool_error_handling (PortholeMcpCall *call,
                     JsonObject      *arguments,
                     gpointer         user_data)
{
  g_autoptr(GError) error = g_error_new_literal (PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INTERNAL_ERROR,
                                                 "This tool intentionally returns an error for testing");

  porthole_mcp_call_fail_tool (call, error);
}

/* Requests to the client */

static void
on_sampled (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PortholeMcpCall *call = PORTHOLE_MCP_CALL (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = porthole_mcp_call_request_client_finish (call, result, &error);
  g_autofree char *text = NULL;

  if (answer == NULL)
    text = g_strdup_printf ("Sampling not supported or error: %s", error->message);
  else
    {
      JsonObject *content = porthole_json_object_get_object (answer, "content");
      const char *said = content ? porthole_json_object_get_string (content, "text") : NULL;

      text = g_strdup_printf ("LLM response: %s", said ? said : "No response");
    }

  porthole_mcp_call_add_text (call, text);
  porthole_mcp_call_finish_tool (call);
}

static void
tool_sampling (PortholeMcpCall *call,
               JsonObject      *arguments,
               gpointer         user_data)
{
  g_autoptr(JsonObject) params = json_object_new ();
  JsonArray *messages = json_array_new ();
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "role", "user");
  json_object_set_object_member (message, "content",
                                 text_content (json_object_get_string_member (arguments, "prompt")));
  json_array_add_object_element (messages, message);
  json_object_set_array_member (params, "messages", messages);
  json_object_set_int_member (params, "maxTokens", 100);
  porthole_mcp_call_request_client_async (call, "sampling/createMessage", params, on_sampled, NULL);
}

static void
on_elicited (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PortholeMcpCall *call = PORTHOLE_MCP_CALL (object);
  const char *prefix = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = porthole_mcp_call_request_client_finish (call, result, &error);
  g_autofree char *text = NULL;

  if (answer == NULL)
    text = g_strdup_printf ("Elicitation not supported or error: %s", error->message);
  else
    {
      JsonObject *content = porthole_json_object_get_object (answer, "content");
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), content ? content : json_object_new ());
      g_autofree char *json = porthole_json_to_string (node, NULL);

      text = g_strdup_printf ("%s: action=%s, content=%s", prefix,
                              porthole_json_object_get_string (answer, "action"), json);
    }

  porthole_mcp_call_add_text (call, text);
  porthole_mcp_call_finish_tool (call);
}

static void
elicit (PortholeMcpCall *call,
        const char      *message,
        const char      *schema_json,
        const char      *prefix)
{
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonNode) schema = json_from_string (schema_json, NULL);

  g_assert (schema != NULL);
  json_object_set_string_member (params, "message", message);
  json_object_set_member (params, "requestedSchema", g_steal_pointer (&schema));
  porthole_mcp_call_request_client_async (call, "elicitation/create", params, on_elicited, (gpointer) prefix);
}

static void
tool_elicitation (PortholeMcpCall *call,
                  JsonObject      *arguments,
                  gpointer         user_data)
{
  elicit (call, json_object_get_string_member (arguments, "message"),
          "{\"type\":\"object\",\"properties\":{\"response\":{\"type\":\"string\",\"description\":\"User's response\"}},"
          "\"required\":[\"response\"]}",
          "User response");
}

static void
tool_elicitation_defaults (PortholeMcpCall *call,
                           JsonObject      *arguments,
                           gpointer         user_data)
{
  elicit (call, "Please review and update the form fields with defaults",
          "{\"type\":\"object\",\"properties\":{"
          "\"name\":{\"type\":\"string\",\"description\":\"User name\",\"default\":\"John Doe\"},"
          "\"age\":{\"type\":\"integer\",\"description\":\"User age\",\"default\":30},"
          "\"score\":{\"type\":\"number\",\"description\":\"User score\",\"default\":95.5},"
          "\"status\":{\"type\":\"string\",\"description\":\"User status\",\"enum\":[\"active\",\"inactive\",\"pending\"],\"default\":\"active\"},"
          "\"verified\":{\"type\":\"boolean\",\"description\":\"Verification status\",\"default\":true}},"
          "\"required\":[]}",
          "Elicitation completed");
}

static void
tool_elicitation_enums (PortholeMcpCall *call,
                        JsonObject      *arguments,
                        gpointer         user_data)
{
  elicit (call, "Please select options from the enum fields",
          "{\"type\":\"object\",\"properties\":{"
          "\"untitledSingle\":{\"type\":\"string\",\"description\":\"Select one option\",\"enum\":[\"option1\",\"option2\",\"option3\"]},"
          "\"titledSingle\":{\"type\":\"string\",\"description\":\"Select one option with titles\",\"oneOf\":["
          "{\"const\":\"value1\",\"title\":\"First Option\"},{\"const\":\"value2\",\"title\":\"Second Option\"},"
          "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"
          "\"legacyEnum\":{\"type\":\"string\",\"description\":\"Select one option (legacy)\","
          "\"enum\":[\"opt1\",\"opt2\",\"opt3\"],\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"
          "\"untitledMulti\":{\"type\":\"array\",\"description\":\"Select multiple options\",\"minItems\":1,\"maxItems\":3,"
          "\"items\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\",\"option3\"]}},"
          "\"titledMulti\":{\"type\":\"array\",\"description\":\"Select multiple options with titles\",\"minItems\":1,\"maxItems\":3,"
          "\"items\":{\"anyOf\":[{\"const\":\"value1\",\"title\":\"First Choice\"},{\"const\":\"value2\",\"title\":\"Second Choice\"},"
          "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}},"
          "\"required\":[]}",
          "Elicitation completed");
}

static void
tool_json_schema (PortholeMcpCall *call,
                  JsonObject      *arguments,
                  gpointer         user_data)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), arguments);
  g_autofree char *json = porthole_json_to_string (node, NULL);
  g_autofree char *text = g_strdup_printf ("JSON Schema 2020-12 tool called with: %s", json);

  porthole_mcp_call_add_text (call, text);
  porthole_mcp_call_finish_tool (call);
}

/* Resources */

static void
return_contents (PortholeMcpCall *call,
                 const char      *uri,
                 const char      *mime_type,
                 const char      *member,
                 const char      *value)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonArray *contents = json_array_new ();
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "uri", uri);
  json_object_set_string_member (content, "mimeType", mime_type);
  json_object_set_string_member (content, member, value);
  json_array_add_object_element (contents, content);
  json_object_set_array_member (result, "contents", contents);
  porthole_mcp_call_return_result (call, result);
}

static void
read_static_text (PortholeMcpCall *call,
                  const char      *uri,
                  gpointer         user_data)
{
  return_contents (call, uri, "text/plain", "text", "This is the content of the static text resource.");
}

static void
read_static_binary (PortholeMcpCall *call,
                    const char      *uri,
                    gpointer         user_data)
{
  return_contents (call, uri, "image/png", "blob", TEST_IMAGE_BASE64);
}

static void
read_watched (PortholeMcpCall *call,
              const char      *uri,
              gpointer         user_data)
{
  return_contents (call, uri, "text/plain", "text", "Watched resource content");
}

static void
read_template (PortholeMcpCall *call,
               const char      *uri,
               gpointer         user_data)
{
  const char *rest = uri + strlen ("test://template/");
  g_autofree char *id = g_strndup (rest, strcspn (rest, "/"));
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *said = g_strdup_printf ("Data for ID: %s", id);

  json_object_set_string_member (data, "id", id);
  json_object_set_boolean_member (data, "templateTest", TRUE);
  json_object_set_string_member (data, "data", said);
  node = json_node_init_object (json_node_alloc (), data);
  text = porthole_json_to_string (node, NULL);
  return_contents (call, uri, "application/json", "text", text);
}

static void
add_resource (PortholeMcpRegistry *registry,
              const char          *uri,
              const char          *name,
              const char          *title,
              const char          *description,
              const char          *mime_type,
              PortholeMcpReadFunc  read)
{
  g_autoptr(JsonObject) resource = json_object_new ();

  json_object_set_string_member (resource, "uri", uri);
  json_object_set_string_member (resource, "name", name);
  json_object_set_string_member (resource, "title", title);
  json_object_set_string_member (resource, "description", description);
  json_object_set_string_member (resource, "mimeType", mime_type);
  porthole_mcp_registry_add_resource (registry, resource, read, NULL);
}

/* Prompts */

typedef struct
{
  const char *role;
  JsonObject *content;
} Message;

static void
return_messages (PortholeMcpCall *call,
                 const Message   *messages,
                 guint            n_messages)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n_messages; i++)
    {
      JsonObject *message = json_object_new ();

      json_object_set_string_member (message, "role", messages[i].role);
      json_object_set_object_member (message, "content", messages[i].content);
      json_array_add_object_element (array, message);
    }
  json_object_set_array_member (result, "messages", array);
  porthole_mcp_call_return_result (call, result);
}

static void
prompt_simple (PortholeMcpCall *call,
               JsonObject      *arguments,
               gpointer         user_data)
{
  return_messages (call, (Message[]) { { "user", text_content ("This is a simple prompt for testing.") } }, 1);
}

static void
prompt_with_arguments (PortholeMcpCall *call,
                       JsonObject      *arguments,
                       gpointer         user_data)
{
  g_autofree char *text = g_strdup_printf ("Prompt with arguments: arg1='%s', arg2='%s'",
                                           porthole_json_object_get_string (arguments, "arg1"),
                                           porthole_json_object_get_string (arguments, "arg2"));

  return_messages (call, (Message[]) { { "user", text_content (text) } }, 1);
}

static void
prompt_with_embedded_resource (PortholeMcpCall *call,
                               JsonObject      *arguments,
                               gpointer         user_data)
{
  const char *uri = porthole_json_object_get_string (arguments, "resourceUri");

  return_messages (call, (Message[]) {
                     { "user", resource_content (uri ? uri : "", "text/plain", "Embedded resource content for testing.") },
                     { "user", text_content ("Please process the embedded resource above.") },
                   }, 2);
}

static void
prompt_with_image (PortholeMcpCall *call,
                   JsonObject      *arguments,
                   gpointer         user_data)
{
  return_messages (call, (Message[]) {
                     { "user", image_content () },
                     { "user", text_content ("Please analyze the image above.") },
                   }, 2);
}

static void
add_prompt (PortholeMcpRegistry   *registry,
            const char            *json,
            PortholeMcpPromptFunc  func)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
  porthole_mcp_registry_add_prompt (registry, json_node_get_object (node), func, NULL);
}

static void
register_fixtures (PortholeMcpRegistry *registry,
                   PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry tools[] = {
    { "test_simple_text", tool_simple_text },
    { "test_image_content", tool_image_content },
    { "test_audio_content", tool_audio_content },
    { "test_embedded_resource", tool_embedded_resource },
    { "test_multiple_content_types", tool_multiple_content_types },
    { "test_tool_with_logging", tool_with_logging },
    { "test_tool_with_progress", tool_with_progress },
    { "test_error_handling", tool_error_handling },
    { "test_sampling", tool_sampling },
    { "test_elicitation", tool_elicitation },
    { "test_elicitation_sep1034_defaults", tool_elicitation_defaults },
    { "test_elicitation_sep1330_enums", tool_elicitation_enums },
    { "json_schema_2020_12_tool", tool_json_schema },
  };
  g_autoptr(JsonNode) definitions = json_from_string (tools_json, NULL);
  g_autoptr(JsonObject) template_ = json_object_new ();

  g_assert (definitions != NULL && JSON_NODE_HOLDS_ARRAY (definitions));
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      JsonObject *definition = json_array_get_object_element (json_node_get_array (definitions), i);

      g_assert (g_str_equal (json_object_get_string_member (definition, "name"), tools[i].name));
      porthole_mcp_registry_add_tool (registry, definition, tools[i].func, NULL);
    }

  add_resource (registry, "test://static-text", "static-text", "Static Text Resource",
                "A static text resource for testing", "text/plain", read_static_text);
  add_resource (registry, "test://static-binary", "static-binary", "Static Binary Resource",
                "A static binary resource (image) for testing", "image/png", read_static_binary);
  add_resource (registry, "test://watched-resource", "watched-resource", "Watched Resource",
                "A resource a client can subscribe to", "text/plain", read_watched);

  json_object_set_string_member (template_, "uriTemplate", "test://template/{id}/data");
  json_object_set_string_member (template_, "name", "template");
  json_object_set_string_member (template_, "title", "Resource Template");
  json_object_set_string_member (template_, "description", "A resource template with parameter substitution");
  json_object_set_string_member (template_, "mimeType", "application/json");
  porthole_mcp_registry_add_template (registry, template_, read_template, NULL);

  add_prompt (registry, "{\"name\":\"test_simple_prompt\",\"title\":\"Simple Test Prompt\","
              "\"description\":\"A simple prompt without arguments\"}", prompt_simple);
  add_prompt (registry, "{\"name\":\"test_prompt_with_arguments\",\"title\":\"Prompt With Arguments\","
              "\"description\":\"A prompt with required arguments\",\"arguments\":["
              "{\"name\":\"arg1\",\"description\":\"First test argument\",\"required\":true},"
              "{\"name\":\"arg2\",\"description\":\"Second test argument\",\"required\":true}]}",
              prompt_with_arguments);
  add_prompt (registry, "{\"name\":\"test_prompt_with_embedded_resource\",\"title\":\"Prompt With Embedded Resource\","
              "\"description\":\"A prompt that includes an embedded resource\",\"arguments\":["
              "{\"name\":\"resourceUri\",\"description\":\"URI of the resource to embed\",\"required\":true}]}",
              prompt_with_embedded_resource);
  add_prompt (registry, "{\"name\":\"test_prompt_with_image\",\"title\":\"Prompt With Image\","
              "\"description\":\"A prompt that includes image content\"}", prompt_with_image);
}

static const PortholeMcpFixturesPlugin vtable = {
  .register_fixtures = register_fixtures,
};

static const PortholePluginInfo info = {
  .abi_version = PORTHOLE_PLUGIN_ABI_VERSION,
  .name = PORTHOLE_PLUGIN_MCP_FIXTURES,
  .vtable = &vtable,
};

G_MODULE_EXPORT const PortholePluginInfo *
porthole_plugin_query (void)
{
  return &info;
}
