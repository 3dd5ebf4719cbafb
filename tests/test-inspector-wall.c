/* test-inspector-wall.c — the wall of sandboxes: three real daemons,
 * each on its own Xvfb with the X test client, show as three live
 * thumbnails with their figures; hidden, the tiles stop; activating a
 * tile opens its sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "inspector-test-utils.h"

#define N_SANDBOXES 3

typedef struct
{
  PortholeTestDesktop desktops[N_SANDBOXES];
  PortholeWindow *window;
  PortholeWall *wall;
} Fixture;

static const PortholeTestDesktopSpec specs[N_SANDBOXES] = {
  { 800, 600, "Wall one", 40, 40, 300, 200, NULL },
  { 640, 480, "Wall two", 100, 60, 300, 200, NULL },
  { 720, 400, "Wall three", 200, 100, 300, 200, NULL },
};

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->window = porthole_inspector_test_window_new ();
  fixture->wall = porthole_window_get_wall (fixture->window);
  for (guint i = 0; i < N_SANDBOXES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Wall sandbox %u", i + 1);
      PortholeSandbox *sandbox;

      porthole_test_desktop_setup (&fixture->desktops[i], &specs[i]);
      sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->desktops[i].daemon->url,
                                                     fixture->desktops[i].daemon->token, name);
      porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  for (guint i = 0; i < N_SANDBOXES; i++)
    porthole_test_desktop_teardown (&fixture->desktops[i], &specs[i]);
}

static guint64
frames (PortholeWallTile *tile)
{
  return porthole_framebuffer_get_frame_count (porthole_wall_tile_get_framebuffer (tile));
}

static void
test_thumbnails (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *png = NULL;
  guint64 counts[N_SANDBOXES];
  PortholeWallTile *tile;

  g_assert_false (porthole_wall_get_active (fixture->wall));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-wall", NULL));
  g_assert_true (porthole_window_get_show_wall (fixture->window));
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "wall");
  g_assert_true (porthole_wall_get_active (fixture->wall));
  g_assert_cmpuint (porthole_wall_get_n_tiles (fixture->wall), ==, N_SANDBOXES);

  /* Live: each tile shows its own screen, and then a newer picture of
   * it; its figures come from the metrics stream. */
  for (guint i = 0; i < N_SANDBOXES; i++)
    {
      PortholeFramebuffer *framebuffer;

      tile = porthole_wall_get_tile (fixture->wall, i);
      g_assert_true (porthole_wall_tile_get_running (tile));
      PORTHOLE_INSPECTOR_WAIT (frames (tile) >= 2);
      framebuffer = porthole_wall_tile_get_framebuffer (tile);
      g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (framebuffer)), ==, specs[i].screen_width);
      g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (framebuffer)), ==, specs[i].screen_height);
      PORTHOLE_INSPECTOR_WAIT (porthole_wall_tile_get_n_samples (tile) > 0);
      g_assert_true (g_str_has_prefix (porthole_wall_tile_get_figures (tile), "CPU "));
    }

  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-wall.png");

  /* Hidden: no tile works. */
  porthole_window_set_show_wall (fixture->window, FALSE);
  g_assert_false (porthole_wall_get_active (fixture->wall));
  for (guint i = 0; i < N_SANDBOXES; i++)
    {
      tile = porthole_wall_get_tile (fixture->wall, i);
      g_assert_false (porthole_wall_tile_get_running (tile));
      counts[i] = frames (tile);
    }
  porthole_inspector_test_spin (3000);
  for (guint i = 0; i < N_SANDBOXES; i++)
    g_assert_cmpuint (frames (porthole_wall_get_tile (fixture->wall, i)), ==, counts[i]);
}

static void
test_open_sandbox (Fixture       *fixture,
                   gconstpointer  data)
{
  PortholeWallTile *tile;
  GtkWidget *child;

  porthole_window_set_show_wall (fixture->window, TRUE);
  tile = porthole_wall_get_tile (fixture->wall, 1);
  g_assert_true (porthole_window_get_sandbox (fixture->window) != porthole_wall_tile_get_sandbox (tile));

  /* What a click or Enter on the tile does. */
  child = gtk_widget_get_parent (GTK_WIDGET (tile));
  g_assert_true (GTK_IS_FLOW_BOX_CHILD (child));
  g_signal_emit_by_name (child, "activate");

  g_assert_true (porthole_window_get_sandbox (fixture->window) == porthole_wall_tile_get_sandbox (tile));
  g_assert_false (porthole_window_get_show_wall (fixture->window));
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "pages");
  g_assert_false (porthole_wall_get_active (fixture->wall));
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/wall/thumbnails", test_thumbnails);
  ADD ("/inspector/wall/open-sandbox", test_open_sandbox);
#undef ADD

  return g_test_run ();
}
