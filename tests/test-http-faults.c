/* test-http-faults.c — the daemon under faults of its host (issue 23
 * "Faults", SECURITY.md G15/G16): the OOM killer's choice, descriptors
 * exhausted, fork refused, a fork bomb, children that ignore SIGTERM.
 * After each the same daemon, never restarted, serves again.
 *
 * Disk full during /files/write and /files/upload is in test-http-files
 * (/files/out-of-space). I/O errors, EINTR storms and ENOMEM come from
 * outside too, through libfiu's preload (test-fiu-utils.c): the daemon
 * has no fault hooks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-fiu-utils.h"

static PortholeTestDaemon *daemon_under_test;

static JsonObject *
post_ok (PortholeTestDaemon *daemon,
         const char         *path,
         const char         *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "POST", path, NULL, body);

  if (r->status != 200)
    g_test_message ("%s answered %u: %.*s", path, r->status, (int) g_bytes_get_size (r->body),
                    (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  return json_object_ref (r->json);
}

/* The daemon answers and can still start a child. */
static void
assert_serving (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
  g_autoptr(JsonObject) run = NULL;

  g_assert_false (daemon->exited);
  g_assert_cmpuint (health->status, ==, 200);
  run = post_ok (daemon, "/commands/run", "{\"command\":\"echo alive\"}");
  g_assert_cmpint (json_object_get_int_member (run, "exit_code"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (run, "stdout"), ==, "alive\n");
}

static int
read_int_file (const char *path)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return atoi (text);
}

static gboolean
can_lower_oom_score (void)
{
  const char *argv[] = { "/bin/sh", "-c", "echo -900 > /proc/self/oom_score_adj", NULL };
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                       NULL, NULL, &status, NULL) && g_spawn_check_wait_status (status, NULL);
}

/* G16: the OOM killer takes a child before the daemon. */
static void
test_oom_score_adj (void)
{
  GPid pid = porthole_test_daemon_get_pid (daemon_under_test);
  g_autofree char *path = g_strdup_printf ("/proc/%d/oom_score_adj", pid);
  g_autoptr(JsonObject) run = NULL;
  g_autoptr(JsonObject) code = NULL;

  /* Lowering a score takes CAP_SYS_RESOURCE, which even root may lack
   * (PLATFORM.md §11); then the daemon keeps what it was given. */
  if (can_lower_oom_score ())
    g_assert_cmpint (read_int_file (path), <=, -900);
  else
    g_test_message ("oom_score_adj cannot be lowered here (no CAP_SYS_RESOURCE): daemon at %d",
                    read_int_file (path));

  run = post_ok (daemon_under_test, "/commands/run", "{\"command\":\"cat /proc/self/oom_score_adj\"}");
  g_assert_cmpint (json_object_get_int_member (run, "exit_code"), ==, 0);
  g_assert_cmpint (atoi (json_object_get_string_member (run, "stdout")), >=, 100);

  code = post_ok (daemon_under_test, "/execute",
                  "{\"language\":\"bash\",\"code\":\"cat /proc/self/oom_score_adj\"}");
  g_assert_cmpint (json_object_get_int_member (code, "exit_code"), ==, 0);
  g_assert_cmpint (atoi (json_object_get_string_member (code, "stdout")), >=, 100);
}

/* utime + stime of @pid, in clock ticks. */
static guint64
cpu_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  after_name = strrchr (text, ')');
  g_assert_nonnull (after_name);
  fields = g_strsplit (after_name + 2, " ", -1);
  /* Fields 14 and 15 of stat(5); 3 is the first after the name. */
  g_assert_cmpuint (g_strv_length (fields), >, 13);
  return g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
}

static int
connect_loopback (guint port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port),
                                 .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (connect (fd, (struct sockaddr *) &address, sizeof address));
  return fd;
}

/* RLIMIT_NOFILE exhausted (G15 "EMFILE at accept"): the daemon neither
 * dies nor spins on its readable listening socket, and serves again as
 * soon as descriptors are free. */
