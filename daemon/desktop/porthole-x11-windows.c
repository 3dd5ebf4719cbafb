/* porthole-x11-windows.c
 *
 * With a window manager (EWMH: _NET_SUPPORTING_WM_CHECK), windows are the
 * ones in _NET_CLIENT_LIST and actions are requests to the manager
 * (_NET_ACTIVE_WINDOW, _NET_CLOSE_WINDOW, _NET_MOVERESIZE_WINDOW,
 * WM_CHANGE_STATE). Without one, windows are the named top-level
 * children of the root (XQueryTree + ICCCM) and we act directly: there is
 * nobody to iconify a window, so minimize unmaps it and sets WM_STATE to
 * IconicState the way a manager would, and focus maps it back.
 *
 * Watching (for waits) selects the root's substructure and properties
 * (_NET_CLIENT_LIST, top-levels mapped, unmapped, created, destroyed)
 * and the title properties of the windows listed, and says "changed"
 * once per burst of such events.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>

#include "porthole-defer.h"
#include "porthole-error.h"
#include "porthole-x11-windows.h"

/* EWMH source indication: a pager, whose requests managers honour. */
#define SOURCE_PAGER 2

#define WATCHED_ROOT_EVENTS (SubstructureNotifyMask | PropertyChangeMask)

struct _PortholeX11Windows
{
  GObject parent_instance;

  PortholeX11Display *display;

  guint watchers;
  guint filter_id;
  guint changed_id;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeX11Windows, porthole_x11_windows, G_TYPE_OBJECT)

void
porthole_window_info_free (PortholeWindowInfo *info)
{
  g_free (info->title);
  g_free (info->wm_class);
  g_free (info);
}

static void
porthole_x11_windows_dispose (GObject *object)
{
  PortholeX11Windows *self = (PortholeX11Windows *)object;

  if (self->display != NULL && self->watchers > 0)
    {
      self->watchers = 1;
      porthole_x11_windows_unwatch (self);
    }
  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_windows_parent_class)->dispose (object);
}

