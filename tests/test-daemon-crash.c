/* test-daemon-crash.c — nothing outlives a crashed daemon: its children
 * die with it (runs, terminals, kernels, Xvfb and the window manager),
 * its guardian ends the rest of their trees at once, found by cgroup (v2
 * or v1) or by session, and without a guardian the next daemon does;
 * records of others are never acted on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "porthole-cgroup-hierarchy.h"
#include "porthole-procfs.h"
#include "test-utils.h"

typedef struct
{
  const char *cgroup;      /* PORTHOLE_CGROUP for the daemon: v2, v1, pids, none */
  int signum;              /* how it dies */
  gboolean everything;     /* also a terminal, a kernel and the desktop */
  gboolean no_guardian;    /* the guardian is killed first */
} CrashCase;

/* The daemon's children, as /proc has them. */
static GArray *
children_of (GPid parent)
{
  g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);
  GArray *children = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < pids->len; i++)
    {
      PortholeProcStat stat;

      if (porthole_procfs_read_stat (g_array_index (pids, int, i), &stat) &&
          stat.ppid == parent && stat.state != 'Z')
        g_array_append_val (children, stat.pid);
    }

  return children;
}

static int
child_named (GPid        parent,
             const char *comm)
{
  g_autoptr(GArray) children = children_of (parent);

  for (guint i = 0; i < children->len; i++)
    {
      PortholeProcStat stat;

      if (porthole_procfs_read_stat (g_array_index (children, int, i), &stat) && g_str_equal (stat.comm, comm))
        return stat.pid;
    }

  return 0;
}

static gboolean
has_child_named (GPid        parent,
                 const char *comm)
{
  return child_named (parent, comm) > 0;
}

static gboolean
all_gone (GArray *pids)
{
  for (guint i = 0; i < pids->len; i++)
    if (porthole_test_pid_is_running (g_array_index (pids, int, i)))
      return FALSE;

  return TRUE;
}

static PortholeTestDaemon *
start_daemon (const char *tmpdir,
              const char *cgroup,
              gboolean    desktop)
{
  const char *args[] = { desktop ? "--display=auto" : NULL, NULL };
  PortholeTestDaemon *daemon;

  if (cgroup != NULL)
    g_setenv ("PORTHOLE_CGROUP", cgroup, TRUE);
  daemon = porthole_test_daemon_new_full (tmpdir, args, TRUE);
  g_unsetenv ("PORTHOLE_CGROUP");

  return daemon;
}

static gboolean
feature (PortholeTestDaemon *daemon,
         const char         *name)
{
  g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
  JsonObject *features = json_object_get_object_member (health->json, "features");

  return json_object_get_boolean_member_with_default (features, name, FALSE);
}

/* Whether @pid sits in a run cgroup of the kind @cgroup names. */
static gboolean
is_in_run_cgroup (int         pid,
                  const char *cgroup)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cgroup", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      gboolean v2 = g_str_has_prefix (lines[i], "0::");
      gboolean pids = strstr (lines[i], ":pids:") != NULL;

      if (strstr (lines[i], ":/portholed-") != NULL && strstr (lines[i], "/run-") != NULL &&
          v2 == g_str_equal (cgroup, "v2") && (pids || !g_str_equal (cgroup, "pids")))
        return TRUE;
    }

  return FALSE;
}

