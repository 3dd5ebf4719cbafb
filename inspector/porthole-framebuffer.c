/* porthole-framebuffer.c
 *
 * Two ways in. The VNC session writes pixels into the buffer
 * (porthole_framebuffer_get_data) and reports each rectangle with
 * porthole_framebuffer_damage(); the owner calls
 * porthole_framebuffer_flush() once per frame-clock tick, which turns
 * whatever changed since the last tick into new textures — however many
 * rectangles arrived, one set of textures per displayed frame. The
 * screenshot fallback hands over decoded textures whole
 * (porthole_framebuffer_set_texture).
 *
 * GTK 4.8 cannot update part of a texture, and a GdkMemoryTexture of the
 * whole 1920x1080 screen is an 8 MB copy (and, with GL, an 8 MB upload)
 * for every frame however little changed. So the screen is cut into
 * TILE x TILE tiles, each its own texture, and a flush re-creates only
 * the damaged ones; the GL renderer keeps the others' uploads, and the
 * view draws only the tiles it shows (1:1 in a scrolled window).
 *
 * Pixels are 32-bit B,G,R,X in memory (the VNC pixel format asked for);
 * the X byte is whatever the server leaves there, so damaged rows get
 * their alpha forced to 0xff before they are shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "porthole-framebuffer.h"

#define BYTES_PER_PIXEL 4
/* Small enough that a typing user re-creates a few tiles, big enough
 * that a full-screen change is a few dozen textures (1920x1080: 40). */
#define TILE 256

struct _PortholeFramebuffer
{
  GObject parent_instance;

  guint8 *data;
  int width;
  int height;
  int stride;

  /* Damage since the last flush, per tile of the buffer's grid. */
  guint8 *dirty;
  gboolean damaged;
  /* A new buffer: its first frame is all of it, like any new screen. */
  gboolean fresh;

  /* The frame shown: tiles (live view) or one texture (screenshots). */
  GdkTexture **tiles;
  int tiles_width;
  int tiles_height;
  GdkTexture *texture;
  /* The tiles as one texture, made when asked for (tests, screenshots). */
  GdkTexture *whole;
  guint64 frame_count;
};

static int
n_cols (int width)
{
  return (width + TILE - 1) / TILE;
}

static int
n_rows (int height)
{
  return (height + TILE - 1) / TILE;
}

static void
clear_tiles (PortholeFramebuffer *self)
{
  if (self->tiles != NULL)
    {
      for (int i = 0; i < n_cols (self->tiles_width) * n_rows (self->tiles_height); i++)
        g_clear_object (&self->tiles[i]);
      g_clear_pointer (&self->tiles, g_free);
    }
  self->tiles_width = self->tiles_height = 0;
  g_clear_object (&self->whole);
}

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortholeFramebuffer, porthole_framebuffer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

/* The tiles that meet @area (in the snapshot's coordinates, the frame
 * drawn at @width x @height), each on whole pixels: scaled tiles whose
 * edges fell between pixels would let the background show through a
 * seam of half-covered pixels. */
static void
snapshot_tiles (PortholeFramebuffer   *self,
                GtkSnapshot           *snapshot,
                double                 width,
                double                 height,
                const graphene_rect_t *area)
{
  double sx = width / self->tiles_width;
  double sy = height / self->tiles_height;
  int cols = n_cols (self->tiles_width);
  int rows = n_rows (self->tiles_height);

  for (int row = 0; row < rows; row++)
    {
      double y0 = round (row * TILE * sy);
      double y1 = round (MIN ((row + 1) * TILE, self->tiles_height) * sy);

      if (area != NULL && (y1 <= area->origin.y || y0 >= area->origin.y + area->size.height))
        continue;

      for (int col = 0; col < cols; col++)
        {
          double x0 = round (col * TILE * sx);
          double x1 = round (MIN ((col + 1) * TILE, self->tiles_width) * sx);

          if (area != NULL && (x1 <= area->origin.x || x0 >= area->origin.x + area->size.width))
            continue;

          gtk_snapshot_append_texture (snapshot, self->tiles[row * cols + col],
                                       &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
        }
    }
}

/**
 * porthole_framebuffer_snapshot_area:
 * @area: (nullable): the part of the frame that shows, in the
 *   snapshot's coordinates; %NULL for all of it
 *
 * gdk_paintable_snapshot() that may leave out what is not seen.
 */
void
porthole_framebuffer_snapshot_area (PortholeFramebuffer   *self,
                                    GtkSnapshot           *snapshot,
                                    double                 width,
                                    double                 height,
                                    const graphene_rect_t *area)
{
  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));

  if (self->tiles != NULL)
    snapshot_tiles (self, snapshot, width, height, area);
  else if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
  else
    gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
