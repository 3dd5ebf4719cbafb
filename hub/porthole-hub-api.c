/* porthole-hub-api.c
 *
 * The routes of CONTROL-PLANE.md §3, their fields, status codes and
 * error bodies (§1.5: the nested `error` object py reads and the
 * top-level `code`/`message` js reads). Every answer is a JSON object
 * with `X-Request-ID`. Create, resume and start are asynchronous: the
 * message is paused until the sandbox's agent is healthy, and a client
 * that hangs up meanwhile has its sandbox rolled back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#include "porthole-hub-api.h"
#include "porthole-hub-error.h"
#include "porthole-http-listener.h"
#include "porthole-json.h"

/* CONTROL-PLANE.md §1.3 */
#define MAX_BODY_SIZE (1024 * 1024)
#define MAX_LIST_LIMIT 100

struct _PortholeHubApi
{
  GObject parent_instance;

  PortholeHub *hub;
  SoupServer *soup;
  /* PortholeHttpListener: soup's own leaks every connection it
   * accepted (porthole-http-listener.c). */
  GPtrArray *listeners;
  gboolean verbose;
};

G_DEFINE_FINAL_TYPE (PortholeHubApi, porthole_hub_api, G_TYPE_OBJECT)

typedef struct
{
  PortholeHubApi *api;
  SoupServerMessage *msg;
  char *request_id;
  PortholeHubTenant *tenant;
  PortholeHubSandbox *sandbox;
  GCancellable *cancellable;
  GSource *hangup;
  gboolean paused;
} Request;

static void
request_free (Request *request)
{
  if (request->hangup != NULL)
    {
      g_source_destroy (request->hangup);
      g_source_unref (request->hangup);
    }
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->tenant, porthole_hub_tenant_free);
  g_clear_pointer (&request->sandbox, porthole_hub_sandbox_unref);
  g_free (request->request_id);
  g_object_unref (request->msg);
  g_object_unref (request->api);
  g_free (request);
}

static void
reply_object (Request    *request,
              guint       status,
              JsonObject *object)
{
  g_autoptr(GBytes) bytes = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (request->msg);
  gsize length;
  const char *data;

  if (!json_object_has_member (object, "request_id"))
    json_object_set_string_member (object, "request_id", request->request_id);
  bytes = porthole_json_object_to_bytes (object);
  data = g_bytes_get_data (bytes, &length);

  soup_message_headers_replace (headers, "X-Request-ID", request->request_id);
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_COPY, data, length);
  if (request->paused)
    {
      request->paused = FALSE;
      soup_server_message_unpause (request->msg);
    }

  if (request->api->verbose)
    g_message ("%s %s %u request_id=%s", soup_server_message_get_method (request->msg),
               g_uri_get_path (soup_server_message_get_uri (request->msg)), status, request->request_id);
}

/* Both shapes of §1.5 at once; `details` is an object, never null. */
static void
reply_error (Request    *request,
             GError     *error,
             JsonObject *details)
{
  g_autoptr(JsonObject) body = json_object_new ();
  JsonObject *nested = json_object_new ();
  PortholeHubErrorCode code = error->domain == PORTHOLE_HUB_ERROR ? error->code : PORTHOLE_HUB_ERROR_INTERNAL;
  const char *name = porthole_hub_error_code_name (code);

  json_object_set_string_member (nested, "code", name);
  json_object_set_string_member (nested, "message", error->message);
  json_object_set_string_member (nested, "request_id", request->request_id);
  json_object_set_object_member (nested, "details", details ? json_object_ref (details) : json_object_new ());
  json_object_set_object_member (body, "error", nested);
  json_object_set_string_member (body, "code", name);
  json_object_set_string_member (body, "message", error->message);
  json_object_set_string_member (body, "request_id", request->request_id);

  if (code == PORTHOLE_HUB_ERROR_METHOD_NOT_ALLOWED)
    soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                  "Allow", g_object_get_data (G_OBJECT (request->msg), "allow"));
  reply_object (request, porthole_hub_error_status (code), body);
}

