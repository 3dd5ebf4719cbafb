/* porthole-vnc-session.c
 *
 * libgvnc (gtk-vnc's GTK-free core; its GTK 3 widget is not used) runs
 * the RFB protocol in coroutines on the main loop, reading and writing
 * one end of a PortholeVncBridge. The tunnel is authenticated already
 * (the WebSocket handshake carried the token), so the RFB security type
 * is None.
 *
 * gvnc writes every rectangle straight into the framebuffer's memory
 * and damages it; the first damage after a frame asks the widget's
 * frame clock for a tick, and the tick shows everything damaged so far
 * as one texture. Meanwhile the next incremental update is already
 * asked for (once gvnc has handled what it read), so decoding and
 * drawing overlap. A view that is not drawn (hidden, minimised) asks
 * for nothing more, and the server sends nothing more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gvnc.h>
#include <unistd.h>

#include "porthole-client-desktop.h"
#include "porthole-error.h"
#include "porthole-vnc-bridge.h"
#include "porthole-util.h"
#include "porthole-vnc-session.h"

struct _PortholeVncSession
{
  GObject parent_instance;

  PortholeFramebuffer *framebuffer;
  GtkWidget *frame_widget;
  guint tick_id;

  PortholeVncBridge *bridge;
  VncConnection *connection;
  VncBaseFramebuffer *vnc_framebuffer;
  GTask *open_task;
  char *error_message;

  gboolean initialized;
  /* The next incremental request, sent once gvnc is done with what it
   * read (one request per update, not per rectangle). */
  guint request_id;
  /* Updates stopped while the view was not drawn. */
  gboolean starved;
};

enum {
  DISCONNECTED,
  CURSOR_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeVncSession, porthole_vnc_session, G_TYPE_OBJECT)

/* B,G,R,X in memory on little-endian machines: what GDK_MEMORY_B8G8R8A8
 * reads once the X byte is forced to 0xff. */
static const VncPixelFormat local_format = {
  .bits_per_pixel = 32,
  .depth = 24,
  .byte_order = G_BYTE_ORDER,
  .true_color_flag = 1,
  .red_max = 255,
  .green_max = 255,
  .blue_max = 255,
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  .red_shift = 16,
  .green_shift = 8,
  .blue_shift = 0,
#else
  .red_shift = 8,
  .green_shift = 16,
  .blue_shift = 24,
#endif
};

static void on_frame_widget_map (PortholeVncSession *self);

static void
remove_tick (PortholeVncSession *self)
{
  if (self->tick_id != 0 && self->frame_widget != NULL)
    gtk_widget_remove_tick_callback (self->frame_widget, self->tick_id);
  self->tick_id = 0;
  g_clear_handle_id (&self->request_id, g_source_remove);
}

static void
porthole_vnc_session_dispose (GObject *object)
{
  PortholeVncSession *self = (PortholeVncSession *)object;

  porthole_vnc_session_close (self);
  remove_tick (self);
  g_clear_weak_pointer (&self->frame_widget);

  G_OBJECT_CLASS (porthole_vnc_session_parent_class)->dispose (object);
}

static void
porthole_vnc_session_finalize (GObject *object)
{
  PortholeVncSession *self = (PortholeVncSession *)object;

  g_clear_object (&self->framebuffer);
  g_free (self->error_message);

  G_OBJECT_CLASS (porthole_vnc_session_parent_class)->finalize (object);
}

