/* porthole-ws-channel.c
 *
 * The JS SDK reads with ws.once('message') and loses every frame that
 * arrives in the same socket read as an earlier one (API.md §1.9). So
 * frames go out one per write, at least ws-frame-interval-ms apart, on a
 * TCP_NODELAY socket (set when the connection was accepted). Frames wait
 * in a queue; a queue past the high-water mark makes the channel
 * "congested" so producers stop reading their sources instead of filling
 * memory, and "drained" says when to resume. Frames are also held back
 * while the kernel's send buffer is full, so a client that stops reading
 * costs its own queue and nothing else. A client on this host gets the
 * next frame only once it has read the previous one (the kernel tells,
 * porthole_socket_peer_unread()): on a busy machine it may not run for
 * the interval, and two frames would land in one read all the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-request.h"
#include "porthole-socket-peer.h"
#include "porthole-ws-channel.h"

/* Unsent bytes in the kernel beyond which the next frame waits. */
#define MAX_KERNEL_BACKLOG (256 * 1024)
#define BACKLOG_POLL_MS 20
/* How long a channel closed at once (porthole_ws_channel_close_now())
 * waits for the peer's answer to its close frame before shutting the
 * socket down. soup 3.2 to 3.7 close the stream themselves 5 s after
 * their close frame was queued, written or not (close_io_after_timeout);
 * this bound is ours, shorter, and a shut-down socket also ends a close
 * that would write (TLS's close_notify) to a full send buffer. */
#define CLOSE_NOW_GRACE_MS 2000

struct _PortholeWsChannel
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  SoupWebsocketConnection *connection;
  GSocket *socket;
  GQueue queue;
  gsize queued_bytes;
  gint64 last_sent;
  gint64 last_heard;
  guint interval_ms;
  int priority;
  PortholePeerWait peer_wait;
  gsize max_backlog;
  guint keepalive;
  guint flush_id;
  guint liveness_id;
  guint expiry_id;
  guint close_grace_id;
  gulong stopping_id;
  gushort close_code;
  char *close_reason;
  guint congested : 1;
  guint closing : 1;
  guint closed : 1;
  guint binary : 1;
  /* A closing channel holds itself until the close is done, so frames
   * still queued (paced, §1.9) leave before it, whoever let go. */
  guint held_for_close : 1;
  guint sent_any : 1;
};

enum {
  MESSAGE,
  DATA,
  DRAINED,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeWsChannel, porthole_ws_channel, G_TYPE_OBJECT)

static void flush (PortholeWsChannel *self);

