/* porthole-metrics-stream.h — live samples for many subscribers, over
 * Server-Sent Events or a WebSocket, from one sampler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_METRICS_STREAM_MIN_INTERVAL_MS     250
#define PORTHOLE_METRICS_STREAM_MAX_INTERVAL_MS     60000
#define PORTHOLE_METRICS_STREAM_DEFAULT_INTERVAL_MS 1000

#define PORTHOLE_TYPE_METRICS_STREAM (porthole_metrics_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMetricsStream, porthole_metrics_stream, PORTHOLE, METRICS_STREAM, GObject)

PortholeMetricsStream *porthole_metrics_stream_new             (PortholeDaemon        *daemon);
void                   porthole_metrics_stream_add_events      (PortholeMetricsStream *self,
                                                                PortholeRequest       *req,
                                                                guint                  interval_ms);
void                   porthole_metrics_stream_add_websocket   (PortholeMetricsStream *self,
                                                                PortholeWsChannel     *channel,
                                                                guint                  interval_ms);
guint                  porthole_metrics_stream_get_n_subscribers (PortholeMetricsStream *self);
guint64                porthole_metrics_stream_get_n_samples   (PortholeMetricsStream *self);
guint64                porthole_metrics_stream_get_n_dropped   (PortholeMetricsStream *self);

G_END_DECLS
