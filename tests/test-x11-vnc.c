/* test-x11-vnc.c — the built-in VNC server (API.md §8.1) with real
 * viewers: libvncclient through the WebSocket bridge and on the RFB TCP
 * port, against a real Xvfb and the test client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <X11/keysym.h>

#include "porthole-json.h"
#include "test-tokens.h"
#include "test-vnc-utils.h"
#include "test-x11-utils.h"

#define SCREEN_W 1024
#define SCREEN_H 768
#define WIN_X 100
#define WIN_Y 120
#define WIN_W 300
#define WIN_H 200

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { SCREEN_W, SCREEN_H, "VNC test", WIN_X, WIN_Y, WIN_W, WIN_H, NULL };

static JsonObject *
start_vnc (PortholeTestDaemon *daemon,
           const char         *body)
{
  JsonObject *reply = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc/start", body);

  g_assert_true (json_object_get_boolean_member (reply, "running"));
  return reply;
}

static int
get_port (JsonObject *reply)
{
  return json_object_get_int_member (reply, "port");
}

static rfbClient *
connect_bridge (PortholeTestDaemon     *daemon,
                PortholeTestVncBridge **bridge)
{
  guint status = 0;
  rfbClient *client;

  *bridge = porthole_test_vnc_bridge_new (daemon, daemon->token, FALSE, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
  client = porthole_test_vnc_connect (porthole_test_vnc_bridge_get_fd (*bridge), -1, NULL);
  g_assert_nonnull (client);
  return client;
}

static gboolean
maps_library (PortholeTestDaemon *daemon,
              const char         *name)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", porthole_test_daemon_get_pid (daemon));
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents (path, &maps, NULL, NULL));
  return strstr (maps, name) != NULL;
}

/* TRUE when the viewer's framebuffer is the screenshot, pixel for pixel. */
static gboolean
matches_screenshot (PortholeTestDaemon *daemon,
                    rfbClient          *client)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/desktop/screenshot?format=png",
                                                             NULL, NULL);
  g_autofree guint8 *rgb = NULL;
  int width, height;

  g_assert_cmpuint (r->status, ==, 200);
  if (!g_str_has_prefix (soup_message_headers_get_content_type (r->headers, NULL), "image/"))
    {
      const char *base64 = json_object_get_string_member (r->json, "image");
      gsize length;
      g_autofree guchar *png = g_base64_decode (base64, &length);
      g_autoptr(GBytes) bytes = g_bytes_new (png, length);

      rgb = porthole_test_decode_image (bytes, "png", &width, &height);
    }
  else
    rgb = porthole_test_decode_image (r->body, "png", &width, &height);

  if (width != client->width || height != client->height)
    {
      g_test_message ("screen %dx%d, viewer %dx%d", width, height, client->width, client->height);
      return FALSE;
    }

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = rgb + ((gsize) y * width + x) * 3;
        const guint8 *q = client->frameBuffer + ((gsize) y * width + x) * 4;

        if (p[0] != q[2] || p[1] != q[1] || p[2] != q[0])
          {
            g_test_message ("(%d,%d) after %u updates: screen %02x%02x%02x, viewer %02x%02x%02x", x, y, porthole_test_vnc_get_state (client)->updates,
                            p[0], p[1], p[2], q[2], q[1], q[0]);
            return FALSE;
          }
      }

  return TRUE;
}

static void
wait_for_screenshot_match (PortholeTestDaemon *daemon,
                           rfbClient          *client)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!matches_screenshot (daemon, client))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_true (porthole_test_vnc_pump (client, 200));
    }
}

static guint32
viewer_pixel (rfbClient *client,
              int        x,
              int        y)
{
  const guint8 *p = client->frameBuffer + ((gsize) y * client->width + x) * 4;

  return p[2] << 16 | p[1] << 8 | p[0];
}

/* What the test client printed so far, as lines, without waiting. */
static void
read_client_output (PortholeTestClient *test_client)
{
  struct pollfd pfd = { .fd = test_client->stdout_fd, .events = POLLIN };
  char *newline;

  while (poll (&pfd, 1, 0) > 0)
    {
      char buffer[4096];
      ssize_t n = read (test_client->stdout_fd, buffer, sizeof buffer);

      if (n <= 0)
        break;
      g_string_append_len (test_client->pending, buffer, n);
    }

  while ((newline = strchr (test_client->pending->str, '\n')) != NULL)
    {
      g_ptr_array_add (test_client->lines, g_strndup (test_client->pending->str, newline - test_client->pending->str));
      g_string_erase (test_client->pending, 0, newline - test_client->pending->str + 1);
    }
}

/* Waits for a line of the test client while the viewer keeps reading
 * (a viewer that stops reading holds up the server's thread). */
static const char *
wait_client_line (Fixture    *fixture,
                  rfbClient  *client,
                  const char *prefix)
{
  PortholeTestClient *test_client = fixture->client;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      read_client_output (test_client);
      while (test_client->next < test_client->lines->len)
        {
          const char *line = g_ptr_array_index (test_client->lines, test_client->next++);

          if (g_str_has_prefix (line, prefix))
            return line;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_true (porthole_test_vnc_pump (client, 20));
    }
}

/* Reads until the server closes the connection. */
static void
wait_closed (rfbClient *client)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (porthole_test_vnc_pump (client, 50))
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
}

/* The probe says "not running" without loading libvncserver; start
 * loads it, and both are idempotent. */
