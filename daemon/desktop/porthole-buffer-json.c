/* porthole-buffer-json.c
 *
 * The JS SDK reads some binary answers without `responseType:
 * 'arraybuffer'` and calls Buffer.from(body) (API.md §8.5, §8.6): a
 * JSON {"type":"Buffer","data":[<bytes>]} is what that turns back into
 * the exact bytes. The object must not have "length" or "buffer"
 * members: Node looks at those first.
 *
 * The text is made as the client reads it, from a stream of the bytes,
 * so a recording of many megabytes is never held as JSON in memory.
 * Its length is known in advance from the number of decimal digits of
 * the bytes (counted once), for Content-Length.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "porthole-buffer-json.h"
#include "porthole-json.h"

#define PREFIX "{\"type\":\"Buffer\",\"data\":["
#define CHUNK (16 * 1024)

typedef enum
{
  PHASE_PREFIX,
  PHASE_DATA,
  PHASE_SUFFIX,
  PHASE_DONE,
} Phase;

struct _PortholeBufferJsonStream
{
  GInputStream parent_instance;

  GInputStream *data;
  goffset size;
  goffset consumed;
  goffset length;
  GBytes *suffix;
  Phase phase;

  /* Text made and not read yet */
  GByteArray *pending;
  guint pending_offset;
  guint8 *chunk;
};

G_DEFINE_FINAL_TYPE (PortholeBufferJsonStream, porthole_buffer_json_stream, G_TYPE_INPUT_STREAM)

static inline guint
decimal_width (guint8 byte)
{
  return 1 + (byte >= 10) + (byte >= 100);
}

static void
append_decimal (GByteArray *out,
                guint8      byte)
{
  guint8 digits[3];
  guint n = 0;

  if (byte >= 100)
    digits[n++] = '0' + byte / 100;
  if (byte >= 10)
    digits[n++] = '0' + byte / 10 % 10;
  digits[n++] = '0' + byte % 10;
  g_byte_array_append (out, digits, n);
}

/* Makes the next piece of text; FALSE on a read error. */
static gboolean
refill (PortholeBufferJsonStream  *self,
        GCancellable              *cancellable,
        GError                   **error)
{
  gssize n;

  g_byte_array_set_size (self->pending, 0);
  self->pending_offset = 0;

  switch (self->phase)
    {
    case PHASE_PREFIX:
      g_byte_array_append (self->pending, (const guint8 *) PREFIX, strlen (PREFIX));
      self->phase = PHASE_DATA;
      return TRUE;

    case PHASE_DATA:
      n = g_input_stream_read (self->data, self->chunk, MIN (CHUNK, self->size - self->consumed),
                               cancellable, error);
      if (n < 0)
        return FALSE;
      if (n == 0 && self->consumed < self->size)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                       "The data ended %" G_GOFFSET_FORMAT " bytes early", self->size - self->consumed);
          return FALSE;
        }
      for (gssize i = 0; i < n; i++)
        {
          if (self->consumed + i > 0)
            g_byte_array_append (self->pending, (const guint8 *) ",", 1);
          append_decimal (self->pending, self->chunk[i]);
        }
      self->consumed += n;
      if (self->consumed >= self->size)
        self->phase = PHASE_SUFFIX;
      return TRUE;

    case PHASE_SUFFIX:
      g_byte_array_append (self->pending, g_bytes_get_data (self->suffix, NULL), g_bytes_get_size (self->suffix));
      self->phase = PHASE_DONE;
      return TRUE;

    case PHASE_DONE:
    default:
      return TRUE;
    }
}

static gssize
porthole_buffer_json_stream_read (GInputStream  *stream,
                                  void          *buffer,
                                  gsize          count,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  PortholeBufferJsonStream *self = PORTHOLE_BUFFER_JSON_STREAM (stream);
  gsize written = 0;

  while (written < count)
    {
      gsize available = self->pending->len - self->pending_offset;

      if (available == 0)
        {
          if (self->phase == PHASE_DONE)
            break;
          if (!refill (self, cancellable, error))
            return -1;
          continue;
        }

      available = MIN (available, count - written);
      memcpy ((guint8 *) buffer + written, self->pending->data + self->pending_offset, available);
      self->pending_offset += available;
      written += available;
    }

  return written;
}

