/* porthole-cgroup.c
 *
 * Process groups do not hold a tree together: a child that calls setsid()
 * leaves its group, and a double-forked one leaves its parent too. A cgroup
 * holds every descendant whatever it does, and cgroup.kill (Linux 5.14)
 * kills them all without racing forks (SECURITY.md §6.1). Each run gets
 * one under <our v2 cgroup>/portholed-<pid>/; where no writable cgroup v2
 * hierarchy exists (it may be mounted at /sys/fs/cgroup/unified on hybrid
 * systems) runs fall back to their process group and session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "porthole-cgroup.h"

struct _PortholeCgroup
{
  char *path;
  int dir_fd;
  int procs_fd;
};

/* Run cgroups whose processes outlived the run (backgrounded children of
 * a synchronous command): removed once empty. */
static GPtrArray *lingering;

static char *
find_v2_mount (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (fields);

      /* ... mount-point ... - fstype source options */
      for (guint j = 6; j + 1 < n; j++)
        if (g_str_equal (fields[j], "-") && g_str_equal (fields[j + 1], "cgroup2"))
          return g_strdup (fields[4]);
    }

  return NULL;
}

static char *
find_own_v2_path (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/cgroup", &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "0::"))
      return g_strdup (lines[i] + 3);

  return NULL;
}

/* Run cgroups left by a daemon that died without cleaning up: removed
 * when empty; populated ones are left alone. */
static void
remove_stale (const char *parent)
{
  g_autoptr(GDir) dir = g_dir_open (parent, 0, NULL);
  g_autofree char *ours = g_strdup_printf ("portholed-%d", getpid ());
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      g_autoptr(GDir) runs = NULL;
      const char *run;

      guint64 pid;

      if (!g_str_has_prefix (name, "portholed-") || g_str_equal (name, ours))
        continue;
      /* Only those of daemons that are gone: others are in use. */
      if (!g_ascii_string_to_unsigned (name + strlen ("portholed-"), 10, 1, G_MAXINT, &pid, NULL) ||
          kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      path = g_build_filename (parent, name, NULL);
      runs = g_dir_open (path, 0, NULL);
      while (runs && (run = g_dir_read_name (runs)))
        {
          g_autofree char *run_path = g_build_filename (path, run, NULL);

          if (g_str_has_prefix (run, "run-"))
            g_rmdir (run_path);
        }
      g_rmdir (path);
    }
}

/* The directory all run cgroups go in, or NULL when unusable. */
static const char *
get_base (void)
{
  static gsize initialized;
  static char *base;

  if (g_once_init_enter (&initialized))
    {
      g_autofree char *mount = find_v2_mount ();
      g_autofree char *own = find_own_v2_path ();
      g_autofree char *dir = NULL;
      g_autofree char *kill_file = NULL;

      if (mount != NULL && own != NULL)
        {
          g_autofree char *name = g_strdup_printf ("portholed-%d", getpid ());
          g_autofree char *parent = g_build_filename (mount, own, NULL);

          remove_stale (parent);
          dir = g_build_filename (parent, name, NULL);
          kill_file = g_build_filename (dir, "cgroup.kill", NULL);
          if ((g_mkdir (dir, 0755) == 0 || errno == EEXIST) &&
              g_file_test (kill_file, G_FILE_TEST_EXISTS))
            base = g_steal_pointer (&dir);
          else if (dir != NULL)
            g_rmdir (dir);
        }

      g_debug ("process trees are held by %s", base ? base : "process groups (no cgroup v2)");
      g_once_init_leave (&initialized, 1);
    }

  return base;
}

gboolean
porthole_cgroup_is_supported (void)
{
  return get_base () != NULL;
}

/**
 * porthole_cgroup_new:
 * @name: unique among live runs
 *
 * Returns: (transfer full) (nullable): a new empty cgroup, or %NULL
 */
