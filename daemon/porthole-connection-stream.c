/* porthole-connection-stream.c
 *
 * libsoup 3.2.3 never drops a kept-alive connection that ends between
 * requests (the client closes it, or we do on the idle deadline): the
 * message waiting for the next request has nobody to tell that it failed,
 * so the connection, its socket and its objects leak (fixed upstream in
 * 3.3.0, commit d20c6601). A message that has started, on the other hand,
 * is always cleaned up.
 *
 * So soup reads through this stream. While the connection is idle, end of
 * file from the client (or porthole_connection_stream_end_if_idle()) is
 * turned into one synthetic request carrying "Connection: close" and
 * PORTHOLE_CONNECTION_CLOSE_HEADER; the server answers it without running
 * anything, soup finishes that message normally and drops the connection.
 * Writes go straight to the real stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-connection-stream.h"

static const char end_request[] =
  "GET / HTTP/1.1\r\n"
  "Host: localhost\r\n"
  "Connection: close\r\n"
  PORTHOLE_CONNECTION_CLOSE_HEADER ": 1\r\n"
  "\r\n";

#define PORTHOLE_TYPE_CONNECTION_INPUT (porthole_connection_input_get_type ())
G_DECLARE_FINAL_TYPE (PortholeConnectionInput, porthole_connection_input, PORTHOLE, CONNECTION_INPUT, GInputStream)

struct _PortholeConnectionInput
{
  GInputStream parent_instance;

  GInputStream *base;
  /* Part of every source soup waits on: cancelled to wake soup up for
   * the end request. */
  GCancellable *wake;
  gsize end_offset;
  gboolean idle;
  gboolean ending;
};

static void porthole_connection_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortholeConnectionInput, porthole_connection_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      porthole_connection_input_pollable_init))

static gssize
take_end_request (PortholeConnectionInput *self,
                  void                    *buffer,
                  gsize                    count)
{
  gsize left = sizeof end_request - 1 - self->end_offset;
  gsize n = MIN (count, left);

  memcpy (buffer, end_request + self->end_offset, n);
  self->end_offset += n;
  return n;
}

static void
begin_end (PortholeConnectionInput *self)
{
  self->ending = TRUE;
  g_cancellable_cancel (self->wake);
}

/* End of file or a failure (ECONNRESET: the client closed with our
 * answer unread) while idle starts the end request. */
static gssize
filter_read (PortholeConnectionInput *self,
             gssize                   n,
             GError                 **local_error,
             void                    *buffer,
             gsize                    count,
             GError                 **error)
{
  if (n <= 0 && self->idle && !self->ending &&
      !g_error_matches (*local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_clear_error (local_error);
      self->ending = TRUE;
      return take_end_request (self, buffer, count);
    }

  if (*local_error != NULL)
    g_propagate_error (error, g_steal_pointer (local_error));
  return n;
}

static gssize
porthole_connection_input_read (GInputStream  *stream,
                                void          *buffer,
                                gsize          count,
                                GCancellable  *cancellable,
                                GError       **error)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);
  g_autoptr(GError) local_error = NULL;
  gssize n;

  if (self->ending)
    return take_end_request (self, buffer, count);

  n = g_input_stream_read (self->base, buffer, count, cancellable, &local_error);
  return filter_read (self, n, &local_error, buffer, count, error);
}

static gssize
porthole_connection_input_read_nonblocking (GPollableInputStream  *stream,
                                            void                  *buffer,
                                            gsize                  count,
                                            GError               **error)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);
  g_autoptr(GError) local_error = NULL;
  gssize n;

  if (self->ending)
    return take_end_request (self, buffer, count);

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                buffer, count, NULL, &local_error);
  return filter_read (self, n, &local_error, buffer, count, error);
}

static gboolean
porthole_connection_input_is_readable (GPollableInputStream *stream)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);

  return self->ending || g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