static void
test_fd_exhaustion (void)
{
  g_auto(GStrv) wrapper = porthole_test_get_daemon_wrapper ();
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(GArray) sockets = g_array_new (FALSE, FALSE, sizeof (int));
  struct rlimit limit;
  guint64 ticks_before, ticks_after;
  long ticks_per_second = sysconf (_SC_CLK_TCK);
  guint open_before;
  gint64 deadline;
  GPid pid;

  /* Valgrind holds descriptors of its own in the daemon's process and
   * keeps its own idea of the limit: a limit set from outside measures
   * valgrind, not the daemon. */
  if (wrapper != NULL)
    {
      g_test_skip ("the daemon runs under a wrapper (valgrind) with descriptors of its own");
      return;
    }
  daemon = porthole_test_daemon_new (NULL);
  pid = porthole_test_daemon_get_pid (daemon);
  open_before = porthole_test_count_fds (pid);
  limit = (struct rlimit) { open_before + 24, open_before + 24 };

  /* Soft and hard: the daemon raises its soft limit to the hard one. */
  g_assert_no_errno (prlimit (pid, RLIMIT_NOFILE, &limit, NULL));

  /* Connections until the daemon holds every descriptor it may; the
   * last ones wait in the listen backlog. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (porthole_test_count_fds (pid) < limit.rlim_cur)
    {
      int fd = connect_loopback (daemon->port);

      g_array_append_val (sockets, fd);
      g_assert_cmpuint (sockets->len, <, 200);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
  for (guint i = 0; i < 8; i++)
    {
      int fd = connect_loopback (daemon->port);

      g_array_append_val (sockets, fd);
    }
  g_test_message ("%u descriptors open before, limit %u, %u connections",
                  open_before, (guint) limit.rlim_cur, sockets->len);

  /* Exhausted: no busy loop (a spinning accept() would burn a core). */
  ticks_before = cpu_ticks (pid);
  g_usleep (3 * G_USEC_PER_SEC);
  ticks_after = cpu_ticks (pid);
  g_test_message ("CPU while exhausted: %.2f s in 3 s",
                  (double) (ticks_after - ticks_before) / ticks_per_second);
  g_assert_cmpuint (ticks_after - ticks_before, <, (guint64) ticks_per_second);
  g_assert_true (porthole_test_pid_is_running (pid));

  for (guint i = 0; i < sockets->len; i++)
    close (g_array_index (sockets, int, i));

  /* The limit stays: what was exhausted is free again. */
  assert_serving (daemon);
}

/* A v1 pids cgroup of our own, the daemon in it (PLATFORM.md §11: the
 * v1 pids hierarchy is mounted and root may make directories in it). */
static char *
make_cgroup (const char *controller)
{
  g_autofree char *dir = g_strdup_printf ("/sys/fs/cgroup/%s/porthole-test-faults-%d", controller, getpid ());

  if (g_mkdir (dir, 0755) != 0 && errno != EEXIST)
    return NULL;
  return g_steal_pointer (&dir);
}

static void
write_cgroup (const char *dir,
              const char *file,
              const char *value)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, value, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
}

static char *
read_cgroup (const char *dir,
             const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return g_strstrip (text);
}

static guint64
pids_current (const char *cgroup)
{
  g_autofree char *text = read_cgroup (cgroup, "pids.current");

  return g_ascii_strtoull (text, NULL, 10);
}

/* Moves @daemon, warmed up (the worker threads runs need exist), into
 * @cgroup. */
static void
move_to_cgroup (PortholeTestDaemon *daemon,
                const char         *cgroup)
{
  g_autofree char *pid_text = g_strdup_printf ("%d", porthole_test_daemon_get_pid (daemon));

  assert_serving (daemon);
  json_object_unref (post_ok (daemon, "/execute", "{\"language\":\"bash\",\"code\":\"true\"}"));
  write_cgroup (cgroup, "cgroup.procs", pid_text);
}

static void
assert_spawn_refused (PortholeTestResponse *r,
                      const char           *code)
{
  g_test_message ("answered %u: %.*s", r->status, (int) g_bytes_get_size (r->body),
                  (const char *) g_bytes_get_data (r->body, NULL));
  porthole_test_assert_error_body (r, 500, code);
}

