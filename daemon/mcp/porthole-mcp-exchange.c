/* porthole-mcp-exchange.c
 *
 * Calls answer in JSON unless something has to go out before their
 * response (a progress or log notification, a request to the client):
 * then, if the client accepts it, the answer becomes an SSE stream and
 * everything, the responses included, goes there (transports §Sending
 * Messages). A batch (2025-03-26) is answered once all its calls have.
 *
 * The stream is handed its connection from the main loop, after the
 * route's handler returned: the request is then still unanswered while
 * the connection's hangup watch is set up, which is what tells us that a
 * client closed the stream before anything was written to it.
 *
 * A client that goes away cancels what it asked for: a closed stream is
 * the cancel signal (2026-07-28) and portholed treats it so in every
 * revision rather than leave work running for nobody.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-exchange.h"
#include "porthole-mcp-message.h"
#include "porthole-request.h"

struct _PortholeMcpExchange
{
  GObject parent_instance;

  PortholeRequest *req;
  PortholeMcpSession *session;
  gboolean modern;
  gboolean accepts_sse;
  gboolean batch;

  /* Calls that have not answered yet (not owned: they own us). */
  GPtrArray *calls;
  /* Responses of a JSON answer. */
  JsonArray *responses;

  PortholeMcpStream *stream;
  gulong detached_id;
  gulong cancelled_id;
  guint attach_id;
  guint gone_id;

  guint started : 1;
  guint finished : 1;
};

G_DEFINE_FINAL_TYPE (PortholeMcpExchange, porthole_mcp_exchange, G_TYPE_OBJECT)

static void
disconnect_all (PortholeMcpExchange *self)
{
  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (porthole_request_get_cancellable (self->req), self->cancelled_id);
      self->cancelled_id = 0;
    }
  if (self->stream != NULL)
    g_clear_signal_handler (&self->detached_id, self->stream);
  g_clear_handle_id (&self->gone_id, g_source_remove);
}

static void
porthole_mcp_exchange_dispose (GObject *object)
{
  PortholeMcpExchange *self = (PortholeMcpExchange *)object;

  disconnect_all (self);
  g_clear_handle_id (&self->attach_id, g_source_remove);
  g_clear_object (&self->stream);
  g_clear_object (&self->session);
  g_clear_object (&self->req);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->responses, json_array_unref);

  G_OBJECT_CLASS (porthole_mcp_exchange_parent_class)->dispose (object);
}

static void
porthole_mcp_exchange_class_init (PortholeMcpExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_mcp_exchange_dispose;
}

static void
porthole_mcp_exchange_init (PortholeMcpExchange *self)
{
  self->calls = g_ptr_array_new ();
  self->responses = json_array_new ();
}

static void
cancel_calls (PortholeMcpExchange *self)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->calls->len; i++)
    g_ptr_array_add (calls, g_object_ref (g_ptr_array_index (self->calls, i)));

  for (guint i = 0; i < calls->len; i++)
    porthole_mcp_call_cancel (g_ptr_array_index (calls, i));
}

static gboolean
client_gone_cb (gpointer user_data)
{
  PortholeMcpExchange *self = user_data;
  g_autoptr(PortholeMcpExchange) hold = g_object_ref (self);

  self->gone_id = 0;
  if (!self->finished)
    {
      g_debug ("MCP: the client of request %s went away; cancelling its calls",
               porthole_request_get_id (self->req));
      cancel_calls (self);
    }

  return G_SOURCE_REMOVE;
}

static void
client_gone (PortholeMcpExchange *self)
{
  if (self->gone_id == 0 && !self->finished)
    self->gone_id = g_idle_add_full (G_PRIORITY_HIGH, client_gone_cb, g_object_ref (self), g_object_unref);
}

/* Runs with the cancellable's lock held: the work is done from the loop. */
static void
on_request_cancelled (GCancellable        *cancellable,
                      PortholeMcpExchange *self)
{
  client_gone (self);
}

/**
 * porthole_mcp_exchange_new:
 * @session: (nullable): the legacy session, whose streams can be resumed
 * @modern: a 2026-07-28 request (HTTP statuses of its errors differ)
 * @accepts_sse: the client listed text/event-stream in Accept
 * @batch: a JSON-RPC batch (2025-03-26): the answer is an array
 */
PortholeMcpExchange *
porthole_mcp_exchange_new (PortholeRequest    *req,
                           PortholeMcpSession *session,
                           gboolean            modern,
                           gboolean            accepts_sse,
                           gboolean            batch)
{
  PortholeMcpExchange *self = g_object_new (PORTHOLE_TYPE_MCP_EXCHANGE, NULL);

  self->req = g_object_ref (req);
  self->session = session ? g_object_ref (session) : NULL;
  self->modern = modern;
  self->accepts_sse = accepts_sse;
  self->batch = batch;
  self->cancelled_id = g_cancellable_connect (porthole_request_get_cancellable (req),
                                              G_CALLBACK (on_request_cancelled), self, NULL);

  return self;
}

PortholeRequest *
porthole_mcp_exchange_get_request (PortholeMcpExchange *self)
{
  return self->req;
}

/**
 * porthole_mcp_exchange_add_call:
 *
 * @call answers through this exchange: its response is awaited.
 */
void
porthole_mcp_exchange_add_call (PortholeMcpExchange *self,
                                PortholeMcpCall     *call)
{
  g_return_if_fail (!self->started);

  g_ptr_array_add (self->calls, call);
}

/* The HTTP status of a JSON answer: 200, except the errors 2026-07-28
 * gives their own status (transports §Request Metadata). */
