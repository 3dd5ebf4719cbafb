/* test-process.c — PortholeProcess with real children
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "porthole-cgroup.h"
#include "porthole-json-nul.h"
#include "porthole-process.h"
#include "porthole-procfs.h"
#include "test-utils.h"

typedef struct
{
  GString *out;
  GString *err;
  guint chunks;
  gsize largest_chunk;
} Collected;

/* Valid UTF-8 but for the pairs that stand for NUL bytes. */
static gboolean
is_output_text (const char *text,
                gsize       length)
{
  const char *end = text + length, *stop;

  while (!g_utf8_validate_len (text, end - text, &stop))
    {
      if (end - stop < PORTHOLE_JSON_NUL_LENGTH || memcmp (stop, PORTHOLE_JSON_NUL, PORTHOLE_JSON_NUL_LENGTH) != 0)
        return FALSE;
      text = stop + PORTHOLE_JSON_NUL_LENGTH;
    }

  return TRUE;
}

static void
on_output (PortholeProcess *process,
           guint            stream,
           const char      *text,
           guint64          length,
           Collected       *collected)
{
  g_assert_true (is_output_text (text, length));
  g_string_append_len (stream == PORTHOLE_PROCESS_STDOUT ? collected->out : collected->err, text, length);
  collected->chunks++;
  collected->largest_chunk = MAX (collected->largest_chunk, length);
}

static char **
environ_for_tests (void)
{
  return g_get_environ ();
}

static PortholeProcess *
run_full (const char *const    *argv,
          PortholeProcessFlags  flags,
          guint                 timeout,
          Collected            *collected)
{
  g_auto(GStrv) envp = environ_for_tests ();
  g_autoptr(GError) error = NULL;
  PortholeProcess *process = porthole_process_new (argv, (const char *const *) envp, NULL,
                                                   flags | PORTHOLE_PROCESS_FLAGS_CAPTURE);

  if (collected != NULL)
    g_signal_connect (process, "output", G_CALLBACK (on_output), collected);
  porthole_process_set_timeout (process, timeout);
  porthole_process_spawn (process, &error);
  g_assert_no_error (error);

  return process;
}

static void
wait_exited (PortholeProcess *process)
{
  PORTHOLE_TEST_WAIT_UNTIL (porthole_process_has_exited (process));
}

static PortholeProcess *
sh (const char *script,
    guint       timeout)
{
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  PortholeProcess *process = run_full (argv, PORTHOLE_PROCESS_FLAGS_NONE, timeout, NULL);

  wait_exited (process);
  return process;
}

static void
wait_pid_gone (int pid)
{
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
}

static void
test_exit_codes (void)
{
  g_autoptr(PortholeProcess) ok = sh ("echo hello; echo oops >&2", 0);
  g_autoptr(PortholeProcess) three = sh ("exit 3", 0);
  g_autoptr(PortholeProcess) killed = sh ("kill -KILL $$", 0);

  g_assert_cmpint (porthole_process_get_exit_code (ok), ==, 0);
  g_assert_cmpstr (porthole_process_get_stdout (ok), ==, "hello\n");
  g_assert_cmpstr (porthole_process_get_stderr (ok), ==, "oops\n");
  g_assert_cmpint (porthole_process_get_exit_code (three), ==, 3);
  g_assert_cmpint (porthole_process_get_exit_code (killed), ==, 128 + SIGKILL);
  g_assert_false (porthole_process_get_timed_out (three));
}

static void
test_stdin_is_dev_null (void)
{
  g_autoptr(PortholeProcess) process = sh ("cat; echo \"[$?]\"", 0);

  g_assert_cmpstr (porthole_process_get_stdout (process), ==, "[0]\n");
}

