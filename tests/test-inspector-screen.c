/* test-inspector-screen.c — the Screen page against the real daemon on
 * a real Xvfb with the X test client on it; input through XTest on the
 * inspector's own display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <X11/keysym.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

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
  /* The plugin directory of a daemon without VNC (or NULL). */
  char *plugins;
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
open_window (Fixture *fixture)
{
  porthole_test_client_skip (fixture->desktop.client);

  fixture->window = porthole_inspector_test_window_new ();
  porthole_window_show_page (fixture->window, "screen");
  fixture->page = PORTHOLE_SCREEN_PAGE (porthole_window_get_page (fixture->window, "screen"));
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->desktop.daemon->url,
                                                          fixture->desktop.daemon->token, "Screen test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (is_showing (fixture));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  porthole_test_desktop_setup (&fixture->desktop, data);
  open_window (fixture);
}

/* A daemon whose plugin directory has the image encoder (screenshots)
 * but not the VNC server, as on a machine without libvncserver. */
static void
fixture_setup_no_vnc (Fixture       *fixture,
                      gconstpointer  data)
{
  const PortholeTestDesktopSpec *s = data;
  g_auto(GStrv) dirs = g_strsplit (PORTHOLE_BUILD_PLUGINDIR, G_SEARCHPATH_SEPARATOR_S, -1);
  g_autofree char *link = NULL;

  fixture->plugins = porthole_test_make_tmpdir ();
  link = g_build_filename (fixture->plugins, "porthole-image-encoder.so", NULL);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *encoder = g_build_filename (dirs[i], "porthole-image-encoder.so", NULL);

      if (g_file_test (encoder, G_FILE_TEST_EXISTS))
        g_assert_no_errno (symlink (encoder, link));
    }
  g_assert_true (g_file_test (link, G_FILE_TEST_EXISTS));

  fixture->desktop.x11 = porthole_test_x11_new (s->screen_width, s->screen_height);
  g_setenv ("PORTHOLE_PLUGIN_DIR", fixture->plugins, TRUE);
  fixture->desktop.daemon = porthole_test_x11_daemon_new (fixture->desktop.x11);
  g_unsetenv ("PORTHOLE_PLUGIN_DIR");
  fixture->desktop.client = porthole_test_client_new (fixture->desktop.x11, s->title, s->x, s->y,
                                                      s->width, s->height, s->text);
  open_window (fixture);
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
  if (fixture->plugins != NULL)
    porthole_test_rm_rf (fixture->plugins);
  g_clear_pointer (&fixture->plugins, g_free);
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
  /* A frame shows what was damaged by then, tile by tile: the white
   * square (in the next tile) may come a frame after the red one. */
  PORTHOLE_INSPECTOR_WAIT (screen_pixel (fixture, WIN_X + 215, WIN_Y + 35) != 0);

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

static GtkRevealer *
control_bar (Fixture *fixture)
{
  return GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (fixture->page), PORTHOLE_TYPE_SCREEN_PAGE,
                                                      "control_revealer"));
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
  /* The bar that says who has control shows. */
  g_assert_true (gtk_revealer_get_reveal_child (control_bar (fixture)));
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
  g_assert_false (gtk_revealer_get_reveal_child (control_bar (fixture)));
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

/* The largest size the daemon offers that fits @width × @height. */
static void
best_fit (Fixture *fixture,
          int      width,
          int      height,
          int     *best_width,
          int     *best_height)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->desktop.daemon, "GET",
                                                            "/desktop/display/available", NULL);
  JsonArray *sizes = json_object_get_array_member (reply, "resolutions");

  *best_width = *best_height = 0;
  for (guint i = 0; i < json_array_get_length (sizes); i++)
    {
      JsonArray *size = json_array_get_array_element (sizes, i);
      int w = json_array_get_int_element (size, 0);
      int h = json_array_get_int_element (size, 1);

      if (w <= width && h <= height && (gint64) w * h > (gint64) *best_width * *best_height)
        {
          *best_width = w;
          *best_height = h;
        }
    }
}

/* "Resize Sandbox to Window": the remote display takes the largest
 * offered size that fits the view, and follows the window. */