static void
porthole_vnc_session_class_init (PortholeVncSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_vnc_session_dispose;
  object_class->finalize = porthole_vnc_session_finalize;

  /**
   * PortholeVncSession::disconnected:
   * @message: (nullable): why, when known
   *
   * An open session ended (the daemon went away, or the server closed).
   */
  signals[DISCONNECTED] =
    g_signal_new ("disconnected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PortholeVncSession::cursor-changed:
   * @cursor: (nullable): the remote cursor's shape
   */
  signals[CURSOR_CHANGED] =
    g_signal_new ("cursor-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, GDK_TYPE_CURSOR);
}

static void
porthole_vnc_session_init (PortholeVncSession *self)
{
}

/**
 * porthole_vnc_session_new:
 * @frame_widget: the widget showing @framebuffer: its frame clock paces
 *   the updates
 */
PortholeVncSession *
porthole_vnc_session_new (PortholeFramebuffer *framebuffer,
                          GtkWidget           *frame_widget)
{
  PortholeVncSession *self;

  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (framebuffer), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (frame_widget), NULL);

  self = g_object_new (PORTHOLE_TYPE_VNC_SESSION, NULL);
  self->framebuffer = g_object_ref (framebuffer);
  g_set_weak_pointer (&self->frame_widget, frame_widget);
  g_signal_connect_object (frame_widget, "map", G_CALLBACK (on_frame_widget_map), self, G_CONNECT_SWAPPED);

  return self;
}

static void
request_update (PortholeVncSession *self,
                gboolean            incremental)
{
  if (self->connection == NULL || !self->initialized)
    return;

  vnc_connection_framebuffer_update_request (self->connection, incremental, 0, 0,
                                             vnc_connection_get_width (self->connection),
                                             vnc_connection_get_height (self->connection));
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  PortholeVncSession *self = user_data;

  self->tick_id = 0;
  porthole_framebuffer_flush (self->framebuffer);

  return G_SOURCE_REMOVE;
}

static gboolean
on_request_idle (gpointer user_data)
{
  PortholeVncSession *self = user_data;

  self->request_id = 0;
  if (self->frame_widget != NULL && gtk_widget_get_mapped (self->frame_widget))
    request_update (self, TRUE);
  else
    self->starved = TRUE;

  return G_SOURCE_REMOVE;
}

/* The view is drawn again: ask for what changed meanwhile. */
static void
on_frame_widget_map (PortholeVncSession *self)
{
  if (self->starved)
    {
      self->starved = FALSE;
      request_update (self, TRUE);
    }
}

static void
schedule_frame (PortholeVncSession *self)
{
  if (self->tick_id == 0 && self->frame_widget != NULL)
    self->tick_id = gtk_widget_add_tick_callback (self->frame_widget, on_tick, self, NULL);
}

static void
finish_open (PortholeVncSession *self,
             GError             *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->open_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* (Re)binds gvnc to a framebuffer of the connection's size. */
static void
setup_framebuffer (PortholeVncSession *self)
{
  int width = vnc_connection_get_width (self->connection);
  int height = vnc_connection_get_height (self->connection);

  porthole_framebuffer_resize (self->framebuffer, width, height);
  g_clear_object (&self->vnc_framebuffer);
  self->vnc_framebuffer = vnc_base_framebuffer_new (porthole_framebuffer_get_data (self->framebuffer),
                                                    width, height,
                                                    porthole_framebuffer_get_stride (self->framebuffer),
                                                    &local_format,
                                                    vnc_connection_get_pixel_format (self->connection));
  vnc_connection_set_framebuffer (self->connection, VNC_FRAMEBUFFER (self->vnc_framebuffer));
}

static void
on_vnc_initialized (VncConnection      *connection,
                    PortholeVncSession *self)
{
  /* Lossless encodings only: the inspector compares pixels, and people
   * read text on the screen. Tight (zlib) first: the fewest bytes over
   * a remote link, and in bench/inspector as cheap to decode here as
   * ZRLE (gvnc decodes both pixel by pixel; RAW costs as much CPU in
   * the end and ten times the bytes). */
  gint32 encodings[] = {
    VNC_CONNECTION_ENCODING_TIGHT,
    VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_WMVi,
    VNC_CONNECTION_ENCODING_RICH_CURSOR,
    VNC_CONNECTION_ENCODING_XCURSOR,
    VNC_CONNECTION_ENCODING_LAST_RECT,
    VNC_CONNECTION_ENCODING_ZRLE,
    VNC_CONNECTION_ENCODING_HEXTILE,
    VNC_CONNECTION_ENCODING_COPY_RECT,
    VNC_CONNECTION_ENCODING_RAW,
  };

  g_debug ("VNC: initialized, %dx%d, \"%s\"",
           vnc_connection_get_width (connection), vnc_connection_get_height (connection),
           vnc_connection_get_name (connection));

  if (!vnc_connection_set_pixel_format (connection, &local_format) ||
      !vnc_connection_set_encodings (connection, G_N_ELEMENTS (encodings), encodings))
    {
      vnc_connection_shutdown (connection);
      return;
    }

  self->initialized = TRUE;
  setup_framebuffer (self);
  request_update (self, FALSE);
  finish_open (self, NULL);
}

static void
on_vnc_pixel_format_changed (VncConnection      *connection,
                             VncPixelFormat     *format,
                             PortholeVncSession *self)
{
  if (self->initialized)
    setup_framebuffer (self);
}

static void
on_vnc_framebuffer_update (VncConnection      *connection,
                           guint16             x,
                           guint16             y,
                           guint16             width,
                           guint16             height,
                           PortholeVncSession *self)
{
  porthole_framebuffer_damage (self->framebuffer, x, y, width, height);
  schedule_frame (self);

  /* Decoding and showing overlap: the next update is on its way while
   * this one is shown (the tick only shows; it coalesces whatever
   * arrived). A view that is not drawn asks for nothing more, and the
   * server sends nothing more. */
  if (self->request_id == 0)
    self->request_id = g_idle_add (on_request_idle, self);
}

static void
on_vnc_desktop_resize (VncConnection      *connection,
                       guint16             width,
                       guint16             height,
                       PortholeVncSession *self)
{
  g_debug ("VNC: desktop resized to %ux%u", width, height);
  setup_framebuffer (self);
  schedule_frame (self);
  request_update (self, FALSE);
}

static void
on_vnc_cursor_changed (VncConnection      *connection,
                       VncCursor          *cursor,
                       PortholeVncSession *self)
{
  g_autoptr(GdkCursor) gdk_cursor = NULL;

  if (cursor != NULL && vnc_cursor_get_width (cursor) > 0 && vnc_cursor_get_height (cursor) > 0)
    {
      int width = vnc_cursor_get_width (cursor);
      int height = vnc_cursor_get_height (cursor);
      g_autoptr(GBytes) bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize) width * height * 4);
      g_autoptr(GdkTexture) texture = NULL;

      /* gvnc hands out R,G,B,A, not premultiplied. */
      texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, width * 4);
      gdk_cursor = gdk_cursor_new_from_texture (texture, vnc_cursor_get_hotx (cursor),
                                                vnc_cursor_get_hoty (cursor), NULL);
    }

  g_signal_emit (self, signals[CURSOR_CHANGED], 0, gdk_cursor);
}

