/* test-http-commands.c — the /commands routes, /execute/processes and the kill
 * forms (API.md §3.6, §3.7, §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static JsonObject *
run (const char *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (r->json);
}

static void
test_run_forms (void)
{
  /* What both SDKs send: bash with -c. */
  g_autoptr(JsonObject) sdk = run ("{\"command\":\"bash\",\"args\":[\"-c\",\"echo out; echo err >&2; exit 1\"],\"timeout\":30}");
  g_autoptr(JsonObject) shell = run ("{\"command\":\"echo a b c | wc -w\"}");
  g_autoptr(JsonObject) argv = run ("{\"command\":\"printf\",\"args\":[\"%s|\",\"a b\",\"$HOME\"]}");

  g_assert_cmpstr (json_object_get_string_member (sdk, "stdout"), ==, "out\n");
  g_assert_cmpstr (json_object_get_string_member (sdk, "stderr"), ==, "err\n");
  g_assert_cmpint (json_object_get_int_member (sdk, "exit_code"), ==, 1);
  g_assert_false (json_object_get_boolean_member (sdk, "success"));
  g_assert_false (json_object_get_boolean_member (sdk, "timed_out"));
  g_assert_cmpint (json_object_get_int_member (sdk, "pid"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (sdk, "command"), ==, "bash -c echo out; echo err >&2; exit 1");
  g_assert_nonnull (json_object_get_string_member (sdk, "timestamp"));
  g_assert_cmpfloat (json_object_get_double_member (sdk, "execution_time"), >=, 0.0);

  g_assert_cmpstr (g_strstrip ((char *) json_object_get_string_member (shell, "stdout")), ==, "3");
  g_assert_true (json_object_get_boolean_member (shell, "success"));
  /* Without a shell nothing is expanded. */
  g_assert_cmpstr (json_object_get_string_member (argv, "stdout"), ==, "a b|$HOME|");
}

static void
test_missing_programs (void)
{
  g_autoptr(JsonObject) direct = run ("{\"command\":\"no-such-program-here\",\"args\":[]}");
  g_autoptr(JsonObject) shell = run ("{\"command\":\"no-such-program-here\"}");

  g_assert_cmpint (json_object_get_int_member (direct, "exit_code"), ==, 127);
  g_assert_nonnull (strstr (json_object_get_string_member (direct, "stderr"), "not found"));
  g_assert_cmpint (json_object_get_int_member (shell, "exit_code"), ==, 127);
}

static void
test_workdir_and_env (void)
{
  g_autoptr(PortholeTestResponse) patch = porthole_test_request (daemon_under_test, "PATCH", "/env", NULL,
                                                                 "{\"env_vars\":{\"MANAGED\":\"from-env\",\"BOTH\":\"managed\"}}");
  g_autoptr(JsonObject) pwd = run ("{\"command\":\"pwd\",\"workdir\":\"nested/dir\"}");
  g_autoptr(JsonObject) synonym = run ("{\"command\":\"pwd\",\"working_dir\":\"/tmp\"}");
  g_autoptr(JsonObject) env = run ("{\"command\":\"echo $MANAGED $BOTH $ONLY\",\"env\":{\"BOTH\":\"request\",\"ONLY\":\"here\"}}");
  g_autofree char *nested = g_build_filename (daemon_under_test->workspace, "nested", "dir", NULL);
  g_autofree char *expected = g_strconcat (nested, "\n", NULL);
  g_autoptr(PortholeTestResponse) bad_dir = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL,
                                                                   "{\"command\":\"pwd\",\"workdir\":\"/proc/self/nope\"}");
  g_autoptr(PortholeTestResponse) bad_env = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL,
                                                                   "{\"command\":\"true\",\"env\":{\"N\":1}}");

  g_assert_cmpuint (patch->status, ==, 200);
  /* Relative paths resolve against the workspace, which is created. */
  g_assert_cmpstr (json_object_get_string_member (pwd, "stdout"), ==, expected);
  g_assert_cmpstr (json_object_get_string_member (synonym, "stdout"), ==, "/tmp\n");
  /* request env > managed /env > base */
  g_assert_cmpstr (json_object_get_string_member (env, "stdout"), ==, "from-env request here\n");
  porthole_test_assert_error_body (bad_dir, 400, "INVALID_PATH");
  porthole_test_assert_error_body (bad_env, 400, "INVALID_REQUEST");
}

