/* porthole-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-auth.h"
#include "porthole-daemon.h"
#include "porthole-http-server.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-request.h"
#include "porthole-target-user.h"

typedef struct _StreamReply StreamReply;

static void stream_reply_free (StreamReply *reply);
static void stream_reply_stop (StreamReply *reply);

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

  StreamReply *stream_reply;

  gulong finished_handler;
  guint replied : 1;
  guint paused : 1;
  guint finished : 1;
  guint upgraded : 1;
  guint streaming : 1;
};

G_DEFINE_FINAL_TYPE (PortholeRequest, porthole_request, G_TYPE_OBJECT)

static void
porthole_request_dispose (GObject *object)
{
  PortholeRequest *self = (PortholeRequest *)object;

  g_clear_pointer (&self->stream_reply, stream_reply_free);
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
  if (self->stream_reply != NULL)
    stream_reply_stop (self->stream_reply);

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
  /* soup would answer a Range header with parts of this body on its own
   * (and its multi-range code has an open CVE, SECURITY.md §4.7); ranges
   * are served only by routes that stream, themselves. */
  soup_message_headers_remove (soup_server_message_get_request_headers (self->msg), "Range");
  soup_server_message_set_status (self->msg, status, NULL);
  soup_server_message_set_response (self->msg, content_type, SOUP_MEMORY_COPY, data, size);
  finish_reply (self);
}

/**
 * porthole_request_begin_stream:
 *
 * Starts a chunked answer whose body comes from
 * porthole_request_stream_write(). Nothing written is kept once sent, so
 * a long stream costs only what the client has not taken yet.
 *
 * Returns: %FALSE if the request was answered already or the client left
 */
gboolean
porthole_request_begin_stream (PortholeRequest *self,
                               guint            status,
                               const char      *content_type)
{
  SoupMessageHeaders *headers;

  g_return_val_if_fail (PORTHOLE_IS_REQUEST (self), FALSE);

  if (!can_reply (self))
    return FALSE;

  headers = soup_server_message_get_response_headers (self->msg);
  soup_server_message_set_status (self->msg, status, NULL);
  soup_message_headers_set_content_type (headers, content_type, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (self->msg), FALSE);
  self->streaming = TRUE;
  finish_reply (self);

  return TRUE;
}

/**
 * porthole_request_stream_write:
 * @bytes: (transfer none): the next piece; sent as one chunk
 */
void
porthole_request_stream_write (PortholeRequest *self,
                               GBytes          *bytes)
{
  g_return_if_fail (PORTHOLE_IS_REQUEST (self));
  g_return_if_fail (self->streaming);

  if (self->finished || g_bytes_get_size (bytes) == 0)
    return;

  soup_message_body_append_bytes (soup_server_message_get_response_body (self->msg), bytes);
  /* soup pauses a chunked answer that ran out of chunks. */
  soup_server_message_unpause (self->msg);
}

void
porthole_request_end_stream (PortholeRequest *self)
{
  g_return_if_fail (PORTHOLE_IS_REQUEST (self));
  g_return_if_fail (self->streaming);

  if (self->finished)
    return;

  self->streaming = FALSE;
  soup_message_body_complete (soup_server_message_get_response_body (self->msg));
  soup_server_message_unpause (self->msg);
}

/**
 * porthole_request_break_off:
 *
 * Ends the answer by shutting its connection down, with whatever soup
 * still has queued: the only honest end of an answer whose length went
 * out and cannot be kept, and the way to let a client that does not read
 * go at once rather than once it reads its queue (SECURITY.md G11).
 */
void
porthole_request_break_off (PortholeRequest *self)
{
  GSocket *socket;

  g_return_if_fail (PORTHOLE_IS_REQUEST (self));

  if (self->finished)
    return;

  /* soup does not know the sockets of the connections it is handed:
   * soup_server_message_get_socket() has none to give. */
  socket = porthole_http_server_get_message_socket (self->msg);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  self->streaming = FALSE;
  /* An answer with nothing queued is paused: this has soup write again,
   * find the socket shut and let the message go. */
  soup_message_body_complete (soup_server_message_get_response_body (self->msg));
  soup_server_message_unpause (self->msg);
}