static void
on_vnc_auth_choose_type (VncConnection      *connection,
                         GValueArray        *types,
                         PortholeVncSession *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; i < types->n_values; i++)
    {
      GValue *value = g_value_array_get_nth (types, i);
      guint type = G_VALUE_HOLDS_ENUM (value) ? (guint) g_value_get_enum (value) : g_value_get_uint (value);

      if (type == VNC_CONNECTION_AUTH_NONE)
        {
          vnc_connection_set_auth_type (connection, VNC_CONNECTION_AUTH_NONE);
          return;
        }
    }
  G_GNUC_END_IGNORE_DEPRECATIONS

  porthole_set_str (&self->error_message, _("The VNC server asks for a password inside the authenticated tunnel"));
  vnc_connection_shutdown (connection);
}

static void
on_vnc_auth_failure (VncConnection      *connection,
                     const char         *reason,
                     PortholeVncSession *self)
{
  g_free (self->error_message);
  self->error_message = g_strdup_printf (_("The VNC server refused the session: %s"), reason ? reason : "");
}

static void
on_vnc_error (VncConnection      *connection,
              const char         *message,
              PortholeVncSession *self)
{
  g_debug ("VNC: %s", message);
  if (self->error_message == NULL)
    self->error_message = g_strdup (message);
}

