/* porthole-x11-test-client.c — a small X client the desktop tests drive
 *
 * Usage: porthole-x11-test-client TITLE X Y WIDTH HEIGHT [TEXT]
 *
 * Opens one titled window at a given place, paints a known pattern (and
 * optionally a line of large text for OCR), and reports on stdout, one
 * line each, what it receives:
 *
 *   ready 0xWINDOW              mapped and painted
 *   key press|release NAME STATE TIME
 *   char HEX                    the character a key press typed
 *   button press|release N X Y  window coordinates
 *   motion X Y STATE
 *   configure X Y W H           root coordinates of the window
 *   focus in|out
 *   clipboard BASE64            answer to "paste"
 *   owner lost
 *   delete-window               WM_DELETE_WINDOW arrived; we exit
 *
 * Commands on stdin: "copy BASE64" (own CLIPBOARD with that text, INCR
 * for large texts), "paste [SELECTION]" (read CLIPBOARD or SELECTION,
 * INCR accepted), "fill RRGGBB X Y W H" (paint a rectangle in window
 * coordinates, then report "filled"), "quit".
 *
 * The pattern, in window coordinates: background #204080; 50x50 squares
 * at (10,10) red, (70,10) green, (130,10) blue, (190,10) white.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <X11/XKBlib.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>
#include <glib.h>

#define INCR_CHUNK 4096
#define TEXT_SCALE 4

static Display *dpy;
static Window window;
static char *copied;
static gsize copied_length;
static GByteArray *pasting;
static gboolean paste_incr;
static const char *big_text;

/* Outgoing INCR transfer (one at a time is enough for the tests). */
static Window incr_requestor;
static Atom incr_property;
static gsize incr_offset;

static Atom
atom (const char *name)
{
  return XInternAtom (dpy, name, False);
}

static void
emit (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static gunichar
keysym_to_char (KeySym keysym)
{
  if (keysym == XK_Return || keysym == XK_KP_Enter)
    return '\n';
  if (keysym == XK_Tab)
    return '\t';
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff))
    return keysym;
  if ((keysym & 0xff000000) == 0x01000000)
    return keysym & 0x00ffffff;
  return 0;
}

static void
fill (GC gc, unsigned long rgb, int x, int y, int width, int height)
{
  XSetForeground (dpy, gc, rgb);
  XFillRectangle (dpy, window, gc, x, y, width, height);
}

/* The fixed font is small: draw the text, then paint each of its pixels
 * TEXT_SCALE times larger so OCR reads it. */
static void
draw_big_text (GC gc, const char *text, int x, int y)
{
  XFontStruct *font = XQueryFont (dpy, XGContextFromGC (gc));
  int width = XTextWidth (font, text, strlen (text)) + 8;
  int height = font->ascent + font->descent + 8;
  Pixmap pixmap = XCreatePixmap (dpy, window, width, height, DefaultDepth (dpy, DefaultScreen (dpy)));
  XImage *image;

  XSetForeground (dpy, gc, 0xffffff);
  XFillRectangle (dpy, pixmap, gc, 0, 0, width, height);
  XSetForeground (dpy, gc, 0x000000);
  XDrawString (dpy, pixmap, gc, 4, 4 + font->ascent, text, strlen (text));
  image = XGetImage (dpy, pixmap, 0, 0, width, height, AllPlanes, ZPixmap);

  for (int py = 0; py < height; py++)
    for (int px = 0; px < width; px++)
      fill (gc, XGetPixel (image, px, py) & 0xffffff, x + px * TEXT_SCALE, y + py * TEXT_SCALE,
            TEXT_SCALE, TEXT_SCALE);

  XDestroyImage (image);
  XFreePixmap (dpy, pixmap);
  /* With its per-character metrics and properties (XQueryFont made them). */
  XFreeFontInfo (NULL, font, 1);
}

