/* porthole-vnc-server.c
 *
 * The VNC server's X side and its doors; the RFB server itself is the
 * vnc plugin (porthole-vnc.h), loaded by the first start.
 *
 * Pixels: XDamage on the root (report-non-empty) says that something
 * changed. Nothing is copied until a viewer asks for an update; then
 * the damage is taken as a region (XDamageSubtract) and only its
 * rows are copied with XShm, by the X server straight into the plugin's
 * framebuffer (a shared memory segment), and its rectangles marked
 * there. An idle desktop, or viewers that do not ask, cost no
 * copying at all. RandR size changes give the plugin a new framebuffer
 * (DesktopSize / ExtendedDesktopSize); a viewer's SetDesktopSize goes
 * through porthole-x11-randr.c, within the X server's limits. The
 * cursor image comes from XFixes.
 *
 * Input from viewers goes through the same XTest and keymap code as the
 * keyboard and mouse routes (porthole-x11-input.c); clipboard text both
 * ways through porthole-x11-clipboard.c, and so into the history.
 *
 * Doors: the WebSocket bridge (GET /desktop/vnc/websockify, the token
 * checked before the upgrade) and the RFB TCP port 5900+display, bound
 * to loopback unless vnc-listen says otherwise and protected by a VNC
 * password (given, or random per start). Both hand a socketpair to the
 * plugin (porthole-vnc-viewer.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>

#include "porthole-defer.h"
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-desktop.h"
#include "porthole-error.h"
#include "porthole-plugin.h"
#include "porthole-vnc.h"
#include "porthole-vnc-server.h"
#include "porthole-vnc-viewer.h"
#include "porthole-x11-cursor.h"

#define RFB_BASE_PORT 5900
#define PASSWORD_LENGTH 8
/* More damage rectangles than this are copied as their bounding box. */
#define MAX_COPY_RECTS 64
/* While the plugin encodes, the framebuffer is busy: try again soon. */
#define RETRY_MS 2

struct _PortholeVncServer
{
  GObject parent_instance;

  PortholeDesktop *desktop;
  PortholeConfig *config;
  PortholeDaemon *daemon;

  const PortholeVncPlugin *plugin;
  PortholeVncBackend *backend;
  char *password;
  gboolean view_only;
  int port;
  GSocketService *service;
  GPtrArray *viewers;           /* PortholeVncViewer */
  guint n_viewers;
  /* For the viewers' queue limit: the largest framebuffer (bytes) and
   * the longest clipboard text sent since the start. */
  gsize largest_screen;
  gsize longest_cut_text;

  /* The X side, while running */
  PortholeX11Display *display;
  Damage damage;
  guint filter_id;
  gulong size_changed_id;
  gulong clipboard_id;
  gulong disconnected_id;
  int width;                    /* the framebuffer's, as last asked */
  int height;
  int filled_width;             /* the framebuffer's, as made */
  int filled_height;
  guint buttons;
  guint copy_id;
  gboolean dirty;
  gboolean wanted;
  gboolean whole;
};

G_DEFINE_FINAL_TYPE (PortholeVncServer, porthole_vnc_server, G_TYPE_OBJECT)

static Display *
get_xdisplay (PortholeVncServer *self)
{
  return porthole_x11_display_get_xdisplay (self->display);
}

static PortholeLogBuffer *
get_log (PortholeVncServer *self)
{
  return porthole_desktop_get_log (self->desktop);
}

/* Copying */

static void copy_damage (PortholeVncServer *self);