static void
on_vnc_disconnected (VncConnection      *connection,
                     PortholeVncSession *self)
{
  g_autofree char *message = g_steal_pointer (&self->error_message);
  gboolean was_open = self->initialized;

  g_debug ("VNC: disconnected (%s)", message ? message : "no reason");

  porthole_vnc_session_close (self);

  if (self->open_task != NULL)
    finish_open (self, g_error_new (PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL, "%s",
                                    message ? message : _("The VNC session ended before it started")));
  else if (was_open)
    g_signal_emit (self, signals[DISCONNECTED], 0, message);
}

static void
open_vnc_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortholeVncSession) self = user_data;
  g_autoptr(SoupWebsocketConnection) websocket = NULL;
  GError *error = NULL;
  int fd;

  websocket = porthole_client_open_vnc_finish (PORTHOLE_CLIENT (object), result, &error);
  if (websocket == NULL)
    {
      finish_open (self, error);
      return;
    }

  /* Closed or cancelled while the handshake ran. */
  if (self->open_task == NULL || g_task_return_error_if_cancelled (self->open_task))
    {
      g_clear_object (&self->open_task);
      soup_websocket_connection_close (websocket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return;
    }

  self->bridge = porthole_vnc_bridge_new (websocket, &error);
  if (self->bridge == NULL)
    {
      finish_open (self, error);
      return;
    }

  self->connection = vnc_connection_new ();
  g_signal_connect (self->connection, "vnc-initialized", G_CALLBACK (on_vnc_initialized), self);
  g_signal_connect (self->connection, "vnc-pixel-format-changed", G_CALLBACK (on_vnc_pixel_format_changed), self);
  g_signal_connect (self->connection, "vnc-framebuffer-update", G_CALLBACK (on_vnc_framebuffer_update), self);
  g_signal_connect (self->connection, "vnc-desktop-resize", G_CALLBACK (on_vnc_desktop_resize), self);
  g_signal_connect (self->connection, "vnc-cursor-changed", G_CALLBACK (on_vnc_cursor_changed), self);
  g_signal_connect (self->connection, "vnc-auth-choose-type", G_CALLBACK (on_vnc_auth_choose_type), self);
  g_signal_connect (self->connection, "vnc-auth-failure", G_CALLBACK (on_vnc_auth_failure), self);
  g_signal_connect (self->connection, "vnc-error", G_CALLBACK (on_vnc_error), self);
  g_signal_connect (self->connection, "vnc-disconnected", G_CALLBACK (on_vnc_disconnected), self);

  /* Other viewers (a browser's noVNC, another inspector) stay connected. */
  vnc_connection_set_shared (self->connection, TRUE);

  fd = porthole_vnc_bridge_steal_peer_fd (self->bridge);
  if (!vnc_connection_open_fd (self->connection, fd))
    {
      close (fd);
      finish_open (self, g_error_new_literal (PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL,
                                              _("The VNC session could not start")));
      porthole_vnc_session_close (self);
    }
}

static void
start_vnc_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PortholeVncSession) self = user_data;
  PortholeClient *client = PORTHOLE_CLIENT (object);
  GError *error = NULL;

  if (!porthole_client_start_vnc_finish (client, result, &error))
    {
      finish_open (self, error);
      return;
    }

  if (self->open_task == NULL)
    return;

  porthole_client_open_vnc_async (client, g_task_get_cancellable (self->open_task),
                                  open_vnc_cb, g_object_ref (self));
}

