/* porthole-vnc-viewer.c
 *
 * Every viewer, from the WebSocket bridge or from the RFB TCP port,
 * reaches libvncserver through a socketpair of ours: the server gets one
 * end (below FD_SETSIZE, PLATFORM.md §5), and this object moves bytes
 * between the other end and the viewer's connection in the main loop.
 *
 * Towards the server there is back-pressure: a TCP viewer is not read
 * while the server has not taken its last bytes; a WebSocket, which
 * cannot be paused, is capped (MAX_TO_SERVER).
 *
 * Towards the viewer there is none (SECURITY.md G11): libvncserver
 * writes to every viewer from its one thread, and a socket of a viewer
 * that stopped reading would hold it, and so every other viewer, for up
 * to MAX_CLIENT_WAIT_MS. So the server's end is always read, into a
 * queue here, and a viewer whose queue grows past its limit is dropped
 * instead (porthole_vnc_viewer_set_max_queued(): a viewer that reads
 * has one update in flight, see porthole-vnc-server.c), at once: what
 * waits for it is let go, and a WebSocket is not left to drain first
 * (porthole_ws_channel_close_now()). The server's
 * thread then waits only for the main loop, as long as the server's
 * end's send buffer (SO_SNDBUF, net.core.wmem_default: 208 KiB) is
 * full; that buffer is the one other place, kernel memory, where a
 * viewer's bytes wait.
 *
 * libvncserver's rfbNewClient() peeks at a new socket for up to 100 ms
 * to catch a WebSocket or TLS handshake of its own (websockets.c). We
 * write "RFB " into the server's end before handing it over, which
 * answers that peek at once and means no byte a viewer chose reaches
 * that code: a viewer's first four bytes are "RFB " by protocol (its
 * ProtocolVersion), and they are checked and dropped here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-error.h"
#include "porthole-vnc.h"
#include "porthole-vnc-viewer.h"

#define RFB_PREFIX "RFB "
#define RFB_PREFIX_LENGTH 4
#define READ_CHUNK (64 * 1024)
/* Viewer bytes the server has not taken yet: pointer and key events are
 * tiny, the largest message is a clipboard text (libvncserver takes up
 * to 20 MiB of extended clipboard). */
#define MAX_TO_SERVER (24 * 1024 * 1024)
/* WebSocket close codes (RFC 6455 §7.4.1). */
#define CLOSE_TRY_AGAIN_LATER 1013
/* Until the server says (porthole_vnc_viewer_set_max_queued()). */
#define DEFAULT_MAX_QUEUED (8 * 1024 * 1024)

struct _PortholeVncViewer
{
  GObject parent_instance;

  GSocket *vnc;                 /* our end of the socketpair */
  int server_fd;                /* the server's end, until handed over */

  /* The viewer: a WebSocket (the bridge) or a TCP connection. */
  PortholeWsChannel *channel;
  GSocketConnection *connection;
  GSocket *peer;

  GByteArray *to_vnc;
  /* Server -> viewer: GBytes, the first sent up to @to_peer_offset
   * (TCP); @to_peer_length bytes are left to send. */
  GQueue to_peer;
  gsize to_peer_offset;
  gsize to_peer_length;
  gsize max_queued;
  char *drop_reason;
  GSource *vnc_in;
  GSource *vnc_out;
  GSource *peer_in;
  GSource *peer_out;
  guint prefix_left;
  guint closed : 1;
  guint vnc_ended : 1;          /* the server closed its end */
};

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeVncViewer, porthole_vnc_viewer, G_TYPE_OBJECT)

/**
 * porthole_vnc_fd_move_below_limit:
 * @fd: (transfer full): a descriptor
 *
 * Returns: @fd, or a duplicate of it below %PORTHOLE_VNC_MAX_FD (close-
 *   on-exec); -1 with an error when none is free (@fd is closed then)
 */
int
porthole_vnc_fd_move_below_limit (int      fd,
                                  GError **error)
{
  int low;

  if (fd < PORTHOLE_VNC_MAX_FD)
    return fd;

  /* The lowest free descriptor from 3 up. */
  low = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  close (fd);
  if (low >= PORTHOLE_VNC_MAX_FD)
    {
      close (low);
      low = -1;
      errno = EMFILE;
    }
  if (low < 0)
    g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                 "No file descriptor below %d is free for a VNC viewer", PORTHOLE_VNC_MAX_FD);

  return low;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