static void
reply_new_error (Request              *request,
                 PortholeHubErrorCode  code,
                 const char           *format,
                 ...) G_GNUC_PRINTF (3, 4);

static void
reply_new_error (Request              *request,
                 PortholeHubErrorCode  code,
                 const char           *format,
                 ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  error = g_error_new_literal (PORTHOLE_HUB_ERROR, code, message);
  reply_error (request, error, NULL);
}

static void
reply_sandbox (Request            *request,
               guint               status,
               PortholeHubSandbox *sandbox)
{
  g_autoptr(JsonObject) record = porthole_hub_sandbox_to_json (request->api->hub, sandbox);

  reply_object (request, status, record);
}

/* The client of a paused request hung up: its work is rolled back. */
static gboolean
on_hangup (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  Request *request = user_data;
  char byte;

  if ((condition & (G_IO_HUP | G_IO_ERR)) == 0 &&
      recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 0)
    {
      /* Pipelined bytes, not a hang-up: stop watching. */
      g_clear_pointer (&request->hangup, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  g_debug ("request %s: the client went away", request->request_id);
  g_cancellable_cancel (request->cancellable);
  g_clear_pointer (&request->hangup, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
request_pause (Request *request)
{
  GSocket *socket = porthole_http_listener_get_message_socket (request->msg);

  soup_server_message_pause (request->msg);
  request->paused = TRUE;
  if (socket != NULL)
    {
      request->hangup = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (request->hangup, G_SOURCE_FUNC (on_hangup), request, NULL);
      g_source_attach (request->hangup, NULL);
    }
}

/* Bodies: empty = {}; unknown members ignored (§1.3). */
static JsonObject *
request_body (Request  *request,
              GError  **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) parse_error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  gsize i = 0;

  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i == length)
    return json_object_new ();

  node = porthole_json_parse (data, length, &parse_error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_VALIDATION,
                   "The body must be a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

/* Routes: sandboxes */

static void
create_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  PortholeHub *hub = PORTHOLE_HUB (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeHubSandbox) sandbox = porthole_hub_create_finish (hub, result, &error);
  g_autoptr(JsonObject) record = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires_at = NULL;
  gint64 exp;

  if (sandbox == NULL)
    {
      reply_error (request, error, NULL);
      request_free (request);
      return;
    }

  token = porthole_hub_issue_token (hub, sandbox, &exp, &error);
  if (token == NULL)
    {
      /* Nothing may exist after a 5xx. */
      porthole_hub_kill (hub, sandbox, PORTHOLE_HUB_STATUS_DELETED);
      reply_new_error (request, PORTHOLE_HUB_ERROR_INTERNAL, "%s", error->message);
      request_free (request);
      return;
    }

  expires_at = porthole_timestamp_from_unix (exp * G_USEC_PER_SEC);
  record = porthole_hub_sandbox_to_json (hub, sandbox);
  json_object_set_string_member (record, "auth_token", token);
  json_object_set_string_member (record, "token_expires_at", expires_at);
  reply_object (request, 201, record);
  request_free (request);
}

static gboolean
read_env (JsonNode    *node,
          JsonObject **env,
          GError     **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  JsonObject *object;

  *env = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_VALIDATION,
                           "env_vars must be an object of strings");
      return FALSE;
    }

  *env = json_object_new ();
  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    {
      GType type;

      if (JSON_NODE_HOLDS_NULL (value))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (value) || *name == '\0' || strchr (name, '=') != NULL)
        {
          g_clear_pointer (env, json_object_unref);
          g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_VALIDATION,
                       "env_vars.%s must be a string", name);
          return FALSE;
        }
      /* Scalars become text (§3.2). */
      type = json_node_get_value_type (value);
      if (type == G_TYPE_STRING)
        json_object_set_string_member (*env, name, json_node_get_string (value));
      else if (type == G_TYPE_INT64)
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));

          json_object_set_string_member (*env, name, text);
        }
      else if (type == G_TYPE_BOOLEAN)
        json_object_set_string_member (*env, name, json_node_get_boolean (value) ? "true" : "false");
      else
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          json_object_set_string_member (*env, name, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value)));
        }
    }
  return TRUE;
}