static void
test_start_stop (Fixture       *fixture,
                 gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) status_running = NULL;
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(JsonObject) stopped_again = NULL;
  g_autoptr(JsonObject) seeded = NULL;
  g_autofree char *port_text = NULL;
  int display = fixture->x11->number;

  status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
  g_assert_false (json_object_get_boolean_member (status, "running"));
  g_assert_true (json_object_get_boolean_member (status, "desktop_available"));
  g_assert_cmpint (json_object_get_int_member (status, "display"), ==, display);
  g_assert_false (maps_library (daemon, "libvncserver"));

  started = start_vnc (daemon, "{\"display\": 1}");
  g_assert_true (maps_library (daemon, "libvncserver"));
  g_assert_true (json_object_get_boolean_member (started, "success"));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (started, "display")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (started, "display"), ==, display);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (started, "port")), ==, G_TYPE_INT64);
  g_assert_cmpint (get_port (started), ==, 5900 + display);
  port_text = g_strdup_printf (":%d", 5900 + display);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (started, "url"), "vnc://"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (started, "url"), port_text));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (started, "websocket_url"),
                                   "/desktop/vnc/websockify"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (started, "websocket_url"), "ws://"));
  g_assert_cmpint (strlen (json_object_get_string_member (started, "password")), ==, 8);
  g_assert_true (json_object_get_boolean_member (started, "password_protected"));

  /* Idempotent: the same server, the same password. */
  again = start_vnc (daemon, NULL);
  g_assert_cmpstr (json_object_get_string_member (again, "password"), ==,
                   json_object_get_string_member (started, "password"));
  g_assert_cmpint (get_port (again), ==, get_port (started));

  status_running = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/info", NULL);
  g_assert_true (json_object_get_boolean_member (status_running, "running"));
  g_assert_cmpint (get_port (status_running), ==, get_port (started));
  g_assert_true (json_object_get_boolean_member (status_running, "password_protected"));
  g_assert_true (json_object_get_null_member (status_running, "password"));
  g_assert_nonnull (strstr (json_object_get_string_member (status_running, "url"), "vnc"));

  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc/stop", "{}");
  g_assert_false (json_object_get_boolean_member (stopped, "running"));
  stopped_again = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/stop", NULL);
  g_assert_false (json_object_get_boolean_member (stopped_again, "running"));
  g_clear_pointer (&status, json_object_unref);
  status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
  g_assert_false (json_object_get_boolean_member (status, "running"));
  g_assert_true (json_object_get_null_member (status, "port"));

  /* The seed's single route, with its action. */
  seeded = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc", "{\"action\": \"start\", \"password\": \"sEcret12\"}");
  g_assert_cmpstr (json_object_get_string_member (seeded, "password"), ==, "sEcret12");
  g_clear_pointer (&stopped, json_object_unref);
  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc", "{\"action\": \"stop\"}");
  g_assert_false (json_object_get_boolean_member (stopped, "running"));
  porthole_test_expect_error (daemon, "POST", "/desktop/vnc", "{\"action\": \"dance\"}", 400, "INVALID_REQUEST");
}

/* A viewer through the bridge sees the screen, types and clicks into
 * the test client, and follows redraws, clipboard and size changes. */
static void
test_bridge_viewer (Fixture       *fixture,
                    gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  g_autoptr(JsonObject) clip = NULL;
  g_autoptr(JsonObject) history = NULL;
  g_autoptr(JsonObject) set = NULL;
  g_autoptr(JsonObject) status = NULL;
  PortholeTestVncState *state;
  const char *line;
  rfbClient *client;
  guint updates;
  int x, y;

  client = connect_bridge (daemon, &bridge);
  state = porthole_test_vnc_get_state (client);
  g_assert_cmpint (client->width, ==, SCREEN_W);
  g_assert_cmpint (client->height, ==, SCREEN_H);
  wait_for_screenshot_match (daemon, client);
  g_assert_cmphex (viewer_pixel (client, WIN_X + 35, WIN_Y + 35), ==, 0xff0000);

  status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
  g_assert_cmpint (json_object_get_int_member (status, "viewers"), ==, 1);

  /* Pointer */
  g_assert_true (SendPointerEvent (client, WIN_X + 40, WIN_Y + 50, 0));
  g_assert_true (SendPointerEvent (client, WIN_X + 40, WIN_Y + 50, rfbButton1Mask));
  g_assert_true (SendPointerEvent (client, WIN_X + 40, WIN_Y + 50, 0));
  line = wait_client_line (fixture, client, "button press");
  g_assert_cmpint (sscanf (line, "button press 1 %d %d", &x, &y), ==, 2);
  g_assert_cmpint (x, ==, 40);
  g_assert_cmpint (y, ==, 50);
  wait_client_line (fixture, client, "button release 1");

  /* Keys: one on the keymap, one that is not (bound on demand). */
  g_assert_true (SendKeyEvent (client, XK_a, TRUE));
  g_assert_true (SendKeyEvent (client, XK_a, FALSE));
  g_assert_cmpstr (wait_client_line (fixture, client, "char"), ==, "char 61");
  g_assert_true (SendKeyEvent (client, XK_EuroSign, TRUE));
  g_assert_true (SendKeyEvent (client, XK_EuroSign, FALSE));
  g_assert_nonnull (wait_client_line (fixture, client, "key press EuroSign "));
  g_assert_true (SendKeyEvent (client, 0x100263a, TRUE));
  g_assert_true (SendKeyEvent (client, 0x100263a, FALSE));
  g_assert_cmpstr (wait_client_line (fixture, client, "char"), ==, "char 263a");

  /* The test client redraws: the viewer gets that area. */
  updates = state->updates;
  porthole_test_client_send (fixture->client, "fill 00c000 0 0 300 200");
  PORTHOLE_TEST_VNC_WAIT (client, viewer_pixel (client, WIN_X + 150, WIN_Y + 100) == 0x00c000);
  g_assert_cmpuint (state->updates, >, updates);
  g_assert_cmphex (viewer_pixel (client, WIN_X + 35, WIN_Y + 35), ==, 0x00c000);
  g_assert_cmphex (viewer_pixel (client, WIN_X - 5, WIN_Y - 5), !=, 0x00c000);

  /* Clipboard, both ways. */
  g_assert_true (SendClientCutText (client, "from the viewer", strlen ("from the viewer")));
  PORTHOLE_TEST_VNC_WAIT (client, ({
    g_autoptr(JsonObject) got = porthole_test_desktop_call (daemon, "GET", "/desktop/clipboard/get", NULL);
    g_strcmp0 (json_object_get_string_member (got, "content"), "from the viewer") == 0;
  }));
  history = porthole_test_desktop_call (daemon, "GET", "/desktop/clipboard/history", NULL);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (history, "history"),
                                                  json_array_get_length (json_object_get_array_member (history, "history")) - 1),
                   ==, "from the viewer");
  set = porthole_test_desktop_call (daemon, "POST", "/desktop/clipboard/set", "{\"text\": \"to the viewer \\u00e9\"}");
  PORTHOLE_TEST_VNC_WAIT (client, g_strcmp0 (state->cut_text, "to the viewer \xe9") == 0 ||
                                  g_strcmp0 (state->cut_text, "to the viewer \xc3\xa9") == 0);

  /* A new size through the API: a new framebuffer for the viewer. */
  g_clear_pointer (&set, json_object_unref);
  set = porthole_test_desktop_call (daemon, "POST", "/desktop/display/set", "{\"width\": 800, \"height\": 600}");
  PORTHOLE_TEST_VNC_WAIT (client, client->width == 800 && client->height == 600);
  wait_for_screenshot_match (daemon, client);

  /* The viewer asks for a size (SetDesktopSize), within Xvfb's limits. */
  g_assert_true (SendExtDesktopSize (client, 640, 480));
  PORTHOLE_TEST_VNC_WAIT (client, client->width == 640 && client->height == 480);
  wait_for_screenshot_match (daemon, client);

  porthole_test_vnc_close (client);
  PORTHOLE_TEST_WAIT_UNTIL (({
    g_autoptr(JsonObject) after = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
    json_object_get_int_member (after, "viewers") == 0;
  }));
}

