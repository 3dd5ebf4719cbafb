/* test-x11-windows.c — windows (API.md §8.7, §13 move), without a window
 * manager (XQueryTree + ICCCM) and with openbox (EWMH); every effect is
 * checked with Xlib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>

#include "test-x11-utils.h"

typedef struct
{
  PortholeTestX11 *x11;
  PortholeTestDaemon *daemon;
  PortholeTestClient *first;
  PortholeTestClient *second;
  gboolean with_wm;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->with_wm = GPOINTER_TO_INT (data);
  fixture->x11 = porthole_test_x11_new (1024, 768);
  if (fixture->with_wm)
    porthole_test_x11_start_wm (fixture->x11);
  fixture->daemon = porthole_test_x11_daemon_new (fixture->x11);
  fixture->first = porthole_test_client_new (fixture->x11, "First window", 100, 120, 300, 200, NULL);
  fixture->second = porthole_test_client_new (fixture->x11, "Second window ✓", 500, 300, 250, 150, NULL);
  /* openbox gives a new window the focus, in its own time: wait for it,
   * or it may land in the middle of a test. */
  if (fixture->with_wm)
    porthole_test_client_wait_line (fixture->second, "focus in");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->first, porthole_test_client_free);
  g_clear_pointer (&fixture->second, porthole_test_client_free);
  porthole_test_daemon_free (fixture->daemon);
  porthole_test_x11_free (fixture->x11);
}

static char *
window_body (Window      window,
             const char *extra)
{
  return g_strdup_printf ("{\"window_id\": %lu%s%s}", window, extra ? ", " : "", extra ? extra : "");
}

static void
window_call (Fixture    *fixture,
             const char *path,
             Window      window,
             const char *extra)
{
  g_autofree char *body = window_body (window, extra);
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "POST", path, body);

  g_assert_cmpint (json_object_get_int_member (reply, "window_id"), ==, window);
}

/* What Xlib says of @window: root coordinates and size. */
static void
get_geometry (Fixture *fixture,
              Window   window,
              int     *x,
              int     *y,
              int     *width,
              int     *height)
{
  XWindowAttributes attributes = { 0 };
  Window child;

  XSync (fixture->x11->xdisplay, False);
  XGetWindowAttributes (fixture->x11->xdisplay, window, &attributes);
  XTranslateCoordinates (fixture->x11->xdisplay, window, DefaultRootWindow (fixture->x11->xdisplay),
                         0, 0, x, y, &child);
  *width = attributes.width;
  *height = attributes.height;
}

static JsonObject *
find_window (Fixture    *fixture,
             const char *path,
             Window      window)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "GET", path, NULL);
  JsonArray *windows = json_object_get_array_member (reply, "windows");

  g_assert_cmpint (json_object_get_int_member (reply, "count"), ==, json_array_get_length (windows));
  for (guint i = 0; i < json_array_get_length (windows); i++)
    {
      JsonObject *object = json_array_get_object_element (windows, i);

      if ((Window) json_object_get_int_member (object, "id") == window)
        return json_object_ref (object);
    }

  return NULL;
}

static gboolean
is_listed (Fixture *fixture,
           Window   window)
{
  g_autoptr(JsonObject) object = find_window (fixture, "/desktop/windows", window);

  return object != NULL;
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  PortholeTestClient *clients[] = { fixture->first, fixture->second };
  const char *titles[] = { "First window", "Second window ✓" };

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_autoptr(JsonObject) window = find_window (fixture, i == 0 ? "/desktop/windows/list" : "/desktop/windows",
                                                  clients[i]->window);
      g_autofree char *hex = g_strdup_printf ("0x%08lx", clients[i]->window);
      int x, y, width, height;

      g_assert_nonnull (window);
      g_assert_cmpstr (json_object_get_string_member (window, "window_id"), ==, hex);
      g_assert_cmpstr (json_object_get_string_member (window, "title"), ==, titles[i]);
      g_assert_cmpstr (json_object_get_string_member (window, "class"), ==, "PortholeTestClient");
      g_assert_cmpint (json_object_get_int_member (window, "pid"), ==,
                       atoi (g_subprocess_get_identifier (clients[i]->process)));
      g_assert_cmpint (json_object_get_int_member (window, "desktop"), >=, 0);
      g_assert_false (json_object_get_boolean_member (window, "is_minimized"));
      g_assert_false (json_object_get_boolean_member (window, "isMinimized"));
      g_assert_true (json_object_get_boolean_member (window, "is_active") ==
                     json_object_get_boolean_member (window, "focused"));
      g_assert_true (json_object_get_boolean_member (window, "is_active") ==
                     json_object_get_boolean_member (window, "isActive"));

      get_geometry (fixture, clients[i]->window, &x, &y, &width, &height);
      g_assert_cmpint (json_object_get_int_member (window, "x"), ==, x);
      g_assert_cmpint (json_object_get_int_member (window, "y"), ==, y);
      g_assert_cmpint (json_object_get_int_member (window, "width"), ==, width);
      g_assert_cmpint (json_object_get_int_member (window, "height"), ==, height);
      if (!fixture->with_wm)
        {
          /* Nobody moved it. */
          g_assert_cmpint (x, ==, i == 0 ? 100 : 500);
          g_assert_cmpint (y, ==, i == 0 ? 120 : 300);
        }
    }
}

