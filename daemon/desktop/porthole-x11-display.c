/* porthole-x11-display.c
 *
 * The daemon's one Xlib connection. As in GTK's gdk/x11/gdkeventsource.c
 * the connection is a GSource whose GPollFD is ConnectionNumber(), and
 * prepare/check also ask XPending() because Xlib buffers events.
 *
 * X errors never abort: requests that may fail are wrapped in error
 * traps, anything else is logged. When the server goes away, Xlib calls
 * the I/O error exit handler (libX11 >= 1.7), which returns instead of
 * exiting; every later Xlib call on the dead connection is a no-op, and
 * "closed" is emitted from an idle so the owner can drop us. A local
 * server that stops answering ends the same way: the watchdog
 * (porthole-x11-watchdog.c) shuts our socket down, so no round trip
 * waits longer than its timeout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>

#include "porthole-defer.h"
#include "porthole-x11-display.h"
#include "porthole-x11-watchdog.h"

typedef struct
{
  gulong start_serial;
  gulong end_serial;
  int error_code;
} ErrorTrap;

typedef struct
{
  guint id;
  PortholeX11EventFilter func;
  gpointer user_data;
} EventFilter;

typedef struct
{
  GSource source;
  PortholeX11Display *display;
  gpointer tag;
} XlibSource;

struct _PortholeX11Display
{
  GObject parent_instance;

  Display *xdisplay;
  char *name;
  int number;
  Window root;
  Window helper;
  int width;
  int height;
  int depth;
  int server_pid;

  PortholeX11Extensions extensions;
  int damage_event_base;
  int fixes_event_base;
  int randr_event_base;

  GHashTable *atoms;
  GArray *filters;
  /* XSelectInput on the root, one count per event mask bit */
  guint root_event_counts[32];
  guint last_filter_id;
  GSList *traps;

  PortholeLogBuffer *log;
  PortholeX11Watch *watch;
  /* The thread-default context at opening: where our sources run. */
  GMainContext *context;
  GSource *source;
  GSource *closed_idle;
  guint closed : 1;
};