static void
porthole_x11_windows_class_init (PortholeX11WindowsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = porthole_x11_windows_dispose;

  /**
   * PortholeX11Windows::changed:
   *
   * While watched: top-level windows may have come, gone or changed
   * their titles.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_x11_windows_init (PortholeX11Windows *self)
{
}

PortholeX11Windows *
porthole_x11_windows_new (PortholeX11Display *display)
{
  PortholeX11Windows *self;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_WINDOWS, NULL);
  self->display = g_object_ref (display);

  return self;
}

static Display *
get_xdisplay (PortholeX11Windows *self)
{
  return porthole_x11_display_get_xdisplay (self->display);
}

static Atom
atom (PortholeX11Windows *self,
      const char         *name)
{
  return porthole_x11_display_get_atom (self->display, name);
}

/* Reads a property of 32-bit items. Returns the number of items (0 if
 * absent or on error); free *data with XFree. */
static gulong
get_property32 (PortholeX11Windows  *self,
                Window               window,
                Atom                 property,
                Atom                 type,
                gulong             **data)
{
  Atom actual_type;
  int actual_format, status;
  unsigned long n_items = 0, bytes_after;
  unsigned char *value = NULL;

  *data = NULL;

  porthole_x11_display_error_trap_push (self->display);
  status = XGetWindowProperty (get_xdisplay (self), window, property, 0, G_MAXLONG / 4, False,
                               type, &actual_type, &actual_format, &n_items, &bytes_after, &value);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (status != Success || actual_type != type || actual_format != 32 || n_items == 0)
    {
      if (value != NULL)
        XFree (value);
      return 0;
    }

  /* Format-32 items are longs on the client side. */
  *data = (gulong *) value;
  return n_items;
}

static gboolean
get_cardinal (PortholeX11Windows *self,
              Window              window,
              const char         *name,
              gulong             *value)
{
  gulong *data;

  if (get_property32 (self, window, atom (self, name), XA_CARDINAL, &data) == 0)
    return FALSE;

  *value = data[0];
  XFree (data);
  return TRUE;
}

static Window
get_window_property (PortholeX11Windows *self,
                     Window              window,
                     const char         *name)
{
  gulong *data;
  Window result;

  if (get_property32 (self, window, atom (self, name), XA_WINDOW, &data) == 0)
    return None;

  result = data[0];
  XFree (data);
  return result;
}

/**
 * porthole_x11_windows_has_wm:
 *
 * Returns: TRUE when an EWMH window manager runs (checked each time: one
 *   may start or stop at any moment)
 */
gboolean
porthole_x11_windows_has_wm (PortholeX11Windows *self)
{
  Window root = porthole_x11_display_get_root (self->display);
  Window check = get_window_property (self, root, "_NET_SUPPORTING_WM_CHECK");

  /* A stale property from a manager that died points nowhere or at a
   * window without the property. */
  return check != None && get_window_property (self, check, "_NET_SUPPORTING_WM_CHECK") == check;
}

static char *
get_title (PortholeX11Windows *self,
           Window              window)
{
  Atom actual_type;
  int actual_format, status;
  unsigned long n_items = 0, bytes_after;
  unsigned char *value = NULL;
  XTextProperty text = { 0 };
  char *title = NULL;

  porthole_x11_display_error_trap_push (self->display);
  status = XGetWindowProperty (get_xdisplay (self), window, atom (self, "_NET_WM_NAME"), 0, 4096,
                               False, atom (self, "UTF8_STRING"), &actual_type, &actual_format,
                               &n_items, &bytes_after, &value);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (status == Success && value != NULL && actual_format == 8 && n_items > 0)
    title = g_utf8_make_valid ((const char *) value, n_items);
  if (value != NULL)
    XFree (value);
  if (title != NULL)
    return title;

  porthole_x11_display_error_trap_push (self->display);
  status = XGetWMName (get_xdisplay (self), window, &text);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (status && text.value != NULL && text.nitems > 0)
    {
      if (text.encoding == XA_STRING)
        title = g_convert ((const char *) text.value, text.nitems, "UTF-8", "ISO-8859-1",
                           NULL, NULL, NULL);
      else
        {
          char **list = NULL;
          int count = 0;

          if (Xutf8TextPropertyToTextList (get_xdisplay (self), &text, &list, &count) >= Success &&
              count > 0)
            title = g_utf8_make_valid (list[0], -1);
          if (list != NULL)
            XFreeStringList (list);
        }
    }
  if (text.value != NULL)
    XFree (text.value);

  return title ? title : g_strdup ("");
}

static char *
get_class (PortholeX11Windows *self,
           Window              window)
{
  XClassHint hint = { NULL, NULL };
  char *result;

  porthole_x11_display_error_trap_push (self->display);
  XGetClassHint (get_xdisplay (self), window, &hint);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  result = g_utf8_make_valid (hint.res_class ? hint.res_class : "", -1);
  if (hint.res_name != NULL)
    XFree (hint.res_name);
  if (hint.res_class != NULL)
    XFree (hint.res_class);

  return result;
}

static gboolean
is_iconic (PortholeX11Windows *self,
           Window              window)
{
  gulong *data;
  gulong n;
  gboolean iconic = FALSE;

  n = get_property32 (self, window, atom (self, "_NET_WM_STATE"), XA_ATOM, &data);
  for (gulong i = 0; i < n; i++)
    if (data[i] == atom (self, "_NET_WM_STATE_HIDDEN"))
      iconic = TRUE;
  if (data != NULL)
    XFree (data);

  n = get_property32 (self, window, atom (self, "WM_STATE"), atom (self, "WM_STATE"), &data);
  if (n > 0 && data[0] == IconicState)
    iconic = TRUE;
  if (data != NULL)
    XFree (data);

  return iconic;
}

static Window
toplevel_of (PortholeX11Windows *self,
             Window              window)
{
  Window root = porthole_x11_display_get_root (self->display);

  while (window != None && window != root)
    {
      Window parent = None, window_root;
      Window *children = NULL;
      unsigned int n_children;
      int ok;

      porthole_x11_display_error_trap_push (self->display);
      ok = XQueryTree (get_xdisplay (self), window, &window_root, &parent, &children, &n_children);
      porthole_x11_display_error_trap_pop_ignored (self->display);
      if (children != NULL)
        XFree (children);
      if (!ok)
        return None;
      if (parent == root)
        return window;
      window = parent;
    }

  return None;
}

/**
 * porthole_x11_windows_get_active:
 *
 * Returns: the active window, or None
 */
Window
porthole_x11_windows_get_active (PortholeX11Windows *self)
{
  Window focus = None;
  int revert;

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), None);

  if (porthole_x11_display_is_closed (self->display))
    return None;

  if (porthole_x11_windows_has_wm (self))
    return get_window_property (self, porthole_x11_display_get_root (self->display),
                                "_NET_ACTIVE_WINDOW");

  XGetInputFocus (get_xdisplay (self), &focus, &revert);
  if (focus == None || focus == PointerRoot)
    return None;

  return toplevel_of (self, focus);
}