static void
on_cancelled (GCancellable       *cancellable,
              PortholeVncSession *self)
{
  porthole_vnc_session_close (self);
}

/**
 * porthole_vnc_session_open_async:
 *
 * Starts the daemon's VNC server if it is not running, opens its
 * WebSocket and runs RFB over it until the first framebuffer is set up.
 * Fails with the client's error when the daemon has no VNC server
 * (%PORTHOLE_ERROR_NOT_FOUND, _NOT_IMPLEMENTED, _DESKTOP_NOT_AVAILABLE).
 */
void
porthole_vnc_session_open_async (PortholeVncSession  *self,
                                 PortholeClient      *client,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (PORTHOLE_IS_VNC_SESSION (self));
  g_return_if_fail (PORTHOLE_IS_CLIENT (client));
  g_return_if_fail (self->open_task == NULL && self->connection == NULL);

  self->open_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->open_task, porthole_vnc_session_open_async);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_cancelled), self, 0);

  /* The bridge serves a running server only; starting is idempotent. */
  porthole_client_start_vnc_async (client, cancellable, start_vnc_cb, g_object_ref (self));
}

gboolean
porthole_vnc_session_open_finish (PortholeVncSession  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
unref_later (gpointer object)
{
  g_object_unref (object);

  return G_SOURCE_REMOVE;
}

/**
 * porthole_vnc_session_close:
 *
 * Ends the session; "disconnected" is not emitted for it.
 */
void
porthole_vnc_session_close (PortholeVncSession *self)
{
  g_return_if_fail (PORTHOLE_IS_VNC_SESSION (self));

  remove_tick (self);
  self->initialized = FALSE;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      vnc_connection_shutdown (self->connection);
      /* This may run inside one of the connection's own signals: let go
       * of it once that is over. */
      g_idle_add (unref_later, g_steal_pointer (&self->connection));
    }
  g_clear_object (&self->vnc_framebuffer);
  if (self->bridge != NULL)
    {
      porthole_vnc_bridge_close (self->bridge);
      g_clear_object (&self->bridge);
    }

  if (self->open_task != NULL)
    finish_open (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Closed"));
}

gboolean
porthole_vnc_session_is_open (PortholeVncSession *self)
{
  g_return_val_if_fail (PORTHOLE_IS_VNC_SESSION (self), FALSE);

  return self->initialized;
}

/**
 * porthole_vnc_session_pointer:
 * @x: remote screen coordinate
 * @y: remote screen coordinate
 * @button_mask: PORTHOLE_VNC_BUTTON_* held
 */
void
porthole_vnc_session_pointer (PortholeVncSession *self,
                              int                 x,
                              int                 y,
                              guint8              button_mask)
{
  g_return_if_fail (PORTHOLE_IS_VNC_SESSION (self));

  if (!self->initialized)
    return;

  x = CLAMP (x, 0, vnc_connection_get_width (self->connection) - 1);
  y = CLAMP (y, 0, vnc_connection_get_height (self->connection) - 1);
  vnc_connection_pointer_event (self->connection, button_mask, x, y);
}

/**
 * porthole_vnc_session_key:
 * @keysym: an X keysym (GDK keyvals are keysyms)
 */
void
porthole_vnc_session_key (PortholeVncSession *self,
                          gboolean            down,
                          guint               keysym)
{
  g_return_if_fail (PORTHOLE_IS_VNC_SESSION (self));

  if (!self->initialized)
    return;

  vnc_connection_key_event (self->connection, down, keysym, 0);
}

/**
 * porthole_vnc_session_get_bytes_in:
 *
 * Returns: RFB bytes received so far in this session
 */
guint64
porthole_vnc_session_get_bytes_in (PortholeVncSession *self)
{
  g_return_val_if_fail (PORTHOLE_IS_VNC_SESSION (self), 0);

  return self->bridge ? porthole_vnc_bridge_get_bytes_in (self->bridge) : 0;
}