static void
paint (const char *text)
{
  GC gc = XCreateGC (dpy, window, 0, NULL);

  fill (gc, 0x204080, 0, 0, 4000, 4000);
  fill (gc, 0xff0000, 10, 10, 50, 50);
  fill (gc, 0x00ff00, 70, 10, 50, 50);
  fill (gc, 0x0000ff, 130, 10, 50, 50);
  fill (gc, 0xffffff, 190, 10, 50, 50);
  if (text != NULL)
    draw_big_text (gc, text, 10, 80);

  XFreeGC (dpy, gc);
  XSync (dpy, False);
}

static void
report_configure (void)
{
  XWindowAttributes attributes;
  Window child;
  int x, y;

  XGetWindowAttributes (dpy, window, &attributes);
  XTranslateCoordinates (dpy, window, DefaultRootWindow (dpy), 0, 0, &x, &y, &child);
  emit ("configure %d %d %d %d", x, y, attributes.width, attributes.height);
}

static void
answer_request (XSelectionRequestEvent *request)
{
  XEvent notify = { 0 };
  Atom property = request->property != None ? request->property : request->target;

  notify.xselection.type = SelectionNotify;
  notify.xselection.requestor = request->requestor;
  notify.xselection.selection = request->selection;
  notify.xselection.target = request->target;
  notify.xselection.property = None;
  notify.xselection.time = request->time;

  if (copied != NULL && request->target == atom ("TARGETS"))
    {
      Atom targets[] = { atom ("TARGETS"), atom ("UTF8_STRING") };

      XChangeProperty (dpy, request->requestor, property, XA_ATOM, 32, PropModeReplace,
                       (unsigned char *) targets, 2);
      notify.xselection.property = property;
    }
  else if (copied != NULL && request->target == atom ("UTF8_STRING"))
    {
      if (copied_length <= INCR_CHUNK)
        XChangeProperty (dpy, request->requestor, property, atom ("UTF8_STRING"), 8, PropModeReplace,
                         (unsigned char *) copied, copied_length);
      else
        {
          long size = copied_length;

          incr_requestor = request->requestor;
          incr_property = property;
          incr_offset = 0;
          XSelectInput (dpy, request->requestor, PropertyChangeMask);
          XChangeProperty (dpy, request->requestor, property, atom ("INCR"), 32, PropModeReplace,
                           (unsigned char *) &size, 1);
        }
      notify.xselection.property = property;
    }

  XSendEvent (dpy, request->requestor, False, NoEventMask, &notify);
  XFlush (dpy);
}

static void
continue_incr_send (XPropertyEvent *event)
{
  gsize length;

  if (incr_requestor == None || event->window != incr_requestor || event->atom != incr_property ||
      event->state != PropertyDelete)
    return;

  length = MIN (INCR_CHUNK, copied_length - incr_offset);
  XChangeProperty (dpy, incr_requestor, incr_property, atom ("UTF8_STRING"), 8, PropModeReplace,
                   (unsigned char *) copied + incr_offset, length);
  incr_offset += length;
  if (length == 0)
    {
      XSelectInput (dpy, incr_requestor, NoEventMask);
      incr_requestor = None;
    }
  XFlush (dpy);
}

static void
finish_paste (void)
{
  g_autofree char *base64 = g_base64_encode (pasting->data, pasting->len);

  emit ("clipboard %s", base64);
  g_clear_pointer (&pasting, g_byte_array_unref);
  paste_incr = FALSE;
}

/* Reads _PASTE from our window; returns the number of bytes read. */
static gulong
take_paste_property (Atom *type)
{
  int format;
  unsigned long n_items = 0, bytes_after;
  unsigned char *value = NULL;

  XGetWindowProperty (dpy, window, atom ("_PASTE"), 0, G_MAXLONG / 4, True, AnyPropertyType,
                      type, &format, &n_items, &bytes_after, &value);
  if (value != NULL && *type != atom ("INCR"))
    g_byte_array_append (pasting, value, n_items);
  if (value != NULL)
    XFree (value);
  XFlush (dpy);

  return n_items;
}