static gboolean
copy_cb (gpointer user_data)
{
  PortholeVncServer *self = user_data;

  self->copy_id = 0;
  copy_damage (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_copy (PortholeVncServer *self,
               guint              delay_ms)
{
  if (self->copy_id != 0)
    return;

  self->copy_id = delay_ms == 0 ? porthole_defer (copy_cb, self) : g_timeout_add (delay_ms, copy_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->copy_id), "[portholed] VNC copy");
}

/* The damage so far, taken: the next change notifies again. */
static GArray *
take_damage (PortholeVncServer *self)
{
  GArray *areas = g_array_new (FALSE, FALSE, sizeof (PortholeRect));
  Display *xdisplay = get_xdisplay (self);
  XserverRegion region;
  XRectangle *rects;
  int n_rects = 0;

  porthole_x11_display_error_trap_push (self->display);
  region = XFixesCreateRegion (xdisplay, NULL, 0);
  XDamageSubtract (xdisplay, self->damage, None, region);
  rects = XFixesFetchRegion (xdisplay, region, &n_rects);
  XFixesDestroyRegion (xdisplay, region);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (n_rects > MAX_COPY_RECTS)
    {
      int x1 = G_MAXINT, y1 = G_MAXINT, x2 = 0, y2 = 0;

      for (int i = 0; i < n_rects; i++)
        {
          x1 = MIN (x1, rects[i].x);
          y1 = MIN (y1, rects[i].y);
          x2 = MAX (x2, rects[i].x + rects[i].width);
          y2 = MAX (y2, rects[i].y + rects[i].height);
        }
      g_array_append_val (areas, ((PortholeRect) { x1, y1, x2 - x1, y2 - y1 }));
    }
  else
    for (int i = 0; i < n_rects; i++)
      g_array_append_val (areas, ((PortholeRect) { rects[i].x, rects[i].y, rects[i].width, rects[i].height }));

  if (rects != NULL)
    XFree (rects);
  return areas;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  return ((const PortholeRect *) a)->y - ((const PortholeRect *) b)->y;
}

/* Whole rows, straight into the framebuffer's shared memory: the damaged
 * areas widened to the screen's width and merged. FALSE: copy another
 * way. */
static gboolean
copy_rows (PortholeVncServer *self,
           PortholeX11Capture *capture,
           GArray            *areas,
           guint8            *framebuffer,
           int                shm_id)
{
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, FALSE, sizeof (PortholeRect), areas->len);
  int start = -1, end = -1;

  if (shm_id < 0)
    return FALSE;

  g_array_append_vals (rows, areas->data, areas->len);
  g_array_sort (rows, compare_rows);
  for (guint i = 0; i <= rows->len; i++)
    {
      PortholeRect *area = i < rows->len ? &g_array_index (rows, PortholeRect, i) : NULL;

      if (area != NULL && area->y <= end)
        {
          end = MAX (end, area->y + area->height);
          continue;
        }
      if (start >= 0 && !porthole_x11_capture_grab_rows_shared (capture, shm_id, framebuffer, start, end - start))
        return FALSE;
      if (area != NULL)
        {
          start = area->y;
          end = area->y + area->height;
        }
    }

  return TRUE;
}