/* Every kind of run refused for @errsv (fork() failing), in the
 * contract's words, while the daemon answers. */
static void
assert_runs_refused (PortholeTestDaemon *daemon,
                     int                 errsv)
{
  g_autoptr(PortholeTestResponse) run = porthole_test_request (daemon, "POST", "/commands/run", NULL,
                                                               "{\"command\":\"echo never\"}");
  g_autoptr(PortholeTestResponse) code = porthole_test_request (daemon, "POST", "/execute", NULL,
                                                                "{\"language\":\"bash\",\"code\":\"echo never\"}");
  g_autoptr(PortholeTestResponse) background = porthole_test_request (daemon, "POST", "/commands/background", NULL,
                                                                      "{\"command\":\"echo never\"}");
  g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

  assert_spawn_refused (run, "COMMAND_FAILED");
  g_assert_nonnull (strstr (json_object_get_string_member (run->json, "message"), g_strerror (errsv)));
  assert_spawn_refused (code, "EXECUTION_FAILED");
  assert_spawn_refused (background, "COMMAND_FAILED");
  g_assert_cmpuint (health->status, ==, 200);
}

/* fork() failing (EAGAIN under pids.max, as under RLIMIT_NPROC): the
 * contract's 500 COMMAND_FAILED (/commands) or EXECUTION_FAILED
 * (/execute), and runs work again once the limit
 * is raised, without a restart. */
static void
test_fork_fails (void)
{
  g_autofree char *cgroup = NULL;
  g_autofree char *current = NULL;
  g_autoptr(PortholeTestDaemon) daemon = NULL;

  if (geteuid () != 0 || (cgroup = make_cgroup ("pids")) == NULL)
    {
      g_test_skip ("no writable v1 pids cgroup hierarchy (needs root and /sys/fs/cgroup/pids)");
      return;
    }

  daemon = porthole_test_daemon_new (NULL);
  move_to_cgroup (daemon, cgroup);
  current = read_cgroup (cgroup, "pids.current");
  write_cgroup (cgroup, "pids.max", current);
  g_test_message ("daemon in %s, pids.max %s", cgroup, current);

  assert_runs_refused (daemon, EAGAIN);

  write_cgroup (cgroup, "pids.max", "max");
  assert_serving (daemon);
  json_object_unref (post_ok (daemon, "/execute", "{\"language\":\"bash\",\"code\":\"true\"}"));

  porthole_test_daemon_stop (daemon);
  PORTHOLE_TEST_WAIT_UNTIL (g_rmdir (cgroup) == 0);
}

/* The run's status in /execute/processes (valid until the next call). */
static const char *
background_status (const char *process_id)
{
  static char *status;
  g_autoptr(JsonObject) entry = porthole_test_find_process (daemon_under_test, process_id);

  g_clear_pointer (&status, g_free);
  if (entry != NULL)
    status = g_strdup (json_object_get_string_member (entry, "status"));
  return status;
}

/* G16: a fork bomb started through the API fills its pids limit; the
 * daemon keeps answering, refuses new runs with the contract's error,
 * ends the bomb at its timeout and runs again. */
