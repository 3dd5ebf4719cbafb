/* test-fiu-utils.c
 *
 * libfiu's preload libraries put a failure point in front of the libc
 * calls a program makes through its PLT (write, pwrite, fsync, recv,
 * poll, accept, fork...), and a thread that takes commands on a pair of
 * named pipes. A daemon started between porthole_test_fiu_begin() and
 * porthole_test_fiu_end() has them: it is the real daemon, without a
 * hook of ours, and porthole_test_fiu_ctrl() makes its calls fail (with
 * the errno given as failinfo) and succeed again, as fiu-ctrl(1) does.
 *
 * What the daemon starts inherits the preload (it passes its
 * environment on), but not the points enabled: those live in the
 * daemon's memory only. Each child makes its own pair of pipes there,
 * so they go in the test's directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-fiu-utils.h"

static const char *const variables[] = { "LD_PRELOAD", "FIU_CTRL_FIFO", "FIU_ENABLE" };
static char *saved[G_N_ELEMENTS (variables)];
static char *control_base;

/**
 * porthole_test_fiu_begin:
 * @dir: where the control pipes go (the caller removes it)
 *
 * Daemons started from now on run with libfiu's preload libraries, no
 * failure point enabled. Skips the test when that cannot be done.
 *
 * Returns: %FALSE if the test was skipped
 */
gboolean
porthole_test_fiu_begin (const char *dir)
{
  const char *library_dir = g_getenv ("PORTHOLE_TEST_FIU_DIR");
  g_auto(GStrv) wrapper = porthole_test_get_daemon_wrapper ();
  g_autofree char *run = NULL;
  g_autofree char *posix = NULL;
  g_autofree char *preload = NULL;
  g_autoptr(GStrvBuilder) libraries = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (library_dir == NULL)
    {
      g_test_skip ("libfiu is not installed (fiu-utils, libfiu-dev)");
      return FALSE;
    }
  /* Valgrind replaces the same calls and would run the preload under
   * its own; what it measured would be valgrind's. */
  if (wrapper != NULL)
    {
      g_test_skip ("the daemon runs under a wrapper (valgrind), which libfiu's preload cannot go under");
      return FALSE;
    }
  /* A sanitized daemon copies itself for each run (clone3 without
   * CLONE_VM), and libfiu's wrappers are not safe across such a copy: a
   * child made while another thread holds libfiu's lock waits on it
   * forever at its first wrapped call (seen under ASan: child_main's
   * open() in fiu_fail(), the run never started). Normal builds share
   * the parent's memory until exec, so the lock is released for them. */
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") != NULL)
    {
      g_test_skip ("libfiu's preload is not fork-safe, and a sanitized daemon's runs are copies of it");
      return FALSE;
    }
  run = g_build_filename (library_dir, "fiu_run_preload.so", NULL);
  posix = g_build_filename (library_dir, "fiu_posix_preload.so", NULL);
  if (!g_file_test (run, G_FILE_TEST_EXISTS) || !g_file_test (posix, G_FILE_TEST_EXISTS))
    {
      g_test_skip_printf ("libfiu's preload libraries are not in %s", library_dir);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    saved[i] = g_strdup (g_getenv (variables[i]));

  g_free (control_base);
  control_base = g_build_filename (dir, "fiu", NULL);
  g_strv_builder_add (libraries, run);
  g_strv_builder_add (libraries, posix);
  if (saved[0] != NULL)
    g_strv_builder_add (libraries, saved[0]);
  list = g_strv_builder_end (libraries);
  preload = g_strjoinv (" ", list);
  g_setenv ("LD_PRELOAD", preload, TRUE);
  g_setenv ("FIU_CTRL_FIFO", control_base, TRUE);
  g_unsetenv ("FIU_ENABLE");

  return TRUE;
}

/**
 * porthole_test_fiu_end:
 *
 * Daemons started from now on run without libfiu again (those started
 * since porthole_test_fiu_begin() keep it).
 */
void
porthole_test_fiu_end (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      if (saved[i] != NULL)
        g_setenv (variables[i], saved[i], TRUE);
      else
        g_unsetenv (variables[i]);
      g_clear_pointer (&saved[i], g_free);
    }
}

static void
write_all (int         fd,
           const char *text)
{
  gsize length = strlen (text);

  while (length > 0)
    {
      gssize n = write (fd, text, length);

      g_assert_cmpint (n, >, 0);
      text += n;
      length -= n;
    }
}

/* libfiu's wrappers take a lock, which its control thread holds while
 * it enables or disables a point. A child copied from the daemon at
 * that moment (sanitized builds fork, and so does the fallback when
 * clone3() is off) finds it held forever the first time it calls one
 * between fork and exec, and the daemon waits for that child. Commands
 * are only sent while no run is being started: after the runner's
 * deferred compile (a second after the start), the tests start runs
 * only through requests they wait for. */
static void
wait_for_startup_children (PortholeTestDaemon *daemon)
{
  g_autofree char *compiled = g_build_filename (daemon->state_dir, "runtime", "porthole-runner.pyc", NULL);

  PORTHOLE_TEST_WAIT_UNTIL (g_file_test (compiled, G_FILE_TEST_EXISTS));
}

/**
 * porthole_test_fiu_ctrl:
 * @format: a libfiu remote control command, such as
 *   "enable name=posix/io/rw/write,failinfo=5" or "disable name=..."
 *
 * Sends the command to @daemon, started since porthole_test_fiu_begin(),
 * and asserts that libfiu took it. No run may be starting meanwhile
 * (see wait_for_startup_children()).
 */
void
porthole_test_fiu_ctrl (PortholeTestDaemon *daemon,
                        const char         *format,
                        ...)
{
  GPid pid = porthole_test_daemon_get_pid (daemon);
  g_autofree char *in_path = g_strdup_printf ("%s-%d.in", control_base, pid);
  g_autofree char *out_path = g_strdup_printf ("%s-%d.out", control_base, pid);
  g_autofree char *command = NULL;
  g_autofree char *line = NULL;
  char reply[32] = "";
  gsize got = 0;
  va_list args;
  int in, out;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strconcat (command, "\n", NULL);

  wait_for_startup_children (daemon);
  /* The pipes exist from before main(): opening one that does not would
   * block forever. libfiu's thread opens "in", then "out". */
  g_assert_true (g_file_test (in_path, G_FILE_TEST_EXISTS));
  in = open (in_path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (in, >=, 0);
  out = open (out_path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (out, >=, 0);
  write_all (in, line);
  while (got < sizeof reply - 1 && strchr (reply, '\n') == NULL)
    {
      gssize n = read (out, reply + got, sizeof reply - 1 - got);

      g_assert_cmpint (n, >, 0);
      got += n;
    }
  close (in);
  close (out);

  g_test_message ("fiu: %s -> %s", command, g_strchomp (reply));
  g_assert_cmpint (atoi (reply), ==, 0);
}