static void
test_bad_input (void)
{
  const struct { const char *body; const char *code; } cases[] = {
    { "{}", "MISSING_PARAMETER" },
    { "{\"command\":\"\"}", "MISSING_PARAMETER" },
    { "{\"command\":\"ls\",\"args\":\"-l\"}", "INVALID_REQUEST" },
    { "{\"command\":\"ls\",\"args\":[1]}", "INVALID_REQUEST" },
    { "{\"command\":\"ls\",\"timeout\":\"soon\"}", "INVALID_REQUEST" },
    { "{\"command\":", "INVALID_JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL, cases[i].body);

      porthole_test_assert_error_body (r, 400, cases[i].code);
    }
}

static void
test_timeout_kills_tree (void)
{
  g_autofree char *pid_file = g_build_filename (daemon_under_test->tmpdir, "setsid.pid", NULL);
  g_autofree char *body = g_strdup_printf ("{\"command\":\"setsid sleep 300 & echo $! > %s; sleep 300\",\"timeout\":1}", pid_file);
  g_autoptr(JsonObject) result = run (body);
  int grandchild = porthole_test_read_pid_file (pid_file);

  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 124);
  g_assert_true (json_object_get_boolean_member (result, "timed_out"));
  g_assert_false (json_object_get_boolean_member (result, "success"));
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (grandchild));
}

/* A backgrounded child holding stdout must not hold the answer: with the
 * bug, this request would take 300 s and the test would time out. */
static void
test_background_child_does_not_hang (void)
{
  g_autoptr(JsonObject) result = run ("{\"command\":\"sleep 300 & echo $!; echo done\"}");
  g_auto(GStrv) lines = g_strsplit (json_object_get_string_member (result, "stdout"), "\n", -1);
  int background = atoi (lines[0]);

  g_assert_cmpstr (lines[1], ==, "done");
  g_assert_true (porthole_test_pid_is_running (background));
  kill (background, SIGKILL);
}

static void
test_output_cap (void)
{
  g_autoptr(JsonObject) result = run ("{\"command\":\"head -c 11000000 /dev/zero | tr '\\\\000' x\"}");

  g_assert_true (json_object_get_boolean_member (result, "truncated"));
  g_assert_cmpuint (strlen (json_object_get_string_member (result, "stdout")), ==, 10 * 1024 * 1024);
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 0);
}

static JsonObject *
find_process (const char *id)
{
  return porthole_test_find_process (daemon_under_test, id);
}

static JsonObject *
wait_for_status (const char *id,
                 const char *status)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonObject) entry = find_process (id);

      g_assert_nonnull (entry);
      if (g_strcmp0 (json_object_get_string_member (entry, "status"), status) == 0)
        return g_steal_pointer (&entry);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
}

static void
test_background_listed (void)
{
  g_autoptr(PortholeTestResponse) started = porthole_test_request (daemon_under_test, "POST", "/commands/background", NULL,
                                                                   "{\"command\":\"echo started; sleep 0.5; echo finished\",\"name\":\"worker\"}");
  const char *id;
  g_autoptr(JsonObject) running = NULL;
  g_autoptr(JsonObject) done = NULL;
  const char *fields[] = { "process_id", "id", "execution_id", "type", "name", "language", "status",
                           "start_time", "started_at", "workdir", "stdout", "stderr" };

  g_assert_cmpuint (started->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (started->json, "success"));
  g_assert_cmpstr (json_object_get_string_member (started->json, "status"), ==, "running");
  g_assert_cmpstr (json_object_get_string_member (started->json, "name"), ==, "worker");
  g_assert_cmpint (json_object_get_int_member (started->json, "pid"), >, 0);
  id = json_object_get_string_member (started->json, "process_id");
  g_assert_cmpstr (id, !=, json_object_get_string_member (started->json, "execution_id"));

  running = find_process (id);
  g_assert_nonnull (running);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (json_object_has_member (running, fields[i]));
  g_assert_cmpstr (json_object_get_string_member (running, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (running, "type"), ==, "command");
  g_assert_cmpstr (json_object_get_string_member (running, "language"), ==, "");

  done = wait_for_status (id, "completed");
  g_assert_cmpstr (json_object_get_string_member (done, "stdout"), ==, "started\nfinished\n");
  g_assert_cmpint (json_object_get_int_member (done, "exit_code"), ==, 0);
  g_assert_nonnull (json_object_get_string_member (done, "end_time"));
}

static char *
start_sleeper (GPid *pid)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/background", NULL,
                                                             "{\"command\":\"sleep 300\"}");

  g_assert_cmpuint (r->status, ==, 200);
  if (pid != NULL)
    *pid = json_object_get_int_member (r->json, "pid");
  return g_strdup (json_object_get_string_member (r->json, "process_id"));
}