static void
copy_damage (PortholeVncServer *self)
{
  PortholeX11Capture *capture = porthole_desktop_get_capture (self->desktop);
  g_autoptr(GArray) areas = NULL;
  g_autoptr(GArray) copied = NULL;
  int width, height, stride, shm_id;
  int screen_width, screen_height;
  guint8 *framebuffer;

  if (self->backend == NULL || !self->wanted || !(self->dirty || self->whole) || capture == NULL)
    return;

  porthole_x11_display_get_size (self->display, &screen_width, &screen_height);
  framebuffer = self->plugin->try_lock (self->backend, &width, &height, &stride, &shm_id);
  if (framebuffer == NULL)
    {
      schedule_copy (self, RETRY_MS);
      return;
    }
  /* A new size is on its way ("resized" copies everything). */
  if (width != screen_width || height != screen_height)
    {
      self->plugin->unlock (self->backend, NULL, 0);
      return;
    }

  areas = take_damage (self);
  if (self->whole)
    {
      g_array_set_size (areas, 0);
      g_array_append_val (areas, ((PortholeRect) { 0, 0, width, height }));
    }

  copied = g_array_new (FALSE, FALSE, sizeof (PortholeRect));
  for (guint i = 0; i < areas->len; i++)
    {
      PortholeRect area = g_array_index (areas, PortholeRect, i);

      if (porthole_x11_capture_clip (capture, &area))
        g_array_append_val (copied, area);
    }

  if (!copy_rows (self, capture, copied, framebuffer, shm_id))
    for (guint i = 0; i < copied->len; i++)
      {
        PortholeRect *area = &g_array_index (copied, PortholeRect, i);
        g_autoptr(GError) error = NULL;

        if (!porthole_x11_capture_grab_into (capture, area, framebuffer + (gsize) area->y * stride + area->x * 4,
                                             stride, &error))
          {
            porthole_log_buffer_append (get_log (self), "vnc", "Cannot copy the screen: %s", error->message);
            g_array_remove_index (copied, i--);
          }
      }
  self->plugin->unlock (self->backend, (PortholeRect *) copied->data, copied->len);

  self->dirty = FALSE;
  self->whole = FALSE;
  /* Asked again by the viewers' next requests. */
  if (copied->len > 0)
    self->wanted = FALSE;
}

/* X events */

static void
update_cursor (PortholeVncServer *self)
{
  g_autoptr(PortholeCursorImage) cursor = porthole_x11_cursor_grab (self->display);

  if (cursor != NULL)
    self->plugin->set_cursor (self->backend, cursor->width, cursor->height, cursor->xhot, cursor->yhot,
                              cursor->pixels);
}

static gboolean
event_filter (PortholeX11Display *display,
              XEvent             *event,
              gpointer            user_data)
{
  PortholeVncServer *self = user_data;
  int damage_base = porthole_x11_display_get_event_base (display, PORTHOLE_X11_EXTENSION_DAMAGE);
  int fixes_base = porthole_x11_display_get_event_base (display, PORTHOLE_X11_EXTENSION_XFIXES);

  if (event->type == damage_base + XDamageNotify &&
      ((XDamageNotifyEvent *) event)->damage == self->damage)
    {
      self->dirty = TRUE;
      if (self->wanted)
        schedule_copy (self, 0);
      return TRUE;
    }

  if (event->type == fixes_base + XFixesCursorNotify)
    {
      update_cursor (self);
      return FALSE;
    }

  return FALSE;
}

/* What may wait for a viewer that does not read before it is dropped
 * (porthole-vnc-viewer.c), so that it cannot hold up the others. A
 * viewer asks for an update once it has read the last one (libvncserver
 * has no continuous updates), and an update is at most a screen of
 * 32-bit pixels in any encoding, give or take a byte per tile: two
 * screens hold the update a slow viewer is reading and the next one,
 * with the cursor images and small messages between them. A clipboard
 * text goes to every viewer unasked, so the longest one is added. The
 * largest since the start, so that a shrinking screen does not drop a
 * viewer reading an update of the old size. */
static gsize
queue_limit (PortholeVncServer *self)
{
  return 2 * self->largest_screen + self->longest_cut_text;
}

static void
update_queue_limits (PortholeVncServer *self)
{
  for (guint i = 0; i < self->viewers->len; i++)
    porthole_vnc_viewer_set_max_queued (self->viewers->pdata[i], queue_limit (self));
}

static void
resize_framebuffer (PortholeVncServer *self,
                    int                width,
                    int                height)
{
  self->width = width;
  self->height = height;
  /* Before the first update of that size. */
  self->largest_screen = MAX (self->largest_screen, (gsize) width * height * 4);
  update_queue_limits (self);
  self->plugin->resize (self->backend, width, height);
}

static void
on_size_changed (PortholeVncServer *self)
{
  int width, height;

  porthole_x11_display_get_size (self->display, &width, &height);
  if (width != self->width || height != self->height)
    resize_framebuffer (self, width, height);
}