watch (PortholeVncViewer *self,
       GSocket           *socket,
       GIOCondition       condition,
       GSocketSourceFunc  func,
       GSource          **slot)
{
  if (*slot != NULL)
    return;

  *slot = g_socket_create_source (socket, condition | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (*slot, (GSourceFunc) (GCallback) func, self, NULL);
  g_source_set_static_name (*slot, "[portholed] VNC viewer");
  g_source_attach (*slot, NULL);
}

static void
pop_to_peer (PortholeVncViewer *self)
{
  GBytes *head = g_queue_pop_head (&self->to_peer);

  self->to_peer_length -= g_bytes_get_size (head) - self->to_peer_offset;
  self->to_peer_offset = 0;
  g_bytes_unref (head);
}

static void
clear_to_peer (PortholeVncViewer *self)
{
  g_queue_clear_full (&self->to_peer, (GDestroyNotify) g_bytes_unref);
  self->to_peer_offset = 0;
  self->to_peer_length = 0;
}

/* @at_once: a viewer dropped for what it did (it reads too little or
 * writes too much) is sent nothing more, and is not waited for
 * (porthole_ws_channel_close_now()). */
static void
finish_full (PortholeVncViewer *self,
             gushort            code,
             const char        *reason,
             gboolean           at_once)
{
  g_autoptr(PortholeVncViewer) hold = g_object_ref (self);

  if (self->closed)
    return;

  self->closed = TRUE;
  clear_source (&self->vnc_in);
  clear_source (&self->vnc_out);
  clear_source (&self->peer_in);
  clear_source (&self->peer_out);
  /* The server sees the end of its socket and forgets the viewer. */
  g_socket_close (self->vnc, NULL);
  clear_to_peer (self);

  if (self->channel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->channel, self);
      if (at_once)
        porthole_ws_channel_close_now (self->channel, code, reason);
      else
        porthole_ws_channel_close (self->channel, code, reason);
    }
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);

  g_signal_emit (self, signals[CLOSED], 0);
}

static void
finish (PortholeVncViewer *self,
        gushort            code,
        const char        *reason)
{
  finish_full (self, code, reason, FALSE);
}

/* Viewer -> server */

static gboolean on_vnc_writable (GSocket *socket, GIOCondition condition, gpointer user_data);
static gboolean on_peer_readable (GSocket *socket, GIOCondition condition, gpointer user_data);
static gboolean on_vnc_readable (GSocket *socket, GIOCondition condition, gpointer user_data);

/* Writes as much of @pending as @socket takes now; FALSE on an error
 * other than a full socket. */
static gboolean
send_pending (GSocket    *socket,
              GByteArray *pending)
{
  while (pending->len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize written = g_socket_send (socket, (const char *) pending->data, pending->len, NULL, &error);

      if (written < 0)
        return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_byte_array_remove_range (pending, 0, written);
    }

  return TRUE;
}

static gboolean
flush_to_vnc (PortholeVncViewer *self)
{
  if (!send_pending (self->vnc, self->to_vnc))
    {
      finish (self, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return FALSE;
    }

  if (self->to_vnc->len > 0)
    {
      watch (self, self->vnc, G_IO_OUT, on_vnc_writable, &self->vnc_out);
      /* A TCP viewer waits; a WebSocket cannot be paused, only capped. */
      clear_source (&self->peer_in);
      if (self->to_vnc->len > MAX_TO_SERVER)
        {
          finish_full (self, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "too much input", TRUE);
          return FALSE;
        }
    }
  else
    {
      clear_source (&self->vnc_out);
      if (self->peer != NULL)
        watch (self, self->peer, G_IO_IN, on_peer_readable, &self->peer_in);
    }

  return TRUE;
}

static void
from_peer (PortholeVncViewer *self,
           const guint8      *data,
           gsize              length)
{
  /* The server is done with the viewer, which may still be sent its
   * last words. */
  if (self->vnc_ended)
    return;

  /* The viewer's ProtocolVersion starts with the bytes we sent for it. */
  while (self->prefix_left > 0 && length > 0)
    {
      guint at = RFB_PREFIX_LENGTH - self->prefix_left;

      if (*data != (guint8) RFB_PREFIX[at])
        {
          finish (self, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, "not an RFB client");
          return;
        }
      self->prefix_left--;
      data++;
      length--;
    }

  g_byte_array_append (self->to_vnc, data, length);
  flush_to_vnc (self);
}

static gboolean
on_vnc_writable (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  PortholeVncViewer *self = user_data;

  g_clear_pointer (&self->vnc_out, g_source_unref);
  flush_to_vnc (self);
  return G_SOURCE_REMOVE;
}

static void
on_channel_data (PortholeWsChannel *channel,
                 GBytes            *bytes,
                 PortholeVncViewer *self)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  from_peer (self, data, length);
}