static void
test_kill_forms (void)
{
  for (guint form = 0; form < 7; form++)
    {
      GPid pid;
      g_autofree char *id = start_sleeper (&pid);
      g_autoptr(JsonObject) entry = find_process (id);
      g_autoptr(PortholeTestResponse) r = NULL;
      g_autoptr(JsonObject) after = NULL;
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      const char *method = "POST";

      switch (form)
        {
        case 0: method = "DELETE"; path = g_strdup_printf ("/execute/kill?process_id=%s", id); break;
        case 1: method = "DELETE"; path = g_strdup ("/execute/kill"); body = g_strdup_printf ("{\"process_id\":\"%s\"}", id); break;
        case 2: path = g_strdup_printf ("/execute/kill/%s", id); break;
        case 3: path = g_strdup_printf ("/processes/%s/kill", id); break;
        case 4: path = g_strdup ("/execute/kill"); body = g_strdup_printf ("{\"process_id\":\"%s\"}", id); break;
        case 5: method = "DELETE"; path = g_strdup_printf ("/execute/kill/%s", json_object_get_string_member (entry, "execution_id")); break;
        default: path = g_strdup_printf ("/execute/kill/%d", pid); break;
        }

      r = porthole_test_request (daemon_under_test, method, path, NULL, body);
      g_test_message ("%s %s", method, path);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_true (json_object_get_boolean_member (r->json, "success"));
      g_assert_cmpstr (json_object_get_string_member (r->json, "status"), ==, "killed");
      g_assert_cmpstr (json_object_get_string_member (r->json, "process_id"), ==, id);
      /* Killed before the answer, as the SDK tests poll for it. */
      after = find_process (id);
      g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "killed");
      PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
    }
}

static void
test_kill_errors (void)
{
  g_autoptr(PortholeTestResponse) missing = porthole_test_request (daemon_under_test, "DELETE", "/execute/kill", NULL, NULL);
  g_autoptr(PortholeTestResponse) unknown = porthole_test_request (daemon_under_test, "POST", "/execute/kill/proc_nothere", NULL, NULL);
  g_autoptr(PortholeTestResponse) init = porthole_test_request (daemon_under_test, "POST", "/execute/kill/1", NULL, NULL);
  g_autofree char *own = g_strdup_printf ("/execute/kill/%d", porthole_test_daemon_get_pid (daemon_under_test));
  g_autoptr(PortholeTestResponse) self = porthole_test_request (daemon_under_test, "POST", own, NULL, NULL);

  porthole_test_assert_error_body (missing, 400, "MISSING_PARAMETER");
  porthole_test_assert_error_body (unknown, 404, "PROCESS_NOT_FOUND");
  g_assert_nonnull (strstr (json_object_get_string_member (unknown->json, "message"), "not found"));
  porthole_test_assert_error_body (init, 403, "PERMISSION_DENIED");
  porthole_test_assert_error_body (self, 403, "PERMISSION_DENIED");

  /* An id with the word "sandbox" would make JS raise
   * SandboxExpiredError: it stays out of a 404 message. */
  {
    g_autoptr(PortholeTestResponse) named = porthole_test_request (daemon_under_test, "POST", "/execute/kill/my-Sandbox-job", NULL, NULL);

    porthole_test_assert_error_body (named, 404, "PROCESS_NOT_FOUND");
    g_assert_cmpstr (json_object_get_string_member (named->json, "message"), ==, "Process not found");
  }
}

