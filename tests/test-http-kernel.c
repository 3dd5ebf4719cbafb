/* test-http-kernel.c — stateful Python in real Jupyter kernels:
 * /execute/ipython, `session` runs, /stream/ipython, /jupyter/sessions
 * (API.md §3.3, §3.8, §3.9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "porthole-json.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static JsonObject *
post (const char *path,
      const char *code,
      const char *extra)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), code);
  g_autofree char *quoted = porthole_json_to_string (node, NULL);
  g_autofree char *body = g_strdup_printf ("{\"code\":%s%s%s}", quoted, extra ? "," : "", extra ? extra : "");
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", path, NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (r->json);
}

static JsonObject *
ipython (const char *code,
         const char *extra)
{
  return post ("/execute/ipython", code, extra);
}


static JsonObject *
find_session (PortholeTestDaemon *daemon,
              const char         *name)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/jupyter/sessions", NULL, NULL);
  JsonArray *sessions = json_object_get_array_member (r->json, "sessions");

  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = json_array_get_object_element (sessions, i);

      if (g_strcmp0 (json_object_get_string_member (session, "name"), name) == 0)
        return json_object_ref (session);
    }

  return NULL;
}

static void
test_state (void)
{
  g_autoptr(JsonObject) first = ipython ("a = 10\na + 5", "\"language\":\"bash\"");
  g_autoptr(JsonObject) second = ipython ("print(a)\na * 2", NULL);
  g_autoptr(JsonObject) error = ipython ("def f():\n    raise ValueError('kernel error')\nf()", NULL);
  g_autoptr(JsonObject) exit3 = ipython ("import sys\nsys.exit(3)", NULL);
  g_autoptr(JsonObject) after = ipython ("a", NULL);

  /* The last expression is the result, not output; `language` is
   * ignored (always Python). */
  g_assert_true (json_object_get_boolean_member (first, "success"));
  g_assert_cmpstr (json_object_get_string_member (first, "result"), ==, "15");
  g_assert_cmpstr (json_object_get_string_member (first, "stdout"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (first, "language"), ==, "python");
  g_assert_cmpstr (json_object_get_string_member (second, "stdout"), ==, "10\n");
  g_assert_cmpstr (json_object_get_string_member (second, "result"), ==, "20");

  g_assert_cmpint (json_object_get_int_member (error, "exit_code"), ==, 1);
  g_assert_false (json_object_get_boolean_member (error, "success"));
  g_assert_nonnull (strstr (json_object_get_string_member (error, "stderr"), "ValueError: kernel error"));
  /* Plain text: no terminal colours. */
  g_assert_null (strchr (json_object_get_string_member (error, "stderr"), '\033'));

  g_assert_cmpint (json_object_get_int_member (exit3, "exit_code"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (after, "result"), ==, "10");
}

static void
test_sessions_are_separate (void)
{
  g_autoptr(JsonObject) set = post ("/execute", "x = 5", "\"session\":\"s1\"");
  g_autoptr(JsonObject) other = post ("/execute", "x = 7", "\"session\":\"s2\"");
  g_autoptr(JsonObject) get = post ("/execute", "x * 2", "\"session\":\"s1\"");
  g_autoptr(JsonObject) by_id = NULL;
  g_autoptr(JsonObject) fresh = post ("/execute", "print(x)", NULL);
  g_autoptr(JsonObject) session = find_session (daemon_under_test, "s2");
  g_autofree char *extra = NULL;

  g_assert_true (json_object_get_boolean_member (set, "success"));
  g_assert_true (json_object_get_boolean_member (other, "success"));
  g_assert_cmpstr (json_object_get_string_member (get, "result"), ==, "10");
  /* Without a session, a fresh process: nothing is shared. */
  g_assert_cmpint (json_object_get_int_member (fresh, "exit_code"), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (fresh, "stderr"), "NameError"));

  g_assert_nonnull (session);
  extra = g_strdup_printf ("\"kernel_id\":\"%s\"", json_object_get_string_member (session, "kernel_id"));
  by_id = post ("/execute", "x", extra);
  g_assert_cmpstr (json_object_get_string_member (by_id, "result"), ==, "7");
}

static void
test_workdir_and_env (void)
{
  g_autoptr(JsonObject) result = ipython ("import os\nprint(os.getcwd())\nos.environ['KERNEL_VAR']",
                                          "\"workdir\":\"kernel/dir\",\"env\":{\"KERNEL_VAR\":\"set\"}");
  g_autofree char *expected = g_build_filename (daemon_under_test->workspace, "kernel", "dir", NULL);
  g_autofree char *line = g_strconcat (expected, "\n", NULL);

  g_assert_cmpstr (json_object_get_string_member (result, "stdout"), ==, line);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "'set'");
}

