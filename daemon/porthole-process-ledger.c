/* porthole-process-ledger.c
 *
 * A daemon that crashes takes its direct children along (porthole-spawn.c)
 * but not what they started. Its trees are ended by the next daemon, from
 * what this ledger says, in STATE/process-trees/<pid>-<start ticks>/:
 *
 *  - `cgroup`: the directory of its run cgroups (porthole-cgroup.c), when
 *    it had one: every process below is killed, whatever it did to leave
 *    its session;
 *  - `session-<pid>-<start ticks>`: one per run that got no cgroup, for as
 *    long as the run is live: its session leader, by identity. Every
 *    process of that session that started no earlier is killed, unless
 *    the leader's pid names another process by now (a session keeps its
 *    pid from being reused, so its processes are all gone then). A child
 *    that called setsid() is out of reach this way.
 *
 * A guardian (`portholed guard`, started before the first child, in a
 * session of its own: not at start-up, where loading its libraries would
 * compete with the first requests) holds the read end of a pipe only the daemon
 * writes to: when the daemon dies, however it dies, the guardian acts on
 * its record at once, then exits. It must be a process of its own (a
 * thread dies with the daemon) and an executed image (a forked copy of a
 * threaded process may not allocate).
 *
 * At start-up, the records of every daemon that is gone (and of an
 * earlier image of this very process: a restart re-executes with the
 * same pid and start time) are acted on and removed; a live daemon's
 * are left alone: this covers a guardian that was killed too. A clean
 * stop removes its own (the trees are gone).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "porthole-cgroup.h"
#include "porthole-process-ledger.h"
#include "porthole-procfs.h"
#include "porthole-spawn.h"

#define LEDGER_DIR "process-trees"
#define CGROUP_FILE "cgroup"
#define SESSION_PREFIX "session-"

/* How long a guardian waits, once the pipe is closed, for the daemon to
 * be gone; a daemon still there has re-executed itself (a restart). */
#define GUARD_WAIT_USEC (2 * G_USEC_PER_SEC)

/* Our record, once open; and pid → its session file. */
static char *own_dir;
static GHashTable *sessions;
/* The write end of the guardian's pipe: never written, closed by death. */
static int guard_fd = -1;
static gboolean guard_started;
static gboolean guard_unwanted;
static char *guard_state_dir;

/* SIGKILL to the session @identity led; returns how many there were. */
static guint
end_session (const char *identity)
{
  PortholeProcStat leader;
  guint64 start_ticks;
  guint killed = 0;
  int pid;

  if (!porthole_procfs_parse_identity (identity, &pid, &start_ticks) ||
      (porthole_procfs_read_stat (pid, &leader) && leader.start_ticks != start_ticks))
    return 0;

  /* Twice: what forked during the first pass is found by the second. */
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);

      for (guint i = 0; pids && i < pids->len; i++)
        {
          int candidate = g_array_index (pids, int, i);
          PortholeProcStat stat;

          if (candidate != getpid () && porthole_procfs_read_stat (candidate, &stat) &&
              stat.session == pid && stat.start_ticks >= start_ticks && stat.state != 'Z' &&
              kill (candidate, SIGKILL) == 0 && pass == 0)
            killed++;
        }
    }

  return killed;
}

/* Acts on one daemon's record and removes it. */
static void
end_record (const char *dir)
{
  g_autofree char *cgroup_file = g_build_filename (dir, CGROUP_FILE, NULL);
  g_autofree char *cgroup = NULL;
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;
  guint killed = 0;

  if (g_file_get_contents (cgroup_file, &cgroup, NULL, NULL))
    {
      g_autofree char *base = g_path_get_basename (g_strstrip (cgroup));

      /* porthole-cgroup.c ends what is beside our own cgroup (and made
       * ours again, after a restart); this is for a daemon that ran in
       * another. */
      if (g_path_is_absolute (cgroup) && g_str_has_prefix (base, "portholed-") &&
          g_strcmp0 (cgroup, porthole_cgroup_get_base ()) != 0)
        killed += porthole_cgroup_end_tree (cgroup);
    }

  while (entries && (name = g_dir_read_name (entries)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_prefix (name, SESSION_PREFIX))
        killed += end_session (name + strlen (SESSION_PREFIX));
      g_unlink (path);
    }
  g_rmdir (dir);

  if (killed > 0)
    g_message ("Ended %u processes a daemon that is gone left running (%s)", killed, dir);
}

