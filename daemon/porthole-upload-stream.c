/* porthole-upload-stream.c
 *
 * The body of POST /files/upload arrives chunk by chunk (the route
 * streams it, PORTHOLE_ROUTE_FLAGS_STREAM_BODY) into this stream, which
 * parses it as it comes (PortholeMultipartParser) and writes the `file`
 * part straight into a temporary file: a 1 GiB upload costs a few
 * buffers of memory. Clients send the `path` field before the file
 * (httpx) or after it (form-data, API.md §1.3): when the destination is
 * known in time the temporary file is made in its directory; otherwise in
 * the workspace, and it is moved (or, across file systems, copied) once
 * every part has been read. Until then nothing is visible; a failure (out
 * of space) leaves nothing behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-atomic-file.h"
#include "porthole-error.h"
#include "porthole-fs-policy.h"
#include "porthole-multipart.h"
#include "porthole-target-user.h"
#include "porthole-upload-stream.h"

#define UPLOAD_MODE 0644

typedef enum
{
  PART_NONE,
  PART_FILE,
  PART_PATH,
  PART_OTHER,
} PartKind;

struct _PortholeUploadStream
{
  GOutputStream parent_instance;

  PortholeFsPolicy *policy;
  char *workspace;
  PortholeMultipartParser *parser;

  /* The destination as the client gave it: query, else the `path` part. */
  char *query_path;
  GString *path_field;
  char *filename;

  PartKind part;
  gboolean has_file;
  PortholeAtomicFile *file;

  /* The destination, once known. */
  PortholeFsPath destination;
  int destination_dirfd;
};

G_DEFINE_FINAL_TYPE (PortholeUploadStream, porthole_upload_stream, G_TYPE_OUTPUT_STREAM)

static const char *
requested_path (PortholeUploadStream *self)
{
  if (self->query_path != NULL && self->query_path[0] != '\0')
    return self->query_path;
  if (self->path_field != NULL && self->path_field->len > 0)
    return self->path_field->str;

  return NULL;
}

/* A file name from the client, without any directory part. */
static char *
sanitize_filename (const char *filename)
{
  const char *slash;

  if (filename == NULL)
    return NULL;

  slash = strrchr (filename, '/');
  if (slash != NULL)
    filename = slash + 1;
  slash = strrchr (filename, '\\');
  if (slash != NULL)
    filename = slash + 1;

  if (filename[0] == '\0' || g_str_equal (filename, ".") || g_str_equal (filename, ".."))
    return NULL;

  return g_strdup (filename);
}

/* API.md §5.7: no path → the workspace; a path ending in `/` or naming a
 * directory → the uploaded file's name inside it. */
static gboolean
find_destination (PortholeUploadStream  *self,
                  GError               **error)
{
  const char *requested = requested_path (self);
  g_autofree char *target = NULL;
  struct stat st;
  int fd;

  if (self->destination_dirfd >= 0)
    return TRUE;

  if (requested != NULL && !g_str_has_suffix (requested, "/"))
    {
      g_auto(PortholeFsPath) probe = { .root_fd = -1 };

      if (!porthole_fs_policy_resolve (self->policy, requested, &probe, error))
        return FALSE;
      fd = porthole_fs_path_open (self->policy, &probe, O_PATH, 0, NULL);
      if (fd < 0 || fstat (fd, &st) != 0 || !S_ISDIR (st.st_mode))
        target = g_strdup (probe.path);
      if (fd >= 0)
        close (fd);
    }

  if (target == NULL)
    {
      if (self->filename == NULL)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                       "The uploaded file has no name: give a full destination path");
          return FALSE;
        }
      target = g_build_filename (requested ? requested : self->workspace, self->filename, NULL);
    }

  if (!porthole_fs_policy_resolve (self->policy, target, &self->destination, error))
    return FALSE;

  self->destination_dirfd = porthole_fs_path_open_parent (self->policy, &self->destination, TRUE, error);
  if (self->destination_dirfd < 0)
    return FALSE;

  if (fstatat (self->destination_dirfd, porthole_fs_path_get_name (&self->destination), &st,
               AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                   "%s is a directory", self->destination.path);
      return FALSE;
    }

  return TRUE;
}

