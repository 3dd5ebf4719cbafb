/* porthole-mcp-call.c
 *
 * A call answers once: the first of its result, its error or its
 * cancellation counts, later ones are dropped (a handler still finishing
 * after a cancel needs no care). Results get what the call's revision
 * wants of every result: 2026-07-28 has `resultType` and the server's
 * identity in `_meta`, and cache hints on lists and reads.
 *
 * Requests to the client (sampling, elicitation) go on the call's own
 * stream in the legacy revisions; 2026-07-28 has no such requests: the
 * call answers `input_required` with what it needs and the client
 * retries with `inputResponses` (basic/patterns/mrtr). The handler runs
 * again then, asks again in the same order, and this time finds the
 * answers: request keys are the order of asking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-exchange.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-server.h"
#include "porthole-mcp-session.h"

struct _PortholeMcpCall
{
  GObject parent_instance;

  PortholeMcpServer *server;
  PortholeMcpExchange *exchange;
  PortholeMcpSession *session;
  char *version;
  JsonNode *id;
  char *method;
  JsonObject *params;
  JsonObject *meta;
  GCancellable *cancellable;
  int log_level;

  /* Tool results */
  JsonArray *content;
  JsonObject *structured;
  gboolean has_text;

  /* Requests to the client */
  guint n_client_requests;
  GPtrArray *pending_ids;

  guint done : 1;
};

G_DEFINE_FINAL_TYPE (PortholeMcpCall, porthole_mcp_call, G_TYPE_OBJECT)

static void
porthole_mcp_call_dispose (GObject *object)
{
  PortholeMcpCall *self = (PortholeMcpCall *)object;

  if (self->session != NULL)
    porthole_mcp_session_remove_call (self->session, self);
  g_clear_object (&self->exchange);
  g_clear_object (&self->session);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (porthole_mcp_call_parent_class)->dispose (object);
}

static void
porthole_mcp_call_finalize (GObject *object)
{
  PortholeMcpCall *self = (PortholeMcpCall *)object;

  g_clear_pointer (&self->id, json_node_unref);
  g_clear_pointer (&self->params, json_object_unref);
  g_clear_pointer (&self->meta, json_object_unref);
  g_clear_pointer (&self->content, json_array_unref);
  g_clear_pointer (&self->structured, json_object_unref);
  g_clear_pointer (&self->pending_ids, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->method);
  g_free (self->version);

  G_OBJECT_CLASS (porthole_mcp_call_parent_class)->finalize (object);
}

static void
porthole_mcp_call_class_init (PortholeMcpCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_mcp_call_dispose;
  object_class->finalize = porthole_mcp_call_finalize;
}

static void
porthole_mcp_call_init (PortholeMcpCall *self)
{
  self->cancellable = g_cancellable_new ();
  self->content = json_array_new ();
  self->pending_ids = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->log_level = -1;
}

/**
 * porthole_mcp_call_new:
 * @exchange: the POST it came in, which its response goes out with
 * @session: (nullable): its legacy session
 * @version: the revision it speaks
 * @request: (transfer none): the JSON-RPC request
 */
PortholeMcpCall *
porthole_mcp_call_new (PortholeMcpServer   *server,
                       PortholeMcpExchange *exchange,
                       PortholeMcpSession  *session,
                       const char          *version,
                       JsonObject          *request)
{
  PortholeMcpCall *self = g_object_new (PORTHOLE_TYPE_MCP_CALL, NULL);
  JsonObject *params = porthole_json_object_get_object (request, "params");
  JsonObject *meta;

  self->server = g_object_ref (server);
  self->exchange = g_object_ref (exchange);
  self->session = session ? g_object_ref (session) : NULL;
  self->version = g_strdup (version);
  self->id = json_node_copy (json_object_get_member (request, "id"));
  self->method = g_strdup (porthole_json_object_get_string (request, "method"));
  self->params = params ? json_object_ref (params) : json_object_new ();
  meta = porthole_json_object_get_object (self->params, "_meta");
  self->meta = meta ? json_object_ref (meta) : json_object_new ();

  if (porthole_mcp_call_is_modern (self))
    self->log_level = porthole_mcp_log_level_from_string (porthole_json_object_get_string (self->meta,
                                                                                          PORTHOLE_MCP_META_LOG_LEVEL));
  if (session != NULL)
    porthole_mcp_session_add_call (session, self);
  porthole_mcp_exchange_add_call (exchange, self);

  return self;
}

