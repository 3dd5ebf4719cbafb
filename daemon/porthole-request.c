/* porthole-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-daemon.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-request.h"

struct _PortholeRequest
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  SoupServerMessage *msg;
  const PortholeRoute *route;
  GHashTable *params;
  GHashTable *query;
  char *id;
  char *path;
  gint64 start_time;
  gint64 token_expiry;
  GCancellable *cancellable;

  JsonObject *body;
  gboolean body_parsed;
  GOutputStream *body_stream;
  GError *body_error;

  /* Strings made from non-string JSON values, alive as long as we are. */
  GPtrArray *strings;

  gulong finished_handler;
  guint replied : 1;
  guint paused : 1;
  guint finished : 1;
  guint upgraded : 1;
};

G_DEFINE_FINAL_TYPE (PortholeRequest, porthole_request, G_TYPE_OBJECT)

static void
porthole_request_dispose (GObject *object)
{
  PortholeRequest *self = (PortholeRequest *)object;

  if (self->msg != NULL)
    g_clear_signal_handler (&self->finished_handler, self->msg);
  g_clear_object (&self->msg);
  g_clear_object (&self->body_stream);

  G_OBJECT_CLASS (porthole_request_parent_class)->dispose (object);
}

static void
porthole_request_finalize (GObject *object)
{
  PortholeRequest *self = (PortholeRequest *)object;

  g_clear_object (&self->daemon);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->body, json_object_unref);
  g_clear_error (&self->body_error);
  g_clear_pointer (&self->strings, g_ptr_array_unref);

  G_OBJECT_CLASS (porthole_request_parent_class)->finalize (object);
}

static void
porthole_request_class_init (PortholeRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_request_dispose;
  object_class->finalize = porthole_request_finalize;
}

static void
porthole_request_init (PortholeRequest *self)
{
  self->start_time = g_get_monotonic_time ();
}

static void
on_message_finished (PortholeRequest *self)
{
  self->finished = TRUE;

  /* Finished before we answered: the client went away. */
  if (!self->replied)
    g_cancellable_cancel (porthole_request_get_cancellable (self));
}

PortholeRequest *
porthole_request_new (PortholeDaemon      *daemon,
                      SoupServerMessage   *msg,
                      const PortholeRoute *route,
                      GHashTable          *params,
                      GHashTable          *query,
                      const char          *id)
{
  PortholeRequest *self = g_object_new (PORTHOLE_TYPE_REQUEST, NULL);

  self->daemon = g_object_ref (daemon);
  self->msg = g_object_ref (msg);
  self->route = route;
  self->params = params ? g_hash_table_ref (params) : NULL;
  self->query = query ? g_hash_table_ref (query) : NULL;
  self->id = g_strdup (id);
  self->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  self->finished_handler = g_signal_connect_swapped (msg, "finished",
                                                     G_CALLBACK (on_message_finished), self);

  return self;
}

PortholeDaemon *
porthole_request_get_daemon (PortholeRequest *self)
{
  return self->daemon;
}

SoupServerMessage *
porthole_request_get_message (PortholeRequest *self)
{
  return self->msg;
}

const PortholeRoute *
porthole_request_get_route (PortholeRequest *self)
{
  return self->route;
}

const char *
porthole_request_get_id (PortholeRequest *self)
{
  return self->id;
}

const char *
porthole_request_get_method (PortholeRequest *self)
{
  return soup_server_message_get_method (self->msg);
}

const char *
porthole_request_get_path (PortholeRequest *self)
{
  return self->path;
}

gint64
porthole_request_get_start_time (PortholeRequest *self)
{
  return self->start_time;
}

/**
 * porthole_request_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the client goes away before
 *   the reply; long work should stop then.
 */
GCancellable *
porthole_request_get_cancellable (PortholeRequest *self)
{
  /* Most requests never need one. */
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();

  return self->cancellable;
}

gint64
porthole_request_get_token_expiry (PortholeRequest *self)
{
  return self->token_expiry;
}

void
porthole_request_set_token_expiry (PortholeRequest *self,
                                   gint64           expires)
{
  self->token_expiry = expires;
}