static void
test_rich (void)
{
  g_autoptr(JsonObject) result = post ("/execute/rich",
                                       "import pandas as pd\n"
                                       "import matplotlib.pyplot as plt\n"
                                       "plt.plot([1, 2])\n"
                                       "pd.DataFrame({'a': [1, 2]})",
                                       "\"session\":\"rich\"");
  JsonArray *outputs = json_object_get_array_member (result, "rich_outputs");
  gboolean figure = FALSE;

  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (result, "html"), "<table"));
  g_assert_nonnull (json_object_get_string_member (result, "png"));
  for (guint i = 0; i < json_array_get_length (outputs); i++)
    {
      JsonObject *entry = json_array_get_object_element (outputs, i);
      JsonObject *metadata = json_object_get_object_member (entry, "metadata");

      if (g_strcmp0 (json_object_get_string_member (entry, "type"), "image/png") == 0 &&
          g_strcmp0 (json_object_get_string_member (metadata, "source"), "matplotlib") == 0)
        figure = TRUE;
    }
  g_assert_true (figure);
}

/* A timeout interrupts the cell; the kernel, and its state, stay. */
static void
test_interrupt_on_timeout (void)
{
  g_autoptr(JsonObject) set = ipython ("kept = 'still here'", NULL);
  g_autoptr(JsonObject) slow = ipython ("import time\ntime.sleep(60)", "\"timeout\":1");
  g_autoptr(JsonObject) after = ipython ("kept", NULL);

  g_assert_true (json_object_get_boolean_member (set, "success"));
  g_assert_cmpint (json_object_get_int_member (slow, "exit_code"), ==, 124);
  g_assert_true (json_object_get_boolean_member (slow, "timed_out"));
  g_assert_false (json_object_get_boolean_member (slow, "success"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (slow, "stderr"),
                                   "Execution timed out after 1 seconds\n"));
  g_assert_cmpstr (json_object_get_string_member (after, "result"), ==, "'still here'");
}

/* A cell that kills its kernel gets an answer; the next call a new kernel. */
static void
test_crash (void)
{
  g_autoptr(JsonObject) before = find_session (daemon_under_test, "default");
  g_autoptr(JsonObject) crash = ipython ("import os\nos._exit(7)", NULL);
  g_autoptr(JsonObject) next = ipython ("print('back')\n'kept' in dir()", NULL);
  g_autoptr(JsonObject) after = find_session (daemon_under_test, "default");
  int old_pid = json_object_get_int_member (before, "pid");

  g_assert_cmpint (json_object_get_int_member (crash, "exit_code"), ==, 7);
  g_assert_false (json_object_get_boolean_member (crash, "success"));
  g_assert_nonnull (strstr (json_object_get_string_member (crash, "stderr"), "kernel died"));
  g_assert_cmpstr (json_object_get_string_member (next, "stdout"), ==, "back\n");
  g_assert_cmpstr (json_object_get_string_member (next, "result"), ==, "False");
  g_assert_cmpint (json_object_get_int_member (after, "pid"), !=, old_pid);
  g_assert_false (porthole_test_pid_is_running (old_pid));
}

static void
test_sessions_listing (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/jupyter/sessions", NULL, NULL);
  g_autoptr(PortholeTestResponse) alias = porthole_test_request (daemon_under_test, "GET", "/jupyter/status", NULL, NULL);
  g_autoptr(JsonObject) session = find_session (daemon_under_test, "default");
  gint64 last_activity;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (r->json, "jupyter_available"));
  g_assert_cmpint (json_object_get_int_member (r->json, "count"), >=, 3);
  g_assert_nonnull (json_object_get_string_member (r->json, "status"));
  g_assert_nonnull (json_object_get_string_member (r->json, "timestamp"));
  g_assert_cmpuint (alias->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (alias->json, "count"), ==, json_object_get_int_member (r->json, "count"));

  g_assert_nonnull (session);
  g_assert_nonnull (json_object_get_string_member (session, "kernel_id"));
  g_assert_cmpstr (json_object_get_string_member (session, "execution_state"), ==, "idle");
  g_assert_cmpint (json_object_get_int_member (session, "connections"), ==, 0);
  g_assert_true (porthole_timestamp_parse (json_object_get_string_member (session, "last_activity"), &last_activity));
  g_assert_cmpint (ABS (last_activity - g_get_real_time ()), <, 600 * G_USEC_PER_SEC);
}