static void
test_stream (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/commands/stream", NULL);
  g_autoptr(GString) out = NULL;
  g_autoptr(GString) err = NULL;
  g_autoptr(GString) mirrored = NULL;
  JsonObject *result, *complete, *last;

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"command\":\"bash\",\"args\":[\"-c\",\"for i in 1 2 3; do echo line$i; sleep 0.05; done; echo oops >&2; exit 2\"]}");
  porthole_test_socket_wait_closed (ws);

  g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  out = porthole_test_socket_collect (ws, "stdout");
  err = porthole_test_socket_collect (ws, "stderr");
  mirrored = porthole_test_socket_collect (ws, "output");
  g_assert_cmpstr (out->str, ==, "line1\nline2\nline3\n");
  g_assert_cmpstr (err->str, ==, "oops\n");
  g_assert_cmpuint (mirrored->len, ==, out->len + err->len);

  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 2);
  g_assert_false (json_object_get_boolean_member (result, "success"));
  g_assert_false (json_object_get_boolean_member (result, "timed_out"));
  complete = porthole_test_socket_wait_type (ws, "complete");
  g_assert_false (json_object_get_boolean_member (complete, "success"));
  g_assert_cmpint (json_object_get_int_member (complete, "exit_code"), ==, 2);
  /* complete is always last */
  last = g_ptr_array_index (ws->messages, ws->messages->len - 1);
  g_assert_true (last == complete);
}

static void
test_stream_cancel_and_disconnect (void)
{
  porthole_test_check_stream_cancel (daemon_under_test, "/commands/stream",
                                     "{\"command\":\"echo $$ > PID_FILE; exec sleep 300\"}");
}

static gint64
written_by (gpointer pid)
{
  return porthole_test_written_bytes (GPOINTER_TO_INT (pid));
}

/* What a client that never reads may cost the daemon: its channel's
 * queue (PORTHOLE_WS_CHANNEL_HIGH_WATER, 1 MiB) and the chunk being
 * coalesced (64 KiB, and its frames), twice over for the allocator's
 * slack (SECURITY.md G11). */
#define MEMORY_BOUND (4 * 1024 * 1024)

/* A client that opens a stream on a command printing without end and
 * never reads a byte: the command is made to wait once the channel's
 * queue is full (1 MiB high-water mark, plus a 64 KiB chunk and its
 * mirror), the daemon's memory grows by no more than that (the rest
 * waits in the kernel's socket buffers and the pipe), and other clients
 * are served meanwhile. */
static void
test_stream_unread (void)
{
  PortholeTestDaemon *daemon = daemon_under_test;
  g_autofree char *pid_file = g_build_filename (daemon->tmpdir, "flood.pid", NULL);
  g_autofree char *flood = g_strdup_printf ("{\"type\":\"execute\",\"command\":"
                                            "\"echo $$ > %s; exec yes porthole-flood\",\"timeout\":120}",
                                            pid_file);
  g_autoptr(GSocketConnection) unread = NULL;
  gsize rss_before, rss_during, rss_after;
  gint64 written, written_later;
  gint64 started;
  int pid;

  /* Warm up: a stream of 2 MB read to its end. */
  {
    g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon, "/commands/stream", NULL);

    porthole_test_socket_send (ws, "{\"type\":\"execute\",\"command\":\"seq 1 300000\"}");
    porthole_test_socket_wait_type (ws, "complete");
  }
  rss_before = porthole_test_daemon_get_rss (daemon);

  g_unlink (pid_file);
  unread = porthole_test_raw_websocket (daemon, "/commands/stream", flood);
  pid = porthole_test_read_pid_file (pid_file);
  written = porthole_test_wait_still (written_by, GINT_TO_POINTER (pid));
  rss_during = porthole_test_daemon_get_rss (daemon);

  /* Served meanwhile: /health, and another stream read to its end. */
  started = g_get_monotonic_time ();
  {
    g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }
  g_test_message ("/health answered in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - started) / 1000);
  {
    g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon, "/commands/stream", NULL);
    g_autoptr(GString) out = NULL;

    porthole_test_socket_send (ws, "{\"type\":\"execute\",\"command\":\"seq 1 300000\"}");
    porthole_test_socket_wait_type (ws, "complete");
    out = porthole_test_socket_collect (ws, "stdout");
    g_assert_true (g_str_has_suffix (out->str, "\n299999\n300000\n"));
  }
  g_test_message ("a second stream of 2 MB read in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);

  /* The command still waits where it stopped. */
  written_later = porthole_test_written_bytes (pid);
  rss_after = porthole_test_daemon_get_rss (daemon);
  g_test_message ("command wrote %" G_GINT64_FORMAT " KiB and waits (%" G_GINT64_FORMAT " KiB later); "
                  "daemon RSS %zu KiB before, %zu KiB held up, %zu KiB after serving another stream",
                  written / 1024, written_later / 1024, rss_before / 1024, rss_during / 1024, rss_after / 1024);
  g_assert_cmpint (written_later, ==, written);
  /* The queue filled: every byte goes out twice (stdout and its output
   * mirror), so half its 1 MiB mark of output reaches it. */
  g_assert_cmpint (written, >, 512 * 1024);
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    {
      g_assert_cmpuint (rss_during, <, rss_before + MEMORY_BOUND);
      g_assert_cmpuint (rss_after, <, rss_before + MEMORY_BOUND);
    }

  /* Going away takes the command with it. */
  g_io_stream_close (G_IO_STREAM (unread), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
}

static void
test_stream_bad_request (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/commands/stream", NULL);
  JsonObject *error;

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"command\":\"\"}");
  porthole_test_socket_wait_closed (ws);
  error = porthole_test_socket_wait_type (ws, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "MISSING_PARAMETER");
  porthole_test_socket_wait_type (ws, "complete");

  /* An unknown first message, or one that is not JSON, is an error too;
   * text that is not JSON also closes with 1007. */
  {
    const struct { const char *text; const char *code; gushort close_code; } cases[] = {
      { "{\"type\":\"dance\",\"command\":\"true\"}", "INVALID_REQUEST", SOUP_WEBSOCKET_CLOSE_NORMAL },
      { "ls -l", "INVALID_JSON", SOUP_WEBSOCKET_CLOSE_BAD_DATA },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(PortholeTestSocket) other = porthole_test_socket_open (daemon_under_test, "/commands/stream", NULL);

        porthole_test_socket_send (other, cases[i].text);
        porthole_test_socket_wait_closed (other);
        error = porthole_test_socket_wait_type (other, "error");
        g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, cases[i].code);
        porthole_test_socket_wait_type (other, "complete");
        g_assert_cmpuint (other->close_code, ==, cases[i].close_code);
      }
  }
}