const char *
porthole_request_get_param (PortholeRequest *self,
                            const char      *name)
{
  return self->params ? g_hash_table_lookup (self->params, name) : NULL;
}

const char *
porthole_request_get_query (PortholeRequest *self,
                            const char      *name)
{
  return self->query ? g_hash_table_lookup (self->query, name) : NULL;
}

GHashTable *
porthole_request_get_query_table (PortholeRequest *self)
{
  return self->query;
}

const char *
porthole_request_get_header (PortholeRequest *self,
                             const char      *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (self->msg), name);
}

/**
 * porthole_request_accepts_json:
 *
 * Returns: %TRUE if the `Accept` header lists `application/json` (axios
 *   always does; httpx never does), for routes that negotiate.
 */
gboolean
porthole_request_accepts_json (PortholeRequest *self)
{
  const char *accept = porthole_request_get_header (self, "Accept");

  return accept != NULL && strstr (accept, "application/json") != NULL;
}

GOutputStream *
porthole_request_get_body_stream (PortholeRequest *self)
{
  return self->body_stream;
}

void
_porthole_request_set_body_stream (PortholeRequest *self,
                                   GOutputStream   *stream)
{
  g_set_object (&self->body_stream, stream);
}

void
_porthole_request_take_body_error (PortholeRequest *self,
                                   GError          *error)
{
  if (self->body_error == NULL)
    self->body_error = error;
  else
    g_error_free (error);
}

const GError *
_porthole_request_get_body_error (PortholeRequest *self)
{
  return self->body_error;
}

void
_porthole_request_mark_upgraded (PortholeRequest *self)
{
  self->upgraded = TRUE;
  self->replied = TRUE;
}

gboolean
porthole_request_is_replied (PortholeRequest *self)
{
  return self->replied;
}

/* Replies */

static void
finish_reply (PortholeRequest *self)
{
  self->replied = TRUE;

  if (self->paused && !self->finished)
    {
      self->paused = FALSE;
      soup_server_message_unpause (self->msg);
    }
}

static gboolean
can_reply (PortholeRequest *self)
{
  if (self->replied)
    return FALSE;

  if (self->finished)
    {
      self->replied = TRUE;
      return FALSE;
    }

  return TRUE;
}

void
porthole_request_reply_bytes (PortholeRequest *self,
                              guint            status,
                              const char      *content_type,
                              GBytes          *bytes)
{
  gsize size;
  gconstpointer data;

  g_return_if_fail (PORTHOLE_IS_REQUEST (self));

  if (!can_reply (self))
    return;

  data = g_bytes_get_data (bytes, &size);
  soup_server_message_set_status (self->msg, status, NULL);
  soup_server_message_set_response (self->msg, content_type, SOUP_MEMORY_COPY, data, size);
  finish_reply (self);
}

/**
 * porthole_request_reply_json:
 * @object: (transfer none): the body
 */
void
porthole_request_reply_json (PortholeRequest *self,
                             guint            status,
                             JsonObject      *object)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (PORTHOLE_IS_REQUEST (self));
  g_return_if_fail (object != NULL);

  if (!can_reply (self))
    return;

  bytes = porthole_json_object_to_bytes (object);
  porthole_request_reply_bytes (self, status, "application/json", bytes);
}

/**
 * porthole_request_id_new:
 *
 * Returns: (transfer full): a random UUIDv4 for X-Request-ID. Request ids
 *   only need to be unique, not secret: a per-thread xorshift generator
 *   seeded from the system is enough, and far cheaper than GLib's.
 */
char *
porthole_request_id_new (void)
{
  static const char hex[] = "0123456789abcdef";
  static __thread guint64 state[2];
  char *id = g_malloc (37);
  guint8 bytes[16];

  if (state[0] == 0 && state[1] == 0)
    {
      state[0] = ((guint64) g_random_int () << 32) | g_random_int ();
      state[1] = ((guint64) g_random_int () << 32) | g_random_int () | 1;
    }

  for (guint i = 0; i < 2; i++)
    {
      /* xorshift128+ */
      guint64 s1 = state[0];
      const guint64 s0 = state[1];
      guint64 value;

      state[0] = s0;
      s1 ^= s1 << 23;
      state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
      value = state[1] + s0;
      memcpy (bytes + 8 * i, &value, 8);
    }

  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  for (guint i = 0, j = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        id[j++] = '-';
      id[j++] = hex[bytes[i] >> 4];
      id[j++] = hex[bytes[i] & 15];
    }
  id[36] = '\0';

  return id;
}