/* Keycodes with no symbols at all, past 8: what porthole-x11-keymap.c
 * binds keysyms the keymap lacks to. */
static guint
count_spare_keycodes (Display *xdisplay)
{
  int min_keycode, max_keycode, per_keycode;
  KeySym *keysyms;
  guint n = 0;

  XDisplayKeycodes (xdisplay, &min_keycode, &max_keycode);
  keysyms = XGetKeyboardMapping (xdisplay, min_keycode, max_keycode - min_keycode + 1, &per_keycode);
  for (int keycode = MAX (min_keycode, 9); keycode <= max_keycode; keycode++)
    {
      gboolean empty = TRUE;

      for (int level = 0; level < per_keycode && empty; level++)
        empty = keysyms[(keycode - min_keycode) * per_keycode + level] == NoSymbol;
      n += empty;
    }
  XFree (keysyms);

  return n;
}

/* The test client's next key or button line, checked against @expected
 * (its start). */
static void
expect_key_or_button (Fixture    *fixture,
                      rfbClient  *client,
                      const char *expected)
{
  for (;;)
    {
      const char *line = wait_client_line (fixture, client, "");
      g_autofree char *start = NULL;

      if (!g_str_has_prefix (line, "key ") && !g_str_has_prefix (line, "button "))
        continue;
      start = g_strndup (line, strlen (expected));
      g_assert_cmpstr (start, ==, expected);
      return;
    }
}

/* Types @n keysyms the keymap lacks (Unicode, from @first): pressed and
 * released each. */
static void
send_missing_keysyms (rfbClient *client,
                      guint32    first,
                      guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (SendKeyEvent (client, 0x1000000 + first + i, TRUE));
      g_assert_true (SendKeyEvent (client, 0x1000000 + first + i, FALSE));
    }
}

static void
expect_missing_keysyms (Fixture   *fixture,
                        rfbClient *client,
                        guint32    first,
                        guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *press = g_strdup_printf ("key press U%04X ", first + i);
      g_autofree char *release = g_strdup_printf ("key release U%04X ", first + i);

      expect_key_or_button (fixture, client, press);
      expect_key_or_button (fixture, client, release);
    }
}

/* What is sent after keys that wait, to be seen after them: a click at
 * 40,50 in the window and the key a. */
static void
send_click_and_key (rfbClient *client)
{
  g_assert_true (SendPointerEvent (client, WIN_X + 40, WIN_Y + 50, 0));
  g_assert_true (SendPointerEvent (client, WIN_X + 40, WIN_Y + 50, rfbButton1Mask));
  g_assert_true (SendPointerEvent (client, WIN_X + 40, WIN_Y + 50, 0));
  g_assert_true (SendKeyEvent (client, XK_a, TRUE));
  g_assert_true (SendKeyEvent (client, XK_a, FALSE));
}

static void
expect_click_and_key (Fixture   *fixture,
                      rfbClient *client)
{
  expect_key_or_button (fixture, client, "button press 1 40 50");
  expect_key_or_button (fixture, client, "button release 1 40 50");
  expect_key_or_button (fixture, client, "key press a ");
  expect_key_or_button (fixture, client, "key release a ");
}

/* A viewer types more distinct keysyms the keymap lacks, in one burst,
 * than there are spare keycodes: a spare is rebound no sooner than
 * 100 ms after its last use (porthole-x11-keymap.c), so most of them
 * wait for one, and the click and the key after them wait behind them.
 * Every key arrives, pressed and released, in order, then the click,
 * then the last key (they were dropped: "cannot be typed"). */
#define BURST_KEYSYMS 400
#define BURST_FIRST 0x4e00      /* CJK ideographs: on no keymap */

static void
test_key_burst (Fixture       *fixture,
                gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  guint n_spares = count_spare_keycodes (fixture->x11->xdisplay);
  rfbClient *client = connect_bridge (daemon, &bridge);
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(JsonObject) typed = NULL;
  g_autofree char *first = NULL;
  gint64 since;

  g_test_message ("%u spare keycodes for %u keysyms", n_spares, BURST_KEYSYMS);
  g_assert_cmpuint (n_spares, >, 0);
  g_assert_cmpuint (n_spares, <, BURST_KEYSYMS);

  /* The keys go to the test client's window: the pointer is in it. */
  g_assert_true (SendPointerEvent (client, WIN_X + 20, WIN_Y + 20, rfbButton1Mask));
  g_assert_true (SendPointerEvent (client, WIN_X + 20, WIN_Y + 20, 0));
  expect_key_or_button (fixture, client, "button press 1 20 20");
  expect_key_or_button (fixture, client, "button release 1 20 20");

  since = g_get_monotonic_time ();
  send_missing_keysyms (client, BURST_FIRST, BURST_KEYSYMS);
  send_click_and_key (client);

  expect_missing_keysyms (fixture, client, BURST_FIRST, BURST_KEYSYMS);
  expect_click_and_key (fixture, client);
  g_test_message ("all %u keys typed in %" G_GINT64_FORMAT " ms", BURST_KEYSYMS,
                  (g_get_monotonic_time () - since) / 1000);

  /* The server stopped while keys wait: they go, with their timer (no
   * leak under ASan), and input goes on. */
  send_missing_keysyms (client, BURST_FIRST + BURST_KEYSYMS, BURST_KEYSYMS);
  first = g_strdup_printf ("key press U%04X ", BURST_FIRST + BURST_KEYSYMS);
  expect_key_or_button (fixture, client, first);
  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc/stop", NULL);
  wait_closed (client);
  porthole_test_vnc_close (client);
  typed = porthole_test_desktop_call (daemon, "POST", "/desktop/keyboard/type", "{\"text\": \"z\"}");
  porthole_test_client_wait_line (fixture->client, "key press z ");
}

/* A viewer sends keys far faster than spare keycodes free up (18 keys
 * per 100 ms here): what waits is bounded (porthole-x11-input.c, 4096
 * events), the rest is dropped with one line in the desktop log, and
 * its leaving drops what still waits. */
#define FLOOD_KEYSYMS 6000