porthole_connection_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static GSource *
porthole_connection_input_create_source (GPollableInputStream *stream,
                                         GCancellable         *cancellable)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);
  g_autoptr(GSource) base = NULL;

  /* g_pollable_source_new_full() gives @base its dummy callback; a second
   * one would invalidate the first and destroy the source. */
  base = self->ending ? g_timeout_source_new (0)
                      : g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), cancellable);

  return g_pollable_source_new_full (stream, base, self->wake);
}

static gboolean
porthole_connection_input_close (GInputStream  *stream,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);

  return g_input_stream_close (self->base, cancellable, error);
}

static void
porthole_connection_input_finalize (GObject *object)
{
  PortholeConnectionInput *self = (PortholeConnectionInput *)object;

  g_clear_object (&self->wake);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (porthole_connection_input_parent_class)->finalize (object);
}

static void
porthole_connection_input_class_init (PortholeConnectionInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = porthole_connection_input_finalize;
  input_class->read_fn = porthole_connection_input_read;
  input_class->close_fn = porthole_connection_input_close;
}

static void
porthole_connection_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = porthole_connection_input_can_poll;
  iface->is_readable = porthole_connection_input_is_readable;
  iface->create_source = porthole_connection_input_create_source;
  iface->read_nonblocking = porthole_connection_input_read_nonblocking;
}

static void
porthole_connection_input_init (PortholeConnectionInput *self)
{
  self->wake = g_cancellable_new ();
}

/* The stream */

struct _PortholeConnectionStream
{
  GIOStream parent_instance;

  GIOStream *base;
  PortholeConnectionInput *input;
};

G_DEFINE_FINAL_TYPE (PortholeConnectionStream, porthole_connection_stream, G_TYPE_IO_STREAM)

static GInputStream *
porthole_connection_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (PORTHOLE_CONNECTION_STREAM (stream)->input);
}

static GOutputStream *
porthole_connection_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (PORTHOLE_CONNECTION_STREAM (stream)->base);
}

static gboolean
porthole_connection_stream_close (GIOStream     *stream,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return g_io_stream_close (PORTHOLE_CONNECTION_STREAM (stream)->base, cancellable, error);
}

static void
porthole_connection_stream_finalize (GObject *object)
{
  PortholeConnectionStream *self = (PortholeConnectionStream *)object;

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (porthole_connection_stream_parent_class)->finalize (object);
}

static void
porthole_connection_stream_class_init (PortholeConnectionStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = porthole_connection_stream_finalize;
  stream_class->get_input_stream = porthole_connection_stream_get_input_stream;
  stream_class->get_output_stream = porthole_connection_stream_get_output_stream;
  stream_class->close_fn = porthole_connection_stream_close;
}

static void
porthole_connection_stream_init (PortholeConnectionStream *self)
{
}

/**
 * porthole_connection_stream_new:
 * @base: the client's stream (a #GSocketConnection or a TLS connection)
 */
PortholeConnectionStream *
porthole_connection_stream_new (GIOStream *base)
{
  PortholeConnectionStream *self = g_object_new (PORTHOLE_TYPE_CONNECTION_STREAM, NULL);

  self->base = g_object_ref (base);
  self->input = g_object_new (PORTHOLE_TYPE_CONNECTION_INPUT, NULL);
  self->input->base = g_object_ref (g_io_stream_get_input_stream (base));

  return self;
}

/**
 * porthole_connection_stream_set_idle:
 * @idle: %TRUE between two requests of a kept-alive connection
 */
void
porthole_connection_stream_set_idle (PortholeConnectionStream *self,
                                     gboolean                  idle)
{
  self->input->idle = idle;
}

/**
 * porthole_connection_stream_end_if_idle:
 *
 * Ends an idle connection through soup (the idle deadline).
 *
 * Returns: %FALSE if the connection is not idle
 */
gboolean
porthole_connection_stream_end_if_idle (PortholeConnectionStream *self)
{
  if (!self->input->idle || self->input->ending)
    return FALSE;

  begin_end (self->input);
  return TRUE;
}

gboolean
porthole_connection_stream_is_ending (PortholeConnectionStream *self)
{
  return self->input->ending;
}
