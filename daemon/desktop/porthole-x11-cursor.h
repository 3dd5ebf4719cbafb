/* porthole-x11-cursor.h — the pointer: where it is and what it looks
 * like (XFixes), for screenshots that show it and for viewers
 *
 * X screenshots leave the pointer out: it is not in the framebuffer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-frame.h"
#include "porthole-x11-display.h"

G_BEGIN_DECLS

typedef struct
{
  /* Where the hot spot is, root coordinates. */
  int x;
  int y;
  int width;
  int height;
  int xhot;
  int yhot;
  /* ARGB, premultiplied alpha, width * height of them. */
  guint32 *pixels;
} PortholeCursorImage;

PortholeCursorImage *porthole_x11_cursor_grab          (PortholeX11Display        *display);
gboolean             porthole_x11_cursor_get_position  (PortholeX11Display        *display,
                                                        int                       *x,
                                                        int                       *y);
gboolean             porthole_x11_cursor_buttons_down  (PortholeX11Display        *display);
void                 porthole_cursor_image_free        (PortholeCursorImage       *image);
PortholeFrame       *porthole_frame_with_cursor        (PortholeFrame             *frame,
                                                        const PortholeCursorImage *cursor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeCursorImage, porthole_cursor_image_free)

G_END_DECLS