static void
test_key_flood (Fixture       *fixture,
                gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  g_autoptr(JsonObject) typed = NULL;
  rfbClient *client = connect_bridge (daemon, &bridge);
  gsize rss_before, rss_flooded;

  /* Keys go to the window under the pointer. */
  g_assert_true (SendPointerEvent (client, WIN_X + 20, WIN_Y + 20, 0));
  rss_before = porthole_test_daemon_get_rss (daemon);
  send_missing_keysyms (client, BURST_FIRST, FLOOD_KEYSYMS);
  PORTHOLE_TEST_VNC_WAIT (client, porthole_test_count_log_lines (daemon, "more are dropped") > 0);
  rss_flooded = porthole_test_daemon_get_rss (daemon);
  g_test_message ("%u keys sent at once: daemon RSS %zu KiB before, %zu KiB once some were dropped",
                  FLOOD_KEYSYMS, rss_before / 1024, rss_flooded / 1024);
  /* Once for the whole flood. */
  g_assert_cmpuint (porthole_test_count_log_lines (daemon, "more are dropped"), ==, 1);

  porthole_test_vnc_close (client);
  PORTHOLE_TEST_WAIT_UNTIL (({
    g_autoptr(JsonObject) status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
    json_object_get_int_member (status, "viewers") == 0;
  }));
  typed = porthole_test_desktop_call (daemon, "POST", "/desktop/keyboard/type", "{\"text\": \"z\"}");
  porthole_test_client_wait_line (fixture->client, "key press z ");
}

/* Every spare keycode is held down by the viewer when one more key
 * press, waiting behind others, comes to be sent: it is dropped, said
 * once in the desktop log, and what waited behind it still goes, in
 * order; once the keys are up, spares serve again. The keys held wait
 * first themselves: each spare was used by the burst before them and
 * is rebound no sooner than 100 ms later (porthole-x11-keymap.c). */
#define HELD_FIRST (BURST_FIRST + 1000)
#define HELD_EXTRA (BURST_FIRST + 2000)
#define HELD_AFTER (BURST_FIRST + 3000)

static void
test_spares_held (Fixture       *fixture,
                  gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  guint n_spares = count_spare_keycodes (fixture->x11->xdisplay);
  rfbClient *client = connect_bridge (daemon, &bridge);

  g_test_message ("%u spare keycodes", n_spares);
  g_assert_cmpuint (n_spares, >, 0);
  /* Held keys repeat in the server otherwise. */
  XAutoRepeatOff (fixture->x11->xdisplay);
  XSync (fixture->x11->xdisplay, False);

  g_assert_true (SendPointerEvent (client, WIN_X + 20, WIN_Y + 20, 0));
  send_missing_keysyms (client, BURST_FIRST, n_spares);
  for (guint i = 0; i < n_spares; i++)
    g_assert_true (SendKeyEvent (client, 0x1000000 + HELD_FIRST + i, TRUE));
  g_assert_true (SendKeyEvent (client, 0x1000000 + HELD_EXTRA, TRUE));
  send_click_and_key (client);

  expect_missing_keysyms (fixture, client, BURST_FIRST, n_spares);
  for (guint i = 0; i < n_spares; i++)
    {
      g_autofree char *press = g_strdup_printf ("key press U%04X ", HELD_FIRST + i);

      expect_key_or_button (fixture, client, press);
    }
  /* Not the extra key: the click and the key behind it. */
  expect_click_and_key (fixture, client);
  g_assert_cmpuint (porthole_test_count_log_lines (daemon, "A key press that waited dropped"), ==, 1);

  /* Its release finds nothing to release; the others go up. */
  g_assert_true (SendKeyEvent (client, 0x1000000 + HELD_EXTRA, FALSE));
  for (guint i = 0; i < n_spares; i++)
    g_assert_true (SendKeyEvent (client, 0x1000000 + HELD_FIRST + i, FALSE));
  for (guint i = 0; i < n_spares; i++)
    {
      g_autofree char *release = g_strdup_printf ("key release U%04X ", HELD_FIRST + i);

      expect_key_or_button (fixture, client, release);
    }

  /* Spares serve again. */
  send_missing_keysyms (client, HELD_AFTER, 1);
  expect_missing_keysyms (fixture, client, HELD_AFTER, 1);
  g_assert_cmpuint (porthole_test_count_log_lines (daemon, "A key press that waited dropped"), ==, 1);

  XAutoRepeatOn (fixture->x11->xdisplay);
  XSync (fixture->x11->xdisplay, False);
  porthole_test_vnc_close (client);
}

/* A viewer's pointer off the screen (RFB places are 16 bits, and
 * SetScale multiplies them) stops at the screen's edge: XTest's 16-bit
 * signed places had put x = 40000 at the left edge (found by
 * fuzz/fuzz-vnc-input). */
static void
test_pointer_off_screen (Fixture       *fixture,
                         gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  Display *xdisplay = fixture->x11->xdisplay;
  rfbClient *client = connect_bridge (daemon, &bridge);
  const struct { int x, y, expected_x, expected_y; } moves[] = {
    { 40000, 300, SCREEN_W - 1, 300 },
    { 500, 65535, 500, SCREEN_H - 1 },
    { SCREEN_W + 1, 40000, SCREEN_W - 1, SCREEN_H - 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      Window root, child;
      int root_x = -1, root_y = -1, x, y;
      unsigned int mask;

      g_test_message ("viewer at %d,%d", moves[i].x, moves[i].y);
      g_assert_true (SendPointerEvent (client, moves[i].x, moves[i].y, 0));
      PORTHOLE_TEST_VNC_WAIT (client, (XQueryPointer (xdisplay, DefaultRootWindow (xdisplay), &root, &child,
                                                      &root_x, &root_y, &x, &y, &mask),
                                       root_x == moves[i].expected_x && root_y == moves[i].expected_y));
    }

  porthole_test_vnc_close (client);
}

/* The RFB TCP port asks for the VNC password; a view-only server takes
 * no input. */
static void
test_tcp_viewer (Fixture       *fixture,
                 gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, "{\"password\": \"pw4tcp\", \"view_only\": true}");
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(JsonObject) click = NULL;
  rfbClient *client;
  const char *line;
  int x, y;

  g_assert_null (porthole_test_vnc_connect (-1, get_port (started), "wrong"));
  client = porthole_test_vnc_connect (-1, get_port (started), "pw4tcp");
  g_assert_nonnull (client);
  g_assert_cmpint (client->width, ==, SCREEN_W);
  wait_for_screenshot_match (daemon, client);

  /* View only: the click is dropped; the API's own click arrives. */
  g_assert_true (SendPointerEvent (client, WIN_X + 20, WIN_Y + 20, rfbButton1Mask));
  g_assert_true (SendPointerEvent (client, WIN_X + 20, WIN_Y + 20, 0));
  g_assert_true (SendKeyEvent (client, XK_b, TRUE));
  g_assert_true (SendKeyEvent (client, XK_b, FALSE));
  /* A round trip: the server has read the events above. */
  g_assert_true (SendFramebufferUpdateRequest (client, 0, 0, 1, 1, FALSE));
  {
    guint updates = porthole_test_vnc_get_state (client)->updates;

    PORTHOLE_TEST_VNC_WAIT (client, porthole_test_vnc_get_state (client)->updates > updates);
  }
  click = porthole_test_desktop_call (daemon, "POST", "/desktop/mouse/click",
                                      "{\"x\": 260, \"y\": 270, \"button\": \"left\"}");
  line = wait_client_line (fixture, client, "button press");
  g_assert_cmpint (sscanf (line, "button press 1 %d %d", &x, &y), ==, 2);
  g_assert_cmpint (x, ==, 260 - WIN_X);
  g_assert_cmpint (y, ==, 270 - WIN_Y);

  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/vnc/stop", NULL);
  /* Stopping the server ends its viewers. */
  wait_closed (client);
  porthole_test_vnc_close (client);
}