PortholeMcpServer *
porthole_mcp_call_get_server (PortholeMcpCall *self)
{
  return self->server;
}

PortholeDaemon *
porthole_mcp_call_get_daemon (PortholeMcpCall *self)
{
  return porthole_mcp_server_get_daemon (self->server);
}

/**
 * porthole_mcp_call_get_session:
 *
 * Returns: (transfer none) (nullable): the legacy session
 */
PortholeMcpSession *
porthole_mcp_call_get_session (PortholeMcpCall *self)
{
  return self->session;
}

const char *
porthole_mcp_call_get_version (PortholeMcpCall *self)
{
  return self->version;
}

gboolean
porthole_mcp_call_is_modern (PortholeMcpCall *self)
{
  return !porthole_mcp_version_is_legacy (self->version);
}

JsonNode *
porthole_mcp_call_get_id (PortholeMcpCall *self)
{
  return self->id;
}

const char *
porthole_mcp_call_get_method (PortholeMcpCall *self)
{
  return self->method;
}

/**
 * porthole_mcp_call_get_params:
 *
 * Returns: (transfer none): the request's params ({} when absent)
 */
JsonObject *
porthole_mcp_call_get_params (PortholeMcpCall *self)
{
  return self->params;
}

/**
 * porthole_mcp_call_get_client_capabilities:
 *
 * Returns: (transfer none): what the client declared: at initialize, or
 *   in this request's `_meta`
 */
JsonObject *
porthole_mcp_call_get_client_capabilities (PortholeMcpCall *self)
{
  JsonObject *capabilities;

  if (self->session != NULL)
    return porthole_mcp_session_get_capabilities (self->session);

  capabilities = porthole_json_object_get_object (self->meta, PORTHOLE_MCP_META_CLIENT_CAPABILITIES);
  if (capabilities == NULL)
    {
      capabilities = json_object_new ();
      json_object_set_object_member (self->meta, PORTHOLE_MCP_META_CLIENT_CAPABILITIES, capabilities);
    }
  return capabilities;
}

/**
 * porthole_mcp_call_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the client cancels or leaves
 */
GCancellable *
porthole_mcp_call_get_cancellable (PortholeMcpCall *self)
{
  return self->cancellable;
}

gboolean
porthole_mcp_call_is_done (PortholeMcpCall *self)
{
  return self->done;
}

static void
respond (PortholeMcpCall *self,
         JsonObject      *response)
{
  g_autoptr(PortholeMcpCall) hold = g_object_ref (self);
  g_autoptr(PortholeMcpExchange) exchange = g_steal_pointer (&self->exchange);

  self->done = TRUE;
  if (self->session != NULL)
    {
      for (guint i = 0; i < self->pending_ids->len; i++)
        porthole_mcp_session_cancel_pending (self->session, g_ptr_array_index (self->pending_ids, i));
      porthole_mcp_session_remove_call (self->session, self);
      porthole_mcp_session_touch (self->session);
    }

  if (exchange != NULL)
    porthole_mcp_exchange_respond (exchange, self, response);
}

/**
 * porthole_mcp_call_cancel:
 *
 * The client cancelled (notifications/cancelled) or left: the handler's
 * work is cancelled and the call answers with an error at once, so the
 * exchange can end whatever the handler does next.
 */
void
porthole_mcp_call_cancel (PortholeMcpCall *self)
{
  g_autoptr(JsonObject) response = NULL;

  if (self->done)
    return;

  g_cancellable_cancel (self->cancellable);
  if (self->done)
    return;

  response = porthole_mcp_message_new_error (self->id, PORTHOLE_MCP_REQUEST_CANCELLED, "Request cancelled", NULL);
  respond (self, response);
}

/* Answers */

static gboolean
is_cacheable (const char *method)
{
  return g_str_equal (method, "tools/list") || g_str_equal (method, "prompts/list") ||
         g_str_equal (method, "resources/list") || g_str_equal (method, "resources/read") ||
         g_str_equal (method, "resources/templates/list");
}

/**
 * porthole_mcp_call_return_result:
 * @result: (transfer none): the method's result
 */
