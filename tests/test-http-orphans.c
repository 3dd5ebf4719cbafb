/* test-http-orphans.c — with child-subreaper=true, orphans of runs become
 * the daemon's children (as they do for PID 1 of a container) and it
 * reaps them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

/* /proc/PID/stat's parent and state, or FALSE once the pid is gone. */
static gboolean
read_parent (int   pid,
             int  *ppid,
             char *state)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *after;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
    return FALSE;
  return sscanf (after + 2, "%c %d", state, ppid) == 2;
}

/* A double fork: the shell prints its background child's pid and exits,
 * leaving that child (a sleeper, then a zombie) an orphan. */
static int
start_orphan (const char *seconds)
{
  g_autofree char *body = g_strdup_printf ("{\"command\":\"sh\",\"args\":[\"-c\","
                                           "\"sleep %s </dev/null >/dev/null 2>&1 & echo $!\"]}",
                                           seconds);
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL, body);
  const char *out;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (r->json, "exit_code"), ==, 0);
  out = json_object_get_string_member (r->json, "stdout");
  g_assert_nonnull (out);
  return atoi (out);
}

static void
test_orphan_is_reaped (void)
{
  GPid daemon_pid = porthole_test_daemon_get_pid (daemon_under_test);
  int orphan = start_orphan ("2");
  int ppid = 0;
  char state = '?';

  g_assert_cmpint (orphan, >, 0);
  /* Alive or already a zombie, it is the daemon's now, not init's. */
  if (read_parent (orphan, &ppid, &state))
    g_assert_cmpint (ppid, ==, daemon_pid);
  else
    g_test_message ("pid %d was gone before it could be looked at", orphan);

  /* Without a reaper it would stay a zombie, parented to the daemon,
   * as long as the daemon lives. */
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_exists (orphan));
  g_assert_true (porthole_test_pid_is_running (daemon_pid));
}

static void
test_many_orphans_are_reaped (void)
{
  int orphans[8];

  /* Several zombies at once, among the daemon's own children. */
  for (guint i = 0; i < G_N_ELEMENTS (orphans); i++)
    orphans[i] = start_orphan ("0.2");

  for (guint i = 0; i < G_N_ELEMENTS (orphans); i++)
    PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_exists (orphans[i]));

  /* Its own runs still report their exit status: the reaper left them
   * to their child watch. */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL,
                                                               "{\"command\":\"sh\",\"args\":[\"-c\",\"exit 7\"]}");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (r->json, "exit_code"), ==, 7);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_dir = NULL;
  g_autofree char *config = NULL;
  const char *args[] = { "--config", NULL, NULL };
  int ret;

  porthole_test_init (&argc, &argv);
  config_dir = porthole_test_make_tmpdir ();
  config = g_build_filename (config_dir, "portholed.conf", NULL);
  g_assert_true (g_file_set_contents (config, "[portholed]\nchild-subreaper=true\n", -1, NULL));
  args[1] = config;
  daemon_under_test = porthole_test_daemon_new (args);

  g_test_add_func ("/orphans/reaped", test_orphan_is_reaped);
  g_test_add_func ("/orphans/many-reaped", test_many_orphans_are_reaped);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  porthole_test_rm_rf (config_dir);
  return ret;
}