static void
test_crash (gconstpointer data)
{
  const CrashCase *crash = data;
  g_autofree char *tmpdir = porthole_test_make_tmpdir ();
  g_autofree char *same_pid_file = g_build_filename (tmpdir, "same.pid", NULL);
  g_autofree char *setsid_pid_file = g_build_filename (tmpdir, "setsid.pid", NULL);
  g_autofree char *orphan_pid_file = g_build_filename (tmpdir, "orphan.pid", NULL);
  g_autofree char *body = g_strdup_printf (
    "{\"command\":\"sleep 300 & echo $! > %s; setsid sleep 300 & echo $! > %s; "
    "( setsid sh -c 'sleep 300 & echo $! > %s' & ); sleep 300\"}",
    same_pid_file, setsid_pid_file, orphan_pid_file);
  g_autoptr(PortholeTestDaemon) first = NULL;
  g_autoptr(PortholeTestDaemon) second = NULL;
  g_autoptr(PortholeTestResponse) background = NULL;
  g_autoptr(PortholeTestSocket) terminal = NULL;
  g_autoptr(GArray) children = NULL;
  g_autoptr(GArray) grandchildren = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean by_cgroup = !g_str_equal (crash->cgroup, "none");
  GPid daemon_pid;
  int guardian;
  int run;

  if (crash->everything)
    g_unsetenv ("DISPLAY");
  first = start_daemon (tmpdir, crash->cgroup, crash->everything);
  daemon_pid = porthole_test_daemon_get_pid (first);

  background = porthole_test_request (first, "POST", "/commands/background", NULL, body);
  g_assert_cmpuint (background->status, ==, 200);
  run = json_object_get_int_member (background->json, "pid");
  g_array_append_vals (grandchildren, &(int) { porthole_test_read_pid_file (same_pid_file) }, 1);
  g_array_append_vals (grandchildren, &(int) { porthole_test_read_pid_file (setsid_pid_file) }, 1);
  g_array_append_vals (grandchildren, &(int) { porthole_test_read_pid_file (orphan_pid_file) }, 1);
  /* $! is written before setsid(1) has left the session: wait for it,
   * or a crash right now finds it still in the run's session. */
  PORTHOLE_TEST_WAIT_UNTIL (getsid (g_array_index (grandchildren, int, 1)) == g_array_index (grandchildren, int, 1));

  if (by_cgroup && !is_in_run_cgroup (run, crash->cgroup))
    {
      g_test_skip ("no writable hierarchy of that kind here");
      for (guint i = 0; i < grandchildren->len; i++)
        kill (g_array_index (grandchildren, int, i), SIGKILL);
      return;
    }

  if (crash->everything)
    {
      g_autoptr(PortholeTestResponse) kernel = NULL;

      terminal = porthole_test_socket_open (first, "/terminal", NULL);
      PORTHOLE_TEST_WAIT_UNTIL (has_child_named (daemon_pid, "bash") || terminal->closed);
      if (feature (first, "ipython_kernel"))
        {
          kernel = porthole_test_request (first, "POST", "/execute/ipython", NULL, "{\"code\":\"1 + 1\"}");
          g_assert_cmpuint (kernel->status, ==, 200);
        }
      else
        g_test_message ("no ipykernel: no kernel to crash");
      if (feature (first, "desktop"))
        PORTHOLE_TEST_WAIT_UNTIL (has_child_named (daemon_pid, "Xvfb"));
      else
        g_test_message ("no desktop: no Xvfb to crash");
    }

  children = children_of (daemon_pid);
  for (guint i = 0; i < children->len; i++)
    {
      PortholeProcStat stat;

      if (porthole_procfs_read_stat (g_array_index (children, int, i), &stat))
        g_test_message ("child before the crash: %d %s", stat.pid, stat.comm);
    }
  g_assert_cmpuint (children->len, >=, crash->everything ? 3 : 2);

  /* The guardian, in a session of its own (named once it runs: under
   * ASan its start takes a while). */
  PORTHOLE_TEST_WAIT_UNTIL ((guardian = child_named (daemon_pid, "portholed-guard")) > 0);
  g_assert_cmpint (getsid (guardian), ==, guardian);
  if (crash->no_guardian)
    {
      g_assert_no_errno (kill (guardian, SIGKILL));
      PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (guardian));
    }

  /* The crash: the children go with the daemon... (no core file left) */
  g_assert_no_errno (prlimit (daemon_pid, RLIMIT_CORE, &(struct rlimit) { 0, 0 }, NULL));
  g_assert_no_errno (kill (daemon_pid, crash->signum));
  PORTHOLE_TEST_WAIT_UNTIL (first->exited);
  g_clear_object (&first->process);
  PORTHOLE_TEST_WAIT_UNTIL (all_gone (children));

  if (crash->no_guardian)
    {
      /* ...the rest of the trees until the next daemon starts... */
      for (guint i = 0; i < grandchildren->len; i++)
        g_assert_true (porthole_test_pid_is_running (g_array_index (grandchildren, int, i)));
      second = start_daemon (first->tmpdir, crash->cgroup, FALSE);
    }

  /* ...or at once, through the guardian. A session holds only what
   * stayed in it. */
  if (!by_cgroup)
    {
      PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (g_array_index (grandchildren, int, 0)));
      g_assert_true (porthole_test_pid_is_running (g_array_index (grandchildren, int, 1)));
      kill (g_array_index (grandchildren, int, 1), SIGKILL);
      kill (g_array_index (grandchildren, int, 2), SIGKILL);
    }
  PORTHOLE_TEST_WAIT_UNTIL (all_gone (grandchildren));

  if (second == NULL)
    second = start_daemon (first->tmpdir, crash->cgroup, FALSE);

  /* The restarted daemon runs as usual. */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (second, "POST", "/commands/run", NULL,
                                                               "{\"command\":\"echo fine\"}");

    g_assert_cmpstr (json_object_get_string_member (r->json, "stdout"), ==, "fine\n");
  }

  /* Both share one directory: the second goes first. */
  porthole_test_daemon_free (g_steal_pointer (&second));
}

