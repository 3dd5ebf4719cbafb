/* porthole-cgroup.c
 *
 * Process groups do not hold a tree together: a child that calls setsid()
 * leaves its group, and a double-forked one leaves its parent too. A cgroup
 * holds every descendant whatever it does. Each run gets one under
 * <our cgroup>/portholed-<pid>-<start ticks>/, in the first of these that
 * is writable:
 *
 *  - cgroup v2 (it may be mounted at /sys/fs/cgroup/unified on hybrid
 *    systems, with no controller at all): children start inside
 *    (CLONE_INTO_CGROUP), and cgroup.kill (Linux 5.14) kills them all
 *    without racing forks (SECURITY.md §6.1);
 *  - the v1 freezer hierarchy: the child moves itself in before exec; a
 *    kill freezes the tree, signals every member and thaws it, so nothing
 *    forks in between;
 *  - the v1 pids hierarchy: as freezer, without the freezing.
 *
 * Without any, runs fall back to their process group and session.
 *
 * The directory's name holds the daemon's identity (pid and start time),
 * so the next daemon can tell a dead owner's trees from a live one's even
 * when the pid is in use again: at start-up it ends the trees of every
 * dead daemon it finds beside its own, and what an earlier image of
 * itself left before re-executing (porthole-restart.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "porthole-cgroup-hierarchy.h"
#include "porthole-cgroup.h"
#include "porthole-procfs.h"

#define OWNER_PREFIX "portholed-"
/* A v1 freeze normally takes microseconds; a tree stuck in the kernel
 * (D state) gets killed unfrozen after this long. */
#define FREEZE_WAIT_USEC (200 * 1000)
/* How long ending a stale tree waits for its last process. */
#define END_WAIT_USEC (2 * G_USEC_PER_SEC)

struct _PortholeCgroup
{
  char *path;
  int dir_fd;
  int procs_fd;
};

typedef enum
{
  KIND_V1,
  KIND_V2,
} Kind;

typedef struct
{
  Kind kind;
  char *base;
} Base;

/* The hierarchies tried, in order of preference: v2, then v1 ones. */
static const char *const controllers[] = { NULL, "freezer", "pids" };

/* Run cgroups whose processes outlived the run (backgrounded children of
 * a synchronous command): removed once empty. */
static GPtrArray *lingering;

static char *
read_member (const char *dir,
             const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents;
}

static gboolean
write_member (const char *dir,
              const char *file,
              const char *value)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  gsize length = strlen (value);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok = fd >= 0 && write (fd, value, length) == (gssize) length;

  if (!ok)
    g_debug ("%s in %s: %s", file, dir, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return ok;
}

static gboolean
has_member (const char *dir,
            const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The processes of @dir and of the cgroups below it. */
static void
collect_pids (const char *dir,
              GArray     *pids)
{
  g_autofree char *procs = read_member (dir, "cgroup.procs");
  g_autoptr(GDir) children = g_dir_open (dir, 0, NULL);
  g_auto(GStrv) lines = NULL;
  const char *name;

  lines = g_strsplit (procs ? procs : "", "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (lines[i], 10, 2, G_MAXINT, &pid, NULL))
        g_array_append_vals (pids, &(int) { pid }, 1);
    }

  while (children && (name = g_dir_read_name (children)))
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect_pids (child, pids);
    }
}

/* Returns how many processes were signalled. */
static guint
signal_tree (const char *dir,
             int         signum)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (int));

  collect_pids (dir, pids);
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, int, i), signum);

  return pids->len;
}

/* v1 freezer: freezing a cgroup freezes those below it too. */
static void
set_frozen (const char *dir,
            gboolean    frozen)
{
  gint64 deadline = g_get_monotonic_time () + FREEZE_WAIT_USEC;

  if (!write_member (dir, "freezer.state", frozen ? "FROZEN" : "THAWED") || !frozen)
    return;

  /* "FREEZING" until every member has stopped. */
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *state = read_member (dir, "freezer.state");

      if (state == NULL || g_str_has_prefix (state, "FROZEN"))
        return;
      g_usleep (1000);
    }
}

/* SIGKILL to every process in and below @dir, forks racing it included;
 * returns how many there were (v1) or 0 when cgroup.kill did it. */
