/* porthole-metrics.h — the daemon's figures: request accounting, the
 * /metrics snapshot, Prometheus exposition, the process list and the
 * live stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-process-list.h"
#include "porthole-request-stats.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_METRICS (porthole_metrics_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMetrics, porthole_metrics, PORTHOLE, METRICS, GObject)

PortholeMetrics       *porthole_metrics_new                (PortholeDaemon              *daemon);
PortholeRequestStats  *porthole_metrics_get_request_stats  (PortholeMetrics             *self);
PortholeMetricsStream *porthole_metrics_get_stream         (PortholeMetrics             *self);
JsonObject            *porthole_metrics_build_snapshot     (PortholeMetrics             *self);
char                  *porthole_metrics_build_prometheus   (PortholeMetrics             *self);
JsonObject            *porthole_metrics_build_processes    (PortholeMetrics             *self,
                                                            const PortholeProcessFilter *filter,
                                                            GError                     **error);

G_END_DECLS