/* No way in without a valid token, before any RFB byte. */
static void
test_bridge_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *secret = NULL;
  g_autofree char *payload = g_strdup_printf ("{\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                                              now - 600, now - 120);
  g_autofree char *expired = NULL;
  gsize secret_length;
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  guint status = 0;
  rfbClient *client;

  g_assert_null (porthole_test_vnc_bridge_new (daemon, NULL, FALSE, &status));
  g_assert_cmpuint (status, ==, 401);
  g_assert_null (porthole_test_vnc_bridge_new (daemon, "not-a-token", FALSE, &status));
  g_assert_cmpuint (status, ==, 401);
  g_assert_null (porthole_test_vnc_bridge_new (daemon, "not-a-token", TRUE, &status));
  g_assert_cmpuint (status, ==, 401);

  /* Browsers send the token in the query. */
  bridge = porthole_test_vnc_bridge_new (daemon, daemon->token, TRUE, &status);
  g_assert_nonnull (bridge);
  client = porthole_test_vnc_connect (porthole_test_vnc_bridge_get_fd (bridge), -1, NULL);
  g_assert_nonnull (client);
  porthole_test_vnc_close (client);

  /* Expired beyond the clock leeway. */
  g_assert_true (g_file_get_contents (daemon->secret_file, &secret, &secret_length, NULL));
  expired = test_token_hs256 ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, (const guint8 *) secret, secret_length);
  g_assert_null (porthole_test_vnc_bridge_new (daemon, expired, FALSE, &status));
  g_assert_cmpuint (status, ==, 401);
}

/* Listening sockets on @port in /proc/net/tcp and tcp6: their local
 * addresses in the kernel's hex. */
static GPtrArray *
list_listeners (int port)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (files[f], &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          char local[64], remote[64];
          unsigned int local_port, state;

          if (sscanf (lines[i], " %*d: %63[0-9A-Fa-f]:%x %63[0-9A-Fa-f]:%*x %x", local, &local_port,
                      remote, &state) == 4 &&
              state == 0x0A && (int) local_port == port)
            g_ptr_array_add (addresses, g_strdup (local));
        }
    }

  return addresses;
}

static void
test_loopback_only (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) started = start_vnc (fixture->daemon, NULL);
  g_autoptr(GPtrArray) listeners = list_listeners (get_port (started));

  g_assert_cmpuint (listeners->len, >=, 1);
  for (guint i = 0; i < listeners->len; i++)
    {
      const char *address = g_ptr_array_index (listeners, i);

      g_test_message ("listener %s", address);
      g_assert_true (g_str_equal (address, "0100007F") ||
                     g_str_equal (address, "00000000000000000000000001000000"));
    }
}

static void
test_listen_configured (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (640, 480);
  g_autofree char *tmpdir = porthole_test_make_tmpdir ();
  g_autofree char *config = g_build_filename (tmpdir, "portholed.conf", NULL);
  g_autofree char *config_arg = g_strdup_printf ("--config=%s", config);
  g_autofree char *display_arg = g_strdup_printf ("--display=%s", x11->name);
  const char *args[] = { config_arg, display_arg, NULL };
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(GPtrArray) listeners = NULL;

  g_assert_true (g_file_set_contents (config, "[portholed]\nvnc-listen=0.0.0.0\n", -1, NULL));
  daemon = porthole_test_daemon_new (args);
  started = start_vnc (daemon, NULL);
  listeners = list_listeners (get_port (started));
  g_assert_cmpuint (listeners->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (listeners, 0), ==, "00000000");
  porthole_test_rm_rf (tmpdir);
}

/* Viewers come and go, ten at a time, through both doors. */
static void
connect_batch (PortholeTestDaemon *daemon,
               int                 port,
               const char         *password,
               guint               n)
{
  PortholeTestVncBridge *bridges[16] = { NULL };
  rfbClient *clients[16];

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (clients));
  for (guint i = 0; i < n; i++)
    {
      if (i % 2 == 0)
        clients[i] = connect_bridge (daemon, &bridges[i]);
      else
        clients[i] = porthole_test_vnc_connect (-1, port, password);
      g_assert_nonnull (clients[i]);
    }
  for (guint i = 0; i < n; i++)
    {
      PORTHOLE_TEST_VNC_WAIT (clients[i], porthole_test_vnc_get_state (clients[i])->updates > 0);
      porthole_test_vnc_close (clients[i]);
      g_clear_pointer (&bridges[i], porthole_test_vnc_bridge_free);
    }
}

static void
test_churn (Fixture       *fixture,
            gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  const char *password = json_object_get_string_member (started, "password");
  int port = get_port (started);
  guint fds_before, fds_after;
  gsize rss_before, rss_after;

  /* Warm up: the plugin, the first framebuffer, soup's buffers. */
  connect_batch (daemon, port, password, 10);
  PORTHOLE_TEST_WAIT_UNTIL (({
    g_autoptr(JsonObject) status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
    json_object_get_int_member (status, "viewers") == 0;
  }));
  fds_before = porthole_test_count_fds (porthole_test_daemon_get_pid (daemon));
  rss_before = porthole_test_daemon_get_rss (daemon);

  for (guint round = 0; round < 29; round++)
    connect_batch (daemon, port, password, 10);

  PORTHOLE_TEST_WAIT_UNTIL (({
    g_autoptr(JsonObject) status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
    json_object_get_int_member (status, "viewers") == 0;
  }));
  /* Closed WebSockets and sockets are let go within a moment. */
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_count_fds (porthole_test_daemon_get_pid (daemon)) <= fds_before + 2);
  fds_after = porthole_test_count_fds (porthole_test_daemon_get_pid (daemon));
  rss_after = porthole_test_daemon_get_rss (daemon);
  g_test_message ("fds %u -> %u, RSS %zu -> %zu KiB", fds_before, fds_after, rss_before / 1024, rss_after / 1024);
  g_assert_true (porthole_test_pid_is_running (porthole_test_daemon_get_pid (daemon)));
  if (!porthole_test_skip_if_sanitized ())
    g_assert_cmpuint (rss_after, <, rss_before + 8 * 1024 * 1024);
}

