/* porthole-atomic-file.c
 *
 * Writes go to a temporary file in the destination directory, are
 * fsync()ed, and only then take the target's name (SECURITY.md §7.3):
 * after a crash at any moment the target holds its old content or the
 * new one, never a mix. The temporary file is an unnamed O_TMPFILE where
 * the file system has them, so a crash leaves nothing behind; elsewhere it
 * is a hidden `.porthole-tmp-RUN-XXXX` file, removed at the next start.
 *
 * A new file appears with linkat() (no-clobber, so `overwrite:false`
 * cannot race); an existing one is replaced with renameat(). The mode is
 * set with fchmod(), so it is exactly what was asked, whatever the umask.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-atomic-file.h"
#include "porthole-error.h"
#include "porthole-fs-policy.h"

#define WRITE_BUFFER (256 * 1024)

struct _PortholeAtomicFile
{
  int fd;
  /* Where the temporary file is. */
  int dirfd;
  /* NULL for an O_TMPFILE. */
  char *temp_name;
  char *display;
  guint8 *buffer;
  gsize buffered;
  goffset size;
  gboolean committed;
};

/* Names this daemon's temporary files carry, so the start-up cleaner of
 * a later run can tell leftovers from files in use. */
static void
random_name (char  *out,
             guint  length)
{
  for (guint i = 0; i < length; i++)
    out[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[g_random_int_range (0, 36)];
  out[length] = '\0';
}

static const char *
run_token (void)
{
  static char token[9];
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      random_name (token, 8);
      g_once_init_leave (&initialised, 1);
    }

  return token;
}

static char *
make_temp_name (void)
{
  char suffix[13];

  random_name (suffix, 12);
  return g_strdup_printf (PORTHOLE_ATOMIC_FILE_TEMP_PREFIX "%s-%s", run_token (), suffix);
}

/* Creates an empty hidden file in @dirfd; returns its descriptor. */
static int
create_named (int    dirfd,
              char **name)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *candidate = make_temp_name ();
      int fd = openat (dirfd, candidate, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          *name = g_steal_pointer (&candidate);
          return fd;
        }
      if (errno != EEXIST)
        return -1;
    }

  errno = EEXIST;
  return -1;
}

/**
 * porthole_atomic_file_new:
 * @dirfd: the directory the file will live in (or one on the same file
 *   system); it is duplicated
 * @display: the path errors name
 *
 * Returns: (transfer full) (nullable): an empty temporary file
 */