static gboolean
on_peer_readable (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  PortholeVncViewer *self = user_data;
  g_autoptr(GError) error = NULL;
  guint8 buffer[16 * 1024];
  gssize n = g_socket_receive (socket, (char *) buffer, sizeof buffer, NULL, &error);

  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      finish (self, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return G_SOURCE_REMOVE;
    }

  from_peer (self, buffer, n);
  /* from_peer() may have paused us. */
  return self->peer_in != NULL && !self->closed ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Server -> viewer */

static gboolean on_peer_writable (GSocket *socket, GIOCondition condition, gpointer user_data);

/* Writes as much of the queue as the TCP viewer takes now; FALSE on an
 * error other than a full socket. */
static gboolean
send_to_socket (PortholeVncViewer *self)
{
  while (!g_queue_is_empty (&self->to_peer))
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      const char *data = g_bytes_get_data (g_queue_peek_head (&self->to_peer), &size);
      gssize written = g_socket_send (self->peer, data + self->to_peer_offset, size - self->to_peer_offset,
                                      NULL, &error);

      if (written < 0)
        return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      self->to_peer_offset += written;
      self->to_peer_length -= written;
      if (self->to_peer_offset == size)
        pop_to_peer (self);
    }

  return TRUE;
}

/* Hands the queue on as far as the viewer takes it; FALSE when the
 * viewer was closed. */
