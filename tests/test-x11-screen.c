/* test-x11-screen.c — screenshots (API.md §8.5) and display modes
 * (§8.8), checked against the pattern the test client paints and the
 * server's own idea of its size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/extensions/Xrandr.h>

#include "porthole-json.h"
#include "test-x11-utils.h"

#define SCREEN_W 1280
#define SCREEN_H 800
#define WIN_X 100
#define WIN_Y 120
#define WIN_W 400
#define WIN_H 300

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { SCREEN_W, SCREEN_H, "Screen test", WIN_X, WIN_Y, WIN_W, WIN_H, NULL };

static guint8 *
get_image (PortholeTestDaemon *daemon,
           const char         *method,
           const char         *path,
           const char         *body,
           const char         *format,
           int                *width,
           int                *height)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL, body);
  g_autofree char *mime = g_strconcat ("image/", format, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, mime);
  g_assert_cmpint (soup_message_headers_get_content_length (r->headers), ==, g_bytes_get_size (r->body));

  return porthole_test_decode_image (r->body, format, width, height);
}

#define assert_pattern(rgb, width, origin_x, origin_y, tolerance) \
  g_assert_cmpuint (porthole_test_assert_pattern (rgb, width, height, origin_x, origin_y, tolerance), ==, \
                    PORTHOLE_TEST_PATTERN_POINTS)

static void
test_full_png (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *rgb2 = NULL;
  int width, height;

  /* py: GET, raw PNG; exact pixels. */
  rgb = get_image (fixture->daemon, "GET", "/desktop/screenshot", NULL, "png", &width, &height);
  g_assert_cmpint (width, ==, SCREEN_W);
  g_assert_cmpint (height, ==, SCREEN_H);
  assert_pattern (rgb, width, WIN_X, WIN_Y, 0);
  /* Xvfb's root outside the window is black. */
  porthole_test_assert_pixel (rgb, width, 10, 10, 0x000000, 0);

  /* Canonical POST. */
  rgb2 = get_image (fixture->daemon, "POST", "/desktop/screenshot", "{}", "png", &width, &height);
  g_assert_cmpint (width, ==, SCREEN_W);
  assert_pattern (rgb2, width, WIN_X, WIN_Y, 0);
}

static void
test_jpeg_and_scale (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *small = NULL;
  g_autofree guint8 *fitted = NULL;
  int width, height;

  rgb = get_image (fixture->daemon, "GET", "/desktop/screenshot?format=jpeg&quality=95", NULL, "jpeg",
                   &width, &height);
  g_assert_cmpint (width, ==, SCREEN_W);
  g_assert_cmpint (height, ==, SCREEN_H);
  /* Lossy: the colours are close, not exact. */
  assert_pattern (rgb, width, WIN_X, WIN_Y, 40);

  small = get_image (fixture->daemon, "POST", "/desktop/screenshot", "{\"scale\": 0.5}", "png", &width, &height);
  g_assert_cmpint (width, ==, SCREEN_W / 2);
  g_assert_cmpint (height, ==, SCREEN_H / 2);
  /* The inside of the red square, halved. */
  porthole_test_assert_pixel (small, width, (WIN_X + 35) / 2, (WIN_Y + 35) / 2, 0xff0000, 8);

  fitted = get_image (fixture->daemon, "POST", "/desktop/screenshot", "{\"max_width\": 640, \"format\": \"jpg\"}",
                      "jpeg", &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 400);
}

static void
test_json_forms (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autofree guchar *bytes = NULL;
  const char *timestamp;
  gsize size;
  int width, height;

  /* axios Accept: the JS ScreenshotResponse. */
  r = porthole_test_request_accept (fixture->daemon, "GET", "/desktop/screenshot", NULL,
                                    "application/json, text/plain, */*");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  g_assert_cmpstr (json_object_get_string_member (r->json, "format"), ==, "png");
  g_assert_cmpint (json_object_get_int_member (r->json, "width"), ==, SCREEN_W);
  g_assert_cmpint (json_object_get_int_member (r->json, "height"), ==, SCREEN_H);
  g_assert_true (json_object_get_boolean_member (r->json, "success"));
  timestamp = json_object_get_string_member (r->json, "timestamp");
  g_assert_true (porthole_timestamp_parse (timestamp, &(gint64) { 0 }));
  bytes = g_base64_decode (json_object_get_string_member (r->json, "image"), &size);
  g_assert_cmpint (json_object_get_int_member (r->json, "size"), ==, size);
  decoded = g_bytes_new (bytes, size);
  rgb = porthole_test_decode_image (decoded, "png", &width, &height);
  assert_pattern (rgb, width, WIN_X, WIN_Y, 0);
  g_clear_pointer (&r, porthole_test_response_free);

  /* encoding=base64 without the header. */
  r = porthole_test_request (fixture->daemon, "POST", "/desktop/screenshot", NULL, "{\"encoding\": \"base64\"}");
  g_assert_nonnull (r->json);
  g_assert_nonnull (json_object_get_string_member (r->json, "image"));
}

