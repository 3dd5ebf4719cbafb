/* porthole-mcp-stream.c
 *
 * Event ids are "<stream>-<seq>": unique in the session and naming the
 * stream, so a GET with Last-Event-ID finds what to replay and where to
 * go on (transports §Resumability). The log keeps the last events of a
 * resumable stream, bounded in count and bytes; events older than that
 * are gone for a client that comes back too late.
 *
 * A stream that no connection took yet keeps what is sent to it for the
 * first one: an answer may begin before the POST that asked for it is
 * handed its stream.
 *
 * A client that does not read is not queued for without end: past
 * MAX_QUEUED_BYTES its connection is shut down, and what was queued for
 * it freed; the owner treats it as the client leaving (SECURITY.md G11).
 *
 * "detached" is emitted when the connection ends before the stream was
 * finished: the client went away.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-event-stream.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-stream.h"
#include "porthole-request.h"

/* The replay log: enough for the notifications a reconnect misses, and a
 * few screenshots' worth of results. */
#define MAX_LOG_EVENTS 256
#define MAX_LOG_BYTES (8 * 1024 * 1024)
/* What a client may leave unread before it is dropped. */
#define MAX_QUEUED_BYTES (32 * 1024 * 1024)
/* The kernel's share of a client's backlog. */
#define KERNEL_BYTES (256 * 1024)
#define KEEPALIVE_SECONDS 15

typedef struct
{
  guint64 seq;
  GBytes *data;
} LoggedEvent;

struct _PortholeMcpStream
{
  GObject parent_instance;

  guint number;
  PortholeMcpStreamFlags flags;
  guint64 next_seq;
  /* The last event a connection was given. */
  guint64 delivered;
  /* Resumable streams: the last events sent. Others: what no connection
   * has been given yet. */
  GQueue log;
  gsize log_bytes;

  PortholeEventStream *connection;
  gulong closed_id;
  guint keepalive_id;
  guint finished : 1;
  guint primed : 1;
};

enum {
  DETACHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeMcpStream, porthole_mcp_stream, G_TYPE_OBJECT)

static void trim_log (PortholeMcpStream *self);

static void
logged_event_free (LoggedEvent *event)
{
  g_bytes_unref (event->data);
  g_free (event);
}

static void
clear_connection (PortholeMcpStream *self)
{
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->connection != NULL)
    {
      g_clear_signal_handler (&self->closed_id, self->connection);
      porthole_event_stream_close (self->connection);
      g_clear_object (&self->connection);
    }
}

static void
porthole_mcp_stream_dispose (GObject *object)
{
  PortholeMcpStream *self = (PortholeMcpStream *)object;

  clear_connection (self);
  g_queue_clear_full (&self->log, (GDestroyNotify) logged_event_free);

  G_OBJECT_CLASS (porthole_mcp_stream_parent_class)->dispose (object);
}

static void
porthole_mcp_stream_class_init (PortholeMcpStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_mcp_stream_dispose;

  /**
   * PortholeMcpStream::detached:
   *
   * The client's connection ended before the stream was finished.
   */
  signals[DETACHED] =
    g_signal_new ("detached",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_mcp_stream_init (PortholeMcpStream *self)
{
  g_queue_init (&self->log);
  self->next_seq = 1;
}

/**
 * porthole_mcp_stream_new:
 * @number: unique among its session's streams
 */
PortholeMcpStream *
porthole_mcp_stream_new (guint                  number,
                         PortholeMcpStreamFlags flags)
{
  PortholeMcpStream *self = g_object_new (PORTHOLE_TYPE_MCP_STREAM, NULL);

  self->number = number;
  self->flags = flags;
  return self;
}

guint
porthole_mcp_stream_get_number (PortholeMcpStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_STREAM (self), 0);

  return self->number;
}

/**
 * porthole_mcp_stream_parse_event_id:
 *
 * Returns: %TRUE if @event_id is one of ours ("<stream>-<seq>")
 */
gboolean
porthole_mcp_stream_parse_event_id (const char *event_id,
                                    guint      *number,
                                    guint64    *seq)
{
  g_auto(GStrv) parts = NULL;
  guint64 value;

  if (event_id == NULL)
    return FALSE;

  parts = g_strsplit (event_id, "-", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &value, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT64, seq, NULL))
    return FALSE;

  *number = value;
  return TRUE;
}

static void
on_connection_closed (PortholeMcpStream *self)
{
  g_autoptr(PortholeMcpStream) hold = g_object_ref (self);
  gboolean finished = self->finished;

  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->connection != NULL)
    {
      g_clear_signal_handler (&self->closed_id, self->connection);
      g_clear_object (&self->connection);
    }

  if (!finished)
    g_signal_emit (self, signals[DETACHED], 0);
}

static gboolean
keepalive_cb (gpointer user_data)
{
  PortholeMcpStream *self = user_data;

  if (self->connection != NULL)
    porthole_event_stream_send_comment (self->connection, "");

  return G_SOURCE_CONTINUE;
}

static void
write_event (PortholeMcpStream *self,
             guint64            seq,
             GBytes            *data)
{
  g_autofree char *id = NULL;
  gsize size;
  const char *text = g_bytes_get_data (data, &size);

  if (self->connection == NULL)
    return;

  self->delivered = MAX (self->delivered, seq);
  if (self->flags & PORTHOLE_MCP_STREAM_FLAGS_RESUMABLE)
    id = g_strdup_printf ("%u-%" G_GUINT64_FORMAT, self->number, seq);
  porthole_event_stream_send (self->connection, id, NULL, text ? text : "", size);

  if (porthole_event_stream_get_queued_bytes (self->connection) > MAX_QUEUED_BYTES)
    {
      g_message ("MCP stream %u: the client left more than %d MiB unread; dropping it",
                 self->number, MAX_QUEUED_BYTES / (1024 * 1024));
      porthole_event_stream_drop (self->connection);
    }
}