static void
on_clipboard_changed (PortholeVncServer *self,
                      const char        *text)
{
  /* A viewer is sent the text (or as many bytes of Latin-1), or less
   * compressed (extended clipboard). */
  self->longest_cut_text = MAX (self->longest_cut_text, strlen (text));
  update_queue_limits (self);
  self->plugin->set_cut_text (self->backend, text);
}

/* The plugin's callbacks, in the main context */

static void
viewer_pointer (gpointer user_data,
                int      x,
                int      y,
                guint    buttons)
{
  PortholeVncServer *self = user_data;
  PortholeX11Input *input = porthole_desktop_get_input (self->desktop);
  guint changed = buttons ^ self->buttons;

  if (input == NULL)
    return;

  porthole_x11_input_pointer_motion (input, x, y);
  /* RFB bit n is X button n + 1 (4 and 5: the wheel). */
  for (guint bit = 0; bit < 8; bit++)
    if (changed & (1u << bit))
      porthole_x11_input_pointer_button (input, bit + 1, (buttons & (1u << bit)) != 0);
  self->buttons = buttons;
}

static void
viewer_key (gpointer user_data,
            guint32  keysym,
            gboolean down)
{
  PortholeVncServer *self = user_data;
  PortholeX11Input *input = porthole_desktop_get_input (self->desktop);

  if (input != NULL && !porthole_x11_input_keysym (input, keysym, down))
    porthole_log_buffer_append (get_log (self), "vnc", "A viewer sent keysym 0x%x, which cannot be typed", keysym);
}

static void
viewer_cut_text (gpointer    user_data,
                 const char *text)
{
  PortholeVncServer *self = user_data;
  PortholeX11Clipboard *clipboard = porthole_desktop_get_clipboard (self->desktop);
  g_autoptr(GError) error = NULL;

  if (clipboard == NULL)
    return;

  if (!porthole_x11_clipboard_set_text (clipboard, PORTHOLE_SELECTION_CLIPBOARD, text, &error))
    {
      porthole_log_buffer_append (get_log (self), "vnc", "Clipboard from a viewer: %s", error->message);
      return;
    }
  porthole_clipboard_history_set_last_set (porthole_desktop_get_clipboard_history (self->desktop), text);
}

static void
viewer_set_size (gpointer user_data,
                 int      width,
                 int      height)
{
  PortholeVncServer *self = user_data;
  PortholeX11Randr *randr = porthole_desktop_get_randr (self->desktop);
  g_autoptr(GError) error = NULL;
  int new_width, new_height;

  if (randr != NULL && !porthole_x11_randr_set_size (randr, width, height, &error))
    porthole_log_buffer_append (get_log (self), "vnc", "A viewer asked for %dx%d: %s", width, height,
                                error->message);

  /* The viewer waits for a framebuffer, whatever the outcome. */
  porthole_x11_display_get_size (self->display, &new_width, &new_height);
  resize_framebuffer (self, new_width, new_height);
}

static void
viewer_want_frame (gpointer user_data)
{
  PortholeVncServer *self = user_data;

  self->wanted = TRUE;
  copy_damage (self);
}

static void
framebuffer_resized (gpointer user_data,
                     int      width,
                     int      height)
{
  PortholeVncServer *self = user_data;

  self->filled_width = width;
  self->filled_height = height;
  self->whole = TRUE;
  self->wanted = TRUE;
  copy_damage (self);
}

static void
viewer_changed (gpointer user_data,
                gboolean added)
{
  PortholeVncServer *self = user_data;

  if (added)
    {
      self->n_viewers++;
      porthole_daemon_activity_begin (self->daemon, PORTHOLE_ACTIVITY_VNC_CLIENTS);
      return;
    }

  g_return_if_fail (self->n_viewers > 0);
  self->n_viewers--;
  porthole_daemon_activity_end (self->daemon, PORTHOLE_ACTIVITY_VNC_CLIENTS);
  /* Nothing stays pressed once the last viewer left. */
  if (self->n_viewers == 0 && porthole_desktop_get_input (self->desktop) != NULL)
    {
      porthole_x11_input_release_all (porthole_desktop_get_input (self->desktop));
      self->buttons = 0;
    }
}

