/* test-http-terminal-limits.c — max-terminals and the descriptor budget
 * (SECURITY.md G5)
 *
 * A terminal past the cap is refused before the upgrade with 503 and the
 * contract's error body; a terminal that ends, either way, gives its slot
 * back; the cap is held to what RLIMIT_NOFILE has room for; children get
 * the limit the daemon was started with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test-utils.h"

static PortholeTestDaemon *
daemon_with_config (const char *contents)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "portholed.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config=", path, NULL);

  /* In the daemon's own directory, which goes with it. */
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return porthole_test_daemon_new_full (dir, (const char *[]) { config_arg, NULL }, TRUE);
}

static JsonObject *
activity (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/metrics/snapshot", NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (json_object_get_object_member (r->json, "activity"));
}

static gint64
open_terminals (PortholeTestDaemon *daemon)
{
  g_autoptr(JsonObject) now = activity (daemon);

  return json_object_get_int_member (now, "terminals");
}

/* @line is put in JSON as it is: no quotes or backslashes. */
static void
input (PortholeTestSocket *socket,
       const char         *line)
{
  g_autofree char *message = g_strdup_printf ("{\"type\":\"input\",\"data\":\"%s\\n\"}", line);

  porthole_test_socket_send (socket, message);
}

/* A working shell: a computed echo comes back (the typed line alone does
 * not carry the result). */
static void
assert_echoes (PortholeTestSocket *socket,
               guint               n)
{
  g_autofree char *line = g_strdup_printf ("echo alive-$((%u*7))", n);
  g_autofree char *expected = g_strdup_printf ("alive-%u", n * 7);

  input (socket, line);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_socket_has_text (socket, "output", expected) || socket->closed);
  g_assert_true (porthole_test_socket_has_text (socket, "output", expected));
}

/* The upgrade is refused before it happens: a 503 with the error body
 * (API.md §1.5), and the daemon goes on serving. */
static void
assert_refused (PortholeTestDaemon *daemon)
{
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(PortholeTestResponse) r = porthole_test_raw_upgrade (daemon, "/terminal", &conn);
  g_autoptr(PortholeTestResponse) health = NULL;

  porthole_test_assert_error_body (r, 503, "SERVICE_UNAVAILABLE");
  g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "Too many terminals"));
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "1");

  health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

static void
test_cap (void)
{
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config ("[portholed]\nmax-terminals=3\n");
  PortholeTestSocket *terms[3];
  g_autoptr(PortholeTestSocket) again = NULL;
  g_autoptr(JsonObject) full = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (terms); i++)
    {
      terms[i] = porthole_test_socket_open (daemon, "/terminal", NULL);
      assert_echoes (terms[i], i);
    }

  full = activity (daemon);
  g_assert_cmpint (json_object_get_int_member (full, "terminals"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (full, "max_terminals"), ==, 3);

  /* The fourth, twice: a refusal holds no slot. */
  assert_refused (daemon);
  assert_refused (daemon);
  g_assert_cmpint (open_terminals (daemon), ==, 3);

  /* The open ones still work. */
  for (guint i = 0; i < G_N_ELEMENTS (terms); i++)
    assert_echoes (terms[i], 10 + i);

  /* The client closes one: its slot is free again. */
  g_clear_pointer (&terms[1], porthole_test_socket_free);
  PORTHOLE_TEST_WAIT_UNTIL (open_terminals (daemon) == 2);
  again = porthole_test_socket_open (daemon, "/terminal", NULL);
  assert_echoes (again, 20);
  assert_refused (daemon);

  g_clear_pointer (&terms[0], porthole_test_socket_free);
  g_clear_pointer (&terms[2], porthole_test_socket_free);
  g_clear_pointer (&again, porthole_test_socket_free);
  PORTHOLE_TEST_WAIT_UNTIL (open_terminals (daemon) == 0);
}

/* A shell that exits by itself, or is killed, ends its terminal and
 * frees the slot. */
static void
test_shell_exit_frees_slot (void)
{
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config ("[portholed]\nmax-terminals=2\n");
  g_autoptr(PortholeTestSocket) first = porthole_test_socket_open (daemon, "/terminal", NULL);
  g_autoptr(PortholeTestSocket) second = porthole_test_socket_open (daemon, "/terminal", NULL);
  g_autoptr(PortholeTestSocket) third = NULL;
  g_autoptr(PortholeTestSocket) fourth = NULL;

  assert_echoes (first, 1);
  assert_echoes (second, 2);
  assert_refused (daemon);

  input (first, "exit 3");
  porthole_test_socket_wait_closed (first);
  g_assert_cmpint (json_object_get_int_member (porthole_test_socket_wait_type (first, "exit"), "code"), ==, 3);
  PORTHOLE_TEST_WAIT_UNTIL (open_terminals (daemon) == 1);
  third = porthole_test_socket_open (daemon, "/terminal", NULL);
  assert_echoes (third, 3);
  assert_refused (daemon);

  input (second, "kill -KILL $$");
  porthole_test_socket_wait_closed (second);
  PORTHOLE_TEST_WAIT_UNTIL (open_terminals (daemon) == 1);
  fourth = porthole_test_socket_open (daemon, "/terminal", NULL);
  assert_echoes (fourth, 4);
  assert_refused (daemon);
}

