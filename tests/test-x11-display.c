/* test-x11-display.c — the daemon's X11 objects in-process against a
 * real Xvfb: the main-loop source, error traps, damage-driven frames
 * for continuous consumers, and the "closed" signal when the server dies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-error.h"
#include "porthole-log-buffer.h"
#include "porthole-x11-capture.h"
#include "porthole-x11-display.h"
#include "test-x11-utils.h"

/* Spins the main context until @cond holds, for up to 20 s. */
#define SPIN_UNTIL(cond)                                                \
  G_STMT_START {                                                        \
    gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;   \
    while (!(cond))                                                     \
      {                                                                 \
        g_assert_cmpint (g_get_monotonic_time (), <, _deadline);        \
        g_main_context_iteration (NULL, FALSE);                         \
        g_usleep (1000);                                                \
      }                                                                 \
  } G_STMT_END

static void
test_error_trap (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (320, 240);
  g_autoptr(PortholeLogBuffer) log = porthole_log_buffer_new ("test", 100);
  g_autoptr(PortholeX11Display) display = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  XWindowAttributes attributes;
  int width, height;

  display = porthole_x11_display_open (x11->name, log, &error);
  g_assert_no_error (error);
  porthole_x11_display_get_size (display, &width, &height);
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 240);
  g_assert_true (porthole_x11_display_has_extensions (display, PORTHOLE_X11_EXTENSION_XTEST |
                                                      PORTHOLE_X11_EXTENSION_SHM | PORTHOLE_X11_EXTENSION_RANDR |
                                                      PORTHOLE_X11_EXTENSION_XFIXES | PORTHOLE_X11_EXTENSION_DAMAGE));

  /* A bad request inside a trap: its code, no crash, nothing logged. */
  porthole_x11_display_error_trap_push (display);
  XGetWindowAttributes (porthole_x11_display_get_xdisplay (display), 0x7ffffff0, &attributes);
  g_assert_cmpint (porthole_x11_display_error_trap_pop (display), ==, BadWindow);

  porthole_x11_display_error_trap_push (display);
  XGetWindowAttributes (porthole_x11_display_get_xdisplay (display), porthole_x11_display_get_root (display), &attributes);
  g_assert_cmpint (porthole_x11_display_error_trap_pop (display), ==, 0);

  /* Outside a trap: logged, never fatal. */
  XMapWindow (porthole_x11_display_get_xdisplay (display), 0x7ffffff1);
  XSync (porthole_x11_display_get_xdisplay (display), False);
  lines = porthole_log_buffer_dup_tail (log, 10);
  g_assert_nonnull (strstr (lines[g_strv_length (lines) - 1], "Untrapped X error"));

  g_assert_cmpint (porthole_x11_display_get_server_pid (display), ==, atoi (g_subprocess_get_identifier (x11->server)));
}

static void
on_frame_ready (PortholeX11Capture *capture,
                PortholeFrame      *frame,
                GPtrArray          *frames)
{
  g_ptr_array_add (frames, porthole_frame_ref (frame));
}

static void
test_frames (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (320, 240);
  g_autoptr(PortholeLogBuffer) log = porthole_log_buffer_new ("test", 100);
  g_autoptr(PortholeX11Display) display = NULL;
  g_autoptr(PortholeX11Capture) capture = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_frame_unref);
  g_autoptr(GError) error = NULL;
  PortholeFrame *last;
  guint8 r, g, b;
  GC gc;
  guint consumer;

  display = porthole_x11_display_open (x11->name, log, &error);
  g_assert_no_error (error);
  capture = porthole_x11_capture_new (display);
  g_signal_connect (capture, "frame-ready", G_CALLBACK (on_frame_ready), frames);

  /* The first frame comes at once. */
  consumer = porthole_x11_capture_add_consumer (capture, 30);
  SPIN_UNTIL (frames->len == 1);
  last = g_ptr_array_index (frames, 0);
  g_assert_cmpint (porthole_frame_get_width (last), ==, 320);
  g_assert_true (porthole_frame_get_pixel (last, 100, 100, &r, &g, &b));
  g_assert_cmpuint (r | g | b, ==, 0);

  /* A change on screen (XDamage) gives the next one. */
  gc = XCreateGC (x11->xdisplay, DefaultRootWindow (x11->xdisplay), 0, NULL);
  XSetForeground (x11->xdisplay, gc, 0x00ff00);
  XFillRectangle (x11->xdisplay, DefaultRootWindow (x11->xdisplay), gc, 90, 90, 20, 20);
  XFreeGC (x11->xdisplay, gc);
  XSync (x11->xdisplay, False);
  SPIN_UNTIL (frames->len >= 2);
  last = g_ptr_array_index (frames, frames->len - 1);
  g_assert_true (porthole_frame_get_pixel (last, 100, 100, &r, &g, &b));
  g_assert_cmpuint (r, ==, 0);
  g_assert_cmpuint (g, ==, 0xff);
  g_assert_cmpuint (b, ==, 0);

  porthole_x11_capture_remove_consumer (capture, consumer);
}