static gboolean
flush_cb (gpointer user_data)
{
  PortholeWsChannel *self = user_data;

  self->flush_id = 0;
  flush (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_flush (PortholeWsChannel *self,
                guint              delay_ms)
{
  if (self->flush_id == 0)
    self->flush_id = g_timeout_add_full (self->priority, delay_ms, flush_cb, self, NULL);
}

static gsize
kernel_backlog (PortholeWsChannel *self)
{
  int pending = 0;

  if (self->socket == NULL || ioctl (g_socket_get_fd (self->socket), SIOCOUTQ, &pending) != 0)
    return 0;

  return MAX (pending, 0);
}

/* A frame soup cannot write at once waits in soup's own queue, which has
 * no bound: hold it here instead while the kernel is full. */
static gboolean
kernel_is_full (PortholeWsChannel *self)
{
  if (self->socket == NULL)
    return FALSE;

  return kernel_backlog (self) > self->max_backlog ||
         !(g_socket_condition_check (self->socket, G_IO_OUT) & G_IO_OUT);
}

/* Frames that will never go out. */
static void
drop_queue (PortholeWsChannel *self)
{
  g_queue_clear_full (&self->queue, (GDestroyNotify) g_bytes_unref);
  self->queued_bytes = 0;
}

static void
flush (PortholeWsChannel *self)
{
  g_autoptr(GBytes) frame = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 due = self->last_sent + self->interval_ms * 1000;
  guint wait_ms;

  if (self->closed)
    return;

  /* Closing already (the peer's close, or a 1009): nothing more goes
   * out, and soup would refuse it. */
  if (soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      drop_queue (self);
      return;
    }

  if (g_queue_is_empty (&self->queue))
    {
      if (self->closing &&
          soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, self->close_code, self->close_reason);
      return;
    }

  if (now < due)
    {
      schedule_flush (self, (due - now + 999) / 1000);
      return;
    }

  if (kernel_is_full (self))
    {
      schedule_flush (self, BACKLOG_POLL_MS);
      return;
    }

  /* A client on this host reads each frame on its own. */
  if (self->socket != NULL && (wait_ms = porthole_peer_wait_next (&self->peer_wait, g_socket_get_fd (self->socket))) > 0)
    {
      schedule_flush (self, wait_ms);
      return;
    }

  frame = g_queue_pop_head (&self->queue);
  self->queued_bytes -= g_bytes_get_size (frame);
  self->last_sent = now;
  self->sent_any = TRUE;
  if (self->binary)
    soup_websocket_connection_send_binary (self->connection, g_bytes_get_data (frame, NULL),
                                           g_bytes_get_size (frame));
  else
    soup_websocket_connection_send_text (self->connection, g_bytes_get_data (frame, NULL));

  if (self->congested && self->queued_bytes < PORTHOLE_WS_CHANNEL_LOW_WATER)
    {
      self->congested = FALSE;
      g_signal_emit (self, signals[DRAINED], 0);
    }

  if (!g_queue_is_empty (&self->queue) || self->closing)
    schedule_flush (self, self->interval_ms);
}

/**
 * porthole_ws_channel_send:
 * @message: (transfer none): one JSON object, one text frame
 *
 * Queues @message; frames leave in order, paced. Producers keep each
 * data chunk under %PORTHOLE_WS_CHANNEL_MAX_CHUNK and check
 * porthole_ws_channel_is_congested().
 */
void
porthole_ws_channel_send (PortholeWsChannel *self,
                          JsonObject        *message)
{
  g_autoptr(JsonNode) node = NULL;
  gsize length;
  char *text;

  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));

  if (self->closed || self->closing)
    return;

  node = json_node_init_object (json_node_alloc (), message);
  text = porthole_json_to_string (node, &length);
  /* Keep the NUL: soup sends text frames from C strings. */
  g_queue_push_tail (&self->queue, g_bytes_new_take (text, length + 1));
  self->queued_bytes += length + 1;

  if (!self->congested && self->queued_bytes > PORTHOLE_WS_CHANNEL_HIGH_WATER)
    self->congested = TRUE;

  if (self->flush_id == 0)
    flush (self);
}

/**
 * porthole_ws_channel_send_error:
 *
 * Sends `{"type":"error","error":…,"code":…,"timestamp":…}`.
 */
void
porthole_ws_channel_send_error (PortholeWsChannel *self,
                                const GError      *error)
{
  g_autoptr(JsonObject) message = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  PortholeErrorCode code = error->domain == PORTHOLE_ERROR ? error->code : PORTHOLE_ERROR_INTERNAL_ERROR;

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_ERROR);
  json_object_set_string_member (message, PORTHOLE_MEMBER_ERROR, error->message);
  json_object_set_string_member (message, PORTHOLE_MEMBER_CODE, porthole_error_code_to_string (code));
  json_object_set_string_member (message, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_ws_channel_send (self, message);
}

/**
 * porthole_ws_channel_send_error_printf:
 *
 * Sends an `error` message with @code and a formatted text; the
 * connection stays open.
 */
void
porthole_ws_channel_send_error_printf (PortholeWsChannel *self,
                                       PortholeErrorCode  code,
                                       const char        *format,
                                       ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (PORTHOLE_ERROR, code, format, args);
  va_end (args);
  porthole_ws_channel_send_error (self, error);
}

/**
 * porthole_ws_channel_set_binary:
 *
 * Makes the channel a byte stream (the VNC bridge's RFB): frames go out
 * as binary frames from porthole_ws_channel_send_bytes(), unpaced (the
 * pacing of API.md §1.9 is for the SDKs' JSON readers; a stream reader
 * reassembles bytes whatever the framing), and frames that arrive are
 * emitted as "data", not parsed. Call it before anything is sent.
 */
