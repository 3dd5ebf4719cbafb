/* test-x11-recovery.c — the display comes and goes: 503 while the X
 * server is away, recovery when it is back, the embedded Xvfb (started,
 * restarted, stopped by the daemon), and no desktop at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

#include "porthole-route.h"
#include "test-x11-utils.h"

/* /health says whether the desktop is usable now, not merely built. */
static gboolean
desktop_feature (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_get_boolean_member (json_object_get_object_member (r->json, "features"), "desktop");
}

static void
assert_screenshot_size (PortholeTestDaemon *daemon,
                        int                 width,
                        int                 height)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/desktop/screenshot", NULL, NULL);
  g_autofree guint8 *rgb = NULL;
  int w, h;

  g_assert_cmpuint (r->status, ==, 200);
  rgb = porthole_test_decode_image (r->body, "png", &w, &h);
  g_assert_cmpint (w, ==, width);
  g_assert_cmpint (h, ==, height);
}

static gboolean
logs_mention (PortholeTestDaemon *daemon,
              const char         *text)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (daemon, "GET", "/desktop/debug/logs?lines=500", NULL);
  JsonArray *logs = json_object_get_array_member (reply, "logs");

  g_assert_cmpint (json_object_get_int_member (reply, "count"), ==, json_array_get_length (logs));
  for (guint i = 0; i < json_array_get_length (logs); i++)
    if (strstr (json_array_get_string_element (logs, i), text) != NULL)
      return TRUE;

  return FALSE;
}

static void
test_server_restart (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (640, 480);
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_x11_daemon_new (x11);
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) processes = NULL;
  JsonObject *server;

  status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
  g_assert_true (json_object_get_boolean_member (status, "desktop_available"));
  g_assert_true (desktop_feature (daemon));
  g_assert_false (json_object_get_boolean_member (status, "running"));
  g_assert_cmpint (json_object_get_int_member (status, "display"), ==, x11->number);
  g_assert_cmpstr (json_object_get_string_member (status, "display_name"), ==, x11->name);
  assert_screenshot_size (daemon, 640, 480);

  /* The X server we were pointed at, found through its lock file. */
  processes = porthole_test_desktop_call (daemon, "GET", "/desktop/debug/processes", NULL);
  g_assert_cmpint (json_object_get_int_member (processes, "count"), ==, 1);
  server = json_array_get_object_element (json_object_get_array_member (processes, "processes"), 0);
  g_assert_cmpint (json_object_get_int_member (server, "pid"), ==, atoi (g_subprocess_get_identifier (x11->server)));
  g_assert_cmpstr (json_object_get_string_member (server, "name"), ==, "Xvfb");

  porthole_test_x11_kill_server (x11);
  PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/vnc/status") == 503);
  g_assert_false (desktop_feature (daemon));
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/desktop/screenshot"), ==, 503);
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "POST", "/desktop/mouse/click"), ==, 503);
  /* The rest of the API keeps working. */
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/health"), ==, 200);
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/env"), ==, 200);
  g_assert_true (logs_mention (daemon, "went away"));

  porthole_test_x11_restart_server (x11);
  PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/vnc/status") == 200);
  g_assert_true (desktop_feature (daemon));
  assert_screenshot_size (daemon, 640, 480);
  g_assert_true (logs_mention (daemon, "Connected to X display"));
}

static void
test_embedded (void)
{
  const char *args[] = { "--display=auto", "--display-size=800x600x24", NULL };
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(PortholeTestResponse) env = NULL;
  g_autoptr(JsonObject) display = NULL;
  Display *xdisplay;
  int xvfb_pid, wm_pid, new_pid;

  /* No $DISPLAY: the daemon starts its own server. */
  g_unsetenv ("DISPLAY");
  daemon = porthole_test_daemon_new (args);

  PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/vnc/status") == 200);
  status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
  g_assert_cmpint (json_object_get_int_member (status, "display"), >=, 0);
  assert_screenshot_size (daemon, 800, 600);
  display = porthole_test_desktop_call (daemon, "GET", "/desktop/display/available", NULL);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (json_object_get_array_member (display, "resolutions"), 0), 0),
                   ==, 800);

  /* Programs started by the daemon see the desktop. */
  env = porthole_test_request (daemon, "GET", "/env", NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (env->json, "env_vars"), "DISPLAY"), ==,
                   json_object_get_string_member (status, "display_name"));

  /* Xvfb and openbox, supervised; openbox manages the screen. */
  PORTHOLE_TEST_X11_WAIT ((wm_pid = porthole_test_running_pid (daemon, "openbox")) != 0);
  xdisplay = XOpenDisplay (json_object_get_string_member (status, "display_name"));
  g_assert_nonnull (xdisplay);
  PORTHOLE_TEST_X11_WAIT (porthole_test_display_has_wm (xdisplay));
  XCloseDisplay (xdisplay);
  xvfb_pid = porthole_test_running_pid (daemon, "Xvfb");
  g_assert_cmpint (xvfb_pid, >, 0);

  /* Killed: 503 meanwhile, then restarted and usable again. */
  g_assert_cmpint (kill (xvfb_pid, SIGKILL), ==, 0);
  PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/screenshot") == 503 ||
                          ((new_pid = porthole_test_running_pid (daemon, "Xvfb")) != 0 && new_pid != xvfb_pid));
  PORTHOLE_TEST_X11_WAIT ((new_pid = porthole_test_running_pid (daemon, "Xvfb")) != 0 && new_pid != xvfb_pid &&
                          porthole_test_desktop_status (daemon, "GET", "/desktop/vnc/status") == 200);
  assert_screenshot_size (daemon, 800, 600);
  PORTHOLE_TEST_X11_WAIT ((wm_pid = porthole_test_running_pid (daemon, "openbox")) != 0);

  /* Stopping the daemon ends its X server and window manager. */
  porthole_test_daemon_stop (daemon);
  PORTHOLE_TEST_X11_WAIT (porthole_test_process_is_gone (new_pid) && porthole_test_process_is_gone (wm_pid));
}