static gboolean
flush_to_peer (PortholeVncViewer *self)
{
  if (self->channel != NULL)
    {
      /* The channel queues up to its high-water mark (1 MiB) and then
       * says "drained" once it took them out. */
      while (!g_queue_is_empty (&self->to_peer) && !porthole_ws_channel_is_congested (self->channel))
        {
          porthole_ws_channel_send_bytes (self->channel, g_queue_peek_head (&self->to_peer));
          pop_to_peer (self);
        }
    }
  else
    {
      if (!send_to_socket (self))
        {
          finish (self, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
          return FALSE;
        }
      if (g_queue_is_empty (&self->to_peer))
        clear_source (&self->peer_out);
      else
        watch (self, self->peer, G_IO_OUT, on_peer_writable, &self->peer_out);
    }

  /* The server is done with the viewer, which has all it was sent
   * (a WebSocket's close waits for the channel's queue). */
  if (self->vnc_ended && g_queue_is_empty (&self->to_peer))
    {
      finish (self, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_peer_writable (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  PortholeVncViewer *self = user_data;

  g_clear_pointer (&self->peer_out, g_source_unref);
  flush_to_peer (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_vnc_readable (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  PortholeVncViewer *self = user_data;
  g_autoptr(GError) error = NULL;
  /* Not from the heap: most reads are a few bytes (an answer to an
   * update request is often one small rectangle), and a fresh 64 KiB
   * block per read cost more than the read. */
  guint8 buffer[READ_CHUNK];
  gssize n = g_socket_receive (socket, (char *) buffer, READ_CHUNK, NULL, &error);

  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* The server dropped the viewer (it left, was refused, or the
       * server stopped); what the server said last still goes out. */
      g_clear_pointer (&self->vnc_in, g_source_unref);
      self->vnc_ended = TRUE;
      flush_to_peer (self);
      return G_SOURCE_REMOVE;
    }

  /* @n bytes, not READ_CHUNK: the limit counts what is held. */
  g_queue_push_tail (&self->to_peer, g_bytes_new (buffer, n));
  self->to_peer_length += n;
  if (self->to_peer_length > self->max_queued)
    {
      g_free (self->drop_reason);
      self->drop_reason = g_strdup_printf ("the viewer left more than %zu KiB of updates unread",
                                           self->max_queued / 1024);
      finish_full (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, self->drop_reason, TRUE);
      return G_SOURCE_REMOVE;
    }

  if (!flush_to_peer (self))
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

static void
on_channel_drained (PortholeVncViewer *self)
{
  if (!self->closed)
    flush_to_peer (self);
}

static void
on_channel_closed (PortholeVncViewer *self)
{
  finish (self, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
porthole_vnc_viewer_dispose (GObject *object)
{
  PortholeVncViewer *self = (PortholeVncViewer *)object;

  clear_source (&self->vnc_in);
  clear_source (&self->vnc_out);
  clear_source (&self->peer_in);
  clear_source (&self->peer_out);
  if (self->channel != NULL)
    g_signal_handlers_disconnect_by_data (self->channel, self);
  g_clear_object (&self->channel);

  G_OBJECT_CLASS (porthole_vnc_viewer_parent_class)->dispose (object);
}

static void
porthole_vnc_viewer_finalize (GObject *object)
{
  PortholeVncViewer *self = (PortholeVncViewer *)object;

  if (self->server_fd >= 0)
    close (self->server_fd);
  g_clear_object (&self->vnc);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->to_vnc, g_byte_array_unref);
  clear_to_peer (self);
  g_free (self->drop_reason);

  G_OBJECT_CLASS (porthole_vnc_viewer_parent_class)->finalize (object);
}

static void
porthole_vnc_viewer_class_init (PortholeVncViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_vnc_viewer_dispose;
  object_class->finalize = porthole_vnc_viewer_finalize;

  /**
   * PortholeVncViewer::closed:
   *
   * The viewer is gone, or was sent away.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_vnc_viewer_init (PortholeVncViewer *self)
{
  self->server_fd = -1;
  self->to_vnc = g_byte_array_new ();
  g_queue_init (&self->to_peer);
  self->max_queued = DEFAULT_MAX_QUEUED;
  self->prefix_left = RFB_PREFIX_LENGTH;
}

static PortholeVncViewer *
viewer_new (GError **error)
{
  g_autoptr(PortholeVncViewer) self = g_object_new (PORTHOLE_TYPE_VNC_VIEWER, NULL);
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
    {
      int saved = errno;

      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot connect a VNC viewer: socketpair: %s", g_strerror (saved));
      return NULL;
    }

  self->vnc = g_socket_new_from_fd (fds[0], error);
  if (self->vnc == NULL)
    {
      close (fds[0]);
      close (fds[1]);
      return NULL;
    }

  self->server_fd = porthole_vnc_fd_move_below_limit (fds[1], error);
  if (self->server_fd < 0)
    return NULL;

  /* Always fits: the socket buffer is empty. */
  if (send (fds[0], RFB_PREFIX, RFB_PREFIX_LENGTH, MSG_NOSIGNAL) != RFB_PREFIX_LENGTH)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot connect a VNC viewer: %s", g_strerror (errno));
      return NULL;
    }

  watch (self, self->vnc, G_IO_IN, on_vnc_readable, &self->vnc_in);
  return g_steal_pointer (&self);
}

/**
 * porthole_vnc_viewer_new_websocket:
 * @channel: a binary channel (the bridge)
 */
PortholeVncViewer *
porthole_vnc_viewer_new_websocket (PortholeWsChannel  *channel,
                                   GError            **error)
{
  PortholeVncViewer *self = viewer_new (error);

  if (self == NULL)
    return NULL;

  self->channel = g_object_ref (channel);
  g_signal_connect (channel, "data", G_CALLBACK (on_channel_data), self);
  g_signal_connect_swapped (channel, "drained", G_CALLBACK (on_channel_drained), self);
  g_signal_connect_swapped (channel, "closed", G_CALLBACK (on_channel_closed), self);

  return self;
}

/**
 * porthole_vnc_viewer_new_socket:
 * @connection: a viewer on the RFB TCP port
 */
PortholeVncViewer *
porthole_vnc_viewer_new_socket (GSocketConnection  *connection,
                                GError            **error)
{
  PortholeVncViewer *self = viewer_new (error);

  if (self == NULL)
    return NULL;

  self->connection = g_object_ref (connection);
  self->peer = g_socket_connection_get_socket (connection);
  g_socket_set_blocking (self->peer, FALSE);
  watch (self, self->peer, G_IO_IN, on_peer_readable, &self->peer_in);

  return self;
}

/**
 * porthole_vnc_viewer_steal_server_fd:
 *
 * Returns: the server's end of the socketpair, for the VNC server to own
 */
int
porthole_vnc_viewer_steal_server_fd (PortholeVncViewer *self)
{
  int fd = self->server_fd;

  self->server_fd = -1;
  return fd;
}

gboolean
porthole_vnc_viewer_is_websocket (PortholeVncViewer *self)
{
  return self->channel != NULL;
}

/**
 * porthole_vnc_viewer_close:
 * @reason: (nullable): why, for a viewer sent away (WebSocket close
 *   reason, code 1013); %NULL for a normal end
 */
void
porthole_vnc_viewer_close (PortholeVncViewer *self,
                           const char        *reason)
{
  g_return_if_fail (PORTHOLE_IS_VNC_VIEWER (self));

  finish (self, reason != NULL ? CLOSE_TRY_AGAIN_LATER : SOUP_WEBSOCKET_CLOSE_NORMAL, reason);
}

/**
 * porthole_vnc_viewer_set_max_queued:
 * @bytes: what may wait for the viewer; a viewer that leaves more
 *   unread is dropped
 */
void
porthole_vnc_viewer_set_max_queued (PortholeVncViewer *self,
                                    gsize              bytes)
{
  g_return_if_fail (PORTHOLE_IS_VNC_VIEWER (self));

  self->max_queued = bytes;
}

/**
 * porthole_vnc_viewer_get_drop_reason:
 *
 * Returns: (nullable): why the viewer was dropped, when it was for not
 *   reading
 */
const char *
porthole_vnc_viewer_get_drop_reason (PortholeVncViewer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_VNC_VIEWER (self), NULL);

  return self->drop_reason;
}
