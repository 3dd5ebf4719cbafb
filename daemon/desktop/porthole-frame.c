/* porthole-frame.c
 *
 * Immutable once made, so encoder threads, OCR and a future VNC server or
 * recorder can share one frame by reference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-frame.h"

struct _PortholeFrame
{
  PortholeRect area;
  guint stride;
  GBytes *pixels;
  gatomicrefcount ref_count;
};

G_DEFINE_BOXED_TYPE (PortholeFrame, porthole_frame, porthole_frame_ref, porthole_frame_unref)

/**
 * porthole_frame_new:
 * @area: where the pixels were taken, in root coordinates
 * @stride: bytes per row
 * @pixels: (transfer none): BGRX, 4 bytes per pixel, @stride per row
 */
PortholeFrame *
porthole_frame_new (const PortholeRect *area,
                    guint               stride,
                    GBytes             *pixels)
{
  PortholeFrame *self;

  g_return_val_if_fail (area != NULL && area->width > 0 && area->height > 0, NULL);
  g_return_val_if_fail (stride >= (guint) area->width * 4, NULL);
  g_return_val_if_fail (g_bytes_get_size (pixels) >= (gsize) stride * area->height, NULL);

  self = g_new0 (PortholeFrame, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->area = *area;
  self->stride = stride;
  self->pixels = g_bytes_ref (pixels);

  return self;
}

PortholeFrame *
porthole_frame_ref (PortholeFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
porthole_frame_unref (PortholeFrame *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->pixels);
      g_free (self);
    }
}

/**
 * porthole_frame_unref_to_data:
 * @self: (transfer full): the frame, given up
 * @size: (out): bytes returned
 *
 * For who draws into a frame: no copy when nobody else holds it.
 *
 * Returns: (transfer full): its pixels, writable: its own when @self
 *   held the last reference to them, a copy otherwise
 */
guint8 *
porthole_frame_unref_to_data (PortholeFrame *self,
                              gsize         *size)
{
  GBytes *pixels = g_bytes_ref (self->pixels);

  porthole_frame_unref (self);
  return g_bytes_unref_to_data (pixels, size);
}

int
porthole_frame_get_width (PortholeFrame *self)
{
  return self->area.width;
}

int
porthole_frame_get_height (PortholeFrame *self)
{
  return self->area.height;
}

guint
porthole_frame_get_stride (PortholeFrame *self)
{
  return self->stride;
}

const PortholeRect *
porthole_frame_get_area (PortholeFrame *self)
{
  return &self->area;
}

const guint8 *
porthole_frame_get_data (PortholeFrame *self)
{
  return g_bytes_get_data (self->pixels, NULL);
}

GBytes *
porthole_frame_get_pixels (PortholeFrame *self)
{
  return self->pixels;
}

/**
 * porthole_frame_get_pixel:
 * @x: (in): column, relative to the frame
 *
 * Returns: FALSE if (@x, @y) is outside the frame
 */
gboolean
porthole_frame_get_pixel (PortholeFrame *self,
                          int            x,
                          int            y,
                          guint8        *red,
                          guint8        *green,
                          guint8        *blue)
{
  const guint8 *pixel;

  if (x < 0 || y < 0 || x >= self->area.width || y >= self->area.height)
    return FALSE;

  pixel = porthole_frame_get_data (self) + (gsize) y * self->stride + (gsize) x * 4;
  *blue = pixel[0];
  *green = pixel[1];
  *red = pixel[2];

  return TRUE;
}

/**
 * porthole_rect_intersect:
 * @result: (out) (optional): the common part
 *
 * Returns: whether @a and @b overlap (touching edges do not)
 */
gboolean
porthole_rect_intersect (const PortholeRect *a,
                         const PortholeRect *b,
                         PortholeRect       *result)
{
  int x1 = MAX (a->x, b->x);
  int y1 = MAX (a->y, b->y);
  int x2 = MIN ((gint64) a->x + a->width, (gint64) b->x + b->width);
  int y2 = MIN ((gint64) a->y + a->height, (gint64) b->y + b->height);

  if (x2 <= x1 || y2 <= y1)
    return FALSE;

  if (result != NULL)
    *result = (PortholeRect) { x1, y1, x2 - x1, y2 - y1 };
  return TRUE;
}

/**
 * porthole_rect_union:
 * @result: (out): the bounding box of @a and @b (an empty one counts
 *   for nothing)
 */
void
porthole_rect_union (const PortholeRect *a,
                     const PortholeRect *b,
                     PortholeRect       *result)
{
  int x1, y1, x2, y2;

  if (a->width <= 0 || a->height <= 0)
    {
      *result = *b;
      return;
    }
  if (b->width <= 0 || b->height <= 0)
    {
      *result = *a;
      return;
    }

  x1 = MIN (a->x, b->x);
  y1 = MIN (a->y, b->y);
  x2 = MAX (a->x + a->width, b->x + b->width);
  y2 = MAX (a->y + a->height, b->y + b->height);
  *result = (PortholeRect) { x1, y1, x2 - x1, y2 - y1 };
}