static void
test_missing_program (void)
{
  const char *argv[] = { "/nonexistent/program", NULL };
  g_auto(GStrv) envp = environ_for_tests ();
  g_autoptr(PortholeProcess) process = porthole_process_new (argv, (const char *const *) envp, NULL,
                                                             PORTHOLE_PROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (porthole_process_spawn (process, &error));
  g_assert_cmpint (porthole_process_exit_code_for_spawn_error (error), ==, 127);
}

/* The child gets 0, 1, 2 and the descriptors it was given, at the
 * numbers asked for, and nothing else of the daemon's. */
static void
test_descriptors (void)
{
  /* Python opens nothing of its own that stays open after start-up (a
   * shell would, for its pipelines and globs). */
  const char *argv[] = {
    "/usr/bin/python3", "-I", "-S", "-c",
    "import os\n"
    "def is_open(fd):\n"
    "    try:\n"
    "        os.fstat(fd)\n"
    "        return True\n"
    "    except OSError:\n"
    "        return False\n"
    "print(' '.join(str(fd) for fd in range(1024) if is_open(fd)), end=' ')\n"
    "os.write(5, b'given\\n')\n",
    NULL
  };
  g_auto(GStrv) envp = environ_for_tests ();
  g_autoptr(PortholeProcess) process = porthole_process_new (argv, (const char *const *) envp, NULL,
                                                             PORTHOLE_PROCESS_FLAGS_CAPTURE);
  g_autoptr(GError) error = NULL;
  int pipe_fds[2];
  /* Open without close-on-exec, as a careless library would. */
  int stray = open ("/dev/null", O_RDONLY);

  g_assert_cmpint (stray, >=, 0);
  g_assert_true (g_unix_open_pipe (pipe_fds, FD_CLOEXEC, NULL));
  porthole_process_take_fd (process, pipe_fds[1], 5);
  g_assert_true (porthole_process_spawn (process, &error));
  g_assert_no_error (error);
  wait_exited (process);
  close (stray);

  g_assert_cmpstr (porthole_process_get_stdout (process), ==, "0 1 2 5 ");
  {
    char buffer[16] = { 0 };

    g_assert_cmpint (read (pipe_fds[0], buffer, sizeof buffer - 1), ==, 6);
    g_assert_cmpstr (buffer, ==, "given\n");
  }
  close (pipe_fds[0]);
}

/* Where a cgroup hierarchy is writable, the program runs in its run's
 * cgroup from its first instruction (v2), or at least before exec (v1). */
static void
test_in_its_cgroup (void)
{
  g_autoptr(PortholeProcess) process = NULL;
  g_autofree char *identity = porthole_procfs_identity (getpid ());
  g_autofree char *expected = g_strdup_printf (":/portholed-%s/run-", identity);

  if (!porthole_cgroup_is_supported ())
    {
      g_test_skip ("no writable cgroup hierarchy");
      return;
    }

  process = sh ("cat /proc/self/cgroup", 0);
  g_assert_nonnull (strstr (porthole_process_get_stdout (process), expected));
}

/* A timeout ends the whole tree, children that left the process group
 * with setsid() and double-forked orphans included. */
static void
test_timeout_kills_tree (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *script = g_strdup_printf (
    "setsid sleep 300 & echo $! > %s/setsid.pid; "
    "( setsid sh -c 'sleep 300 & echo $! > %s/orphan.pid' & ); "
    "sleep 300", dir, dir);
  g_autofree char *setsid_file = g_build_filename (dir, "setsid.pid", NULL);
  g_autofree char *orphan_file = g_build_filename (dir, "orphan.pid", NULL);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autoptr(PortholeProcess) process = run_full (argv, PORTHOLE_PROCESS_FLAGS_NONE, 1, NULL);
  int setsid_pid = porthole_test_read_pid_file (setsid_file);
  int orphan_pid = porthole_test_read_pid_file (orphan_file);

  g_assert_true (porthole_test_pid_is_running (setsid_pid));
  g_assert_true (porthole_test_pid_is_running (orphan_pid));

  wait_exited (process);
  g_assert_true (porthole_process_get_timed_out (process));
  g_assert_cmpint (porthole_process_get_exit_code (process), ==, 124);

  wait_pid_gone (setsid_pid);
  wait_pid_gone (orphan_pid);
  porthole_test_rm_rf (dir);
}

/* API.md §1.8: a backgrounded child holding stdout does not hold the run;
 * it keeps running, and is not hit by SIGPIPE. */
static void
test_background_child_does_not_hold_run (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *script = g_strdup_printf (
    "(trap '' PIPE; sleep 1; echo late; sleep 300) & echo $! > %s/bg.pid; echo done", dir);
  g_autofree char *pid_file = g_build_filename (dir, "bg.pid", NULL);
  g_autoptr(PortholeProcess) process = sh (script, 0);
  int background;

  g_assert_cmpint (porthole_process_get_exit_code (process), ==, 0);
  g_assert_cmpstr (porthole_process_get_stdout (process), ==, "done\n");
  background = porthole_test_read_pid_file (pid_file);
  g_assert_true (porthole_test_pid_is_running (background));
  kill (background, SIGKILL);
  porthole_test_rm_rf (dir);
}

static void
test_kill_escalates (void)
{
  const char *polite[] = { "/bin/sh", "-c", "sleep 300", NULL };
  const char *stubborn[] = { "/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done", NULL };
  g_autoptr(PortholeProcess) a = run_full (polite, PORTHOLE_PROCESS_FLAGS_NONE, 0, NULL);
  g_autoptr(PortholeProcess) b = run_full (stubborn, PORTHOLE_PROCESS_FLAGS_NONE, 0, NULL);

  g_usleep (200000);
  porthole_process_kill (a);
  porthole_process_kill (b);
  wait_exited (a);
  wait_exited (b);

  g_assert_true (porthole_process_get_killed (a));
  g_assert_cmpint (porthole_process_get_exit_code (a), ==, 128 + SIGTERM);
  /* Ignoring SIGTERM only buys the 2 s grace. */
  g_assert_cmpint (porthole_process_get_exit_code (b), ==, 128 + SIGKILL);
}

static void
test_utf8 (void)
{
  Collected collected = { g_string_new (NULL), g_string_new (NULL) };
  /* é split across two writes, then an invalid byte, a NUL byte (kept,
   * as the pair JSON writes as \u0000), then a lone lead byte at the very
   * end. */
  const char *argv[] = { "/bin/sh", "-c", "printf 'a\\303'; sleep 0.3; printf '\\251b\\377c\\000d\\342'", NULL };
  g_autoptr(PortholeProcess) process = run_full (argv, PORTHOLE_PROCESS_FLAGS_NONE, 0, &collected);

  wait_exited (process);
  g_assert_cmpstr (collected.out->str, ==, "a\xC3\xA9" "b\xEF\xBF\xBD" "c" PORTHOLE_JSON_NUL "d\xEF\xBF\xBD");
  g_assert_cmpstr (porthole_process_get_stdout (process), ==, collected.out->str);
  g_string_free (collected.out, TRUE);
  g_string_free (collected.err, TRUE);
}

static void
test_capture_limits (void)
{
  Collected collected = { g_string_new (NULL), g_string_new (NULL) };
  const char *argv[] = { "/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\000' x", NULL };
  g_auto(GStrv) envp = environ_for_tests ();
  g_autoptr(PortholeProcess) head = NULL;
  g_autoptr(PortholeProcess) tail = NULL;
  g_autoptr(GError) error = NULL;

  head = porthole_process_new (argv, (const char *const *) envp, NULL, PORTHOLE_PROCESS_FLAGS_CAPTURE);
  porthole_process_set_capture_limit (head, 1000000);
  g_signal_connect (head, "output", G_CALLBACK (on_output), &collected);
  porthole_process_spawn (head, &error);
  g_assert_no_error (error);
  wait_exited (head);
  g_assert_true (porthole_process_get_truncated (head));
  g_assert_cmpuint (strlen (porthole_process_get_stdout (head)), ==, 1000000);
  /* The stream sees everything, in chunks of at most 64 KiB. */
  g_assert_cmpuint (collected.out->len, ==, 3000000);
  g_assert_cmpuint (collected.largest_chunk, <=, 64 * 1024);

  tail = porthole_process_new ((const char *[]) { "/bin/sh", "-c", "seq 1 20000", NULL },
                               (const char *const *) envp, NULL,
                               PORTHOLE_PROCESS_FLAGS_CAPTURE | PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL);
  porthole_process_set_capture_limit (tail, 100);
  porthole_process_spawn (tail, &error);
  g_assert_no_error (error);
  wait_exited (tail);
  g_assert_true (g_str_has_suffix (porthole_process_get_stdout (tail), "19999\n20000\n"));
  g_assert_cmpuint (strlen (porthole_process_get_stdout (tail)), <=, 200);

  g_string_free (collected.out, TRUE);
  g_string_free (collected.err, TRUE);
}

static void
test_pty (void)
{
  Collected collected = { g_string_new (NULL), g_string_new (NULL) };
  const char *argv[] = { "/bin/sh", "-c", "stty size; test -t 0 && echo tty; read line; echo \"got:$line\"", NULL };
  g_auto(GStrv) envp = environ_for_tests ();
  g_autoptr(PortholeProcess) process = porthole_process_new (argv, (const char *const *) envp, NULL,
                                                             PORTHOLE_PROCESS_FLAGS_PTY);
  g_autoptr(GError) error = NULL;

  porthole_process_set_pty_size (process, 101, 33);
  g_signal_connect (process, "output", G_CALLBACK (on_output), &collected);
  porthole_process_spawn (process, &error);
  g_assert_no_error (error);

  PORTHOLE_TEST_WAIT_UNTIL (strstr (collected.out->str, "tty") != NULL);
  g_assert_nonnull (strstr (collected.out->str, "33 101"));
  porthole_process_write (process, "hello\r", 6, &error);
  g_assert_no_error (error);
  wait_exited (process);
  g_assert_nonnull (strstr (collected.out->str, "got:hello"));
  g_assert_cmpint (porthole_process_get_exit_code (process), ==, 0);

  g_string_free (collected.out, TRUE);
  g_string_free (collected.err, TRUE);
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir))
    n++;
  return n;
}