porthole_framebuffer_snapshot (GdkPaintable *paintable,
                               GdkSnapshot  *snapshot,
                               double        width,
                               double        height)
{
  porthole_framebuffer_snapshot_area (PORTHOLE_FRAMEBUFFER (paintable), GTK_SNAPSHOT (snapshot),
                                      width, height, NULL);
}

static int
porthole_framebuffer_get_intrinsic_width (GdkPaintable *paintable)
{
  PortholeFramebuffer *self = PORTHOLE_FRAMEBUFFER (paintable);

  if (self->tiles != NULL)
    return self->tiles_width;
  if (self->texture != NULL)
    return gdk_texture_get_width (self->texture);

  return self->width;
}

static int
porthole_framebuffer_get_intrinsic_height (GdkPaintable *paintable)
{
  PortholeFramebuffer *self = PORTHOLE_FRAMEBUFFER (paintable);

  if (self->tiles != NULL)
    return self->tiles_height;
  if (self->texture != NULL)
    return gdk_texture_get_height (self->texture);

  return self->height;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = porthole_framebuffer_snapshot;
  iface->get_intrinsic_width = porthole_framebuffer_get_intrinsic_width;
  iface->get_intrinsic_height = porthole_framebuffer_get_intrinsic_height;
}

static void
porthole_framebuffer_finalize (GObject *object)
{
  PortholeFramebuffer *self = (PortholeFramebuffer *)object;

  g_clear_pointer (&self->data, g_free);
  g_clear_pointer (&self->dirty, g_free);
  clear_tiles (self);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (porthole_framebuffer_parent_class)->finalize (object);
}

static void
porthole_framebuffer_class_init (PortholeFramebufferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_framebuffer_finalize;
}

static void
porthole_framebuffer_init (PortholeFramebuffer *self)
{
}

PortholeFramebuffer *
porthole_framebuffer_new (void)
{
  return g_object_new (PORTHOLE_TYPE_FRAMEBUFFER, NULL);
}

/* A new frame is shown; @resized if its size is not the last one's. */
static void
frame_shown (PortholeFramebuffer *self,
             gboolean             resized)
{
  self->frame_count++;
  g_clear_object (&self->whole);

  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

/**
 * porthole_framebuffer_resize:
 *
 * A new, black buffer of @width x @height for the VNC session to write
 * into. The screen keeps showing the last frame (and its size) until the
 * first rectangle drawn into the new one is flushed.
 */
void
porthole_framebuffer_resize (PortholeFramebuffer *self,
                             int                  width,
                             int                  height)
{
  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));
  g_return_if_fail (width > 0 && height > 0);

  g_free (self->data);
  g_free (self->dirty);
  self->width = width;
  self->height = height;
  self->stride = width * BYTES_PER_PIXEL;
  self->data = g_malloc0_n ((gsize) self->stride, height);
  self->dirty = g_malloc0 ((gsize) n_cols (width) * n_rows (height));
  self->fresh = TRUE;
  /* Nothing to show until the server has drawn into it: a black frame
   * would flash between two screens. */
  self->damaged = FALSE;
}

/**
 * porthole_framebuffer_get_data:
 *
 * Returns: (transfer none): the buffer the VNC session writes into,
 *   porthole_framebuffer_get_stride() bytes per row
 */
guint8 *
porthole_framebuffer_get_data (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), NULL);

  return self->data;
}

int
porthole_framebuffer_get_stride (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return self->stride;
}

int
porthole_framebuffer_get_width (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (self));
}

int
porthole_framebuffer_get_height (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (self));
}

/**
 * porthole_framebuffer_damage:
 *
 * The VNC session wrote this rectangle; it shows at the next flush.
 */
void
porthole_framebuffer_damage (PortholeFramebuffer *self,
                             int                  x,
                             int                  y,
                             int                  width,
                             int                  height)
{
  cairo_rectangle_int_t rect = { x, y, width, height };
  cairo_rectangle_int_t bounds = { 0, 0, self->width, self->height };

  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));

  if (!gdk_rectangle_intersect (&rect, &bounds, &rect))
    return;

  /* The server leaves the fourth byte alone: make the pixels opaque. */
  for (int row = rect.y; row < rect.y + rect.height; row++)
    {
      guint32 *pixel = (guint32 *) (self->data + (gsize) row * self->stride) + rect.x;

      for (int i = 0; i < rect.width; i++)
        pixel[i] |= GUINT32_TO_LE (0xff000000);
    }

  for (int row = rect.y / TILE; row <= (rect.y + rect.height - 1) / TILE; row++)
    for (int col = rect.x / TILE; col <= (rect.x + rect.width - 1) / TILE; col++)
      self->dirty[row * n_cols (self->width) + col] = TRUE;
  self->damaged = TRUE;
}

/**
 * porthole_framebuffer_flush:
 *
 * Shows what was damaged since the last flush: call once per frame.
 *
 * Returns: %TRUE if a new frame was made
 */
