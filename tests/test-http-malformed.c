/* test-http-malformed.c — hostile JSON: nesting, mistyped fields and
 * malformed first messages (issue 16, items 1 and 11)
 *
 * The daemon under test turns GLib criticals into aborts (test-utils.c),
 * so a field read without a type check fails these tests instead of
 * logging Json-CRITICAL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static void
assert_alive (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/health", "", NULL);

  g_assert_false (daemon_under_test->exited);
  g_assert_cmpuint (r->status, ==, 200);
}

/* 100 000 '[' crashed every JSON route (SIGSEGV in json-glib's parser);
 * now they are one more invalid body. */
static void
test_deep_bodies (void)
{
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *deep_objects = NULL;
  g_autoptr(GString) objects = g_string_new (NULL);
  const struct { const char *method; const char *path; } routes[] = {
    { "PUT", "/env" },
    { "PATCH", "/env" },
    { "POST", "/commands/run" },
    { "POST", "/commands/background" },
    { "POST", "/files/write" },
    { "POST", "/execute" },
    { "POST", "/execute/background" },
  };

  for (guint i = 0; i < 50000; i++)
    g_string_append (objects, "{\"a\":");
  deep_objects = g_string_free (g_steal_pointer (&objects), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, routes[i].method,
                                                                 routes[i].path, NULL, deep);
      g_autoptr(PortholeTestResponse) o = porthole_test_request (daemon_under_test, routes[i].method,
                                                                 routes[i].path, NULL, deep_objects);

      g_test_message ("%s %s", routes[i].method, routes[i].path);
      porthole_test_assert_error_body (r, 400, "INVALID_JSON");
      porthole_test_assert_error_body (o, 400, "INVALID_JSON");
      g_assert_nonnull (strstr (json_object_get_string_member (r->json, "error"), "64 levels"));
    }

  /* Brackets inside strings are text. */
  {
    g_autofree char *body = g_strdup_printf ("{\"command\":\"printf %%s '%s' | wc -c\"}", deep);
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/commands/run",
                                                               NULL, body);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (r->json, "stdout"), ==, "100000\n");
  }

  assert_alive ();
}

static void
send_frame (PortholeTestSocket *ws,
            const char         *text,
            gboolean            binary)
{
  if (binary)
    soup_websocket_connection_send_binary (ws->connection, text, strlen (text));
  else
    soup_websocket_connection_send_text (ws->connection, text);
}

/* Each JSON WebSocket route's answer to @text, which is not a JSON
 * object. */
static void
assert_not_json_answered (const char *text,
                          gboolean    binary)
{
  const char *streams[] = { "/commands/stream", "/execute/stream", "/stream", "/stream/ipython" };

  /* /files/watch answers and stays. */
  {
    g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/files/watch", NULL);
    JsonObject *error;

    send_frame (ws, text, binary);
    error = porthole_test_socket_wait_type (ws, "error");
    g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "INVALID_JSON");
    porthole_test_socket_send (ws, "{\"action\":\"ping\"}");
    porthole_test_socket_wait_type (ws, "pong");
    g_assert_false (ws->closed);
  }

  /* A terminal takes text that is not JSON as typed input. */
  {
    g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);

    send_frame (ws, text, binary);
    porthole_test_socket_send (ws, "{\"type\":\"ping\"}");
    porthole_test_socket_wait_type (ws, "pong");
    g_assert_cmpuint (porthole_test_socket_count_type (ws, "error"), ==, 0);
  }

  /* A run stream's first message: error, complete, close 1007. */
  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, streams[i], NULL);
      JsonObject *error;

      g_test_message ("%s", streams[i]);
      send_frame (ws, text, binary);
      porthole_test_socket_wait_closed (ws);
      error = porthole_test_socket_wait_type (ws, "error");
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "INVALID_JSON");
      porthole_test_socket_wait_type (ws, "complete");
      g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_BAD_DATA);
    }

  assert_alive ();
}