static PortholeWindowInfo *
build_info (PortholeX11Windows *self,
            Window              window,
            Window              active)
{
  PortholeWindowInfo *info;
  XWindowAttributes attributes;
  Window child;
  int x = 0, y = 0;
  gulong value;
  int ok;

  porthole_x11_display_error_trap_push (self->display);
  ok = XGetWindowAttributes (get_xdisplay (self), window, &attributes);
  if (ok)
    ok = XTranslateCoordinates (get_xdisplay (self), window, porthole_x11_display_get_root (self->display),
                                0, 0, &x, &y, &child);
  if (porthole_x11_display_error_trap_pop (self->display) != 0 || !ok)
    return NULL;

  info = g_new0 (PortholeWindowInfo, 1);
  info->id = window;
  info->geometry = (PortholeRect) { x, y, attributes.width, attributes.height };
  info->title = get_title (self, window);
  info->wm_class = get_class (self, window);
  info->pid = get_cardinal (self, window, "_NET_WM_PID", &value) ? (int) value : -1;
  info->desktop = get_cardinal (self, window, "_NET_WM_DESKTOP", &value) && value != 0xffffffff ? (int) value : 0;
  info->active = window == active;
  info->minimized = is_iconic (self, window);

  return info;
}

/* Without a manager: named InputOutput top-levels that are shown, or
 * that we iconified. */
static gboolean
is_plain_toplevel (PortholeX11Windows *self,
                   Window              window)
{
  XWindowAttributes attributes;
  XTextProperty name = { 0 };
  XClassHint hint = { NULL, NULL };
  gboolean named;
  int ok;

  porthole_x11_display_error_trap_push (self->display);
  ok = XGetWindowAttributes (get_xdisplay (self), window, &attributes);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (!ok || attributes.class != InputOutput || attributes.override_redirect)
    return FALSE;

  porthole_x11_display_error_trap_push (self->display);
  named = XGetWMName (get_xdisplay (self), window, &name) != 0 ||
          XGetClassHint (get_xdisplay (self), window, &hint) != 0;
  porthole_x11_display_error_trap_pop_ignored (self->display);
  if (name.value != NULL)
    XFree (name.value);
  if (hint.res_name != NULL)
    XFree (hint.res_name);
  if (hint.res_class != NULL)
    XFree (hint.res_class);

  if (!named)
    return FALSE;

  return attributes.map_state == IsViewable || is_iconic (self, window);
}

/**
 * porthole_x11_windows_list:
 *
 * Returns: (transfer container) (element-type PortholeWindowInfo): the
 *   top-level application windows, bottom to top
 */