gboolean
porthole_framebuffer_flush (PortholeFramebuffer *self)
{
  gboolean resized;
  int cols, rows;

  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), FALSE);

  if (!self->damaged || self->data == NULL)
    return FALSE;

  /* The first frame of a new size (or after screenshots): every tile. */
  resized = self->tiles == NULL || self->tiles_width != self->width || self->tiles_height != self->height;
  cols = n_cols (self->width);
  rows = n_rows (self->height);
  if (resized)
    {
      clear_tiles (self);
      g_clear_object (&self->texture);
      self->tiles = g_new0 (GdkTexture *, (gsize) cols * rows);
      self->tiles_width = self->width;
      self->tiles_height = self->height;
    }
  if (resized || self->fresh)
    memset (self->dirty, TRUE, (gsize) cols * rows);
  self->fresh = FALSE;

  for (int row = 0; row < rows; row++)
    for (int col = 0; col < cols; col++)
      {
        int x = col * TILE, y = row * TILE;
        int width = MIN (TILE, self->width - x), height = MIN (TILE, self->height - y);
        int stride = width * BYTES_PER_PIXEL;
        g_autoptr(GBytes) bytes = NULL;
        guint8 *pixels;

        if (!self->dirty[row * cols + col])
          continue;

        /* A GdkMemoryTexture owns immutable bytes: the buffer keeps
         * changing under the session, so the tile is a copy. */
        pixels = g_malloc ((gsize) stride * height);
        for (int i = 0; i < height; i++)
          memcpy (pixels + (gsize) i * stride,
                  self->data + (gsize) (y + i) * self->stride + (gsize) x * BYTES_PER_PIXEL, stride);
        bytes = g_bytes_new_take (pixels, (gsize) stride * height);
        g_clear_object (&self->tiles[row * cols + col]);
        self->tiles[row * cols + col] = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                                                bytes, stride);
        self->dirty[row * cols + col] = FALSE;
      }
  self->damaged = FALSE;
  frame_shown (self, resized);

  return TRUE;
}

/**
 * porthole_framebuffer_set_texture:
 *
 * Shows @texture as it is (the screenshot fallback); the buffer is
 * dropped.
 */
void
porthole_framebuffer_set_texture (PortholeFramebuffer *self,
                                  GdkTexture          *texture)
{
  gboolean resized;

  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  resized = (self->tiles == NULL && self->texture == NULL) ||
            gdk_texture_get_width (texture) != porthole_framebuffer_get_width (self) ||
            gdk_texture_get_height (texture) != porthole_framebuffer_get_height (self);

  g_clear_pointer (&self->data, g_free);
  g_clear_pointer (&self->dirty, g_free);
  self->width = self->height = self->stride = 0;
  self->damaged = FALSE;
  clear_tiles (self);
  g_set_object (&self->texture, texture);
  frame_shown (self, resized);
}

/**
 * porthole_framebuffer_get_texture:
 *
 * Returns: (transfer none) (nullable): the frame shown
 */
GdkTexture *
porthole_framebuffer_get_texture (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), NULL);

  if (self->tiles != NULL && self->whole == NULL)
    {
      int cols = n_cols (self->tiles_width), rows = n_rows (self->tiles_height);
      gsize stride = (gsize) self->tiles_width * BYTES_PER_PIXEL;
      guint8 *pixels = g_malloc (stride * self->tiles_height);
      g_autoptr(GBytes) bytes = NULL;

      /* What is shown, not what the session wrote since. */
      for (int row = 0; row < rows; row++)
        for (int col = 0; col < cols; col++)
          gdk_texture_download (self->tiles[row * cols + col],
                                pixels + (gsize) row * TILE * stride + (gsize) col * TILE * BYTES_PER_PIXEL,
                                stride);
      bytes = g_bytes_new_take (pixels, stride * self->tiles_height);
      self->whole = gdk_memory_texture_new (self->tiles_width, self->tiles_height,
                                            GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, stride);
    }

  return self->whole != NULL ? self->whole : self->texture;
}

/**
 * porthole_framebuffer_clear:
 *
 * Forgets the screen (another sandbox is coming).
 */
void
porthole_framebuffer_clear (PortholeFramebuffer *self)
{
  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));

  g_clear_pointer (&self->data, g_free);
  g_clear_pointer (&self->dirty, g_free);
  self->width = self->height = self->stride = 0;
  self->damaged = FALSE;
  if (self->texture != NULL || self->tiles != NULL)
    {
      g_clear_object (&self->texture);
      clear_tiles (self);
      gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
      gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
    }
}

/**
 * porthole_framebuffer_get_frame_count:
 *
 * Returns: how many frames were shown (for frame rate measurements)
 */
guint64
porthole_framebuffer_get_frame_count (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return self->frame_count;
}