static void
test_fork_bomb (void)
{
  g_autofree char *cgroup = NULL;
  g_autofree char *current = NULL;
  g_autofree char *max = NULL;
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(JsonObject) bomb = NULL;
  guint64 baseline;

  if (geteuid () != 0 || (cgroup = make_cgroup ("pids")) == NULL)
    {
      g_test_skip ("no writable v1 pids cgroup hierarchy (needs root and /sys/fs/cgroup/pids)");
      return;
    }

  daemon = porthole_test_daemon_new (NULL);
  move_to_cgroup (daemon, cgroup);
  current = read_cgroup (cgroup, "pids.current");
  baseline = g_ascii_strtoull (current, NULL, 10);
  max = g_strdup_printf ("%" G_GUINT64_FORMAT, baseline + 64);
  write_cgroup (cgroup, "pids.max", max);

  bomb = post_ok (daemon, "/commands/background",
                  "{\"command\":\"bash\",\"args\":[\"-c\",\"b(){ b & b & wait; }; b 2>/dev/null\"],\"timeout\":3}");
  PORTHOLE_TEST_WAIT_UNTIL (pids_current (cgroup) >= baseline + 64);

  /* Saturated: the daemon answers, and a new run is refused cleanly. */
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
    g_autoptr(PortholeTestResponse) run = porthole_test_request (daemon, "POST", "/commands/run", NULL,
                                                                 "{\"command\":\"echo never\"}");

    g_test_message ("/health during the bomb: %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
    g_assert_cmpuint (health->status, ==, 200);
    assert_spawn_refused (run, "COMMAND_FAILED");
  }

  /* The timeout ends every member of the bomb's tree. */
  PORTHOLE_TEST_WAIT_UNTIL (pids_current (cgroup) <= baseline + 1);
  write_cgroup (cgroup, "pids.max", "max");
  assert_serving (daemon);

  porthole_test_daemon_stop (daemon);
  PORTHOLE_TEST_WAIT_UNTIL (g_rmdir (cgroup) == 0);
}

static guint64
oom_kills (const char *cgroup)
{
  g_autofree char *text = read_cgroup (cgroup, "memory.oom_control");
  const char *line = strstr (text, "oom_kill ");

  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("oom_kill "), NULL, 10);
}

/* Runs @body; checks that the kernel's OOM killer ended it and that the
 * answer says so. */
static void
assert_oom_killed (PortholeTestDaemon *daemon,
                   const char         *cgroup,
                   const char         *path,
                   const char         *body)
{
  guint64 kills = oom_kills (cgroup);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(JsonObject) result = post_ok (daemon, path, body);
  const char *err = json_object_get_string_member (result, "stderr");

  g_test_message ("%s: exit %" G_GINT64_FORMAT " after %.1f s, stderr %s", path,
                  json_object_get_int_member (result, "exit_code"),
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC, err);
  g_assert_cmpuint (oom_kills (cgroup), >, kills);
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 137);
  g_assert_false (json_object_get_boolean_member (result, "success"));
  g_assert_false (json_object_get_boolean_member (result, "timed_out"));
  g_assert_true (json_object_get_boolean_member (result, "oom_killed"));
  g_assert_nonnull (strstr (err, "Killed by the kernel's out-of-memory killer\n"));
}

/* A memory hog started through /commands/run and /execute, in a memory
 * cgroup with the daemon: the kernel's OOM killer picks the hog (the
 * children's oom_score_adj is +100), the daemon lives on, and the
 * answers say the run was killed for memory (SECURITY.md G16, §6.7);
 * the same for a Jupyter kernel killed mid-cell, which restarts.
 * A run that kills itself with SIGKILL is not taken for one. */
