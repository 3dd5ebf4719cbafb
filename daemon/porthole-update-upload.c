/* porthole-update-upload.c
 *
 * The request body of POST /update/upload arrives here chunk by chunk
 * (a PORTHOLE_ROUTE_FLAGS_STREAM_BODY route): the multipart parser hands
 * the `file` part to a temporary file, hashing it on the way, and keeps
 * the short text fields (`version`, `sha256`) in memory. Parts may come
 * in any order (API.md §1.3). Unless kept, the file is removed with the
 * stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "porthole-error.h"
#include "porthole-multipart.h"
#include "porthole-update-upload.h"

#define MAX_FIELD_LENGTH 256

typedef enum
{
  PART_IGNORED,
  PART_FILE,
  PART_FIELD,
} PartKind;

struct _PortholeUpdateUpload
{
  GOutputStream parent_instance;

  PortholeMultipartParser *parser;
  guint64 max_size;

  char *path;
  int fd;
  guint64 size;
  GChecksum *checksum;
  char *sha256;
  gboolean have_file;
  gboolean keep;

  GHashTable *fields;
  PartKind part;
  GString *field_value;
  char *field_name;
};

G_DEFINE_FINAL_TYPE (PortholeUpdateUpload, porthole_update_upload, G_TYPE_OUTPUT_STREAM)

static gboolean
part_begin (gpointer     user_data,
            const char  *name,
            const char  *filename,
            const char  *content_type,
            GError     **error)
{
  PortholeUpdateUpload *self = user_data;

  if (g_strcmp0 (name, "file") == 0)
    {
      if (self->have_file)
        {
          g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                               "More than one 'file' part");
          return FALSE;
        }
      self->have_file = TRUE;
      self->part = PART_FILE;
      return TRUE;
    }

  if (g_strcmp0 (name, "version") == 0 || g_strcmp0 (name, "sha256") == 0)
    {
      self->part = PART_FIELD;
      g_free (self->field_name);
      self->field_name = g_strdup (name);
      g_string_truncate (self->field_value, 0);
      return TRUE;
    }

  self->part = PART_IGNORED;
  return TRUE;
}

static gboolean
part_data (gpointer      user_data,
           const guint8 *data,
           gsize         length,
           GError      **error)
{
  PortholeUpdateUpload *self = user_data;

  switch (self->part)
    {
    case PART_FILE:
      if (self->size + length > self->max_size)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PAYLOAD_TOO_LARGE,
                       "The update is larger than %" G_GUINT64_FORMAT " bytes", self->max_size);
          return FALSE;
        }
      for (gsize written = 0; written < length;)
        {
          gssize n = write (self->fd, data + written, length - written);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              int errsv = errno;

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                           "Cannot write the update: %s", g_strerror (errsv));
              return FALSE;
            }
          written += n;
        }
      g_checksum_update (self->checksum, data, length);
      self->size += length;
      return TRUE;

    case PART_FIELD:
      if (self->field_value->len + length > MAX_FIELD_LENGTH)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Field '%s' is too long", self->field_name);
          return FALSE;
        }
      g_string_append_len (self->field_value, (const char *) data, length);
      return TRUE;

    case PART_IGNORED:
    default:
      return TRUE;
    }
}

static gboolean
part_end (gpointer   user_data,
          GError   **error)
{
  PortholeUpdateUpload *self = user_data;

  if (self->part == PART_FIELD)
    g_hash_table_replace (self->fields, g_strdup (self->field_name),
                          g_strstrip (g_strdup (self->field_value->str)));
  self->part = PART_IGNORED;

  return TRUE;
}

static const PortholeMultipartCallbacks callbacks = {
  part_begin,
  part_data,
  part_end,
};

static gssize
porthole_update_upload_write_fn (GOutputStream  *stream,
                                 const void     *buffer,
                                 gsize           count,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  PortholeUpdateUpload *self = PORTHOLE_UPDATE_UPLOAD (stream);

  if (!porthole_multipart_parser_feed (self->parser, buffer, count, error))
    return -1;

  return count;
}

static gboolean
porthole_update_upload_close_fn (GOutputStream  *stream,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  PortholeUpdateUpload *self = PORTHOLE_UPDATE_UPLOAD (stream);
  gboolean ok;

  ok = porthole_multipart_parser_finish (self->parser, error);

  if (ok && !self->have_file)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                           "Missing required parameter: file");
      ok = FALSE;
    }

  if (ok && fsync (self->fd) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot write the update: %s", g_strerror (errsv));
      ok = FALSE;
    }

  if (ok)
    self->sha256 = g_strdup (g_checksum_get_string (self->checksum));

  return ok;
}

static void
porthole_update_upload_finalize (GObject *object)
{
  PortholeUpdateUpload *self = (PortholeUpdateUpload *)object;

  if (self->fd >= 0)
    close (self->fd);
  if (self->path != NULL && !self->keep)
    g_unlink (self->path);
  g_clear_pointer (&self->parser, porthole_multipart_parser_free);
  g_clear_pointer (&self->checksum, g_checksum_free);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  if (self->field_value != NULL)
    g_string_free (self->field_value, TRUE);
  g_free (self->field_name);
  g_free (self->path);
  g_free (self->sha256);

  G_OBJECT_CLASS (porthole_update_upload_parent_class)->finalize (object);
}

static void
porthole_update_upload_class_init (PortholeUpdateUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = porthole_update_upload_finalize;
  stream_class->write_fn = porthole_update_upload_write_fn;
  stream_class->close_fn = porthole_update_upload_close_fn;
}

static void
porthole_update_upload_init (PortholeUpdateUpload *self)
{
  self->fd = -1;
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->field_value = g_string_new (NULL);
}

/**
 * porthole_update_upload_new:
 * @directory: where the temporary file goes
 * @boundary: the multipart boundary of the request
 * @max_size: the largest accepted `file` part
 */
PortholeUpdateUpload *
porthole_update_upload_new (const char  *directory,
                            const char  *boundary,
                            guint64      max_size,
                            GError     **error)
{
  g_autoptr(PortholeUpdateUpload) self = g_object_new (PORTHOLE_TYPE_UPDATE_UPLOAD, NULL);

  self->max_size = max_size;
  self->parser = porthole_multipart_parser_new (boundary, &callbacks, self, error);
  if (self->parser == NULL)
    return NULL;

  self->path = g_build_filename (directory, "upload-XXXXXX", NULL);
  self->fd = g_mkstemp_full (self->path, O_RDWR | O_CLOEXEC, 0700);
  if (self->fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot create a file in %s: %s", directory, g_strerror (errsv));
      g_clear_pointer (&self->path, g_free);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
porthole_update_upload_get_path (PortholeUpdateUpload *self)
{
  return self->path;
}

guint64
porthole_update_upload_get_size (PortholeUpdateUpload *self)
{
  return self->size;
}

/**
 * porthole_update_upload_get_sha256:
 *
 * Returns: (nullable): the hex SHA-256 of the file, once closed
 */
const char *
porthole_update_upload_get_sha256 (PortholeUpdateUpload *self)
{
  return self->sha256;
}

/**
 * porthole_update_upload_get_field:
 *
 * Returns: (nullable): the text field @name (`version`, `sha256`)
 */
const char *
porthole_update_upload_get_field (PortholeUpdateUpload *self,
                                  const char           *name)
{
  const char *value = g_hash_table_lookup (self->fields, name);

  return value && *value ? value : NULL;
}

/* The file was moved elsewhere: leave it be. */
void
porthole_update_upload_keep_file (PortholeUpdateUpload *self)
{
  self->keep = TRUE;
}
