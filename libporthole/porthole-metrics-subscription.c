/* porthole-metrics-subscription.c
 *
 * Wraps the WebSocket of GET /metrics/stream: every text frame of type
 * "sample" becomes a "sample" signal carrying the parsed object (its
 * members: id, timestamp, interval, system, daemon, active, requests);
 * "error" and "closed" come from PortholeWsObject. Samples a slow
 * reader could not take are dropped by the daemon, so ids may skip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-metrics-subscription.h"
#include "porthole-protocol.h"

struct _PortholeMetricsSubscription
{
  PortholeWsObject parent_instance;

  gint64 last_id;
  guint64 n_samples;
};

enum {
  SAMPLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeMetricsSubscription, porthole_metrics_subscription, PORTHOLE_TYPE_WS_OBJECT)

static void
porthole_metrics_subscription_message (PortholeWsObject *object,
                                       const char       *kind,
                                       JsonObject       *message)
{
  PortholeMetricsSubscription *self = PORTHOLE_METRICS_SUBSCRIPTION (object);
  gint64 id;

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_SAMPLE) != 0)
    return;

  if (porthole_json_node_get_int (json_object_get_member (message, "id"), &id))
    self->last_id = id;
  self->n_samples++;
  g_signal_emit (self, signals[SAMPLE], 0, message);
}

static void
porthole_metrics_subscription_class_init (PortholeMetricsSubscriptionClass *klass)
{
  PortholeWsObjectClass *ws_class = PORTHOLE_WS_OBJECT_CLASS (klass);

  ws_class->message = porthole_metrics_subscription_message;

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
  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);

  return g_object_new (PORTHOLE_TYPE_METRICS_SUBSCRIPTION, "connection", connection, NULL);
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