static void
sandbox_create (Request *request)
{
  PortholeHub *hub = request->api->hub;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = request_body (request, &error);
  g_autoptr(JsonObject) env = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autofree char *template_key = NULL;
  PortholeHubCreateParams params = { 0 };
  JsonNode *node;
  gint64 timeout = 0;
  gboolean internet = TRUE;

  if (body == NULL)
    {
      reply_error (request, error, NULL);
      return;
    }

  /* template_id wins over the name, as in both SDKs; string or int. */
  if ((node = member (body, "template_id")) != NULL)
    {
      gint64 number;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        template_key = g_strdup (json_node_get_string (node));
      else if (porthole_json_node_get_int (node, &number))
        template_key = g_strdup_printf ("%" G_GINT64_FORMAT, number);
    }
  if (template_key == NULL && (node = member (body, "template_name")) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    template_key = g_strdup (json_node_get_string (node));
  if (template_key == NULL && (node = member (body, "template")) != NULL &&
      JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    template_key = g_strdup (json_node_get_string (node));
  if (template_key == NULL || *template_key == '\0')
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_VALIDATION, "template_name or template_id is required");
      return;
    }

  params.template = porthole_hub_templates_find (porthole_hub_get_templates (hub), template_key);
  if (params.template == NULL)
    {
      /* Without "not found": js would raise FileNotFoundError (§1.6). */
      reply_new_error (request, PORTHOLE_HUB_ERROR_TEMPLATE_NOT_FOUND, "Template does not exist: %s", template_key);
      return;
    }

  if ((node = member (body, "timeout_seconds")) != NULL)
    {
      if (!porthole_json_node_get_int (node, &timeout) || timeout < 0 ||
          timeout > porthole_hub_get_config (hub)->max_timeout)
        {
          reply_new_error (request, PORTHOLE_HUB_ERROR_VALIDATION,
                           "timeout_seconds must be a positive integer up to %" G_GINT64_FORMAT,
                           porthole_hub_get_config (hub)->max_timeout);
          return;
        }
    }
  if ((node = member (body, "internet_access")) != NULL && !porthole_json_node_get_boolean (node, &internet))
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_VALIDATION, "internet_access must be a boolean");
      return;
    }
  if (!read_env (member (body, "env_vars"), &env, &error))
    {
      reply_error (request, error, NULL);
      return;
    }

  if (!porthole_hub_check_quota (hub, request->tenant, params.template, &details, &error))
    {
      reply_error (request, error, details);
      return;
    }

  params.timeout_seconds = timeout;
  params.internet_access = internet;
  params.env = env;

  request->cancellable = g_cancellable_new ();
  request_pause (request);
  porthole_hub_create_async (hub, request->tenant, &params, request->cancellable,
                             create_done, request);
}

static guint
parse_limit (const char  *text,
             GError     **error)
{
  gint64 limit = MAX_LIST_LIMIT;

  if (text != NULL && !porthole_string_get_int (text, &limit))
    {
      g_set_error_literal (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_VALIDATION, "limit must be an integer");
      return 0;
    }
  return CLAMP (limit, 1, MAX_LIST_LIMIT);
}