static gint64
bytes_waiting (gpointer data)
{
  rfbClient *client = data;
  int n = 0;

  g_assert_cmpint (ioctl (client->sock, FIONREAD, &n), ==, 0);
  return n;
}

/* One round trip of a viewer that reads: a 1x1 update asked for and
 * received, once the updates already under way are in. Returns how long
 * it took, in ms. */
static gint64
round_trip (rfbClient *client)
{
  gint64 started;
  guint updates;

  do
    {
      updates = porthole_test_vnc_get_state (client)->updates;
      g_assert_true (porthole_test_vnc_pump (client, 100));
    }
  while (porthole_test_vnc_get_state (client)->updates != updates);
  started = g_get_monotonic_time ();

  g_assert_true (SendFramebufferUpdateRequest (client, 0, 0, 1, 1, FALSE));
  PORTHOLE_TEST_VNC_WAIT (client, porthole_test_vnc_get_state (client)->updates > updates);
  return (g_get_monotonic_time () - started) / 1000;
}

/* A viewer that asks for whole screens (raw: 3 MiB each) and reads
 * none (SECURITY.md G11). portholed reads what the server writes for it
 * into the viewer's queue whether it reads or not
 * (porthole-vnc-viewer.c), so the server's one thread never waits for
 * it: another viewer is served while a whole screen waits for this one,
 * which is still there afterwards and then reads everything it asked
 * for. Asked for more, its queue passes its limit (two screens,
 * porthole-vnc-server.c) and it is dropped. */
#define SCREEN_BYTES (SCREEN_W * SCREEN_H * 4)
#define UNREAD_MAX_ROUNDS 32
/* The queue's limit (two screens, and a read of 64 KiB beyond), its
 * encoder's buffer (its first update was ZRLE: a screen at most) and
 * the allocator's slack. */
#define UNREAD_MAX_GROWTH (3 * SCREEN_BYTES + 1024 * 1024)

static guint
count_viewers (PortholeTestDaemon *daemon)
{
  g_autoptr(JsonObject) status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);

  return json_object_get_int_member (status, "viewers");
}

/* Asks for a whole screen; FALSE when the connection is closed. The
 * pixels come without another request from the viewer (libvncserver
 * sends the new size that a non-incremental request asks for in an
 * update of its own, porthole-vnc-libvncserver.c). */
static gboolean
ask_whole_screen (rfbClient *client)
{
  return SendFramebufferUpdateRequest (client, 0, 0, SCREEN_W, SCREEN_H, FALSE);
}

static void
test_unread_viewer (Fixture       *fixture,
                    gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = start_vnc (daemon, NULL);
  const char *password = json_object_get_string_member (started, "password");
  PortholeTestNoise noise;
  rfbClient *unread, *reader;
  gsize rss_before, rss_held, rss_peak = 0, rss_after;
  gint64 waiting, held_trip, worst_trip = 0, since, dropped_after;
  guint rounds, updates, flood;

  /* Warm up: a viewer with a whole screen of noise. */
  porthole_test_noise_init (&noise, fixture->x11);
  porthole_test_noise_paint (&noise);
  reader = porthole_test_vnc_connect (-1, get_port (started), password);
  g_assert_nonnull (reader);
  wait_for_screenshot_match (daemon, reader);
  rss_before = porthole_test_daemon_get_rss (daemon);

  /* After its first update, raw only and no cursor images: each whole
   * screen it asks for is SCREEN_BYTES and a few. */
  unread = porthole_test_vnc_connect (-1, get_port (started), password);
  g_assert_nonnull (unread);
  round_trip (unread);
  unread->appData.encodingsString = "raw";
  unread->appData.useRemoteCursor = FALSE;
  g_assert_true (SetFormatAndEncodings (unread));
  round_trip (unread);
  updates = porthole_test_vnc_get_state (unread)->updates;

  /* Asks until a whole screen it asked for waits on portholed's side
   * (the socket buffers between are full). */
  for (rounds = 1;; rounds++)
    {
      g_assert_cmpuint (rounds, <=, UNREAD_MAX_ROUNDS);
      g_assert_true (ask_whole_screen (unread));
      waiting = porthole_test_wait_still (bytes_waiting, unread);
      if ((gint64) rounds * SCREEN_BYTES - waiting >= SCREEN_BYTES)
        break;
    }
  rss_held = porthole_test_daemon_get_rss (daemon);

  /* The other viewer is served meanwhile... */
  held_trip = round_trip (reader);
  /* ... while this one is still there: the server counts it, and it
   * gets every screen it asked for, whole, and is served in turn. */
  g_assert_cmpuint (count_viewers (daemon), ==, 2);
  PORTHOLE_TEST_VNC_WAIT (unread, porthole_test_vnc_get_state (unread)->updates >= updates + rounds);
  round_trip (unread);
  g_assert_cmpuint (count_viewers (daemon), ==, 2);

  /* Asked for more than its limit, it is dropped; the reader goes on. */
  since = g_get_monotonic_time ();
  for (flood = 0; flood < UNREAD_MAX_ROUNDS && count_viewers (daemon) == 2; flood++)
    {
      /* A closed connection fails the send: the viewer is gone. */
      if (!ask_whole_screen (unread))
        break;
      worst_trip = MAX (worst_trip, round_trip (reader));
      rss_peak = MAX (rss_peak, porthole_test_daemon_get_rss (daemon));
    }
  PORTHOLE_TEST_WAIT_UNTIL (count_viewers (daemon) == 1);
  dropped_after = (g_get_monotonic_time () - since) / 1000;
  worst_trip = MAX (worst_trip, round_trip (reader));
  rss_after = porthole_test_daemon_get_rss (daemon);

  g_test_message ("held up after %u whole screens of %u KiB asked for, %" G_GINT64_FORMAT " KiB of them in its "
                  "socket: the reader's round trip %" G_GINT64_FORMAT " ms meanwhile; asked for %u more, dropped "
                  "after %" G_GINT64_FORMAT " ms, reader's round trips at worst %" G_GINT64_FORMAT " ms; daemon "
                  "RSS %zu KiB before, %zu KiB held up, %zu KiB at most before the drop, %zu KiB after",
                  rounds, SCREEN_BYTES / 1024, waiting / 1024, held_trip, flood, dropped_after, worst_trip,
                  rss_before / 1024, rss_held / 1024, rss_peak / 1024, rss_after / 1024);
  /* Under ASan, whose quarantine keeps freed memory resident, only the
   * behaviour. */
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    {
      g_assert_cmpuint (rss_held, <, rss_before + UNREAD_MAX_GROWTH);
      g_assert_cmpuint (rss_peak, <, rss_before + UNREAD_MAX_GROWTH);
      g_assert_cmpuint (rss_after, <, rss_before + UNREAD_MAX_GROWTH);
    }

  porthole_test_vnc_close (unread);
  porthole_test_vnc_close (reader);
  porthole_test_noise_clear (&noise);
}