void
porthole_mcp_call_return_result (PortholeMcpCall *self,
                                 JsonObject      *result)
{
  g_autoptr(JsonObject) response = NULL;

  if (self->done)
    return;

  if (porthole_mcp_call_is_modern (self))
    {
      JsonObject *meta = porthole_json_object_get_object (result, "_meta");

      if (!json_object_has_member (result, "resultType"))
        json_object_set_string_member (result, "resultType", "complete");
      if (meta == NULL)
        {
          meta = json_object_new ();
          json_object_set_object_member (result, "_meta", meta);
        }
      json_object_set_object_member (meta, PORTHOLE_MCP_META_SERVER_INFO,
                                     porthole_mcp_server_dup_info (self->server));
      /* Lists of what portholed is made of change with a new version
       * only; files and the screen change any time. */
      if (is_cacheable (self->method) && !json_object_has_member (result, "ttlMs"))
        {
          gboolean stable = g_str_equal (self->method, "tools/list") || g_str_equal (self->method, "prompts/list") ||
                            g_str_equal (self->method, "resources/templates/list");

          json_object_set_int_member (result, "ttlMs", stable ? 300000 : 0);
          json_object_set_string_member (result, "cacheScope", "private");
        }
    }

  response = porthole_mcp_message_new_result (self->id, result);
  respond (self, response);
}

/**
 * porthole_mcp_call_return_error:
 * @data: (nullable) (transfer none): the error's `data`
 */
void
porthole_mcp_call_return_error (PortholeMcpCall *self,
                                int              code,
                                JsonNode        *data,
                                const char      *format,
                                ...)
{
  g_autoptr(JsonObject) response = NULL;
  g_autofree char *message = NULL;
  va_list args;

  if (self->done)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  response = porthole_mcp_message_new_error (self->id, code, message, data);
  respond (self, response);
}

void
porthole_mcp_call_return_gerror (PortholeMcpCall *self,
                                 const GError    *error)
{
  g_autoptr(JsonObject) response = NULL;

  if (self->done)
    return;

  response = porthole_mcp_message_new_gerror (self->id, error);
  respond (self, response);
}

/* Messages before the answer */

/**
 * porthole_mcp_call_notify:
 * @params: (nullable) (transfer none)
 *
 * A notification about this request, on its stream.
 *
 * Returns: %FALSE if it could not be sent (the client takes JSON only)
 */
gboolean
porthole_mcp_call_notify (PortholeMcpCall *self,
                          const char      *method,
                          JsonObject      *params)
{
  g_autoptr(JsonObject) message = NULL;

  if (self->done || self->exchange == NULL)
    return FALSE;

  message = porthole_mcp_message_new_notification (method, params);
  return porthole_mcp_exchange_send (self->exchange, message);
}

gboolean
porthole_mcp_call_has_progress_token (PortholeMcpCall *self)
{
  return json_object_has_member (self->meta, "progressToken");
}

/**
 * porthole_mcp_call_progress:
 * @total: the total, or a negative number when unknown
 * @message: (nullable)
 *
 * notifications/progress, if the request asked for it (progressToken).
 * @progress must grow from one call to the next.
 */
void
porthole_mcp_call_progress (PortholeMcpCall *self,
                            double           progress,
                            double           total,
                            const char      *message)
{
  g_autoptr(JsonObject) params = NULL;
  JsonNode *token = json_object_get_member (self->meta, "progressToken");

  if (token == NULL)
    return;

  params = json_object_new ();
  json_object_set_member (params, "progressToken", json_node_copy (token));
  json_object_set_double_member (params, "progress", progress);
  if (total >= 0)
    json_object_set_double_member (params, "total", total);
  if (message != NULL)
    json_object_set_string_member (params, "message", message);
  porthole_mcp_call_notify (self, "notifications/progress", params);
}

/**
 * porthole_mcp_call_log:
 * @level: a log level (porthole_mcp_log_level_from_string())
 * @logger: (nullable)
 * @data: (transfer none): what to log
 *
 * notifications/message, if the client wants this level: legacy
 * sessions get what logging/setLevel allows (everything by default),
 * 2026-07-28 requests only what their `logLevel` asks for.
 */
