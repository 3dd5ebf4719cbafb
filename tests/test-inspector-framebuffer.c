/* test-inspector-framebuffer.c — the Screen page's framebuffer: a flush
 * re-creates only the damaged tiles, the frame shown is the pixels
 * written, and tiles drawn scaled leave no seam
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "inspector-test-utils.h"
#include "porthole-framebuffer.h"

/* 3 x 2 tiles of 256, the last column and row partial. */
#define WIDTH 601
#define HEIGHT 300

static void
fill (PortholeFramebuffer *framebuffer,
      int                  x,
      int                  y,
      int                  width,
      int                  height,
      guint32              bgrx)
{
  guint8 *data = porthole_framebuffer_get_data (framebuffer);
  int stride = porthole_framebuffer_get_stride (framebuffer);

  for (int row = y; row < y + height; row++)
    for (int col = x; col < x + width; col++)
      ((guint32 *) (data + (gsize) row * stride))[col] = GUINT32_TO_LE (bgrx);
  porthole_framebuffer_damage (framebuffer, x, y, width, height);
}

/* The texture nodes of the frame drawn at @width x @height. */
static GPtrArray *
textures_drawn (PortholeFramebuffer *framebuffer,
                double               width,
                double               height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GPtrArray *textures = g_ptr_array_new_with_free_func (g_object_unref);

  gdk_paintable_snapshot (GDK_PAINTABLE (framebuffer), snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_cmpint (gsk_render_node_get_node_type (node), ==, GSK_CONTAINER_NODE);
  for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
    {
      GskRenderNode *child = gsk_container_node_get_child (node, i);

      g_assert_cmpint (gsk_render_node_get_node_type (child), ==, GSK_TEXTURE_NODE);
      g_ptr_array_add (textures, g_object_ref (gsk_texture_node_get_texture (child)));
    }

  return textures;
}

static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * gdk_texture_get_height (texture));

  gdk_texture_download (texture, (guint8 *) pixels, (gsize) width * 4);

  return GUINT32_FROM_LE (pixels[(gsize) y * width + x]);
}

static void
test_damaged_tiles_only (void)
{
  g_autoptr(PortholeFramebuffer) framebuffer = porthole_framebuffer_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GdkTexture *whole;

  porthole_framebuffer_resize (framebuffer, WIDTH, HEIGHT);
  g_assert_false (porthole_framebuffer_flush (framebuffer));
  fill (framebuffer, 0, 0, WIDTH, HEIGHT, 0x00336699);
  g_assert_true (porthole_framebuffer_flush (framebuffer));
  g_assert_cmpint (porthole_framebuffer_get_width (framebuffer), ==, WIDTH);
  g_assert_cmpint (porthole_framebuffer_get_height (framebuffer), ==, HEIGHT);
  before = textures_drawn (framebuffer, WIDTH, HEIGHT);
  g_assert_cmpuint (before->len, ==, 6);

  /* One pixel in the middle tile of the bottom row, the alpha byte left
   * as the server left it (0): shown opaque. */
  fill (framebuffer, 300, 280, 1, 1, 0x00ff0000);
  g_assert_true (porthole_framebuffer_flush (framebuffer));
  g_assert_false (porthole_framebuffer_flush (framebuffer));
  after = textures_drawn (framebuffer, WIDTH, HEIGHT);
  g_assert_cmpuint (after->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    if (i == 4)
      g_assert_true (before->pdata[i] != after->pdata[i]);
    else
      g_assert_true (before->pdata[i] == after->pdata[i]);

  /* The frame as one texture is the pixels written, edges included. */
  whole = porthole_framebuffer_get_texture (framebuffer);
  g_assert_cmpint (gdk_texture_get_width (whole), ==, WIDTH);
  g_assert_cmphex (pixel_at (whole, 300, 280), ==, 0xffff0000);
  g_assert_cmphex (pixel_at (whole, 299, 280), ==, 0xff336699);
  g_assert_cmphex (pixel_at (whole, WIDTH - 1, HEIGHT - 1), ==, 0xff336699);
  g_assert_cmphex (pixel_at (whole, 255, 255), ==, 0xff336699);
  g_assert_cmphex (pixel_at (whole, 256, 256), ==, 0xff336699);
}

/* Scaled by a fraction, with the renderer the tests use: every pixel of
 * a one-colour screen is that colour (no seam of half-covered pixels
 * between tiles). */
static void
test_no_seams_when_scaled (void)
{
  g_autoptr(PortholeFramebuffer) framebuffer = porthole_framebuffer_new ();
  GskRenderer *renderer = gsk_cairo_renderer_new ();
  const double scales[] = { 1.0, 1.37, 0.73, 2.0 / 3 };
  g_autoptr(GError) error = NULL;

  gsk_renderer_realize (renderer, NULL, &error);
  g_assert_no_error (error);
  porthole_framebuffer_resize (framebuffer, WIDTH, HEIGHT);
  fill (framebuffer, 0, 0, WIDTH, HEIGHT, 0x00336699);
  g_assert_true (porthole_framebuffer_flush (framebuffer));

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      int width = (int) (WIDTH * scales[i]), height = (int) (HEIGHT * scales[i]);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);

      gdk_paintable_snapshot (GDK_PAINTABLE (framebuffer), snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
      gdk_texture_download (texture, (guint8 *) pixels, (gsize) width * 4);
      for (int p = 0; p < width * height; p++)
        if (GUINT32_FROM_LE (pixels[p]) != 0xff336699)
          g_error ("Scaled by %.3f: pixel %d,%d is #%08x", scales[i], p % width, p / width,
                   GUINT32_FROM_LE (pixels[p]));
    }

  gsk_renderer_unrealize (renderer);
  g_object_unref (renderer);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

  g_test_add_func ("/inspector/framebuffer/damaged-tiles-only", test_damaged_tiles_only);
  g_test_add_func ("/inspector/framebuffer/no-seams-when-scaled", test_no_seams_when_scaled);

  return g_test_run ();
}