static void
test_memory_hog (void)
{
  /* Each step writes its 16 MiB, so the pages are really used. */
  static const char hog[] = "python3 -c 'x = []\\nwhile True: x.append(b\\\"x\\\" * (16 << 20))'";
  g_autofree char *cgroup = NULL;
  g_autofree char *limit_file = NULL;
  g_autofree char *memsw_file = NULL;
  g_autofree char *run_body = NULL;
  g_autofree char *execute_body = NULL;
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(JsonObject) itself = NULL;
  int pid;

  if (geteuid () != 0 || (cgroup = make_cgroup ("memory")) == NULL ||
      !g_file_test ((limit_file = g_build_filename (cgroup, "memory.limit_in_bytes", NULL)), G_FILE_TEST_EXISTS))
    {
      if (cgroup != NULL)
        g_rmdir (cgroup);
      g_test_skip ("no writable v1 memory cgroup hierarchy (needs root and /sys/fs/cgroup/memory)");
      return;
    }

  daemon = porthole_test_daemon_new (NULL);
  pid = porthole_test_daemon_get_pid (daemon);
  move_to_cgroup (daemon, cgroup);
  /* Room for the daemon (ASan's quarantine included); the hog takes the
   * rest. Swap would only slow the hog down, so it counts too. */
  write_cgroup (cgroup, "memory.limit_in_bytes", "512M");
  memsw_file = g_build_filename (cgroup, "memory.memsw.limit_in_bytes", NULL);
  if (g_file_test (memsw_file, G_FILE_TEST_EXISTS))
    write_cgroup (cgroup, "memory.memsw.limit_in_bytes", "512M");

  /* The hog as the run itself (the SDKs' bash -c execs it), and as a
   * shell's child whose 137 the shell passes on (/execute's script). */
  run_body = g_strdup_printf ("{\"command\":\"bash\",\"args\":[\"-c\",\"%s\"],\"timeout\":120}", hog);
  execute_body = g_strdup_printf ("{\"language\":\"bash\",\"timeout\":120,\"code\":\"%s\\nexit $?\"}", hog);
  assert_oom_killed (daemon, cgroup, "/commands/run", run_body);
  assert_oom_killed (daemon, cgroup, "/execute", execute_body);
  /* Python's kernel killed mid-cell; the next cell gets a new one. */
  assert_oom_killed (daemon, cgroup, "/execute",
                     "{\"language\":\"python\",\"timeout\":120,"
                     "\"code\":\"x = []\\nwhile True: x.append(b'x' * (16 << 20))\"}");
  {
    g_autoptr(JsonObject) cell = post_ok (daemon, "/execute", "{\"language\":\"python\",\"code\":\"print(6 * 7)\"}");

    g_assert_cmpstr (json_object_get_string_member (cell, "stdout"), ==, "42\n");
  }

  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
  assert_serving (daemon);

  itself = post_ok (daemon, "/commands/run", "{\"command\":\"kill -9 $$\"}");
  g_assert_cmpint (json_object_get_int_member (itself, "exit_code"), ==, 137);
  g_assert_false (json_object_get_boolean_member (itself, "oom_killed"));

  porthole_test_daemon_stop (daemon);
  PORTHOLE_TEST_WAIT_UNTIL (g_rmdir (cgroup) == 0);
}

/* A child ignoring SIGTERM past its timeout is killed (SIGKILL after
 * the grace), reported, and leaves no survivor: /execute and background
 * runs (/commands/run is /process/kill-escalates in test-process). */
static void
test_term_ignored (void)
{
  g_autofree char *pid_file = g_build_filename (daemon_under_test->workspace, "stubborn.pid", NULL);
  g_autofree char *body = g_strdup_printf ("{\"language\":\"bash\",\"timeout\":1,\"code\":"
                                           "\"echo $$ > %s; trap '' TERM; while :; do sleep 0.1; done\"}",
                                           pid_file);
  g_autoptr(JsonObject) result = post_ok (daemon_under_test, "/execute", body);
  g_autoptr(JsonObject) started = NULL;
  const char *process_id;
  const char *status = NULL;
  int pid;

  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 124);
  g_assert_true (json_object_get_boolean_member (result, "timed_out"));
  pid = porthole_test_read_pid_file (pid_file);
  g_assert_cmpint (pid, >, 0);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
  g_assert_no_errno (g_unlink (pid_file));

  /* In the background, with a timeout. */
  started = post_ok (daemon_under_test, "/execute/background", body);
  process_id = json_object_get_string_member (started, "process_id");
  pid = porthole_test_read_pid_file (pid_file);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
  PORTHOLE_TEST_WAIT_UNTIL ((status = background_status (process_id)) != NULL &&
                            !g_str_equal (status, "running"));
  g_test_message ("background run ended as %s", status);
  g_assert_cmpstr (status, !=, "completed");
  g_assert_no_errno (g_unlink (pid_file));

  /* Killed by request, without a timeout. */
  {
    g_autofree char *no_timeout = g_strdup_printf ("{\"language\":\"bash\",\"timeout\":0,\"code\":"
                                                   "\"echo $$ > %s; trap '' TERM; while :; do sleep 0.1; done\"}",
                                                   pid_file);
    g_autoptr(JsonObject) again = post_ok (daemon_under_test, "/execute/background", no_timeout);
    g_autofree char *kill_path = g_strdup_printf ("/execute/kill?process_id=%s",
                                                  json_object_get_string_member (again, "process_id"));
    g_autoptr(PortholeTestResponse) killed = NULL;

    pid = porthole_test_read_pid_file (pid_file);
    killed = porthole_test_request (daemon_under_test, "DELETE", kill_path, NULL, NULL);
    g_assert_cmpuint (killed->status, ==, 200);
    PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
  }

  assert_serving (daemon_under_test);
}