/* A sleeping child of ours, in a session of its own, reparented to init
 * (GLib's intermediate child), so it is nobody's child but pid 1's. */
static void
new_session (gpointer user_data)
{
  setsid ();
}

static int
spawn_sleeper (void)
{
  const char *argv[] = { "/bin/sleep", "300", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  /* Not on our output: the test's end would wait for it. */
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 new_session, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static char *
identity_with_start (int     pid,
                     guint64 start_ticks)
{
  return g_strdup_printf ("%d-%" G_GUINT64_FORMAT, pid, start_ticks);
}

static char *
make_cgroup (const char *parent,
             const char *owner,
             int         pid)
{
  g_autofree char *name = g_strconcat ("portholed-", owner, NULL);
  char *dir = g_build_filename (parent, name, NULL);
  g_autofree char *run = g_build_filename (dir, "run-1", NULL);
  g_autofree char *procs = g_build_filename (run, "cgroup.procs", NULL);
  g_autofree char *text = g_strdup_printf ("%d", pid);

  int fd;

  g_assert_no_errno (g_mkdir_with_parents (run, 0755));
  /* In place: cgroup files take no rename. */
  fd = open (procs, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, text, strlen (text)), ==, strlen (text));
  close (fd);
  return dir;
}

/* Records name processes by pid and start time: one whose pid now names
 * another process, or whose owner still runs, is left alone. */
static void
test_records_of_others_are_spared (void)
{
  g_autofree char *tmpdir = porthole_test_make_tmpdir ();
  g_autofree char *records = g_build_filename (tmpdir, "state", "process-trees", "2147483000-5", NULL);
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_auto(PortholeCgroupHierarchy) v2 = { 0 };
  g_autofree char *parent = NULL;
  g_autofree char *live_cgroup = NULL;
  g_autofree char *stale_cgroup = NULL;
  PortholeProcStat ours, sleeper_stat;
  int ended = spawn_sleeper ();
  int reused = spawn_sleeper ();
  int in_live_cgroup = -1, in_stale_cgroup = -1;

  /* A record of a daemon that is gone: one session it led, and one whose
   * leader's pid another process has now (other start time). */
  g_assert_no_errno (g_mkdir_with_parents (records, 0700));
  for (guint i = 0; i < 2; i++)
    {
      int pid = i == 0 ? ended : reused;
      g_autofree char *identity = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      g_assert_true (porthole_procfs_read_stat (pid, &sleeper_stat));
      identity = identity_with_start (pid, sleeper_stat.start_ticks + (i == 0 ? 0 : 1));
      name = g_strconcat ("session-", identity, NULL);
      path = g_build_filename (records, name, NULL);
      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }

  /* Run cgroups beside the daemon's: one of a live owner (this test), one
   * of an owner that is gone though its pid is in use (by this test). */
  g_assert_true (porthole_procfs_read_stat (getpid (), &ours));
  if (geteuid () == 0 && porthole_cgroup_hierarchy_find_own (&v2, NULL) &&
      (parent = porthole_cgroup_hierarchy_own_dir (&v2)) != NULL && access (parent, W_OK) == 0)
    {
      g_autofree char *live = identity_with_start (getpid (), ours.start_ticks);
      g_autofree char *gone = identity_with_start (getpid (), ours.start_ticks + 1);

      in_live_cgroup = spawn_sleeper ();
      in_stale_cgroup = spawn_sleeper ();
      live_cgroup = make_cgroup (parent, live, in_live_cgroup);
      stale_cgroup = make_cgroup (parent, gone, in_stale_cgroup);
    }
  else
    g_test_message ("no writable cgroup v2: records only");

  daemon = porthole_test_daemon_new_full (tmpdir, NULL, TRUE);

  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (ended));
  g_assert_false (g_file_test (records, G_FILE_TEST_EXISTS));
  if (stale_cgroup != NULL)
    {
      PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (in_stale_cgroup));
      g_assert_false (g_file_test (stale_cgroup, G_FILE_TEST_EXISTS));
    }

  /* Started before the daemon answered: had it meant to, it would have. */
  g_assert_true (porthole_test_pid_is_running (reused));
  kill (reused, SIGKILL);
  if (live_cgroup != NULL)
    {
      g_autofree char *run = g_build_filename (live_cgroup, "run-1", NULL);

      g_assert_true (porthole_test_pid_is_running (in_live_cgroup));
      kill (in_live_cgroup, SIGKILL);
      PORTHOLE_TEST_WAIT_UNTIL (g_rmdir (run) == 0 || errno != EBUSY);
      g_assert_no_errno (g_rmdir (live_cgroup));
    }
}