/**
 * porthole_request_is_finished:
 *
 * Returns: %TRUE once the exchange is over (answered, or the client left)
 */
gboolean
porthole_request_is_finished (PortholeRequest *self)
{
  return self->finished;
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

/* The JS SDK turns every 404 whose message mentions both "sandbox" and
 * "not found" into SandboxExpiredError, whatever the code says, and a
 * user's path or id may well contain the word. Such a message keeps
 * what it says before ": " ("File not found") and leaves the subject
 * to the `path` member. Returns: (nullable): the replacement */
static char *
js_safe_not_found_message (guint        status,
                           const char  *message,
                           JsonObject  *details)
{
  g_autofree char *lower = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *lower_prefix = NULL;
  const char *colon;

  if (status != SOUP_STATUS_NOT_FOUND)
    return NULL;
  lower = g_utf8_strdown (message, -1);
  if (strstr (lower, "sandbox") == NULL || strstr (lower, "not found") == NULL)
    return NULL;

  colon = strstr (message, ": ");
  prefix = colon ? g_strndup (message, colon - message) : g_strdup (message);
  lower_prefix = g_utf8_strdown (prefix, -1);
  if (strstr (lower_prefix, "sandbox") != NULL || strstr (lower_prefix, "not found") == NULL)
    {
      g_free (prefix);
      prefix = g_strdup ("Not found");
    }

  if (details != NULL && json_object_has_member (details, PORTHOLE_MEMBER_PATH))
    return g_strdup_printf ("%s (the path is in \"path\")", prefix);
  return g_steal_pointer (&prefix);
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
  g_autofree char *safe = NULL;
  va_list args;

  g_return_if_fail (PORTHOLE_IS_REQUEST (self));

  if (!can_reply (self))
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (status == 0)
    status = porthole_error_code_get_status (code);

  if ((safe = js_safe_not_found_message (status, message, details)) != NULL)
    {
      g_free (message);
      message = g_steal_pointer (&safe);
    }

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_autofree char *challenge = porthole_auth_dup_challenge (porthole_daemon_get_auth (self->daemon), self->msg);

      soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                    "WWW-Authenticate", challenge);
    }

  body = porthole_error_body_new (code, message, details, self->id);
  porthole_request_reply_json (self, status, body);
}

/**
 * porthole_error_classify:
 * @error: any error
 * @code: (out): the protocol code for @error
 *
 * %PORTHOLE_ERROR codes stay as they are, I/O errors map to the file
 * codes, anything else is INTERNAL_ERROR.
 *
 * Returns: the HTTP status to answer with
 */
guint
porthole_error_classify (const GError      *error,
                         PortholeErrorCode *code)
{
  *code = PORTHOLE_ERROR_INTERNAL_ERROR;

  if (error->domain == PORTHOLE_ERROR)
    *code = error->code;
  else if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_NOT_FOUND:
          *code = PORTHOLE_ERROR_FILE_NOT_FOUND;
          break;
        case G_IO_ERROR_PERMISSION_DENIED:
          *code = PORTHOLE_ERROR_PERMISSION_DENIED;
          break;
        case G_IO_ERROR_NO_SPACE:
          /* SECURITY.md G8: out of space is 507, which clients do not retry. */
          *code = PORTHOLE_ERROR_FILE_OPERATION_FAILED;
          return SOUP_STATUS_INSUFFICIENT_STORAGE;
        case G_IO_ERROR_EXISTS:
          *code = PORTHOLE_ERROR_FILE_ALREADY_EXISTS;
          break;
        case G_IO_ERROR_IS_DIRECTORY:
        case G_IO_ERROR_NOT_DIRECTORY:
        case G_IO_ERROR_INVALID_FILENAME:
        case G_IO_ERROR_FILENAME_TOO_LONG:
          *code = PORTHOLE_ERROR_INVALID_PATH;
          break;
        default:
          *code = PORTHOLE_ERROR_FILE_OPERATION_FAILED;
          break;
        }
    }

  return porthole_error_code_get_status (*code);
}

