/* test-inspector-screen.c — the Screen page against the real daemon on
 * a real Xvfb with the X test client on it; input through XTest on the
 * inspector's own display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <X11/keysym.h>

#include "inspector-test-utils.h"
#include "porthole-screen-page.h"

#define WIN_X 100
#define WIN_Y 120

typedef struct
{
  PortholeTestDesktop desktop;
  PortholeWindow *window;
  PortholeScreenPage *page;
  PortholeSandbox *sandbox;
} Fixture;

static const PortholeTestDesktopSpec spec = { 1280, 800, "Inspector screen test", WIN_X, WIN_Y, 500, 400, NULL };

static guint32 screen_pixel (Fixture *fixture,
                             int      x,
                             int      y);
static gboolean color_near (guint32 got,
                            guint32 expected,
                            int     tolerance);
static int tolerance (Fixture *fixture);

static GdkPaintable *
screen (Fixture *fixture)
{
  return GDK_PAINTABLE (porthole_screen_page_get_framebuffer (fixture->page));
}

static gboolean
is_showing (Fixture *fixture)
{
  PortholeScreenMode mode = porthole_screen_page_get_mode (fixture->page);

  return (mode == PORTHOLE_SCREEN_LIVE || mode == PORTHOLE_SCREEN_SCREENSHOTS) &&
         porthole_framebuffer_get_texture (porthole_screen_page_get_framebuffer (fixture->page)) != NULL;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  porthole_test_desktop_setup (&fixture->desktop, data);
  porthole_test_client_skip (fixture->desktop.client);

  fixture->window = porthole_inspector_test_window_new ();
  porthole_window_show_page (fixture->window, "screen");
  fixture->page = PORTHOLE_SCREEN_PAGE (porthole_window_get_page (fixture->window, "screen"));
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->desktop.daemon->url,
                                                          fixture->desktop.daemon->token, "Screen test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (is_showing (fixture));
}

/* The client's red square has arrived (the first frames may predate it). */
static gboolean
shows_red_square (Fixture *fixture)
{
  return is_showing (fixture) &&
         gdk_paintable_get_intrinsic_width (screen (fixture)) > WIN_X + 35 &&
         color_near (screen_pixel (fixture, WIN_X + 35, WIN_Y + 35), 0xff0000, tolerance (fixture));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_desktop_teardown (&fixture->desktop, data);
}

/* The pixel at (@x, @y) of the remote screen, as 0xRRGGBB. */
static guint32
screen_pixel (Fixture *fixture,
              int      x,
              int      y)
{
  GdkTexture *texture = porthole_framebuffer_get_texture (porthole_screen_page_get_framebuffer (fixture->page));
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 4);
  guint32 pixel;

  g_assert_cmpint (x, <, width);
  g_assert_cmpint (y, <, height);
  /* B, G, R, A in memory (cairo's ARGB32 on little endian). */
  gdk_texture_download (texture, pixels, width * 4);
  memcpy (&pixel, pixels + ((gsize) y * width + x) * 4, 4);

  return GUINT32_FROM_LE (pixel) & 0xffffff;
}

static gboolean
color_near (guint32 got,
            guint32 expected,
            int     tolerance)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (ABS ((int) ((got >> shift) & 0xff) - (int) ((expected >> shift) & 0xff)) > tolerance)
      return FALSE;

  return TRUE;
}

static void
assert_color (guint32 got,
              guint32 expected,
              int     tolerance)
{
  if (!color_near (got, expected, tolerance))
    g_error ("Pixel #%06x, expected #%06x (±%d)", got, expected, tolerance);
}

static int
tolerance (Fixture *fixture)
{
  /* Live pixels are exact; screenshots are JPEG. */
  return porthole_screen_page_get_mode (fixture->page) == PORTHOLE_SCREEN_LIVE ? 0 : 40;
}

static void
test_shows_the_desktop (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *png = NULL;

  /* The live view, not the screenshot fallback: the daemon has VNC. */
  g_assert_cmpint (porthole_screen_page_get_mode (fixture->page), ==, PORTHOLE_SCREEN_LIVE);
  PORTHOLE_INSPECTOR_WAIT (shows_red_square (fixture));

  /* The paintable is the X screen, pixel for pixel in size. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (screen (fixture)), ==, 1280);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (screen (fixture)), ==, 800);

  /* The client's squares: red, green, blue, white (test client pattern). */
  assert_color (screen_pixel (fixture, WIN_X + 35, WIN_Y + 35), 0xff0000, tolerance (fixture));
  assert_color (screen_pixel (fixture, WIN_X + 95, WIN_Y + 35), 0x00ff00, tolerance (fixture));
  assert_color (screen_pixel (fixture, WIN_X + 155, WIN_Y + 35), 0x0000ff, tolerance (fixture));
  assert_color (screen_pixel (fixture, WIN_X + 215, WIN_Y + 35), 0xffffff, tolerance (fixture));

  g_assert_false (porthole_screen_page_get_controlling (fixture->page));
  g_assert_false (porthole_screen_view_get_input_enabled (porthole_screen_page_get_view (fixture->page)));

  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-screen.png");
}