/* Managed /env variables reach background runs and streams too. */
static void
test_managed_env_everywhere (void)
{
  g_autofree char *out_file = g_build_filename (daemon_under_test->tmpdir, "bg-env.txt", NULL);
  g_autofree char *body = g_strdup_printf ("{\"command\":\"echo $EVERYWHERE > %s.tmp && mv %s.tmp %s\"}",
                                           out_file, out_file, out_file);
  g_autoptr(PortholeTestResponse) patch = porthole_test_request (daemon_under_test, "PATCH", "/env", NULL,
                                                                 "{\"env_vars\":{\"EVERYWHERE\":\"managed-value\"}}");
  g_autoptr(PortholeTestResponse) background = porthole_test_request (daemon_under_test, "POST", "/commands/background",
                                                                      NULL, body);
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/commands/stream", NULL);
  g_autoptr(GString) out = NULL;
  g_autofree char *contents = NULL;

  g_assert_cmpuint (patch->status, ==, 200);
  g_assert_cmpuint (background->status, ==, 200);
  PORTHOLE_TEST_WAIT_UNTIL (g_file_get_contents (out_file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "managed-value\n");

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"command\":\"echo $EVERYWHERE\"}");
  porthole_test_socket_wait_closed (ws);
  out = porthole_test_socket_collect (ws, "stdout");
  g_assert_cmpstr (out->str, ==, "managed-value\n");
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/commands/run-forms", test_run_forms);
  g_test_add_func ("/commands/missing-programs", test_missing_programs);
  g_test_add_func ("/commands/workdir-and-env", test_workdir_and_env);
  g_test_add_func ("/commands/bad-input", test_bad_input);
  g_test_add_func ("/commands/timeout-kills-tree", test_timeout_kills_tree);
  g_test_add_func ("/commands/background-child-does-not-hang", test_background_child_does_not_hang);
  g_test_add_func ("/commands/output-cap", test_output_cap);
  g_test_add_func ("/commands/background-listed", test_background_listed);
  g_test_add_func ("/commands/kill-forms", test_kill_forms);
  g_test_add_func ("/commands/kill-errors", test_kill_errors);
  g_test_add_func ("/commands/stream", test_stream);
  g_test_add_func ("/commands/stream-cancel-and-disconnect", test_stream_cancel_and_disconnect);
  g_test_add_func ("/commands/stream-bad-request", test_stream_bad_request);
  g_test_add_func ("/commands/stream-unread", test_stream_unread);
  g_test_add_func ("/commands/managed-env-everywhere", test_managed_env_everywhere);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
