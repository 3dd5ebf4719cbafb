/* porthole-jupyter-channel.c
 *
 * DEALER sockets for shell and control (replies come back without
 * identity frames), a SUB socket subscribed to everything for iopub.
 * LINGER is 0: a socket closes at once, whatever is unsent.
 *
 * GLib integration: ZMQ_FD becomes readable when the socket may have
 * something, and is reset by any operation on the socket, receiving or
 * sending (it is edge-triggered). So after every wake-up, and after every
 * send, the socket is drained while ZMQ_EVENTS says there is input.
 * Incoming messages must be signed with the connection key; others are
 * dropped with a warning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <zmq.h>

#include "porthole-jupyter-channel.h"

struct _PortholeJupyterChannel
{
  GObject parent_instance;

  void *socket;
  char *endpoint;
  char *key;
  char *session;
  guint watch_id;
  guint drain_id;
};

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeJupyterChannel, porthole_jupyter_channel, G_TYPE_OBJECT)

/* One whole multipart message, or NULL when there is none. */
static GPtrArray *
receive_frames (void *socket)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  int more;

  do
    {
      zmq_msg_t part;

      zmq_msg_init (&part);
      if (zmq_msg_recv (&part, socket, ZMQ_DONTWAIT) < 0)
        {
          zmq_msg_close (&part);
          return NULL;
        }
      g_ptr_array_add (frames, g_bytes_new (zmq_msg_data (&part), zmq_msg_size (&part)));
      more = zmq_msg_more (&part);
      zmq_msg_close (&part);
    }
  while (more);

  return g_steal_pointer (&frames);
}

static gboolean
has_input (void *socket)
{
  int events = 0;
  size_t size = sizeof events;

  return socket != NULL && zmq_getsockopt (socket, ZMQ_EVENTS, &events, &size) == 0 && (events & ZMQ_POLLIN);
}

static void
drain (PortholeJupyterChannel *self)
{
  g_autoptr(PortholeJupyterChannel) hold = g_object_ref (self);

  /* A handler may close the channel: then the socket is gone. */
  while (has_input (self->socket))
    {
      g_autoptr(GPtrArray) frames = receive_frames (self->socket);
      g_autoptr(PortholeJupyterMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      if (frames == NULL)
        break;

      message = porthole_jupyter_message_parse (frames, self->key, &error);
      if (message == NULL)
        {
          g_warning ("Ignoring a message from %s: %s", self->endpoint, error->message);
          continue;
        }
      g_signal_emit (self, signals[MESSAGE], 0, message);
    }
}

static gboolean
readable_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  drain (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
drain_cb (gpointer user_data)
{
  PortholeJupyterChannel *self = user_data;

  self->drain_id = 0;
  drain (self);
  return G_SOURCE_REMOVE;
}

/**
 * porthole_jupyter_channel_send:
 * @content: (nullable): the message content; %NULL is {}
 *
 * Returns: (nullable): the id of the message sent, or %NULL when it could
 *   not be sent (closed, or the queue is full)
 */
char *
porthole_jupyter_channel_send (PortholeJupyterChannel *self,
                               const char             *msg_type,
                               JsonObject             *content)
{
  g_autoptr(PortholeJupyterMessage) message = NULL;
  g_autoptr(GPtrArray) frames = NULL;

  g_return_val_if_fail (PORTHOLE_IS_JUPYTER_CHANNEL (self), NULL);

  if (self->socket == NULL)
    return NULL;

  message = porthole_jupyter_message_new (self->session, msg_type, content);
  frames = porthole_jupyter_message_to_frames (message, self->key);
  for (guint i = 0; i < frames->len; i++)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (g_ptr_array_index (frames, i), &size);

      if (zmq_send (self->socket, data, size, ZMQ_DONTWAIT | (i + 1 < frames->len ? ZMQ_SNDMORE : 0)) < 0)
        {
          g_warning ("Cannot send %s to %s: %s", msg_type, self->endpoint, zmq_strerror (zmq_errno ()));
          return NULL;
        }
    }

  /* Sending may have consumed the edge of ZMQ_FD. */
  if (self->drain_id == 0)
    self->drain_id = g_idle_add (drain_cb, self);

  return g_strdup (porthole_jupyter_message_get_id (message));
}

/**
 * porthole_jupyter_channel_close:
 *
 * Closes the socket now; nothing more is sent or received.
 */
void
porthole_jupyter_channel_close (PortholeJupyterChannel *self)
{
  g_return_if_fail (PORTHOLE_IS_JUPYTER_CHANNEL (self));

  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_handle_id (&self->drain_id, g_source_remove);
  if (self->socket != NULL)
    {
      zmq_close (self->socket);
      self->socket = NULL;
    }
}

static void
porthole_jupyter_channel_finalize (GObject *object)
{
  PortholeJupyterChannel *self = (PortholeJupyterChannel *)object;

  porthole_jupyter_channel_close (self);
  g_free (self->endpoint);
  g_free (self->key);
  g_free (self->session);

  G_OBJECT_CLASS (porthole_jupyter_channel_parent_class)->finalize (object);
}

static void
porthole_jupyter_channel_class_init (PortholeJupyterChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_jupyter_channel_finalize;

  /**
   * PortholeJupyterChannel::message:
   * @message: (type gpointer): a #PortholeJupyterMessage, valid during
   *   the emission
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
porthole_jupyter_channel_init (PortholeJupyterChannel *self)
{
}

/**
 * porthole_jupyter_channel_new:
 * @zmq_context: the ZeroMQ context
 * @endpoint: e.g. "tcp://127.0.0.1:5555"
 * @key: the connection file's signing key
 * @session: the client's session id, in every header sent
 *
 * Connects (ZeroMQ connects in the background: the kernel may not be
 * listening yet).
 */
PortholeJupyterChannel *
porthole_jupyter_channel_new (gpointer                     zmq_context,
                              PortholeJupyterChannelKind   kind,
                              const char                  *endpoint,
                              const char                  *key,
                              const char                  *session,
                              GError                     **error)
{
  g_autoptr(PortholeJupyterChannel) self = g_object_new (PORTHOLE_TYPE_JUPYTER_CHANNEL, NULL);
  int linger = 0, fd;
  size_t size = sizeof fd;

  self->endpoint = g_strdup (endpoint);
  self->key = g_strdup (key);
  self->session = g_strdup (session);
  self->socket = zmq_socket (zmq_context, kind == PORTHOLE_JUPYTER_CHANNEL_IOPUB ? ZMQ_SUB : ZMQ_DEALER);

  if (self->socket == NULL ||
      zmq_setsockopt (self->socket, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
      (kind == PORTHOLE_JUPYTER_CHANNEL_IOPUB && zmq_setsockopt (self->socket, ZMQ_SUBSCRIBE, "", 0) != 0) ||
      zmq_connect (self->socket, endpoint) != 0 ||
      zmq_getsockopt (self->socket, ZMQ_FD, &fd, &size) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot connect to the kernel at %s: %s",
                   endpoint, zmq_strerror (zmq_errno ()));
      return NULL;
    }

  self->watch_id = g_unix_fd_add (fd, G_IO_IN, readable_cb, self);
  return g_steal_pointer (&self);
}