void
porthole_ws_channel_set_binary (PortholeWsChannel *self)
{
  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));

  self->binary = TRUE;
  self->interval_ms = 0;
  porthole_peer_wait_init (&self->peer_wait, FALSE);
}

/**
 * porthole_ws_channel_send_bytes:
 * @bytes: (transfer none): one binary frame, not empty
 *
 * For binary channels: queues @bytes like porthole_ws_channel_send().
 */
void
porthole_ws_channel_send_bytes (PortholeWsChannel *self,
                                GBytes            *bytes)
{
  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));
  g_return_if_fail (self->binary);
  g_return_if_fail (g_bytes_get_size (bytes) > 0);

  if (self->closed || self->closing)
    return;

  g_queue_push_tail (&self->queue, g_bytes_ref (bytes));
  self->queued_bytes += g_bytes_get_size (bytes);

  if (!self->congested && self->queued_bytes > PORTHOLE_WS_CHANNEL_HIGH_WATER)
    self->congested = TRUE;

  if (self->flush_id == 0)
    flush (self);
}

/**
 * porthole_ws_channel_set_priority:
 *
 * The main-loop priority of the paced sends; default
 * %G_PRIORITY_DEFAULT. A terminal's frames go at the priority of its
 * output (porthole-defer.h). Reads stay at soup's priority: soup 3.2
 * replaces its input source as it reads, so a priority set on the
 * source our stream gave it does not last (/fairness/terminal-flood
 * starved when it was tried).
 */
void
porthole_ws_channel_set_priority (PortholeWsChannel *self,
                                  int                priority)
{
  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));

  self->priority = priority;
}

gboolean
porthole_ws_channel_is_congested (PortholeWsChannel *self)
{
  return self->congested;
}

/**
 * porthole_ws_channel_set_max_backlog:
 * @bytes: unsent bytes the kernel may hold for this peer
 *
 * Lower than the default for producers that would rather drop than have
 * a slow peer hold much (live samples).
 */
void
porthole_ws_channel_set_max_backlog (PortholeWsChannel *self,
                                     gsize              bytes)
{
  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));

  self->max_backlog = bytes;
}

/**
 * porthole_ws_channel_get_queued_bytes:
 *
 * Returns: bytes of frames waiting to be sent, for producers that would
 *   rather drop than queue (live samples)
 */
gsize
porthole_ws_channel_get_queued_bytes (PortholeWsChannel *self)
{
  return self->queued_bytes;
}

gboolean
porthole_ws_channel_is_open (PortholeWsChannel *self)
{
  return !self->closed && !self->closing;
}

PortholeDaemon *
porthole_ws_channel_get_daemon (PortholeWsChannel *self)
{
  return self->daemon;
}

static void force_close (PortholeWsChannel *self);

/* A closing channel holds itself until soup says the connection is
 * closed (on_closed()). */
static void
begin_close (PortholeWsChannel *self,
             gushort            code,
             const char        *reason)
{
  self->closing = TRUE;
  self->close_code = code;
  self->close_reason = g_strdup (reason);
  self->held_for_close = TRUE;
  g_object_ref (self);
}

/**
 * porthole_ws_channel_close:
 *
 * Closes once every queued frame has gone out, so a terminal message
 * (`complete`, `exit`) always precedes the close frame.
 */
void
porthole_ws_channel_close (PortholeWsChannel *self,
                           gushort            code,
                           const char        *reason)
{
  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));

  if (self->closed || self->closing)
    return;

  begin_close (self, code, reason);
  if (self->flush_id == 0)
    flush (self);
}

static gboolean
close_grace_cb (gpointer user_data)
{
  PortholeWsChannel *self = user_data;

  self->close_grace_id = 0;
  g_debug ("WebSocket peer did not answer a close in %d ms; shutting it down", CLOSE_NOW_GRACE_MS);
  force_close (self);
  return G_SOURCE_REMOVE;
}

/**
 * porthole_ws_channel_close_now:
 *
 * Closes at once, for a peer dropped by policy (one that stopped
 * reading): the frames still queued are dropped, not sent, the close
 * frame follows what soup is writing already, and a peer that has not
 * answered it within %CLOSE_NOW_GRACE_MS is shut down. A close after
 * the queue (porthole_ws_channel_close()) would wait for a peer that
 * does not read until the keep-alive check gave up on it (SECURITY.md
 * G11).
 */