/* Faults from libfiu (test-fiu-utils.c) */

/* A daemon under libfiu's preload, its control pipes in @dir; NULL
 * (the test skipped) without libfiu. */
static PortholeTestDaemon *
fiu_daemon_new (const char *dir)
{
  PortholeTestDaemon *daemon;

  if (!porthole_test_fiu_begin (dir))
    return NULL;
  daemon = porthole_test_daemon_new (NULL);
  porthole_test_fiu_end ();
  return daemon;
}

static PortholeTestResponse *
write_file (PortholeTestDaemon *daemon,
            const char         *path,
            const char         *content)
{
  g_autofree char *body = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"%s\"}", path, content);

  return porthole_test_request (daemon, "POST", "/files/write", NULL, body);
}

static void
assert_io_error (PortholeTestResponse *r)
{
  g_test_message ("answered %u: %.*s", r->status, (int) g_bytes_get_size (r->body),
                  (const char *) g_bytes_get_data (r->body, NULL));
  porthole_test_assert_error_body (r, 500, "FILE_OPERATION_FAILED");
  g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), g_strerror (EIO)));
}

static char *
read_file (PortholeTestDaemon *daemon,
           const char         *path)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_files_get (daemon, "/files/read", path, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_object_get_string_member (r->json, "content"));
}

/* Writes, uploads and an overwrite of kept.txt ("old"), while @point
 * fails with EIO: each the contract's 500 FILE_OPERATION_FAILED (507 is
 * for a full disk), nothing new in the workspace, kept.txt intact. */
static void
assert_writes_fail (PortholeTestDaemon *daemon,
                    const char         *point)
{
  g_autoptr(PortholeTestResponse) health = NULL;
  g_autofree char *kept = NULL;

  porthole_test_fiu_ctrl (daemon, "enable name=%s,failinfo=%d", point, EIO);
  {
    g_autoptr(PortholeTestResponse) written = write_file (daemon, "new.txt", "never");
    g_autoptr(PortholeTestResponse) overwritten = write_file (daemon, "kept.txt", "new");
    g_autoptr(PortholeTestResponse) uploaded = porthole_test_files_upload (daemon, "up.txt", "never");

    assert_io_error (written);
    assert_io_error (overwritten);
    assert_io_error (uploaded);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (uploaded->json, "path"), "/up.txt"));
    /* The sockets go through send() and recv(): still served. */
    health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
    g_assert_cmpuint (health->status, ==, 200);
  }
  porthole_test_fiu_ctrl (daemon, "disable name=%s", point);

  /* No partial file, no temporary left over. */
  g_assert_cmpuint (porthole_test_count_entries (daemon->workspace), ==, 1);
  kept = read_file (daemon, "kept.txt");
  g_assert_cmpstr (kept, ==, "old");
}

/* G15 "EIO at write": write() or fsync() of /files/write and
 * /files/upload failing with EIO, then read() of /files/read; the same
 * daemon writes again once the fault is gone. */