static void
handle_command (const char *line)
{
  if (g_str_has_prefix (line, "copy "))
    {
      gsize length;
      guchar *text = g_base64_decode (line + 5, &length);

      g_free (copied);
      copied = g_malloc (length + 1);
      memcpy (copied, text, length);
      copied[length] = '\0';
      copied_length = length;
      g_free (text);
      XSetSelectionOwner (dpy, atom ("CLIPBOARD"), window, CurrentTime);
      XSync (dpy, False);
      emit ("copied %zu", length);
    }
  else if (g_str_has_prefix (line, "paste"))
    {
      const char *selection = line[5] == ' ' ? line + 6 : "CLIPBOARD";

      pasting = g_byte_array_new ();
      XDeleteProperty (dpy, window, atom ("_PASTE"));
      XConvertSelection (dpy, atom (selection), atom ("UTF8_STRING"), atom ("_PASTE"), window, CurrentTime);
      XFlush (dpy);
    }
  else if (g_str_has_prefix (line, "fill "))
    {
      unsigned int rgb;
      int x, y, width, height;
      GC gc;

      if (sscanf (line + 5, "%x %d %d %d %d", &rgb, &x, &y, &width, &height) != 5)
        return;
      gc = XCreateGC (dpy, window, 0, NULL);
      fill (gc, rgb, x, y, width, height);
      XFreeGC (dpy, gc);
      XSync (dpy, False);
      emit ("filled");
    }
  else if (g_str_equal (line, "quit"))
    exit (0);
}

static void
handle_event (XEvent *event)
{
  char name_buffer[8];
  KeySym keysym;

  switch (event->type)
    {
    case Expose:
      if (event->xexpose.count == 0)
        paint (big_text);
      break;

    case MappingNotify:
      XRefreshKeyboardMapping (&event->xmapping);
      break;

    case KeyPress:
    case KeyRelease:
      XLookupString (&event->xkey, name_buffer, sizeof name_buffer, &keysym, NULL);
      emit ("key %s %s %u %lu", event->type == KeyPress ? "press" : "release",
            XKeysymToString (keysym) ? XKeysymToString (keysym) : "?", event->xkey.state,
            event->xkey.time);
      if (event->type == KeyPress && keysym_to_char (keysym) != 0)
        emit ("char %x", keysym_to_char (keysym));
      break;

    case ButtonPress:
    case ButtonRelease:
      emit ("button %s %u %d %d", event->type == ButtonPress ? "press" : "release",
            event->xbutton.button, event->xbutton.x, event->xbutton.y);
      break;

    case MotionNotify:
      emit ("motion %d %d %u", event->xmotion.x, event->xmotion.y, event->xmotion.state);
      break;

    case ConfigureNotify:
      report_configure ();
      break;

    case FocusIn:
    case FocusOut:
      emit ("focus %s", event->type == FocusIn ? "in" : "out");
      break;

    case UnmapNotify:
      emit ("unmap");
      break;

    case MapNotify:
      emit ("map");
      break;

    case SelectionRequest:
      answer_request (&event->xselectionrequest);
      break;

    case SelectionClear:
      emit ("owner lost");
      break;

    case SelectionNotify:
      if (pasting == NULL)
        break;
      if (event->xselection.property == None)
        {
          emit ("clipboard-none");
          g_clear_pointer (&pasting, g_byte_array_unref);
        }
      else
        {
          Atom type;

          take_paste_property (&type);
          if (type == atom ("INCR"))
            paste_incr = TRUE;
          else
            finish_paste ();
        }
      break;

    case PropertyNotify:
      if (event->xproperty.window == window && paste_incr && pasting != NULL &&
          event->xproperty.atom == atom ("_PASTE") && event->xproperty.state == PropertyNewValue)
        {
          Atom type;

          if (take_paste_property (&type) == 0)
            finish_paste ();
        }
      else
        continue_incr_send (&event->xproperty);
      break;

    case ClientMessage:
      if (event->xclient.message_type == atom ("WM_PROTOCOLS") &&
          (Atom) event->xclient.data.l[0] == atom ("WM_DELETE_WINDOW"))
        {
          emit ("delete-window");
          exit (0);
        }
      break;

    default:
      break;
    }
}