static void
sandbox_list (Request    *request,
              GHashTable *query)
{
  PortholeHub *hub = request->api->hub;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *next_cursor = NULL;
  JsonArray *data;
  guint limit = parse_limit (query ? g_hash_table_lookup (query, "limit") : NULL, &error);

  if (limit == 0)
    {
      reply_error (request, error, NULL);
      return;
    }

  page = porthole_hub_list (hub, request->tenant,
                            query ? g_hash_table_lookup (query, "status") : NULL,
                            query ? g_hash_table_lookup (query, "region") : NULL,
                            limit,
                            query ? g_hash_table_lookup (query, "cursor") : NULL,
                            &next_cursor, &error);
  if (page == NULL)
    {
      reply_error (request, error, NULL);
      return;
    }

  data = json_array_sized_new (page->len);
  for (guint i = 0; i < page->len; i++)
    json_array_add_object_element (data, porthole_hub_sandbox_to_json (hub, g_ptr_array_index (page, i)));
  json_object_set_string_member (body, "object", "list");
  json_object_set_array_member (body, "data", data);
  json_object_set_boolean_member (body, "has_more", next_cursor != NULL);
  if (next_cursor != NULL)
    json_object_set_string_member (body, "next_cursor", next_cursor);
  else
    json_object_set_null_member (body, "next_cursor");
  json_object_set_string_member (body, "url", "/v1/sandboxes");
  reply_object (request, 200, body);
}

static void
resume_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_hub_resume_finish (PORTHOLE_HUB (source), result, &error))
    reply_error (request, error, NULL);
  else
    reply_sandbox (request, 200, request->sandbox);
  request_free (request);
}

static void
sandbox_resume (Request  *request,
                gboolean  start)
{
  PortholeHubSandbox *sandbox = request->sandbox;

  /* resume wants paused (or running), start wants stopped (or running). */
  if ((start && sandbox->status == PORTHOLE_HUB_STATUS_PAUSED) ||
      (!start && sandbox->status == PORTHOLE_HUB_STATUS_STOPPED))
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_INVALID_STATE, "Sandbox %s is %s", sandbox->id,
                       porthole_hub_status_to_string (sandbox->status));
      return;
    }

  request->cancellable = g_cancellable_new ();
  request_pause (request);
  porthole_hub_resume_async (request->api->hub, sandbox, request->cancellable, resume_done, request);
}

static void
sandbox_timeout (Request *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = request_body (request, &error);
  JsonNode *node;
  gint64 seconds;

  if (body == NULL)
    {
      reply_error (request, error, NULL);
      return;
    }
  node = member (body, "timeout_seconds");
  if (node == NULL || !porthole_json_node_get_int (node, &seconds))
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_VALIDATION, "timeout_seconds must be a positive integer");
      return;
    }
  if (!porthole_hub_set_timeout (request->api->hub, request->sandbox, seconds, &error))
    {
      reply_error (request, error, NULL);
      return;
    }
  reply_sandbox (request, 200, request->sandbox);
}

static void
sandbox_refresh (Request *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *token = NULL;
  g_autofree char *expires_at = NULL;
  gint64 exp;

  token = porthole_hub_issue_token (request->api->hub, request->sandbox, &exp, &error);
  if (token == NULL)
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_INTERNAL, "%s", error->message);
      return;
    }
  expires_at = porthole_timestamp_from_unix (exp * G_USEC_PER_SEC);
  json_object_set_string_member (body, "auth_token", token);
  json_object_set_string_member (body, "token_expires_at", expires_at);
  json_object_set_string_member (body, "sandbox_id", request->sandbox->id);
  reply_object (request, 200, body);
}

static void
sandbox_delete (Request *request)
{
  g_autoptr(JsonObject) body = json_object_new ();
  const char *id = request->sandbox->id;

  json_object_set_string_member (body, "id", id);
  json_object_set_string_member (body, "sandbox_id", id);
  json_object_set_string_member (body, "status", "deleted");
  json_object_set_boolean_member (body, "success", TRUE);
  porthole_hub_kill (request->api->hub, request->sandbox, PORTHOLE_HUB_STATUS_DELETED);
  reply_object (request, 200, body);
}

/* GET /v1/sandboxes/{id}/preview/{port}: ours (issue 21), the URL where
 * @port inside the sandbox answers, without a token. */
static void
sandbox_preview (Request    *request,
                 const char *port_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *url = NULL;
  guint64 port;

  if (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_VALIDATION, "port must be an integer from 1 to 65535");
      return;
    }
  url = porthole_hub_get_preview_url (request->api->hub, request->sandbox, port, &error);
  if (url == NULL)
    {
      reply_error (request, error, NULL);
      return;
    }
  json_object_set_string_member (body, "sandbox_id", request->sandbox->id);
  json_object_set_int_member (body, "port", port);
  json_object_set_string_member (body, "url", url);
  reply_object (request, 200, body);
}