static const PortholeVncCallbacks callbacks = {
  .pointer = viewer_pointer,
  .key = viewer_key,
  .cut_text = viewer_cut_text,
  .set_size = viewer_set_size,
  .want_frame = viewer_want_frame,
  .resized = framebuffer_resized,
  .viewer_changed = viewer_changed,
};

/* Viewers */

static void
on_viewer_closed (PortholeVncViewer *viewer,
                  PortholeVncServer *self)
{
  if (porthole_vnc_viewer_get_drop_reason (viewer) != NULL)
    porthole_log_buffer_append (get_log (self), "vnc", "Viewer dropped: %s",
                                porthole_vnc_viewer_get_drop_reason (viewer));
  g_signal_handlers_disconnect_by_data (viewer, self);
  g_ptr_array_remove_fast (self->viewers, viewer);
}

static void
admit (PortholeVncServer *self,
       PortholeVncViewer *viewer,
       gboolean           needs_password)
{
  g_ptr_array_add (self->viewers, viewer);
  g_signal_connect (viewer, "closed", G_CALLBACK (on_viewer_closed), self);
  porthole_vnc_viewer_set_max_queued (viewer, queue_limit (self));

  if (!self->plugin->add_viewer (self->backend, porthole_vnc_viewer_steal_server_fd (viewer), needs_password))
    {
      porthole_log_buffer_append (get_log (self), "vnc", "Viewer refused: too many viewers");
      porthole_vnc_viewer_close (viewer, "too many VNC viewers");
    }
}

/**
 * porthole_vnc_server_add_websocket:
 * @channel: an authenticated WebSocket carrying RFB (the bridge)
 */
void
porthole_vnc_server_add_websocket (PortholeVncServer *self,
                                   PortholeWsChannel *channel)
{
  g_autoptr(GError) error = NULL;
  PortholeVncViewer *viewer;

  g_return_if_fail (PORTHOLE_IS_VNC_SERVER (self));

  porthole_ws_channel_set_binary (channel);
  if (self->backend == NULL)
    {
      porthole_ws_channel_close (channel, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR,
                                 "The VNC server is not running (POST /desktop/vnc/start)");
      return;
    }

  viewer = porthole_vnc_viewer_new_websocket (channel, &error);
  if (viewer == NULL)
    {
      porthole_log_buffer_append (get_log (self), "vnc", "Viewer refused: %s", error->message);
      porthole_ws_channel_close (channel, 1013, error->message);
      return;
    }

  admit (self, viewer, FALSE);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             PortholeVncServer *self)
{
  g_autoptr(GError) error = NULL;
  PortholeVncViewer *viewer;

  if (self->backend == NULL)
    return FALSE;

  viewer = porthole_vnc_viewer_new_socket (connection, &error);
  if (viewer == NULL)
    {
      porthole_log_buffer_append (get_log (self), "vnc", "Viewer refused: %s", error->message);
      return FALSE;
    }

  admit (self, viewer, self->password != NULL);
  return TRUE;
}

static gboolean
listen_on (PortholeVncServer  *self,
           const char         *host,
           GError            **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (address == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "vnc-listen: not an address: %s", host);
      return FALSE;
    }

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  /* "::" and "0.0.0.0" may both be listed. */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);

  socket_address = g_inet_socket_address_new (address, self->port);
  if (!g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error) ||
      !g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), socket, NULL, error))
    {
      g_prefix_error (error, "Cannot listen for VNC viewers on %s port %d: ", host, self->port);
      return FALSE;
    }

  return TRUE;
}