static void
test_resize_remote_to_window (Fixture       *fixture,
                              gconstpointer  data)
{
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  GtkWidget *scroller = gtk_widget_get_parent (GTK_WIDGET (view));
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  int width, height;

  while (!GTK_IS_SCROLLED_WINDOW (scroller))
    scroller = gtk_widget_get_parent (scroller);
  porthole_inspector_test_wait_stable (scroller);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (screen (fixture)), ==, 1280);

  g_settings_set_boolean (settings, "resize-remote", TRUE);
  best_fit (fixture, gtk_widget_get_width (scroller), gtk_widget_get_height (scroller), &width, &height);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (width, <, 1280);
  PORTHOLE_INSPECTOR_WAIT (gdk_paintable_get_intrinsic_width (screen (fixture)) == width &&
                           gdk_paintable_get_intrinsic_height (screen (fixture)) == height);

  /* A smaller window: a smaller sandbox display. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_width (scroller) < width);
  porthole_inspector_test_wait_stable (scroller);
  best_fit (fixture, gtk_widget_get_width (scroller), gtk_widget_get_height (scroller), &width, &height);
  g_assert_cmpint (width, >, 0);
  PORTHOLE_INSPECTOR_WAIT (gdk_paintable_get_intrinsic_width (screen (fixture)) == width &&
                           gdk_paintable_get_intrinsic_height (screen (fixture)) == height);

  g_settings_reset (settings, "resize-remote");
}

/* "Save Screenshot…": what the chosen file gets, a PNG of the remote
 * screen pixel for pixel. (GTK's own file chooser, where there is no
 * portal, is not driven here: it leaks in libcloudproviders under LSan
 * and, without a window manager, XTest clicks stop reaching the
 * process's windows once it has been up.) */
static void
test_save_screenshot (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shot.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint32 pixel;

  PORTHOLE_INSPECTOR_WAIT (shows_red_square (fixture));
  porthole_screen_page_save_screenshot (fixture->page, file);
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (porthole_window_get_last_toast (fixture->window), "Screenshot saved") == 0);
  saved = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, 1280);
  g_assert_cmpint (gdk_texture_get_height (saved), ==, 800);
  pixels = g_malloc (1280 * 800 * 4);
  gdk_texture_download (saved, pixels, 1280 * 4);
  memcpy (&pixel, pixels + ((gsize) (WIN_Y + 35) * 1280 + WIN_X + 35) * 4, 4);
  assert_color (GUINT32_FROM_LE (pixel) & 0xffffff, 0xff0000, 0);

  porthole_test_rm_rf (dir);
}

static const char *
mode_text (Fixture *fixture)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (fixture->page), PORTHOLE_TYPE_SCREEN_PAGE,
                                                  "mode_label");

  return gtk_label_get_label (GTK_LABEL (label));
}

/* Fit to the window: the whole screen in a smaller widget, and a click
 * still lands on the remote pixel under the pointer (within what one
 * widget pixel covers). */
static void
test_fit_to_window (Fixture       *fixture,
                    gconstpointer  data)
{
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  double x, y, scale;
  const char *line;
  int got_x, got_y, slack;

  g_assert_cmpstr (porthole_screen_view_get_scale_mode (view), ==, "fit");
  PORTHOLE_INSPECTOR_WAIT (shows_red_square (fixture));
  porthole_inspector_test_wait_stable (GTK_WIDGET (view));

  /* The far corner of the screen shows inside the widget. */
  porthole_screen_view_remote_to_widget (view, 1279, 799, &x, &y);
  g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (view)));
  g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (view)));
  scale = MIN ((double) gtk_widget_get_width (GTK_WIDGET (view)) / 1280,
               (double) gtk_widget_get_height (GTK_WIDGET (view)) / 800);
  g_assert_cmpfloat (scale, <, 1.0);
  slack = (int) ceil (1.0 / scale);

  /* Taking control shows the control bar: the view shrinks first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.take-control", NULL));
  porthole_inspector_test_wait_stable (GTK_WIDGET (view));
  porthole_screen_view_remote_to_widget (view, WIN_X + 200, WIN_Y + 150, &x, &y);
  porthole_inspector_test_click (GTK_WIDGET (view), x, y, 1);
  line = porthole_inspector_test_wait_line (fixture->desktop.client, "button press 1 ");
  g_assert_cmpint (sscanf (line, "button press 1 %d %d", &got_x, &got_y), ==, 2);
  g_assert_cmpint (ABS (got_x - 200), <=, slack);
  g_assert_cmpint (ABS (got_y - 150), <=, slack);
}

typedef struct
{
  gboolean down;
  guint keysym;
} KeyRecord;

static void
record_key (PortholeScreenView *view,
            gboolean            down,
            guint               keysym,
            GArray             *keys)
{
  KeyRecord record = { down, keysym };

  g_array_append_val (keys, record);
}

/* Shift+a pressed, Shift let go first: the key goes up with the keysym
 * it went down with (A), else the remote side would keep A held. */
