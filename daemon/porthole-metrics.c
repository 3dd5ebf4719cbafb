/* porthole-metrics.c
 *
 * Everything here is read when asked: the figures come from the request
 * accounting, the sysinfo sampler, the daemon's activity counters, the
 * run table and /proc. Nothing is sampled on a timer of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-cgroup-limits.h"
#include "porthole-daemon.h"
#include "porthole-event-stream.h"
#include "porthole-exec-cache.h"
#include "porthole-executor.h"
#include "porthole-http-server.h"
#include "porthole-json.h"
#include "porthole-metrics.h"
#include "porthole-metrics-stream.h"
#include "porthole-prometheus.h"
#include "porthole-protocol.h"
#include "porthole-run-table.h"
#include "porthole-sysinfo.h"
#include "porthole-version.h"

struct _PortholeMetrics
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  PortholeRequestStats *requests;
  PortholeCpuTracker *cpu_tracker;
  PortholeMetricsStream *stream;
};

G_DEFINE_FINAL_TYPE (PortholeMetrics, porthole_metrics, G_TYPE_OBJECT)

static void
porthole_metrics_dispose (GObject *object)
{
  PortholeMetrics *self = (PortholeMetrics *)object;

  g_clear_object (&self->stream);
  g_clear_object (&self->requests);
  g_clear_pointer (&self->cpu_tracker, porthole_cpu_tracker_free);

  G_OBJECT_CLASS (porthole_metrics_parent_class)->dispose (object);
}

static void
porthole_metrics_class_init (PortholeMetricsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_metrics_dispose;
}

static void
porthole_metrics_init (PortholeMetrics *self)
{
  self->requests = porthole_request_stats_new ();
  self->cpu_tracker = porthole_cpu_tracker_new ();
}

static void
on_request_done (PortholeMetrics     *self,
                 const PortholeRoute *route,
                 const char          *method,
                 guint                status,
                 gint64               duration,
                 const char          *request_id)
{
  porthole_request_stats_record (self->requests, route, status, duration);
}

/**
 * porthole_metrics_new:
 * @daemon: (transfer none): the daemon, which owns the result; its HTTP
 *   server must exist
 */
PortholeMetrics *
porthole_metrics_new (PortholeDaemon *daemon)
{
  PortholeMetrics *self = g_object_new (PORTHOLE_TYPE_METRICS, NULL);

  self->daemon = daemon;
  self->stream = porthole_metrics_stream_new (daemon);
  g_signal_connect_object (porthole_daemon_get_http_server (daemon), "request-done",
                           G_CALLBACK (on_request_done), self, G_CONNECT_SWAPPED);

  return self;
}

PortholeRequestStats *
porthole_metrics_get_request_stats (PortholeMetrics *self)
{
  return self->requests;
}

PortholeMetricsStream *
porthole_metrics_get_stream (PortholeMetrics *self)
{
  return self->stream;
}

static JsonObject *
build_cache (PortholeMetrics *self)
{
  PortholeExecutor *executor = porthole_daemon_get_executor (self->daemon);

  /* API.md §9.2 asks for size, hits, misses and hit_rate: §7.1's object
   * holds them all. */
  return porthole_exec_cache_to_json (porthole_executor_get_cache (executor));
}

/**
 * porthole_metrics_build_snapshot:
 *
 * Returns: (transfer full): the body of GET /metrics/snapshot (API.md §9.2)
 */
