/* porthole-metrics-routes.h — system processes, metrics snapshot,
 * Prometheus exposition and the live metrics stream (API.md §9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_metrics_handle_processes        (PortholeRequest         *req);
void porthole_metrics_handle_snapshot         (PortholeRequest         *req);
void porthole_metrics_handle_prometheus       (PortholeRequest         *req);
void porthole_metrics_handle_stream           (PortholeRequest         *req);
void porthole_metrics_handle_stream_websocket (PortholeRequest         *req,
                                               SoupWebsocketConnection *connection);

G_END_DECLS