static Window
active_window (Fixture *fixture)
{
  Display *xdisplay = fixture->x11->xdisplay;

  XSync (xdisplay, False);
  if (fixture->with_wm)
    {
      Atom type;
      int format;
      unsigned long n, after;
      unsigned char *data = NULL;
      Window active = None;

      XGetWindowProperty (xdisplay, DefaultRootWindow (xdisplay), XInternAtom (xdisplay, "_NET_ACTIVE_WINDOW", False),
                          0, 1, False, XA_WINDOW, &type, &format, &n, &after, &data);
      if (n == 1)
        active = *(Window *) data;
      if (data != NULL)
        XFree (data);
      return active;
    }
  else
    {
      Window focus;
      int revert;

      XGetInputFocus (xdisplay, &focus, &revert);
      return focus;
    }
}

static void
test_focus (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) listed = NULL;
  g_autofree char *hex_body = g_strdup_printf ("{\"window_id\": \"0x%lx\"}", fixture->first->window);
  g_autofree char *decimal_body = g_strdup_printf ("{\"id\": \"%lu\"}", fixture->second->window);
  g_autoptr(JsonObject) reply = NULL;

  window_call (fixture, "/desktop/windows/focus", fixture->first->window, NULL);
  g_assert_cmpuint (active_window (fixture), ==, fixture->first->window);
  porthole_test_client_wait_line (fixture->first, "focus in");
  listed = find_window (fixture, "/desktop/windows", fixture->first->window);
  g_assert_true (json_object_get_boolean_member (listed, "is_active"));

  /* Ids as strings: decimal (JS) and hex. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/windows/focus", decimal_body);
  g_assert_cmpuint (active_window (fixture), ==, fixture->second->window);
  g_clear_pointer (&reply, json_object_unref);
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/windows/focus", hex_body);
  g_assert_cmpuint (active_window (fixture), ==, fixture->first->window);
}

static void
test_resize_and_move (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *body = window_body (fixture->first->window, "\"width\": 420, \"height\": 260");
  g_autoptr(JsonObject) listed = NULL;
  int x, y, width, height;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/windows/resize", body);
  g_assert_cmpint (json_object_get_int_member (reply, "width"), ==, 420);
  g_assert_cmpint (json_object_get_int_member (reply, "height"), ==, 260);
  /* The answer comes once the change is done. */
  get_geometry (fixture, fixture->first->window, &x, &y, &width, &height);
  g_assert_cmpint (width, ==, 420);
  g_assert_cmpint (height, ==, 260);

  window_call (fixture, "/desktop/windows/move", fixture->first->window, "\"x\": 200, \"y\": 150");
  get_geometry (fixture, fixture->first->window, &x, &y, &width, &height);
  g_assert_cmpint (x, ==, 200);
  g_assert_cmpint (y, ==, 150);
  g_assert_cmpint (width, ==, 420);

  window_call (fixture, "/desktop/windows/resize", fixture->first->window,
               "\"width\": 300, \"height\": 200, \"x\": 50, \"y\": 60");
  get_geometry (fixture, fixture->first->window, &x, &y, &width, &height);
  g_assert_cmpint (x, ==, 50);
  g_assert_cmpint (y, ==, 60);
  g_assert_cmpint (width, ==, 300);
  g_assert_cmpint (height, ==, 200);

  listed = find_window (fixture, "/desktop/windows/list", fixture->first->window);
  g_assert_cmpint (json_object_get_int_member (listed, "x"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (listed, "width"), ==, 300);
}

static long
wm_state (Fixture *fixture,
          Window   window)
{
  Display *xdisplay = fixture->x11->xdisplay;
  Atom wm_state = XInternAtom (xdisplay, "WM_STATE", False);
  Atom type;
  int format;
  unsigned long n = 0, after;
  unsigned char *data = NULL;
  long state = WithdrawnState;

  XSync (xdisplay, False);
  XGetWindowProperty (xdisplay, window, wm_state, 0, 2, False, wm_state, &type, &format, &n, &after, &data);
  if (n >= 1)
    state = ((long *) data)[0];
  if (data != NULL)
    XFree (data);

  return state;
}

static gboolean
is_viewable (Fixture *fixture,
             Window   window)
{
  XWindowAttributes attributes = { 0 };

  XSync (fixture->x11->xdisplay, False);
  XGetWindowAttributes (fixture->x11->xdisplay, window, &attributes);
  return attributes.map_state == IsViewable;
}