void
porthole_mcp_call_log (PortholeMcpCall *self,
                       int              level,
                       const char      *logger,
                       JsonNode        *data)
{
  g_autoptr(JsonObject) params = NULL;
  int wanted = self->session ? porthole_mcp_session_get_log_level (self->session) : self->log_level;

  if (porthole_mcp_call_is_modern (self) && wanted < 0)
    return;
  if (level < wanted)
    return;

  params = json_object_new ();
  json_object_set_string_member (params, "level", porthole_mcp_log_level_to_string (level));
  if (logger != NULL)
    json_object_set_string_member (params, "logger", logger);
  json_object_set_member (params, "data", json_node_copy (data));
  porthole_mcp_call_notify (self, "notifications/message", params);
}

/* Requests to the client */

static const char *
capability_for (const char *method)
{
  if (g_str_equal (method, "sampling/createMessage"))
    return "sampling";
  if (g_str_equal (method, "elicitation/create"))
    return "elicitation";
  if (g_str_equal (method, "roots/list"))
    return "roots";
  return NULL;
}

/* After an InputRequiredResult went out: this round's handler is done. */
static void
answer_input_required (PortholeMcpCall *self,
                       const char      *key,
                       const char      *method,
                       JsonObject      *params)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonObject *requests = json_object_new ();
  JsonObject *request = json_object_new ();
  JsonNode *state = json_object_get_member (self->params, "requestState");

  json_object_set_string_member (request, "method", method);
  json_object_set_object_member (request, "params", params ? json_object_ref (params) : json_object_new ());
  json_object_set_object_member (requests, key, request);
  json_object_set_string_member (result, "resultType", "input_required");
  json_object_set_object_member (result, "inputRequests", requests);
  if (state != NULL)
    json_object_set_member (result, "requestState", json_node_copy (state));
  porthole_mcp_call_return_result (self, result);
}

/**
 * porthole_mcp_call_request_client_async:
 * @params: (nullable) (transfer none)
 *
 * Asks the client (sampling/createMessage, elicitation/create,
 * roots/list) and gives its result to @callback. A client that did not
 * declare the capability gets no request: the callback gets an error
 * (2026-07-28: the call answers MissingRequiredClientCapability itself).
 */
void
porthole_mcp_call_request_client_async (PortholeMcpCall     *self,
                                        const char          *method,
                                        JsonObject          *params,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, user_data);
  g_autoptr(JsonObject) message = NULL;
  const char *capability = capability_for (method);
  JsonObject *capabilities = porthole_mcp_call_get_client_capabilities (self);
  g_autofree char *key = g_strdup_printf ("%s-%u", method, self->n_client_requests++);
  g_autoptr(JsonNode) id = NULL;

  g_task_set_source_tag (task, porthole_mcp_call_request_client_async);

  if (capability != NULL && !json_object_has_member (capabilities, capability))
    {
      if (porthole_mcp_call_is_modern (self))
        {
          g_autoptr(JsonObject) details = json_object_new ();
          g_autoptr(JsonNode) node = NULL;
          JsonArray *required = json_array_new ();

          json_array_add_string_element (required, capability);
          json_object_set_array_member (details, "requiredCapabilities", required);
          node = json_node_init_object (json_node_alloc (), details);
          porthole_mcp_call_return_error (self, PORTHOLE_MCP_MISSING_CAPABILITY, node,
                                          "The client did not declare the %s capability", capability);
        }
      g_task_return_new_error (task, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_MISSING_CAPABILITY,
                               "The client does not support %s", method);
      return;
    }

  if (porthole_mcp_call_is_modern (self))
    {
      JsonObject *responses = porthole_json_object_get_object (self->params, "inputResponses");
      JsonObject *response = responses ? porthole_json_object_get_object (responses, key) : NULL;

      if (response != NULL)
        {
          g_task_return_pointer (task, json_object_ref (response), (GDestroyNotify) json_object_unref);
          return;
        }
      answer_input_required (self, key, method, params);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Input required from the client");
      return;
    }

  if (self->session == NULL || self->done || !porthole_mcp_exchange_can_stream (self->exchange))
    {
      g_task_return_new_error (task, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_SERVER_ERROR,
                               "Cannot ask the client: its request does not accept an event stream");
      return;
    }

  /* The session completes the task: with the client's answer, or
   * cancelled when this call ends first. */
  id = porthole_mcp_session_add_pending (self->session, task);
  g_ptr_array_add (self->pending_ids, json_node_ref (id));

  message = porthole_mcp_message_new_request (id, method, params);
  if (!porthole_mcp_exchange_send (self->exchange, message))
    porthole_mcp_session_cancel_pending (self->session, id);
}