enum {
  CLOSED,
  SIZE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Open connections, for the process-wide Xlib error handlers. Each
 * connection is used by one thread at a time (the main thread's, or a
 * recorder's), which is where its handlers run. */
static GList *open_displays;
G_LOCK_DEFINE_STATIC (open_displays);

G_DEFINE_FINAL_TYPE (PortholeX11Display, porthole_x11_display, G_TYPE_OBJECT)

static PortholeX11Display *
lookup_display (Display *xdisplay)
{
  PortholeX11Display *found = NULL;

  G_LOCK (open_displays);
  for (GList *l = open_displays; l != NULL && found == NULL; l = l->next)
    if (((PortholeX11Display *) l->data)->xdisplay == xdisplay)
      found = l->data;
  G_UNLOCK (open_displays);

  return found;
}

static int
x_error_handler (Display     *xdisplay,
                 XErrorEvent *event)
{
  PortholeX11Display *self = lookup_display (xdisplay);
  char text[128] = "";

  if (self == NULL)
    return 0;

  for (GSList *l = self->traps; l != NULL; l = l->next)
    {
      ErrorTrap *trap = l->data;

      if (event->serial >= trap->start_serial &&
          (trap->end_serial == 0 || event->serial < trap->end_serial))
        {
          if (trap->error_code == 0)
            trap->error_code = event->error_code;
          return 0;
        }
    }

  XGetErrorText (xdisplay, event->error_code, text, sizeof text);
  porthole_log_buffer_append (self->log, "x11",
                              "Untrapped X error: %s (request %d.%d, resource 0x%lx)",
                              text, event->request_code, event->minor_code, event->resourceid);
  return 0;
}

static gboolean
emit_closed_idle (gpointer user_data)
{
  PortholeX11Display *self = user_data;

  g_clear_pointer (&self->closed_idle, g_source_unref);
  g_signal_emit (self, signals[CLOSED], 0);

  return G_SOURCE_REMOVE;
}

static void
mark_closed (PortholeX11Display *self)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  if (self->watch != NULL && porthole_x11_watch_has_fired (self->watch))
    porthole_log_buffer_append (self->log, "x11",
                                "X display %s did not answer for %u s: dropped the connection",
                                self->name, porthole_x11_watchdog_get_timeout ());
  else
    porthole_log_buffer_append (self->log, "x11", "Lost the connection to X display %s", self->name);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  self->closed_idle = porthole_defer_source_new ();
  g_source_set_callback (self->closed_idle, emit_closed_idle, g_object_ref (self), g_object_unref);
  g_source_set_static_name (self->closed_idle, "[portholed] X display closed");
  g_source_attach (self->closed_idle, self->context);
}

static int
x_io_error_handler (Display *xdisplay)
{
  /* Reported by the exit handler below; the default handler would print
   * and exit. */
  return 0;
}

static void
x_io_error_exit_handler (Display *xdisplay,
                         void    *user_data)
{
  PortholeX11Display *self = lookup_display (xdisplay);

  /* Returning marks the connection dead: Xlib calls on it become no-ops. */
  if (self != NULL)
    mark_closed (self);
}

static void
handle_event (PortholeX11Display *self,
              XEvent             *event)
{
  if (porthole_x11_display_has_extensions (self, PORTHOLE_X11_EXTENSION_RANDR) &&
      event->type == self->randr_event_base + RRScreenChangeNotify)
    {
      XRRUpdateConfiguration (event);
      porthole_x11_display_refresh_size (self);
    }

  /* A filter may remove itself or others: iterate over a copy. */
  if (self->filters->len > 0)
    {
      g_autoptr(GArray) filters = g_array_copy (self->filters);

      for (guint i = 0; i < filters->len && !self->closed; i++)
        {
          EventFilter *filter = &g_array_index (filters, EventFilter, i);

          if (filter->func (self, event, filter->user_data))
            break;
        }
    }
}

static gboolean
xlib_source_prepare (GSource *source,
                     int     *timeout)
{
  PortholeX11Display *self = ((XlibSource *) source)->display;

  *timeout = -1;
  if (self->closed)
    return TRUE;

  /* Requests made since the last iteration go out before we sleep. */
  XFlush (self->xdisplay);
  return XPending (self->xdisplay) > 0;
}

static gboolean
xlib_source_check (GSource *source)
{
  XlibSource *xsource = (XlibSource *) source;
  PortholeX11Display *self = xsource->display;
  GIOCondition revents = g_source_query_unix_fd (source, xsource->tag);

  if (self->closed)
    return TRUE;
  if (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    return XPending (self->xdisplay) > 0 || self->closed;

  return FALSE;
}

static gboolean
xlib_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  g_autoptr(PortholeX11Display) self = g_object_ref (((XlibSource *) source)->display);

  while (!self->closed && XPending (self->xdisplay) > 0)
    {
      XEvent event;

      XNextEvent (self->xdisplay, &event);
      handle_event (self, &event);
    }

  return self->closed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static GSourceFuncs xlib_source_funcs = {
  .prepare = xlib_source_prepare,
  .check = xlib_source_check,
  .dispatch = xlib_source_dispatch,
};

static void
porthole_x11_display_dispose (GObject *object)
{
  PortholeX11Display *self = (PortholeX11Display *)object;

  porthole_x11_display_close (self);
  if (self->closed_idle != NULL)
    {
      g_source_destroy (self->closed_idle);
      g_clear_pointer (&self->closed_idle, g_source_unref);
    }

  G_OBJECT_CLASS (porthole_x11_display_parent_class)->dispose (object);
}

static void
porthole_x11_display_finalize (GObject *object)
{
  PortholeX11Display *self = (PortholeX11Display *)object;

  g_assert (self->traps == NULL);

  g_clear_pointer (&self->atoms, g_hash_table_unref);
  g_clear_pointer (&self->filters, g_array_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->log);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (porthole_x11_display_parent_class)->finalize (object);
}

static void
porthole_x11_display_class_init (PortholeX11DisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_x11_display_dispose;
  object_class->finalize = porthole_x11_display_finalize;

  /**
   * PortholeX11Display::closed:
   *
   * The X server went away. Emitted once, from an idle.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeX11Display::size-changed:
   *
   * The root window has a new size (RandR).
   */
  signals[SIZE_CHANGED] =
    g_signal_new ("size-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_x11_display_init (PortholeX11Display *self)
{
  self->atoms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filters = g_array_new (FALSE, FALSE, sizeof (EventFilter));
  self->number = -1;
}

static int
parse_display_number (const char *name)
{
  const char *colon = name ? strrchr (name, ':') : NULL;
  gint64 number;
  g_autofree char *digits = NULL;

  if (colon == NULL)
    return -1;

  digits = g_strndup (colon + 1, strcspn (colon + 1, "."));
  if (!g_ascii_string_to_signed (digits, 10, 0, G_MAXINT, &number, NULL))
    return -1;

  return number;
}

/* Xlib waits for the server's greeting without a deadline: a server that
 * accepts connections and never answers (stopped, wedged) would freeze
 * the daemon's main loop inside XOpenDisplay(). So a local display is
 * asked first, on a socket of our own, with a deadline. (Later round
 * trips are guarded by the watchdog.) */
#define PROBE_TIMEOUT_MS 500

static gboolean
probe_local (const char  *name,
             GError     **error)
{
  int number = parse_display_number (name);

  /* Only ":N": a remote display, or no socket to ask, is for Xlib. */
  if (name[0] != ':' || number < 0 ||
      porthole_x11_probe (number, PROBE_TIMEOUT_MS) != PORTHOLE_X11_PROBE_SILENT)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "X display %s accepts connections but does not answer", name);
  return FALSE;
}

static void
query_extensions (PortholeX11Display *self)
{
  int event_base, error_base, major, minor, opcode;

  if (XShmQueryExtension (self->xdisplay))
    self->extensions |= PORTHOLE_X11_EXTENSION_SHM;
  if (XTestQueryExtension (self->xdisplay, &event_base, &error_base, &major, &minor))
    self->extensions |= PORTHOLE_X11_EXTENSION_XTEST;
  if (XFixesQueryExtension (self->xdisplay, &self->fixes_event_base, &error_base))
    {
      major = 5, minor = 0;
      XFixesQueryVersion (self->xdisplay, &major, &minor);
      self->extensions |= PORTHOLE_X11_EXTENSION_XFIXES;
    }
  if (XDamageQueryExtension (self->xdisplay, &self->damage_event_base, &error_base))
    {
      major = 1, minor = 1;
      XDamageQueryVersion (self->xdisplay, &major, &minor);
      self->extensions |= PORTHOLE_X11_EXTENSION_DAMAGE;
    }
  if (XQueryExtension (self->xdisplay, "RANDR", &opcode, &event_base, &error_base) &&
      XRRQueryExtension (self->xdisplay, &self->randr_event_base, &error_base) &&
      XRRQueryVersion (self->xdisplay, &major, &minor) &&
      (major > 1 || minor >= 2))
    {
      self->extensions |= PORTHOLE_X11_EXTENSION_RANDR;
      XRRSelectInput (self->xdisplay, self->root, RRScreenChangeNotifyMask);
    }
}

/**
 * porthole_x11_display_open:
 * @name: an X display name, e.g. ":1"
 * @log: where connection events are logged
 *
 * Returns: (transfer full): the connection, attached to the thread-default
 *   main context, or %NULL if the server does not answer
 */
PortholeX11Display *
porthole_x11_display_open (const char         *name,
                           PortholeLogBuffer  *log,
                           GError            **error)
{
  g_autoptr(PortholeX11Display) self = NULL;
  XSetWindowAttributes attributes = { .event_mask = PropertyChangeMask };
  Display *xdisplay;
  XlibSource *source;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (PORTHOLE_IS_LOG_BUFFER (log), NULL);

  if (!probe_local (name, error))
    return NULL;

  XSetErrorHandler (x_error_handler);
  XSetIOErrorHandler (x_io_error_handler);

  xdisplay = XOpenDisplay (name);
  if (xdisplay == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                   "Cannot open X display %s", name);
      return NULL;
    }

  self = g_object_new (PORTHOLE_TYPE_X11_DISPLAY, NULL);
  self->xdisplay = xdisplay;
  self->name = g_strdup (name);
  self->number = parse_display_number (name);
  self->log = g_object_ref (log);
  self->root = DefaultRootWindow (xdisplay);
  self->depth = DefaultDepth (xdisplay, DefaultScreen (xdisplay));
  self->context = g_main_context_ref_thread_default ();
  G_LOCK (open_displays);
  open_displays = g_list_prepend (open_displays, self);
  G_UNLOCK (open_displays);
  XSetIOErrorExitHandler (xdisplay, x_io_error_exit_handler, NULL);
  /* From the first round trip on. */
  if (name[0] == ':' && self->number >= 0)
    self->watch = porthole_x11_watch_new (self->number, ConnectionNumber (xdisplay));

  query_extensions (self);
  porthole_x11_display_refresh_size (self);

  /* A local server: the other end of the socket. */
  {
    struct ucred credentials;
    socklen_t length = sizeof credentials;

    if (getsockopt (ConnectionNumber (xdisplay), SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0)
      self->server_pid = credentials.pid;
  }

  /* Owns selections, receives property notifications and gives us
   * server timestamps. */
  self->helper = XCreateWindow (xdisplay, self->root, -10, -10, 1, 1, 0, 0, InputOnly,
                                CopyFromParent, CWEventMask, &attributes);

  source = (XlibSource *) g_source_new (&xlib_source_funcs, sizeof (XlibSource));
  source->display = self;
  source->tag = g_source_add_unix_fd ((GSource *) source, ConnectionNumber (xdisplay), G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_name ((GSource *) source, "[portholed] Xlib");
  g_source_set_can_recurse ((GSource *) source, TRUE);
  g_source_attach ((GSource *) source, self->context);
  self->source = (GSource *) source;

  XSync (xdisplay, False);
  porthole_log_buffer_append (log, "x11", "Connected to X display %s (%dx%d, depth %d)",
                              name, self->width, self->height, self->depth);

  return g_steal_pointer (&self);
}

/**
 * porthole_x11_display_close:
 *
 * Closes the connection (also done on dispose).
 */
void
porthole_x11_display_close (PortholeX11Display *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_DISPLAY (self));

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }

  if (self->xdisplay != NULL)
    {
      XCloseDisplay (self->xdisplay);
      self->xdisplay = NULL;
      G_LOCK (open_displays);
      open_displays = g_list_remove (open_displays, self);
      G_UNLOCK (open_displays);
    }
  /* After XCloseDisplay: its sync is a round trip too. */
  g_clear_pointer (&self->watch, porthole_x11_watch_free);

  self->closed = TRUE;
}

gboolean
porthole_x11_display_is_closed (PortholeX11Display *self)
{
  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (self), TRUE);

  return self->closed;
}

Display *
porthole_x11_display_get_xdisplay (PortholeX11Display *self)
{
  return self->xdisplay;
}

const char *
porthole_x11_display_get_name (PortholeX11Display *self)
{
  return self->name;
}

/**
 * porthole_x11_display_get_number:
 *
 * Returns: N of ":N", or -1
 */
int
porthole_x11_display_get_number (PortholeX11Display *self)
{
  return self->number;
}

Window
porthole_x11_display_get_root (PortholeX11Display *self)
{
  return self->root;
}

int
porthole_x11_display_get_depth (PortholeX11Display *self)
{
  return self->depth;
}

PortholeLogBuffer *
porthole_x11_display_get_log (PortholeX11Display *self)
{
  return self->log;
}

/**
 * porthole_x11_display_get_server_pid:
 *
 * Returns: the X server's pid when it runs on this machine, else 0
 */
int
porthole_x11_display_get_server_pid (PortholeX11Display *self)
{
  return self->server_pid;
}

void
porthole_x11_display_get_size (PortholeX11Display *self,
                               int                *width,
                               int                *height)
{
  *width = self->width;
  *height = self->height;
}

/**
 * porthole_x11_display_refresh_size:
 *
 * Reads the root window's size again (after a RandR change we made, the
 * notification may not have arrived yet).
 */
void
porthole_x11_display_refresh_size (PortholeX11Display *self)
{
  Window root;
  int x, y;
  unsigned int width, height, border, depth;

  if (self->closed)
    return;

  if (!XGetGeometry (self->xdisplay, self->root, &root, &x, &y, &width, &height, &border, &depth))
    return;

  if ((int) width != self->width || (int) height != self->height)
    {
      gboolean first = self->width == 0;

      self->width = width;
      self->height = height;
      if (!first)
        g_signal_emit (self, signals[SIZE_CHANGED], 0);
    }
}

gboolean
porthole_x11_display_has_extensions (PortholeX11Display    *self,
                                     PortholeX11Extensions  extensions)
{
  return (self->extensions & extensions) == extensions;
}

int
porthole_x11_display_get_event_base (PortholeX11Display    *self,
                                     PortholeX11Extensions  extension)
{
  switch (extension)
    {
    case PORTHOLE_X11_EXTENSION_DAMAGE:
      return self->damage_event_base;
    case PORTHOLE_X11_EXTENSION_XFIXES:
      return self->fixes_event_base;
    case PORTHOLE_X11_EXTENSION_RANDR:
      return self->randr_event_base;
    case PORTHOLE_X11_EXTENSION_SHM:
    case PORTHOLE_X11_EXTENSION_XTEST:
    default:
      g_return_val_if_reached (0);
    }
}

/**
 * porthole_x11_display_get_atom:
 *
 * Returns: the atom for @name, interned once per connection
 */
Atom
porthole_x11_display_get_atom (PortholeX11Display *self,
                               const char         *name)
{
  gpointer atom;

  if (g_hash_table_lookup_extended (self->atoms, name, NULL, &atom))
    return GPOINTER_TO_SIZE (atom);

  atom = GSIZE_TO_POINTER (XInternAtom (self->xdisplay, name, False));
  if (!self->closed)
    g_hash_table_insert (self->atoms, g_strdup (name), atom);

  return GPOINTER_TO_SIZE (atom);
}

/**
 * porthole_x11_display_get_helper_window:
 *
 * Returns: an unmapped InputOnly window of ours, selecting
 *   PropertyChangeMask (selection owner and requestor)
 */
Window
porthole_x11_display_get_helper_window (PortholeX11Display *self)
{
  return self->helper;
}

static Bool
is_timestamp_event (Display  *xdisplay,
                    XEvent   *event,
                    XPointer  arg)
{
  PortholeX11Display *self = (PortholeX11Display *) arg;

  return event->type == PropertyNotify &&
         event->xproperty.window == self->helper &&
         event->xproperty.atom == porthole_x11_display_get_atom (self, "_PORTHOLE_TIMESTAMP");
}

/**
 * porthole_x11_display_get_server_time:
 *
 * Returns: the server's current time, for requests that must not use
 *   CurrentTime (ICCCM §2.1: selection ownership)
 */
Time
porthole_x11_display_get_server_time (PortholeX11Display *self)
{
  Atom atom = porthole_x11_display_get_atom (self, "_PORTHOLE_TIMESTAMP");
  XEvent event;

  if (self->closed)
    return CurrentTime;

  /* A zero-length append changes nothing but makes a PropertyNotify with
   * the time. After XSync the event is in our queue, so this never
   * blocks (XIfEvent would spin forever on a dead connection). */
  XChangeProperty (self->xdisplay, self->helper, atom, XA_STRING, 8, PropModeAppend, NULL, 0);
  XSync (self->xdisplay, False);
  if (XCheckIfEvent (self->xdisplay, &event, is_timestamp_event, (XPointer) self))
    return event.xproperty.time;

  return CurrentTime;
}

/**
 * porthole_x11_display_add_filter:
 *
 * Returns: an id for porthole_x11_display_remove_filter()
 */
guint
porthole_x11_display_add_filter (PortholeX11Display     *self,
                                 PortholeX11EventFilter  func,
                                 gpointer                user_data)
{
  EventFilter filter = { ++self->last_filter_id, func, user_data };

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (self), 0);