/* A WebSocket viewer made by hand, RFB 3.8 in binary frames, so that it
 * can stop reading: libvncclient on the test bridge reads through a
 * thread that blocks writing to it. */
typedef struct
{
  GSocketConnection *conn;
  GByteArray *in;               /* RFB bytes received, not taken yet */
  gushort close_code;
  char *close_reason;
  gsize received;               /* RFB bytes received in all */
} RawViewer;

/* Reads one frame; FALSE once the connection ended (a close frame, or
 * none). */
static gboolean
raw_viewer_fill (RawViewer *viewer)
{
  g_autoptr(GBytes) payload = NULL;
  guint8 opcode;
  gsize length;
  const guint8 *data;

  if (!porthole_test_ws_read_frame (viewer->conn, &opcode, &payload))
    return FALSE;
  data = g_bytes_get_data (payload, &length);
  if (opcode == 0x8)
    {
      if (length >= 2)
        {
          viewer->close_code = data[0] << 8 | data[1];
          viewer->close_reason = g_strndup ((const char *) data + 2, length - 2);
        }
      return FALSE;
    }
  /* Pings stay unanswered: the keep-alive is long enough not to matter. */
  if (opcode == 0x2 || opcode == 0x0)
    {
      g_byte_array_append (viewer->in, data, length);
      viewer->received += length;
    }
  return TRUE;
}

/* Takes @length RFB bytes into @out (or drops them: @out NULL). */
static void
raw_viewer_read (RawViewer *viewer,
                 guint8    *out,
                 gsize      length)
{
  while (length > 0)
    {
      gsize n;

      if (viewer->in->len == 0)
        g_assert_true (raw_viewer_fill (viewer));
      n = MIN (length, viewer->in->len);
      if (out != NULL)
        {
          memcpy (out, viewer->in->data, n);
          out += n;
        }
      g_byte_array_remove_range (viewer->in, 0, n);
      length -= n;
    }
}

/* A viewer that does not read, and when the daemon counted it gone. */
typedef struct
{
  RawViewer *viewer;
  PortholeTestDaemon *daemon;
  gint64 dropped_at;
} UnreadWatch;

/* Bytes in its socket, not read yet; notes the drop on the way. */
static gint64
unread_watch_probe (gpointer data)
{
  UnreadWatch *watch = data;
  int n = 0;

  if (watch->dropped_at == 0 && count_viewers (watch->daemon) == 0)
    watch->dropped_at = g_get_monotonic_time ();
  g_assert_cmpint (ioctl (g_socket_get_fd (g_socket_connection_get_socket (watch->viewer->conn)), FIONREAD, &n),
                   ==, 0);
  return n;
}

static gboolean
raw_viewer_send (RawViewer    *viewer,
                 const guint8 *data,
                 gsize         length)
{
  return porthole_test_ws_send_frame (viewer->conn, TRUE, 0x2, (const char *) data, length);
}

/* Asks for a whole screen (a FramebufferUpdateRequest, not incremental);
 * FALSE when the connection is closed. */
static gboolean
raw_viewer_ask_whole_screen (RawViewer *viewer)
{
  const guint8 request[] = { 3, 0, 0, 0, 0, 0, SCREEN_W >> 8, SCREEN_W & 0xff, SCREEN_H >> 8, SCREEN_H & 0xff };

  return raw_viewer_send (viewer, request, sizeof request);
}

/* Connects through the bridge without a password (the token is the
 * viewer's credential), and asks for 32-bit raw pixels only: each whole
 * screen is SCREEN_BYTES and a few. */
static void
raw_viewer_connect (RawViewer          *viewer,
                    PortholeTestDaemon *daemon)
{
  /* 32 bits, depth 24, little-endian, true colour, 8 bits a channel. */
  const guint8 set_format[] = { 0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0 };
  const guint8 set_encodings[] = { 2, 0, 0, 1, 0, 0, 0, 0 };
  guint8 version[12], count, types[255], result[4], init[24];
  guint32 name_length;
  gboolean has_none = FALSE;

  viewer->conn = porthole_test_raw_websocket (daemon, "/desktop/vnc/websockify", NULL);
  viewer->in = g_byte_array_new ();
  g_socket_set_timeout (g_socket_connection_get_socket (viewer->conn), 30);

  raw_viewer_read (viewer, version, sizeof version);
  g_assert_cmpmem (version, 8, "RFB 003.", 8);
  g_assert_true (raw_viewer_send (viewer, (const guint8 *) "RFB 003.008\n", 12));
  raw_viewer_read (viewer, &count, 1);
  g_assert_cmpuint (count, >, 0);
  raw_viewer_read (viewer, types, count);
  for (guint i = 0; i < count; i++)
    has_none |= types[i] == 1;
  g_assert_true (has_none);
  g_assert_true (raw_viewer_send (viewer, (const guint8 *) "\1", 1));
  raw_viewer_read (viewer, result, sizeof result);
  g_assert_cmpmem (result, 4, "\0\0\0\0", 4);
  /* ClientInit: shared. */
  g_assert_true (raw_viewer_send (viewer, (const guint8 *) "\1", 1));
  raw_viewer_read (viewer, init, sizeof init);
  g_assert_cmpuint (init[0] << 8 | init[1], ==, SCREEN_W);
  g_assert_cmpuint (init[2] << 8 | init[3], ==, SCREEN_H);
  name_length = (guint32) init[20] << 24 | init[21] << 16 | init[22] << 8 | init[23];
  g_assert_cmpuint (name_length, <, 4096);
  raw_viewer_read (viewer, NULL, name_length);

  g_assert_true (raw_viewer_send (viewer, set_format, sizeof set_format));
  g_assert_true (raw_viewer_send (viewer, set_encodings, sizeof set_encodings));
}

/* Reads one whole screen's update. */
static void
raw_viewer_read_screen (RawViewer *viewer)
{
  guint64 area = 0;

  while (area < (guint64) SCREEN_W * SCREEN_H)
    {
      guint8 head[4];
      guint rects;

      raw_viewer_read (viewer, head, sizeof head);
      g_assert_cmpuint (head[0], ==, 0);        /* FramebufferUpdate */
      rects = head[2] << 8 | head[3];
      for (guint i = 0; i < rects; i++)
        {
          guint8 rect[12];
          guint w, h;

          raw_viewer_read (viewer, rect, sizeof rect);
          w = rect[4] << 8 | rect[5];
          h = rect[6] << 8 | rect[7];
          g_assert_cmpmem (rect + 8, 4, "\0\0\0\0", 4);     /* raw */
          raw_viewer_read (viewer, NULL, (gsize) w * h * 4);
          area += (guint64) w * h;
        }
    }
}