static gboolean
start_listening (PortholeVncServer  *self,
                 int                 display_number,
                 GError            **error)
{
  const char *setting = porthole_config_get_vnc_listen (self->config);
  g_auto(GStrv) hosts = NULL;

  self->port = -1;
  if (g_str_equal (setting, "none") || display_number < 0)
    return TRUE;

  self->port = RFB_BASE_PORT + display_number;
  self->service = g_socket_service_new ();
  /* Services start active; each socket added to an active one cancels
   * the accept under way and queues another, and a viewer that connects
   * in between was seen accepted and dropped (GLib 2.74). Add them all
   * first, then accept. */
  g_socket_service_stop (self->service);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);

  if (g_str_equal (setting, "loopback"))
    {
      g_autoptr(GError) ipv6_error = NULL;

      if (!listen_on (self, "127.0.0.1", error))
        return FALSE;
      /* Not every machine has IPv6. */
      if (!listen_on (self, "::1", &ipv6_error))
        g_debug ("%s", ipv6_error->message);
    }
  else
    {
      hosts = g_strsplit_set (setting, ",; ", -1);
      for (guint i = 0; hosts[i] != NULL; i++)
        if (*hosts[i] != '\0' && !listen_on (self, hosts[i], error))
          return FALSE;
    }

  g_socket_service_start (self->service);
  return TRUE;
}

static char *
make_password (void)
{
  static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  guint8 bytes[PASSWORD_LENGTH];
  char *password = g_new0 (char, PASSWORD_LENGTH + 1);
  gsize filled = 0;

  while (filled < sizeof bytes)
    {
      gssize n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0 && errno != EINTR)
        g_error ("getrandom() failed: %s", g_strerror (errno));
      if (n > 0)
        filled += n;
    }

  for (guint i = 0; i < PASSWORD_LENGTH; i++)
    password[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
  return password;
}

static void
on_desktop_disconnected (PortholeVncServer *self)
{
  if (self->backend != NULL)
    porthole_log_buffer_append (get_log (self), "vnc", "The X display went away: VNC server stopped");
  porthole_vnc_server_stop (self);
}

/**
 * porthole_vnc_server_start:
 * @daemon: for the viewer count (PORTHOLE_ACTIVITY_VNC_CLIENTS)
 * @password: (nullable): for the TCP port; random when %NULL
 *
 * Loads the plugin, starts the server on the connected desktop and
 * opens its doors. Does nothing if it runs already.
 */
