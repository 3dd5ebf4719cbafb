/* test-http-output-bytes.c — output is data: NUL bytes and invalid UTF-8
 * reach the client whole on every route that returns output (API.md §1.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-json-nul.h"
#include "test-utils.h"

/* What the scripts below print: NUL bytes inside and at the end, and an
 * invalid byte, which becomes U+FFFD. */
#define PRINTF_SCRIPT "printf 'abc\\\\000def\\\\377\\\\000'"
static const char expected_bytes[] = "abc\0def\xEF\xBF\xBD";
#define EXPECTED_LENGTH (sizeof expected_bytes) /* with the final NUL */

static PortholeTestDaemon *daemon_under_test;

static void
assert_text_is_expected (const char *text)
{
  g_autoptr(GBytes) bytes = porthole_json_text_to_bytes (text, -1);
  g_autoptr(GBytes) expected = g_bytes_new_static (expected_bytes, EXPECTED_LENGTH);

  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* The wire form: \u0000, nothing cut, nothing said to be truncated. */
static void
assert_body (PortholeTestResponse *r,
             const char           *member)
{
  g_autofree char *body = g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
  g_autofree char *wire = g_strdup_printf ("\"%s\":\"abc\\u0000def\xEF\xBF\xBD\\u0000\"", member);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (strstr (body, wire));
  assert_text_is_expected (json_object_get_string_member (r->json, member));
}

static void
test_commands_run (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL,
                                                             "{\"command\":\"" PRINTF_SCRIPT "; " PRINTF_SCRIPT " >&2\"}");

  assert_body (r, "stdout");
  assert_body (r, "stderr");
  g_assert_false (json_object_get_boolean_member (r->json, "truncated"));
}

static void
test_execute (void)
{
  g_autoptr(PortholeTestResponse) bash = porthole_test_request (daemon_under_test, "POST", "/execute", NULL,
                                                                "{\"language\":\"bash\",\"code\":\"" PRINTF_SCRIPT "\"}");
  g_autoptr(PortholeTestResponse) python = porthole_test_request (daemon_under_test, "POST", "/execute", NULL,
                                                                  "{\"language\":\"python\",\"code\":"
                                                                  "\"import sys; sys.stdout.buffer.write(b'abc\\\\0def\\\\xff\\\\0')\"}");

  assert_body (bash, "stdout");
  g_assert_false (json_object_get_boolean_member (bash->json, "truncated"));
  assert_body (python, "stdout");
}

/* A kernel's output comes as JSON (iopub) already: \u0000 read there is
 * kept too. */
static void
test_kernel (void)
{
  g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon_under_test, "GET", "/health", NULL, NULL);
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (!json_object_get_boolean_member (json_object_get_object_member (health->json, "features"), "ipython_kernel"))
    {
      g_test_skip ("no ipykernel");
      return;
    }

  r = porthole_test_request (daemon_under_test, "POST", "/execute/ipython", NULL,
                             "{\"code\":\"import sys; sys.stdout.write('abc\\\\x00def\\\\x00'); sys.stdout.flush()\"}");
  g_assert_cmpuint (r->status, ==, 200);
  bytes = porthole_json_text_to_bytes (json_object_get_string_member (r->json, "stdout"), -1);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "abc\0def\0", 8);
}

/* A JSON string that holds \u0000 comes back whole through libporthole's
 * client, which reads with the same code. */
static void
test_client_reads_nul (void)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  json_object_set_string_member (body, "command", "printf 'abc\\000def\\377\\000'");
  porthole_client_call_async (daemon_under_test->client, "POST", "/commands/run", body, NULL,
                              porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  reply = porthole_client_call_finish (daemon_under_test->client, result, &error);
  g_assert_no_error (error);
  assert_text_is_expected (json_object_get_string_member (reply, "stdout"));
}

static void
check_stream (const char *path,
              const char *request)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, path, NULL);
  g_autoptr(GString) out = NULL;
  g_autoptr(GString) mirrored = NULL;

  porthole_test_socket_send (ws, request);
  porthole_test_socket_wait_closed (ws);
  out = porthole_test_socket_collect (ws, "stdout");
  mirrored = porthole_test_socket_collect (ws, "output");
  assert_text_is_expected (out->str);
  assert_text_is_expected (mirrored->str);
}