static void
test_deep_messages (void)
{
  g_autofree char *deep = g_strnfill (100000, '[');

  assert_not_json_answered (deep, FALSE);
}

/* `{` first on /execute/stream got no answer and no close. Every route
 * with a first message now says so and closes with 1007; a message of
 * another type first is still waited past on the execute streams. */
static void
test_malformed_first_messages (void)
{
  const char *streams[] = { "/commands/stream", "/execute/stream", "/stream", "/stream/ipython" };
  const char *texts[] = { "{", "[1,2]", "\"execute\"", "print(1)" };

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    for (guint k = 0; k < G_N_ELEMENTS (texts); k++)
      {
        g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, streams[i], NULL);
        JsonObject *error;

        g_test_message ("%s: %s", streams[i], texts[k]);
        porthole_test_socket_send (ws, texts[k]);
        porthole_test_socket_wait_closed (ws);
        error = porthole_test_socket_wait_type (ws, "error");
        g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "INVALID_JSON");
        porthole_test_socket_wait_type (ws, "complete");
        g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_BAD_DATA);
      }

  /* A binary frame that is not UTF-8 is not JSON either. */
  {
    g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/execute/stream", NULL);

    soup_websocket_connection_send_binary (ws->connection, "\xff\xfe{", 3);
    porthole_test_socket_wait_closed (ws);
    porthole_test_socket_wait_type (ws, "complete");
    g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_BAD_DATA);
  }

  /* Still a run after a message of another type. */
  {
    g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/execute/stream", NULL);
    JsonObject *result;

    porthole_test_socket_send (ws, "{\"type\":\"hello\"}");
    porthole_test_socket_send (ws, "{\"type\":\"execute\",\"code\":\"print(6 * 7)\"}");
    result = porthole_test_socket_wait_type (ws, "result");
    g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 0);
    porthole_test_socket_wait_closed (ws);
    g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  }
}

/* An empty frame, text or binary, is text that is not a JSON object on
 * every JSON WebSocket route. (An empty GBytes without data crashed the
 * frame parse, found by fuzz/fuzz-ws-messages; libsoup 3.2 happens to
 * give data even to empty frames, so test-json.c holds that regression
 * test, and this one the routes' answers.) */
static void
test_empty_frames (void)
{
  for (guint binary = 0; binary < 2; binary++)
    {
      g_test_message ("%s frames", binary ? "binary" : "text");
      assert_not_json_answered ("", binary);

      /* /metrics/stream reads nothing, but parses what arrives. */
      {
        g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/metrics/stream", NULL);

        send_frame (ws, "", binary);
        porthole_test_socket_wait_type (ws, "sample");
        assert_alive ();
      }
    }
}

/* {"path":{"a":{}}} on /files/watch logged Json-CRITICAL. Each mistyped
 * field is a 400 (or an `error` message), never a critical. */