/* A client that goes without a word (no close frame) frees its slot
 * too, once its shell is gone. */
static void
test_hangup_frees_slot (void)
{
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config ("[portholed]\nmax-terminals=1\n");
  g_autoptr(GSocketConnection) raw = porthole_test_raw_websocket (daemon, "/terminal", NULL);
  g_autoptr(PortholeTestSocket) next = NULL;

  g_assert_cmpint (open_terminals (daemon), ==, 1);
  assert_refused (daemon);

  g_io_stream_close (G_IO_STREAM (raw), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (open_terminals (daemon) == 0);
  next = porthole_test_socket_open (daemon, "/terminal", NULL);
  assert_echoes (next, 5);
}

/* The soft RLIMIT_NOFILE of @pid, from /proc. */
static guint64
soft_fd_limit (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/limits", pid);
  g_autofree char *contents = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  line = strstr (contents, "Max open files");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("Max open files"), NULL, 10);
}

/* Started with a low soft limit, the daemon raises its own to the hard
 * one, and its children get the low one back (select() breaks past
 * FD_SETSIZE). */
static void
test_children_get_inherited_limit (void)
{
  g_auto(GStrv) wrapper = porthole_test_get_daemon_wrapper ();
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(PortholeTestSocket) socket = NULL;
  struct rlimit saved, low;

  /* Valgrind keeps its own idea of the limit and descriptors of its own. */
  if (wrapper != NULL)
    {
      g_test_skip ("the daemon runs under a wrapper (valgrind) with its own view of RLIMIT_NOFILE");
      return;
    }
  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &saved));
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 2048)
    {
      g_test_skip ("the hard RLIMIT_NOFILE is too low to tell a raised soft limit from 1024");
      return;
    }

  low = (struct rlimit) { 1024, saved.rlim_max };
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &low));
  daemon = porthole_test_daemon_new (NULL);
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &saved));

  g_assert_cmpuint (soft_fd_limit (porthole_test_daemon_get_pid (daemon)), ==, saved.rlim_max);

  socket = porthole_test_socket_open (daemon, "/terminal", NULL);
  input (socket, "echo soft=$(ulimit -Sn).");
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_socket_has_text (socket, "output", "soft=1024.") || socket->closed);
  g_assert_true (porthole_test_socket_has_text (socket, "output", "soft=1024."));
}

/* Started where the default max-terminals (1000, 4256 descriptors) does
 * not fit, the daemon serves what does. */
static void
cap_fits_fd_limit (void)
{
  /* Room for five terminals beside the reserve. */
  struct rlimit limit = { 256 + 4 * 5, 256 + 4 * 5 };
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_test_socket_free);
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(PortholeTestResponse) prometheus = NULL;
  g_autofree char *series = NULL;
  guint64 soft;
  gint64 max;

  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &limit));
  daemon = porthole_test_daemon_new (NULL);
  soft = soft_fd_limit (porthole_test_daemon_get_pid (daemon));
  g_assert_cmpuint (soft, ==, limit.rlim_max);

  now = activity (daemon);
  max = json_object_get_int_member (now, "max_terminals");
  g_assert_cmpint (max, ==, (gint64) (soft - 256) / 4);
  prometheus = porthole_test_request (daemon, "GET", "/metrics/prometheus", NULL, NULL);
  series = g_strdup_printf ("\nhopx_agent_max_terminals %" G_GINT64_FORMAT "\n", max);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (prometheus->body, NULL), g_bytes_get_size (prometheus->body),
                                  series));

  for (gint64 i = 0; i < max; i++)
    {
      g_ptr_array_add (terms, porthole_test_socket_open (daemon, "/terminal", NULL));
      assert_echoes (g_ptr_array_index (terms, i), i);
    }
  assert_refused (daemon);
}

static void
test_cap_fits_fd_limit (void)
{
  g_auto(GStrv) wrapper = porthole_test_get_daemon_wrapper ();

  if (wrapper != NULL)
    {
      g_test_skip ("the daemon runs under a wrapper (valgrind) with its own view of RLIMIT_NOFILE");
      return;
    }

  /* In a process of its own: a hard limit, once lowered, stays so. */
  if (g_test_subprocess ())
    {
      cap_fits_fd_limit ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/terminal-limits/cap", test_cap);
  g_test_add_func ("/terminal-limits/shell-exit-frees-slot", test_shell_exit_frees_slot);
  g_test_add_func ("/terminal-limits/hangup-frees-slot", test_hangup_frees_slot);
  g_test_add_func ("/terminal-limits/children-get-inherited-limit", test_children_get_inherited_limit);
  g_test_add_func ("/terminal-limits/cap-fits-fd-limit", test_cap_fits_fd_limit);

  return g_test_run ();
}
