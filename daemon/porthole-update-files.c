/* porthole-update-files.c
 *
 * What the updater does to files: atomic copies (a temporary file in the
 * destination's directory, fsync, rename(2), fsync of the directory), a
 * streamed SHA-256, the ELF check, and the small JSON records kept next
 * to staged updates and backups.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-update-files.h"

/**
 * porthole_update_set_errno_error:
 * @what: the failed operation, e.g. "read"
 *
 * Sets @error from errno. Returns: %FALSE, for `return` statements
 */
gboolean
porthole_update_set_errno_error (GError     **error,
                                 const char  *what,
                                 const char  *path)
{
  int errsv = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "Cannot %s %s: %s", what, path, g_strerror (errsv));
  return FALSE;
}

static gboolean
fsync_directory (const char  *path,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return porthole_update_set_errno_error (error, "open", dir);
  ok = fsync (fd) == 0 || porthole_update_set_errno_error (error, "sync", dir);
  close (fd);

  return ok;
}

/* Copies @source to @destination through a temporary file in the
 * destination's directory and rename(2): @destination always holds
 * either its old content or all of the new one. */
gboolean
porthole_update_copy_file (const char  *source,
                           const char  *destination,
                           int          mode,
                           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (destination);
  g_autofree char *temp = g_build_filename (dir, ".portholed-update-XXXXXX", NULL);
  char buffer[64 * 1024];
  int in, out;
  gboolean ok = TRUE;

  if ((in = open (source, O_RDONLY | O_CLOEXEC)) < 0)
    return porthole_update_set_errno_error (error, "open", source);
  if ((out = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0700)) < 0)
    {
      close (in);
      return porthole_update_set_errno_error (error, "create a file in", dir);
    }

  while (ok)
    {
      gssize n = read (in, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        ok = porthole_update_set_errno_error (error, "read", source);
      if (n <= 0)
        break;
      for (gssize written = 0; ok && written < n;)
        {
          gssize w = write (out, buffer + written, n - written);

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            ok = porthole_update_set_errno_error (error, "write", temp);
          else
            written += w;
        }
    }

  if (ok && fchmod (out, mode) != 0)
    ok = porthole_update_set_errno_error (error, "change the mode of", temp);
  if (ok && fsync (out) != 0)
    ok = porthole_update_set_errno_error (error, "sync", temp);
  close (in);
  if (close (out) != 0 && ok)
    ok = porthole_update_set_errno_error (error, "write", temp);
  if (ok && rename (temp, destination) != 0)
    ok = porthole_update_set_errno_error (error, "replace", destination);
  if (!ok)
    g_unlink (temp);

  return ok && fsync_directory (destination, error);
}

char *
porthole_update_sha256_file (const char  *path,
                             GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char buffer[64 * 1024];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    {
      porthole_update_set_errno_error (error, "open", path);
      return NULL;
    }

  while ((n = read (fd, buffer, sizeof buffer)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          porthole_update_set_errno_error (error, "read", path);
          close (fd);
          return NULL;
        }
      g_checksum_update (checksum, (const guchar *) buffer, n);
    }
  close (fd);

  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
read_header (const char *path,
             guint8      header[EI_NIDENT + 4])
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    return FALSE;
  n = read (fd, header, EI_NIDENT + 4);
  close (fd);

  return n == EI_NIDENT + 4;
}

/* An ELF executable (or PIE) for the machine the running daemon is
 * built for: same class, byte order, OS ABI and machine. e_type and
 * e_machine sit at the same offsets in 32- and 64-bit headers. */
gboolean
porthole_update_check_elf (const char  *path,
                           GError     **error)
{
  guint8 candidate[EI_NIDENT + 4], running[EI_NIDENT + 4];
  guint16 type;

  if (!read_header (path, candidate) || memcmp (candidate, ELFMAG, SELFMAG) != 0)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "The update is not an ELF executable");
      return FALSE;
    }

  if (!read_header ("/proc/self/exe", running))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                           "Cannot read the running binary's header");
      return FALSE;
    }

  if (candidate[EI_CLASS] != running[EI_CLASS] || candidate[EI_DATA] != running[EI_DATA] ||
      candidate[EI_OSABI] != running[EI_OSABI] ||
      memcmp (candidate + EI_NIDENT + 2, running + EI_NIDENT + 2, 2) != 0)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "The update is an ELF binary for another architecture");
      return FALSE;
    }

  memcpy (&type, candidate + EI_NIDENT, sizeof type);
  type = candidate[EI_DATA] == ELFDATA2MSB ? GUINT16_FROM_BE (type) : GUINT16_FROM_LE (type);
  if (type != ET_EXEC && type != ET_DYN)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "The update is not an executable");
      return FALSE;
    }

  return TRUE;
}

JsonObject *
porthole_update_read_info (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) node = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL) ||
      (node = porthole_json_parse (contents, length, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();

  return json_object_ref (json_node_get_object (node));
}

gboolean
porthole_update_write_info (const char  *path,
                            JsonObject  *info,
                            GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), info);
  gsize length;
  g_autofree char *text = porthole_json_to_string (node, &length);

  return g_file_set_contents_full (path, text, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

const char *
porthole_update_info_string (JsonObject *info,
                             const char *member)
{
  JsonNode *node = json_object_get_member (info, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}
