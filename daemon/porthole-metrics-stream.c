/* porthole-metrics-stream.c
 *
 * GET /metrics/stream (portholed's own route): one JSON sample per
 * interval, as Server-Sent Events or, when upgraded, WebSocket text
 * frames of type "sample".
 *
 * Every subscriber shares the sysinfo sampler, which runs at the fastest
 * subscriber's interval while there is one; each tick builds one sample
 * with the next id, and every subscriber that is due gets that same
 * sample (so two subscribers with one interval see the same ids). A
 * subscriber whose interval is not a multiple of the tick gets the tick
 * nearest its due time, so on average its own interval.
 *
 * A subscriber that does not read is never queued for: a sample finding
 * more than a few events (SSE) or a few KiB (WebSocket) still unsent is
 * dropped for that subscriber and counted (SECURITY.md G11).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-daemon.h"
#include "porthole-event-stream.h"
#include "porthole-json.h"
#include "porthole-metrics.h"
#include "porthole-metrics-stream.h"
#include "porthole-protocol.h"
#include "porthole-request.h"
#include "porthole-sysinfo.h"
#include "porthole-ws-channel.h"

/* Unsent events beyond which an SSE subscriber misses samples. */
#define MAX_QUEUED_EVENTS 4
/* Unsent WebSocket bytes beyond which a subscriber misses samples. */
#define MAX_QUEUED_WS_BYTES (16 * 1024)
/* What the kernel may hold for one subscriber: a few dozen samples. */
#define MAX_KERNEL_BYTES (32 * 1024)

typedef struct
{
  PortholeMetricsStream *hub;
  guint interval_ms;
  gint64 next_due;

  /* Server-Sent Events */
  PortholeEventStream *events;
  gulong events_closed_id;

  /* WebSocket */
  PortholeWsChannel *channel;
  gulong closed_id;
} Subscriber;

struct _PortholeMetricsStream
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  GPtrArray *subscribers;
  gulong stopping_id;

  guint64 next_id;
  guint64 n_samples;
  guint64 n_dropped;

  /* For request rates between two samples. */
  guint64 last_requests;
  guint64 last_errors;
  gint64 last_when;
};

G_DEFINE_FINAL_TYPE (PortholeMetricsStream, porthole_metrics_stream, G_TYPE_OBJECT)

static void
subscriber_free (Subscriber *sub)
{
  if (sub->events != NULL)
    {
      g_clear_signal_handler (&sub->events_closed_id, sub->events);
      g_clear_object (&sub->events);
    }
  if (sub->channel != NULL)
    {
      g_clear_signal_handler (&sub->closed_id, sub->channel);
      g_clear_object (&sub->channel);
    }
  g_free (sub);
}

/* The sampler runs as fast as the fastest subscriber, or idles. */
static void
update_interval (PortholeMetricsStream *self)
{
  PortholeSysinfo *sysinfo = porthole_daemon_get_sysinfo (self->daemon);
  guint fastest = 0;

  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);

      if (fastest == 0 || sub->interval_ms < fastest)
        fastest = sub->interval_ms;
    }

  if (sysinfo != NULL)
    porthole_sysinfo_set_interval (sysinfo, fastest);
}

static void
remove_subscriber (PortholeMetricsStream *self,
                   Subscriber            *sub)
{
  g_ptr_array_remove (self->subscribers, sub);
  update_interval (self);
}