/**
 * porthole_error_body_new:
 * @details: (nullable) (transfer none): extra context; `path` and
 *   `missing_dependencies` are copied to the top level as well
 *
 * Returns: (transfer full): the error body of API.md §1.5
 */
JsonObject *
porthole_error_body_new (PortholeErrorCode  code,
                         const char        *message,
                         JsonObject        *details,
                         const char        *request_id)
{
  JsonObject *body = json_object_new ();
  g_autoptr(JsonObject) empty = NULL;
  g_autofree char *timestamp = porthole_timestamp_now ();
  JsonNode *node;

  if (details == NULL)
    details = empty = json_object_new ();

  json_object_set_string_member (body, PORTHOLE_MEMBER_ERROR, message);
  json_object_set_string_member (body, PORTHOLE_MEMBER_MESSAGE, message);
  json_object_set_string_member (body, PORTHOLE_MEMBER_CODE, porthole_error_code_to_string (code));
  json_object_set_object_member (body, PORTHOLE_MEMBER_DETAILS, json_object_ref (details));

  if ((node = json_object_get_member (details, PORTHOLE_MEMBER_PATH)) != NULL)
    json_object_set_member (body, PORTHOLE_MEMBER_PATH, json_node_copy (node));
  else
    json_object_set_null_member (body, PORTHOLE_MEMBER_PATH);
  if ((node = json_object_get_member (details, PORTHOLE_MEMBER_MISSING_DEPENDENCIES)) != NULL)
    json_object_set_member (body, PORTHOLE_MEMBER_MISSING_DEPENDENCIES, json_node_copy (node));
  if ((node = json_object_get_member (details, PORTHOLE_MEMBER_EXIT_CODE)) != NULL)
    json_object_set_member (body, PORTHOLE_MEMBER_EXIT_CODE, json_node_copy (node));

  json_object_set_string_member (body, PORTHOLE_MEMBER_REQUEST_ID, request_id ? request_id : "");
  json_object_set_string_member (body, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  return body;
}

/**
 * porthole_request_reply_error:
 * @status: the HTTP status, or 0 for the code's usual one
 * @details: (nullable) (transfer none): the `details` object
 */
void
porthole_request_reply_error (PortholeRequest   *self,
                              guint              status,
                              PortholeErrorCode  code,
                              JsonObject        *details,
                              const char        *format,
                              ...)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (PORTHOLE_IS_REQUEST (self));

  if (!can_reply (self))
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (status == 0)
    status = porthole_error_code_get_status (code);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                  "WWW-Authenticate", "Bearer");

  body = porthole_error_body_new (code, message, details, self->id);
  porthole_request_reply_json (self, status, body);
}

/**
 * porthole_request_reply_gerror:
 *
 * Replies with @error: %PORTHOLE_ERROR codes as they are, I/O errors
 * mapped to the file codes, anything else as INTERNAL_ERROR.
 */
