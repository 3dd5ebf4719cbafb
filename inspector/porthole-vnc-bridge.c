/* porthole-vnc-bridge.c
 *
 * gvnc speaks RFB on a file descriptor; the daemon carries RFB in the
 * binary frames of an authenticated WebSocket. The bridge makes a
 * socketpair, gives one end to gvnc and copies between the other end
 * and the WebSocket, on the main loop both already run on:
 *
 *   WebSocket "message" (binary) ──► queue ──► our end ──► gvnc
 *   gvnc ──► our end (readable) ──► one binary frame per read
 *
 * Writes to our end never block: what the socket cannot take waits in
 * the queue until it is writable again. Either side closing closes the
 * other, and "closed" is emitted once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-vnc-bridge.h"

#define READ_CHUNK (64 * 1024)
/* Room for a burst of framebuffer updates while gvnc is busy decoding. */
#define SOCKET_BUFFER (1024 * 1024)

struct _PortholeVncBridge
{
  GObject parent_instance;

  SoupWebsocketConnection *websocket;
  GSocket *socket;
  int peer_fd;

  GSource *read_source;
  GSource *write_source;
  GQueue pending;
  gsize pending_offset;

  guint64 bytes_in;
  guint64 bytes_out;
  gboolean closed;
};

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeVncBridge, porthole_vnc_bridge, G_TYPE_OBJECT)

static void
porthole_vnc_bridge_dispose (GObject *object)
{
  PortholeVncBridge *self = (PortholeVncBridge *)object;

  porthole_vnc_bridge_close (self);

  G_OBJECT_CLASS (porthole_vnc_bridge_parent_class)->dispose (object);
}

static void
porthole_vnc_bridge_finalize (GObject *object)
{
  PortholeVncBridge *self = (PortholeVncBridge *)object;

  if (self->peer_fd >= 0)
    close (self->peer_fd);
  g_queue_clear_full (&self->pending, (GDestroyNotify) g_bytes_unref);
  g_clear_object (&self->socket);
  g_clear_object (&self->websocket);

  G_OBJECT_CLASS (porthole_vnc_bridge_parent_class)->finalize (object);
}

static void
porthole_vnc_bridge_class_init (PortholeVncBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_vnc_bridge_dispose;
  object_class->finalize = porthole_vnc_bridge_finalize;

  /**
   * PortholeVncBridge::closed:
   *
   * One side went away; the other is closed too.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_vnc_bridge_init (PortholeVncBridge *self)
{
  self->peer_fd = -1;
  g_queue_init (&self->pending);
}

static gboolean on_writable (GSocket      *socket,
                             GIOCondition  condition,
                             gpointer      user_data);

/* Writes what is queued; returns FALSE when the socket failed. */
static gboolean
flush_pending (PortholeVncBridge *self)
{
  GBytes *bytes;

  while ((bytes = g_queue_peek_head (&self->pending)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);
      gssize n;

      n = g_socket_send (self->socket, (const char *) data + self->pending_offset,
                         size - self->pending_offset, NULL, &error);
      if (n < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return FALSE;

          if (self->write_source == NULL)
            {
              self->write_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);
              g_source_set_callback (self->write_source, G_SOURCE_FUNC (on_writable), self, NULL);
              g_source_attach (self->write_source, NULL);
            }
          return TRUE;
        }

      self->pending_offset += n;
      if (self->pending_offset == size)
        {
          g_bytes_unref (g_queue_pop_head (&self->pending));
          self->pending_offset = 0;
        }
    }

  if (self->write_source != NULL)
    {
      g_source_destroy (self->write_source);
      g_clear_pointer (&self->write_source, g_source_unref);
    }

  return TRUE;
}

static gboolean
on_writable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  PortholeVncBridge *self = user_data;

  if (!flush_pending (self))
    porthole_vnc_bridge_close (self);

  return G_SOURCE_CONTINUE;
}

static void
on_message (SoupWebsocketConnection *websocket,
            int                      type,
            GBytes                  *message,
            PortholeVncBridge       *self)
{
  /* The "binary" subprotocol carries RFB in binary frames only. */
  if (type != SOUP_WEBSOCKET_DATA_BINARY || self->closed || g_bytes_get_size (message) == 0)
    return;

  self->bytes_in += g_bytes_get_size (message);
  g_queue_push_tail (&self->pending, g_bytes_ref (message));
  if (self->write_source == NULL && !flush_pending (self))
    porthole_vnc_bridge_close (self);
}