  g_array_append_val (self->filters, filter);
  return filter.id;
}

void
porthole_x11_display_remove_filter (PortholeX11Display *self,
                                    guint               filter_id)
{
  g_return_if_fail (PORTHOLE_IS_X11_DISPLAY (self));

  for (guint i = 0; i < self->filters->len; i++)
    if (g_array_index (self->filters, EventFilter, i).id == filter_id)
      {
        g_array_remove_index (self->filters, i);
        return;
      }
}

void
porthole_x11_display_error_trap_push (PortholeX11Display *self)
{
  ErrorTrap *trap = g_new0 (ErrorTrap, 1);

  trap->start_serial = self->closed ? 0 : NextRequest (self->xdisplay);
  self->traps = g_slist_prepend (self->traps, trap);
}

/**
 * porthole_x11_display_error_trap_pop:
 *
 * Returns: the first error code of the requests since the matching push
 *   (a round trip collects them), 0 if none; a dead connection counts
 *   as BadImplementation
 */
int
porthole_x11_display_error_trap_pop (PortholeX11Display *self)
{
  ErrorTrap *trap;
  int code;

  g_return_val_if_fail (self->traps != NULL, 0);

  trap = self->traps->data;
  if (!self->closed)
    {
      trap->end_serial = NextRequest (self->xdisplay);
      if (LastKnownRequestProcessed (self->xdisplay) + 1 < trap->end_serial)
        XSync (self->xdisplay, False);
    }

  self->traps = g_slist_delete_link (self->traps, self->traps);
  code = trap->error_code;
  g_free (trap);

  if (self->closed && code == 0)
    code = BadImplementation;

  return code;
}