JsonObject *
porthole_metrics_build_snapshot (PortholeMetrics *self)
{
  PortholeDaemon *daemon = self->daemon;
  PortholeSysinfo *sysinfo = porthole_daemon_get_sysinfo (daemon);
  JsonObject *snapshot = json_object_new ();
  JsonObject *system = porthole_sysinfo_build_system (sysinfo);
  JsonObject *process = json_object_new ();
  JsonObject *me = json_object_new ();
  JsonObject *activity = json_object_new ();
  JsonObject *stream = json_object_new ();
  JsonObject *events = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  guint64 errors = porthole_request_stats_get_errors (self->requests);
  guint executions = porthole_daemon_get_activity (daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
  PortholeSelfInfo self_info;

  porthole_sysinfo_get_self (sysinfo, &self_info);

  json_object_set_string_member (snapshot, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  json_object_set_double_member (snapshot, PORTHOLE_MEMBER_UPTIME_SECONDS, porthole_daemon_get_uptime (daemon));
  json_object_set_int_member (snapshot, "total_requests", porthole_request_stats_get_total (self->requests));
  json_object_set_int_member (snapshot, "total_errors", errors);
  json_object_set_int_member (snapshot, "error_count", errors);
  json_object_set_int_member (snapshot, "total_executions",
                              porthole_daemon_get_activity_total (daemon, PORTHOLE_ACTIVITY_EXECUTIONS));
  json_object_set_int_member (snapshot, "active_executions", executions);
  porthole_request_stats_add_json (self->requests, snapshot);

  json_object_set_double_member (snapshot, "cpu_percent", json_object_get_double_member (system, "cpu_percent"));
  json_object_set_double_member (snapshot, "memory_percent", json_object_get_double_member (system, "memory_percent"));
  json_object_set_double_member (snapshot, "disk_percent", json_object_get_double_member (system, "disk_percent"));
  json_object_set_object_member (snapshot, "system", system);

  json_object_set_int_member (process, PORTHOLE_MEMBER_COUNT, porthole_process_list_count ());
  json_object_set_int_member (process, "running", executions);
  json_object_set_int_member (process, "background",
                              porthole_run_table_count_active (porthole_daemon_get_run_table (daemon)));
  json_object_set_object_member (snapshot, "process", process);
  json_object_set_object_member (snapshot, "cache", build_cache (self));
  json_object_set_int_member (snapshot, PORTHOLE_MEMBER_ACTIVE_STREAMS, porthole_daemon_get_active_streams (daemon));

  /* portholed's own additions */
  json_object_set_int_member (me, "pid", self_info.pid);
  json_object_set_int_member (me, "rss_bytes", self_info.rss_bytes);
  json_object_set_double_member (me, "cpu_percent", self_info.cpu_percent);
  json_object_set_double_member (me, "cpu_seconds", self_info.cpu_seconds);
  json_object_set_int_member (me, "open_fds", self_info.open_fds);
  json_object_set_int_member (me, "threads", self_info.threads);
  json_object_set_string_member (me, PORTHOLE_MEMBER_VERSION, porthole_version_get ());
  json_object_set_object_member (snapshot, "daemon", me);

  json_object_set_int_member (activity, "terminals", porthole_daemon_get_activity (daemon, PORTHOLE_ACTIVITY_TERMINALS));
  json_object_set_int_member (activity, "max_terminals", porthole_daemon_get_max_terminals (daemon));
  json_object_set_int_member (activity, "vnc_clients", porthole_daemon_get_activity (daemon, PORTHOLE_ACTIVITY_VNC_CLIENTS));
  json_object_set_int_member (activity, "recordings", porthole_daemon_get_activity (daemon, PORTHOLE_ACTIVITY_RECORDINGS));
  json_object_set_object_member (snapshot, "activity", activity);

  json_object_set_int_member (stream, "subscribers", porthole_metrics_stream_get_n_subscribers (self->stream));
  json_object_set_int_member (stream, "samples", porthole_metrics_stream_get_n_samples (self->stream));
  json_object_set_int_member (stream, "dropped", porthole_metrics_stream_get_n_dropped (self->stream));
  json_object_set_object_member (snapshot, "metrics_stream", stream);
  json_object_set_int_member (events, "dropped_clients", porthole_event_stream_get_n_dropped ());
  json_object_set_object_member (snapshot, "event_streams", events);

  return snapshot;
}

/* Work in progress: a gauge of what runs now and a counter of starts. */
static void
write_activity (GString        *out,
                PortholeDaemon *daemon,
                PortholeActivity activity,
                const char     *gauge,
                const char     *gauge_help,
                const char     *counter,
                const char     *counter_help)
{
  porthole_prometheus_metric (out, gauge, "gauge", gauge_help,
                              porthole_daemon_get_activity (daemon, activity));
  porthole_prometheus_metric (out, counter, "counter", counter_help,
                              porthole_daemon_get_activity_total (daemon, activity));
}

static void
write_system (GString         *out,
              PortholeSysinfo *sysinfo)
{
  static const char *const periods[] = { "1m", "5m", "15m" };
  PortholeMemoryInfo memory;
  PortholeDiskInfo disk;
  PortholeNetworkInfo network;
  PortholeCgroupLimits limits;
  double load[3];

  porthole_sysinfo_read_memory (&memory);
  porthole_sysinfo_read_disk (porthole_sysinfo_get_disk_path (sysinfo), &disk);
  porthole_sysinfo_get_network (sysinfo, &network);
  porthole_sysinfo_read_loadavg (load);
  porthole_cgroup_limits_read (&limits);

  porthole_prometheus_metric (out, "hopx_agent_cpu_usage_percent", "gauge",
                              "Machine CPU use over the last sampling interval, 0-100.",
                              porthole_sysinfo_get_cpu_percent (sysinfo));
  porthole_prometheus_metric (out, "hopx_agent_cpu_cores", "gauge", "Online CPUs.",
                              porthole_sysinfo_get_n_cpus ());
  porthole_prometheus_family (out, "hopx_agent_load_average", "gauge", "System load average.");
  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    {
      g_autofree char *labels = porthole_prometheus_labels ("period", periods[i], NULL);

      porthole_prometheus_value (out, "hopx_agent_load_average", labels, load[i]);
    }
  porthole_prometheus_metric (out, "hopx_agent_memory_usage_bytes", "gauge",
                              "Memory in use (total minus available).", memory.used);
  porthole_prometheus_metric (out, "hopx_agent_memory_total_bytes", "gauge", "Memory of the machine.",
                              memory.total);
  porthole_prometheus_metric (out, "hopx_agent_memory_available_bytes", "gauge",
                              "Memory available without swapping.", memory.available);
  porthole_prometheus_metric (out, "hopx_agent_disk_usage_bytes", "gauge",
                              "Used space of the workspace file system.", disk.used);
  porthole_prometheus_metric (out, "hopx_agent_disk_total_bytes", "gauge",
                              "Size of the workspace file system.", disk.total);
  porthole_prometheus_metric (out, "hopx_agent_disk_free_bytes", "gauge",
                              "Space of the workspace file system available to users.", disk.free);
  porthole_prometheus_metric (out, "hopx_agent_network_receive_bytes_total", "counter",
                              "Bytes received on every interface but loopback.", network.rx_bytes);
  porthole_prometheus_metric (out, "hopx_agent_network_transmit_bytes_total", "counter",
                              "Bytes sent on every interface but loopback.", network.tx_bytes);
  porthole_prometheus_metric (out, "hopx_agent_host_uptime_seconds", "gauge", "Time since boot.",
                              porthole_sysinfo_read_uptime ());
  porthole_prometheus_metric (out, "hopx_agent_processes", "gauge", "Processes on the machine.",
                              porthole_process_list_count ());

  /* The container's ceilings, only where there is one. */
  if (limits.memory_limit >= 0)
    porthole_prometheus_metric (out, "hopx_agent_container_memory_limit_bytes", "gauge",
                                "Memory limit of the daemon's cgroup.", limits.memory_limit);
  if (limits.memory_usage >= 0)
    porthole_prometheus_metric (out, "hopx_agent_container_memory_usage_bytes", "gauge",
                                "Memory charged to the daemon's cgroup.", limits.memory_usage);
  if (limits.cpu_limit > 0.0)
    porthole_prometheus_metric (out, "hopx_agent_container_cpu_limit_cores", "gauge",
                                "CPU quota of the daemon's cgroup, in CPUs.", limits.cpu_limit);
  if (limits.pids_limit >= 0)
    porthole_prometheus_metric (out, "hopx_agent_container_pids_limit", "gauge",
                                "Process limit of the daemon's cgroup.", limits.pids_limit);
}

static void
write_process (GString         *out,
               PortholeSysinfo *sysinfo)
{
  PortholeSelfInfo me;

  porthole_sysinfo_get_self (sysinfo, &me);

  porthole_prometheus_metric (out, "process_cpu_seconds_total", "counter",
                              "Total user and system CPU time spent in seconds.", me.cpu_seconds);
  porthole_prometheus_metric (out, "process_resident_memory_bytes", "gauge",
                              "Resident memory size in bytes.", me.rss_bytes);
  porthole_prometheus_metric (out, "process_virtual_memory_bytes", "gauge",
                              "Virtual memory size in bytes.", me.vsize_bytes);
  porthole_prometheus_metric (out, "process_open_fds", "gauge",
                              "Number of open file descriptors.", me.open_fds);
  porthole_prometheus_metric (out, "process_max_fds", "gauge",
                              "Maximum number of open file descriptors.", me.max_fds);
  porthole_prometheus_metric (out, "process_start_time_seconds", "gauge",
                              "Start time of the process since unix epoch in seconds.",
                              me.start_time / G_USEC_PER_SEC);
  porthole_prometheus_metric (out, "hopx_agent_daemon_threads", "gauge",
                              "Threads of the daemon process.", me.threads);
  porthole_prometheus_metric (out, "hopx_agent_daemon_cpu_usage_percent", "gauge",
                              "Daemon CPU use over the last sampling interval, percent of one CPU.",
                              me.cpu_percent);
}

/**
 * porthole_metrics_build_prometheus:
 *
 * Returns: (transfer full): GET /metrics/prometheus, the text exposition
 *   format (API.md §9.3)
 */
char *
porthole_metrics_build_prometheus (PortholeMetrics *self)
{
  PortholeDaemon *daemon = self->daemon;
  PortholeSysinfo *sysinfo = porthole_daemon_get_sysinfo (daemon);
  GString *out = g_string_sized_new (16 * 1024);
  g_autofree char *info_labels = porthole_prometheus_labels ("version", porthole_version_get (),
                                                             "api_version", PORTHOLE_API_VERSION, NULL);
  guint cache_size;
  guint64 cache_hits, cache_misses;

  porthole_prometheus_family (out, "hopx_agent_info", "gauge", "The daemon's version, always 1.");
  porthole_prometheus_value (out, "hopx_agent_info", info_labels, 1);
  porthole_prometheus_metric (out, "hopx_agent_uptime_seconds", "gauge", "Time since the daemon started.",
                              porthole_daemon_get_uptime (daemon));

  porthole_request_stats_write_prometheus (self->requests, out);

  write_activity (out, daemon, PORTHOLE_ACTIVITY_EXECUTIONS,
                  "hopx_agent_active_executions", "Code and command runs in progress.",
                  "hopx_agent_executions_total", "Code and command runs started.");
  write_activity (out, daemon, PORTHOLE_ACTIVITY_TERMINALS,
                  "hopx_agent_active_terminals", "Open terminal sessions.",
                  "hopx_agent_terminal_sessions_total", "Terminal sessions opened.");
  porthole_prometheus_metric (out, "hopx_agent_max_terminals", "gauge",
                              "Terminal sessions that may be open at once (max-terminals, or what RLIMIT_NOFILE has room for).",
                              porthole_daemon_get_max_terminals (daemon));
  write_activity (out, daemon, PORTHOLE_ACTIVITY_VNC_CLIENTS,
                  "hopx_agent_active_vnc_clients", "Connected VNC viewers.",
                  "hopx_agent_vnc_connections_total", "VNC viewers connected.");
  write_activity (out, daemon, PORTHOLE_ACTIVITY_RECORDINGS,
                  "hopx_agent_active_recordings", "Screen recordings in progress.",
                  "hopx_agent_recordings_total", "Screen recordings started.");
  porthole_prometheus_metric (out, "hopx_agent_active_streams", "gauge", "Open WebSocket sessions.",
                              porthole_daemon_get_active_streams (daemon));
  porthole_prometheus_metric (out, "hopx_agent_background_processes", "gauge",
                              "Background runs in progress.",
                              porthole_run_table_count_active (porthole_daemon_get_run_table (daemon)));
  porthole_prometheus_metric (out, "hopx_agent_metrics_stream_subscribers", "gauge",
                              "Live metrics stream subscribers.",
                              porthole_metrics_stream_get_n_subscribers (self->stream));
  porthole_prometheus_metric (out, "hopx_agent_metrics_stream_samples_total", "counter",
                              "Live metrics samples built.",
                              porthole_metrics_stream_get_n_samples (self->stream));
  porthole_prometheus_metric (out, "hopx_agent_metrics_stream_dropped_samples_total", "counter",
                              "Live metrics samples not sent to a subscriber that was behind.",
                              porthole_metrics_stream_get_n_dropped (self->stream));
  porthole_prometheus_metric (out, "hopx_agent_event_stream_dropped_clients_total", "counter",
                              "Event stream clients dropped for leaving too much unread.",
                              porthole_event_stream_get_n_dropped ());

  porthole_exec_cache_get_counts (porthole_executor_get_cache (porthole_daemon_get_executor (daemon)),
                                  &cache_size, &cache_hits, &cache_misses);
  porthole_prometheus_metric (out, "hopx_agent_cache_entries", "gauge", "Execution cache entries.", cache_size);
  porthole_prometheus_metric (out, "hopx_agent_cache_hits_total", "counter", "Execution cache hits.", cache_hits);
  porthole_prometheus_metric (out, "hopx_agent_cache_misses_total", "counter", "Execution cache misses.", cache_misses);

  write_system (out, sysinfo);
  write_process (out, sysinfo);

  return g_string_free (out, FALSE);
}

/**
 * porthole_metrics_build_processes:
 *
 * Returns: (transfer full): the body of GET /processes, or %NULL when
 *   /proc cannot be read
 */
JsonObject *
porthole_metrics_build_processes (PortholeMetrics             *self,
                                  const PortholeProcessFilter *filter,
                                  GError                     **error)
{
  return porthole_process_list_build (self->cpu_tracker, porthole_daemon_get_run_table (self->daemon),
                                      filter, error);
}