static guint
kill_tree (const char *dir)
{
  gboolean freezer;
  guint n;

  if (has_member (dir, "cgroup.kill"))
    {
      write_member (dir, "cgroup.kill", "1");
      return 0;
    }

  /* Frozen, nothing forks; the killed die once thawed. Unfrozen (pids),
   * a second pass finds what forked during the first. */
  freezer = has_member (dir, "freezer.state");
  if (freezer)
    set_frozen (dir, TRUE);
  n = signal_tree (dir, SIGKILL);
  if (freezer)
    set_frozen (dir, FALSE);
  else if (n > 0)
    signal_tree (dir, SIGKILL);

  return n;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) children = g_dir_open (dir, 0, NULL);
  const char *name;

  while (children && (name = g_dir_read_name (children)))
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
    }
  g_rmdir (dir);
}

static gboolean
is_cgroup_directory (const char *path)
{
  struct statfs fs;

  return statfs (path, &fs) == 0 &&
         (fs.f_type == CGROUP2_SUPER_MAGIC || fs.f_type == CGROUP_SUPER_MAGIC);
}

/**
 * porthole_cgroup_end_tree:
 * @path: a daemon's directory of run cgroups (portholed-*), or one run's
 *
 * Start-up: kills every process in and below @path, waits (up to 2 s)
 * for them to be gone and removes the directories. Only cgroup
 * directories are touched.
 *
 * Returns: how many processes were found
 */
guint
porthole_cgroup_end_tree (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + END_WAIT_USEC;
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (int));
  guint found;

  if (!is_cgroup_directory (path))
    return 0;

  collect_pids (path, pids);
  found = pids->len;
  while (pids->len > 0 && g_get_monotonic_time () < deadline)
    {
      kill_tree (path);
      g_usleep (10000);
      g_array_set_size (pids, 0);
      collect_pids (path, pids);
    }
  if (pids->len > 0)
    g_warning ("%u processes of %s outlived SIGKILL", pids->len, path);

  remove_tree (path);
  return found;
}

/* The trees of daemons that are gone, and those of an earlier image of
 * this one (porthole-restart.c re-executes with the same pid and start
 * time), in @parent. */