GPtrArray *
porthole_x11_windows_list (PortholeX11Windows *self)
{
  GPtrArray *windows = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_window_info_free);
  Window root = porthole_x11_display_get_root (self->display);
  Window active;

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), windows);

  if (porthole_x11_display_is_closed (self->display))
    return windows;

  active = porthole_x11_windows_get_active (self);

  if (porthole_x11_windows_has_wm (self))
    {
      gulong *clients;
      gulong n = get_property32 (self, root, atom (self, "_NET_CLIENT_LIST"), XA_WINDOW, &clients);

      for (gulong i = 0; i < n; i++)
        {
          PortholeWindowInfo *info = build_info (self, clients[i], active);

          if (info != NULL)
            g_ptr_array_add (windows, info);
        }
      if (clients != NULL)
        XFree (clients);
    }
  else
    {
      Window root_return, parent;
      Window *children = NULL;
      unsigned int n_children = 0;

      porthole_x11_display_error_trap_push (self->display);
      XQueryTree (get_xdisplay (self), root, &root_return, &parent, &children, &n_children);
      porthole_x11_display_error_trap_pop_ignored (self->display);

      for (unsigned int i = 0; i < n_children; i++)
        {
          PortholeWindowInfo *info;

          if (!is_plain_toplevel (self, children[i]))
            continue;
          if ((info = build_info (self, children[i], active)) != NULL)
            g_ptr_array_add (windows, info);
        }
      if (children != NULL)
        XFree (children);
    }

  return windows;
}

static gboolean
set_closed_error (PortholeX11Windows  *self,
                  GError             **error)
{
  if (!porthole_x11_display_is_closed (self->display))
    return FALSE;

  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
  return TRUE;
}

/**
 * porthole_x11_windows_get_info:
 *
 * Returns: (transfer full): what we know of @window; a NOT_FOUND error
 *   if it does not exist
 */
PortholeWindowInfo *
porthole_x11_windows_get_info (PortholeX11Windows  *self,
                               Window               window,
                               GError             **error)
{
  PortholeWindowInfo *info;

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), NULL);

  if (set_closed_error (self, error))
    return NULL;

  info = window != None ? build_info (self, window, porthole_x11_windows_get_active (self)) : NULL;
  if (info == NULL)
    g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND,
                 "Window not found: 0x%08lx", window);

  return info;
}

static void
send_wm_message (PortholeX11Windows *self,
                 Window              window,
                 const char         *type,
                 long                l0,
                 long                l1,
                 long                l2,
                 long                l3,
                 long                l4)
{
  XEvent event = { 0 };

  event.xclient.type = ClientMessage;
  event.xclient.window = window;
  event.xclient.message_type = atom (self, type);
  event.xclient.format = 32;
  event.xclient.data.l[0] = l0;
  event.xclient.data.l[1] = l1;
  event.xclient.data.l[2] = l2;
  event.xclient.data.l[3] = l3;
  event.xclient.data.l[4] = l4;

  XSendEvent (get_xdisplay (self), porthole_x11_display_get_root (self->display), False,
              SubstructureRedirectMask | SubstructureNotifyMask, &event);
}

static void
set_wm_state (PortholeX11Windows *self,
              Window              window,
              long                state)
{
  long data[2] = { state, None };
  Atom wm_state = atom (self, "WM_STATE");

  XChangeProperty (get_xdisplay (self), window, wm_state, wm_state, 32, PropModeReplace,
                   (unsigned char *) data, 2);
}

static gboolean
finish_request (PortholeX11Windows  *self,
                Window               window,
                const char          *what,
                GError             **error)
{
  int code = porthole_x11_display_error_trap_pop (self->display);

  if (set_closed_error (self, error))
    return FALSE;

  if (code == BadWindow)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND, "Window not found: 0x%08lx", window);
      return FALSE;
    }
  if (code != 0)
    {
      char text[128] = "";

      XGetErrorText (get_xdisplay (self), code, text, sizeof text);
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot %s window 0x%08lx: %s", what, window, text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_exists (PortholeX11Windows  *self,
              Window               window,
              GError             **error)
{
  XWindowAttributes attributes;
  int ok;

  if (set_closed_error (self, error))
    return FALSE;

  porthole_x11_display_error_trap_push (self->display);
  ok = window != None && XGetWindowAttributes (get_xdisplay (self), window, &attributes);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (!ok)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND, "Window not found: 0x%08lx", window);
      return FALSE;
    }

  return TRUE;
}

