/* porthole-metrics-subscription.c
 *
 * Wraps the WebSocket of GET /metrics/stream: every text frame of type
 * "sample" becomes a "sample" signal carrying the parsed object (its
 * members: id, timestamp, interval, system, daemon, active, requests);
 * "error" frames become "error" signals. Samples a slow reader could
 * not take are dropped by the daemon, so ids may skip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-metrics-subscription.h"
#include "porthole-protocol.h"

struct _PortholeMetricsSubscription
{
  GObject parent_instance;

  SoupWebsocketConnection *connection;
  gint64 last_id;
  guint64 n_samples;
  gboolean closed;
};

enum {
  SAMPLE,
  ERROR,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeMetricsSubscription, porthole_metrics_subscription, G_TYPE_OBJECT)

static void
on_message (SoupWebsocketConnection     *connection,
            int                          type,
            GBytes                      *bytes,
            PortholeMetricsSubscription *self)
{
  g_autoptr(JsonObject) object = NULL;
  const char *kind;

  /* What a sandbox sends is checked like what a client sends. */
  if ((object = porthole_json_parse_message (bytes, &kind)) == NULL)
    return;

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_SAMPLE) == 0)
    {
      gint64 id;

      if (porthole_json_node_get_int (json_object_get_member (object, "id"), &id))
        self->last_id = id;
      self->n_samples++;
      g_signal_emit (self, signals[SAMPLE], 0, object);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_ERROR) == 0)
    {
      const char *error = porthole_json_object_get_string (object, PORTHOLE_MEMBER_ERROR);

      g_signal_emit (self, signals[ERROR], 0, error ? error : "");
    }
}

static void
on_closed (SoupWebsocketConnection     *connection,
           PortholeMetricsSubscription *self)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
porthole_metrics_subscription_dispose (GObject *object)
{
  PortholeMetricsSubscription *self = (PortholeMetricsSubscription *)object;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (porthole_metrics_subscription_parent_class)->dispose (object);
}

static void
porthole_metrics_subscription_class_init (PortholeMetricsSubscriptionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_metrics_subscription_dispose;

  /**
   * PortholeMetricsSubscription::sample:
   * @sample: the sample object
   */
  signals[SAMPLE] =
    g_signal_new ("sample",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  /**
   * PortholeMetricsSubscription::error:
   * @message: what the daemon said
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PortholeMetricsSubscription::closed:
   *
   * The stream ended (the daemon stopped, or close() was called).
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_metrics_subscription_init (PortholeMetricsSubscription *self)
{
}

/**
 * porthole_metrics_subscription_new:
 * @connection: a WebSocket opened on /metrics/stream
 */
PortholeMetricsSubscription *
porthole_metrics_subscription_new (SoupWebsocketConnection *connection)
{
  PortholeMetricsSubscription *self;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);

  self = g_object_new (PORTHOLE_TYPE_METRICS_SUBSCRIPTION, NULL);
  self->connection = g_object_ref (connection);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);

  return self;
}

/**
 * porthole_metrics_subscription_get_last_id:
 *
 * Returns: the id of the last sample, 0 before the first
 */
gint64
porthole_metrics_subscription_get_last_id (PortholeMetricsSubscription *self)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_SUBSCRIPTION (self), 0);

  return self->last_id;
}

guint64
porthole_metrics_subscription_get_n_samples (PortholeMetricsSubscription *self)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_SUBSCRIPTION (self), 0);

  return self->n_samples;
}

gboolean
porthole_metrics_subscription_is_closed (PortholeMetricsSubscription *self)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_SUBSCRIPTION (self), TRUE);

  return self->closed;
}

void
porthole_metrics_subscription_close (PortholeMetricsSubscription *self)
{
  g_return_if_fail (PORTHOLE_IS_METRICS_SUBSCRIPTION (self));

  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}