static void
count_release (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               guint           *n_releases)
{
  (*n_releases)++;
}

/* A click on the view where remote pixel (@remote_x, @remote_y) shows;
 * returns once GTK has handled it. */
static void
click_remote (Fixture *fixture,
              int      remote_x,
              int      remote_y)
{
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  GtkGesture *watch = gtk_gesture_click_new ();
  guint n_releases = 0;
  double x, y;

  /* A watcher of our own on the window, ahead of the view (capture). */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (watch), GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "released", G_CALLBACK (count_release), &n_releases);
  gtk_widget_add_controller (GTK_WIDGET (fixture->window), GTK_EVENT_CONTROLLER (watch));

  porthole_inspector_test_wait_stable (GTK_WIDGET (view));
  porthole_screen_view_remote_to_widget (view, remote_x, remote_y, &x, &y);
  porthole_inspector_test_click (GTK_WIDGET (view), x, y, 1);
  PORTHOLE_INSPECTOR_WAIT (n_releases > 0);

  gtk_widget_remove_controller (GTK_WIDGET (fixture->window), GTK_EVENT_CONTROLLER (watch));
}

static void
test_watch_then_take_over (Fixture       *fixture,
                           gconstpointer  data)
{
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  g_autofree char *png = NULL;
  const char *line;

  /* Pixel for pixel: a widget point is exactly one remote pixel. */
  g_settings_set_string (settings, "scale-mode", "actual");
  PORTHOLE_INSPECTOR_WAIT (g_str_equal (porthole_screen_view_get_scale_mode (view), "actual"));
  porthole_inspector_test_spin (100);

  /* View only: this click must not reach the client. The next one,
   * in control, must, and must be the first it sees (same path, same
   * order), which proves this one went nowhere. */
  click_remote (fixture, WIN_X + 20, WIN_Y + 30);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.take-control", NULL));
  g_assert_true (porthole_screen_page_get_controlling (fixture->page));
  g_assert_true (porthole_screen_view_get_input_enabled (view));
  /* In control, the pointer takes the remote cursor's shape. */
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_cursor (GTK_WIDGET (view)) != NULL);
  g_assert_nonnull (gdk_cursor_get_texture (gtk_widget_get_cursor (GTK_WIDGET (view))));
  porthole_inspector_test_spin (100);

  click_remote (fixture, WIN_X + 40, WIN_Y + 50);
  line = porthole_inspector_test_wait_line (fixture->desktop.client, "button press ");
  g_assert_cmpstr (line, ==, "button press 1 40 50");
  porthole_inspector_test_wait_line (fixture->desktop.client, "button release 1 40 50");

  /* Keys: the keysym GTK reports is what the sandbox gets. */
  porthole_inspector_test_key (XK_a);
  porthole_inspector_test_wait_line (fixture->desktop.client, "key press a ");
  porthole_inspector_test_wait_line (fixture->desktop.client, "key release a ");

  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-control.png");

  /* Give back: view only again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.give-back", NULL));
  g_assert_false (porthole_screen_page_get_controlling (fixture->page));
  g_assert_false (porthole_screen_view_get_input_enabled (view));
  g_assert_null (gtk_widget_get_cursor (GTK_WIDGET (view)));
  click_remote (fixture, WIN_X + 60, WIN_Y + 70);

  /* The key chords of the menu go only while in control. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.take-control", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.send-keys", "s", "Control_L+Return"));
  line = porthole_inspector_test_wait_line (fixture->desktop.client, "key press Return ");
  /* ControlMask (4) in the state: the chord, not a bare Return. The
   * click given back above never arrived: no button line came first. */
  g_assert_cmpuint (g_ascii_strtoull (line + strlen ("key press Return "), NULL, 10) & 4, ==, 4);
  for (guint i = 0; i < fixture->desktop.client->next; i++)
    g_assert_false (g_str_has_prefix (g_ptr_array_index (fixture->desktop.client->lines, i), "button press 1 60 70"));

  g_settings_reset (settings, "scale-mode");
}

static void
test_resolution_change (Fixture       *fixture,
                        gconstpointer  data)
{
  PORTHOLE_INSPECTOR_WAIT (porthole_screen_page_get_n_resolutions (fixture->page) > 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.resolution", "s", "1024x768"));
  PORTHOLE_INSPECTOR_WAIT (gdk_paintable_get_intrinsic_width (screen (fixture)) == 1024);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (screen (fixture)), ==, 768);

  /* The client's window did not move: its red square is still there. */
  PORTHOLE_INSPECTOR_WAIT (shows_red_square (fixture));
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/screen/shows-the-desktop", test_shows_the_desktop);
  ADD ("/inspector/screen/watch-then-take-over", test_watch_then_take_over);
  ADD ("/inspector/screen/resolution-change", test_resolution_change);
#undef ADD

  return g_test_run ();
}