static guint
count_zombie_children (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint zombies = 0;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", name);
      g_autofree char *stat = NULL;
      const char *after;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL) ||
          (after = strrchr (stat, ')')) == NULL || sscanf (after + 2, "%c %d", &state, &ppid) != 2)
        continue;
      if (ppid == getpid () && state == 'Z')
        zombies++;
    }

  return zombies;
}

static void
test_no_leaks (void)
{
  guint fds_before;

  /* Warm up lazily created state (cgroup base, GLib's child watch). */
  g_object_unref (sh ("true", 0));
  fds_before = count_fds ();

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(PortholeProcess) process = sh (i % 2 ? "true" : "echo x; exit 1", 0);

      g_assert_cmpint (porthole_process_get_exit_code (process), ==, i % 2 ? 0 : 1);
    }

  g_assert_cmpuint (count_fds (), ==, fds_before);
  g_assert_cmpuint (count_zombie_children (), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  /* --without-clone3: the spawn path of kernels older than 5.7, where a
   * child moves itself into its cgroup. */
  /* --cgroup-v1: trees held by a v1 freezer (or pids) hierarchy, as
   * where no cgroup v2 tree is writable. */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--without-clone3") || g_str_equal (argv[i], "--cgroup-v1"))
      {
        if (g_str_equal (argv[i], "--without-clone3"))
          g_setenv ("PORTHOLE_SPAWN_NO_CLONE3", "1", TRUE);
        else
          g_setenv ("PORTHOLE_CGROUP", "v1", TRUE);
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        i--;
      }

  porthole_test_init (&argc, &argv);

  g_test_add_func ("/process/exit-codes", test_exit_codes);
  g_test_add_func ("/process/stdin-is-dev-null", test_stdin_is_dev_null);
  g_test_add_func ("/process/missing-program", test_missing_program);
  g_test_add_func ("/process/descriptors", test_descriptors);
  g_test_add_func ("/process/in-its-cgroup", test_in_its_cgroup);
  g_test_add_func ("/process/timeout-kills-tree", test_timeout_kills_tree);
  g_test_add_func ("/process/background-child-does-not-hold-run", test_background_child_does_not_hold_run);
  g_test_add_func ("/process/kill-escalates", test_kill_escalates);
  g_test_add_func ("/process/utf8", test_utf8);
  g_test_add_func ("/process/capture-limits", test_capture_limits);
  g_test_add_func ("/process/pty", test_pty);
  g_test_add_func ("/process/no-leaks", test_no_leaks);

  return g_test_run ();
}
