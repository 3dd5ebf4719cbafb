/* porthole-event-stream.c
 *
 * A chunked text/event-stream answer. Each event is one chunk; what the
 * connection has not taken yet is counted (events and bytes) so that
 * each route decides what a slow reader costs it: metrics drop samples,
 * MCP drops the client, its connection included (SECURITY.md G11). The
 * kernel's send buffer is kept small, or a reader that stops would hide
 * megabytes there.
 *
 * "closed" is emitted once, when the client went away (soup finished the
 * message, or the connection's hangup watch cancelled the request) or
 * when porthole_event_stream_close() or porthole_event_stream_drop()
 * ended the stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <malloc.h>

#include <string.h>
#include <sys/socket.h>

#include "porthole-defer.h"
#include "porthole-event-stream.h"
#include "porthole-http-server.h"
#include "porthole-request.h"

struct _PortholeEventStream
{
  GObject parent_instance;

  PortholeRequest *req;
  gulong finished_id;
  gulong wrote_chunk_id;
  gulong cancelled_id;
  /* Sizes of the chunks not written yet, oldest first. */
  GQueue queued;
  gsize queued_bytes;
  guint closed : 1;
};

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Clients dropped for not reading, daemon-wide, for /metrics. */
static guint64 n_dropped;

G_DEFINE_FINAL_TYPE (PortholeEventStream, porthole_event_stream, G_TYPE_OBJECT)

static void
disconnect_request (PortholeEventStream *self)
{
  SoupServerMessage *msg;

  if (self->req == NULL)
    return;

  msg = porthole_request_get_message (self->req);
  if (msg != NULL)
    {
      g_clear_signal_handler (&self->finished_id, msg);
      g_clear_signal_handler (&self->wrote_chunk_id, msg);
    }
  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (porthole_request_get_cancellable (self->req), self->cancelled_id);
      self->cancelled_id = 0;
    }
}

static void
mark_closed (PortholeEventStream *self)
{
  g_autoptr(PortholeEventStream) hold = g_object_ref (self);

  if (self->closed)
    return;

  self->closed = TRUE;
  disconnect_request (self);
  g_queue_clear (&self->queued);
  self->queued_bytes = 0;
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
porthole_event_stream_dispose (GObject *object)
{
  PortholeEventStream *self = (PortholeEventStream *)object;

  disconnect_request (self);
  if (self->req != NULL && !self->closed && !porthole_request_is_finished (self->req))
    porthole_request_end_stream (self->req);
  self->closed = TRUE;
  g_queue_clear (&self->queued);
  g_clear_object (&self->req);

  G_OBJECT_CLASS (porthole_event_stream_parent_class)->dispose (object);
}

static void
porthole_event_stream_class_init (PortholeEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_event_stream_dispose;

  /**
   * PortholeEventStream::closed:
   *
   * The stream ended: the client left, or it was closed.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_event_stream_init (PortholeEventStream *self)
{
  g_queue_init (&self->queued);
}

static void
on_finished (PortholeEventStream *self)
{
  mark_closed (self);
}

static void
on_wrote_chunk (PortholeEventStream *self)
{
  if (!g_queue_is_empty (&self->queued))
    self->queued_bytes -= GPOINTER_TO_SIZE (g_queue_pop_head (&self->queued));
}

static gboolean
close_idle_cb (gpointer user_data)
{
  g_autoptr(PortholeEventStream) self = user_data;

  porthole_event_stream_close (self);
  return G_SOURCE_REMOVE;
}

/* The connection's hangup watch cancels the request of a client that
 * went away; cancellable callbacks run with the cancellable's lock held,
 * so the stream is closed from the main loop. */
static void
on_cancelled (GCancellable        *cancellable,
              PortholeEventStream *self)
{
  porthole_defer (close_idle_cb, g_object_ref (self));
}

/**
 * porthole_event_stream_new:
 * @req: a request not answered yet
 * @kernel_bytes: how much the kernel may hold for this client; 0 leaves
 *   the socket as it is
 *
 * Answers @req 200 text/event-stream (no caching, no proxy buffering).
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL if @req was
 *   answered already or its client left
 */
PortholeEventStream *
porthole_event_stream_new (PortholeRequest *req,
                           gsize            kernel_bytes)
{
  SoupServerMessage *msg = porthole_request_get_message (req);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  PortholeEventStream *self;
  GSocket *socket;

  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  /* Proxies that buffer would hold the events back. */
  soup_message_headers_replace (headers, "X-Accel-Buffering", "no");
  if (!porthole_request_begin_stream (req, SOUP_STATUS_OK, "text/event-stream"))
    return NULL;

  /* Half of SO_SNDBUF is what the kernel really takes. */
  if (kernel_bytes > 0 && (socket = porthole_http_server_get_message_socket (msg)) != NULL)
    g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, MAX (kernel_bytes / 2, 4096), NULL);

  self = g_object_new (PORTHOLE_TYPE_EVENT_STREAM, NULL);
  self->req = g_object_ref (req);
  self->finished_id = g_signal_connect_swapped (msg, "finished", G_CALLBACK (on_finished), self);
  self->wrote_chunk_id = g_signal_connect_swapped (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), self);
  self->cancelled_id = g_cancellable_connect (porthole_request_get_cancellable (req),
                                              G_CALLBACK (on_cancelled), self, NULL);

  return self;
}

/**
 * porthole_event_stream_get_request:
 *
 * Returns: (transfer none): the request answered by the stream
 */
