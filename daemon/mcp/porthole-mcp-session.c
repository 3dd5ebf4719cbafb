/* porthole-mcp-session.c
 *
 * The id is 128 random bits from the kernel, in hex: it is what stands
 * between another client and this one's streams (transports §Session
 * Management asks for a secure one), besides the token every request
 * carries anyway.
 *
 * Streams stay after they finish so that a client can still resume them
 * (Last-Event-ID), within bounds: the oldest finished ones go first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/random.h>

#include "porthole-mcp-call.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-session.h"

/* Streams kept for resuming, per session. */
#define MAX_STREAMS 32

struct _PortholeMcpSession
{
  GObject parent_instance;

  char *id;
  char *version;
  JsonObject *client_info;
  JsonObject *capabilities;
  int log_level;
  gint64 last_active;

  guint next_stream;
  GHashTable *streams;           /* number -> PortholeMcpStream */
  GQueue stream_order;           /* numbers, oldest first */
  PortholeMcpStream *standalone;

  GHashTable *calls;             /* id key -> PortholeMcpCall (not owned) */
  gint64 next_request;
  GHashTable *pending;           /* id key -> GTask */
  GHashTable *subscriptions;     /* uri set */
  guint closed : 1;
};

G_DEFINE_FINAL_TYPE (PortholeMcpSession, porthole_mcp_session, G_TYPE_OBJECT)

static void
fail_pending (PortholeMcpSession *self)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  /* Taken out first: completing a task may run code that looks here. */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (tasks, g_object_ref (value));
  g_hash_table_remove_all (self->pending);

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      g_task_return_new_error (task, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_SERVER_ERROR,
                               "The session ended before the client answered");
    }
}

static void
porthole_mcp_session_dispose (GObject *object)
{
  PortholeMcpSession *self = (PortholeMcpSession *)object;

  if (self->pending != NULL)
    fail_pending (self);
  g_clear_object (&self->standalone);
  g_clear_pointer (&self->streams, g_hash_table_unref);
  g_queue_clear (&self->stream_order);

  G_OBJECT_CLASS (porthole_mcp_session_parent_class)->dispose (object);
}

static void
porthole_mcp_session_finalize (GObject *object)
{
  PortholeMcpSession *self = (PortholeMcpSession *)object;

  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->subscriptions, g_hash_table_unref);
  g_clear_pointer (&self->client_info, json_object_unref);
  g_clear_pointer (&self->capabilities, json_object_unref);
  g_free (self->id);
  g_free (self->version);

  G_OBJECT_CLASS (porthole_mcp_session_parent_class)->finalize (object);
}

static void
porthole_mcp_session_class_init (PortholeMcpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_mcp_session_dispose;
  object_class->finalize = porthole_mcp_session_finalize;
}

static void
porthole_mcp_session_init (PortholeMcpSession *self)
{
  self->streams = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_queue_init (&self->stream_order);
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log_level = -1;
  self->next_stream = 1;
  self->next_request = 1;
  self->last_active = g_get_monotonic_time ();
}

static char *
new_session_id (void)
{
  guint8 bytes[16];
  GString *id = g_string_sized_new (32);
  gsize filled = 0;

  while (filled < sizeof bytes)
    {
      gssize n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0)
        g_error ("getrandom: %s", g_strerror (errno));
      filled += n;
    }

  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (id, "%02x", bytes[i]);

  return g_string_free (id, FALSE);
}

/**
 * porthole_mcp_session_new:
 * @version: the negotiated revision
 * @client_info: (nullable) (transfer none)
 * @capabilities: (nullable) (transfer none): the client's
 */
PortholeMcpSession *
porthole_mcp_session_new (const char *version,
                          JsonObject *client_info,
                          JsonObject *capabilities)
{
  PortholeMcpSession *self = g_object_new (PORTHOLE_TYPE_MCP_SESSION, NULL);

  self->id = new_session_id ();
  self->version = g_strdup (version);
  self->client_info = client_info ? json_object_ref (client_info) : json_object_new ();
  self->capabilities = capabilities ? json_object_ref (capabilities) : json_object_new ();

  return self;
}

const char *
porthole_mcp_session_get_id (PortholeMcpSession *self)
{
  return self->id;
}

const char *
porthole_mcp_session_get_version (PortholeMcpSession *self)
{
  return self->version;
}

/**
 * porthole_mcp_session_get_capabilities:
 *
 * Returns: (transfer none): what the client declared at initialize
 */
JsonObject *
porthole_mcp_session_get_capabilities (PortholeMcpSession *self)
{
  return self->capabilities;
}

/**
 * porthole_mcp_session_get_log_level:
 *
 * Returns: the level logging/setLevel asked for, or -1: everything
 */
int
porthole_mcp_session_get_log_level (PortholeMcpSession *self)
{
  return self->log_level;
}