static void
guardian_exited_cb (GPid     pid,
                    int      status,
                    gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_spawn_check_wait_status (status, &error))
    g_warning ("The process guardian ended early (%s): a crash would leave "
               "process trees until the next start", error->message);
  if (guard_fd >= 0)
    close (guard_fd);
  guard_fd = -1;
}

static void
guardian_child_setup (gpointer user_data)
{
  /* Out of the daemon's session and process group: a signal meant for
   * those must not take the guardian along. */
  setsid ();
}

/* Not through porthole-spawn.c: that runner ties children to the
 * daemon's life, and this one must outlive it. */
static void
start_guardian (const char *state_dir,
                const char *identity)
{
  /* The file the link names, unless an update replaced it since: an
   * exec wrapper such as valgrind runs the program as its client, and
   * there /proc/self/exe is the wrapper's own binary. */
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { "/proc/self/exe", "guard", state_dir, identity, NULL };
  g_autoptr(GError) error = NULL;
  int fds[2];
  GPid pid;

  if (exe != NULL && g_path_is_absolute (exe) && !g_str_has_suffix (exe, " (deleted)"))
    argv[0] = exe;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    {
      g_warning ("No process guardian: %s", error->message);
      return;
    }

  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                         guardian_child_setup, NULL,
                                         fds[0], -1, -1, NULL, NULL, 0,
                                         &pid, NULL, NULL, NULL, &error))
    {
      g_warning ("No process guardian: %s", error->message);
      close (fds[0]);
      close (fds[1]);
      return;
    }

  close (fds[0]);
  guard_fd = fds[1];
  porthole_spawn_claim (pid);
  g_child_watch_add (pid, guardian_exited_cb, NULL);
}

/**
 * porthole_process_ledger_guard:
 * @state_dir: the daemon's state directory
 * @identity: the daemon's porthole_procfs_identity()
 *
 * The guardian's whole life (`portholed guard`): waits for standard
 * input to close, then, if the daemon is gone, ends what its record
 * names.
 *
 * Returns: an exit status
 */
int
porthole_process_ledger_guard (const char *state_dir,
                               const char *identity)
{
  g_autofree char *dir = NULL;
  gint64 deadline;
  char byte;
  gssize n;

  if (strchr (identity, '/') != NULL || !porthole_procfs_parse_identity (identity, &(int) { 0 }, &(guint64) { 0 }))
    return 2;
  dir = g_build_filename (state_dir, LEDGER_DIR, identity, NULL);

  prctl (PR_SET_NAME, "portholed-guard");
  signal (SIGINT, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  if (chdir ("/") != 0)
    return 1;

  do
    n = read (STDIN_FILENO, &byte, 1);
  while (n > 0 || (n < 0 && errno == EINTR));

  /* The pipe closes as the daemon exits, a moment before it is a zombie. */
  deadline = g_get_monotonic_time () + GUARD_WAIT_USEC;
  while (porthole_procfs_identity_is_alive (identity))
    {
      if (g_get_monotonic_time () > deadline)
        return 0;
      g_usleep (5000);
    }

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    end_record (dir);
  return 0;
}

/**
 * porthole_process_ledger_open:
 * @state_dir: the daemon's state directory
 *
 * At start-up, before the first child: ends what daemons that are gone
 * left running, then keeps a record of this one. Once per process.
 */
void
porthole_process_ledger_open (const char *state_dir)
{
  g_autofree char *root = g_build_filename (state_dir, LEDGER_DIR, NULL);
  g_autofree char *identity = porthole_procfs_identity (getpid ());
  g_autoptr(GDir) records = NULL;
  const char *cgroup_base;
  const char *name;

  if (own_dir != NULL || identity == NULL)
    return;

  /* Ends the trees beside our own cgroup, and makes ours. */
  cgroup_base = porthole_cgroup_get_base ();

  if (g_mkdir_with_parents (root, 0700) != 0)
    {
      g_warning ("Cannot keep a record of process trees in %s: %s", root, g_strerror (errno));
      return;
    }

  records = g_dir_open (root, 0, NULL);
  while (records && (name = g_dir_read_name (records)))
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      /* Our own record is an earlier image's (porthole-restart.c): the
       * children it could not wait for are orphans to the reaper
       * (porthole_spawn_reap_orphans()). */
      if (!g_str_equal (name, identity) && porthole_procfs_identity_is_alive (name))
        continue;
      end_record (path);
    }

  own_dir = g_build_filename (root, identity, NULL);
  sessions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if (g_mkdir (own_dir, 0700) != 0)
    g_warning ("Cannot keep a record of process trees in %s: %s", own_dir, g_strerror (errno));
  else if (cgroup_base != NULL)
    {
      g_autofree char *cgroup_file = g_build_filename (own_dir, CGROUP_FILE, NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (cgroup_file, cgroup_base, -1, &error))
        g_warning ("%s", error->message);
    }

  guard_state_dir = g_strdup (state_dir);
}