/* --display auto with a $DISPLAY that answers: that one, nothing started. */
static void
test_auto_uses_display (void)
{
  const char *args[] = { "--display=auto", NULL };
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (500, 400);
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) processes = NULL;

  g_setenv ("DISPLAY", x11->name, TRUE);
  daemon = porthole_test_daemon_new (args);
  g_unsetenv ("DISPLAY");

  status = porthole_test_desktop_call (daemon, "GET", "/desktop/vnc/status", NULL);
  g_assert_cmpstr (json_object_get_string_member (status, "display_name"), ==, x11->name);
  assert_screenshot_size (daemon, 500, 400);
  processes = porthole_test_desktop_call (daemon, "GET", "/desktop/debug/processes", NULL);
  g_assert_cmpint (porthole_test_find_helper (processes, "Xvfb"), ==, atoi (g_subprocess_get_identifier (x11->server)));
  g_assert_cmpint (porthole_test_find_helper (processes, "openbox"), ==, 0);
}

static void
test_display_none (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  guint n_routes, n_checked = 0;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);

  /* Every desktop route that is built says why there is no desktop. */
  for (guint i = 0; i < n_routes; i++)
    {
      if (!g_str_has_prefix (routes[i].path, "/desktop/") || routes[i].handler == NULL ||
          strchr (routes[i].path, '{') != NULL)
        continue;

      g_assert_cmpuint (porthole_test_desktop_status (daemon, routes[i].method, routes[i].path), ==, 503);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >=, 40);
  g_assert_false (desktop_feature (daemon));
}

/* A listening socket under a free display number's abstract name that
 * never accepts: connects succeed, nothing ever answers. */
static GSocket *
silent_x_server (int *number)
{
  for (int n = 90; n < 200; n++)
    {
      g_autofree char *file = g_strdup_printf ("/tmp/.X11-unix/X%d", n);
      g_autofree char *name = g_strdup_printf ("/tmp/.X11-unix/X%d", n);
      g_autoptr(GSocketAddress) address = NULL;
      g_autoptr(GSocket) socket = NULL;

      if (g_file_test (file, G_FILE_TEST_EXISTS))
        continue;
      address = g_unix_socket_address_new_with_type (name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
      socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
      g_assert_nonnull (socket);
      if (!g_socket_bind (socket, address, FALSE, NULL))
        continue;
      g_assert_true (g_socket_listen (socket, NULL));
      *number = n;
      return g_steal_pointer (&socket);
    }

  g_assert_not_reached ();
}

/* An X server that accepts connections and never answers (stopped,
 * wedged) costs the daemon a bounded wait, not its main loop. */
static void
test_silent_server (void)
{
  int number;
  g_autoptr(GSocket) server = silent_x_server (&number);
  g_autofree char *display_arg = g_strdup_printf ("--display=:%d", number);
  const char *args[] = { display_arg, NULL };
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (args);

  g_assert_false (desktop_feature (daemon));
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/desktop/screenshot"), ==, 503);
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/ping"), ==, 200);
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/env"), ==, 200);
  g_assert_true (logs_mention (daemon, "does not answer"));
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/x11/recovery/server-restart", test_server_restart);
  g_test_add_func ("/x11/recovery/embedded", test_embedded);
  g_test_add_func ("/x11/recovery/auto-uses-display", test_auto_uses_display);
  g_test_add_func ("/x11/recovery/display-none", test_display_none);
  g_test_add_func ("/x11/recovery/silent-server", test_silent_server);

  return g_test_run ();
}