static void
test_minimize (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) listed = NULL;

  window_call (fixture, "/desktop/windows/minimize", fixture->second->window, NULL);
  g_assert_cmpint (wm_state (fixture, fixture->second->window), ==, IconicState);
  g_assert_false (is_viewable (fixture, fixture->second->window));
  porthole_test_client_wait_line (fixture->second, "unmap");

  /* Still listed, as minimized. */
  listed = find_window (fixture, "/desktop/windows/list", fixture->second->window);
  g_assert_nonnull (listed);
  g_assert_true (json_object_get_boolean_member (listed, "is_minimized"));
  g_assert_true (json_object_get_boolean_member (listed, "isMinimized"));
  g_clear_pointer (&listed, json_object_unref);

  /* Focus brings it back. */
  window_call (fixture, "/desktop/windows/focus", fixture->second->window, NULL);
  PORTHOLE_TEST_X11_WAIT (is_viewable (fixture, fixture->second->window));
  g_assert_cmpint (wm_state (fixture, fixture->second->window), ==, NormalState);
  listed = find_window (fixture, "/desktop/windows/list", fixture->second->window);
  g_assert_false (json_object_get_boolean_member (listed, "is_minimized"));
}

static void
test_close (Fixture       *fixture,
            gconstpointer  data)
{
  /* Polite: the application gets WM_DELETE_WINDOW and leaves. */
  window_call (fixture, "/desktop/windows/close", fixture->first->window, NULL);
  porthole_test_client_wait_line (fixture->first, "delete-window");
  g_subprocess_wait (fixture->first->process, NULL, NULL);
  PORTHOLE_TEST_X11_WAIT (!is_listed (fixture, fixture->first->window));

  /* Forced: the client's connection is killed. */
  window_call (fixture, "/desktop/windows/close", fixture->second->window, "\"force\": true");
  g_subprocess_wait (fixture->second->process, NULL, NULL);
  g_assert_false (is_listed (fixture, fixture->second->window));
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  const char *paths[] = {
    "/desktop/windows/focus", "/desktop/windows/close", "/desktop/windows/minimize",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(PortholeTestResponse) r = NULL;

      r = porthole_test_request (fixture->daemon, "POST", paths[i], NULL, "{\"window_id\": \"0x7ffffff0\"}");
      porthole_test_assert_error_body (r, 404, "NOT_FOUND");
      g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "not found"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r->json, "details"), "resource"), ==, "window");
      g_clear_pointer (&r, porthole_test_response_free);
      g_clear_pointer (&r, porthole_test_response_free);

      porthole_test_expect_error (fixture->daemon, "POST", paths[i], "{}", 400, "MISSING_PARAMETER");
    }

  {
    g_autoptr(PortholeTestResponse) r = NULL;
    g_autofree char *body = window_body (fixture->first->window, "\"width\": 0, \"height\": 10");

    porthole_test_expect_error (fixture->daemon, "POST", "/desktop/windows/resize", body, 400, "INVALID_REQUEST");

    porthole_test_expect_error (fixture->daemon, "POST", "/desktop/windows/resize", "{\"window_id\": \"zzz\", \"width\": 5, \"height\": 5}", 400, "INVALID_REQUEST");
  }
}

static void
test_capture_and_bounds (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/desktop/x11/capture_window?window_id=%lu", fixture->second->window);
  g_autoptr(PortholeTestResponse) r = porthole_test_request (fixture->daemon, "GET", path, NULL, NULL);
  g_autofree char *body = window_body (fixture->second->window, NULL);
  g_autoptr(JsonObject) bounds = NULL;
  g_autofree guint8 *rgb = NULL;
  int width, height, x, y, w, h;

  /* The client area, without the frame of a window manager. */
  g_assert_cmpuint (r->status, ==, 200);
  rgb = porthole_test_decode_image (r->body, "png", &width, &height);
  g_assert_cmpint (width, ==, 250);
  g_assert_cmpint (height, ==, 150);
  porthole_test_assert_pixel (rgb, width, 35, 35, 0xff0000, 0);

  bounds = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/get_bounds", body);
  get_geometry (fixture, fixture->second->window, &x, &y, &w, &h);
  g_assert_true (json_object_get_boolean_member (bounds, "found"));
  g_assert_cmpint (json_object_get_int_member (bounds, "x"), ==, x);
  g_assert_cmpint (json_object_get_int_member (bounds, "y"), ==, y);
  g_assert_cmpint (json_object_get_int_member (bounds, "width"), ==, 250);
  g_assert_cmpint (json_object_get_int_member (bounds, "height"), ==, 150);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func)                                                                             \
  g_test_add ("/x11/windows/no-wm/" path, Fixture, GINT_TO_POINTER (FALSE), fixture_setup, func, fixture_teardown); \
  g_test_add ("/x11/windows/openbox/" path, Fixture, GINT_TO_POINTER (TRUE), fixture_setup, func, fixture_teardown)
  ADD ("list", test_list);
  ADD ("focus", test_focus);
  ADD ("resize-and-move", test_resize_and_move);
  ADD ("minimize", test_minimize);
  ADD ("close", test_close);
  ADD ("errors", test_errors);
  ADD ("capture-and-bounds", test_capture_and_bounds);
#undef ADD

  return g_test_run ();
}