static void
test_key_released_as_pressed (Fixture       *fixture,
                              gconstpointer  data)
{
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (KeyRecord));
  KeyRecord *records;
  double x, y;
  gulong id;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.take-control", NULL));
  porthole_inspector_test_wait_stable (GTK_WIDGET (view));
  gtk_widget_grab_focus (GTK_WIDGET (view));
  /* Over the client's window: its display's focus follows the pointer. */
  porthole_screen_view_remote_to_widget (view, WIN_X + 300, WIN_Y + 200, &x, &y);
  porthole_inspector_test_pointer (GTK_WIDGET (view), x, y);
  porthole_inspector_test_spin (50);
  id = g_signal_connect (view, "key", G_CALLBACK (record_key), keys);

  porthole_inspector_test_key_event (XK_Shift_L, TRUE);
  porthole_inspector_test_key_event (XK_a, TRUE);
  porthole_inspector_test_key_event (XK_Shift_L, FALSE);
  porthole_inspector_test_key_event (XK_a, FALSE);
  PORTHOLE_INSPECTOR_WAIT (keys->len >= 4);
  g_signal_handler_disconnect (view, id);

  records = (KeyRecord *) keys->data;
  g_assert_cmpuint (keys->len, ==, 4);
  g_assert_true (records[0].down && records[0].keysym == XK_Shift_L);
  g_assert_true (records[1].down && records[1].keysym == XK_A);
  g_assert_true (!records[2].down && records[2].keysym == XK_Shift_L);
  g_assert_true (!records[3].down);
  g_assert_cmpuint (records[3].keysym, ==, XK_A);

  /* And the sandbox saw the key go down and come up again. */
  porthole_inspector_test_wait_line (fixture->desktop.client, "key press A ");
  porthole_inspector_test_wait_line (fixture->desktop.client, "key release ");
}

static char *
remote_clipboard (Fixture *fixture)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->desktop.daemon, "GET",
                                                            "/desktop/clipboard/get", NULL);

  return g_strdup (json_object_get_string_member (reply, "text"));
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

/* Push and pull go through the HTTP routes, so text beyond Latin-1
 * (which RFB's cut text cannot carry) arrives whole. */
static void
test_clipboard (Fixture       *fixture,
                gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->page));
  const char *ours = "Grüße ✓ 日本語 from the inspector";
  const char *theirs = "Ωμέγα ✓ from the sandbox";
  g_autofree char *body = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *local = NULL;
  g_autoptr(JsonObject) reply = NULL;

  gdk_clipboard_set_text (clipboard, ours);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.push-clipboard", NULL));
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (porthole_window_get_last_toast (fixture->window),
                                      "Your clipboard is now the sandbox’s") == 0);
  remote = remote_clipboard (fixture);
  g_assert_cmpstr (remote, ==, ours);

  body = g_strdup_printf ("{\"text\": \"%s\"}", theirs);
  reply = porthole_test_desktop_call (fixture->desktop.daemon, "POST", "/desktop/clipboard/set", body);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.pull-clipboard", NULL));
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (porthole_window_get_last_toast (fixture->window),
                                      "The sandbox’s clipboard is now yours") == 0);
  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &local);
  PORTHOLE_INSPECTOR_WAIT (local != NULL);
  g_assert_cmpstr (local, ==, theirs);
}

/* Without the daemon's VNC server: JPEG screenshots, said in the mode
 * line, and control through the HTTP input routes. */