PortholeRequest *
porthole_event_stream_get_request (PortholeEventStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EVENT_STREAM (self), NULL);

  return self->req;
}

static void
write_chunk (PortholeEventStream *self,
             GString             *text)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size = text->len;

  /* A GString's block is a power of two: a queue of them would hold up
   * to twice what it counts. Shrinking in place costs no copy. */
  bytes = g_bytes_new_take (g_realloc (g_string_free (text, FALSE), size + 1), size);
  g_queue_push_tail (&self->queued, GSIZE_TO_POINTER (size));
  self->queued_bytes += size;
  porthole_request_stream_write (self->req, bytes);
}

/**
 * porthole_event_stream_send:
 * @id: (nullable): the event's id
 * @event: (nullable): the event's type; %NULL for "message"
 * @data: the data; line breaks become several `data:` lines, as SSE
 *   readers join them back
 * @length: the length of @data, or -1
 *
 * Returns: %FALSE if the stream is closed
 */
gboolean
porthole_event_stream_send (PortholeEventStream *self,
                            const char          *id,
                            const char          *event,
                            const char          *data,
                            gssize               length)
{
  GString *text;
  const char *line, *end;

  g_return_val_if_fail (PORTHOLE_IS_EVENT_STREAM (self), FALSE);

  if (self->closed || porthole_request_is_finished (self->req))
    return FALSE;

  if (length < 0)
    length = strlen (data);
  end = data + length;

  text = g_string_sized_new (length + 64);
  if (id != NULL)
    g_string_append_printf (text, "id: %s\n", id);
  if (event != NULL)
    g_string_append_printf (text, "event: %s\n", event);
  line = data;
  do
    {
      const char *eol = memchr (line, '\n', end - line);
      const char *stop = eol ? eol : end;

      if (stop > line && stop[-1] == '\r')
        stop--;
      g_string_append (text, "data: ");
      g_string_append_len (text, line, stop - line);
      g_string_append_c (text, '\n');
      line = eol ? eol + 1 : end;
    }
  while (line < end);
  g_string_append_c (text, '\n');

  write_chunk (self, text);
  return TRUE;
}

/**
 * porthole_event_stream_send_comment:
 *
 * A comment line, which readers ignore: a keep-alive that also finds out
 * whether the client is still there.
 */
void
porthole_event_stream_send_comment (PortholeEventStream *self,
                                    const char          *text)
{
  GString *chunk;

  g_return_if_fail (PORTHOLE_IS_EVENT_STREAM (self));

  if (self->closed || porthole_request_is_finished (self->req))
    return;

  chunk = g_string_new (NULL);
  g_string_printf (chunk, ": %s\n\n", text ? text : "");
  write_chunk (self, chunk);
}

/**
 * porthole_event_stream_send_retry:
 *
 * How long a client waits before reconnecting after the stream ends.
 */
void
porthole_event_stream_send_retry (PortholeEventStream *self,
                                  guint                retry_ms)
{
  GString *chunk;

  g_return_if_fail (PORTHOLE_IS_EVENT_STREAM (self));

  if (self->closed || porthole_request_is_finished (self->req))
    return;

  chunk = g_string_new (NULL);
  g_string_printf (chunk, "retry: %u\n\n", retry_ms);
  write_chunk (self, chunk);
}

/**
 * porthole_event_stream_get_n_queued:
 *
 * Returns: events (and comments) the connection has not taken yet
 */
guint
porthole_event_stream_get_n_queued (PortholeEventStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EVENT_STREAM (self), 0);

  return self->queued.length;
}

gsize
porthole_event_stream_get_queued_bytes (PortholeEventStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EVENT_STREAM (self), 0);

  return self->queued_bytes;
}

gboolean
porthole_event_stream_is_closed (PortholeEventStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EVENT_STREAM (self), TRUE);

  return self->closed;
}

/**
 * porthole_event_stream_close:
 *
 * Ends the answer (what is queued is still sent) and emits "closed".
 */
void
porthole_event_stream_close (PortholeEventStream *self)
{
  g_return_if_fail (PORTHOLE_IS_EVENT_STREAM (self));

  if (self->closed)
    return;

  if (!porthole_request_is_finished (self->req))
    porthole_request_end_stream (self->req);
  mark_closed (self);
}

/* What a dropped client's queue held is freed in small blocks, which
 * glibc keeps in the heap; once soup has let go of them (its write
 * fails on the shut socket), their pages go back to the system. */
static guint trim_id;

static void
trim_heap_cb (gpointer user_data)
{
  trim_id = 0;
  malloc_trim (0);
}

/**
 * porthole_event_stream_drop:
 *
 * Ends the stream of a client dropped by policy (one that does not
 * read): its connection's socket is shut down, so soup's pending write
 * fails and the message, with every chunk still queued, is freed now
 * rather than once the client reads them (SECURITY.md G11). Emits
 * "closed".
 */
void
porthole_event_stream_drop (PortholeEventStream *self)
{
  g_return_if_fail (PORTHOLE_IS_EVENT_STREAM (self));

  if (self->closed)
    return;

  n_dropped++;
  porthole_request_break_off (self->req);
  mark_closed (self);
  if (trim_id == 0)
    trim_id = g_timeout_add_once (1000, trim_heap_cb, NULL);
}

/**
 * porthole_event_stream_get_n_dropped:
 *
 * Returns: how many clients porthole_event_stream_drop() dropped
 */
guint64
porthole_event_stream_get_n_dropped (void)
{
  return n_dropped;
}