static void
test_region (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) raw = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *from_buffer = NULL;
  JsonArray *array;
  int width, height;

  /* The red and green squares and what is between them. */
  rgb = get_image (fixture->daemon, "POST", "/desktop/screenshot/region",
                   "{\"x\": 110, \"y\": 130, \"width\": 111, \"height\": 51}", "png", &width, &height);
  g_assert_cmpint (width, ==, 111);
  g_assert_cmpint (height, ==, 51);
  /* Red and green (and the background at 5,5 is outside). */
  g_assert_cmpuint (porthole_test_assert_pattern (rgb, width, height, WIN_X - 110, WIN_Y - 130, 0), ==, 2);

  /* Clipped to the screen. */
  g_clear_pointer (&rgb, g_free);
  rgb = get_image (fixture->daemon, "POST", "/desktop/screenshot/region",
                   "{\"x\": 1200, \"y\": 700, \"width\": 500, \"height\": 500}", "png", &width, &height);
  g_assert_cmpint (width, ==, SCREEN_W - 1200);
  g_assert_cmpint (height, ==, SCREEN_H - 700);

  /* JS: {"type":"Buffer","data":[...]} holds the very bytes of the image
   * and no "length" or "buffer" member. */
  raw = porthole_test_request (fixture->daemon, "POST", "/desktop/screenshot/region", NULL,
                               "{\"x\": 100, \"y\": 120, \"width\": 64, \"height\": 32}");
  r = porthole_test_request_accept (fixture->daemon, "POST", "/desktop/screenshot/region",
                                    "{\"x\": 100, \"y\": 120, \"width\": 64, \"height\": 32}",
                                    "application/json, text/plain, */*");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (r->json, "type"), ==, "Buffer");
  g_assert_false (json_object_has_member (r->json, "length"));
  g_assert_false (json_object_has_member (r->json, "buffer"));
  array = json_object_get_array_member (r->json, "data");
  g_assert_cmpuint (json_array_get_length (array), ==, g_bytes_get_size (raw->body));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==,
                     ((const guint8 *) g_bytes_get_data (raw->body, NULL))[i]);
  g_assert_cmpint (json_object_get_int_member (r->json, "width"), ==, 64);
  g_assert_cmpint (json_object_get_int_member (r->json, "height"), ==, 32);
  g_clear_pointer (&r, porthole_test_response_free);

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/screenshot/region", "{\"x\": 0, \"y\": 0, \"width\": 0, \"height\": 10}", 400, "INVALID_REQUEST");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/screenshot/region", "{\"x\": 0, \"y\": 0}", 400, "MISSING_PARAMETER");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/screenshot/region", "{\"x\": 5000, \"y\": 0, \"width\": 10, \"height\": 10}", 400, "INVALID_REQUEST");
}

static void
test_window_capture (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/desktop/x11/capture_window?window_id=0x%lx", fixture->client->window);
  g_autofree char *body = g_strdup_printf ("{\"window_id\": %lu}", fixture->client->window);
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *rgb2 = NULL;
  int width, height;

  rgb = get_image (fixture->daemon, "GET", path, NULL, "png", &width, &height);
  g_assert_cmpint (width, ==, WIN_W);
  g_assert_cmpint (height, ==, WIN_H);
  assert_pattern (rgb, width, 0, 0, 0);

  /* The screenshot route with window_id, even with the JSON Accept of
   * axios for capture_window: raw always. */
  rgb2 = get_image (fixture->daemon, "POST", "/desktop/screenshot", body, "png", &width, &height);
  g_assert_cmpint (width, ==, WIN_W);
  g_assert_cmpint (height, ==, WIN_H);
  assert_pattern (rgb2, width, 0, 0, 0);

  r = porthole_test_request_accept (fixture->daemon, "GET", path, NULL, "application/json, text/plain, */*");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "image/png");
  g_clear_pointer (&r, porthole_test_response_free);

  r = porthole_test_request (fixture->daemon, "GET", "/desktop/x11/capture_window?window_id=0x7ffffff0", NULL, NULL);
  porthole_test_assert_error_body (r, 404, "NOT_FOUND");
  g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "not found"));
  g_clear_pointer (&r, porthole_test_response_free);
  g_clear_pointer (&r, porthole_test_response_free);

  porthole_test_expect_error (fixture->daemon, "GET", "/desktop/screenshot?window_id=nonsense", NULL, 400, "INVALID_REQUEST");
}