static void
raw_viewer_clear (RawViewer *viewer)
{
  g_io_stream_close (G_IO_STREAM (viewer->conn), NULL, NULL);
  g_clear_object (&viewer->conn);
  g_clear_pointer (&viewer->in, g_byte_array_unref);
  g_clear_pointer (&viewer->close_reason, g_free);
}

/* A WebSocket viewer that stops reading (SECURITY.md G11, G9): once its
 * queue passes its limit it is dropped, and its WebSocket with it, at
 * once: what was queued for it is let go, not sent first, and a peer
 * that does not answer the close is shut down. It used to wait behind
 * the channel's queue, which a peer that does not read never lets out,
 * until the keep-alive check gave up after three intervals; that is
 * 600 s here, so only the drop can end it. */
static void
test_unread_websocket_viewer (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *config = g_build_filename (dir, "portholed.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config=", config, NULL);
  g_autofree char *display_arg = g_strdup_printf ("--display=%s", x11->name);
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(JsonObject) started = NULL;
  PortholeTestNoise noise;
  RawViewer viewer = { 0 };
  UnreadWatch watch = { &viewer, NULL, 0 };
  gsize rss_before, rss_after, received_at_stop;
  gint64 since, dropped_after, closed_after;
  guint rounds;

  g_assert_true (g_file_set_contents (config, "[portholed]\nws-keepalive-interval=600s\n", -1, NULL));
  daemon = porthole_test_daemon_new ((const char *[]) { display_arg, config_arg, NULL });
  watch.daemon = daemon;
  started = start_vnc (daemon, NULL);
  porthole_test_noise_init (&noise, x11);
  porthole_test_noise_paint (&noise);

  /* Warm up: it reads a whole screen of noise. */
  raw_viewer_connect (&viewer, daemon);
  g_assert_true (raw_viewer_ask_whole_screen (&viewer));
  raw_viewer_read_screen (&viewer);
  g_assert_cmpuint (count_viewers (daemon), ==, 1);
  g_assert_cmpint (porthole_test_daemon_get_active_streams (daemon), ==, 1);
  rss_before = porthole_test_daemon_get_rss (daemon);

  /* Then asks for screens and reads nothing. */
  received_at_stop = viewer.received;
  since = g_get_monotonic_time ();
  for (rounds = 0; rounds < UNREAD_MAX_ROUNDS && watch.dropped_at == 0; rounds++)
    {
      if (!raw_viewer_ask_whole_screen (&viewer))
        break;
      /* Its screen made and held up before the next is asked for (the
       * server makes one of requests that wait together). */
      porthole_test_wait_still (unread_watch_probe, &watch);
    }
  /* (When the rounds ran out first.) */
  PORTHOLE_TEST_WAIT_UNTIL (unread_watch_probe (&watch) >= 0 && watch.dropped_at != 0);
  /* Its WebSocket ends, while it still reads nothing. */
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_daemon_get_active_streams (daemon) == 0);
  closed_after = (g_get_monotonic_time () - watch.dropped_at) / 1000;
  dropped_after = (watch.dropped_at - since) / 1000;
  rss_after = porthole_test_daemon_get_rss (daemon);

  /* Reading again, it gets what was under way, then the close frame
   * (1008 and why) or, when that could not even be written, the end. */
  while (raw_viewer_fill (&viewer))
    ;
  g_test_message ("asked for %u whole screens of %u KiB, each once the last was held up: dropped after %" G_GINT64_FORMAT
                  " ms, its WebSocket closed %" G_GINT64_FORMAT " ms later; %zu KiB were still under way, then %s %u "
                  "\"%s\"; daemon RSS %zu KiB before, %zu KiB after",
                  rounds, SCREEN_BYTES / 1024, dropped_after, closed_after,
                  (viewer.received - received_at_stop) / 1024, viewer.close_code != 0 ? "a close frame" : "the end",
                  viewer.close_code, viewer.close_reason != NULL ? viewer.close_reason : "",
                  rss_before / 1024, rss_after / 1024);
  if (viewer.close_code != 0)
    {
      g_assert_cmpuint (viewer.close_code, ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
      g_assert_nonnull (strstr (viewer.close_reason, "unread"));
    }
  /* Under ASan, whose quarantine keeps freed memory resident, only the
   * behaviour. */
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    g_assert_cmpuint (rss_after, <, rss_before + UNREAD_MAX_GROWTH);

  raw_viewer_clear (&viewer);
  porthole_test_noise_clear (&noise);
  g_clear_pointer (&daemon, porthole_test_daemon_free);
  porthole_test_rm_rf (dir);
}

/* Stopping portholed ends its viewers, and it exits cleanly. */
static void
test_daemon_stop (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) started = start_vnc (fixture->daemon, NULL);
  g_autoptr(PortholeTestVncBridge) bridge = NULL;
  rfbClient *tcp = porthole_test_vnc_connect (-1, get_port (started),
                                              json_object_get_string_member (started, "password"));
  rfbClient *ws = connect_bridge (fixture->daemon, &bridge);

  g_assert_nonnull (tcp);
  porthole_test_daemon_stop (fixture->daemon);
  wait_closed (tcp);
  wait_closed (ws);
  porthole_test_vnc_close (tcp);
  porthole_test_vnc_close (ws);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, &spec, porthole_test_desktop_setup, func, porthole_test_desktop_teardown)
  ADD ("/vnc/start-stop", test_start_stop);
  ADD ("/vnc/bridge-viewer", test_bridge_viewer);
  ADD ("/vnc/tcp-viewer", test_tcp_viewer);
  ADD ("/vnc/pointer-off-screen", test_pointer_off_screen);
  ADD ("/vnc/key-burst", test_key_burst);
  ADD ("/vnc/key-flood", test_key_flood);
  ADD ("/vnc/spares-held", test_spares_held);
  ADD ("/vnc/bridge-refused", test_bridge_refused);
  ADD ("/vnc/loopback-only", test_loopback_only);
  g_test_add_func ("/vnc/listen-configured", test_listen_configured);
  ADD ("/vnc/churn", test_churn);
  ADD ("/vnc/unread-viewer", test_unread_viewer);
  g_test_add_func ("/vnc/unread-websocket-viewer", test_unread_websocket_viewer);
  ADD ("/vnc/daemon-stop", test_daemon_stop);
#undef ADD

  return g_test_run ();
}
