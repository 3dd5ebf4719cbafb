/* porthole-metrics-subscription.h — a live metrics stream, one "sample"
 * signal per sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-ws-object.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_METRICS_SUBSCRIPTION (porthole_metrics_subscription_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMetricsSubscription, porthole_metrics_subscription, PORTHOLE, METRICS_SUBSCRIPTION, PortholeWsObject)

PortholeMetricsSubscription *porthole_metrics_subscription_new          (SoupWebsocketConnection     *connection);
gint64                       porthole_metrics_subscription_get_last_id  (PortholeMetricsSubscription *self);
guint64                      porthole_metrics_subscription_get_n_samples (PortholeMetricsSubscription *self);

G_END_DECLS