static void
end_stale (const char *parent,
           const char *identity)
{
  g_autoptr(GDir) dir = g_dir_open (parent, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      const char *owner = name + strlen (OWNER_PREFIX);
      g_autofree char *path = NULL;
      guint64 pid;
      guint found;

      if (!g_str_has_prefix (name, OWNER_PREFIX))
        continue;
      if (!g_str_equal (owner, identity))
        {
          /* Named by pid only (older daemons): gone if the pid is. */
          if (g_ascii_string_to_unsigned (owner, 10, 1, G_MAXINT, &pid, NULL))
            {
              if (kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
                continue;
            }
          else if (porthole_procfs_identity_is_alive (owner))
            continue;
        }

      path = g_build_filename (parent, name, NULL);
      found = porthole_cgroup_end_tree (path);
      if (found > 0)
        g_message ("Ended %u processes left in %s by a daemon that is gone", found, path);
    }
}

/* Our own cgroup in the v2 tree (@controller NULL) or a v1 hierarchy. */
static char *
find_own_dir (const char *controller)
{
  g_auto(PortholeCgroupHierarchy) hierarchy = { 0 };

  if (!porthole_cgroup_hierarchy_find_own (&hierarchy, controller))
    return NULL;
  return porthole_cgroup_hierarchy_own_dir (&hierarchy);
}

/* Our directory of run cgroups in that hierarchy, if it can hold them. */
static Base *
try_base (const char *controller,
          const char *identity)
{
  g_autofree char *own = find_own_dir (controller);
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  Base *base;

  if (own == NULL)
    return NULL;

  name = g_strconcat (OWNER_PREFIX, identity, NULL);
  dir = g_build_filename (own, name, NULL);
  if (g_mkdir (dir, 0755) != 0 && errno != EEXIST)
    return NULL;

  /* v2 without cgroup.kill (before 5.14) cannot kill a tree for sure. */
  if ((controller == NULL && !has_member (dir, "cgroup.kill")) || !has_member (dir, "cgroup.procs"))
    {
      g_rmdir (dir);
      return NULL;
    }

  base = g_new0 (Base, 1);
  base->kind = controller == NULL ? KIND_V2 : KIND_V1;
  base->base = g_steal_pointer (&dir);
  return base;
}

/* Where run cgroups go, or NULL when they cannot be made. The first use
 * also ends what dead daemons left. PORTHOLE_CGROUP=v2, v1, freezer, pids
 * or none limits the choice (for tests of each way). */
static const Base *
get_base (void)
{
  static gsize initialized;
  static Base *base;

  if (g_once_init_enter (&initialized))
    {
      const char *wanted = g_getenv ("PORTHOLE_CGROUP");
      g_autofree char *identity = porthole_procfs_identity (getpid ());

      /* Whichever a dead daemon used. */
      for (guint i = 0; identity != NULL && i < G_N_ELEMENTS (controllers); i++)
        {
          g_autofree char *own = find_own_dir (controllers[i]);

          if (own != NULL)
            end_stale (own, identity);
        }

      for (guint i = 0; identity != NULL && base == NULL && i < G_N_ELEMENTS (controllers); i++)
        {
          if (wanted == NULL || g_str_equal (wanted, controllers[i] ? "v1" : "v2") ||
              g_strcmp0 (wanted, controllers[i]) == 0)
            base = try_base (controllers[i], identity);
        }

      g_debug ("process trees are held by %s", base ? base->base : "sessions (no writable cgroup)");
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
 * porthole_cgroup_get_base:
 *
 * Returns: (nullable): this daemon's directory of run cgroups
 */
const char *
porthole_cgroup_get_base (void)
{
  const Base *base = get_base ();

  return base ? base->base : NULL;
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
  const Base *base = get_base ();

  self->dir_fd = -1;
  self->procs_fd = -1;

  if (base == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "No writable cgroup hierarchy");
      return NULL;
    }

  porthole_cgroup_collect ();

  self->path = g_build_filename (base->base, name, NULL);
  if (g_mkdir (self->path, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot create %s: %s",
                   self->path, g_strerror (errsv));
      g_clear_pointer (&self->path, g_free);
      return NULL;
    }

  procs = g_build_filename (self->path, "cgroup.procs", NULL);
  /* Only v2 can start a child inside (CLONE_INTO_CGROUP). */
  if (base->kind == KIND_V2)
    self->dir_fd = open (self->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  self->procs_fd = open (procs, O_WRONLY | O_CLOEXEC);
  if ((base->kind == KIND_V2 && self->dir_fd < 0) || self->procs_fd < 0)
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
 *   inside it (clone3 CLONE_INTO_CGROUP), or -1 (v1)
 */
int
porthole_cgroup_get_dir_fd (PortholeCgroup *self)
{
  return self->dir_fd;
}

/**
 * porthole_cgroup_get_procs_fd:
 *
 * Returns: a descriptor of cgroup.procs; where the child cannot start
 *   inside, it writes "0" to it between fork and exec to move itself in
 *   before it can fork
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
  signal_tree (self->path, signum);
}

/**
 * porthole_cgroup_kill:
 *
 * SIGKILL to every process in the cgroup, including any forked meanwhile.
 */
void
porthole_cgroup_kill (PortholeCgroup *self)
{
  kill_tree (self->path);
}

/**
 * porthole_cgroup_kill_all:
 *
 * At shutdown: SIGKILL to every process of every run, lingering ones too.
 */
void
porthole_cgroup_kill_all (void)
{
  const Base *base = get_base ();

  if (base != NULL)
    kill_tree (base->base);
}

gboolean
porthole_cgroup_is_populated (PortholeCgroup *self)
{
  g_autofree char *events = read_member (self->path, "cgroup.events");
  g_autofree char *procs = NULL;

  if (events != NULL)
    return strstr (events, "populated 1") != NULL;

  procs = read_member (self->path, "cgroup.procs");
  return procs == NULL || procs[0] != '\0';
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
 * porthole_cgroup_release:
 *
 * At a clean exit, after porthole_cgroup_kill_all(): removes the run
 * cgroups and our directory if they are empty by now (the next daemon
 * removes them otherwise).
 */
void
porthole_cgroup_release (void)
{
  const Base *base = get_base ();
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (base == NULL)
    return;

  dir = g_dir_open (base->base, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (base->base, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_rmdir (path);
    }
  g_rmdir (base->base);
  g_clear_pointer (&lingering, g_ptr_array_unref);
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
