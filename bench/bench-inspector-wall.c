/* bench-inspector-wall.c — the inspector's CPU with a wall of live
 * sandboxes. Run by bench/inspector-wall.
 *
 * Usage: bench-inspector-wall [SANDBOXES] [SECONDS] [WIDTH] [HEIGHT]
 *
 * The real app window on its own Xvfb; SANDBOXES real portholeds, each
 * on its own Xvfb of WIDTH x HEIGHT with the X test client on it, all
 * on the wall. Once every tile shows its screen, the app's CPU time is
 * measured for SECONDS, with the daemons'. Prints figures; asserts
 * nothing about them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "inspector-test-utils.h"

static double
daemons_cpu (PortholeTestDesktop *desktops,
             guint                n)
{
  double total = 0;

  for (guint i = 0; i < n; i++)
    total += porthole_inspector_test_cpu_seconds (porthole_test_daemon_get_pid (desktops[i].daemon));

  return total;
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? atoi (argv[1]) : 20;
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 30;
  int width = argc > 3 ? atoi (argv[3]) : 1280;
  int height = argc > 4 ? atoi (argv[4]) : 720;
  PortholeTestDesktopSpec spec = { width, height, "Wall bench", 40, 40, 400, 300, NULL };
  g_autofree PortholeTestDesktop *desktops = g_new0 (PortholeTestDesktop, n);
  PortholeWindow *window;
  PortholeWall *wall;
  double app0, daemons0, app_cpu, daemons_cpu_used;
  guint64 frames0 = 0, frames = 0;
  gint64 start, elapsed;

  porthole_inspector_test_init (&argc, &argv);
  window = porthole_inspector_test_window_new ();
  wall = porthole_window_get_wall (window);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Sandbox %u", i + 1);

      porthole_test_desktop_setup (&desktops[i], &spec);
      porthole_inspector_test_add_sandbox (window, desktops[i].daemon->url, desktops[i].daemon->token, name);
    }

  porthole_window_set_show_wall (window, TRUE);
  for (guint i = 0; i < n; i++)
    {
      PortholeWallTile *tile = porthole_wall_get_tile (wall, i);

      PORTHOLE_INSPECTOR_WAIT (porthole_framebuffer_get_frame_count (porthole_wall_tile_get_framebuffer (tile)) > 0);
    }

  for (guint i = 0; i < n; i++)
    frames0 += porthole_framebuffer_get_frame_count (porthole_wall_tile_get_framebuffer (porthole_wall_get_tile (wall, i)));
  app0 = porthole_inspector_test_cpu_seconds (0);
  daemons0 = daemons_cpu (desktops, n);
  start = g_get_monotonic_time ();
  porthole_inspector_test_spin (seconds * 1000);
  elapsed = g_get_monotonic_time () - start;
  app_cpu = porthole_inspector_test_cpu_seconds (0) - app0;
  daemons_cpu_used = daemons_cpu (desktops, n) - daemons0;
  for (guint i = 0; i < n; i++)
    frames += porthole_framebuffer_get_frame_count (porthole_wall_tile_get_framebuffer (porthole_wall_get_tile (wall, i)));

  g_print ("GSK renderer: %s\n", g_getenv ("GSK_RENDERER"));
  g_print ("Wall of %u sandboxes (%dx%d screens), %.0f s: inspector %.1f %% of a core, "
           "%.2f thumbnails/s per sandbox; the %u portholeds %.1f %% of a core together\n",
           n, width, height, elapsed / (double) G_USEC_PER_SEC,
           100 * app_cpu / (elapsed / (double) G_USEC_PER_SEC),
           (frames - frames0) / (double) n / (elapsed / (double) G_USEC_PER_SEC),
           n, 100 * daemons_cpu_used / (elapsed / (double) G_USEC_PER_SEC));

  porthole_window_set_show_wall (window, FALSE);
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (window);
  for (guint i = 0; i < n; i++)
    porthole_test_desktop_teardown (&desktops[i], &spec);

  return 0;
}