static void
get_server_size (PortholeTestX11 *x11,
                 int             *width,
                 int             *height)
{
  XRRScreenConfiguration *config = XRRGetScreenInfo (x11->xdisplay, DefaultRootWindow (x11->xdisplay));
  Rotation rotation;
  int n_sizes;
  XRRScreenSize *sizes = XRRConfigSizes (config, &n_sizes);
  SizeID current = XRRConfigCurrentConfiguration (config, &rotation);

  *width = sizes[current].width;
  *height = sizes[current].height;
  XRRFreeScreenConfigInfo (config);
}

static void
assert_display_size (Fixture *fixture,
                     int      width,
                     int      height)
{
  g_autoptr(JsonObject) current = porthole_test_desktop_call (fixture->daemon, "GET", "/desktop/display/current", NULL);
  g_autofree char *resolution = g_strdup_printf ("%dx%d", width, height);
  g_autofree guint8 *rgb = NULL;
  int server_width, server_height, image_width, image_height;

  g_assert_cmpint (json_object_get_int_member (current, "width"), ==, width);
  g_assert_cmpint (json_object_get_int_member (current, "height"), ==, height);
  g_assert_cmpstr (json_object_get_string_member (current, "resolution"), ==, resolution);

  get_server_size (fixture->x11, &server_width, &server_height);
  g_assert_cmpint (server_width, ==, width);
  g_assert_cmpint (server_height, ==, height);

  rgb = get_image (fixture->daemon, "GET", "/desktop/screenshot", NULL, "png", &image_width, &image_height);
  g_assert_cmpint (image_width, ==, width);
  g_assert_cmpint (image_height, ==, height);
}