int
main (int    argc,
      char **argv)
{
  const char *title = argc > 1 ? argv[1] : "Porthole test client";
  int x = argc > 2 ? atoi (argv[2]) : 100;
  int y = argc > 3 ? atoi (argv[3]) : 100;
  int width = argc > 4 ? atoi (argv[4]) : 400;
  int height = argc > 5 ? atoi (argv[5]) : 300;
  XSetWindowAttributes attributes = { 0 };
  XSizeHints *hints;
  XClassHint class_hint = { "porthole-test-client", "PortholeTestClient" };
  Atom delete_window;
  long pid = getpid ();
  GString *input = g_string_new (NULL);
  gboolean ready = FALSE;
  gboolean stdin_open = TRUE;

  big_text = argc > 6 ? argv[6] : NULL;
  /* Core keymap handling: each MappingNotify drops the whole cached
   * mapping. With XKB, Xlib fetches only the changes it noted, and with
   * spare keycodes bound in a quick series (porthole-x11-keymap.c) it
   * missed some: a third of /vnc/key-burst's runs read keys as NoSymbol,
   * none without XKB. */
  XkbIgnoreExtension (True);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "Cannot open the display\n");
      return 1;
    }

  attributes.background_pixel = 0x204080;
  attributes.event_mask = ExposureMask | KeyPressMask | KeyReleaseMask | ButtonPressMask |
                          ButtonReleaseMask | PointerMotionMask | StructureNotifyMask |
                          FocusChangeMask | PropertyChangeMask;
  window = XCreateWindow (dpy, DefaultRootWindow (dpy), x, y, width, height, 0, CopyFromParent,
                          InputOutput, CopyFromParent, CWBackPixel | CWEventMask, &attributes);

  XStoreName (dpy, window, title);
  XChangeProperty (dpy, window, atom ("_NET_WM_NAME"), atom ("UTF8_STRING"), 8, PropModeReplace,
                   (unsigned char *) title, strlen (title));
  XChangeProperty (dpy, window, atom ("_NET_WM_PID"), XA_CARDINAL, 32, PropModeReplace,
                   (unsigned char *) &pid, 1);
  XSetClassHint (dpy, window, &class_hint);
  delete_window = atom ("WM_DELETE_WINDOW");
  XSetWMProtocols (dpy, window, &delete_window, 1);
  /* Ask window managers to keep our position. */
  hints = XAllocSizeHints ();
  hints->flags = USPosition | USSize;
  hints->x = x;
  hints->y = y;
  hints->width = width;
  hints->height = height;
  XSetWMNormalHints (dpy, window, hints);
  XFree (hints);

  XMapWindow (dpy, window);
  XFlush (dpy);

  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = ConnectionNumber (dpy), .events = POLLIN },
        { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
      };

      while (XPending (dpy) > 0)
        {
          XEvent event;

          XNextEvent (dpy, &event);
          handle_event (&event);
          if (!ready && event.type == Expose)
            {
              ready = TRUE;
              XSync (dpy, False);
              emit ("ready 0x%lx", window);
            }
        }

      if (poll (fds, 2, -1) < 0)
        continue;

      if (fds[1].revents & (POLLIN | POLLHUP))
        {
          char buffer[65536];
          ssize_t n = read (STDIN_FILENO, buffer, sizeof buffer);
          char *newline;

          if (n <= 0)
            {
              stdin_open = FALSE;
              continue;
            }
          g_string_append_len (input, buffer, n);
          while ((newline = strchr (input->str, '\n')) != NULL)
            {
              *newline = '\0';
              handle_command (input->str);
              g_string_erase (input, 0, newline - input->str + 1);
            }
        }
    }
}