/**
 * porthole_request_reply_gerror_full:
 * @details: (nullable) (transfer none): the `details` object (e.g. with
 *   the `path` a file error concerns)
 *
 * Replies with @error, classified by porthole_error_classify().
 */
void
porthole_request_reply_gerror_full (PortholeRequest *self,
                                    const GError    *error,
                                    JsonObject      *details)
{
  PortholeErrorCode code;
  guint status;

  g_return_if_fail (error != NULL);

  status = porthole_error_classify (error, &code);
  porthole_request_reply_error (self, status, code, details, "%s", error->message);
}

void
porthole_request_reply_gerror (PortholeRequest *self,
                               const GError    *error)
{
  porthole_request_reply_gerror_full (self, error, NULL);
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

/* Streamed replies: the body is read from a stream chunk by chunk and
 * handed to soup only as it writes the previous ones ("wrote-chunk"), so
 * a large download costs a few chunks of memory whatever its size and
 * however slowly the client reads (SECURITY.md §4.6). */

#define STREAM_CHUNK (256 * 1024)
/* Chunks given to soup and not written yet, at most. */
#define STREAM_MAX_QUEUED 2

struct _StreamReply
{
  PortholeRequest *req;
  GInputStream *stream;
  GCancellable *cancellable;
  goffset remaining;
  guint queued;
  gulong wrote_chunk_id;
  guint reading : 1;
  guint done : 1;
};

static void
stream_reply_stop (StreamReply *reply)
{
  reply->done = TRUE;
  g_cancellable_cancel (reply->cancellable);
  if (reply->req->msg != NULL)
    g_clear_signal_handler (&reply->wrote_chunk_id, reply->req->msg);
}

static void
stream_reply_free (StreamReply *reply)
{
  stream_reply_stop (reply);
  g_clear_object (&reply->stream);
  g_clear_object (&reply->cancellable);
  g_free (reply);
}

/* The body cannot be finished (the file shrank, or a read failed) after
 * its length went out: the only honest end is a broken connection. */
static void
stream_reply_abort (StreamReply *reply)
{
  stream_reply_stop (reply);
  porthole_request_break_off (reply->req);
}

static void stream_reply_read_more (StreamReply *reply);

static void
stream_reply_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PortholeRequest) self = user_data;
  StreamReply *reply = self->stream_reply;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageBody *body;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (reply == NULL || reply->done || self->finished)
    return;
  reply->reading = FALSE;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_warning ("Streamed reply of request %s ended %" G_GOFFSET_FORMAT " bytes early: %s",
                 self->id, reply->remaining, error ? error->message : "end of file");
      stream_reply_abort (reply);
      return;
    }

  body = soup_server_message_get_response_body (self->msg);
  reply->remaining -= MIN ((goffset) g_bytes_get_size (bytes), reply->remaining);
  reply->queued++;
  soup_message_body_append_bytes (body, bytes);
  if (reply->remaining == 0)
    {
      soup_message_body_complete (body);
      reply->done = TRUE;
    }
  /* soup paused the message when it ran out of body. */
  soup_server_message_unpause (self->msg);

  stream_reply_read_more (reply);
}

static void
stream_reply_read_more (StreamReply *reply)
{
  if (reply->done || reply->reading || reply->queued >= STREAM_MAX_QUEUED || reply->remaining == 0)
    return;

  reply->reading = TRUE;
  g_input_stream_read_bytes_async (reply->stream, MIN (STREAM_CHUNK, reply->remaining),
                                   G_PRIORITY_DEFAULT, reply->cancellable,
                                   stream_reply_read_cb, g_object_ref (reply->req));
}