gboolean
porthole_vnc_server_start (PortholeVncServer  *self,
                           PortholeDaemon     *daemon,
                           const char         *password,
                           gboolean            view_only,
                           GError            **error)
{
  PortholeVncOptions options = { 0 };
  PortholeX11Display *display;
  Display *xdisplay;
  g_autofree char *name = NULL;
  int min_width, min_height;

  g_return_val_if_fail (PORTHOLE_IS_VNC_SERVER (self), FALSE);

  if (self->backend != NULL)
    return TRUE;

  if (!porthole_desktop_ensure (self->desktop, error))
    return FALSE;
  self->plugin = porthole_plugin_load (PORTHOLE_PLUGIN_VNC, error);
  if (self->plugin == NULL)
    return FALSE;

  display = porthole_desktop_get_display (self->desktop);
  if (!porthole_x11_display_has_extensions (display, PORTHOLE_X11_EXTENSION_DAMAGE |
                                                     PORTHOLE_X11_EXTENSION_XFIXES))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "The X server %s lacks DAMAGE or XFIXES", porthole_x11_display_get_name (display));
      return FALSE;
    }

  self->daemon = daemon;
  self->display = g_object_ref (display);
  xdisplay = get_xdisplay (self);
  self->view_only = view_only;
  g_clear_pointer (&self->password, g_free);
  if (!g_str_equal (porthole_config_get_vnc_listen (self->config), "none"))
    self->password = password != NULL && *password != '\0' ? g_strdup (password) : make_password ();

  if (!start_listening (self, porthole_x11_display_get_number (display), error))
    {
      porthole_vnc_server_stop (self);
      return FALSE;
    }

  porthole_x11_display_get_size (display, &self->width, &self->height);
  self->largest_screen = (gsize) self->width * self->height * 4;
  self->longest_cut_text = 0;
  options.width = self->width;
  options.height = self->height;
  options.max_width = self->width;
  options.max_height = self->height;
  if (porthole_x11_display_has_extensions (display, PORTHOLE_X11_EXTENSION_RANDR))
    XRRGetScreenSizeRange (xdisplay, porthole_x11_display_get_root (display),
                           &min_width, &min_height, &options.max_width, &options.max_height);
  name = g_strdup_printf ("portholed %s", porthole_x11_display_get_name (display));
  options.desktop_name = name;
  options.password = self->password;
  options.view_only = view_only;
  options.max_viewers = porthole_config_get_vnc_max_viewers (self->config);

  self->backend = self->plugin->backend_new (&options, &callbacks, self, error);
  if (self->backend == NULL)
    {
      porthole_vnc_server_stop (self);
      return FALSE;
    }
  self->filled_width = self->width;
  self->filled_height = self->height;

  self->damage = XDamageCreate (xdisplay, porthole_x11_display_get_root (display), XDamageReportNonEmpty);
  XFixesSelectCursorInput (xdisplay, porthole_x11_display_get_root (display), XFixesDisplayCursorNotifyMask);
  self->filter_id = porthole_x11_display_add_filter (display, event_filter, self);
  self->size_changed_id = g_signal_connect_swapped (display, "size-changed", G_CALLBACK (on_size_changed), self);
  self->clipboard_id = g_signal_connect_swapped (porthole_desktop_get_clipboard (self->desktop), "changed",
                                                 G_CALLBACK (on_clipboard_changed), self);
  self->disconnected_id = g_signal_connect_swapped (self->desktop, "disconnected",
                                                    G_CALLBACK (on_desktop_disconnected), self);
  self->whole = TRUE;
  update_cursor (self);

  porthole_log_buffer_append (get_log (self), "vnc", "VNC server started on %s (%dx%d%s%s)",
                              porthole_x11_display_get_name (display), self->width, self->height,
                              self->port > 0 ? ", TCP port " : "",
                              self->port > 0 ? porthole_config_get_vnc_listen (self->config) : "");
  return TRUE;
}

/**
 * porthole_vnc_server_stop:
 *
 * Disconnects every viewer and closes the doors. Stopping a stopped
 * server does nothing.
 */