void
porthole_request_reply_gerror (PortholeRequest *self,
                               const GError    *error)
{
  PortholeErrorCode code = PORTHOLE_ERROR_INTERNAL_ERROR;
  guint status = 0;

  g_return_if_fail (error != NULL);

  if (error->domain == PORTHOLE_ERROR)
    code = error->code;
  else if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_NOT_FOUND:
          code = PORTHOLE_ERROR_FILE_NOT_FOUND;
          break;
        case G_IO_ERROR_PERMISSION_DENIED:
          code = PORTHOLE_ERROR_PERMISSION_DENIED;
          break;
        case G_IO_ERROR_NO_SPACE:
          /* SECURITY.md G8: out of space is 507, which clients do not retry. */
          code = PORTHOLE_ERROR_FILE_OPERATION_FAILED;
          status = SOUP_STATUS_INSUFFICIENT_STORAGE;
          break;
        case G_IO_ERROR_EXISTS:
          code = PORTHOLE_ERROR_FILE_ALREADY_EXISTS;
          break;
        case G_IO_ERROR_IS_DIRECTORY:
        case G_IO_ERROR_NOT_DIRECTORY:
        case G_IO_ERROR_INVALID_FILENAME:
        case G_IO_ERROR_FILENAME_TOO_LONG:
          code = PORTHOLE_ERROR_INVALID_PATH;
          break;
        default:
          code = PORTHOLE_ERROR_FILE_OPERATION_FAILED;
          break;
        }
    }

  porthole_request_reply_error (self, status, code, NULL, "%s", error->message);
}

void
porthole_request_reply_missing (PortholeRequest *self,
                                const char      *parameter)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, PORTHOLE_MEMBER_PARAMETER, parameter);
  porthole_request_reply_error (self, 0, PORTHOLE_ERROR_MISSING_PARAMETER, details,
                                "Missing required parameter: %s", parameter);
}

void
porthole_request_reply_invalid (PortholeRequest *self,
                                const char      *parameter,
                                const char      *format,
                                ...)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (parameter != NULL)
    json_object_set_string_member (details, PORTHOLE_MEMBER_PARAMETER, parameter);
  porthole_request_reply_error (self, 0, PORTHOLE_ERROR_INVALID_REQUEST, details, "%s", message);
}

/* Body and fields */

JsonObject *
porthole_request_get_body (PortholeRequest *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageBody *body;
  gsize size;
  const char *data;

  g_return_val_if_fail (PORTHOLE_IS_REQUEST (self), NULL);

  if (self->body_parsed)
    return self->body;

  self->body_parsed = TRUE;

  body = soup_server_message_get_request_body (self->msg);
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);

  /* Clients send empty bodies with GET, DELETE and body-less POSTs; those
   * mean {} (API.md §1.3). */
  while (size > 0 && g_ascii_isspace (data[0]))
    data++, size--;
  if (size == 0)
    {
      self->body = json_object_new ();
      return self->body;
    }

  node = porthole_json_parse (data, size, &error);
  if (node == NULL)
    {
      porthole_request_reply_gerror (self, error);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      porthole_request_reply_error (self, 0, PORTHOLE_ERROR_INVALID_JSON, NULL,
                                    "Invalid JSON: the body must be an object");
      return NULL;
    }

  self->body = json_object_ref (json_node_get_object (node));
  return self->body;
}

/**
 * porthole_request_dup_fields:
 *
 * Returns: (transfer full) (nullable): the body's members with the query
 *   parameters on top (they win, API.md §1.3), for parsers shared with
 *   WebSocket messages; %NULL after replying 400 to an invalid body
 */
JsonObject *
porthole_request_dup_fields (PortholeRequest *self)
{
  JsonObject *body = porthole_request_get_body (self);
  JsonObject *fields;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (body == NULL)
    return NULL;

  fields = json_object_new ();
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (fields, member, json_node_copy (value));

  if (self->query != NULL)
    {
      GHashTableIter query_iter;
      gpointer key, text;

      g_hash_table_iter_init (&query_iter, self->query);
      while (g_hash_table_iter_next (&query_iter, &key, &text))
        json_object_set_string_member (fields, key, text);
    }

  return fields;
}

static void
keep_string (PortholeRequest *self,
             char            *text)
{
  if (self->strings == NULL)
    self->strings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->strings, text);
}

/* Finds the first of @names in the query, then in the body. Returns FALSE
 * only when the body is invalid (and has been answered). */
