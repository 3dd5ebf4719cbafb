/* porthole-ws-limit-stream.c
 *
 * libsoup 3.2.3 caps WebSocket frames (max-incoming-payload-size) but not
 * messages: 200 fragments of 1 MiB make one 200 MB message, and a frame
 * over the cap ends the connection without a close frame, which clients
 * see as 1006 (SECURITY.md §4.5, CVE-2025-32049; issue 16 items 3, 4).
 *
 * So soup reads an upgraded connection through this stream, which follows
 * the RFC 6455 frame headers as the bytes go by and adds up the payload
 * of each data message. A data frame that would take its message past
 * the limit never reaches soup, and neither does any data frame after it;
 * the stream drops them as they arrive, without keeping them. Control
 * frames still pass, so the close handshake completes. The owner hears
 * "too-big" (from an idle, never from inside soup's read) and closes with
 * 1009. Soup so holds at most one message of the limit, and every frame
 * it parses is one the stream parsed identically: the stream starts at
 * the first byte after the handshake (it wraps soup's own buffered
 * stream) and never changes a byte it passes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-defer.h"
#include "porthole-ws-limit-stream.h"

#define BUFFER_SIZE (16 * 1024)
/* RFC 6455 §5.5: control frames carry at most this much. */
#define MAX_CONTROL_PAYLOAD 125

typedef enum
{
  FRAME_HEADER,  /* reading a frame header */
  FRAME_PASS,    /* handing the header, then the payload, to soup */
  FRAME_DROP,    /* dropping the payload */
} FrameState;

#define PORTHOLE_TYPE_WS_LIMIT_INPUT (porthole_ws_limit_input_get_type ())
G_DECLARE_FINAL_TYPE (PortholeWsLimitInput, porthole_ws_limit_input, PORTHOLE, WS_LIMIT_INPUT, GInputStream)

struct _PortholeWsLimitInput
{
  GInputStream parent_instance;

  GInputStream *base;
  /* Not a reference: the stream owns us and clears this when it goes. */
  PortholeWsLimitStream *owner;
  guint64 limit;

  guint8 buffer[BUFFER_SIZE];
  gsize start;
  gsize end;

  FrameState state;
  guint8 header[14];
  gsize header_length;
  gsize header_needed;
  gsize header_sent;
  guint64 payload_left;
  /* Payload of the data message in progress. */
  guint64 message_size;
  gboolean overflowed;
};

static void porthole_ws_limit_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortholeWsLimitInput, porthole_ws_limit_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      porthole_ws_limit_input_pollable_init))

struct _PortholeWsLimitStream
{
  GIOStream parent_instance;

  GIOStream *base;
  PortholeWsLimitInput *input;
  guint notify_id;
};

enum {
  TOO_BIG,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeWsLimitStream, porthole_ws_limit_stream, G_TYPE_IO_STREAM)

static void stream_overflowed (PortholeWsLimitStream *self);

/* The input */

static void
frame_begin (PortholeWsLimitInput *self)
{
  const guint8 *h = self->header;
  guint8 opcode = h[0] & 0x0f;
  gboolean control = (opcode & 0x08) != 0;
  guint64 length = h[1] & 0x7f;

  if (length == 126)
    length = (guint64) h[2] << 8 | h[3];
  else if (length == 127)
    {
      length = 0;
      for (guint i = 2; i < 10; i++)
        length = length << 8 | h[i];
    }

  self->payload_left = length;
  self->header_sent = 0;

  if (control)
    {
      /* Soup answers a malformed control frame itself; an oversized one
       * is refused here like a message, before soup buffers it. */
      self->state = length <= MAX_CONTROL_PAYLOAD ? FRAME_PASS : FRAME_DROP;
    }
  else
    {
      /* Opcode 0 continues the message in progress; any other starts one. */
      if (opcode != 0)
        self->message_size = 0;

      if (!self->overflowed && length <= self->limit - self->message_size)
        {
          self->message_size += length;
          self->state = FRAME_PASS;
        }
      else
        self->state = FRAME_DROP;
    }

  if (self->state == FRAME_DROP && !self->overflowed)
    {
      self->overflowed = TRUE;
      if (self->owner != NULL)
        stream_overflowed (self->owner);
    }
}

static void
frame_end (PortholeWsLimitInput *self)
{
  self->state = FRAME_HEADER;
  self->header_length = 0;
  self->header_needed = 2;
}