/* Multipart callbacks */

static gboolean
on_part_begin (gpointer     user_data,
               const char  *name,
               const char  *filename,
               const char  *content_type,
               GError     **error)
{
  PortholeUploadStream *self = user_data;
  int dirfd;

  if (g_strcmp0 (name, "path") == 0)
    {
      self->part = PART_PATH;
      g_string_truncate (self->path_field, 0);
      return TRUE;
    }

  if (g_strcmp0 (name, "file") != 0)
    {
      self->part = PART_OTHER;
      return TRUE;
    }

  if (self->has_file)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Invalid multipart body: more than one `file` part");
      return FALSE;
    }
  self->has_file = TRUE;
  self->part = PART_FILE;
  self->filename = sanitize_filename (filename);

  /* Where the file will go, if already known; else the workspace, which
   * is most likely on the same file system. */
  if (requested_path (self) != NULL)
    {
      if (!find_destination (self, error))
        return FALSE;
      self->file = porthole_atomic_file_new (self->destination_dirfd, self->destination.path, error);
      return self->file != NULL;
    }

  dirfd = open (self->workspace, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      porthole_fs_set_error (error, errno, self->workspace);
      return FALSE;
    }
  self->file = porthole_atomic_file_new (dirfd, self->workspace, error);
  close (dirfd);

  return self->file != NULL;
}

static gboolean
on_part_data (gpointer      user_data,
              const guint8 *data,
              gsize         length,
              GError      **error)
{
  PortholeUploadStream *self = user_data;

  switch (self->part)
    {
    case PART_FILE:
      return porthole_atomic_file_write (self->file, data, length, error);

    case PART_PATH:
      if (self->path_field->len + length >= PATH_MAX)
        {
          g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                               "Invalid path: too long");
          return FALSE;
        }
      g_string_append_len (self->path_field, (const char *) data, length);
      return TRUE;

    case PART_NONE:
    case PART_OTHER:
    default:
      return TRUE;
    }
}

static gboolean
on_part_end (gpointer   user_data,
             GError   **error)
{
  PortholeUploadStream *self = user_data;

  if (self->part == PART_PATH && memchr (self->path_field->str, '\0', self->path_field->len) != NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                           "Invalid path: it contains a NUL byte");
      return FALSE;
    }

  self->part = PART_NONE;
  return TRUE;
}

static const PortholeMultipartCallbacks callbacks = {
  on_part_begin,
  on_part_data,
  on_part_end,
};

/* GOutputStream */

static gssize
porthole_upload_stream_write (GOutputStream  *stream,
                              const void     *buffer,
                              gsize           count,
                              GCancellable   *cancellable,
                              GError        **error)
{
  PortholeUploadStream *self = PORTHOLE_UPLOAD_STREAM (stream);
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* The body arrives outside the route's handler: the temporary file is
   * made, and dropped below, as the user the route acts for. */
  porthole_fs_as_user_begin (&identity);
  if (!porthole_multipart_parser_feed (self->parser, buffer, count, error))
    return -1;

  return count;
}

static gboolean
porthole_upload_stream_close (GOutputStream  *stream,
                              GCancellable   *cancellable,
                              GError        **error)
{
  PortholeUploadStream *self = PORTHOLE_UPLOAD_STREAM (stream);
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* Whatever was not committed goes, and its space with it. */
  porthole_fs_as_user_begin (&identity);
  g_clear_pointer (&self->file, porthole_atomic_file_free);

  return TRUE;
}