PortholeCgroup *
porthole_cgroup_new (const char  *name,
                     GError     **error)
{
  g_autoptr(PortholeCgroup) self = g_new0 (PortholeCgroup, 1);
  g_autofree char *procs = NULL;
  const char *base = get_base ();

  self->dir_fd = -1;
  self->procs_fd = -1;

  if (base == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "No writable cgroup v2 hierarchy");
      return NULL;
    }

  porthole_cgroup_collect ();

  self->path = g_build_filename (base, name, NULL);
  if (g_mkdir (self->path, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot create %s: %s",
                   self->path, g_strerror (errsv));
      g_clear_pointer (&self->path, g_free);
      return NULL;
    }

  procs = g_build_filename (self->path, "cgroup.procs", NULL);
  self->dir_fd = open (self->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  self->procs_fd = open (procs, O_WRONLY | O_CLOEXEC);
  if (self->dir_fd < 0 || self->procs_fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot open %s: %s",
                   procs, g_strerror (errsv));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * porthole_cgroup_get_dir_fd:
 *
 * Returns: a descriptor of the cgroup's directory, to start a child
 *   inside it (clone3 CLONE_INTO_CGROUP)
 */
int
porthole_cgroup_get_dir_fd (PortholeCgroup *self)
{
  return self->dir_fd;
}

/**
 * porthole_cgroup_get_procs_fd:
 *
 * Returns: a descriptor of cgroup.procs; where clone3 cannot start a child
 *   inside, the child writes "0" to it between fork and exec to move
 *   itself in before it can fork
 */
int
porthole_cgroup_get_procs_fd (PortholeCgroup *self)
{
  return self->procs_fd;
}

/* Once the child is started, the descriptors are of no more use. */
void
porthole_cgroup_close_spawn_fds (PortholeCgroup *self)
{
  if (self->dir_fd >= 0)
    {
      close (self->dir_fd);
      self->dir_fd = -1;
    }
  if (self->procs_fd >= 0)
    {
      close (self->procs_fd);
      self->procs_fd = -1;
    }
}

static char *
read_member (PortholeCgroup *self,
             const char     *file)
{
  g_autofree char *path = g_build_filename (self->path, file, NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents;
}

/**
 * porthole_cgroup_signal:
 *
 * Sends @signum to every process in the cgroup (SIGTERM, so they may
 * clean up; porthole_cgroup_kill() is the race-free SIGKILL).
 */
void
porthole_cgroup_signal (PortholeCgroup *self,
                        int             signum)
{
  g_autofree char *procs = read_member (self, "cgroup.procs");
  g_auto(GStrv) pids = NULL;

  if (procs == NULL)
    return;

  pids = g_strsplit (procs, "\n", -1);
  for (guint i = 0; pids[i]; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (pids[i], 10, 2, G_MAXINT, &pid, NULL))
        kill ((pid_t) pid, signum);
    }
}

static void
write_kill (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "cgroup.kill", NULL);
  int fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd < 0 || write (fd, "1", 1) != 1)
    g_debug ("cgroup.kill in %s: %s", dir, g_strerror (errno));
  if (fd >= 0)
    close (fd);
}

/**
 * porthole_cgroup_kill:
 *
 * SIGKILL to every process in the cgroup, including any forked meanwhile.
 */
void
porthole_cgroup_kill (PortholeCgroup *self)
{
  write_kill (self->path);
}

/**
 * porthole_cgroup_kill_all:
 *
 * At shutdown: SIGKILL to every process of every run, lingering ones too.
 */
void
porthole_cgroup_kill_all (void)
{
  const char *base = get_base ();

  if (base != NULL)
    write_kill (base);
}

gboolean
porthole_cgroup_is_populated (PortholeCgroup *self)
{
  g_autofree char *events = read_member (self, "cgroup.events");

  return events == NULL || strstr (events, "populated 1") != NULL;
}

/**
 * porthole_cgroup_free:
 *
 * Removes the cgroup, now or once its last process has gone.
 */
void
porthole_cgroup_free (PortholeCgroup *self)
{
  if (self == NULL)
    return;

  porthole_cgroup_close_spawn_fds (self);

  if (self->path != NULL && g_rmdir (self->path) != 0 && errno == EBUSY)
    {
      if (lingering == NULL)
        lingering = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (lingering, g_steal_pointer (&self->path));
    }

  g_free (self->path);
  g_free (self);
}

/**
 * porthole_cgroup_collect:
 *
 * Removes the cgroups of earlier runs whose last process has gone.
 */
void
porthole_cgroup_collect (void)
{
  if (lingering == NULL)
    return;

  for (guint i = lingering->len; i > 0; i--)
    if (g_rmdir (g_ptr_array_index (lingering, i - 1)) == 0 || errno != EBUSY)
      g_ptr_array_remove_index_fast (lingering, i - 1);
}