static void
test_streams (void)
{
  check_stream ("/commands/stream", "{\"type\":\"command\",\"command\":\"" PRINTF_SCRIPT "\"}");
  check_stream ("/execute/stream", "{\"type\":\"execute\",\"language\":\"bash\",\"code\":\"" PRINTF_SCRIPT "\"}");
}

static gboolean
background_done (const char *id)
{
  g_autoptr(JsonObject) process = porthole_test_find_process (daemon_under_test, id);

  g_assert_nonnull (process);
  return g_strcmp0 (json_object_get_string_member (process, "status"), "completed") == 0;
}

static void
test_background_output (void)
{
  g_autoptr(PortholeTestResponse) started = porthole_test_request (daemon_under_test, "POST", "/commands/background", NULL,
                                                                   "{\"command\":\"" PRINTF_SCRIPT "\"}");
  g_autoptr(JsonObject) process = NULL;
  const char *id;

  g_assert_cmpuint (started->status, ==, 200);
  id = json_object_get_string_member (started->json, "process_id");
  PORTHOLE_TEST_WAIT_UNTIL (background_done (id));

  process = porthole_test_find_process (daemon_under_test, id);
  assert_text_is_expected (json_object_get_string_member (process, "stdout"));
}

static gboolean
has_output (PortholeTestSocket *socket,
            const char         *text)
{
  return porthole_test_socket_has_text (socket, "output", text);
}

/* Both ways: the NUL a program prints, and a NUL typed (\u0000, Ctrl-@). */
static void
test_terminal (void)
{
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);
  g_autoptr(GString) all = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *p;

  porthole_test_socket_send (socket, "{\"type\":\"input\",\"data\":\"printf 'be''gin\\\\000x\\\\000\\\\n'\\n\"}");
  PORTHOLE_TEST_WAIT_UNTIL (has_output (socket, "begin") || socket->closed);
  all = porthole_test_socket_collect (socket, "output");
  bytes = porthole_json_text_to_bytes (all->str, all->len);
  p = memmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "begin\0x\0", 8);
  g_assert_nonnull (p);

  /* The line discipline passes a NUL on like any character. */
  porthole_test_socket_send (socket, "{\"type\":\"input\",\"data\":\"echo re''ady; head -c 4 | od -An -tx1 | tr -d ' ' | sed 's/^/od:/'\\n\"}");
  /* Printed once the shell runs the line, so readline reads no more. */
  PORTHOLE_TEST_WAIT_UNTIL (has_output (socket, "ready") || socket->closed);
  porthole_test_socket_send (socket, "{\"type\":\"input\",\"data\":\"a\\u0000b\\n\"}");
  PORTHOLE_TEST_WAIT_UNTIL (has_output (socket, "od:6100620a") || socket->closed);
  g_assert_true (has_output (socket, "od:6100620a"));

  porthole_test_socket_send (socket, "{\"type\":\"input\",\"data\":\"exit\\n\"}");
  porthole_test_socket_wait_closed (socket);
}

/* A text write that holds \u0000 writes the byte (it used to stop there). */
static void
test_files_write_nul (void)
{
  g_autofree char *path = g_build_filename (daemon_under_test->workspace, "nul.bin", NULL);
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/files/write", NULL,
                                                             "{\"path\":\"nul.bin\",\"content\":\"a\\u0000b\"}");
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, "a\0b", 3);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/output-bytes/commands-run", test_commands_run);
  g_test_add_func ("/output-bytes/execute", test_execute);
  g_test_add_func ("/output-bytes/kernel", test_kernel);
  g_test_add_func ("/output-bytes/client", test_client_reads_nul);
  g_test_add_func ("/output-bytes/streams", test_streams);
  g_test_add_func ("/output-bytes/background", test_background_output);
  g_test_add_func ("/output-bytes/terminal", test_terminal);
  g_test_add_func ("/output-bytes/files-write", test_files_write_nul);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