static guint
status_for (PortholeMcpExchange *self,
            JsonObject          *response)
{
  JsonObject *error;
  gint64 code;

  if (!self->modern || self->batch)
    return SOUP_STATUS_OK;

  error = porthole_json_object_get_object (response, "error");
  if (error == NULL || !json_object_has_member (error, "code"))
    return SOUP_STATUS_OK;

  code = json_object_get_int_member (error, "code");
  if (code == PORTHOLE_MCP_METHOD_NOT_FOUND)
    return SOUP_STATUS_NOT_FOUND;
  if (code == PORTHOLE_MCP_HEADER_MISMATCH || code == PORTHOLE_MCP_MISSING_CAPABILITY ||
      code == PORTHOLE_MCP_UNSUPPORTED_VERSION)
    return SOUP_STATUS_BAD_REQUEST;

  return SOUP_STATUS_OK;
}

static void
finish (PortholeMcpExchange *self)
{
  g_autoptr(PortholeMcpExchange) hold = g_object_ref (self);

  self->finished = TRUE;
  disconnect_all (self);

  if (self->stream != NULL)
    {
      /* The attach still to come delivers what is queued, then ends. */
      porthole_mcp_stream_finish (self->stream);
      return;
    }

  if (json_array_get_length (self->responses) == 0)
    {
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

      /* Every call was cancelled and said nothing. */
      porthole_request_reply_bytes (self->req, SOUP_STATUS_ACCEPTED, NULL, empty);
      return;
    }

  if (self->batch)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), self->responses);
      gsize length = 0;
      char *text = porthole_json_to_string (node, &length);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, length);

      porthole_request_reply_bytes (self->req, SOUP_STATUS_OK, "application/json", bytes);
    }
  else
    {
      JsonObject *response = json_array_get_object_element (self->responses, 0);
      gsize length = 0;
      char *text = porthole_mcp_message_to_string (response, &length);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, length);

      porthole_request_reply_bytes (self->req, status_for (self, response), "application/json", bytes);
    }
}

static void
maybe_finish (PortholeMcpExchange *self)
{
  if (self->started && !self->finished && self->calls->len == 0)
    finish (self);
}

/**
 * porthole_mcp_exchange_start:
 *
 * Every call has been added (and dispatched): the exchange ends when the
 * last one has answered.
 */
void
porthole_mcp_exchange_start (PortholeMcpExchange *self)
{
  self->started = TRUE;
  maybe_finish (self);
}

/**
 * porthole_mcp_exchange_can_stream:
 *
 * Returns: %TRUE if messages other than the response can reach the
 *   client (it accepts SSE, and the answer has not ended)
 */
gboolean
porthole_mcp_exchange_can_stream (PortholeMcpExchange *self)
{
  return self->accepts_sse && !self->finished && !porthole_request_is_finished (self->req);
}

static gboolean
attach_cb (gpointer user_data)
{
  PortholeMcpExchange *self = user_data;

  self->attach_id = 0;
  if (!porthole_mcp_stream_attach (self->stream, self->req, NULL))
    client_gone (self);

  return G_SOURCE_REMOVE;
}

static void
on_stream_detached (PortholeMcpExchange *self)
{
  client_gone (self);
}

/**
 * porthole_mcp_exchange_stream:
 *
 * Makes the answer an SSE stream, if it is not one already.
 *
 * Returns: %FALSE if it cannot be (the client does not accept SSE)
 */
gboolean
porthole_mcp_exchange_stream (PortholeMcpExchange *self)
{
  if (self->stream != NULL)
    return TRUE;

  if (!porthole_mcp_exchange_can_stream (self))
    return FALSE;

  if (self->session != NULL)
    self->stream = g_object_ref (porthole_mcp_session_new_stream (self->session));
  else
    self->stream = porthole_mcp_stream_new (0, self->modern ? PORTHOLE_MCP_STREAM_FLAGS_KEEPALIVE
                                                             : PORTHOLE_MCP_STREAM_FLAGS_NONE);
  self->detached_id = g_signal_connect_swapped (self->stream, "detached", G_CALLBACK (on_stream_detached), self);

  /* Responses already collected for a batch go first. */
  for (guint i = 0; i < json_array_get_length (self->responses); i++)
    porthole_mcp_stream_send (self->stream, json_array_get_object_element (self->responses, i));

  self->attach_id = g_idle_add_full (G_PRIORITY_HIGH, attach_cb, g_object_ref (self), g_object_unref);
  return TRUE;
}

/**
 * porthole_mcp_exchange_send:
 * @message: (transfer none): a notification or request for the client
 *
 * Returns: %FALSE if the message cannot reach the client this way
 */
gboolean
porthole_mcp_exchange_send (PortholeMcpExchange *self,
                            JsonObject          *message)
{
  if (!porthole_mcp_exchange_stream (self))
    return FALSE;

  return porthole_mcp_stream_send (self->stream, message);
}

/**
 * porthole_mcp_exchange_respond:
 * @response: (transfer none): @call's response
 */
void
porthole_mcp_exchange_respond (PortholeMcpExchange *self,
                               PortholeMcpCall     *call,
                               JsonObject          *response)
{
  g_autoptr(PortholeMcpExchange) hold = g_object_ref (self);

  if (!g_ptr_array_remove (self->calls, call))
    return;

  if (self->stream != NULL)
    porthole_mcp_stream_send (self->stream, response);
  else
    json_array_add_object_element (self->responses, json_object_ref (response));

  maybe_finish (self);
}
