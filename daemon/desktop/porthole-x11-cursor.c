/* porthole-x11-cursor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/extensions/Xfixes.h>

#include "porthole-x11-cursor.h"

/**
 * porthole_x11_cursor_grab:
 *
 * Returns: (transfer full) (nullable): the pointer's image and
 *   position, or %NULL without XFixes
 */
PortholeCursorImage *
porthole_x11_cursor_grab (PortholeX11Display *display)
{
  Display *xdisplay = porthole_x11_display_get_xdisplay (display);
  PortholeCursorImage *cursor;
  XFixesCursorImage *image;
  gsize n_pixels;

  if (!porthole_x11_display_has_extensions (display, PORTHOLE_X11_EXTENSION_XFIXES))
    return NULL;

  porthole_x11_display_error_trap_push (display);
  image = XFixesGetCursorImage (xdisplay);
  porthole_x11_display_error_trap_pop_ignored (display);
  if (image == NULL)
    return NULL;

  cursor = g_new0 (PortholeCursorImage, 1);
  cursor->x = image->x;
  cursor->y = image->y;
  cursor->width = image->width;
  cursor->height = image->height;
  cursor->xhot = image->xhot;
  cursor->yhot = image->yhot;
  /* Xlib hands the 32-bit pixels over as longs. */
  n_pixels = (gsize) image->width * image->height;
  cursor->pixels = g_new (guint32, MAX (n_pixels, 1));
  for (gsize i = 0; i < n_pixels; i++)
    cursor->pixels[i] = image->pixels[i];
  XFree (image);

  return cursor;
}

/**
 * porthole_x11_cursor_get_position:
 *
 * Returns: %TRUE if the pointer is on the screen (root coordinates)
 */
gboolean
porthole_x11_cursor_get_position (PortholeX11Display *display,
                                  int                *x,
                                  int                *y)
{
  Window root, child;
  int win_x, win_y;
  unsigned int mask;

  return XQueryPointer (porthole_x11_display_get_xdisplay (display), porthole_x11_display_get_root (display),
                        &root, &child, x, y, &win_x, &win_y, &mask);
}

/**
 * porthole_x11_cursor_buttons_down:
 *
 * Returns: %TRUE while the server holds a pointer button down, which it
 *   also does while a window manager's click-to-focus grab keeps a
 *   release queued (until the manager replays it)
 */
gboolean
porthole_x11_cursor_buttons_down (PortholeX11Display *display)
{
  Window root, child;
  int x, y, win_x, win_y;
  unsigned int mask = 0;

  if (!XQueryPointer (porthole_x11_display_get_xdisplay (display), porthole_x11_display_get_root (display),
                      &root, &child, &x, &y, &win_x, &win_y, &mask))
    return FALSE;

  return (mask & (Button1Mask | Button2Mask | Button3Mask | Button4Mask | Button5Mask)) != 0;
}

void
porthole_cursor_image_free (PortholeCursorImage *image)
{
  g_free (image->pixels);
  g_free (image);
}

/**
 * porthole_frame_with_cursor:
 * @frame: (transfer full): given up
 *
 * Returns: (transfer full): @frame with the pointer drawn where it is,
 *   in its own pixels when nobody else holds them (a 1080p copy costs
 *   more than the whole encoding of a scaled screenshot)
 */
PortholeFrame *
porthole_frame_with_cursor (PortholeFrame             *frame,
                            const PortholeCursorImage *cursor)
{
  PortholeRect area_copy = *porthole_frame_get_area (frame);
  const PortholeRect *area = &area_copy;
  PortholeRect sprite = { cursor->x - cursor->xhot, cursor->y - cursor->yhot, cursor->width, cursor->height };
  PortholeRect overlap;
  g_autoptr(GBytes) pixels = NULL;
  guint stride = porthole_frame_get_stride (frame);
  guint8 *data;
  gsize size;

  if (!porthole_rect_intersect (area, &sprite, &overlap))
    return frame;

  data = porthole_frame_unref_to_data (frame, &size);
  for (int y = overlap.y; y < overlap.y + overlap.height; y++)
    {
      guint8 *row = data + (gsize) (y - area->y) * stride;
      const guint32 *src = cursor->pixels + (gsize) (y - sprite.y) * cursor->width;

      for (int x = overlap.x; x < overlap.x + overlap.width; x++)
        {
          guint32 argb = src[x - sprite.x];
          guint alpha = argb >> 24;
          guint8 *dst = row + (gsize) (x - area->x) * 4;

          if (alpha == 0)
            continue;
          /* Premultiplied: source + destination × (1 − α); BGRX. */
          dst[0] = MIN (255, (argb & 0xff) + dst[0] * (255 - alpha) / 255);
          dst[1] = MIN (255, ((argb >> 8) & 0xff) + dst[1] * (255 - alpha) / 255);
          dst[2] = MIN (255, ((argb >> 16) & 0xff) + dst[2] * (255 - alpha) / 255);
        }
    }

  pixels = g_bytes_new_take (data, size);
  return porthole_frame_new (area, stride, pixels);
}