static void
on_websocket_closed (SoupWebsocketConnection *websocket,
                     PortholeVncBridge       *self)
{
  g_debug ("VNC WebSocket closed (code %u)", soup_websocket_connection_get_close_code (websocket));
  porthole_vnc_bridge_close (self);
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  PortholeVncBridge *self = user_data;
  char buffer[READ_CHUNK];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      if (n <= 0)
        {
          /* gvnc closed its end (or the pair broke). */
          porthole_vnc_bridge_close (self);
          return G_SOURCE_CONTINUE;
        }

      self->bytes_out += n;
      soup_websocket_connection_send_binary (self->websocket, buffer, n);
    }
}

/**
 * porthole_vnc_bridge_new:
 * @websocket: an open WebSocket of the daemon's VNC bridge
 *
 * Returns: (transfer full): the bridge, or %NULL if no socketpair could
 *   be made
 */
PortholeVncBridge *
porthole_vnc_bridge_new (SoupWebsocketConnection  *websocket,
                         GError                  **error)
{
  g_autoptr(PortholeVncBridge) self = NULL;
  int fds[2];
  int size = SOCKET_BUFFER;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (websocket), NULL);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "socketpair: %s", g_strerror (saved));
      return NULL;
    }

  self = g_object_new (PORTHOLE_TYPE_VNC_BRIDGE, NULL);
  self->peer_fd = fds[0];
  /* Best effort: a smaller buffer only means more wake-ups. */
  setsockopt (fds[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  setsockopt (fds[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);

  self->socket = g_socket_new_from_fd (fds[1], error);
  if (self->socket == NULL)
    {
      close (fds[1]);
      return NULL;
    }
  g_socket_set_blocking (self->socket, FALSE);

  self->websocket = g_object_ref (websocket);
  g_signal_connect (websocket, "message", G_CALLBACK (on_message), self);
  g_signal_connect (websocket, "closed", G_CALLBACK (on_websocket_closed), self);

  self->read_source = g_socket_create_source (self->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->read_source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_attach (self->read_source, NULL);

  return g_steal_pointer (&self);
}

/**
 * porthole_vnc_bridge_steal_peer_fd:
 *
 * Returns: the end for vnc_connection_open_fd(), which then owns it
 *   (gvnc closes it when the connection ends)
 */
int
porthole_vnc_bridge_steal_peer_fd (PortholeVncBridge *self)
{
  int fd;

  g_return_val_if_fail (PORTHOLE_IS_VNC_BRIDGE (self), -1);

  fd = self->peer_fd;
  self->peer_fd = -1;

  return fd;
}

/**
 * porthole_vnc_bridge_close:
 *
 * Closes both sides: gvnc reads end-of-file, the daemon gets a close
 * frame. Emits "closed" the first time.
 */
void
porthole_vnc_bridge_close (PortholeVncBridge *self)
{
  g_return_if_fail (PORTHOLE_IS_VNC_BRIDGE (self));

  if (self->closed)
    return;
  self->closed = TRUE;

  if (self->read_source != NULL)
    {
      g_source_destroy (self->read_source);
      g_clear_pointer (&self->read_source, g_source_unref);
    }
  if (self->write_source != NULL)
    {
      g_source_destroy (self->write_source);
      g_clear_pointer (&self->write_source, g_source_unref);
    }
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);

  if (self->websocket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->websocket, self);
      if (soup_websocket_connection_get_state (self->websocket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->websocket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }

  g_signal_emit (self, signals[CLOSED], 0);
}

gboolean
porthole_vnc_bridge_is_closed (PortholeVncBridge *self)
{
  g_return_val_if_fail (PORTHOLE_IS_VNC_BRIDGE (self), TRUE);

  return self->closed;
}

/**
 * porthole_vnc_bridge_get_bytes_in:
 *
 * Returns: RFB bytes received from the daemon
 */
guint64
porthole_vnc_bridge_get_bytes_in (PortholeVncBridge *self)
{
  g_return_val_if_fail (PORTHOLE_IS_VNC_BRIDGE (self), 0);

  return self->bytes_in;
}

/**
 * porthole_vnc_bridge_get_bytes_out:
 *
 * Returns: RFB bytes sent to the daemon
 */
guint64
porthole_vnc_bridge_get_bytes_out (PortholeVncBridge *self)
{
  g_return_val_if_fail (PORTHOLE_IS_VNC_BRIDGE (self), 0);

  return self->bytes_out;
}