void
porthole_vnc_server_stop (PortholeVncServer *self)
{
  g_autoptr(GPtrArray) viewers = NULL;
  gboolean was_running;

  g_return_if_fail (PORTHOLE_IS_VNC_SERVER (self));

  was_running = self->backend != NULL;
  g_clear_handle_id (&self->copy_id, g_source_remove);

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_clear_object (&self->service);
    }

  /* The thread ends with every viewer's socket closed. */
  if (self->backend != NULL)
    g_clear_pointer (&self->backend, self->plugin->backend_free);
  viewers = g_steal_pointer (&self->viewers);
  self->viewers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < viewers->len; i++)
    {
      g_signal_handlers_disconnect_by_data (viewers->pdata[i], self);
      porthole_vnc_viewer_close (viewers->pdata[i], NULL);
    }
  for (; self->n_viewers > 0; self->n_viewers--)
    porthole_daemon_activity_end (self->daemon, PORTHOLE_ACTIVITY_VNC_CLIENTS);

  if (self->display != NULL)
    {
      if (!porthole_x11_display_is_closed (self->display))
        {
          Display *xdisplay = get_xdisplay (self);

          porthole_x11_display_error_trap_push (self->display);
          if (self->damage != None)
            XDamageDestroy (xdisplay, self->damage);
          XFixesSelectCursorInput (xdisplay, porthole_x11_display_get_root (self->display), 0);
          porthole_x11_display_error_trap_pop_ignored (self->display);
          /* What the viewers held, and what they sent that still waits
           * for a keycode (porthole-x11-input.c). */
          if (porthole_desktop_get_input (self->desktop) != NULL)
            porthole_x11_input_release_all (porthole_desktop_get_input (self->desktop));
        }
      if (self->filter_id != 0)
        porthole_x11_display_remove_filter (self->display, self->filter_id);
      g_clear_signal_handler (&self->size_changed_id, self->display);
      g_clear_object (&self->display);
    }
  if (self->clipboard_id != 0)
    {
      PortholeX11Clipboard *clipboard = porthole_desktop_get_clipboard (self->desktop);

      /* The clipboard object goes with the connection. */
      if (clipboard != NULL)
        g_clear_signal_handler (&self->clipboard_id, clipboard);
      self->clipboard_id = 0;
    }
  g_clear_signal_handler (&self->disconnected_id, self->desktop);
  self->damage = None;
  self->filter_id = 0;
  self->buttons = 0;
  self->dirty = self->wanted = self->whole = FALSE;
  self->port = -1;

  if (was_running)
    porthole_log_buffer_append (get_log (self), "vnc", "VNC server stopped");
}

gboolean
porthole_vnc_server_is_running (PortholeVncServer *self)
{
  return self->backend != NULL;
}

/**
 * porthole_vnc_server_get_port:
 *
 * Returns: the RFB TCP port, -1 when there is none
 */
int
porthole_vnc_server_get_port (PortholeVncServer *self)
{
  return self->port;
}

/**
 * porthole_vnc_server_get_password:
 *
 * Returns: (nullable): the TCP port's VNC password
 */
const char *
porthole_vnc_server_get_password (PortholeVncServer *self)
{
  return self->backend != NULL ? self->password : NULL;
}

gboolean
porthole_vnc_server_get_view_only (PortholeVncServer *self)
{
  return self->view_only;
}

guint
porthole_vnc_server_get_n_viewers (PortholeVncServer *self)
{
  return self->n_viewers;
}

static void
porthole_vnc_server_dispose (GObject *object)
{
  PortholeVncServer *self = (PortholeVncServer *)object;

  if (self->desktop != NULL)
    porthole_vnc_server_stop (self);
  self->desktop = NULL;

  G_OBJECT_CLASS (porthole_vnc_server_parent_class)->dispose (object);
}

static void
porthole_vnc_server_finalize (GObject *object)
{
  PortholeVncServer *self = (PortholeVncServer *)object;

  g_clear_pointer (&self->viewers, g_ptr_array_unref);
  g_clear_object (&self->config);
  g_free (self->password);

  G_OBJECT_CLASS (porthole_vnc_server_parent_class)->finalize (object);
}

static void
porthole_vnc_server_class_init (PortholeVncServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_vnc_server_dispose;
  object_class->finalize = porthole_vnc_server_finalize;
}

static void
porthole_vnc_server_init (PortholeVncServer *self)
{
  self->viewers = g_ptr_array_new_with_free_func (g_object_unref);
  self->port = -1;
}

/**
 * porthole_vnc_server_new:
 * @desktop: (transfer none): the desktop, which owns the server
 *
 * Cheap: nothing is loaded or started until porthole_vnc_server_start().
 */
PortholeVncServer *
porthole_vnc_server_new (PortholeDesktop *desktop,
                         PortholeConfig  *config)
{
  PortholeVncServer *self = g_object_new (PORTHOLE_TYPE_VNC_SERVER, NULL);

  self->desktop = desktop;
  self->config = g_object_ref (config);

  return self;
}