static void
test_display (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *display_name = g_strdup_printf (":%d", fixture->x11->number);
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) available = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  const char *aliases[] = { "/desktop/display", "/desktop/display/info" };
  JsonArray *resolutions, *first, *displays;

  current = porthole_test_desktop_call (fixture->daemon, "GET", "/desktop/display/current", NULL);
  g_assert_cmpint (json_object_get_int_member (current, "width"), ==, SCREEN_W);
  g_assert_cmpint (json_object_get_int_member (current, "height"), ==, SCREEN_H);
  g_assert_cmpint (json_object_get_int_member (current, "depth"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (current, "refresh_rate"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (current, "display"), ==, display_name);
  displays = json_object_get_array_member (current, "displays");
  g_assert_cmpuint (json_array_get_length (displays), >=, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (displays, 0), "primary"));
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    {
      g_autoptr(JsonObject) same = porthole_test_desktop_call (fixture->daemon, "GET", aliases[i], NULL);

      g_assert_cmpint (json_object_get_int_member (same, "width"), ==, SCREEN_W);
    }

  /* [[w, h], ...]; each is accepted by set, and none is larger than the
   * server's start size (Xvfb cannot grow). */
  available = porthole_test_desktop_call (fixture->daemon, "GET", "/desktop/display/available", NULL);
  resolutions = json_object_get_array_member (available, "resolutions");
  g_assert_cmpint (json_object_get_int_member (available, "count"), ==, json_array_get_length (resolutions));
  g_assert_cmpuint (json_array_get_length (resolutions), >=, 3);
  for (guint i = 0; i < json_array_get_length (resolutions); i++)
    {
      JsonArray *pair = json_array_get_array_element (resolutions, i);

      g_assert_cmpuint (json_array_get_length (pair), ==, 2);
      g_assert_cmpint (json_array_get_int_element (pair, 0), <=, SCREEN_W);
      g_assert_cmpint (json_array_get_int_element (pair, 1), <=, SCREEN_H);
    }
  first = json_array_get_array_element (resolutions, 0);
  g_assert_cmpint (json_array_get_int_element (first, 0), ==, SCREEN_W);
  for (guint i = json_array_get_length (resolutions); i > 0; i--)
    {
      JsonArray *pair = json_array_get_array_element (resolutions, i - 1);
      g_autofree char *body = g_strdup_printf ("{\"width\": %" G_GINT64_FORMAT ", \"height\": %" G_GINT64_FORMAT "}",
                                               json_array_get_int_element (pair, 0),
                                               json_array_get_int_element (pair, 1));

      g_clear_pointer (&reply, json_object_unref);
      reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/display/set", body);
      assert_display_size (fixture, json_array_get_int_element (pair, 0), json_array_get_int_element (pair, 1));
    }
  g_clear_pointer (&reply, json_object_unref);
  g_clear_pointer (&available, json_object_unref);
  available = porthole_test_desktop_call (fixture->daemon, "GET", "/desktop/display/resolutions", NULL);

  /* A size the server has no mode for, with an odd width. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/display/set",
                                      "{\"width\": 1111, \"height\": 700}");
  g_assert_cmpint (json_object_get_int_member (reply, "width"), ==, 1111);
  assert_display_size (fixture, 1111, 700);
  g_clear_pointer (&reply, json_object_unref);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/display/resolution",
                                      "{\"width\": 800, \"height\": 600}");
  assert_display_size (fixture, 800, 600);
  g_clear_pointer (&reply, json_object_unref);

  /* Back up to the start size. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/display",
                                      "{\"width\": 1280, \"height\": 800}");
  assert_display_size (fixture, SCREEN_W, SCREEN_H);
  g_clear_pointer (&reply, json_object_unref);

  r = porthole_test_request (fixture->daemon, "POST", "/desktop/display/set", NULL, "{\"width\": 3840, \"height\": 2160}");
  porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
  g_assert_true (json_object_has_member (json_object_get_object_member (r->json, "details"), "available"));
  g_clear_pointer (&r, porthole_test_response_free);
  g_clear_pointer (&r, porthole_test_response_free);

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/display/set", "{\"width\": 800}", 400, "MISSING_PARAMETER");
}

static void
assert_missing (PortholeTestDaemon *daemon,
                const char         *method,
                const char         *path,
                const char         *body,
                const char         *package)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL, body);
  JsonArray *missing;
  gboolean found = FALSE;

  porthole_test_assert_error_body (r, 503, "DESKTOP_NOT_AVAILABLE");
  missing = json_object_get_array_member (r->json, "missing_dependencies");
  for (guint i = 0; i < json_array_get_length (missing); i++)
    found |= g_str_equal (json_array_get_string_element (missing, i), package);
  g_assert_true (found);
}

/* Without its plugins, a route that needs one says which packages are
 * missing, and the rest of the desktop keeps working. */
static void
test_plugins_missing (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *empty = porthole_test_make_tmpdir ();
  PortholeTestDaemon *daemon;
  g_autoptr(JsonObject) reply = NULL;

  g_setenv ("PORTHOLE_PLUGIN_DIR", empty, TRUE);
  daemon = porthole_test_x11_daemon_new (x11);
  g_unsetenv ("PORTHOLE_PLUGIN_DIR");

  assert_missing (daemon, "POST", "/desktop/screenshot", NULL, "libavcodec59");
  assert_missing (daemon, "POST", "/desktop/screenshot/region",
                  "{\"x\": 0, \"y\": 0, \"width\": 10, \"height\": 10}", "libavcodec59");
  assert_missing (daemon, "POST", "/desktop/x11/ocr", NULL, "libtesseract5");
  assert_missing (daemon, "POST", "/desktop/x11/find_element", "{\"text\": \"x\"}", "libtesseract5");

  reply = porthole_test_desktop_call (daemon, "POST", "/desktop/mouse/move", "{\"x\": 10, \"y\": 20}");
  g_assert_true (json_object_get_boolean_member (reply, "success"));

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (empty);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, porthole_test_desktop_setup, func, porthole_test_desktop_teardown)
  ADD ("/x11/screen/full-png", test_full_png);
  ADD ("/x11/screen/jpeg-and-scale", test_jpeg_and_scale);
  ADD ("/x11/screen/json-forms", test_json_forms);
  ADD ("/x11/screen/region", test_region);
  ADD ("/x11/screen/window-capture", test_window_capture);
  ADD ("/x11/screen/display", test_display);
#undef ADD
  g_test_add_func ("/x11/screen/plugins-missing", test_plugins_missing);

  return g_test_run ();
}