/* Routes: templates */

static gboolean
filter_matches (GHashTable *query,
                const char *name,
                const char *value)
{
  const char *wanted = query ? g_hash_table_lookup (query, name) : NULL;

  return wanted == NULL || *wanted == '\0' || (value != NULL && g_ascii_strcasecmp (wanted, value) == 0);
}

static void
template_list (Request    *request,
               GHashTable *query)
{
  g_autoptr(GPtrArray) templates = porthole_hub_templates_list (porthole_hub_get_templates (request->api->hub));
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *data = json_array_new ();

  for (guint i = 0; i < templates->len; i++)
    {
      const PortholeHubTemplate *template = g_ptr_array_index (templates, i);

      if (filter_matches (query, "category", template->category) &&
          filter_matches (query, "language", template->language))
        json_array_add_object_element (data, porthole_hub_template_to_json (template));
    }
  json_object_set_string_member (body, "object", "list");
  json_object_set_array_member (body, "data", data);
  json_object_set_boolean_member (body, "has_more", FALSE);
  reply_object (request, 200, body);
}

static const PortholeHubTemplate *
find_template (Request    *request,
               const char *name)
{
  const PortholeHubTemplate *template = porthole_hub_templates_find (porthole_hub_get_templates (request->api->hub), name);

  if (template == NULL)
    reply_new_error (request, PORTHOLE_HUB_ERROR_TEMPLATE_NOT_FOUND, "Template does not exist: %s", name);
  return template;
}

/* Dispatch */

static gboolean
method_is (Request    *request,
           const char *allow)
{
  const char *method = soup_server_message_get_method (request->msg);
  g_auto(GStrv) methods = g_strsplit (allow, ", ", -1);

  if (g_strv_contains ((const char *const *) methods, method))
    return TRUE;
  g_object_set_data_full (G_OBJECT (request->msg), "allow", g_strdup (allow), g_free);
  reply_new_error (request, PORTHOLE_HUB_ERROR_METHOD_NOT_ALLOWED, "Method %s is not allowed here", method);
  return FALSE;
}

/* Trailing `/` ignored, `//` collapsed (§1.3). */
static GStrv
split_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i]; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static gboolean
authenticate (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *key = soup_message_headers_get_one (headers, "X-API-Key");

  /* X-API-Key decides when both are present (§1.2). */
  if (key == NULL)
    {
      const char *authorization = soup_message_headers_get_one (headers, "Authorization");

      if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
        key = authorization + 7;
    }
  if (key != NULL)
    while (*key == ' ')
      key++;

  request->tenant = porthole_hub_authenticate (request->api->hub, key);
  if (request->tenant == NULL)
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_UNAUTHORIZED, "Invalid or missing API key");
      return FALSE;
    }
  return TRUE;
}

static gboolean
take_sandbox (Request    *request,
              const char *id)
{
  g_autoptr(GError) error = NULL;
  PortholeHubSandbox *sandbox = porthole_hub_lookup (request->api->hub, request->tenant, id, &error);

  if (sandbox == NULL)
    {
      reply_error (request, error, NULL);
      return FALSE;
    }
  request->sandbox = porthole_hub_sandbox_ref (sandbox);
  return TRUE;
}

/* Returns FALSE when the request went on asynchronously (it owns
 * @request then). */