static void
porthole_upload_stream_finalize (GObject *object)
{
  PortholeUploadStream *self = (PortholeUploadStream *)object;
  g_auto(PortholeFsIdentity) identity = { 0 };

  porthole_fs_as_user_begin (&identity);
  g_clear_pointer (&self->file, porthole_atomic_file_free);
  g_clear_pointer (&self->parser, porthole_multipart_parser_free);
  g_clear_object (&self->policy);
  g_free (self->workspace);
  g_free (self->query_path);
  g_free (self->filename);
  if (self->path_field != NULL)
    g_string_free (self->path_field, TRUE);
  porthole_fs_path_clear (&self->destination);
  if (self->destination_dirfd >= 0)
    close (self->destination_dirfd);

  G_OBJECT_CLASS (porthole_upload_stream_parent_class)->finalize (object);
}

static void
porthole_upload_stream_class_init (PortholeUploadStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = porthole_upload_stream_finalize;
  stream_class->write_fn = porthole_upload_stream_write;
  stream_class->close_fn = porthole_upload_stream_close;
}

static void
porthole_upload_stream_init (PortholeUploadStream *self)
{
  self->destination.root_fd = -1;
  self->destination_dirfd = -1;
  self->path_field = g_string_new (NULL);
}

/**
 * porthole_upload_stream_new:
 * @boundary: the multipart boundary of the Content-Type
 * @path: (nullable): the destination from the query string
 *
 * Returns: (transfer full) (nullable): a stream for the request body, or
 *   %NULL with a 400-class error for a bad boundary or destination
 */
PortholeUploadStream *
porthole_upload_stream_new (PortholeFsPolicy  *policy,
                            const char        *workspace,
                            const char        *boundary,
                            const char        *path,
                            GError           **error)
{
  g_autoptr(PortholeUploadStream) self = g_object_new (PORTHOLE_TYPE_UPLOAD_STREAM, NULL);

  self->policy = g_object_ref (policy);
  self->workspace = g_strdup (workspace);
  self->query_path = g_strdup (path);
  self->parser = porthole_multipart_parser_new (boundary, &callbacks, self, error);
  if (self->parser == NULL)
    return NULL;

  /* A destination given up front is checked before any byte is stored. */
  if (path != NULL && path[0] != '\0' && !g_str_has_suffix (path, "/"))
    {
      g_auto(PortholeFsPath) probe = { .root_fd = -1 };

      if (!porthole_fs_policy_resolve (policy, path, &probe, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * porthole_upload_stream_finish:
 * @path: (out): where the file is now
 * @filename: (out) (nullable): its name as uploaded
 * @size: (out): its size
 *
 * Called once the whole body has been written: checks the body was a
 * complete multipart message with one `file` part, and moves the file
 * into place.
 */
gboolean
porthole_upload_stream_finish (PortholeUploadStream  *self,
                               char                 **path,
                               char                 **filename,
                               goffset               *size,
                               GError               **error)
{
  g_return_val_if_fail (PORTHOLE_IS_UPLOAD_STREAM (self), FALSE);

  if (!porthole_multipart_parser_finish (self->parser, error))
    return FALSE;

  if (!self->has_file || self->file == NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                           "Missing required parameter: file");
      return FALSE;
    }

  if (!find_destination (self, error) ||
      !porthole_atomic_file_commit (self->file, self->destination_dirfd,
                                    porthole_fs_path_get_name (&self->destination),
                                    UPLOAD_MODE, TRUE, self->destination.path, error))
    return FALSE;

  *size = porthole_atomic_file_get_size (self->file);
  *path = g_strdup (self->destination.path);
  *filename = g_strdup (self->filename);
  g_clear_pointer (&self->file, porthole_atomic_file_free);

  return TRUE;
}

/**
 * porthole_upload_stream_get_destination:
 *
 * For errors about the file: its destination, once known.
 *
 * Returns: (nullable): the destination's path
 */
const char *
porthole_upload_stream_get_destination (PortholeUploadStream *self)
{
  g_return_val_if_fail (PORTHOLE_IS_UPLOAD_STREAM (self), NULL);

  return self->destination_dirfd >= 0 ? self->destination.path : NULL;
}