gboolean
porthole_x11_windows_focus (PortholeX11Windows  *self,
                            Window               window,
                            GError             **error)
{
  Display *xdisplay = get_xdisplay (self);

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), FALSE);

  if (!check_exists (self, window, error))
    return FALSE;

  if (porthole_x11_windows_has_wm (self))
    {
      Time now = porthole_x11_display_get_server_time (self->display);

      porthole_x11_display_error_trap_push (self->display);
      send_wm_message (self, window, "_NET_ACTIVE_WINDOW", SOURCE_PAGER, now, None, 0, 0);
      return finish_request (self, window, "focus", error);
    }

  porthole_x11_display_error_trap_push (self->display);
  if (is_iconic (self, window))
    {
      XMapWindow (xdisplay, window);
      set_wm_state (self, window, NormalState);
    }
  XRaiseWindow (xdisplay, window);
  XSetInputFocus (xdisplay, window, RevertToPointerRoot, CurrentTime);
  return finish_request (self, window, "focus", error);
}

static gboolean
supports_delete (PortholeX11Windows *self,
                 Window              window)
{
  Atom *protocols = NULL;
  int n = 0;
  gboolean found = FALSE;

  porthole_x11_display_error_trap_push (self->display);
  if (XGetWMProtocols (get_xdisplay (self), window, &protocols, &n))
    for (int i = 0; i < n; i++)
      found |= protocols[i] == atom (self, "WM_DELETE_WINDOW");
  porthole_x11_display_error_trap_pop_ignored (self->display);
  if (protocols != NULL)
    XFree (protocols);

  return found;
}

/**
 * porthole_x11_windows_close:
 * @force: kill the client's connection instead of asking it to close
 */
gboolean
porthole_x11_windows_close (PortholeX11Windows  *self,
                            Window               window,
                            gboolean             force,
                            GError             **error)
{
  Display *xdisplay = get_xdisplay (self);

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), FALSE);

  if (!check_exists (self, window, error))
    return FALSE;

  if (!force && porthole_x11_windows_has_wm (self))
    {
      Time now = porthole_x11_display_get_server_time (self->display);

      porthole_x11_display_error_trap_push (self->display);
      send_wm_message (self, window, "_NET_CLOSE_WINDOW", now, SOURCE_PAGER, 0, 0, 0);
      return finish_request (self, window, "close", error);
    }

  if (!force && supports_delete (self, window))
    {
      XEvent event = { 0 };

      event.xclient.type = ClientMessage;
      event.xclient.window = window;
      event.xclient.message_type = atom (self, "WM_PROTOCOLS");
      event.xclient.format = 32;
      event.xclient.data.l[0] = atom (self, "WM_DELETE_WINDOW");
      event.xclient.data.l[1] = porthole_x11_display_get_server_time (self->display);

      porthole_x11_display_error_trap_push (self->display);
      XSendEvent (xdisplay, window, False, NoEventMask, &event);
      return finish_request (self, window, "close", error);
    }

  porthole_x11_display_error_trap_push (self->display);
  XKillClient (xdisplay, window);
  return finish_request (self, window, "close", error);
}

/**
 * porthole_x11_windows_move_resize:
 *
 * Places the client area of @window (not its frame) at @x, @y and/or
 * gives it @width x @height.
 */
gboolean
porthole_x11_windows_move_resize (PortholeX11Windows  *self,
                                  Window               window,
                                  gboolean             move,
                                  int                  x,
                                  int                  y,
                                  gboolean             resize,
                                  int                  width,
                                  int                  height,
                                  GError             **error)
{
  Display *xdisplay = get_xdisplay (self);

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), FALSE);
  g_return_val_if_fail (!resize || (width > 0 && height > 0), FALSE);

  if (!check_exists (self, window, error))
    return FALSE;

  if (porthole_x11_windows_has_wm (self))
    {
      /* StaticGravity: the coordinates are the client's, not the frame's. */
      long flags = StaticGravity | (SOURCE_PAGER << 12);

      if (move)
        flags |= (1 << 8) | (1 << 9);
      if (resize)
        flags |= (1 << 10) | (1 << 11);

      porthole_x11_display_error_trap_push (self->display);
      send_wm_message (self, window, "_NET_MOVERESIZE_WINDOW", flags, x, y, width, height);
      return finish_request (self, window, "move or resize", error);
    }

  porthole_x11_display_error_trap_push (self->display);
  if (move && resize)
    XMoveResizeWindow (xdisplay, window, x, y, width, height);
  else if (move)
    XMoveWindow (xdisplay, window, x, y);
  else if (resize)
    XResizeWindow (xdisplay, window, width, height);
  return finish_request (self, window, "move or resize", error);
}