void
porthole_ws_channel_close_now (PortholeWsChannel *self,
                               gushort            code,
                               const char        *reason)
{
  g_return_if_fail (PORTHOLE_IS_WS_CHANNEL (self));

  if (self->closed)
    return;

  /* Also after porthole_ws_channel_close(): this one does not wait. */
  if (!self->closing)
    begin_close (self, code, reason);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  drop_queue (self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, code, reason);
  if (self->close_grace_id == 0)
    self->close_grace_id = g_timeout_add (CLOSE_NOW_GRACE_MS, close_grace_cb, self);
}

/**
 * porthole_ws_channel_parse_frame:
 * @bytes: a text or binary frame's payload
 * @text: (out) (transfer full): the frame as text, up to its first NUL
 *
 * What the "message" signal carries, made of one frame; the one parse
 * of every JSON WebSocket route (and of fuzz-ws-messages).
 *
 * Returns: (transfer full) (nullable): the frame as a JSON object, %NULL
 *   when it is not one
 */
JsonObject *
porthole_ws_channel_parse_frame (GBytes  *bytes,
                                 char   **text)
{
  g_autoptr(JsonNode) node = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  /* Binary frames are UTF-8 JSON too (API.md §1.9); one that is not
   * reaches the handler as text that is not a JSON object, which each
   * answers (soup itself closes on a text frame that is not UTF-8). */
  /* An empty frame's bytes have no data at all: text is "" then. */
  *text = g_strndup (data != NULL ? data : "", size);
  if (g_utf8_validate_len (data, size, NULL))
    node = porthole_json_parse (*text, size, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *bytes,
            PortholeWsChannel       *self)
{
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;

  self->last_heard = g_get_monotonic_time ();
  /* A peer that speaks has read the 101: a reply need not wait behind
   * it (a client may close right after its one request). */
  if (!self->sent_any)
    self->last_sent = self->last_heard - self->interval_ms * 1000;

  if (self->binary)
    {
      g_signal_emit (self, signals[DATA], 0, bytes);
      return;
    }

  object = porthole_ws_channel_parse_frame (bytes, &text);
  g_signal_emit (self, signals[MESSAGE], 0, object, text);
}

static void
on_pong (SoupWebsocketConnection *connection,
         GBytes                  *message,
         PortholeWsChannel       *self)
{
  self->last_heard = g_get_monotonic_time ();
}

static void
on_closed (SoupWebsocketConnection *connection,
           PortholeWsChannel       *self)
{
  g_autoptr(PortholeWsChannel) hold = g_object_ref (self);

  if (self->closed)
    return;

  self->closed = TRUE;
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->liveness_id, g_source_remove);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_clear_handle_id (&self->close_grace_id, g_source_remove);
  drop_queue (self);
  porthole_daemon_stream_closed (self->daemon);

  g_signal_emit (self, signals[CLOSED], 0);

  if (self->held_for_close)
    {
      self->held_for_close = FALSE;
      g_object_unref (self);
    }
}

