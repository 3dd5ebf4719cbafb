/* test-execute-soak.c — a thousand short runs leave nothing behind in the
 * daemon: no zombie children, no leaked descriptors (SECURITY.md G4, G10)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-utils.h"

#define RUNS 1000

/* Children of @parent that have exited but were not reaped. */
static guint
count_zombies (GPid parent)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint zombies = 0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", name);
      g_autofree char *stat = NULL;
      const char *after;
      char state;
      int ppid;

      if (atoi (name) <= 0 || !g_file_get_contents (path, &stat, NULL, NULL) ||
          (after = strrchr (stat, ')')) == NULL || sscanf (after + 2, "%c %d", &state, &ppid) != 2)
        continue;
      if (ppid == parent && state == 'Z')
        zombies++;
    }

  return zombies;
}

static void
run (PortholeTestDaemon *daemon,
     const char         *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "POST", "/execute", NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (r->json, "exit_code"), ==, 0);
}

static void
test_soak (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  GPid pid = porthole_test_daemon_get_pid (daemon);
  const char *bodies[] = {
    "{\"language\":\"bash\",\"code\":\"echo $((6 * 7))\"}",
    "{\"language\":\"sh\",\"code\":\"sleep 0.001 & echo backgrounded\"}",
    "{\"language\":\"python\",\"code\":\"print(1)\\n2 + 2\"}",
  };
  guint before, after;

  /* Warm up: what the daemon opens once (runner, caches) is open now. */
  for (guint i = 0; i < 20; i++)
    run (daemon, bodies[i % 3]);
  before = porthole_test_count_fds (pid);

  for (guint i = 0; i < RUNS; i++)
    run (daemon, bodies[i % 3]);

  /* Let drains and kills finish. */
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_count_fds (pid) <= before && count_zombies (pid) == 0);
  after = porthole_test_count_fds (pid);
  g_test_message ("descriptors: %u before, %u after %u runs", before, after, RUNS);
  g_assert_cmpuint (after, <=, before);
  g_assert_cmpuint (count_zombies (pid), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/execute/soak", test_soak);

  return g_test_run ();
}