static gboolean
dispatch (Request    *request,
          GStrv       parts,
          GHashTable *query)
{
  guint n = g_strv_length (parts);
  const char *method = soup_server_message_get_method (request->msg);

  if (n == 1 && g_str_equal (parts[0], "health"))
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autofree char *now = porthole_timestamp_now ();

      if (!method_is (request, "GET, HEAD"))
        return TRUE;
      json_object_set_string_member (body, "status", "ok");
      json_object_set_string_member (body, "service", "porthole-hub");
      json_object_set_string_member (body, "version", PACKAGE_VERSION);
      json_object_set_string_member (body, "timestamp", now);
      reply_object (request, 200, body);
      return TRUE;
    }

  if (n < 2 || !g_str_equal (parts[0], "v1") ||
      (!g_str_equal (parts[1], "sandboxes") && !g_str_equal (parts[1], "templates")))
    {
      reply_new_error (request, PORTHOLE_HUB_ERROR_NOT_FOUND, "No route for %s", method);
      return TRUE;
    }
  if (!authenticate (request))
    return TRUE;

  if (g_str_equal (parts[1], "templates"))
    {
      const PortholeHubTemplate *template;

      if (n == 2)
        {
          if (method_is (request, "GET"))
            template_list (request, query);
          return TRUE;
        }
      /* Template building: not built (§3.11). */
      if ((n == 3 && g_str_equal (parts[2], "build")) ||
          (n == 5 && g_str_equal (parts[2], "build")) ||
          (n == 4 && g_str_equal (parts[2], "files") && g_str_equal (parts[3], "upload-link")))
        {
          reply_new_error (request, PORTHOLE_HUB_ERROR_NOT_IMPLEMENTED, "Template building is not implemented");
          return TRUE;
        }
      if (n != 3)
        {
          reply_new_error (request, PORTHOLE_HUB_ERROR_NOT_FOUND, "No route for %s", method);
          return TRUE;
        }
      if (!method_is (request, "GET, DELETE") || !(template = find_template (request, parts[2])))
        return TRUE;
      if (g_str_equal (method, "GET"))
        {
          g_autoptr(JsonObject) body = porthole_hub_template_to_json (template);

          reply_object (request, 200, body);
        }
      else
        reply_new_error (request, PORTHOLE_HUB_ERROR_FORBIDDEN, "Template %s is part of the hub and cannot be deleted",
                         template->name);
      return TRUE;
    }

  if (n == 2)
    {
      if (!method_is (request, "GET, POST"))
        return TRUE;
      if (g_str_equal (method, "GET"))
        {
          sandbox_list (request, query);
          return TRUE;
        }
      sandbox_create (request);
      return request->paused ? FALSE : TRUE;
    }

  if (n == 3)
    {
      if (!method_is (request, "GET, DELETE") || !take_sandbox (request, parts[2]))
        return TRUE;
      if (g_str_equal (method, "GET"))
        reply_sandbox (request, 200, request->sandbox);
      else
        sandbox_delete (request);
      return TRUE;
    }

  if (n == 4 && (g_str_equal (parts[3], "pause") || g_str_equal (parts[3], "resume") ||
                 g_str_equal (parts[3], "start") || g_str_equal (parts[3], "stop")))
    {
      g_autoptr(GError) error = NULL;

      if (!method_is (request, "POST") || !take_sandbox (request, parts[2]))
        return TRUE;
      if (g_str_equal (parts[3], "pause") || g_str_equal (parts[3], "stop"))
        {
          gboolean ok = g_str_equal (parts[3], "pause")
                        ? porthole_hub_pause (request->api->hub, request->sandbox, &error)
                        : porthole_hub_stop (request->api->hub, request->sandbox, &error);

          if (ok)
            reply_sandbox (request, 200, request->sandbox);
          else
            reply_error (request, error, NULL);
          return TRUE;
        }
      sandbox_resume (request, g_str_equal (parts[3], "start"));
      return request->paused ? FALSE : TRUE;
    }

  if (n == 4 && g_str_equal (parts[3], "timeout"))
    {
      if (method_is (request, "PUT, POST, PATCH") && take_sandbox (request, parts[2]))
        sandbox_timeout (request);
      return TRUE;
    }

  if (n == 5 && g_str_equal (parts[3], "token") && g_str_equal (parts[4], "refresh"))
    {
      if (method_is (request, "POST") && take_sandbox (request, parts[2]))
        sandbox_refresh (request);
      return TRUE;
    }

  if (n == 5 && g_str_equal (parts[3], "preview"))
    {
      if (method_is (request, "GET") && take_sandbox (request, parts[2]))
        sandbox_preview (request, parts[4]);
      return TRUE;
    }

  reply_new_error (request, PORTHOLE_HUB_ERROR_NOT_FOUND, "No route for %s", method);
  return TRUE;
}