static JsonObject *
build_sample (PortholeMetricsStream *self)
{
  PortholeSysinfo *sysinfo = porthole_daemon_get_sysinfo (self->daemon);
  PortholeRequestStats *requests = porthole_metrics_get_request_stats (porthole_daemon_get_metrics (self->daemon));
  JsonObject *sample = json_object_new ();
  JsonObject *daemon = json_object_new ();
  JsonObject *active = json_object_new ();
  JsonObject *rates = json_object_new ();
  JsonObject *system = porthole_sysinfo_build_system (sysinfo);
  g_autofree char *timestamp = porthole_timestamp_now ();
  PortholeSelfInfo me;
  guint64 total = porthole_request_stats_get_total (requests);
  guint64 errors = porthole_request_stats_get_errors (requests);
  gint64 now = g_get_monotonic_time ();
  double seconds = self->last_when ? (now - self->last_when) / (double) G_USEC_PER_SEC : 0.0;

  porthole_sysinfo_get_self (sysinfo, &me);
  json_object_remove_member (system, PORTHOLE_MEMBER_TIMESTAMP);

  json_object_set_int_member (daemon, "pid", me.pid);
  json_object_set_int_member (daemon, "rss_bytes", me.rss_bytes);
  json_object_set_double_member (daemon, "cpu_percent", me.cpu_percent);
  json_object_set_int_member (daemon, "open_fds", me.open_fds);
  json_object_set_int_member (daemon, "threads", me.threads);
  json_object_set_double_member (daemon, PORTHOLE_MEMBER_UPTIME_SECONDS, porthole_daemon_get_uptime (self->daemon));

  json_object_set_int_member (active, "executions", porthole_daemon_get_activity (self->daemon, PORTHOLE_ACTIVITY_EXECUTIONS));
  json_object_set_int_member (active, "terminals", porthole_daemon_get_activity (self->daemon, PORTHOLE_ACTIVITY_TERMINALS));
  json_object_set_int_member (active, "streams", porthole_daemon_get_active_streams (self->daemon));
  json_object_set_int_member (active, "vnc_clients", porthole_daemon_get_activity (self->daemon, PORTHOLE_ACTIVITY_VNC_CLIENTS));
  json_object_set_int_member (active, "recordings", porthole_daemon_get_activity (self->daemon, PORTHOLE_ACTIVITY_RECORDINGS));
  json_object_set_int_member (active, "metrics_subscribers", self->subscribers->len);

  json_object_set_int_member (rates, "total", total);
  json_object_set_int_member (rates, "errors", errors);
  json_object_set_double_member (rates, "per_second", seconds > 0 ? (total - self->last_requests) / seconds : 0.0);
  json_object_set_double_member (rates, "errors_per_second", seconds > 0 ? (errors - self->last_errors) / seconds : 0.0);
  self->last_requests = total;
  self->last_errors = errors;
  self->last_when = now;

  json_object_set_string_member (sample, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_SAMPLE);
  json_object_set_int_member (sample, "id", ++self->next_id);
  json_object_set_string_member (sample, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  json_object_set_double_member (sample, "interval", porthole_sysinfo_get_interval (sysinfo) / 1000.0);
  json_object_set_object_member (sample, "system", system);
  json_object_set_object_member (sample, "daemon", daemon);
  json_object_set_object_member (sample, "active", active);
  json_object_set_object_member (sample, "requests", rates);

  return sample;
}

static gboolean
deliver (PortholeMetricsStream *self,
         Subscriber            *sub,
         JsonObject            *sample,
         const char            *id,
         const char            *json)
{
  if (sub->events != NULL)
    {
      if (porthole_event_stream_get_n_queued (sub->events) >= MAX_QUEUED_EVENTS)
        return FALSE;
      return porthole_event_stream_send (sub->events, id, PORTHOLE_WS_TYPE_SAMPLE, json, -1);
    }

  if (porthole_ws_channel_is_congested (sub->channel) ||
      porthole_ws_channel_get_queued_bytes (sub->channel) > MAX_QUEUED_WS_BYTES)
    return FALSE;
  porthole_ws_channel_send (sub->channel, sample);
  return TRUE;
}

static void
on_sampled (PortholeMetricsStream *self)
{
  PortholeSysinfo *sysinfo = porthole_daemon_get_sysinfo (self->daemon);
  g_autoptr(JsonObject) sample = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) due = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 half_tick = porthole_sysinfo_get_interval (sysinfo) * 1000 / 2;

  if (self->subscribers->len == 0)
    return;

  due = g_ptr_array_new ();
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);
      gint64 interval = (gint64) sub->interval_ms * 1000;

      if (now + half_tick < sub->next_due)
        continue;
      sub->next_due = sub->next_due + interval < now ? now + interval : sub->next_due + interval;
      g_ptr_array_add (due, sub);
    }

  if (due->len == 0)
    return;

  sample = build_sample (self);
  self->n_samples++;

  for (guint i = 0; i < due->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (due, i);

      /* Delivering may end another subscriber's session. */
      if (!g_ptr_array_find (self->subscribers, sub, NULL))
        continue;
      /* "id: N / event: sample / data: {…}", one event per chunk. */
      if (sub->events != NULL && json == NULL)
        {
          node = json_node_init_object (json_node_alloc (), sample);
          json = porthole_json_to_string (node, NULL);
          id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (sample, "id"));
        }
      if (!deliver (self, sub, sample, id, json))
        self->n_dropped++;
    }
}

static void
on_stopping (PortholeMetricsStream *self)
{
  g_autoptr(GPtrArray) subscribers = g_steal_pointer (&self->subscribers);

  self->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);

  /* Event streams end; WebSocket channels close themselves. */
  for (guint i = 0; i < subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (subscribers, i);

      if (sub->events != NULL)
        porthole_event_stream_close (sub->events);
    }
  update_interval (self);
}