static void
test_io_error (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = fiu_daemon_new (dir);
  GPid pid;

  if (daemon == NULL)
    {
      porthole_test_rm_rf (dir);
      return;
    }
  pid = porthole_test_daemon_get_pid (daemon);
  {
    g_autoptr(PortholeTestResponse) kept = write_file (daemon, "kept.txt", "old");

    g_assert_cmpuint (kept->status, ==, 200);
  }

  assert_writes_fail (daemon, "posix/io/rw/write");
  /* A failed writeback shows at fsync(), before the file takes its name. */
  assert_writes_fail (daemon, "posix/io/sync/fsync");
  /* And a read that fails is the same 500. */
  porthole_test_fiu_ctrl (daemon, "enable name=posix/io/rw/read,failinfo=%d", EIO);
  {
    g_autoptr(PortholeTestResponse) read = porthole_test_files_get (daemon, "/files/read", "kept.txt", NULL);

    assert_io_error (read);
  }
  porthole_test_fiu_ctrl (daemon, "disable name=posix/io/rw/read");

  {
    g_autoptr(PortholeTestResponse) written = write_file (daemon, "new.txt", "now");
    g_autoptr(PortholeTestResponse) overwritten = write_file (daemon, "kept.txt", "new");
    g_autoptr(PortholeTestResponse) uploaded = porthole_test_files_upload (daemon, "up.txt", "uploaded");
    g_autofree char *new_content = NULL;
    g_autofree char *kept_content = NULL;
    g_autofree char *up_content = NULL;

    g_assert_cmpuint (written->status, ==, 200);
    g_assert_cmpuint (overwritten->status, ==, 200);
    g_assert_cmpuint (uploaded->status, ==, 200);
    new_content = read_file (daemon, "new.txt");
    kept_content = read_file (daemon, "kept.txt");
    up_content = read_file (daemon, "up.txt");
    g_assert_cmpstr (new_content, ==, "now");
    g_assert_cmpstr (kept_content, ==, "new");
    g_assert_cmpstr (up_content, ==, "uploaded");
  }
  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
  assert_serving (daemon);

  porthole_test_daemon_stop (daemon);
  porthole_test_rm_rf (dir);
}

/* The calls that may block, and so be interrupted by a signal: the
 * sockets, the pipes and files, the main loops' poll(). (waitpid() is
 * only called with WNOHANG, which does not block.) */
static const char *const interruptible[] = {
  "posix/io/rw/read", "posix/io/rw/write", "posix/io/net/recv", "posix/io/net/send",
  "posix/io/net/recvmsg", "posix/io/net/sendmsg", "posix/io/net/poll", "posix/io/net/accept",
};

/* One of each kind of work, checked: a probe, a command, a file round
 * trip by write and by upload, a bash run. */
