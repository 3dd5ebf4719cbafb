/* bench-vnc-painter.c — a full-screen window whose every pixel changes
 * FPS times a second (a moving colour pattern), for bench/vnc
 *
 * Usage: bench-vnc-painter FPS   (on $DISPLAY; runs until killed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

int
main (int    argc,
      char **argv)
{
  Display *dpy = XOpenDisplay (NULL);
  int fps = argc > 1 ? atoi (argv[1]) : 30;
  XSetWindowAttributes attributes = { .override_redirect = True };
  int width, height, screen;
  XImage *image;
  Window window;
  GC gc;

  if (dpy == NULL || fps <= 0)
    return 1;

  screen = DefaultScreen (dpy);
  width = DisplayWidth (dpy, screen);
  height = DisplayHeight (dpy, screen);
  window = XCreateWindow (dpy, RootWindow (dpy, screen), 0, 0, width, height, 0, CopyFromParent,
                          InputOutput, CopyFromParent, CWOverrideRedirect, &attributes);
  XMapRaised (dpy, window);
  gc = XCreateGC (dpy, window, 0, NULL);
  image = XCreateImage (dpy, DefaultVisual (dpy, screen), DefaultDepth (dpy, screen), ZPixmap, 0,
                        g_malloc ((gsize) width * height * 4), width, height, 32, 0);

  for (guint frame = 0;; frame++)
    {
      gint64 next = g_get_monotonic_time () + G_USEC_PER_SEC / fps;

      /* Bands and a gradient that move every frame: every pixel changes,
       * the content stays compressible like a real desktop's. */
      for (int y = 0; y < height; y++)
        {
          guint32 *row = (guint32 *) (image->data + (gsize) y * image->bytes_per_line);

          for (int x = 0; x < width; x++)
            row[x] = ((((x + frame * 8) / 64) & 1) ? 0x3060c0 : 0xe0e0e0) ^ (((y + frame) & 0xff) << 8);
        }
      XPutImage (dpy, window, gc, image, 0, 0, 0, 0, width, height);
      XSync (dpy, False);

      while (g_get_monotonic_time () < next)
        g_usleep (next - g_get_monotonic_time ());
    }
}