static gboolean
lookup (PortholeRequest  *self,
        const char       *names,
        const char      **name_found,
        const char      **query_value,
        JsonNode        **body_value)
{
  g_auto(GStrv) alternatives = g_strsplit (names, "|", -1);
  JsonObject *body;

  *query_value = NULL;
  *body_value = NULL;

  for (guint i = 0; alternatives[i]; i++)
    {
      const char *value = porthole_request_get_query (self, alternatives[i]);

      if (value != NULL)
        {
          *query_value = value;
          *name_found = g_intern_string (alternatives[i]);
          return TRUE;
        }
    }

  if ((body = porthole_request_get_body (self)) == NULL)
    return FALSE;

  for (guint i = 0; alternatives[i]; i++)
    {
      JsonNode *node = json_object_get_member (body, alternatives[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          *body_value = node;
          *name_found = g_intern_string (alternatives[i]);
          return TRUE;
        }
    }

  *name_found = g_intern_string (alternatives[0]);
  return TRUE;
}

/**
 * porthole_request_get_member:
 *
 * Returns: (transfer none) (nullable): the JSON body member for the first
 *   of @names present, for fields of any shape (objects, arrays, ids that
 *   may be numbers or strings).
 */
JsonNode *
porthole_request_get_member (PortholeRequest *self,
                             const char      *names)
{
  const char *name, *query_value;
  JsonNode *node;

  if (!lookup (self, names, &name, &query_value, &node))
    return NULL;

  return node;
}

gboolean
porthole_request_has_field (PortholeRequest *self,
                            const char      *names)
{
  const char *name, *query_value;
  JsonNode *node;

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  return query_value != NULL || node != NULL;
}

gboolean
porthole_request_get_string (PortholeRequest  *self,
                             const char       *names,
                             const char       *fallback,
                             const char      **value)
{
  const char *name, *query_value;
  JsonNode *node;

  g_return_val_if_fail (PORTHOLE_IS_REQUEST (self), FALSE);

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  if (query_value != NULL)
    {
      *value = query_value;
      return TRUE;
    }

  if (node == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected a string", name);
      return FALSE;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      *value = json_node_get_string (node);
      return TRUE;

    case G_TYPE_INT64:
      {
        char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

        keep_string (self, text);
        *value = text;
        return TRUE;
      }

    case G_TYPE_DOUBLE:
      {
        char *text = g_malloc (G_ASCII_DTOSTR_BUF_SIZE);

        g_ascii_dtostr (text, G_ASCII_DTOSTR_BUF_SIZE, json_node_get_double (node));
        keep_string (self, text);
        *value = text;
        return TRUE;
      }

    case G_TYPE_BOOLEAN:
      *value = json_node_get_boolean (node) ? "true" : "false";
      return TRUE;

    default:
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected a string", name);
      return FALSE;
    }
}

gboolean
porthole_request_require_string (PortholeRequest  *self,
                                 const char       *names,
                                 const char      **value)
{
  if (!porthole_request_get_string (self, names, NULL, value))
    return FALSE;

  if (*value == NULL || **value == '\0')
    {
      g_auto(GStrv) alternatives = g_strsplit (names, "|", 2);

      porthole_request_reply_missing (self, alternatives[0]);
      return FALSE;
    }

  return TRUE;
}

gboolean
porthole_request_get_int (PortholeRequest *self,
                          const char      *names,
                          gint64           fallback,
                          gint64          *value)
{
  const char *name, *query_value;
  JsonNode *node;
  gboolean ok;

  g_return_val_if_fail (PORTHOLE_IS_REQUEST (self), FALSE);

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  if (query_value == NULL && node == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  ok = query_value ? porthole_string_get_int (query_value, value)
                   : porthole_json_node_get_int (node, value);
  if (!ok)
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected an integer", name);
      return FALSE;
    }

  return TRUE;
}

gboolean
porthole_request_require_int (PortholeRequest *self,
                              const char      *names,
                              gint64          *value)
{
  if (!porthole_request_has_field (self, names))
    {
      g_auto(GStrv) alternatives = g_strsplit (names, "|", 2);

      if (!porthole_request_is_replied (self))
        porthole_request_reply_missing (self, alternatives[0]);
      return FALSE;
    }

  return porthole_request_get_int (self, names, 0, value);
}

gboolean
porthole_request_get_double (PortholeRequest *self,
                             const char      *names,
                             double           fallback,
                             double          *value)
{
  const char *name, *query_value;
  JsonNode *node;
  gboolean ok;

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  if (query_value == NULL && node == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  ok = query_value ? porthole_string_get_double (query_value, value)
                   : porthole_json_node_get_double (node, value);
  if (!ok)
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected a number", name);
      return FALSE;
    }

  return TRUE;
}

gboolean
porthole_request_get_boolean (PortholeRequest *self,
                              const char      *names,
                              gboolean         fallback,
                              gboolean        *value)
{
  const char *name, *query_value;
  JsonNode *node;
  gboolean ok;

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  if (query_value == NULL && node == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  ok = query_value ? porthole_string_get_boolean (query_value, value)
                   : porthole_json_node_get_boolean (node, value);
  if (!ok)
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected true or false", name);
      return FALSE;
    }

  return TRUE;
}

/**
 * porthole_request_get_string_map:
 * @coerce_scalars: turn numbers and booleans into strings (the /env
 *   rule); otherwise only string values are accepted
 * @value: (out) (transfer full) (nullable): NULL when absent
 */
gboolean
porthole_request_get_string_map (PortholeRequest  *self,
                                 const char       *names,
                                 gboolean          coerce_scalars,
                                 GHashTable      **value)
{
  const char *name, *query_value;
  g_autoptr(GHashTable) map = NULL;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node, *member;

  *value = NULL;

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected an object of strings", name);
      return FALSE;
    }

  map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &member))
    {
      char *text = NULL;

      if (JSON_NODE_HOLDS_VALUE (member))
        {
          switch (json_node_get_value_type (member))
            {
            case G_TYPE_STRING:
              text = g_strdup (json_node_get_string (member));
              break;
            case G_TYPE_INT64:
              if (coerce_scalars)
                text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));
              break;
            case G_TYPE_DOUBLE:
              if (coerce_scalars)
                {
                  text = g_malloc (G_ASCII_DTOSTR_BUF_SIZE);
                  g_ascii_dtostr (text, G_ASCII_DTOSTR_BUF_SIZE, json_node_get_double (member));
                }
              break;
            case G_TYPE_BOOLEAN:
              if (coerce_scalars)
                text = g_strdup (json_node_get_boolean (member) ? "true" : "false");
              break;
            default:
              break;
            }
        }

      if (text == NULL)
        {
          porthole_request_reply_invalid (self, name, "Invalid value for '%s.%s': expected a string", name, key);
          return FALSE;
        }

      g_hash_table_replace (map, g_strdup (key), text);
    }

  *value = g_steal_pointer (&map);
  return TRUE;
}