gboolean
porthole_x11_windows_minimize (PortholeX11Windows  *self,
                               Window               window,
                               GError             **error)
{
  Display *xdisplay = get_xdisplay (self);

  g_return_val_if_fail (PORTHOLE_IS_X11_WINDOWS (self), FALSE);

  if (!check_exists (self, window, error))
    return FALSE;

  porthole_x11_display_error_trap_push (self->display);
  if (porthole_x11_windows_has_wm (self))
    XIconifyWindow (xdisplay, window, DefaultScreen (xdisplay));
  else
    {
      XUnmapWindow (xdisplay, window);
      set_wm_state (self, window, IconicState);
    }
  return finish_request (self, window, "minimize", error);
}

/* Watching */

/* Title changes of the listed windows reach us too. */
static void
select_titles (PortholeX11Windows *self)
{
  g_autoptr(GPtrArray) windows = porthole_x11_windows_list (self);

  porthole_x11_display_error_trap_push (self->display);
  for (guint i = 0; i < windows->len; i++)
    XSelectInput (get_xdisplay (self), ((PortholeWindowInfo *) g_ptr_array_index (windows, i))->id,
                  PropertyChangeMask);
  porthole_x11_display_error_trap_pop_ignored (self->display);
}

static gboolean
changed_cb (gpointer user_data)
{
  PortholeX11Windows *self = user_data;

  self->changed_id = 0;
  select_titles (self);
  g_signal_emit (self, signals[CHANGED], 0);

  return G_SOURCE_REMOVE;
}

static gboolean
watch_filter (PortholeX11Display *display,
              XEvent             *event,
              gpointer            user_data)
{
  PortholeX11Windows *self = user_data;
  Window root = porthole_x11_display_get_root (display);
  gboolean changed = FALSE;

  switch (event->type)
    {
    case CreateNotify:
      changed = event->xcreatewindow.parent == root;
      break;
    case DestroyNotify:
    case MapNotify:
    case UnmapNotify:
    case ReparentNotify:
      /* The event member is where the structure event was selected. */
      changed = event->xmap.event == root;
      break;
    case PropertyNotify:
      if (event->xproperty.window == root)
        changed = event->xproperty.atom == atom (self, "_NET_CLIENT_LIST");
      else
        changed = event->xproperty.atom == atom (self, "_NET_WM_NAME") ||
                  event->xproperty.atom == XA_WM_NAME;
      break;
    default:
      break;
    }

  if (changed && self->changed_id == 0)
    self->changed_id = porthole_defer (changed_cb, self);

  return FALSE;
}

/**
 * porthole_x11_windows_watch:
 *
 * Starts emitting "changed"; undone by porthole_x11_windows_unwatch().
 */
void
porthole_x11_windows_watch (PortholeX11Windows *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_WINDOWS (self));

  if (self->watchers++ > 0)
    return;

  porthole_x11_display_add_root_events (self->display, WATCHED_ROOT_EVENTS);
  self->filter_id = porthole_x11_display_add_filter (self->display, watch_filter, self);
  select_titles (self);
}

void
porthole_x11_windows_unwatch (PortholeX11Windows *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_WINDOWS (self));
  g_return_if_fail (self->watchers > 0);

  if (--self->watchers > 0)
    return;

  porthole_x11_display_remove_root_events (self->display, WATCHED_ROOT_EVENTS);
  porthole_x11_display_remove_filter (self->display, self->filter_id);
  self->filter_id = 0;
  g_clear_handle_id (&self->changed_id, g_source_remove);
}

/* Waiting for a window manager */

#define WAIT_POLL_MSEC 10

/**
 * porthole_x11_windows_is_active:
 *
 * A #PortholeX11WindowsCheck: @window has the focus.
 */