static gboolean
porthole_buffer_json_stream_close (GInputStream  *stream,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  PortholeBufferJsonStream *self = PORTHOLE_BUFFER_JSON_STREAM (stream);

  return g_input_stream_close (self->data, cancellable, error);
}

static void
porthole_buffer_json_stream_finalize (GObject *object)
{
  PortholeBufferJsonStream *self = (PortholeBufferJsonStream *)object;

  g_clear_object (&self->data);
  g_clear_pointer (&self->suffix, g_bytes_unref);
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_free (self->chunk);

  G_OBJECT_CLASS (porthole_buffer_json_stream_parent_class)->finalize (object);
}

static void
porthole_buffer_json_stream_class_init (PortholeBufferJsonStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = porthole_buffer_json_stream_finalize;
  stream_class->read_fn = porthole_buffer_json_stream_read;
  stream_class->close_fn = porthole_buffer_json_stream_close;
}

static void
porthole_buffer_json_stream_init (PortholeBufferJsonStream *self)
{
  self->pending = g_byte_array_sized_new (CHUNK * 4);
  self->chunk = g_malloc (CHUNK);
}

/**
 * porthole_buffer_json_stream_new:
 * @data: the bytes, @size of them
 * @digits: their decimal digits, all together
 *   (porthole_buffer_json_count_digits())
 * @members: (nullable): more members, after "data"
 *
 * Returns: (transfer full): a stream of the JSON text
 */
GInputStream *
porthole_buffer_json_stream_new (GInputStream *data,
                                 goffset       size,
                                 goffset       digits,
                                 JsonObject   *members)
{
  PortholeBufferJsonStream *self;
  g_autoptr(GByteArray) suffix = g_byte_array_new ();

  g_return_val_if_fail (G_IS_INPUT_STREAM (data), NULL);
  g_return_val_if_fail (members == NULL || (!json_object_has_member (members, "length") &&
                                            !json_object_has_member (members, "buffer")), NULL);

  g_byte_array_append (suffix, (const guint8 *) "]", 1);
  if (members != NULL && json_object_get_size (members) > 0)
    {
      g_autoptr(GBytes) json = porthole_json_object_to_bytes (members);
      gsize json_size;
      const guint8 *text = g_bytes_get_data (json, &json_size);

      /* Its members, after ours: the text without its opening brace. */
      g_assert (json_size >= 2 && text[0] == '{');
      g_byte_array_append (suffix, (const guint8 *) ",", 1);
      g_byte_array_append (suffix, text + 1, json_size - 1);
    }
  else
    g_byte_array_append (suffix, (const guint8 *) "}", 1);

  self = g_object_new (PORTHOLE_TYPE_BUFFER_JSON_STREAM, NULL);
  self->data = g_object_ref (data);
  self->size = size;
  self->suffix = g_byte_array_free_to_bytes (g_steal_pointer (&suffix));
  self->length = strlen (PREFIX) + digits + MAX (size - 1, 0) + g_bytes_get_size (self->suffix);

  return G_INPUT_STREAM (self);
}

/**
 * porthole_buffer_json_stream_get_length:
 *
 * Returns: the length of the whole text, for Content-Length
 */
goffset
porthole_buffer_json_stream_get_length (PortholeBufferJsonStream *self)
{
  return self->length;
}

goffset
porthole_buffer_json_count_digits (const guint8 *data,
                                   gsize         size)
{
  goffset digits = 0;

  for (gsize i = 0; i < size; i++)
    digits += decimal_width (data[i]);

  return digits;
}

/**
 * porthole_buffer_json_count_fd_digits:
 * @size: bytes to read from @fd, from offset 0
 *
 * porthole_buffer_json_count_digits() of a file; blocks (run it in a
 * thread).
 */
gboolean
porthole_buffer_json_count_fd_digits (int            fd,
                                      goffset        size,
                                      goffset       *digits,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  goffset offset = 0;

  *digits = 0;
  while (offset < size)
    {
      gssize n = pread (fd, buffer, MIN (256 * 1024, size - offset), offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "The file got shorter");
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      *digits += porthole_buffer_json_count_digits (buffer, n);
      offset += n;
    }

  return TRUE;
}