static void
test_stream (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/stream/ipython", NULL);
  g_autoptr(GString) out = NULL;
  JsonObject *result, *complete;

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"code\":\"import time\\nfor i in range(3):\\n    print(i, flush=True)\\n    time.sleep(0.05)\\n'done'\"}");
  porthole_test_socket_wait_closed (ws);

  g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  porthole_test_socket_wait_type (ws, "start");
  out = porthole_test_socket_collect (ws, "stdout");
  g_assert_cmpstr (out->str, ==, "0\n1\n2\n");
  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "'done'");
  g_assert_true (json_object_get_boolean_member (result, "success"));
  complete = porthole_test_socket_wait_type (ws, "complete");
  g_assert_true (g_ptr_array_index (ws->messages, ws->messages->len - 1) == complete);
}

static gboolean
stdout_contains (PortholeTestSocket *ws,
                 const char         *text)
{
  return porthole_test_socket_has_text (ws, "stdout", text);
}

static void
test_stream_session_and_cancel (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/execute/stream", NULL);
  g_autoptr(JsonObject) after = NULL;
  JsonObject *result;

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"session\":\"s1\",\"code\":\"import time\\nprint('waiting', flush=True)\\ntime.sleep(60)\"}");
  PORTHOLE_TEST_WAIT_UNTIL (stdout_contains (ws, "waiting"));
  porthole_test_socket_send (ws, "{\"type\":\"cancel\"}");
  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_false (json_object_get_boolean_member (result, "success"));
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 128 + SIGTERM);
  porthole_test_socket_wait_type (ws, "complete");

  /* Cancelled, not killed: the session keeps its state. */
  after = post ("/execute", "x * 3", "\"session\":\"s1\"");
  g_assert_cmpstr (json_object_get_string_member (after, "result"), ==, "15");
}

static gboolean
session_is_idle (const char *name)
{
  g_autoptr(JsonObject) session = find_session (daemon_under_test, name);

  return session != NULL && json_object_get_int_member (session, "connections") == 0 &&
         g_strcmp0 (json_object_get_string_member (session, "execution_state"), "idle") == 0;
}

static gboolean
session_is_busy (const char *name)
{
  g_autoptr(JsonObject) session = find_session (daemon_under_test, name);

  return session != NULL &&
         g_strcmp0 (json_object_get_string_member (session, "execution_state"), "busy") == 0;
}

/* An interrupt that lands in ipykernel's handler for a cell, not in the
 * cell's code, ends the request with "idle" and no execute_reply (as when
 * a stream's client leaves right after its request): the cell still
 * ends, cancelled, without a restart. A stand-in handler holds the next
 * request before the real one runs. */
static void
test_interrupt_outside_cell (void)
{
  g_autoptr(JsonObject) held = post ("/execute",
                                     "import inspect, time\n"
                                     "kernel = get_ipython().kernel\n"
                                     "real = kernel.shell_handlers['execute_request']\n"
                                     "async def held(*args):\n"
                                     "    kernel.shell_handlers['execute_request'] = real\n"
                                     "    time.sleep(120)\n"
                                     "    reply = real(*args)\n"
                                     "    return (await reply) if inspect.isawaitable(reply) else reply\n"
                                     "kernel.shell_handlers['execute_request'] = held\n"
                                     "kept = 'kept'\n",
                                     "\"session\":\"held\"");
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/execute/stream", NULL);
  g_autoptr(JsonObject) session = find_session (daemon_under_test, "held");
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) still = NULL;
  JsonObject *result;

  g_assert_cmpint (json_object_get_int_member (held, "exit_code"), ==, 0);
  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"session\":\"held\",\"code\":\"print('ran')\"}");
  PORTHOLE_TEST_WAIT_UNTIL (session_is_busy ("held"));
  porthole_test_socket_send (ws, "{\"type\":\"cancel\"}");
  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_false (json_object_get_boolean_member (result, "success"));
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 128 + SIGTERM);
  porthole_test_socket_wait_type (ws, "complete");
  g_assert_false (porthole_test_socket_has_text (ws, "stdout", "ran"));

  /* The same kernel, with its state. */
  after = post ("/execute", "kept", "\"session\":\"held\"");
  g_assert_cmpstr (json_object_get_string_member (after, "result"), ==, "'kept'");
  still = find_session (daemon_under_test, "held");
  g_assert_cmpstr (json_object_get_string_member (still, "kernel_id"), ==,
                   json_object_get_string_member (session, "kernel_id"));
  g_assert_cmpint (json_object_get_int_member (still, "pid"), ==, json_object_get_int_member (session, "pid"));
}

