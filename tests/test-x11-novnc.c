/* test-x11-novnc.c — noVNC (Debian's novnc) in headless Chromium against
 * portholed's VNC WebSocket bridge, read back through the DevTools
 * protocol
 *
 * The page is served from a temporary directory on another port (by
 * Python's http.server), so the daemon is configured to allow that
 * Origin; the token goes in the query, as a browser must send it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <string.h>

#include "porthole-json.h"
#include "test-x11-utils.h"

#define SCREEN_W 1024
#define SCREEN_H 768
#define WIN_X 100
#define WIN_Y 120
/* A loaded two-core machine starts Chromium slowly. */
#define DEADLINE_S 90

static const char *const chromium_candidates[] = { "chromium", "chromium-browser", NULL };

typedef struct
{
  SoupWebsocketConnection *ws;
  guint next_id;
  JsonObject *reply;
} DevTools;

static void
on_devtools_message (SoupWebsocketConnection *ws,
                     int                      type,
                     GBytes                  *bytes,
                     DevTools                *devtools)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(JsonNode) node = porthole_json_parse (data, length, NULL);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_get_int_member_with_default (json_node_get_object (node), "id", 0) == devtools->next_id)
    devtools->reply = json_object_ref (json_node_get_object (node));
}

/* Runtime.evaluate; returns the string the expression gave. */
static char *
evaluate (DevTools   *devtools,
          const char *expression)
{
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *result;

  devtools->next_id++;
  g_clear_pointer (&devtools->reply, json_object_unref);
  json_object_set_int_member (request, "id", devtools->next_id);
  json_object_set_string_member (request, "method", "Runtime.evaluate");
  json_object_set_string_member (params, "expression", expression);
  json_object_set_boolean_member (params, "returnByValue", TRUE);
  json_object_set_object_member (request, "params", g_steal_pointer (&params));
  node = json_node_init_object (json_node_alloc (), request);
  text = json_to_string (node, FALSE);
  soup_websocket_connection_send_text (devtools->ws, text);

  PORTHOLE_TEST_WAIT_UNTIL (devtools->reply != NULL);
  result = json_object_get_object_member (devtools->reply, "result");
  result = result ? json_object_get_object_member (result, "result") : NULL;
  return g_strdup (result ? json_object_get_string_member_with_default (result, "value", "") : "");
}

/* "WxH:R,G,B" of a pixel of noVNC's canvas, or why not. */
static const char *const pixel_expression =
  "(() => { const c = document.querySelector('#screen canvas');"
  " if (!c) return 'no canvas';"
  " const d = c.getContext('2d').getImageData(%d, %d, 1, 1).data;"
  " return c.width + 'x' + c.height + ':' + d[0] + ',' + d[1] + ',' + d[2]; })()";

static gboolean
canvas_shows (DevTools   *devtools,
              int         x,
              int         y,
              int         red,
              int         green,
              int         blue)
{
  g_autofree char *expression = g_strdup_printf (pixel_expression, x, y);
  g_autofree char *value = evaluate (devtools, expression);
  int width, height, r, g, b;

  g_test_message ("canvas at (%d,%d): %s", x, y, value);
  if (sscanf (value, "%dx%d:%d,%d,%d", &width, &height, &r, &g, &b) != 5)
    return FALSE;

  /* Tight may send JPEG: allow its error. */
  return width == SCREEN_W && height == SCREEN_H &&
         ABS (r - red) <= 24 && ABS (g - green) <= 24 && ABS (b - blue) <= 24;
}

static char *
find_chromium (void)
{
  for (guint i = 0; chromium_candidates[i] != NULL; i++)
    {
      char *path = g_find_program_in_path (chromium_candidates[i]);

      if (path != NULL)
        return path;
    }
  return NULL;
}

static void
wait_for (DevTools   *devtools,
          int         x,
          int         y,
          int         red,
          int         green,
          int         blue)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;

  while (!canvas_shows (devtools, x, y, red, green, blue))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (250 * 1000);
    }
}