static void
on_stream_wrote_chunk (SoupServerMessage *msg,
                       StreamReply       *reply)
{
  if (reply->queued > 0)
    reply->queued--;
  stream_reply_read_more (reply);
}

/**
 * porthole_request_reply_stream:
 * @stream: (transfer none): where the body comes from, positioned at
 *   its first byte
 * @length: how many bytes of @stream make the body (Content-Length)
 *
 * Replies with a body streamed from @stream as the client takes it.
 * Set any other response headers (Content-Disposition, Content-Range)
 * before calling this. If @stream fails or ends early, the connection
 * is closed: the promised length cannot be kept.
 */
void
porthole_request_reply_stream (PortholeRequest *self,
                               guint            status,
                               const char      *content_type,
                               GInputStream    *stream,
                               goffset          length)
{
  SoupMessageHeaders *headers;
  StreamReply *reply;

  g_return_if_fail (PORTHOLE_IS_REQUEST (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (length >= 0);

  if (!can_reply (self))
    return;

  headers = soup_server_message_get_response_headers (self->msg);
  soup_server_message_set_status (self->msg, status, NULL);
  soup_message_headers_replace (headers, "Content-Type", content_type);
  soup_message_headers_set_content_length (headers, length);
  /* Written chunks are dropped, not kept for a flatten nobody does. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (self->msg), FALSE);

  reply = g_new0 (StreamReply, 1);
  reply->req = self;
  reply->stream = g_object_ref (stream);
  reply->cancellable = g_cancellable_new ();
  reply->remaining = length;
  self->stream_reply = reply;

  if (length == 0)
    {
      soup_message_body_complete (soup_server_message_get_response_body (self->msg));
      reply->done = TRUE;
    }
  else
    {
      reply->wrote_chunk_id = g_signal_connect (self->msg, "wrote-chunk",
                                                G_CALLBACK (on_stream_wrote_chunk), reply);
      stream_reply_read_more (reply);
    }

  finish_reply (self);
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

/* Whether the string value of the top-level member @name of the JSON
 * text @data holds an escaped NUL (\u0000): json-glib hands strings out
 * as C strings, which silently end there. */
static gboolean
json_member_has_nul (const char *data,
                     gsize       size,
                     const char *name)
{
  gsize name_length = strlen (name);
  gboolean expect_key = FALSE, key_matches = FALSE;
  int depth = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (c == '"')
        {
          gsize start = ++i;
          gboolean has_nul = FALSE;

          for (; i < size && data[i] != '"'; i++)
            {
              if (data[i] != '\\' || i + 1 >= size)
                continue;
              if (data[i + 1] == 'u' && i + 5 < size && strncmp (data + i + 2, "0000", 4) == 0)
                has_nul = TRUE;
              i++;
            }

          if (depth == 1 && expect_key)
            key_matches = i - start == name_length && memcmp (data + start, name, name_length) == 0;
          else if (depth == 1 && key_matches && has_nul)
            return TRUE;
          continue;
        }

      switch (c)
        {
        case '{':
        case '[':
          depth++;
          expect_key = depth == 1;
          break;
        case '}':
        case ']':
          depth--;
          break;
        case ',':
          expect_key = depth == 1;
          break;
        case ':':
          expect_key = FALSE;
          break;
        default:
          break;
        }
    }

  return FALSE;
}

/**
 * porthole_request_field_has_nul:
 *
 * Query strings and JSON strings may carry NUL bytes (`%00`, `\u0000`)
 * that the parsed values silently end at; paths and names must refuse
 * them rather than act on a truncated value.
 *
 * Returns: %TRUE if the first of @names present holds a NUL byte
 */
gboolean
porthole_request_field_has_nul (PortholeRequest *self,
                                const char      *names)
{
  g_auto(GStrv) alternatives = g_strsplit (names, "|", -1);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (self->msg));
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; alternatives[i]; i++)
    {
      g_auto(GStrv) pairs = NULL;

      if (porthole_request_get_query (self, alternatives[i]) == NULL || raw_query == NULL)
        continue;

      pairs = g_strsplit (raw_query, "&", -1);
      for (guint j = 0; pairs[j]; j++)
        {
          char *equals = strchr (pairs[j], '=');
          g_autofree char *key = NULL;
          g_autoptr(GBytes) value = NULL;

          if (equals == NULL)
            continue;
          *equals = '\0';
          key = g_uri_unescape_string (pairs[j], NULL);
          if (g_strcmp0 (key, alternatives[i]) != 0)
            continue;
          value = g_uri_unescape_bytes (equals + 1, -1, NULL, NULL);
          if (value != NULL && memchr (g_bytes_get_data (value, NULL), '\0', g_bytes_get_size (value)) != NULL)
            return TRUE;
        }
      return FALSE;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (self->msg));
  for (guint i = 0; alternatives[i]; i++)
    {
      JsonObject *object = porthole_request_get_body (self);

      if (object == NULL || !json_object_has_member (object, alternatives[i]))
        continue;
      return json_member_has_nul (g_bytes_get_data (body, NULL), g_bytes_get_size (body), alternatives[i]);
    }

  return FALSE;
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

/* What the scalar getters share: the first of @names found, in the query
 * or the body, parsed by the parser for where it was found; *found is
 * FALSE when none is there (the caller's fallback applies). */
typedef gboolean (*StringParser) (const char *text, gpointer value);
typedef gboolean (*NodeParser) (JsonNode *node, gpointer value);

static gboolean
get_scalar (PortholeRequest *self,
            const char      *names,
            StringParser     parse_string,
            NodeParser       parse_node,
            const char      *expected,
            gpointer         value,
            gboolean        *found)
{
  const char *name, *query_value;
  JsonNode *node;
  gboolean ok;

  g_return_val_if_fail (PORTHOLE_IS_REQUEST (self), FALSE);

  if (!lookup (self, names, &name, &query_value, &node))
    return FALSE;

  *found = query_value != NULL || node != NULL;
  if (!*found)
    return TRUE;

  ok = query_value ? parse_string (query_value, value) : parse_node (node, value);
  if (!ok)
    {
      porthole_request_reply_invalid (self, name, "Invalid value for '%s': expected %s", name, expected);
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
  gboolean found;

  if (!get_scalar (self, names, (StringParser) porthole_string_get_int, (NodeParser) porthole_json_node_get_int,
                   "an integer", value, &found))
    return FALSE;
  if (!found)
    *value = fallback;

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
  gboolean found;

  if (!get_scalar (self, names, (StringParser) porthole_string_get_double, (NodeParser) porthole_json_node_get_double,
                   "a number", value, &found))
    return FALSE;
  if (!found)
    *value = fallback;

  return TRUE;
}

gboolean
porthole_request_get_boolean (PortholeRequest *self,
                              const char      *names,
                              gboolean         fallback,
                              gboolean        *value)
{
  gboolean found;

  if (!get_scalar (self, names, (StringParser) porthole_string_get_boolean,
                   (NodeParser) porthole_json_node_get_boolean, "true or false", value, &found))
    return FALSE;
  if (!found)
    *value = fallback;

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

  {
    g_auto(PortholeFsIdentity) identity = { 0 };

    if (self->route->flags & PORTHOLE_ROUTE_FLAGS_AS_USER)
      porthole_fs_as_user_begin (&identity);
    self->route->handler (self);
  }

  if (!self->replied && !self->finished)
    {
      self->paused = TRUE;
      soup_server_message_pause (self->msg);
    }
}