/**
 * porthole_mcp_call_request_client_finish:
 *
 * Returns: (transfer full): the client's result
 */
JsonObject *
porthole_mcp_call_request_client_finish (PortholeMcpCall  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Tool results */

void
porthole_mcp_call_add_text (PortholeMcpCall *self,
                            const char      *text)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "type", "text");
  json_object_set_string_member (content, "text", text);
  json_array_add_object_element (self->content, content);
  self->has_text = TRUE;
}

/**
 * porthole_mcp_call_add_image:
 * @mime_type: image/png or image/jpeg
 */
void
porthole_mcp_call_add_image (PortholeMcpCall *self,
                             GBytes          *data,
                             const char      *mime_type)
{
  JsonObject *content = json_object_new ();
  gsize size;
  const guchar *bytes = g_bytes_get_data (data, &size);
  g_autofree char *base64 = g_base64_encode (bytes, size);

  json_object_set_string_member (content, "type", "image");
  json_object_set_string_member (content, "data", base64);
  json_object_set_string_member (content, "mimeType", mime_type);
  json_array_add_object_element (self->content, content);
}

/**
 * porthole_mcp_call_add_content:
 * @content: (transfer none): any content block
 */
void
porthole_mcp_call_add_content (PortholeMcpCall *self,
                               JsonObject      *content)
{
  if (g_strcmp0 (porthole_json_object_get_string (content, "type"), "text") == 0)
    self->has_text = TRUE;
  json_array_add_object_element (self->content, json_object_ref (content));
}

/**
 * porthole_mcp_call_set_structured:
 * @structured: (transfer none): the result in the tool's outputSchema
 */
void
porthole_mcp_call_set_structured (PortholeMcpCall *self,
                                  JsonObject      *structured)
{
  g_clear_pointer (&self->structured, json_object_unref);
  self->structured = json_object_ref (structured);
}

/**
 * porthole_mcp_call_get_structured:
 *
 * Returns: (transfer none) (nullable)
 */
JsonObject *
porthole_mcp_call_get_structured (PortholeMcpCall *self)
{
  return self->structured;
}

/**
 * porthole_mcp_call_finish_tool:
 *
 * Answers a tools/call with what was added. Structured content without
 * readable text also goes as JSON text, for clients that only read
 * text (tools §Structured Content).
 */
void
porthole_mcp_call_finish_tool (PortholeMcpCall *self)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonArray *content = json_array_new ();

  if (self->structured != NULL && !self->has_text)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), self->structured);
      g_autofree char *text = porthole_json_to_string (node, NULL);
      JsonObject *block = json_object_new ();

      json_object_set_string_member (block, "type", "text");
      json_object_set_string_member (block, "text", text);
      json_array_add_object_element (content, block);
    }
  for (guint i = 0; i < json_array_get_length (self->content); i++)
    json_array_add_element (content, json_node_copy (json_array_get_element (self->content, i)));

  json_object_set_array_member (result, "content", content);
  if (self->structured != NULL)
    json_object_set_object_member (result, "structuredContent", json_object_ref (self->structured));
  json_object_set_boolean_member (result, "isError", FALSE);
  porthole_mcp_call_return_result (self, result);
}

/**
 * porthole_mcp_call_fail_tool:
 *
 * Answers a tools/call with `isError`: the model reads what went wrong
 * (tools §Error Handling), rather than a protocol error.
 */
void
porthole_mcp_call_fail_tool (PortholeMcpCall *self,
                             const GError    *error)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonArray *content = json_array_new ();
  JsonObject *text = json_object_new ();

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->done)
    return;

  json_object_set_string_member (text, "type", "text");
  json_object_set_string_member (text, "text", error->message);
  json_array_add_object_element (content, text);
  json_object_set_array_member (result, "content", content);
  json_object_set_boolean_member (result, "isError", TRUE);
  porthole_mcp_call_return_result (self, result);
}