static void
test_novnc (void)
{
  g_autofree char *chromium = find_chromium ();
  g_autoptr(PortholeTestX11) x11 = NULL;
  g_autoptr(PortholeTestClient) client = NULL;
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(GSubprocess) pages = NULL;
  g_autoptr(GSubprocess) browser = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) browser_stderr = NULL;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *root = NULL;
  g_autofree char *link = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *display_arg = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *profile_arg = NULL;
  g_autofree char *escaped_path = NULL;
  g_autofree char *page_url = NULL;
  g_autofree char *devtools_url = NULL;
  g_autofree char *list_url = NULL;
  g_autofree char *page_ws = NULL;
  g_autoptr(GBytes) list = NULL;
  g_autoptr(JsonNode) targets = NULL;
  g_autoptr(SoupMessage) list_msg = NULL;
  g_autoptr(SoupMessage) ws_msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  DevTools devtools = { 0 };
  g_autofree char *page_port_text = NULL;
  guint page_port;
  const char *args[3];

  if (chromium == NULL || !g_file_test ("/usr/share/novnc/vnc_lite.html", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("chromium or novnc is not installed (tools/check installs them)");
      return;
    }

  /* noVNC, from a temporary directory, on a port of its own. */
  tmpdir = porthole_test_make_tmpdir ();
  root = g_build_filename (tmpdir, "www", NULL);
  g_assert_cmpint (g_mkdir (root, 0700), ==, 0);
  link = g_build_filename (root, "novnc", NULL);
  g_assert_cmpint (symlink ("/usr/share/novnc", link), ==, 0);
  {
    /* A free port, for the page server to take. */
    g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_true (g_socket_bind (probe, any, TRUE, NULL));
    bound = g_socket_get_local_address (probe, NULL);
    page_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  page_port_text = g_strdup_printf ("%u", page_port);
  pages = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            "python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root,
                            page_port_text, NULL);
  g_assert_no_error (error);
  {
    g_autoptr(GSocketClient) probe = g_socket_client_new ();
    gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;

    /* Serving before the browser asks. */
    for (;;)
      {
        g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (probe, "127.0.0.1", page_port,
                                                                                   NULL, NULL);

        if (connection != NULL)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (50 * 1000);
      }
  }

  x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  config = g_build_filename (tmpdir, "portholed.conf", NULL);
  {
    g_autofree char *text = g_strdup_printf ("[portholed]\nws-allowed-origin=http://127.0.0.1:%u\n", page_port);

    g_assert_true (g_file_set_contents (config, text, -1, NULL));
  }
  config_arg = g_strdup_printf ("--config=%s", config);
  display_arg = g_strdup_printf ("--display=%s", x11->name);
  args[0] = config_arg;
  args[1] = display_arg;
  args[2] = NULL;
  daemon = porthole_test_daemon_new (args);
  client = porthole_test_client_new (x11, "noVNC test", WIN_X, WIN_Y, 300, 200, NULL);
  started = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc/start", NULL);

  {
    g_autofree char *path = g_strdup_printf ("desktop/vnc/websockify?token=%s", daemon->token);

    escaped_path = g_uri_escape_string (path, NULL, FALSE);
  }
  page_url = g_strdup_printf ("http://127.0.0.1:%u/novnc/vnc_lite.html?host=127.0.0.1&port=%u&path=%s",
                              page_port, daemon->port, escaped_path);

  profile = g_build_filename (tmpdir, "profile", NULL);
  profile_arg = g_strdup_printf ("--user-data-dir=%s", profile);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, tmpdir);
  browser = g_subprocess_launcher_spawn (launcher, &error, chromium,
                                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                         "--no-first-run", "--disable-background-networking",
                                         "--disable-component-update", "--disable-sync",
                                         "--disable-dev-shm-usage", profile_arg,
                                         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                                         "--window-size=1280,1024", page_url, NULL);
  g_assert_no_error (error);

  /* "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" */
  browser_stderr = g_data_input_stream_new (g_subprocess_get_stderr_pipe (browser));
  while (devtools_url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (browser_stderr, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if ((at = strstr (line, "ws://")) != NULL)
        devtools_url = g_strdup (at);
    }

  /* The page's own DevTools socket. */
  {
    g_autoptr(GUri) uri = g_uri_parse (devtools_url, G_URI_FLAGS_NONE, NULL);

    list_url = g_strdup_printf ("http://127.0.0.1:%d/json/list", g_uri_get_port (uri));
  }
  session = soup_session_new ();
  while (page_ws == NULL)
    {
      JsonArray *array;

      g_clear_object (&list_msg);
      g_clear_pointer (&list, g_bytes_unref);
      g_clear_pointer (&targets, json_node_unref);
      list_msg = soup_message_new ("GET", list_url);
      list = soup_session_send_and_read (session, list_msg, NULL, &error);
      g_assert_no_error (error);
      targets = porthole_json_parse (g_bytes_get_data (list, NULL), g_bytes_get_size (list), NULL);
      g_assert_nonnull (targets);
      array = json_node_get_array (targets);
      for (guint i = 0; i < json_array_get_length (array) && page_ws == NULL; i++)
        {
          JsonObject *target = json_array_get_object_element (array, i);

          if (g_strcmp0 (json_object_get_string_member_with_default (target, "type", ""), "page") == 0)
            page_ws = g_strdup (json_object_get_string_member (target, "webSocketDebuggerUrl"));
        }
      if (page_ws == NULL)
        g_usleep (100 * 1000);
    }

  ws_msg = soup_message_new ("GET", page_ws);
  soup_session_websocket_connect_async (session, ws_msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  devtools.ws = soup_session_websocket_connect_finish (session, result, &error);
  g_assert_no_error (error);
  soup_websocket_connection_set_max_incoming_payload_size (devtools.ws, 0);
  g_signal_connect (devtools.ws, "message", G_CALLBACK (on_devtools_message), &devtools);

  /* The red square the test client painted, through noVNC. */
  wait_for (&devtools, WIN_X + 35, WIN_Y + 35, 0xff, 0x00, 0x00);
  /* And a change, live. */
  porthole_test_client_send (client, "fill ffff00 0 0 300 200");
  wait_for (&devtools, WIN_X + 150, WIN_Y + 100, 0xff, 0xff, 0x00);

  {
    g_autoptr(JsonObject) status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);

    g_assert_cmpint (json_object_get_int_member (status, "viewers"), ==, 1);
  }

  soup_websocket_connection_close (devtools.ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&devtools.ws);
  g_clear_pointer (&devtools.reply, json_object_unref);
  g_subprocess_send_signal (browser, SIGTERM);
  g_subprocess_wait (browser, NULL, NULL);
  g_subprocess_send_signal (pages, SIGTERM);
  g_subprocess_wait (pages, NULL, NULL);
  porthole_test_rm_rf (tmpdir);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/novnc/chromium", test_novnc);

  return g_test_run ();
}