/* MIT-SHM and the XGetImage fallback see the same pixels. */
static void
test_capture_paths (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (320, 240);
  g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Capture", 20, 30, 260, 100, NULL);
  g_autoptr(PortholeLogBuffer) log = porthole_log_buffer_new ("test", 100);
  g_autoptr(PortholeX11Display) display = NULL;
  g_autoptr(PortholeX11Capture) capture = NULL;
  g_autoptr(PortholeFrame) shm = NULL;
  g_autoptr(PortholeFrame) plain = NULL;
  g_autoptr(GError) error = NULL;
  PortholeRect area = { 10, 20, 200, 80 };

  display = porthole_x11_display_open (x11->name, log, &error);
  g_assert_no_error (error);
  capture = porthole_x11_capture_new (display);

  shm = porthole_x11_capture_grab (capture, &area, &error);
  g_assert_no_error (error);
  g_assert_true (porthole_x11_capture_uses_shm (capture));

  porthole_x11_capture_set_use_shm (capture, FALSE);
  plain = porthole_x11_capture_grab (capture, &area, &error);
  g_assert_no_error (error);
  g_assert_false (porthole_x11_capture_uses_shm (capture));

  g_assert_cmpint (porthole_frame_get_width (plain), ==, 200);
  g_assert_cmpint (porthole_frame_get_height (plain), ==, 80);
  for (int y = 0; y < 80; y++)
    for (int x = 0; x < 200; x++)
      {
        guint8 r1, g1, b1, r2, g2, b2;

        g_assert_true (porthole_frame_get_pixel (shm, x, y, &r1, &g1, &b1));
        g_assert_true (porthole_frame_get_pixel (plain, x, y, &r2, &g2, &b2));
        g_assert_cmpuint ((r1 << 16) | (g1 << 8) | b1, ==, (r2 << 16) | (g2 << 8) | b2);
      }

  /* The client's red square: window (20,30) + (10..59, 10..59). */
  {
    guint8 r, g, b;

    g_assert_true (porthole_frame_get_pixel (plain, 20 + 35 - 10, 30 + 35 - 20, &r, &g, &b));
    g_assert_cmpuint ((r << 16) | (g << 8) | b, ==, 0xff0000);
  }
}

static void
on_closed (gboolean *closed)
{
  *closed = TRUE;
}

static void
test_closed (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (320, 240);
  g_autoptr(PortholeLogBuffer) log = porthole_log_buffer_new ("test", 100);
  g_autoptr(PortholeX11Display) display = NULL;
  g_autoptr(PortholeX11Capture) capture = NULL;
  g_autoptr(PortholeFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  gboolean closed = FALSE;

  display = porthole_x11_display_open (x11->name, log, &error);
  g_assert_no_error (error);
  capture = porthole_x11_capture_new (display);
  g_signal_connect_swapped (display, "closed", G_CALLBACK (on_closed), &closed);

  /* The process lives on; the display says so once. */
  porthole_test_x11_kill_server (x11);
  SPIN_UNTIL (closed);
  g_assert_true (porthole_x11_display_is_closed (display));

  frame = porthole_x11_capture_grab (capture, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/x11/display/error-trap", test_error_trap);
  g_test_add_func ("/x11/display/frames", test_frames);
  g_test_add_func ("/x11/display/capture-paths", test_capture_paths);
  g_test_add_func ("/x11/display/closed", test_closed);

  return g_test_run ();
}
