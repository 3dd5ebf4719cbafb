/* porthole-client-metrics.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-client-metrics.h"
#include "porthole-error.h"
#include "porthole-protocol.h"

void
porthole_client_get_system_async (PortholeClient      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_SYSTEM, NULL, cancellable, callback, user_data);
}

/**
 * porthole_client_get_system_finish:
 *
 * Returns: (transfer full): GET /system
 */
JsonObject *
porthole_client_get_system_finish (PortholeClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return porthole_client_call_finish (self, result, error);
}

/**
 * porthole_client_list_processes_async:
 * @user: (nullable): only this user's processes
 * @name: (nullable): only processes whose name contains this
 * @limit: at most this many (newest first); 0 for all
 */
void
porthole_client_list_processes_async (PortholeClient      *self,
                                      const char          *user,
                                      const char          *name,
                                      guint                limit,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new (PORTHOLE_ROUTE_PROCESSES);
  char separator = '?';

  if (user != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (user, NULL, FALSE);

      g_string_append_printf (path, "%cuser=%s", separator, escaped);
      separator = '&';
    }
  if (name != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

      g_string_append_printf (path, "%cname=%s", separator, escaped);
      separator = '&';
    }
  if (limit > 0)
    g_string_append_printf (path, "%climit=%u", separator, limit);

  porthole_client_call_async (self, "GET", path->str, NULL, cancellable, callback, user_data);
}

/**
 * porthole_client_list_processes_finish:
 *
 * Returns: (transfer full): `processes` (newest first), `count`
 */
JsonObject *
porthole_client_list_processes_finish (PortholeClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return porthole_client_call_finish (self, result, error);
}

/**
 * porthole_client_kill_process_async:
 * @id: a numeric OS pid, or a daemon process or execution id
 *
 * Ends a process tree: SIGTERM, then SIGKILL 2 s later (API.md §3.7,
 * through POST /processes/{id}/kill). A pid the daemon did not start is
 * signalled directly.
 */
void
porthole_client_kill_process_async (PortholeClient      *self,
                                    const char          *id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new (PORTHOLE_ROUTE_PROCESSES_KILL_ID);
  g_autofree char *escaped = NULL;

  g_return_if_fail (id != NULL && *id != '\0');

  escaped = g_uri_escape_string (id, NULL, FALSE);
  g_string_replace (path, "{id}", escaped, 1);
  porthole_client_call_async (self, "POST", path->str, NULL, cancellable, callback, user_data);
}

/**
 * porthole_client_kill_process_finish:
 *
 * Returns: (transfer full): `success`, `process_id`, `status`
 */
JsonObject *
porthole_client_kill_process_finish (PortholeClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return porthole_client_call_finish (self, result, error);
}

void
porthole_client_get_metrics_async (PortholeClient      *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_METRICS_SNAPSHOT, NULL, cancellable, callback, user_data);
}

/**
 * porthole_client_get_metrics_finish:
 *
 * Returns: (transfer full): GET /metrics/snapshot
 */
JsonObject *
porthole_client_get_metrics_finish (PortholeClient  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return porthole_client_call_finish (self, result, error);
}

static void
prometheus_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  body = porthole_client_send_finish (PORTHOLE_CLIENT (object), result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)), g_free);
}

void
porthole_client_get_prometheus_async (PortholeClient      *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_get_prometheus_async);

  msg = porthole_client_new_message (self, "GET", PORTHOLE_ROUTE_METRICS_PROMETHEUS, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  porthole_client_send_async (self, msg, cancellable, prometheus_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_get_prometheus_finish:
 *
 * Returns: (transfer full): the Prometheus text exposition
 */
char *
porthole_client_get_prometheus_finish (PortholeClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GObject *
wrap_subscription (SoupWebsocketConnection *connection,
                   gpointer                 data)
{
  return G_OBJECT (porthole_metrics_subscription_new (connection));
}

/**
 * porthole_client_subscribe_metrics_async:
 * @interval: seconds between samples, 0.25 to 60
 *
 * Opens the live metrics stream (GET /metrics/stream, WebSocket).
 */
void
porthole_client_subscribe_metrics_async (PortholeClient      *self,
                                         double               interval,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *path = NULL;

  path = g_strconcat (PORTHOLE_ROUTE_METRICS_STREAM "?interval=",
                      g_ascii_formatd (number, sizeof number, "%g", interval), NULL);
  porthole_client_websocket_open_async (self, path, wrap_subscription, NULL, NULL,
                                        cancellable, callback, user_data);
}

/**
 * porthole_client_subscribe_metrics_finish:
 *
 * Returns: (transfer full): the subscription; connect to its "sample"
 *   signal
 */
PortholeMetricsSubscription *
porthole_client_subscribe_metrics_finish (PortholeClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return porthole_client_websocket_open_finish (self, result, error);
}