gboolean
porthole_x11_windows_is_active (PortholeX11Windows *self,
                                Window              window,
                                const PortholeRect *wanted)
{
  return porthole_x11_windows_get_active (self) == window;
}

/**
 * porthole_x11_windows_is_gone:
 *
 * A #PortholeX11WindowsCheck: @window no longer exists.
 */
gboolean
porthole_x11_windows_is_gone (PortholeX11Windows *self,
                              Window              window,
                              const PortholeRect *wanted)
{
  g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (self, window, NULL);

  return info == NULL;
}

/**
 * porthole_x11_windows_is_minimized:
 *
 * A #PortholeX11WindowsCheck: @window is minimized (or gone).
 */
gboolean
porthole_x11_windows_is_minimized (PortholeX11Windows *self,
                                   Window              window,
                                   const PortholeRect *wanted)
{
  g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (self, window, NULL);

  return info == NULL || info->minimized;
}

/**
 * porthole_x11_windows_has_geometry:
 * @wanted: members left at %G_MININT are not checked
 *
 * A #PortholeX11WindowsCheck: @window is where @wanted says (or gone).
 */
gboolean
porthole_x11_windows_has_geometry (PortholeX11Windows *self,
                                   Window              window,
                                   const PortholeRect *wanted)
{
  g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (self, window, NULL);

  if (info == NULL)
    return TRUE;

  return (wanted->x == G_MININT || info->geometry.x == wanted->x) &&
         (wanted->y == G_MININT || info->geometry.y == wanted->y) &&
         (wanted->width == G_MININT || info->geometry.width == wanted->width) &&
         (wanted->height == G_MININT || info->geometry.height == wanted->height);
}

typedef struct
{
  Window window;
  PortholeX11WindowsCheck check;
  PortholeRect wanted;
  gint64 deadline;
  guint timer_id;
} Wait;

static void
wait_free (Wait *wait)
{
  g_clear_handle_id (&wait->timer_id, g_source_remove);
  g_free (wait);
}

static gboolean
wait_cb (gpointer user_data)
{
  GTask *task = user_data;
  PortholeX11Windows *self = g_task_get_source_object (task);
  Wait *wait = g_task_get_task_data (task);

  if (wait->check (self, wait->window, &wait->wanted))
    {
      wait->timer_id = 0;
      g_task_return_boolean (task, TRUE);
      return G_SOURCE_REMOVE;
    }

  if (g_get_monotonic_time () >= wait->deadline || g_task_return_error_if_cancelled (task))
    {
      wait->timer_id = 0;
      if (!g_task_had_error (task))
        g_task_return_boolean (task, FALSE);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/**
 * porthole_x11_windows_wait_async:
 * @check: what must hold (porthole_x11_windows_is_active(), ...)
 * @wanted: (nullable): for @check
 * @timeout_ms: how long to wait at most
 *
 * With a window manager, actions on windows are requests it carries out
 * a moment later: this waits (polling every few milliseconds) until the
 * effect is visible, so that what follows sees it.
 */
void
porthole_x11_windows_wait_async (PortholeX11Windows      *self,
                                 Window                   window,
                                 PortholeX11WindowsCheck  check,
                                 const PortholeRect      *wanted,
                                 guint                    timeout_ms,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Wait *wait = g_new0 (Wait, 1);

  g_task_set_source_tag (task, porthole_x11_windows_wait_async);
  wait->window = window;
  wait->check = check;
  if (wanted != NULL)
    wait->wanted = *wanted;
  wait->deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_task_set_task_data (task, wait, (GDestroyNotify) wait_free);

  if (wait_cb (task) == G_SOURCE_CONTINUE)
    wait->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, WAIT_POLL_MSEC, wait_cb,
                                         g_object_ref (task), g_object_unref);
}

/**
 * porthole_x11_windows_wait_finish:
 *
 * Returns: %TRUE if the check held in time; %FALSE at the timeout (no
 *   error) or when cancelled (an error)
 */
gboolean
porthole_x11_windows_wait_finish (PortholeX11Windows  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