/**
 * porthole_request_get_string_list:
 * @value: (out) (transfer full) (nullable): NULL when absent
 */
gboolean
porthole_request_get_string_list (PortholeRequest  *self,
                                  const char       *names,
                                  GStrv            *value)
{
  const char *name, *query_value;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *node;
  JsonArray *array;

  *value = NULL;

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  if (query_value != NULL)
    {
      *value = g_strsplit (query_value, ",", -1);
      return TRUE;
    }

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected an array of strings", name);
      return FALSE;
    }

  builder = g_strv_builder_new ();
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected an array of strings", name);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  *value = g_strv_builder_end (builder);
  return TRUE;
}

/**
 * _porthole_request_dispatch:
 *
 * Runs the route's handler. A handler that returns without replying
 * holds a reference and answers later: the message waits paused.
 */
void
_porthole_request_dispatch (PortholeRequest *self)
{
  g_autoptr(PortholeRequest) hold = g_object_ref (self);

  if (self->body_error != NULL)
    {
      porthole_request_reply_gerror (self, self->body_error);
      return;
    }

  if (self->route->handler == NULL)
    {
      porthole_request_reply_error (self, 0, PORTHOLE_ERROR_NOT_IMPLEMENTED, NULL,
                                    "%s %s is not implemented yet",
                                    self->route->method, self->route->path);
      return;
    }

  self->route->handler (self);

  if (!self->replied && !self->finished)
    {
      self->paused = TRUE;
      soup_server_message_pause (self->msg);
    }
}