/* A client that goes away mid-cell gets its cell interrupted; the kernel
 * and its state stay. */
static void
test_stream_disconnect (void)
{
  g_autoptr(JsonObject) set = post ("/execute", "left = 'behind'", "\"session\":\"gone\"");
  g_autoptr(GSocketConnection) raw = NULL;
  g_autoptr(JsonObject) after = NULL;

  raw = porthole_test_raw_websocket (daemon_under_test, "/execute/stream",
                                     "{\"session\":\"gone\",\"code\":\"import time\\ntime.sleep(300)\"}");
  PORTHOLE_TEST_WAIT_UNTIL (!session_is_idle ("gone"));
  g_io_stream_close (G_IO_STREAM (raw), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (session_is_idle ("gone"));

  after = post ("/execute", "left", "\"session\":\"gone\"");
  g_assert_cmpstr (json_object_get_string_member (after, "result"), ==, "'behind'");
}

static gint64
session_connections (const char *name)
{
  g_autoptr(JsonObject) session = find_session (daemon_under_test, name);

  return session != NULL ? json_object_get_int_member (session, "connections") : -1;
}

/* A client that leaves while its cell waits behind another: the cell
 * never runs, and the daemon goes on (it used to hang for good, waiting
 * in the request's GCancellable for the handler it was running). */
static void
test_client_gone_while_queued (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *flag = g_build_filename (dir, "go", NULL);
  g_autofree char *wait_code = g_strdup_printf ("{\"session\":\"queue\",\"code\":\"import os, time\\n"
                                                "while not os.path.exists('%s'): time.sleep(0.02)\"}", flag);
  g_autoptr(JsonObject) set = post ("/execute", "waited = False", "\"session\":\"queue\"");
  g_autoptr(GSocketConnection) first = porthole_test_raw_websocket (daemon_under_test, "/execute/stream", wait_code);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) second = NULL;
  g_autoptr(PortholeTestResponse) health = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = "{\"session\":\"queue\",\"code\":\"waited = True\"}";
  g_autofree char *request = NULL;

  PORTHOLE_TEST_WAIT_UNTIL (session_connections ("queue") == 1);
  second = g_socket_client_connect_to_host (client, "127.0.0.1", daemon_under_test->port, NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /execute HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                             daemon_under_test->token, strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (second)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  PORTHOLE_TEST_WAIT_UNTIL (session_connections ("queue") == 2);
  g_io_stream_close (G_IO_STREAM (second), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (session_connections ("queue") == 1);

  health = porthole_test_request (daemon_under_test, "GET", "/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_true (g_file_set_contents (flag, "", 0, NULL));
  g_io_stream_close (G_IO_STREAM (first), NULL, NULL);
  after = post ("/execute", "waited", "\"session\":\"queue\"");
  g_assert_cmpstr (json_object_get_string_member (after, "result"), ==, "False");
  porthole_test_rm_rf (dir);
}

/* On SIGTERM the daemon shuts its kernels down. */
static void
test_shutdown (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "POST", "/execute/ipython", NULL,
                                                             "{\"code\":\"1 + 1\"}");
  g_autoptr(JsonObject) session = find_session (daemon, "default");
  int pid = json_object_get_int_member (session, "pid");

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (porthole_test_pid_is_running (pid));
  porthole_test_daemon_stop (daemon);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dirs = NULL;
  int ret;

  porthole_test_init (&argc, &argv);
  /* matplotlib keeps its cache in XDG directories. */
  dirs = porthole_test_use_private_xdg_dirs ();
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/kernel/state", test_state);
  g_test_add_func ("/kernel/sessions-are-separate", test_sessions_are_separate);
  g_test_add_func ("/kernel/workdir-and-env", test_workdir_and_env);
  g_test_add_func ("/kernel/rich", test_rich);
  g_test_add_func ("/kernel/interrupt-on-timeout", test_interrupt_on_timeout);
  g_test_add_func ("/kernel/crash", test_crash);
  g_test_add_func ("/kernel/sessions-listing", test_sessions_listing);
  g_test_add_func ("/kernel/stream", test_stream);
  g_test_add_func ("/kernel/stream-session-and-cancel", test_stream_session_and_cancel);
  g_test_add_func ("/kernel/stream-disconnect", test_stream_disconnect);
  g_test_add_func ("/kernel/interrupt-outside-cell", test_interrupt_outside_cell);
  g_test_add_func ("/kernel/client-gone-while-queued", test_client_gone_while_queued);
  g_test_add_func ("/kernel/shutdown", test_shutdown);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  porthole_test_rm_rf (dirs);
  return ret;
}