/* Syncs too, so late errors cannot land in an outer trap or the log. */
void
porthole_x11_display_error_trap_pop_ignored (PortholeX11Display *self)
{
  porthole_x11_display_error_trap_pop (self);
}

static void
select_root_events (PortholeX11Display *self)
{
  long mask = 0;

  for (guint bit = 0; bit < G_N_ELEMENTS (self->root_event_counts); bit++)
    if (self->root_event_counts[bit] > 0)
      mask |= 1L << bit;

  if (!self->closed)
    XSelectInput (self->xdisplay, self->root, mask);
}

/**
 * porthole_x11_display_add_root_events:
 * @event_mask: core event mask bits (SubstructureNotifyMask, ...)
 *
 * Selects @event_mask on the root window, on top of what others
 * selected: XSelectInput replaces a client's whole mask, so every part
 * of the daemon goes through here.
 */
void
porthole_x11_display_add_root_events (PortholeX11Display *self,
                                      long                event_mask)
{
  g_return_if_fail (PORTHOLE_IS_X11_DISPLAY (self));

  for (guint bit = 0; bit < G_N_ELEMENTS (self->root_event_counts); bit++)
    if (event_mask & (1L << bit))
      self->root_event_counts[bit]++;
  select_root_events (self);
}

void
porthole_x11_display_remove_root_events (PortholeX11Display *self,
                                         long                event_mask)
{
  g_return_if_fail (PORTHOLE_IS_X11_DISPLAY (self));

  for (guint bit = 0; bit < G_N_ELEMENTS (self->root_event_counts); bit++)
    if ((event_mask & (1L << bit)) && self->root_event_counts[bit] > 0)
      self->root_event_counts[bit]--;
  select_root_events (self);
}