static void
test_screenshots_without_vnc (Fixture       *fixture,
                              gconstpointer  data)
{
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  g_autofree char *png = NULL;
  double x, y;

  g_assert_cmpint (porthole_screen_page_get_mode (fixture->page), ==, PORTHOLE_SCREEN_SCREENSHOTS);
  g_assert_true (g_str_has_prefix (mode_text (fixture), "No live view ("));
  g_assert_nonnull (strstr (mode_text (fixture), "a screenshot every"));
  PORTHOLE_INSPECTOR_WAIT (shows_red_square (fixture));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (screen (fixture)), ==, 1280);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (screen (fixture)), ==, 800);
  assert_color (screen_pixel (fixture, WIN_X + 95, WIN_Y + 35), 0x00ff00, tolerance (fixture));

  g_settings_set_string (settings, "scale-mode", "actual");
  PORTHOLE_INSPECTOR_WAIT (g_str_equal (porthole_screen_view_get_scale_mode (view), "actual"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.take-control", NULL));
  porthole_inspector_test_wait_stable (GTK_WIDGET (view));
  porthole_screen_view_remote_to_widget (view, WIN_X + 40, WIN_Y + 50, &x, &y);
  porthole_inspector_test_click (GTK_WIDGET (view), x, y, 1);
  g_assert_cmpstr (porthole_inspector_test_wait_line (fixture->desktop.client, "button press "), ==,
                   "button press 1 40 50");

  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-screenshots.png");
  g_settings_reset (settings, "scale-mode");
}

/* A small remote screen of odd width and height: fitted, it is scaled
 * up by a fraction; pixel for pixel, it is centred in a wider view. */
static const PortholeTestDesktopSpec small_spec = { 643, 401, "Inspector exact clicks", 21, 17, 560, 360, NULL };

/* Clicks at many remote pixels, in both scale modes and at odd and even
 * window widths (so the centring offset is sometimes a half pixel), each
 * landing exactly on the pixel aimed at. */
static void
test_exact_clicks (Fixture       *fixture,
                   gconstpointer  data)
{
  const PortholeTestDesktopSpec *s = data;
  PortholeScreenView *view = porthole_screen_page_get_view (fixture->page);
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  const char *modes[] = { "actual", "fit" };
  const int widths[] = { 1200, 1201, 1203, 1186 };
  /* Two pixels in from the edges: a miss is reported, not a click outside. */
  const int targets[][2] = { { 2, 2 }, { 3, 5 }, { 7, 3 }, { 100, 101 }, { 255, 256 },
                             { 333, 199 }, { 414, 287 }, { 557, 357 } };
  /* The window is as wide as asked plus its client-side decorations. */
  int decorations = gtk_widget_get_width (GTK_WIDGET (fixture->window)) - 1200;
  guint misses = 0;

  /* The client's red square is on the screen: it is mapped. */
  PORTHOLE_INSPECTOR_WAIT (is_showing (fixture) && screen_pixel (fixture, s->x + 35, s->y + 35) == 0xff0000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "screen.take-control", NULL));
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_cursor (GTK_WIDGET (view)) != NULL);
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_settings_set_string (settings, "scale-mode", modes[m]);
      PORTHOLE_INSPECTOR_WAIT (g_str_equal (porthole_screen_view_get_scale_mode (view), modes[m]));

      for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
        {
          int view_width = gtk_widget_get_width (GTK_WIDGET (view));

          gtk_window_set_default_size (GTK_WINDOW (fixture->window), widths[w], 760);
          PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_width (GTK_WIDGET (fixture->window)) == widths[w] + decorations);
          PORTHOLE_INSPECTOR_WAIT (w == 0 || gtk_widget_get_width (GTK_WIDGET (view)) != view_width);
          porthole_inspector_test_wait_stable (GTK_WIDGET (view));

          for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
            {
              g_autofree char *expected = g_strdup_printf ("button press 1 %d %d", targets[t][0], targets[t][1]);
              g_autofree char *release = NULL;
              double x, y;
              const char *line;

              porthole_screen_view_remote_to_widget (view, s->x + targets[t][0], s->y + targets[t][1], &x, &y);
              porthole_inspector_test_click (GTK_WIDGET (view), x, y, 1);
              line = porthole_inspector_test_wait_line (fixture->desktop.client, "button press 1 ");
              if (!g_str_equal (line, expected))
                {
                  g_printerr ("# %s, window %d wide (view %d): aimed at %d,%d (widget %.3f,%.3f), got “%s”\n",
                              modes[m], widths[w], gtk_widget_get_width (GTK_WIDGET (view)),
                              targets[t][0], targets[t][1], x, y, line);
                  misses++;
                }
              porthole_inspector_test_wait_line (fixture->desktop.client, "button release 1 ");
            }
        }
    }
  g_assert_cmpuint (misses, ==, 0);
  g_settings_reset (settings, "scale-mode");
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
  ADD ("/inspector/screen/fit-to-window", test_fit_to_window);
  ADD ("/inspector/screen/resize-remote-to-window", test_resize_remote_to_window);
  ADD ("/inspector/screen/key-released-as-pressed", test_key_released_as_pressed);
  ADD ("/inspector/screen/clipboard", test_clipboard);
  g_test_add ("/inspector/screen/screenshots-without-vnc", Fixture, &spec, fixture_setup_no_vnc,
              test_screenshots_without_vnc, fixture_teardown);
  ADD ("/inspector/screen/save-screenshot", test_save_screenshot);
  g_test_add ("/inspector/screen/exact-clicks", Fixture, &small_spec, fixture_setup, test_exact_clicks,
              fixture_teardown);
#undef ADD

  return g_test_run ();
}