/* Moves what is buffered along: into @out when it passes, nowhere when
 * it is dropped. Stops when @out is full, or when nothing is buffered
 * and no header is waiting to be handed on. */
static gsize
process (PortholeWsLimitInput *self,
         guint8               *out,
         gsize                 space)
{
  gsize written = 0;

  while (written < space)
    {
      gsize available = self->end - self->start;
      gsize n;

      if (self->state == FRAME_PASS && self->header_sent < self->header_length)
        {
          n = MIN (self->header_length - self->header_sent, space - written);
          memcpy (out + written, self->header + self->header_sent, n);
          self->header_sent += n;
          written += n;
        }
      else if (self->state != FRAME_HEADER && self->payload_left == 0)
        frame_end (self);
      else if (available == 0)
        break;
      else if (self->state == FRAME_HEADER)
        {
          self->header[self->header_length++] = self->buffer[self->start++];
          if (self->header_length == 2)
            {
              guint8 length = self->header[1] & 0x7f;

              self->header_needed = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) +
                                    ((self->header[1] & 0x80) ? 4 : 0);
            }
          if (self->header_length == self->header_needed)
            frame_begin (self);
        }
      else if (self->state == FRAME_PASS)
        {
          n = MIN (MIN (available, space - written), self->payload_left);
          memcpy (out + written, self->buffer + self->start, n);
          self->start += n;
          self->payload_left -= n;
          written += n;
        }
      else
        {
          n = MIN (available, self->payload_left);
          self->start += n;
          self->payload_left -= n;
        }
    }

  return written;
}

static gssize
limit_read (PortholeWsLimitInput  *self,
            void                  *buffer,
            gsize                  count,
            gboolean               blocking,
            GCancellable          *cancellable,
            GError               **error)
{
  gsize produced = 0;

  if (count == 0)
    return 0;

  for (;;)
    {
      gssize n;

      produced += process (self, (guint8 *) buffer + produced, count - produced);
      if (produced > 0)
        return produced;

      /* Everything buffered was dropped (or nothing was there). */
      n = g_pollable_stream_read (self->base, self->buffer, sizeof self->buffer,
                                  blocking, cancellable, error);
      if (n <= 0)
        return n;
      self->start = 0;
      self->end = n;
    }
}