int
main (int    argc,
      char **argv)
{
  static const CrashCase v2_kill = { "v2", SIGKILL, TRUE, FALSE };
  static const CrashCase v2_segv = { "v2", SIGSEGV, FALSE, FALSE };
  static const CrashCase v2_alone = { "v2", SIGKILL, FALSE, TRUE };
  static const CrashCase v1_kill = { "v1", SIGKILL, FALSE, FALSE };
  static const CrashCase v1_alone = { "v1", SIGKILL, FALSE, TRUE };
  static const CrashCase pids_kill = { "pids", SIGKILL, FALSE, FALSE };
  static const CrashCase none_kill = { "none", SIGKILL, FALSE, FALSE };
  static const CrashCase none_alone = { "none", SIGKILL, FALSE, TRUE };

  porthole_test_init (&argc, &argv);

  g_test_add_data_func ("/daemon-crash/cgroup-v2/everything", &v2_kill, test_crash);
  g_test_add_data_func ("/daemon-crash/cgroup-v2/segfault", &v2_segv, test_crash);
  g_test_add_data_func ("/daemon-crash/cgroup-v1", &v1_kill, test_crash);
  g_test_add_data_func ("/daemon-crash/cgroup-v1-pids", &pids_kill, test_crash);
  g_test_add_data_func ("/daemon-crash/sessions", &none_kill, test_crash);
  g_test_add_data_func ("/daemon-crash/cgroup-v2/without-guardian", &v2_alone, test_crash);
  g_test_add_data_func ("/daemon-crash/cgroup-v1/without-guardian", &v1_alone, test_crash);
  g_test_add_data_func ("/daemon-crash/sessions/without-guardian", &none_alone, test_crash);
  g_test_add_func ("/daemon-crash/records-of-others-are-spared", test_records_of_others_are_spared);

  return g_test_run ();
}