static void
test_mistyped_fields (void)
{
  const struct { const char *method; const char *path; const char *body; } requests[] = {
    { "POST", "/commands/run", "{\"command\":{\"a\":{}}}" },
    { "POST", "/commands/run", "{\"command\":\"true\",\"args\":{\"a\":1}}" },
    { "POST", "/commands/run", "{\"command\":\"true\",\"args\":[{}]}" },
    { "POST", "/commands/run", "{\"command\":\"true\",\"env\":{\"A\":{}}}" },
    { "POST", "/commands/run", "{\"command\":\"true\",\"timeout\":{}}" },
    { "POST", "/commands/run", "{\"command\":\"true\",\"workdir\":[]}" },
    { "POST", "/commands/background", "{\"command\":[\"true\"]}" },
    { "POST", "/execute", "{\"code\":{\"a\":{}}}" },
    { "POST", "/execute", "{\"code\":\"1\",\"language\":[\"python\"]}" },
    { "POST", "/execute", "{\"code\":\"1\",\"session\":{}}" },
    { "POST", "/execute", "{\"code\":\"1\",\"env\":[1]}" },
    { "POST", "/execute/background", "{\"code\":true}" },
    { "POST", "/execute/async", "{\"code\":\"1\",\"callback_url\":{}}" },
    { "PUT", "/env", "{\"env_vars\":{\"A\":{\"b\":1}}}" },
    { "PATCH", "/env", "{\"env_vars\":[\"A\"]}" },
    { "PUT", "/env", "{\"A\":[]}" },
    { "POST", "/files/write", "{\"path\":{\"a\":{}},\"content\":\"x\"}" },
    { "POST", "/files/write", "{\"path\":\"x\",\"content\":{\"a\":1}}" },
    { "POST", "/files/mkdir", "{\"path\":[1]}" },
    { "DELETE", "/files/remove", "{\"path\":{}}" },
    { "POST", "/execute/kill", "{\"process_id\":{}}" },
  };
  const struct { const char *path; const char *message; } messages[] = {
    { "/files/watch", "{\"path\":{\"a\":{}}}" },
    { "/files/watch", "{\"action\":{\"a\":1},\"path\":\"/\"}" },
    { "/files/watch", "{\"action\":\"watch\",\"path\":[\"/\"]}" },
    { "/files/watch", "{\"type\":[],\"path\":{}}" },
    { "/terminal", "{\"type\":{\"a\":{}}}" },
    { "/terminal", "{\"type\":\"input\",\"data\":{\"a\":1}}" },
    { "/terminal", "{\"type\":\"resize\",\"cols\":{},\"rows\":[]}" },
    { "/terminal", "{\"type\":\"signal\",\"signal\":{\"a\":1}}" },
  };
  const char *first_messages[][2] = {
    { "/commands/stream", "{\"type\":{},\"command\":\"true\"}" },
    { "/commands/stream", "{\"command\":{\"a\":{}}}" },
    { "/commands/stream", "{\"command\":\"true\",\"env\":\"A=1\"}" },
    { "/execute/stream", "{\"type\":\"execute\",\"code\":{\"a\":1}}" },
    { "/execute/stream", "{\"code\":\"1\",\"language\":{}}" },
    { "/execute/stream", "{\"code\":\"1\",\"timeout\":[]}" },
    { "/stream", "{\"code\":[]}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, requests[i].method,
                                                                 requests[i].path, NULL, requests[i].body);

      g_test_message ("%s %s %s -> %u", requests[i].method, requests[i].path, requests[i].body, r->status);
      g_assert_cmpuint (r->status, >=, 400);
      g_assert_cmpuint (r->status, <, 500);
    }

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, messages[i].path, NULL);

      g_test_message ("%s %s", messages[i].path, messages[i].message);
      porthole_test_socket_send (ws, messages[i].message);
      porthole_test_socket_wait_type (ws, "error");
    }

  for (guint i = 0; i < G_N_ELEMENTS (first_messages); i++)
    {
      g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, first_messages[i][0], NULL);

      g_test_message ("%s %s", first_messages[i][0], first_messages[i][1]);
      porthole_test_socket_send (ws, first_messages[i][1]);
      porthole_test_socket_wait_type (ws, "error");
      porthole_test_socket_wait_type (ws, "complete");
    }

  assert_alive ();
}

int
main (int    argc,
      char **argv)
{
  int status;

  porthole_test_init (&argc, &argv);

  g_test_add_func ("/malformed/deep-bodies", test_deep_bodies);
  g_test_add_func ("/malformed/deep-messages", test_deep_messages);
  g_test_add_func ("/malformed/first-messages", test_malformed_first_messages);
  g_test_add_func ("/malformed/mistyped-fields", test_mistyped_fields);
  g_test_add_func ("/malformed/empty-frames", test_empty_frames);

  daemon_under_test = porthole_test_daemon_new (NULL);
  status = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);

  return status;
}