void
porthole_mcp_session_set_log_level (PortholeMcpSession *self,
                                    int                 level)
{
  self->log_level = level;
}

gint64
porthole_mcp_session_get_last_active (PortholeMcpSession *self)
{
  return self->last_active;
}

void
porthole_mcp_session_touch (PortholeMcpSession *self)
{
  self->last_active = g_get_monotonic_time ();
}

/**
 * porthole_mcp_session_is_busy:
 *
 * Returns: %TRUE while it has requests in flight or a client reading
 *   one of its streams: a session the server must not evict
 */
gboolean
porthole_mcp_session_is_busy (PortholeMcpSession *self)
{
  GHashTableIter iter;
  gpointer value;

  if (g_hash_table_size (self->calls) > 0 || g_hash_table_size (self->pending) > 0)
    return TRUE;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (porthole_mcp_stream_is_attached (value))
      return TRUE;

  return FALSE;
}

/**
 * porthole_mcp_session_close:
 *
 * Ends the session: its requests are cancelled, its streams end, and
 * requests naming it get 404 from now on.
 */
void
porthole_mcp_session_close (PortholeMcpSession *self)
{
  g_autoptr(GList) calls = NULL;
  g_autoptr(GList) streams = NULL;

  if (self->closed)
    return;

  self->closed = TRUE;

  calls = g_hash_table_get_values (self->calls);
  for (GList *l = calls; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = calls; l != NULL; l = l->next)
    {
      porthole_mcp_call_cancel (l->data);
      g_object_unref (l->data);
    }

  fail_pending (self);

  streams = g_hash_table_get_values (self->streams);
  for (GList *l = streams; l != NULL; l = l->next)
    porthole_mcp_stream_finish (l->data);
}

gboolean
porthole_mcp_session_is_closed (PortholeMcpSession *self)
{
  return self->closed;
}

/* Streams */

static void
forget_old_streams (PortholeMcpSession *self)
{
  guint remaining = self->stream_order.length;

  /* Finished streams without a client go first, oldest first. */
  while (g_hash_table_size (self->streams) > MAX_STREAMS && remaining-- > 0)
    {
      guint number = GPOINTER_TO_UINT (g_queue_pop_head (&self->stream_order));
      PortholeMcpStream *stream = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (number));

      if (stream != NULL && stream != self->standalone &&
          porthole_mcp_stream_is_finished (stream) && !porthole_mcp_stream_is_attached (stream))
        g_hash_table_remove (self->streams, GUINT_TO_POINTER (number));
      else if (stream != NULL)
        g_queue_push_tail (&self->stream_order, GUINT_TO_POINTER (number));
    }
}

static PortholeMcpStream *
add_stream (PortholeMcpSession     *self,
            PortholeMcpStreamFlags  flags)
{
  PortholeMcpStream *stream;
  guint number = self->next_stream++;

  if (porthole_mcp_version_at_least (self->version, "2025-11-25"))
    flags |= PORTHOLE_MCP_STREAM_FLAGS_PRIMING;

  stream = porthole_mcp_stream_new (number, flags | PORTHOLE_MCP_STREAM_FLAGS_RESUMABLE);
  g_hash_table_insert (self->streams, GUINT_TO_POINTER (number), stream);
  g_queue_push_tail (&self->stream_order, GUINT_TO_POINTER (number));
  forget_old_streams (self);

  return stream;
}

/**
 * porthole_mcp_session_new_stream:
 *
 * Returns: (transfer none): a new stream for a POST's answer
 */
PortholeMcpStream *
porthole_mcp_session_new_stream (PortholeMcpSession *self)
{
  return add_stream (self, PORTHOLE_MCP_STREAM_FLAGS_NONE);
}

/**
 * porthole_mcp_session_lookup_stream:
 *
 * Returns: (transfer none) (nullable)
 */
PortholeMcpStream *
porthole_mcp_session_lookup_stream (PortholeMcpSession *self,
                                    guint               number)
{
  return g_hash_table_lookup (self->streams, GUINT_TO_POINTER (number));
}

/**
 * porthole_mcp_session_get_standalone:
 *
 * Returns: (transfer none): the stream of GET requests (made on first use)
 */
PortholeMcpStream *
porthole_mcp_session_get_standalone (PortholeMcpSession *self)
{
  if (self->standalone == NULL)
    self->standalone = g_object_ref (add_stream (self, PORTHOLE_MCP_STREAM_FLAGS_KEEPALIVE));

  return self->standalone;
}

/**
 * porthole_mcp_session_notify:
 * @params: (nullable) (transfer none)
 *
 * Sends a notification that concerns no request on the GET stream; it is
 * kept for a client that reconnects, dropped if the client never opened
 * one.
 *
 * Returns: %TRUE if it went to a stream
 */
