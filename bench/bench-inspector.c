/* bench-inspector.c — the Screen page's frame rate and CPU on a
 * full-screen changing desktop, and its input latency (a click on the
 * widget → the X event at the sandbox's client). Run by bench/inspector.
 *
 * Usage: bench-inspector [SECONDS] [PAINTER-FPS] [CLICKS]
 *
 * The real app window on its own Xvfb, the real portholed on another
 * 1920x1080 Xvfb with bench-vnc-painter repainting every pixel, the
 * live view through the daemon's VNC WebSocket. Prints figures; asserts
 * nothing about them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <X11/extensions/XTest.h>

#include "inspector-test-utils.h"
#include "porthole-screen-page.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
measure_frames (PortholeScreenPage *page,
                PortholeTestDaemon *daemon,
                double              seconds,
                const char         *label)
{
  PortholeFramebuffer *framebuffer = porthole_screen_page_get_framebuffer (page);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (porthole_screen_page_get_view (page)));
  guint64 frames0 = porthole_framebuffer_get_frame_count (framebuffer);
  gint64 paints0 = gdk_frame_clock_get_frame_counter (clock);
  guint64 bytes0 = porthole_screen_page_get_bytes_received (page);
  double cpu0 = porthole_inspector_test_cpu_seconds (0);
  double daemon0 = porthole_inspector_test_cpu_seconds (porthole_test_daemon_get_pid (daemon));
  gint64 start = g_get_monotonic_time ();
  double elapsed, cpu, daemon_cpu;
  guint64 frames;

  porthole_inspector_test_spin (seconds * 1000);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  frames = porthole_framebuffer_get_frame_count (framebuffer) - frames0;
  cpu = porthole_inspector_test_cpu_seconds (0) - cpu0;
  daemon_cpu = porthole_inspector_test_cpu_seconds (porthole_test_daemon_get_pid (daemon)) - daemon0;

  g_print ("%-34s %6.1f fps shown (%" G_GINT64_FORMAT " frame-clock frames), %.1f MB/s of RFB, "
           "inspector CPU %5.1f %% (%.1f ms/frame), portholed CPU %5.1f %%\n",
           label, frames / elapsed, gdk_frame_clock_get_frame_counter (clock) - paints0,
           (porthole_screen_page_get_bytes_received (page) - bytes0) / elapsed / 1e6,
           100 * cpu / elapsed, frames ? 1000 * cpu / frames : 0, 100 * daemon_cpu / elapsed);
}

int
main (int    argc,
      char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 10;
  const char *painter_fps = argc > 2 ? argv[2] : "30";
  int clicks = argc > 3 ? atoi (argv[3]) : 30;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) painter = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autofree char *painter_path = NULL;
  g_autoptr(GSettings) settings = NULL;
  PortholeTestDesktop desktop = { 0 };
  PortholeTestDesktopSpec spec = { 1920, 1080, "Latency", 100, 100, 400, 300, NULL };
  PortholeScreenPage *page;
  PortholeScreenView *view;
  PortholeSandbox *sandbox;
  PortholeWindow *window;
  int misses = 0;

  porthole_inspector_test_init (&argc, &argv);
  g_print ("GSK renderer: %s\n", g_getenv ("GSK_RENDERER"));

  porthole_test_desktop_setup (&desktop, &spec);
  window = porthole_inspector_test_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1380, 960);
  porthole_window_show_page (window, "screen");
  page = PORTHOLE_SCREEN_PAGE (porthole_window_get_page (window, "screen"));
  view = porthole_screen_page_get_view (page);
  sandbox = porthole_inspector_test_add_sandbox (window, desktop.daemon->url, desktop.daemon->token, "Bench");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (porthole_screen_page_get_mode (page) == PORTHOLE_SCREEN_LIVE &&
                           gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (porthole_screen_page_get_framebuffer (page))) == 1920);

  /* Frames: every pixel of the 1920x1080 desktop changes painter-fps
   * times a second. */
  painter_path = g_build_filename (g_getenv ("PORTHOLE_BENCH_DIR"), "bench-vnc-painter", NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", desktop.x11->name, TRUE);
  painter = g_subprocess_launcher_spawn (launcher, &error, painter_path, painter_fps, NULL);
  g_assert_no_error (error);
  porthole_inspector_test_spin (2000);

  g_print ("Full-screen 1920x1080 desktop repainted %s times a second, %.0f s each:\n", painter_fps, seconds);
  measure_frames (page, desktop.daemon, seconds, "  fitted to the window");
  settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  g_settings_set_string (settings, "scale-mode", "actual");
  porthole_inspector_test_spin (1000);
  measure_frames (page, desktop.daemon, seconds, "  pixel for pixel (1:1)");
  g_subprocess_force_exit (painter);
  g_subprocess_wait (painter, NULL, NULL);
  porthole_inspector_test_spin (1000);
  measure_frames (page, desktop.daemon, seconds / 2, "  idle desktop (nothing changes)");

  /* Latency: XTest click on the widget (GUI display) → the client's
   * ButtonPress (sandbox display), through GTK, RFB over the WebSocket,
   * the daemon and XTest there. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "screen.take-control", NULL));
  g_assert_true (porthole_screen_page_get_controlling (page));
  g_assert_cmpint (porthole_screen_page_get_mode (page), ==, PORTHOLE_SCREEN_LIVE);
  porthole_inspector_test_wait_stable (GTK_WIDGET (view));
  porthole_test_client_skip (desktop.client);
  for (int i = 0; i < clicks; i++)
    {
      Display *gui = porthole_inspector_test_get_display ();
      int remote_x = spec.x + 20 + (i % 10) * 10, remote_y = spec.y + 30;
      g_autofree char *prefix = g_strdup_printf ("button press 1 %d %d", remote_x - spec.x, remote_y - spec.y);
      double x, y, latency;
      const char *line;
      gint64 start;

      porthole_screen_view_remote_to_widget (view, remote_x, remote_y, &x, &y);
      porthole_inspector_test_pointer (GTK_WIDGET (view), x, y);
      porthole_inspector_test_spin (50);

      start = g_get_monotonic_time ();
      XTestFakeButtonEvent (gui, 1, True, CurrentTime);
      XFlush (gui);
      /* Timed to the press wherever it landed; where is the tests'
       * business, but a miss is worth saying here too. */
      line = porthole_inspector_test_wait_line (desktop.client, "button press 1 ");
      latency = (g_get_monotonic_time () - start) / 1000.0;
      if (!g_str_equal (line, prefix))
        misses++;
      g_array_append_val (latencies, latency);

      XTestFakeButtonEvent (gui, 1, False, CurrentTime);
      XFlush (gui);
      porthole_inspector_test_wait_line (desktop.client, "button release 1 ");
      porthole_inspector_test_spin (50);
    }
  g_array_sort (latencies, compare_doubles);
  g_print ("Click on the widget → ButtonPress at the sandbox's client, %d clicks: "
           "median %.1f ms, p90 %.1f ms, max %.1f ms; %d landed off the aimed pixel\n", clicks,
           g_array_index (latencies, double, latencies->len / 2),
           g_array_index (latencies, double, latencies->len * 9 / 10),
           g_array_index (latencies, double, latencies->len - 1), misses);

  g_settings_reset (settings, "scale-mode");
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (window);
  porthole_test_desktop_teardown (&desktop, &spec);

  return 0;
}
