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
 * The stream also watches each request's header block go by: soup 3.2.3
 * resets a connection whose headers pass 64 KiB without answering. Past
 * the limit given to porthole_connection_stream_expect_request(), no
 * more is handed to soup and "header-too-large" lets the server answer
 * 431 itself. Its Content-Length and Transfer-Encoding are checked on the
 * way too: soup 3.2.3 leaks the request's path for every request whose
 * framing it cannot read (soup-server-message-io-http1.c parse_headers()
 * returns without freeing it), so such a request never reaches soup, and
 * "framing-invalid" lets the server answer 400 itself. The rules are
 * RFC 9112 §6's, a little stricter than soup's: one Content-Length of
 * digits only or one Transfer-Encoding of "chunked" (or soup's
 * "identity"), never both, neither folded over lines. One Host too (RFC
 * 9112 §3.2: two are a 400; soup 3.2.3 joins them with a comma, and a
 * proxy in front may have routed on the other one, CVE-2025-14523).
 * What a read brings
 * past the end of a header block is held back and handed out next, so a
 * pipelined request is measured and checked like the first (soup reads
 * a whole buffer ahead for headers, but exactly a Content-Length body).
 * A chunked body is followed to its end for the same reason (soup reads
 * its lines 128 bytes ahead), in the strict form soup and we agree on:
 * hexadecimal sizes, empty line after each chunk, no trailer fields;
 * anything else is refused like bad framing. And
 * porthole_connection_stream_refuse() ends a connection
 * the server has answered on its own: what the client still sends is
 * read and dropped until it closes (so the answer is not lost to a
 * reset), and soup then sees the connection fail, which it cleans up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-connection-stream.h"

/* What is kept of each header line: enough for any valid framing line. */
#define LINE_KEEP 256
/* The longest chunk size line accepted (soup reads them into 128 bytes). */
#define CHUNK_LINE_MAX 64

typedef enum {
  CHUNK_NONE,
  CHUNK_SIZE,
  CHUNK_DATA,
  CHUNK_DATA_END,
  CHUNK_TRAILER,
} ChunkState;

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
  /* The wake sources (WakeSource) of the sources soup waits on, made
   * ready to wake soup up for the end request. Not references: each
   * holds the stream and leaves this list as it goes. */
  GSList *wakes;
  gsize end_offset;
  gboolean idle;
  gboolean ending;

  /* The header block being read: its size so far and its last bytes. */
  gboolean scanning;
  gsize header_limit;
  gsize header_length;
  guint8 last[2];
  /* The header line being read, and what the block said of framing. */
  char line[LINE_KEEP];
  gsize line_length;
  gboolean line_truncated;
  gboolean seen_request_line;
  gboolean last_was_framing;
  guint n_content_length;
  guint n_transfer_encoding;
  guint n_host;
  gboolean chunked;
  /* Where a chunked body is, once its header block is past. */
  ChunkState chunk_state;
  guint64 chunk_left;
  /* What a read brought past the end of a header block: soup reads
   * ahead for headers, and the next pipelined request must be scanned
   * too, so it waits here and is handed out before the base's bytes. */
  GByteArray *pending;
  /* Input is read and dropped (porthole_connection_stream_refuse()). */
  gboolean discarding;
  /* Not a reference: the stream owns us. */
  struct _PortholeConnectionStream *owner;
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
  for (GSList *l = self->wakes; l != NULL; l = l->next)
    if (!g_source_is_destroyed (l->data))
      g_source_set_ready_time (l->data, 0);
}

/* Part of a request's header block has come, not all of it. */
static gboolean
in_header_block (PortholeConnectionInput *self)
{
  return self->scanning && self->header_length > 0;
}

/* End of file or a failure (ECONNRESET: the client closed with our
 * answer unread) while idle starts the end request; not after part of a
 * request: its bytes and the end request would run together, and soup
 * ends that request itself (see connection_read()). */
