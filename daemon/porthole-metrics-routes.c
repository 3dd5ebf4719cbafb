/* porthole-metrics-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-daemon.h"
#include "porthole-metrics.h"
#include "porthole-metrics-routes.h"
#include "porthole-metrics-stream.h"
#include "porthole-prometheus.h"
#include "porthole-ws-channel.h"

void
porthole_metrics_handle_processes (PortholeRequest *req)
{
  PortholeMetrics *metrics = porthole_daemon_get_metrics (porthole_request_get_daemon (req));
  PortholeProcessFilter filter = { 0 };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!porthole_request_get_string (req, "user", NULL, &filter.user) ||
      !porthole_request_get_string (req, "name", NULL, &filter.name) ||
      !porthole_request_get_int (req, "limit", 0, &filter.limit))
    return;

  if (filter.limit < 0)
    {
      porthole_request_reply_invalid (req, "limit", "Invalid value for 'limit': expected 0 or more");
      return;
    }

  body = porthole_metrics_build_processes (metrics, &filter, &error);
  if (body == NULL)
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INTERNAL_ERROR, NULL, "%s", error->message);
      return;
    }

  porthole_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* GET /metrics/snapshot and its alias GET /metrics. */
void
porthole_metrics_handle_snapshot (PortholeRequest *req)
{
  PortholeMetrics *metrics = porthole_daemon_get_metrics (porthole_request_get_daemon (req));
  g_autoptr(JsonObject) body = porthole_metrics_build_snapshot (metrics);

  porthole_request_reply_json (req, SOUP_STATUS_OK, body);
}

void
porthole_metrics_handle_prometheus (PortholeRequest *req)
{
  PortholeMetrics *metrics = porthole_daemon_get_metrics (porthole_request_get_daemon (req));
  char *text = porthole_metrics_build_prometheus (metrics);
  g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

  porthole_request_reply_bytes (req, SOUP_STATUS_OK, PORTHOLE_PROMETHEUS_CONTENT_TYPE, bytes);
}

/* `interval` in seconds, 0.25 to 60 (default 1). */
static gboolean
get_interval (PortholeRequest *req,
              guint           *interval_ms)
{
  double seconds;

  if (!porthole_request_get_double (req, "interval", PORTHOLE_METRICS_STREAM_DEFAULT_INTERVAL_MS / 1000.0,
                                    &seconds))
    return FALSE;

  if (!(seconds >= PORTHOLE_METRICS_STREAM_MIN_INTERVAL_MS / 1000.0 &&
        seconds <= PORTHOLE_METRICS_STREAM_MAX_INTERVAL_MS / 1000.0))
    {
      porthole_request_reply_invalid (req, "interval", "Invalid value for 'interval': expected %g to %g seconds",
                                      PORTHOLE_METRICS_STREAM_MIN_INTERVAL_MS / 1000.0,
                                      PORTHOLE_METRICS_STREAM_MAX_INTERVAL_MS / 1000.0);
      return FALSE;
    }

  *interval_ms = (guint) (seconds * 1000.0 + 0.5);
  return TRUE;
}

/* Server-Sent Events: GET /metrics/stream without an upgrade. */
void
porthole_metrics_handle_stream (PortholeRequest *req)
{
  PortholeMetrics *metrics = porthole_daemon_get_metrics (porthole_request_get_daemon (req));
  guint interval_ms;

  if (!get_interval (req, &interval_ms))
    return;

  porthole_metrics_stream_add_events (porthole_metrics_get_stream (metrics), req, interval_ms);
}

void
porthole_metrics_handle_stream_websocket (PortholeRequest         *req,
                                          SoupWebsocketConnection *connection)
{
  PortholeMetrics *metrics = porthole_daemon_get_metrics (porthole_request_get_daemon (req));
  g_autoptr(PortholeWsChannel) channel = porthole_ws_channel_new (req, connection);
  guint interval_ms;

  /* Past the handshake a bad interval can only be told in the stream. */
  if (!get_interval (req, &interval_ms))
    {
      g_autoptr(GError) error = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                                             "Invalid value for 'interval': expected %g to %g seconds",
                                             PORTHOLE_METRICS_STREAM_MIN_INTERVAL_MS / 1000.0,
                                             PORTHOLE_METRICS_STREAM_MAX_INTERVAL_MS / 1000.0);

      porthole_ws_channel_send_error (channel, error);
      porthole_ws_channel_close (channel, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "invalid interval");
      return;
    }

  porthole_metrics_stream_add_websocket (porthole_metrics_get_stream (metrics), channel, interval_ms);
}
