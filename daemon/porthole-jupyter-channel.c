/* porthole-jupyter-channel.c
 *
 * DEALER sockets for shell and control (replies come back without
 * identity frames), a SUB socket subscribed to everything for iopub,
 * from the zmq plugin (porthole-jupyter-zmq.c), loaded with the first
 * kernel.
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

#include "porthole-defer.h"
#include "porthole-jupyter-channel.h"
#include "porthole-plugin.h"

struct _PortholeJupyterChannel
{
  GObject parent_instance;

  const PortholeZmqPlugin *zmq;
  PortholeZmqSocket *socket;
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

static void
drain (PortholeJupyterChannel *self)
{
  g_autoptr(PortholeJupyterChannel) hold = g_object_ref (self);

  /* A handler may close the channel: then the socket is gone. */
  while (self->socket != NULL && self->zmq->socket_has_input (self->socket))
    {
      g_autoptr(GPtrArray) frames = self->zmq->socket_receive (self->socket);
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
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PORTHOLE_IS_JUPYTER_CHANNEL (self), NULL);

  if (self->socket == NULL)
    return NULL;

  message = porthole_jupyter_message_new (self->session, msg_type, content);
  frames = porthole_jupyter_message_to_frames (message, self->key);
  if (!self->zmq->socket_send (self->socket, frames, &error))
    {
      g_warning ("Cannot send %s to %s: %s", msg_type, self->endpoint, error->message);
      return NULL;
    }

  /* Sending may have consumed the edge of ZMQ_FD. */
  if (self->drain_id == 0)
    self->drain_id = porthole_defer (drain_cb, self);

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
    self->zmq->socket_free (g_steal_pointer (&self->socket));
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
 * porthole_jupyter_channel_context_new:
 *
 * Loads the zmq plugin the first time.
 *
 * Returns: (transfer full): a ZeroMQ context for channels, freed with
 *   porthole_jupyter_channel_context_free() once they are all closed
 */
gpointer
porthole_jupyter_channel_context_new (GError **error)
{
  const PortholeZmqPlugin *zmq = porthole_plugin_load (PORTHOLE_PLUGIN_ZMQ, error);

  return zmq != NULL ? zmq->context_new () : NULL;
}

void
porthole_jupyter_channel_context_free (gpointer context)
{
  const PortholeZmqPlugin *zmq = porthole_plugin_peek (PORTHOLE_PLUGIN_ZMQ);

  if (context != NULL)
    zmq->context_free (context);
}

/**
 * porthole_jupyter_channel_new:
 * @zmq_context: from porthole_jupyter_channel_context_new()
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
  int fd;

  self->zmq = porthole_plugin_peek (PORTHOLE_PLUGIN_ZMQ);
  self->endpoint = g_strdup (endpoint);
  self->key = g_strdup (key);
  self->session = g_strdup (session);
  self->socket = self->zmq->socket_new (zmq_context, kind == PORTHOLE_JUPYTER_CHANNEL_IOPUB,
                                        endpoint, &fd, error);
  if (self->socket == NULL)
    return NULL;

  self->watch_id = g_unix_fd_add (fd, G_IO_IN, readable_cb, self);
  return g_steal_pointer (&self);
}