static char *
request_id_for (SoupServerMessage *msg)
{
  const char *given = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Request-ID");

  /* A sane client value is echoed (§1.4). */
  if (given != NULL && *given != '\0' && strlen (given) <= 128)
    {
      gboolean sane = TRUE;

      for (const char *p = given; *p && sane; p++)
        sane = g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.';
      if (sane)
        return g_strdup (given);
    }
  return g_uuid_string_random ();
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Request *request = g_new0 (Request, 1);
  g_auto(GStrv) parts = split_path (path);

  request->api = g_object_ref (user_data);
  request->msg = g_object_ref (msg);
  request->request_id = request_id_for (msg);

  if (dispatch (request, parts, query))
    request_free (request);
}

/* Before any body byte: bodies over 1 MiB are refused (§1.3). */
static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (porthole_http_listener_answer_connection_end (msg))
    return;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED ||
      length > MAX_BODY_SIZE)
    {
      Request request = { .api = user_data, .msg = msg, .request_id = request_id_for (msg) };

      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      reply_new_error (&request, PORTHOLE_HUB_ERROR_PAYLOAD_TOO_LARGE,
                       "Bodies are limited to %d bytes, with a Content-Length", MAX_BODY_SIZE);
      g_free (request.request_id);
    }
}

static void
porthole_hub_api_finalize (GObject *object)
{
  PortholeHubApi *self = (PortholeHubApi *) object;

  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (porthole_hub_api_parent_class)->finalize (object);
}

static void
porthole_hub_api_class_init (PortholeHubApiClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_hub_api_finalize;
}

static void
porthole_hub_api_init (PortholeHubApi *self)
{
  self->listeners = g_ptr_array_new_with_free_func (g_object_unref);
}

PortholeHubApi *
porthole_hub_api_new (PortholeHub *hub)
{
  PortholeHubApi *self = g_object_new (PORTHOLE_TYPE_HUB_API, NULL);
  g_autofree char *server_header = g_strdup_printf ("porthole-hub/%s ", PACKAGE_VERSION);

  self->hub = g_object_ref (hub);
  self->verbose = porthole_hub_get_config (hub)->verbose;
  self->soup = soup_server_new ("server-header", server_header, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler, self, NULL);
  return self;
}

/**
 * porthole_hub_api_listen:
 * @address: ADDRESS:PORT or [IPv6]:PORT
 */
gboolean
porthole_hub_api_listen (PortholeHubApi  *self,
                         const char      *address,
                         GError         **error)
{
  const char *colon = strrchr (address, ':');
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  PortholeHttpListener *listener;
  guint64 port;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid listen address %s (expected ADDRESS:PORT or [IPv6]:PORT)", address);
      return FALSE;
    }
  host = g_strndup (address, colon - address);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not an IP address: %s", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  listener = porthole_http_listener_new_for_address (self->soup, socket_address, error);
  if (listener == NULL)
    return FALSE;
  g_ptr_array_add (self->listeners, listener);
  return TRUE;
}

GSList *
porthole_hub_api_get_uris (PortholeHubApi *self)
{
  GSList *uris = NULL;

  /* Not soup_server_get_uris(): soup 3.2 leaks the addresses it reads. */
  for (guint i = self->listeners->len; i > 0; i--)
    {
      GSocket *socket = porthole_http_listener_get_socket (g_ptr_array_index (self->listeners, i - 1));
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
      g_autofree char *host = NULL;

      if (!G_IS_INET_SOCKET_ADDRESS (local))
        continue;
      host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
      uris = g_slist_prepend (uris, g_uri_build (G_URI_FLAGS_NONE, "http", NULL, host,
                                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)),
                                                 "/", NULL, NULL));
    }
  return uris;
}