static void
force_close (PortholeWsChannel *self)
{
  /* The peer is gone or must go: no close handshake to wait for. */
  if (self->socket != NULL)
    g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

/* soup 3.2 sends pings but has no pong deadline (SECURITY.md G9). */
static gboolean
liveness_cb (gpointer user_data)
{
  PortholeWsChannel *self = user_data;
  gint64 silence = g_get_monotonic_time () - self->last_heard;

  if (silence > 3 * (gint64) self->keepalive * G_USEC_PER_SEC)
    {
      g_debug ("WebSocket peer silent for %" G_GINT64_FORMAT " s; closing", silence / G_USEC_PER_SEC);
      self->liveness_id = 0;
      force_close (self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
expiry_cb (gpointer user_data)
{
  PortholeWsChannel *self = user_data;

  /* Long sessions end with the token that opened them (SECURITY.md §3.9). */
  self->expiry_id = 0;
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                     "token expired");
  return G_SOURCE_REMOVE;
}

static void
on_daemon_stopping (PortholeWsChannel *self)
{
  porthole_ws_channel_close (self, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "portholed is stopping");
}

static void
porthole_ws_channel_dispose (GObject *object)
{
  PortholeWsChannel *self = (PortholeWsChannel *)object;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->liveness_id, g_source_remove);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_clear_handle_id (&self->close_grace_id, g_source_remove);
  if (self->daemon != NULL)
    g_clear_signal_handler (&self->stopping_id, self->daemon);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      if (!self->closed)
        {
          self->closed = TRUE;
          porthole_daemon_stream_closed (self->daemon);
        }
    }
  g_clear_object (&self->connection);
  drop_queue (self);

  G_OBJECT_CLASS (porthole_ws_channel_parent_class)->dispose (object);
}

static void
porthole_ws_channel_finalize (GObject *object)
{
  PortholeWsChannel *self = (PortholeWsChannel *)object;

  g_clear_object (&self->socket);
  g_clear_object (&self->daemon);
  g_free (self->close_reason);

  G_OBJECT_CLASS (porthole_ws_channel_parent_class)->finalize (object);
}

static void
porthole_ws_channel_class_init (PortholeWsChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_ws_channel_dispose;
  object_class->finalize = porthole_ws_channel_finalize;

  /**
   * PortholeWsChannel::message:
   * @object: (nullable): the message, when it is a JSON object
   * @text: the frame as text
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, JSON_TYPE_OBJECT, G_TYPE_STRING);

  /**
   * PortholeWsChannel::data:
   * @bytes: a frame's payload, text or binary
   *
   * What arrives on a binary channel (porthole_ws_channel_set_binary()).
   */
  signals[DATA] =
    g_signal_new ("data",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);

  /**
   * PortholeWsChannel::drained:
   *
   * The queue fell below the low-water mark: producers may resume.
   */
  signals[DRAINED] =
    g_signal_new ("drained",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeWsChannel::closed:
   *
   * The connection is gone, whoever closed it.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_ws_channel_init (PortholeWsChannel *self)
{
  g_queue_init (&self->queue);
  self->priority = G_PRIORITY_DEFAULT;
}

/**
 * porthole_ws_channel_new:
 * @req: the upgrade request (for the daemon, the token's expiry and the
 *   socket)
 * @connection: the upgraded connection
 */
PortholeWsChannel *
porthole_ws_channel_new (PortholeRequest         *req,
                         SoupWebsocketConnection *connection)
{
  PortholeWsChannel *self = g_object_new (PORTHOLE_TYPE_WS_CHANNEL, NULL);
  PortholeConfig *config;
  gint64 expires = porthole_request_get_token_expiry (req);

  self->daemon = g_object_ref (porthole_request_get_daemon (req));
  config = porthole_daemon_get_config (self->daemon);
  self->connection = g_object_ref (connection);
  self->socket = g_object_get_data (G_OBJECT (connection), "porthole-socket");
  if (self->socket != NULL)
    g_object_ref (self->socket);
  porthole_peer_wait_init (&self->peer_wait, self->socket != NULL);
  self->interval_ms = porthole_config_get_ws_frame_interval_ms (config);
  self->max_backlog = MAX_KERNEL_BACKLOG;
  self->keepalive = porthole_config_get_ws_keepalive_interval (config);
  self->last_heard = g_get_monotonic_time ();
  /* The 101 answer counts as the last write until the peer speaks: a
   * first frame right behind it lands in the same read, and libsoup
   * 3.2's client then handles that frame but no later one (the
   * inspector's metrics stream hung so), while the JS SDK drops it
   * (§1.9). */
  self->last_sent = self->last_heard;

  porthole_daemon_stream_opened (self->daemon);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "pong", G_CALLBACK (on_pong), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  self->stopping_id = g_signal_connect_swapped (self->daemon, "stopping",
                                                G_CALLBACK (on_daemon_stopping), self);

  self->liveness_id = g_timeout_add_seconds (self->keepalive, liveness_cb, self);
  if (expires > 0)
    {
      gint64 left = expires - g_get_real_time () / G_USEC_PER_SEC;

      self->expiry_id = g_timeout_add_seconds (CLAMP (left, 1, G_MAXUINT / 2), expiry_cb, self);
    }

  return self;
}
