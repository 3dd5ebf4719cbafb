/* porthole-client-metrics.h — typed calls for the observability routes
 * (API.md §2, §9) and portholed's live metrics stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"
#include "porthole-metrics-subscription.h"

G_BEGIN_DECLS

void        porthole_client_get_system_async          (PortholeClient      *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonObject *porthole_client_get_system_finish         (PortholeClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void        porthole_client_list_processes_async      (PortholeClient      *self,
                                                       const char          *user,
                                                       const char          *name,
                                                       guint                limit,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonObject *porthole_client_list_processes_finish     (PortholeClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void        porthole_client_kill_process_async        (PortholeClient      *self,
                                                       const char          *id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonObject *porthole_client_kill_process_finish       (PortholeClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void        porthole_client_get_metrics_async         (PortholeClient      *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonObject *porthole_client_get_metrics_finish        (PortholeClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void        porthole_client_get_prometheus_async      (PortholeClient      *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char       *porthole_client_get_prometheus_finish     (PortholeClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void        porthole_client_subscribe_metrics_async   (PortholeClient      *self,
                                                       double               interval,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
PortholeMetricsSubscription *
            porthole_client_subscribe_metrics_finish  (PortholeClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