static gssize
filter_read (PortholeConnectionInput *self,
             gssize                   n,
             GError                 **local_error,
             void                    *buffer,
             gsize                    count,
             GError                 **error)
{
  if (n <= 0 && self->idle && !self->ending && !in_header_block (self) &&
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

static void header_too_large (struct _PortholeConnectionStream *stream);
static void framing_invalid  (struct _PortholeConnectionStream *stream);

static gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

/* Whether @line (without its end of line) is a header line soup could
 * read the request's framing from. */
static gboolean
line_is_valid (PortholeConnectionInput *self,
               const char              *line,
               gsize                    length)
{
  const char *colon, *value, *end;
  gboolean content_length, transfer_encoding, host;

  if (!self->seen_request_line)
    {
      /* Empty lines before the request line are skipped (RFC 9112 §2.2). */
      self->seen_request_line = length > 0;
      return TRUE;
    }

  /* A continuation (obs-fold) of a framing header would change it. */
  if (length > 0 && is_ows (line[0]))
    return !self->last_was_framing;

  colon = memchr (line, ':', length);
  if (colon == NULL)
    {
      self->last_was_framing = FALSE;
      return TRUE;
    }

  content_length = (colon - line) == strlen ("Content-Length") &&
                   g_ascii_strncasecmp (line, "Content-Length", colon - line) == 0;
  transfer_encoding = (colon - line) == strlen ("Transfer-Encoding") &&
                      g_ascii_strncasecmp (line, "Transfer-Encoding", colon - line) == 0;
  host = (colon - line) == strlen ("Host") && g_ascii_strncasecmp (line, "Host", colon - line) == 0;
  self->last_was_framing = content_length || transfer_encoding || host;
  if (!self->last_was_framing)
    return TRUE;
  if (host)
    return ++self->n_host == 1;
  if (self->line_truncated)
    return FALSE;
  /* Both at once is how requests are smuggled past a proxy (§6.3). */
  if ((content_length && self->n_transfer_encoding > 0) ||
      (transfer_encoding && self->n_content_length > 0))
    return FALSE;

  value = colon + 1;
  end = line + length;
  while (value < end && is_ows (*value))
    value++;
  while (end > value && is_ows (end[-1]))
    end--;

  if (content_length)
    {
      if (++self->n_content_length > 1 || value == end)
        return FALSE;
      for (const char *c = value; c < end; c++)
        if (!g_ascii_isdigit (*c))
          return FALSE;
      return TRUE;
    }

  if (++self->n_transfer_encoding > 1)
    return FALSE;
  self->chunked = (end - value) == strlen ("chunked") && g_ascii_strncasecmp (value, "chunked", end - value) == 0;
  return self->chunked ||
         ((end - value) == strlen ("identity") && g_ascii_strncasecmp (value, "identity", end - value) == 0);
}

/* Framing soup could misread: nothing more goes to soup, and the
 * server answers 400 itself. */
static void
refuse_framing (PortholeConnectionInput *self)
{
  self->scanning = FALSE;
  self->chunk_state = CHUNK_NONE;
  self->discarding = TRUE;
  self->idle = FALSE;
  g_byte_array_set_size (self->pending, 0);
  if (self->owner != NULL)
    framing_invalid (self->owner);
}

/* A chunk size: 1 to 8 hexadecimal digits, then the end or an extension. */
static gboolean
parse_chunk_size (const char *line,
                  gsize       length,
                  guint64    *size)
{
  gsize digits = 0;

  *size = 0;
  while (digits < length && g_ascii_isxdigit (line[digits]))
    *size = *size * 16 + g_ascii_xdigit_value (line[digits++]);

  return digits > 0 && digits <= 8 && (digits == length || line[digits] == ';');
}

/* Follows a chunked body through @n bytes just read; returns how many of
 * them soup may have (0 after a refusal), and keeps back what follows
 * the body. */
static gssize
scan_chunked (PortholeConnectionInput *self,
              const guint8            *data,
              gssize                   n)
{
  for (gssize i = 0; i < n; i++)
    {
      gsize length;
      gboolean valid;

      if (self->chunk_state == CHUNK_DATA)
        {
          guint64 take = MIN (self->chunk_left, (guint64)(n - i));

          self->chunk_left -= take;
          i += take - 1;
          if (self->chunk_left == 0)
            self->chunk_state = CHUNK_DATA_END;
          continue;
        }

      if (data[i] != '\n')
        {
          if (self->line_length >= CHUNK_LINE_MAX)
            goto invalid;
          self->line[self->line_length++] = data[i];
          continue;
        }

      length = self->line_length;
      if (length > 0 && self->line[length - 1] == '\r')
        length--;
      self->line_length = 0;

      switch (self->chunk_state)
        {
        case CHUNK_SIZE:
          valid = parse_chunk_size (self->line, length, &self->chunk_left);
          self->chunk_state = self->chunk_left > 0 ? CHUNK_DATA : CHUNK_TRAILER;
          break;
        case CHUNK_DATA_END:
          valid = length == 0;
          self->chunk_state = CHUNK_SIZE;
          break;
        case CHUNK_TRAILER:
          /* soup reads one line of trailer and takes the body as done. */
          if (length != 0)
            goto invalid;
          self->chunk_state = CHUNK_NONE;
          g_byte_array_prepend (self->pending, data + i + 1, n - i - 1);
          return i + 1;
        case CHUNK_NONE:
        case CHUNK_DATA:
        default:
          g_assert_not_reached ();
        }
      if (!valid)
        goto invalid;
      continue;

    invalid:
      refuse_framing (self);
      return i;
    }

  return n;
}

/* Follows @byte into the current line; at its end, checks it. */
static gboolean
scan_line (PortholeConnectionInput *self,
           guint8                   byte)
{
  gboolean valid;
  gsize length;

  /* soup drops NUL bytes from header lines, which could make one a
   * framing line after it was checked. */
  if (byte == '\0' && self->seen_request_line)
    return FALSE;

  if (byte != '\n')
    {
      if (self->line_length < LINE_KEEP)
        self->line[self->line_length++] = byte;
      else
        self->line_truncated = TRUE;
      return TRUE;
    }

  length = self->line_length;
  if (length > 0 && self->line[length - 1] == '\r' && !self->line_truncated)
    length--;
  valid = line_is_valid (self, self->line, length);
  self->line_length = 0;
  self->line_truncated = FALSE;

  return valid;
}

/* Reads and drops what the client sends; its end (or a failure) is a
 * failure for soup, never an end of file: soup would take a partial
 * header block for a whole one. */
static gssize
discard (PortholeConnectionInput  *self,
         void                     *buffer,
         gsize                     count,
         gboolean                  blocking,
         GCancellable             *cancellable,
         GError                  **error)
{
  /* Bounded per call; the source fires again while there is more. */
  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = g_pollable_stream_read (self->base, buffer, count, blocking, cancellable, &local_error);

      if (n > 0)
        continue;
      if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           "Connection refused by the server");
      return -1;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Still discarding");
  return -1;
}

/* Follows the header block in @n bytes just read; returns how many of
 * them soup may have. The block ends with an empty line, as soup sees it
 * (soup-message-io-data.c: "\n\n" after 2 bytes, "\n\r\n" after 4). */
static gssize
scan_headers (PortholeConnectionInput *self,
              const guint8            *data,
              gssize                   n)
{
  for (gssize i = 0; i < n; i++)
    {
      guint8 byte = data[i];
      gsize at = self->header_length++;

      if (!scan_line (self, byte))
        {
          refuse_framing (self);
          return i;
        }

      if (byte == '\n' &&
          ((self->last[1] == '\n' && at >= 2) ||
           (self->last[1] == '\r' && self->last[0] == '\n' && at >= 4)))
        {
          self->scanning = FALSE;
          if (self->chunked)
            {
              self->chunk_state = CHUNK_SIZE;
              self->line_length = 0;
            }
          g_byte_array_prepend (self->pending, data + i + 1, n - i - 1);
          return i + 1;
        }
      self->last[0] = self->last[1];
      self->last[1] = byte;

      if (self->header_length > self->header_limit)
        {
          self->scanning = FALSE;
          self->discarding = TRUE;
          g_byte_array_set_size (self->pending, 0);
          self->idle = FALSE;
          if (self->owner != NULL)
            header_too_large (self->owner);
          return i;
        }
    }

  return n;
}

static gssize
connection_read (PortholeConnectionInput  *self,
                 void                     *buffer,
                 gsize                     count,
                 gboolean                  blocking,
                 GCancellable             *cancellable,
                 GError                  **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n;

  if (self->ending)
    return take_end_request (self, buffer, count);
  if (self->discarding)
    return discard (self, buffer, count, blocking, cancellable, error);

  if (self->pending->len > 0)
    {
      n = MIN (count, self->pending->len);
      memcpy (buffer, self->pending->data, n);
      g_byte_array_remove_range (self->pending, 0, n);
    }
  else
    {
      n = g_pollable_stream_read (self->base, buffer, count, blocking, cancellable, &local_error);
      n = filter_read (self, n, &local_error, buffer, count, error);
    }
  /* soup takes a header block cut short by the end of the connection
   * for a whole one: its unfinished last line is checked as if it ended
   * here. */
  if (n == 0 && in_header_block (self) && self->line_length > 0 &&
      !scan_line (self, '\n'))
    {
      refuse_framing (self);
      return discard (self, buffer, count, blocking, cancellable, error);
    }

  if (n <= 0 || self->ending)
    return n;

  if (self->scanning)
    n = scan_headers (self, buffer, n);
  else if (self->chunk_state != CHUNK_NONE)
    n = scan_chunked (self, buffer, n);
  else
    return n;
  if (n == 0)
    return discard (self, buffer, count, blocking, cancellable, error);
  return n;
}

static gssize
porthole_connection_input_read (GInputStream  *stream,
                                void          *buffer,
                                gsize          count,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return connection_read (PORTHOLE_CONNECTION_INPUT (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
porthole_connection_input_read_nonblocking (GPollableInputStream  *stream,
                                            void                  *buffer,
                                            gsize                  count,
                                            GError               **error)
{
  return connection_read (PORTHOLE_CONNECTION_INPUT (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
porthole_connection_input_is_readable (GPollableInputStream *stream)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);

  return self->ending || self->pending->len > 0 ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
porthole_connection_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

/* A child of each source soup waits on, ready when begin_end() says so.
 * It replaces a GCancellable, whose source connects to and disconnects
 * from its "cancelled" signal: a closure made and freed for every read
 * soup waits for, some 5 % of what a small request cost. */
typedef struct
{
  GSource source;
  PortholeConnectionInput *input;
} WakeSource;

static gboolean
wake_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  /* Once: the parent, soup's source, is dispatched with it and reads
   * the end request. */
  g_source_set_ready_time (source, -1);
  return G_SOURCE_CONTINUE;
}

static void
wake_finalize (GSource *source)
{
  WakeSource *wake = (WakeSource *) source;

  wake->input->wakes = g_slist_remove (wake->input->wakes, wake);
  g_object_unref (wake->input);
}

static GSourceFuncs wake_funcs = { NULL, NULL, wake_dispatch, wake_finalize, NULL, NULL };

static GSource *
porthole_connection_input_create_source (GPollableInputStream *stream,
                                         GCancellable         *cancellable)
{
  PortholeConnectionInput *self = PORTHOLE_CONNECTION_INPUT (stream);
  g_autoptr(GSource) base = NULL;
  g_autoptr(GSource) wake = NULL;
  GSource *source;

  /* g_pollable_source_new_full() gives @base its dummy callback; a second
   * one would invalidate the first and destroy the source. */
  base = self->ending || self->pending->len > 0
         ? g_timeout_source_new (0)
                      : g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), cancellable);
  source = g_pollable_source_new_full (stream, base, NULL);

  wake = g_source_new (&wake_funcs, sizeof (WakeSource));
  ((WakeSource *) wake)->input = g_object_ref (self);
  g_source_add_child_source (source, wake);
  self->wakes = g_slist_prepend (self->wakes, wake);

  return source;
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

  g_clear_object (&self->base);
  g_clear_pointer (&self->pending, g_byte_array_unref);

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
  self->pending = g_byte_array_new ();
}

/* The stream */

struct _PortholeConnectionStream
{
  GIOStream parent_instance;

  GIOStream *base;
  PortholeConnectionInput *input;
};

enum {
  HEADER_TOO_LARGE,
  FRAMING_INVALID,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeConnectionStream, porthole_connection_stream, G_TYPE_IO_STREAM)

static void
header_too_large (PortholeConnectionStream *self)
{
  g_signal_emit (self, signals[HEADER_TOO_LARGE], 0);
}

static void
framing_invalid (PortholeConnectionStream *self)
{
  g_signal_emit (self, signals[FRAMING_INVALID], 0);
}

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

  if (self->input != NULL)
    self->input->owner = NULL;
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

  /**
   * PortholeConnectionStream::header-too-large:
   *
   * A request's header block went past the limit. Nothing more reaches
   * soup; the handler answers (porthole_connection_stream_refuse()).
   * Emitted from inside soup's read: the handler must not call soup.
   */
  signals[HEADER_TOO_LARGE] =
    g_signal_new ("header-too-large",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeConnectionStream::framing-invalid:
   *
   * A request's Content-Length or Transfer-Encoding cannot be read (or
   * is given twice). Nothing more reaches soup; the handler answers, as
   * for #PortholeConnectionStream::header-too-large.
   */
  signals[FRAMING_INVALID] =
    g_signal_new ("framing-invalid",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
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
  self->input->owner = self;

  return self;
}

/**
 * porthole_connection_stream_expect_request:
 * @header_limit: the largest header block accepted
 *
 * The next bytes start a request (a new connection, or one back to
 * waiting): its header block is measured until its empty line.
 */
void
porthole_connection_stream_expect_request (PortholeConnectionStream *self,
                                           gsize                     header_limit)
{
  self->input->scanning = TRUE;
  self->input->header_limit = header_limit;
  self->input->header_length = 0;
  self->input->last[0] = self->input->last[1] = 0;
  self->input->line_length = 0;
  self->input->line_truncated = FALSE;
  self->input->seen_request_line = FALSE;
  self->input->last_was_framing = FALSE;
  self->input->n_content_length = 0;
  self->input->n_transfer_encoding = 0;
  self->input->n_host = 0;
  self->input->chunked = FALSE;
  self->input->chunk_state = CHUNK_NONE;
}

/**
 * porthole_connection_stream_refuse:
 * @response: (nullable): a whole HTTP response to send first
 *
 * Ends a connection the server answers without soup (over capacity, a
 * header block too large, a request refused before its body): writes
 * @response if the connection takes it now, then reads and drops
 * whatever comes until the connection ends (the caller shuts it down in
 * time), which soup sees as a failure.
 */
void
porthole_connection_stream_refuse (PortholeConnectionStream *self,
                                   GBytes                   *response)
{
  GOutputStream *output = g_io_stream_get_output_stream (self->base);

  self->input->discarding = TRUE;
  self->input->scanning = FALSE;
  self->input->idle = FALSE;
  self->input->chunk_state = CHUNK_NONE;
  g_byte_array_set_size (self->input->pending, 0);

  /* Best effort: a fresh answer fits in the socket buffer; whatever
   * does not is dropped with the connection. */
  if (response != NULL && G_IS_POLLABLE_OUTPUT_STREAM (output))
    g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output),
                                                g_bytes_get_data (response, NULL),
                                                g_bytes_get_size (response), NULL, NULL);
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