static void
assert_round (PortholeTestDaemon *daemon,
              guint               round)
{
  g_autofree char *command = g_strdup_printf ("{\"command\":\"echo round %u\"}", round);
  g_autofree char *expected = g_strdup_printf ("round %u\n", round);
  g_autofree char *content = g_strdup_printf ("content of round %u", round);
  g_autofree char *name = g_strdup_printf ("round-%u.txt", round);
  g_autofree char *up_name = g_strdup_printf ("up-%u.txt", round);
  g_autofree char *code = g_strdup_printf ("{\"language\":\"bash\",\"code\":\"echo $((%u * 2))\"}", round);
  g_autofree char *doubled = g_strdup_printf ("%u\n", round * 2);
  g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
  g_autoptr(JsonObject) run = post_ok (daemon, "/commands/run", command);
  g_autoptr(PortholeTestResponse) written = write_file (daemon, name, content);
  g_autoptr(PortholeTestResponse) uploaded = porthole_test_files_upload (daemon, up_name, content);
  g_autoptr(JsonObject) executed = post_ok (daemon, "/execute", code);
  g_autofree char *read_back = NULL;
  g_autofree char *up_read_back = NULL;

  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (run, "exit_code"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (run, "stdout"), ==, expected);
  g_assert_cmpuint (written->status, ==, 200);
  g_assert_cmpuint (uploaded->status, ==, 200);
  read_back = read_file (daemon, name);
  up_read_back = read_file (daemon, up_name);
  g_assert_cmpstr (read_back, ==, content);
  g_assert_cmpstr (up_read_back, ==, content);
  g_assert_cmpint (json_object_get_int_member (executed, "exit_code"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (executed, "stdout"), ==, doubled);
}

/* G15 "EINTR": every interruptible call fails with EINTR one time in
 * four during a burst of ordinary work; each request still gets its
 * right answer, from the same daemon. */
static void
test_eintr_storm (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = fiu_daemon_new (dir);
  GPid pid;
  gint64 start;

  if (daemon == NULL)
    {
      porthole_test_rm_rf (dir);
      return;
    }
  pid = porthole_test_daemon_get_pid (daemon);

  for (guint i = 0; i < G_N_ELEMENTS (interruptible); i++)
    porthole_test_fiu_ctrl (daemon, "enable_random name=%s,failinfo=%d,probability=0.25",
                            interruptible[i], EINTR);
  start = g_get_monotonic_time ();
  for (guint round = 0; round < 10; round++)
    assert_round (daemon, round);
  g_test_message ("10 rounds of 7 requests under the storm: %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  for (guint i = 0; i < G_N_ELEMENTS (interruptible); i++)
    porthole_test_fiu_ctrl (daemon, "disable name=%s", interruptible[i]);

  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
  assert_serving (daemon);

  porthole_test_daemon_stop (daemon);
  porthole_test_rm_rf (dir);
}

/* The kernel's ENOMEM where the daemon meets it (G15 "ENOMEM"): fork()
 * refused (as when the commit limit is reached) is the contract's 500,
 * accept() refused pauses accepting; each recovers once memory is
 * back. GLib's own allocations abort on failure by design, and are not
 * injected (SECURITY.md G15). */
static void
test_enomem (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  GPid pid;

  /* clone3() is a raw system call libfiu cannot stand in front of; with
   * it off, runs are started by fork(), which it can. */
  g_setenv ("PORTHOLE_SPAWN_NO_CLONE3", "1", TRUE);
  daemon = fiu_daemon_new (dir);
  g_unsetenv ("PORTHOLE_SPAWN_NO_CLONE3");
  if (daemon == NULL)
    {
      porthole_test_rm_rf (dir);
      return;
    }
  pid = porthole_test_daemon_get_pid (daemon);
  assert_serving (daemon);

  porthole_test_fiu_ctrl (daemon, "enable name=posix/proc/fork,failinfo=%d", ENOMEM);
  assert_runs_refused (daemon, ENOMEM);
  porthole_test_fiu_ctrl (daemon, "disable name=posix/proc/fork");
  assert_serving (daemon);

  /* accept() refused: the connection waits in the backlog, not dropped,
   * and is served once accept() works again. */
  porthole_test_fiu_ctrl (daemon, "enable name=posix/io/net/accept,failinfo=%d", ENOMEM);
  {
    static const char request[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    int fd = connect_loopback (daemon->port);
    struct pollfd readable = { .fd = fd, .events = POLLIN };
    char reply[64] = "";
    gsize got = 0;

    g_assert_cmpint (send (fd, request, strlen (request), MSG_NOSIGNAL), ==, (gssize) strlen (request));
    g_assert_cmpint (poll (&readable, 1, 500), ==, 0);
    g_assert_true (porthole_test_pid_is_running (pid));
    porthole_test_fiu_ctrl (daemon, "disable name=posix/io/net/accept");
    while (got < strlen ("HTTP/1.1 200"))
      {
        gssize n = recv (fd, reply + got, sizeof reply - 1 - got, 0);

        g_assert_cmpint (n, >, 0);
        got += n;
      }
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
    close (fd);
  }

  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
  assert_serving (daemon);

  porthole_test_daemon_stop (daemon);
  porthole_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/faults/oom-score-adj", test_oom_score_adj);
  g_test_add_func ("/faults/fd-exhaustion", test_fd_exhaustion);
  g_test_add_func ("/faults/fork-fails", test_fork_fails);
  g_test_add_func ("/faults/fork-bomb", test_fork_bomb);
  g_test_add_func ("/faults/memory-hog", test_memory_hog);
  g_test_add_func ("/faults/term-ignored", test_term_ignored);
  g_test_add_func ("/faults/io-error", test_io_error);
  g_test_add_func ("/faults/eintr-storm", test_eintr_storm);
  g_test_add_func ("/faults/enomem", test_enomem);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