/**
 * porthole_process_ledger_set_guardian:
 * @wanted: %FALSE where the runs die with the daemon anyway (it heads
 *   their PID namespace): the guardian's start, an executed image
 *   loading all of the daemon's libraries, would only slow the first
 *   run down
 */
void
porthole_process_ledger_set_guardian (gboolean wanted)
{
  guard_unwanted = !wanted;
}

/**
 * porthole_process_ledger_start_guardian:
 *
 * Before a child is spawned: starts the guardian, once.
 */
void
porthole_process_ledger_start_guardian (void)
{
  g_autofree char *identity = NULL;

  if (guard_started || guard_unwanted || own_dir == NULL || !g_file_test (own_dir, G_FILE_TEST_IS_DIR))
    return;

  guard_started = TRUE;
  identity = g_path_get_basename (own_dir);
  start_guardian (guard_state_dir, identity);
}

/**
 * porthole_process_ledger_add:
 * @pid: a child that leads its own session and has no cgroup
 *
 * Records the run until porthole_process_ledger_remove().
 */
void
porthole_process_ledger_add (GPid pid)
{
  g_autofree char *identity = NULL;
  g_autofree char *name = NULL;
  char *path;
  int fd;

  if (sessions == NULL || (identity = porthole_procfs_identity (pid)) == NULL)
    return;

  name = g_strconcat (SESSION_PREFIX, identity, NULL);
  path = g_build_filename (own_dir, name, NULL);
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_debug ("Cannot record %s: %s", path, g_strerror (errno));
      g_free (path);
      return;
    }
  close (fd);
  g_hash_table_replace (sessions, GINT_TO_POINTER (pid), path);
}

void
porthole_process_ledger_remove (GPid pid)
{
  const char *path;

  if (sessions == NULL || (path = g_hash_table_lookup (sessions, GINT_TO_POINTER (pid))) == NULL)
    return;

  g_unlink (path);
  g_hash_table_remove (sessions, GINT_TO_POINTER (pid));
}

/**
 * porthole_process_ledger_close:
 *
 * A clean stop, every tree ended: the record goes, and the run cgroups
 * that are empty by now.
 */
void
porthole_process_ledger_close (void)
{
  g_autofree char *cgroup_file = NULL;
  GHashTableIter iter;
  gpointer path;

  if (own_dir == NULL)
    return;

  porthole_cgroup_release ();

  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, NULL, &path))
    g_unlink (path);
  g_clear_pointer (&sessions, g_hash_table_unref);

  cgroup_file = g_build_filename (own_dir, CGROUP_FILE, NULL);
  g_unlink (cgroup_file);
  g_rmdir (own_dir);
  g_clear_pointer (&own_dir, g_free);
  g_clear_pointer (&guard_state_dir, g_free);
}