static gssize
porthole_ws_limit_input_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return limit_read (PORTHOLE_WS_LIMIT_INPUT (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
porthole_ws_limit_input_read_nonblocking (GPollableInputStream  *stream,
                                          void                  *buffer,
                                          gsize                  count,
                                          GError               **error)
{
  return limit_read (PORTHOLE_WS_LIMIT_INPUT (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
has_pending (PortholeWsLimitInput *self)
{
  return self->start < self->end ||
         (self->state == FRAME_PASS && self->header_sent < self->header_length);
}

static gboolean
porthole_ws_limit_input_is_readable (GPollableInputStream *stream)
{
  PortholeWsLimitInput *self = PORTHOLE_WS_LIMIT_INPUT (stream);

  return has_pending (self) || g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
porthole_ws_limit_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static GSource *
porthole_ws_limit_input_create_source (GPollableInputStream *stream,
                                       GCancellable         *cancellable)
{
  PortholeWsLimitInput *self = PORTHOLE_WS_LIMIT_INPUT (stream);
  g_autoptr(GSource) base = NULL;

  /* Bytes held here are readable now, whatever the socket says. */
  base = has_pending (self) ? g_timeout_source_new (0)
                            : g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (stream, base, cancellable);
}

static gboolean
porthole_ws_limit_input_close (GInputStream  *stream,
                               GCancellable  *cancellable,
                               GError       **error)
{
  /* The base stream closes with the connection (porthole_ws_limit_stream_close). */
  return TRUE;
}

static void
porthole_ws_limit_input_finalize (GObject *object)
{
  PortholeWsLimitInput *self = (PortholeWsLimitInput *)object;

  g_clear_object (&self->base);

  G_OBJECT_CLASS (porthole_ws_limit_input_parent_class)->finalize (object);
}

static void
porthole_ws_limit_input_class_init (PortholeWsLimitInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = porthole_ws_limit_input_finalize;
  input_class->read_fn = porthole_ws_limit_input_read;
  input_class->close_fn = porthole_ws_limit_input_close;
}

static void
porthole_ws_limit_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = porthole_ws_limit_input_can_poll;
  iface->is_readable = porthole_ws_limit_input_is_readable;
  iface->create_source = porthole_ws_limit_input_create_source;
  iface->read_nonblocking = porthole_ws_limit_input_read_nonblocking;
}

static void
porthole_ws_limit_input_init (PortholeWsLimitInput *self)
{
  self->header_needed = 2;
}

/* The stream */

static gboolean
notify_cb (gpointer user_data)
{
  PortholeWsLimitStream *self = user_data;

  self->notify_id = 0;
  g_signal_emit (self, signals[TOO_BIG], 0);

  return G_SOURCE_REMOVE;
}

static void
stream_overflowed (PortholeWsLimitStream *self)
{
  /* Soup is in the middle of a read: tell the owner once it is done. */
  if (self->notify_id == 0)
    self->notify_id = porthole_defer (notify_cb, self);
}

static GInputStream *
porthole_ws_limit_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (PORTHOLE_WS_LIMIT_STREAM (stream)->input);
}

static GOutputStream *
porthole_ws_limit_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (PORTHOLE_WS_LIMIT_STREAM (stream)->base);
}

static gboolean
porthole_ws_limit_stream_close (GIOStream     *stream,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return g_io_stream_close (PORTHOLE_WS_LIMIT_STREAM (stream)->base, cancellable, error);
}

static void
base_closed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* As the base closes, not in a thread as GIOStream would by default. */
static void
porthole_ws_limit_stream_close_async (GIOStream           *stream,
                                      int                  io_priority,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, porthole_ws_limit_stream_close_async);
  g_io_stream_close_async (PORTHOLE_WS_LIMIT_STREAM (stream)->base, io_priority, cancellable,
                           base_closed_cb, task);
}

static gboolean
porthole_ws_limit_stream_close_finish (GIOStream     *stream,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
porthole_ws_limit_stream_dispose (GObject *object)
{
  PortholeWsLimitStream *self = (PortholeWsLimitStream *)object;

  g_clear_handle_id (&self->notify_id, g_source_remove);
  if (self->input != NULL)
    self->input->owner = NULL;

  G_OBJECT_CLASS (porthole_ws_limit_stream_parent_class)->dispose (object);
}

static void
porthole_ws_limit_stream_finalize (GObject *object)
{
  PortholeWsLimitStream *self = (PortholeWsLimitStream *)object;

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (porthole_ws_limit_stream_parent_class)->finalize (object);
}

static void
porthole_ws_limit_stream_class_init (PortholeWsLimitStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = porthole_ws_limit_stream_dispose;
  object_class->finalize = porthole_ws_limit_stream_finalize;
  stream_class->get_input_stream = porthole_ws_limit_stream_get_input_stream;
  stream_class->get_output_stream = porthole_ws_limit_stream_get_output_stream;
  stream_class->close_fn = porthole_ws_limit_stream_close;
  stream_class->close_async = porthole_ws_limit_stream_close_async;
  stream_class->close_finish = porthole_ws_limit_stream_close_finish;

  /**
   * PortholeWsLimitStream::too-big:
   *
   * A message went past the limit; its frames, and every data frame
   * after them, are dropped. The owner closes with 1009.
   */
  signals[TOO_BIG] =
    g_signal_new ("too-big",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_ws_limit_stream_init (PortholeWsLimitStream *self)
{
}

/**
 * porthole_ws_limit_stream_new:
 * @base: the upgraded connection, as stolen from soup (its buffered
 *   stream, so no byte after the handshake is missed)
 * @max_message_size: the most payload one data message may carry
 */
PortholeWsLimitStream *
porthole_ws_limit_stream_new (GIOStream *base,
                              guint64    max_message_size)
{
  PortholeWsLimitStream *self = g_object_new (PORTHOLE_TYPE_WS_LIMIT_STREAM, NULL);
  GInputStream *input = g_io_stream_get_input_stream (base);

  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (input), NULL);

  self->base = g_object_ref (base);
  self->input = g_object_new (PORTHOLE_TYPE_WS_LIMIT_INPUT, NULL);
  self->input->base = g_object_ref (input);
  self->input->owner = self;
  self->input->limit = max_message_size;

  return self;
}