gboolean
porthole_mcp_session_notify (PortholeMcpSession *self,
                             const char         *method,
                             JsonObject         *params)
{
  g_autoptr(JsonObject) message = NULL;

  if (self->standalone == NULL || self->closed)
    return FALSE;

  message = porthole_mcp_message_new_notification (method, params);
  return porthole_mcp_stream_send (self->standalone, message);
}

/* Requests in flight */

void
porthole_mcp_session_add_call (PortholeMcpSession *self,
                               PortholeMcpCall    *call)
{
  g_hash_table_replace (self->calls, porthole_mcp_id_to_key (porthole_mcp_call_get_id (call)), call);
}

void
porthole_mcp_session_remove_call (PortholeMcpSession *self,
                                  PortholeMcpCall    *call)
{
  g_autofree char *key = porthole_mcp_id_to_key (porthole_mcp_call_get_id (call));

  if (g_hash_table_lookup (self->calls, key) == call)
    g_hash_table_remove (self->calls, key);
}

/**
 * porthole_mcp_session_lookup_call:
 *
 * Returns: (transfer none) (nullable): the request in flight with this id
 */
PortholeMcpCall *
porthole_mcp_session_lookup_call (PortholeMcpSession *self,
                                  JsonNode           *request_id)
{
  g_autofree char *key = porthole_mcp_id_to_key (request_id);

  return g_hash_table_lookup (self->calls, key);
}

/* Our requests to the client */

/**
 * porthole_mcp_session_add_pending:
 * @task: (transfer none): completed with the client's result (a
 *   JsonObject) or its error
 *
 * Returns: (transfer full): the id to send the request with
 */
JsonNode *
porthole_mcp_session_add_pending (PortholeMcpSession *self,
                                  GTask              *task)
{
  JsonNode *id = json_node_init_int (json_node_alloc (), self->next_request++);

  g_hash_table_insert (self->pending, porthole_mcp_id_to_key (id), g_object_ref (task));
  return id;
}

/**
 * porthole_mcp_session_resolve_pending:
 * @response: a JSON-RPC response from the client
 *
 * Returns: %FALSE if it answers nothing we asked
 */
gboolean
porthole_mcp_session_resolve_pending (PortholeMcpSession *self,
                                      JsonObject         *response)
{
  g_autofree char *key = porthole_mcp_id_to_key (json_object_get_member (response, "id"));
  g_autofree char *stolen_key = NULL;
  g_autoptr(GTask) task = NULL;
  JsonNode *result, *error;

  if (!g_hash_table_steal_extended (self->pending, key, (gpointer *) &stolen_key, (gpointer *) &task))
    return FALSE;

  result = json_object_get_member (response, "result");
  error = json_object_get_member (response, "error");
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    g_task_return_pointer (task, json_object_ref (json_node_get_object (result)),
                           (GDestroyNotify) json_object_unref);
  else if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
    {
      JsonObject *object = json_node_get_object (error);
      JsonNode *code = json_object_get_member (object, "code");
      JsonNode *message = json_object_get_member (object, "message");

      g_task_return_new_error (task, PORTHOLE_MCP_ERROR,
                               code && JSON_NODE_HOLDS_VALUE (code) ? (int) json_node_get_int (code)
                                                                    : PORTHOLE_MCP_INTERNAL_ERROR,
                               "%s", message && JSON_NODE_HOLDS_VALUE (message) &&
                                     json_node_get_value_type (message) == G_TYPE_STRING
                                     ? json_node_get_string (message) : "The client answered with an error");
    }
  else
    g_task_return_new_error (task, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_REQUEST,
                             "The client's answer has no result object");

  return TRUE;
}

/**
 * porthole_mcp_session_cancel_pending:
 *
 * Gives up on a request: its task completes cancelled, and a late
 * answer is ignored.
 */
void
porthole_mcp_session_cancel_pending (PortholeMcpSession *self,
                                     JsonNode           *id)
{
  g_autofree char *key = porthole_mcp_id_to_key (id);
  g_autofree char *stolen_key = NULL;
  g_autoptr(GTask) task = NULL;

  if (g_hash_table_steal_extended (self->pending, key, (gpointer *) &stolen_key, (gpointer *) &task))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled");
}

/* Subscriptions */

void
porthole_mcp_session_subscribe (PortholeMcpSession *self,
                                const char         *uri)
{
  g_hash_table_add (self->subscriptions, g_strdup (uri));
}

void
porthole_mcp_session_unsubscribe (PortholeMcpSession *self,
                                  const char         *uri)
{
  g_hash_table_remove (self->subscriptions, uri);
}

gboolean
porthole_mcp_session_is_subscribed (PortholeMcpSession *self,
                                    const char         *uri)
{
  return g_hash_table_contains (self->subscriptions, uri);
}