/**
 * porthole_mcp_stream_attach:
 * @req: a request to answer with the stream (200 text/event-stream)
 * @last_event_id: (nullable): replay what followed this event first
 *
 * A stream has one connection at a time; attaching replaces an earlier
 * one.
 *
 * Returns: %FALSE if @req could not be answered (the client left)
 */
gboolean
porthole_mcp_stream_attach (PortholeMcpStream *self,
                            PortholeRequest   *req,
                            const char        *last_event_id)
{
  g_autoptr(PortholeEventStream) connection = NULL;
  guint number;
  guint64 after = 0;

  g_return_val_if_fail (PORTHOLE_IS_MCP_STREAM (self), FALSE);

  connection = porthole_event_stream_new (req, KERNEL_BYTES);
  if (connection == NULL)
    return FALSE;

  if (self->connection != NULL)
    {
      g_clear_signal_handler (&self->closed_id, self->connection);
      porthole_event_stream_close (self->connection);
      g_clear_object (&self->connection);
    }
  self->connection = g_steal_pointer (&connection);
  self->closed_id = g_signal_connect_swapped (self->connection, "closed", G_CALLBACK (on_connection_closed), self);

  /* The priming event: the client may reconnect with its id, even
   * before anything else was said. */
  if ((self->flags & PORTHOLE_MCP_STREAM_FLAGS_PRIMING) && !self->primed)
    {
      g_autofree char *id = g_strdup_printf ("%u-0", self->number);

      self->primed = TRUE;
      porthole_event_stream_send (self->connection, id, NULL, "", 0);
    }

  /* What followed the client's last event, or what nobody was given. */
  if (last_event_id == NULL ||
      !porthole_mcp_stream_parse_event_id (last_event_id, &number, &after) ||
      number != self->number)
    after = self->delivered;
  for (GList *l = self->log.head; l != NULL && self->connection != NULL; l = l->next)
    {
      LoggedEvent *event = l->data;

      if (event->seq > after)
        write_event (self, event->seq, event->data);
    }
  trim_log (self);

  if (self->finished)
    {
      clear_connection (self);
      return TRUE;
    }

  if (self->flags & PORTHOLE_MCP_STREAM_FLAGS_KEEPALIVE && self->connection != NULL)
    self->keepalive_id = g_timeout_add_seconds (KEEPALIVE_SECONDS, keepalive_cb, self);

  return TRUE;
}

/**
 * porthole_mcp_stream_detach:
 *
 * Ends the connection, not the stream (no "detached").
 */
void
porthole_mcp_stream_detach (PortholeMcpStream *self)
{
  g_return_if_fail (PORTHOLE_IS_MCP_STREAM (self));

  clear_connection (self);
}

gboolean
porthole_mcp_stream_is_attached (PortholeMcpStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_STREAM (self), FALSE);

  return self->connection != NULL;
}

static void
trim_log (PortholeMcpStream *self)
{
  if (!(self->flags & PORTHOLE_MCP_STREAM_FLAGS_RESUMABLE))
    {
      while (!g_queue_is_empty (&self->log) &&
             ((LoggedEvent *) g_queue_peek_head (&self->log))->seq <= self->delivered)
        {
          LoggedEvent *event = g_queue_pop_head (&self->log);

          self->log_bytes -= g_bytes_get_size (event->data);
          logged_event_free (event);
        }
      return;
    }

  while (self->log.length > MAX_LOG_EVENTS ||
         (self->log_bytes > MAX_LOG_BYTES && self->log.length > 1))
    {
      LoggedEvent *event = g_queue_pop_head (&self->log);

      self->log_bytes -= g_bytes_get_size (event->data);
      logged_event_free (event);
    }
}

/**
 * porthole_mcp_stream_send:
 *
 * Sends @message now if a client is attached, and keeps it for a replay
 * if the stream is resumable.
 *
 * Returns: %FALSE if the stream is finished
 */
gboolean
porthole_mcp_stream_send (PortholeMcpStream *self,
                          JsonObject        *message)
{
  g_autoptr(GBytes) data = NULL;
  LoggedEvent *event;
  gsize length = 0;
  char *text;
  guint64 seq;

  g_return_val_if_fail (PORTHOLE_IS_MCP_STREAM (self), FALSE);

  if (self->finished)
    return FALSE;

  text = porthole_mcp_message_to_string (message, &length);
  /* Kept in the log: its exact size, not its builder's power of two. */
  data = g_bytes_new_take (g_realloc (text, length + 1), length);
  seq = self->next_seq++;

  event = g_new0 (LoggedEvent, 1);
  event->seq = seq;
  event->data = g_bytes_ref (data);
  g_queue_push_tail (&self->log, event);
  self->log_bytes += length;

  write_event (self, seq, data);
  trim_log (self);
  return TRUE;
}

/**
 * porthole_mcp_stream_finish:
 *
 * Nothing more will be sent: the connection ends once what is queued
 * has gone out. The log stays for a client that resumes.
 */
void
porthole_mcp_stream_finish (PortholeMcpStream *self)
{
  g_return_if_fail (PORTHOLE_IS_MCP_STREAM (self));

  if (self->finished)
    return;

  self->finished = TRUE;
  clear_connection (self);
}

gboolean
porthole_mcp_stream_is_finished (PortholeMcpStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_STREAM (self), TRUE);

  return self->finished;
}
