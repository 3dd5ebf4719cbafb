/* porthole-multipart-body.c
 *
 * The body of POST /files/upload (API.md §5.7): a `path` text part and
 * a `file` part whose bytes are read from the file's stream as the
 * request goes out. The length is known beforehand (headers + file size
 * + trailer), so the request has a Content-Length and libsoup streams
 * it. Reads run in GIO's worker threads (the default read_async of a
 * stream that is not pollable), one at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-multipart-body.h"

struct _PortholeMultipartBody
{
  GInputStream parent_instance;

  GBytes *head;
  GInputStream *file;
  GBytes *tail;
  goffset file_size;
  goffset file_read;
  /* 0: head, 1: file, 2: tail, 3: done */
  guint part;
  gsize offset;
  char *content_type;
};

G_DEFINE_FINAL_TYPE (PortholeMultipartBody, porthole_multipart_body, G_TYPE_INPUT_STREAM)

static gssize
copy_bytes (GBytes *bytes,
            gsize  *offset,
            void   *buffer,
            gsize   count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize n = MIN (count, size - *offset);

  memcpy (buffer, data + *offset, n);
  *offset += n;
  return n;
}

static gssize
porthole_multipart_body_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  PortholeMultipartBody *self = PORTHOLE_MULTIPART_BODY (stream);

  while (self->part < 3)
    {
      gssize n;

      if (self->part == 1)
        {
          n = g_input_stream_read (self->file, buffer, count, cancellable, error);
          if (n < 0)
            return -1;
          self->file_read += n;
          if (n == 0)
            {
              /* A file that shrank meanwhile would break the length
               * announced: say so rather than send a short body. */
              if (self->file_read != self->file_size)
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "The file changed size while it was sent");
                  return -1;
                }
              self->part++;
              self->offset = 0;
              continue;
            }
          if (self->file_read > self->file_size)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The file changed size while it was sent");
              return -1;
            }
          return n;
        }

      n = copy_bytes (self->part == 0 ? self->head : self->tail, &self->offset, buffer, count);
      if (n > 0)
        return n;
      self->part++;
      self->offset = 0;
    }

  return 0;
}

static gboolean
porthole_multipart_body_close (GInputStream  *stream,
                               GCancellable  *cancellable,
                               GError       **error)
{
  PortholeMultipartBody *self = PORTHOLE_MULTIPART_BODY (stream);

  return g_input_stream_close (self->file, cancellable, error);
}

static void
porthole_multipart_body_finalize (GObject *object)
{
  PortholeMultipartBody *self = (PortholeMultipartBody *)object;

  g_clear_pointer (&self->head, g_bytes_unref);
  g_clear_pointer (&self->tail, g_bytes_unref);
  g_clear_object (&self->file);
  g_free (self->content_type);

  G_OBJECT_CLASS (porthole_multipart_body_parent_class)->finalize (object);
}

static void
porthole_multipart_body_class_init (PortholeMultipartBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = porthole_multipart_body_finalize;
  stream_class->read_fn = porthole_multipart_body_read;
  stream_class->close_fn = porthole_multipart_body_close;
}

static void
porthole_multipart_body_init (PortholeMultipartBody *self)
{
}

/* A header value in quotes: no quote, CR or LF can end it early. */
static char *
quote_value (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (out, "%22");
      else if (*p == '\r' || *p == '\n')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/**
 * porthole_multipart_body_new:
 * @path: the destination, sent as the `path` part
 * @filename: the name sent with the `file` part
 * @file: the file's bytes
 * @file_size: how many bytes @file holds
 */
PortholeMultipartBody *
porthole_multipart_body_new (const char   *path,
                             const char   *filename,
                             GInputStream *file,
                             goffset       file_size)
{
  PortholeMultipartBody *self;
  g_autofree char *boundary = NULL;
  g_autofree char *quoted = NULL;
  char *head;
  char *tail;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (file), NULL);
  g_return_val_if_fail (file_size >= 0, NULL);

  self = g_object_new (PORTHOLE_TYPE_MULTIPART_BODY, NULL);
  boundary = g_strdup_printf ("porthole-%08x%08x%08x", g_random_int (), g_random_int (), g_random_int ());
  quoted = quote_value (filename);
  head = g_strdup_printf ("--%s\r\n"
                          "Content-Disposition: form-data; name=\"path\"\r\n\r\n"
                          "%s\r\n"
                          "--%s\r\n"
                          "Content-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                          "Content-Type: application/octet-stream\r\n\r\n",
                          boundary, path, boundary, quoted);
  tail = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  self->head = g_bytes_new_take (head, strlen (head));
  self->tail = g_bytes_new_take (tail, strlen (tail));
  self->file = g_object_ref (file);
  self->file_size = file_size;
  self->content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);

  return self;
}

/**
 * porthole_multipart_body_get_length:
 *
 * Returns: the whole body's length in bytes
 */
goffset
porthole_multipart_body_get_length (PortholeMultipartBody *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MULTIPART_BODY (self), 0);

  return g_bytes_get_size (self->head) + self->file_size + g_bytes_get_size (self->tail);
}

const char *
porthole_multipart_body_get_content_type (PortholeMultipartBody *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MULTIPART_BODY (self), NULL);

  return self->content_type;
}