static void
porthole_metrics_stream_dispose (GObject *object)
{
  PortholeMetricsStream *self = (PortholeMetricsStream *)object;

  if (self->daemon != NULL)
    g_clear_signal_handler (&self->stopping_id, self->daemon);
  g_clear_pointer (&self->subscribers, g_ptr_array_unref);

  G_OBJECT_CLASS (porthole_metrics_stream_parent_class)->dispose (object);
}

static void
porthole_metrics_stream_class_init (PortholeMetricsStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_metrics_stream_dispose;
}

static void
porthole_metrics_stream_init (PortholeMetricsStream *self)
{
  self->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);
}

/**
 * porthole_metrics_stream_new:
 * @daemon: (transfer none): the daemon, which outlives the stream
 */
PortholeMetricsStream *
porthole_metrics_stream_new (PortholeDaemon *daemon)
{
  PortholeMetricsStream *self = g_object_new (PORTHOLE_TYPE_METRICS_STREAM, NULL);

  self->daemon = daemon;
  self->stopping_id = g_signal_connect_swapped (daemon, "stopping", G_CALLBACK (on_stopping), self);
  g_signal_connect_object (porthole_daemon_get_sysinfo (daemon), "sampled",
                           G_CALLBACK (on_sampled), self, G_CONNECT_SWAPPED);

  return self;
}

static Subscriber *
add_subscriber (PortholeMetricsStream *self,
                guint                  interval_ms)
{
  Subscriber *sub = g_new0 (Subscriber, 1);

  sub->hub = self;
  sub->interval_ms = CLAMP (interval_ms, PORTHOLE_METRICS_STREAM_MIN_INTERVAL_MS,
                            PORTHOLE_METRICS_STREAM_MAX_INTERVAL_MS);
  /* Due at the next tick, which the new interval brings within reach. */
  sub->next_due = g_get_monotonic_time ();
  g_ptr_array_add (self->subscribers, sub);

  return sub;
}

static void
on_events_closed (Subscriber *sub)
{
  remove_subscriber (sub->hub, sub);
}

/**
 * porthole_metrics_stream_add_events:
 * @req: a GET /metrics/stream without upgrade
 *
 * Answers @req with a text/event-stream that lasts until the client
 * leaves or the daemon stops.
 */
void
porthole_metrics_stream_add_events (PortholeMetricsStream *self,
                                    PortholeRequest       *req,
                                    guint                  interval_ms)
{
  g_autoptr(PortholeEventStream) events = NULL;
  Subscriber *sub;

  g_return_if_fail (PORTHOLE_IS_METRICS_STREAM (self));

  /* The kernel's buffer would otherwise grow to megabytes for a peer
   * that stops reading. */
  events = porthole_event_stream_new (req, MAX_KERNEL_BYTES);
  if (events == NULL)
    return;

  sub = add_subscriber (self, interval_ms);
  sub->events = g_steal_pointer (&events);
  sub->events_closed_id = g_signal_connect_swapped (sub->events, "closed", G_CALLBACK (on_events_closed), sub);
  update_interval (self);
}

static void
on_channel_closed (Subscriber *sub)
{
  remove_subscriber (sub->hub, sub);
}

void
porthole_metrics_stream_add_websocket (PortholeMetricsStream *self,
                                       PortholeWsChannel     *channel,
                                       guint                  interval_ms)
{
  Subscriber *sub;

  g_return_if_fail (PORTHOLE_IS_METRICS_STREAM (self));

  if (!porthole_ws_channel_is_open (channel))
    return;

  porthole_ws_channel_set_max_backlog (channel, MAX_KERNEL_BYTES);
  sub = add_subscriber (self, interval_ms);
  sub->channel = g_object_ref (channel);
  sub->closed_id = g_signal_connect_swapped (channel, "closed", G_CALLBACK (on_channel_closed), sub);
  update_interval (self);
}

guint
porthole_metrics_stream_get_n_subscribers (PortholeMetricsStream *self)
{
  return self->subscribers->len;
}

/**
 * porthole_metrics_stream_get_n_samples:
 *
 * Returns: samples built since the start (a counter)
 */
guint64
porthole_metrics_stream_get_n_samples (PortholeMetricsStream *self)
{
  return self->n_samples;
}

/**
 * porthole_metrics_stream_get_n_dropped:
 *
 * Returns: samples not sent to a subscriber that was behind (a counter)
 */
guint64
porthole_metrics_stream_get_n_dropped (PortholeMetricsStream *self)
{
  return self->n_dropped;
}