PortholeAtomicFile *
porthole_atomic_file_new (int          dirfd,
                          const char  *display,
                          GError     **error)
{
  g_autoptr(PortholeAtomicFile) self = g_new0 (PortholeAtomicFile, 1);

  self->fd = -1;
  self->dirfd = -1;
  self->display = g_strdup (display);

  self->fd = openat (dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (self->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    self->fd = create_named (dirfd, &self->temp_name);
  if (self->fd < 0)
    {
      porthole_fs_set_error (error, errno, display);
      return NULL;
    }

  self->dirfd = fcntl (dirfd, F_DUPFD_CLOEXEC, 0);
  if (self->dirfd < 0)
    {
      porthole_fs_set_error (error, errno, display);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         length,
           const char   *display,
           GError      **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          porthole_fs_set_error (error, errno, display);
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

static gboolean
flush (PortholeAtomicFile  *self,
       GError             **error)
{
  gsize length = self->buffered;

  self->buffered = 0;
  return write_all (self->fd, self->buffer, length, self->display, error);
}

/**
 * porthole_atomic_file_write:
 *
 * Appends @data. Small writes are gathered into larger ones.
 */
gboolean
porthole_atomic_file_write (PortholeAtomicFile  *self,
                            const void          *data,
                            gsize                length,
                            GError             **error)
{
  g_return_val_if_fail (!self->committed, FALSE);

  self->size += length;

  if (self->buffered + length > WRITE_BUFFER)
    {
      if (!flush (self, error))
        return FALSE;
      if (length >= WRITE_BUFFER)
        return write_all (self->fd, data, length, self->display, error);
    }

  if (self->buffer == NULL)
    self->buffer = g_malloc (WRITE_BUFFER);
  memcpy (self->buffer + self->buffered, data, length);
  self->buffered += length;

  return TRUE;
}

goffset
porthole_atomic_file_get_size (PortholeAtomicFile *self)
{
  return self->size;
}

/**
 * porthole_atomic_file_get_fd:
 *
 * For a writer that writes (and reads back) by itself, such as the
 * recorder's muxer, instead of porthole_atomic_file_write(): the two
 * must not be mixed.
 *
 * Returns: the temporary file, open for reading and writing
 */
int
porthole_atomic_file_get_fd (PortholeAtomicFile *self)
{
  return self->fd;
}

/* Gives the unnamed file @fd the name @name in @dirfd (no-clobber). */
static int
link_unnamed (int         fd,
              int         dirfd,
              const char *name)
{
  g_autofree char *proc = NULL;

  if (linkat (fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
    return 0;
  /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc link does not. */
  if (errno != ENOENT && errno != EPERM)
    return -1;

  proc = g_strdup_printf ("/proc/self/fd/%d", fd);
  return linkat (AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
}

/* Links the temporary file as @name, no-clobber. */
static int
link_as (PortholeAtomicFile *self,
         int                 dirfd,
         const char         *name)
{
  if (self->temp_name == NULL)
    return link_unnamed (self->fd, dirfd, name);

  if (linkat (self->dirfd, self->temp_name, dirfd, name, 0) != 0)
    return -1;

  unlinkat (self->dirfd, self->temp_name, 0);
  g_clear_pointer (&self->temp_name, g_free);
  return 0;
}

/* Replaces @name with the temporary file. */
static int
replace (PortholeAtomicFile *self,
         int                 dirfd,
         const char         *name)
{
  int errsv;

  if (self->temp_name == NULL)
    {
      /* An unnamed file cannot be renamed: name it first, next to its
       * target. */
      for (guint attempt = 0; ; attempt++)
        {
          g_autofree char *temp = make_temp_name ();

          if (link_unnamed (self->fd, dirfd, temp) == 0)
            {
              if (renameat (dirfd, temp, dirfd, name) == 0)
                return 0;
              errsv = errno;
              unlinkat (dirfd, temp, 0);
              errno = errsv;
              return -1;
            }
          if (errno != EEXIST || attempt >= 100)
            return -1;
        }
    }

  if (renameat (self->dirfd, self->temp_name, dirfd, name) != 0)
    return -1;

  g_clear_pointer (&self->temp_name, g_free);
  return 0;
}

/* The temporary file is on another file system than @dirfd: copy it into
 * a new one there. */
static gboolean
commit_copy (PortholeAtomicFile  *self,
             int                  dirfd,
             const char          *name,
             mode_t               mode,
             gboolean             overwrite,
             const char          *display,
             GError             **error)
{
  g_autoptr(PortholeAtomicFile) copy = porthole_atomic_file_new (dirfd, display, error);
  g_autofree guint8 *buffer = NULL;
  off_t offset = 0;

  if (copy == NULL)
    return FALSE;

  buffer = g_malloc (WRITE_BUFFER);
  for (;;)
    {
      gssize n = pread (self->fd, buffer, WRITE_BUFFER, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          porthole_fs_set_error (error, errno, display);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!porthole_atomic_file_write (copy, buffer, n, error))
        return FALSE;
      offset += n;
    }

  return porthole_atomic_file_commit (copy, dirfd, name, mode, overwrite, display, error);
}

/**
 * porthole_atomic_file_commit:
 * @dirfd: the target's directory
 * @name: the target's name in @dirfd
 * @mode: its permissions, applied exactly
 * @overwrite: replace an existing @name; otherwise that is an error
 *   (%PORTHOLE_ERROR_FILE_ALREADY_EXISTS)
 *
 * Makes the written content @name, durably: fsync of the file, the
 * name change, fsync of the directory.
 */
gboolean
porthole_atomic_file_commit (PortholeAtomicFile  *self,
                             int                  dirfd,
                             const char          *name,
                             mode_t               mode,
                             gboolean             overwrite,
                             const char          *display,
                             GError             **error)
{
  g_return_val_if_fail (!self->committed, FALSE);

  if (!flush (self, error))
    return FALSE;

  if (fchmod (self->fd, mode) != 0 || fsync (self->fd) != 0)
    {
      porthole_fs_set_error (error, errno, display);
      return FALSE;
    }

  if (link_as (self, dirfd, name) != 0)
    {
      if (errno == EXDEV)
        {
          if (!commit_copy (self, dirfd, name, mode, overwrite, display, error))
            return FALSE;
          self->committed = TRUE;
          return TRUE;
        }
      if (errno != EEXIST || !overwrite || replace (self, dirfd, name) != 0)
        {
          porthole_fs_set_error (error, errno, display);
          return FALSE;
        }
    }

  self->committed = TRUE;
  if (fsync (dirfd) != 0)
    g_debug ("fsync of the directory of %s: %s", display, g_strerror (errno));

  return TRUE;
}

void
porthole_atomic_file_free (PortholeAtomicFile *self)
{
  if (self->temp_name != NULL && self->dirfd >= 0)
    unlinkat (self->dirfd, self->temp_name, 0);
  if (self->fd >= 0)
    close (self->fd);
  if (self->dirfd >= 0)
    close (self->dirfd);
  g_free (self->temp_name);
  g_free (self->display);
  g_free (self->buffer);
  g_free (self);
}

static void
clean_directory (int     dirfd,
                 guint  *budget)
{
  g_autofree char *mine = g_strconcat (PORTHOLE_ATOMIC_FILE_TEMP_PREFIX, run_token (), NULL);
  DIR *dir;
  struct dirent *entry;
  int fd = dup (dirfd);

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  while (*budget > 0 && (entry = readdir (dir)) != NULL)
    {
      (*budget)--;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;

      if (entry->d_type == DT_DIR)
        {
          int child = openat (dirfd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

          if (child >= 0)
            {
              clean_directory (child, budget);
              close (child);
            }
        }
      else if (entry->d_type == DT_REG &&
               g_str_has_prefix (entry->d_name, PORTHOLE_ATOMIC_FILE_TEMP_PREFIX) &&
               !g_str_has_prefix (entry->d_name, mine))
        {
          if (unlinkat (dirfd, entry->d_name, 0) == 0)
            g_debug ("Removed a stale temporary file %s", entry->d_name);
        }
    }

  closedir (dir);
}

/**
 * porthole_atomic_file_clean_stale:
 * @top: where to look (the workspace)
 * @max_entries: how many directory entries to look at, at most
 *
 * Removes temporary files a previous run left when it was killed in the
 * middle of a write. Safe to run in a thread.
 */
void
porthole_atomic_file_clean_stale (const char *top,
                                  guint       max_entries)
{
  int fd = open (top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;

  clean_directory (fd, &max_entries);
  close (fd);
}
