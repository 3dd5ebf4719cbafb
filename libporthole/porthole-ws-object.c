/* porthole-ws-object.c
 *
 * What every typed stream of the client does with its WebSocket: parse
 * each frame as one JSON object (API.md §1.9; what a sandbox sends is
 * checked like what a client sends), turn "error" frames into the
 * "error" signal and hand the others to the subclass, report the end
 * once as "closed" (whether the daemon, the network or close() ended
 * it), and hang up when dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-ws-object.h"

typedef struct
{
  SoupWebsocketConnection *connection;
  gboolean closed;
} PortholeWsObjectPrivate;

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

enum {
  ERROR,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_TYPE_WITH_PRIVATE (PortholeWsObject, porthole_ws_object, G_TYPE_OBJECT)

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *bytes,
            PortholeWsObject        *self)
{
  /* A handler may drop the last reference to us. */
  g_autoptr(PortholeWsObject) hold = g_object_ref (self);
  g_autoptr(JsonObject) object = NULL;
  const char *kind;

  if ((object = porthole_json_parse_message (bytes, &kind)) == NULL)
    return;

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_ERROR) == 0)
    {
      const char *error = porthole_json_object_get_string (object, PORTHOLE_MEMBER_ERROR);

      g_signal_emit (self, signals[ERROR], 0, error ? error : "");
    }
  else if (PORTHOLE_WS_OBJECT_GET_CLASS (self)->message != NULL)
    PORTHOLE_WS_OBJECT_GET_CLASS (self)->message (self, kind, object);
}

static void
on_closed (SoupWebsocketConnection *connection,
           PortholeWsObject        *self)
{
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);
  g_autoptr(PortholeWsObject) hold = g_object_ref (self);

  if (priv->closed)
    return;

  priv->closed = TRUE;
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
porthole_ws_object_constructed (GObject *object)
{
  PortholeWsObject *self = PORTHOLE_WS_OBJECT (object);
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  G_OBJECT_CLASS (porthole_ws_object_parent_class)->constructed (object);

  g_return_if_fail (priv->connection != NULL);
  g_signal_connect (priv->connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (priv->connection, "closed", G_CALLBACK (on_closed), self);
}

static void
porthole_ws_object_dispose (GObject *object)
{
  PortholeWsObject *self = PORTHOLE_WS_OBJECT (object);
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  if (priv->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (priv->connection, self);
      if (soup_websocket_connection_get_state (priv->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (priv->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&priv->connection);

  G_OBJECT_CLASS (porthole_ws_object_parent_class)->dispose (object);
}

static void
porthole_ws_object_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PortholeWsObject *self = PORTHOLE_WS_OBJECT (object);
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, priv->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_ws_object_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PortholeWsObject *self = PORTHOLE_WS_OBJECT (object);
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      priv->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_ws_object_class_init (PortholeWsObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = porthole_ws_object_constructed;
  object_class->dispose = porthole_ws_object_dispose;
  object_class->get_property = porthole_ws_object_get_property;
  object_class->set_property = porthole_ws_object_set_property;

  /**
   * PortholeWsObject:connection:
   *
   * The WebSocket, open when the object is made.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         SOUP_TYPE_WEBSOCKET_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortholeWsObject::error:
   * @message: what the daemon said (an "error" frame)
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (PortholeWsObjectClass, error), NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PortholeWsObject::closed:
   *
   * The stream ended (the daemon ended it, the connection was lost, or
   * close() was called); emitted once. The class handler runs first, so
   * handlers see the subclass's final state.
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                  G_STRUCT_OFFSET (PortholeWsObjectClass, closed), NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_ws_object_init (PortholeWsObject *self)
{
}

SoupWebsocketConnection *
porthole_ws_object_get_connection (PortholeWsObject *self)
{
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_WS_OBJECT (self), NULL);

  return priv->connection;
}

gboolean
porthole_ws_object_is_open (PortholeWsObject *self)
{
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_WS_OBJECT (self), FALSE);

  return priv->connection != NULL
         && soup_websocket_connection_get_state (priv->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

/**
 * porthole_ws_object_send:
 * @object: one message, sent as one text frame
 *
 * Does nothing once the socket is no longer open.
 */
void
porthole_ws_object_send (PortholeWsObject *self,
                         JsonObject       *object)
{
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (PORTHOLE_IS_WS_OBJECT (self));
  g_return_if_fail (object != NULL);

  if (!porthole_ws_object_is_open (self))
    return;

  bytes = porthole_json_object_to_bytes (object);
  soup_websocket_connection_send_text (priv->connection, g_bytes_get_data (bytes, NULL));
}

gboolean
porthole_ws_object_is_closed (PortholeWsObject *self)
{
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_WS_OBJECT (self), TRUE);

  return priv->closed;
}

/**
 * porthole_ws_object_close:
 *
 * Hangs up; "closed" follows once the close handshake ends.
 */
void
porthole_ws_object_close (PortholeWsObject *self)
{
  PortholeWsObjectPrivate *priv = porthole_ws_object_get_instance_private (self);

  g_return_if_fail (PORTHOLE_IS_WS_OBJECT (self));

  if (porthole_ws_object_is_open (self))
    soup_websocket_connection_close (priv->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}
