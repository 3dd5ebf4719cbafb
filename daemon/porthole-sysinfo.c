/* porthole-sysinfo.c
 *
 * CPU usage (the machine's and the daemon's) and network rates are
 * differences of counters, so one sampler keeps the last reading and the
 * figures over the last interval; requests read them without waiting.
 * The sampler is slow while nobody watches (an idle daemon must cost
 * next to nothing) and as fast as the fastest live metrics subscriber
 * otherwise. A request that finds the last reading over a second old
 * measures from that reading to now instead, so /system is never more
 * than a few seconds behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "porthole-cgroup-limits.h"
#include "porthole-json.h"
#include "porthole-procfs.h"
#include "porthole-protocol.h"
#include "porthole-sysinfo.h"

/* A reading older than this is refreshed by the request that wants it. */
#define STALE_USEC G_USEC_PER_SEC
/* The shortest window a figure is measured over. */
#define MIN_WINDOW_USEC (G_USEC_PER_SEC / 20)

typedef struct
{
  gint64 when;
  guint64 busy;
  guint64 total;
  guint64 rx;
  guint64 tx;
  guint64 self_ticks;
} Reading;

struct _PortholeSysinfo
{
  GObject parent_instance;

  char *disk_path;
  guint requested_ms;
  guint timer_id;
  gint64 next_due;

  Reading last;
  double cpu_percent;
  gboolean have_window;
  double self_cpu_percent;
  double rx_rate;
  double tx_rate;

  /* A request's own measurement, from the last reading to its time. */
  gint64 fresh_when;
  double fresh_cpu_percent;
};

enum {
  SAMPLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeSysinfo, porthole_sysinfo, G_TYPE_OBJECT)

static gboolean
read_cpu_counters (guint64 *busy,
                   guint64 *total)
{
  g_autofree char *contents = NULL;
  guint64 v[10] = { 0 };
  int n;

  if (!g_file_get_contents ("/proc/stat", &contents, NULL, NULL))
    return FALSE;

  /* cpu  user nice system idle iowait irq softirq steal guest guest_nice */
  n = sscanf (contents, "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
              &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
  if (n < 4)
    return FALSE;

  /* guest time is already counted in user time; idle and iowait are idle. */
  *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
  *busy = *total - v[3] - v[4];
  return TRUE;
}

static double
cpu_percent_between (const Reading *before,
                     const Reading *after)
{
  if (before->total == 0 || after->total <= before->total || after->busy < before->busy)
    return 0.0;

  return CLAMP (100.0 * (after->busy - before->busy) / (after->total - before->total), 0.0, 100.0);
}

static void
take_reading (Reading *reading)
{
  PortholeProcStat stat;

  memset (reading, 0, sizeof *reading);
  reading->when = g_get_monotonic_time ();
  read_cpu_counters (&reading->busy, &reading->total);
  porthole_sysinfo_read_network (&reading->rx, &reading->tx);
  if (porthole_procfs_read_stat (getpid (), &stat))
    reading->self_ticks = stat.cpu_ticks;
}

static void schedule (PortholeSysinfo *self);

static void
sample (PortholeSysinfo *self)
{
  Reading now;
  double seconds;

  take_reading (&now);
  seconds = (now.when - self->last.when) / (double) G_USEC_PER_SEC;

  if (self->last.when > 0 && seconds > 0.0)
    {
      self->cpu_percent = cpu_percent_between (&self->last, &now);
      self->self_cpu_percent = now.self_ticks >= self->last.self_ticks
                               ? 100.0 * (now.self_ticks - self->last.self_ticks)
                                 / porthole_procfs_ticks_per_second () / seconds
                               : 0.0;
      self->rx_rate = now.rx >= self->last.rx ? (now.rx - self->last.rx) / seconds : 0.0;
      self->tx_rate = now.tx >= self->last.tx ? (now.tx - self->last.tx) / seconds : 0.0;
      self->have_window = TRUE;
    }

  self->last = now;
  self->fresh_when = 0;
}

static gboolean
sample_cb (gpointer user_data)
{
  PortholeSysinfo *self = user_data;

  self->timer_id = 0;
  sample (self);
  schedule (self);
  g_signal_emit (self, signals[SAMPLED], 0);

  return G_SOURCE_REMOVE;
}

/* Arms the timer for the next due time: readings stay evenly spaced
 * whatever time the callbacks take, unless the loop fell behind. */
static void
schedule (PortholeSysinfo *self)
{
  guint interval = porthole_sysinfo_get_interval (self);
  gint64 now = g_get_monotonic_time ();

  g_clear_handle_id (&self->timer_id, g_source_remove);

  if (self->next_due == 0 || self->next_due + (gint64) interval * 1000 < now)
    self->next_due = now + (gint64) interval * 1000;
  else
    self->next_due += (gint64) interval * 1000;

  /* An interval that shrank must not wait out the old one. */
  self->next_due = MIN (self->next_due, self->last.when + (gint64) interval * 1000);
  self->timer_id = g_timeout_add (MAX (self->next_due - now, 0) / 1000, sample_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->timer_id),
                            "[porthole] sysinfo sampler");
}

static void
porthole_sysinfo_finalize (GObject *object)
{
  PortholeSysinfo *self = (PortholeSysinfo *)object;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->disk_path, g_free);

  G_OBJECT_CLASS (porthole_sysinfo_parent_class)->finalize (object);
}

static void
porthole_sysinfo_class_init (PortholeSysinfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_sysinfo_finalize;

  /**
   * PortholeSysinfo::sampled:
   *
   * A new reading was taken: the figures cover the interval just past.
   */
  signals[SAMPLED] =
    g_signal_new ("sampled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_sysinfo_init (PortholeSysinfo *self)
{
}

/**
 * porthole_sysinfo_new:
 * @disk_path: the path whose file system /system reports (the workspace)
 */
PortholeSysinfo *
porthole_sysinfo_new (const char *disk_path)
{
  PortholeSysinfo *self = g_object_new (PORTHOLE_TYPE_SYSINFO, NULL);

  self->disk_path = g_strdup (disk_path);
  sample (self);
  schedule (self);

  return self;
}

/**
 * porthole_sysinfo_set_interval:
 * @interval_ms: the sampling interval, or 0 for the idle one
 *
 * The metrics stream asks for its fastest subscriber's interval while it
 * has subscribers, and gives it back with 0.
 */
void
porthole_sysinfo_set_interval (PortholeSysinfo *self,
                               guint            interval_ms)
{
  g_return_if_fail (PORTHOLE_IS_SYSINFO (self));

  if (self->requested_ms == interval_ms)
    return;

  self->requested_ms = interval_ms;
  self->next_due = 0;
  schedule (self);
}

guint
porthole_sysinfo_get_interval (PortholeSysinfo *self)
{
  return self->requested_ms ? self->requested_ms : PORTHOLE_SYSINFO_IDLE_INTERVAL_MS;
}

const char *
porthole_sysinfo_get_disk_path (PortholeSysinfo *self)
{
  return self->disk_path;
}

/**
 * porthole_sysinfo_get_cpu_percent:
 *
 * Returns: whole-machine CPU usage over the last sampling interval, or
 *   since the last reading when that is over a second old; 0–100
 */
double
porthole_sysinfo_get_cpu_percent (PortholeSysinfo *self)
{
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (PORTHOLE_IS_SYSINFO (self), 0.0);

  /* Right after start there is no interval yet, only one reading. */
  if (self->have_window ? now - self->last.when < STALE_USEC : now - self->last.when < MIN_WINDOW_USEC)
    return self->cpu_percent;

  /* Measured again at most every 250 ms, whoever asks. */
  if (now - self->fresh_when > STALE_USEC / 4)
    {
      Reading reading = { .when = now };

      if (read_cpu_counters (&reading.busy, &reading.total))
        self->fresh_cpu_percent = cpu_percent_between (&self->last, &reading);
      self->fresh_when = now;
    }

  return self->fresh_cpu_percent;
}

void
porthole_sysinfo_get_network (PortholeSysinfo     *self,
                              PortholeNetworkInfo *info)
{
  g_return_if_fail (PORTHOLE_IS_SYSINFO (self));

  memset (info, 0, sizeof *info);
  porthole_sysinfo_read_network (&info->rx_bytes, &info->tx_bytes);
  info->rx_rate = self->rx_rate;
  info->tx_rate = self->tx_rate;
}

/**
 * porthole_sysinfo_get_self:
 *
 * Fills @info with the daemon's figures now (the CPU percentage is the
 * last interval's).
 */
void
porthole_sysinfo_get_self (PortholeSysinfo  *self,
                           PortholeSelfInfo *info)
{
  PortholeProcStat stat;
  struct rlimit limit;

  g_return_if_fail (PORTHOLE_IS_SYSINFO (self));

  memset (info, 0, sizeof *info);
  info->pid = getpid ();
  if (porthole_procfs_read_stat (info->pid, &stat))
    {
      info->rss_bytes = stat.rss_bytes;
      info->vsize_bytes = stat.vsize_bytes;
      info->cpu_seconds = stat.cpu_ticks / (double) porthole_procfs_ticks_per_second ();
      info->threads = stat.threads;
      info->start_time = porthole_procfs_start_time (&stat);
    }
  info->cpu_percent = self->self_cpu_percent;
  info->open_fds = porthole_procfs_count_fds (info->pid);
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    info->max_fds = limit.rlim_cur;
}

guint
porthole_sysinfo_get_n_cpus (void)
{
  long n = sysconf (_SC_NPROCESSORS_ONLN);

  return n > 0 ? (guint) n : 1;
}

gboolean
porthole_sysinfo_read_memory (PortholeMemoryInfo *info)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean have_available = FALSE;

  memset (info, 0, sizeof *info);

  if (!g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      guint64 kib;

      if (sscanf (lines[i], "MemTotal: %" G_GUINT64_FORMAT, &kib) == 1)
        info->total = kib * 1024;
      else if (sscanf (lines[i], "MemFree: %" G_GUINT64_FORMAT, &kib) == 1)
        info->free = kib * 1024;
      else if (sscanf (lines[i], "MemAvailable: %" G_GUINT64_FORMAT, &kib) == 1)
        {
          info->available = kib * 1024;
          have_available = TRUE;
        }
    }

  if (!have_available)
    info->available = info->free;
  if (info->total == 0)
    return FALSE;

  info->used = info->total - MIN (info->available, info->total);
  info->usage_percent = 100.0 * info->used / info->total;
  return TRUE;
}

gboolean
porthole_sysinfo_read_disk (const char       *path,
                            PortholeDiskInfo *info)
{
  struct statvfs st;

  memset (info, 0, sizeof *info);

  if (path == NULL || statvfs (path, &st) != 0)
    return FALSE;

  info->total = (guint64) st.f_blocks * st.f_frsize;
  info->free = (guint64) st.f_bavail * st.f_frsize;
  info->used = info->total - (guint64) st.f_bfree * st.f_frsize;
  /* As df does: used over what users can have. */
  info->usage_percent = info->used + info->free > 0
                        ? 100.0 * info->used / (info->used + info->free) : 0.0;
  return TRUE;
}

/**
 * porthole_sysinfo_read_network:
 *
 * Sums the byte counters of /proc/net/dev over every interface but
 * loopback.
 */
gboolean
porthole_sysinfo_read_network (guint64 *rx_bytes,
                               guint64 *tx_bytes)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  *rx_bytes = *tx_bytes = 0;

  if (!g_file_get_contents ("/proc/net/dev", &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *colon = strchr (lines[i], ':');
      guint64 rx, tx;

      if (colon == NULL)
        continue;
      *colon = '\0';
      if (g_str_equal (g_strstrip (lines[i]), "lo"))
        continue;
      if (sscanf (colon + 1, "%" G_GUINT64_FORMAT " %*u %*u %*u %*u %*u %*u %*u %" G_GUINT64_FORMAT,
                  &rx, &tx) == 2)
        {
          *rx_bytes += rx;
          *tx_bytes += tx;
        }
    }

  return TRUE;
}

gboolean
porthole_sysinfo_read_loadavg (double loadavg[3])
{
  g_autofree char *contents = NULL;

  loadavg[0] = loadavg[1] = loadavg[2] = 0.0;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return FALSE;

  return sscanf (contents, "%lf %lf %lf", &loadavg[0], &loadavg[1], &loadavg[2]) == 3;
}

double
porthole_sysinfo_read_uptime (void)
{
  g_autofree char *contents = NULL;
  double uptime = 0.0;

  if (g_file_get_contents ("/proc/uptime", &contents, NULL, NULL))
    sscanf (contents, "%lf", &uptime);

  return uptime;
}

/**
 * porthole_sysinfo_build_system:
 *
 * Returns: (transfer full): the body of GET /system (API.md §2), plus
 *   `network` and the container's `limits`
 */
JsonObject *
porthole_sysinfo_build_system (PortholeSysinfo *self)
{
  JsonObject *system = json_object_new ();
  JsonObject *cpu = json_object_new ();
  JsonObject *memory = json_object_new ();
  JsonObject *disk = json_object_new ();
  JsonObject *network = json_object_new ();
  JsonArray *load = json_array_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  PortholeCgroupLimits limits;
  PortholeMemoryInfo mem;
  PortholeDiskInfo dsk;
  PortholeNetworkInfo net;
  double loadavg[3];
  double cpu_percent = porthole_sysinfo_get_cpu_percent (self);

  porthole_sysinfo_read_memory (&mem);
  porthole_sysinfo_read_disk (self->disk_path, &dsk);
  porthole_sysinfo_read_loadavg (loadavg);
  porthole_sysinfo_get_network (self, &net);
  porthole_cgroup_limits_read (&limits);

  json_object_set_double_member (cpu, "usage_percent", cpu_percent);
  json_object_set_int_member (cpu, "cores", porthole_sysinfo_get_n_cpus ());
  for (guint i = 0; i < 3; i++)
    json_array_add_double_element (load, loadavg[i]);
  json_object_set_array_member (cpu, "load_average", load);

  json_object_set_int_member (memory, "total", mem.total);
  json_object_set_int_member (memory, "used", mem.used);
  json_object_set_int_member (memory, "free", mem.free);
  json_object_set_int_member (memory, "available", mem.available);
  json_object_set_double_member (memory, "usage_percent", mem.usage_percent);

  json_object_set_string_member (disk, "path", self->disk_path ? self->disk_path : "/");
  json_object_set_int_member (disk, "total", dsk.total);
  json_object_set_int_member (disk, "used", dsk.used);
  json_object_set_int_member (disk, "free", dsk.free);
  json_object_set_double_member (disk, "usage_percent", dsk.usage_percent);

  json_object_set_int_member (network, "rx_bytes", net.rx_bytes);
  json_object_set_int_member (network, "tx_bytes", net.tx_bytes);
  json_object_set_double_member (network, "rx_bytes_per_second", net.rx_rate);
  json_object_set_double_member (network, "tx_bytes_per_second", net.tx_rate);

  json_object_set_object_member (system, "cpu", cpu);
  json_object_set_object_member (system, "memory", memory);
  json_object_set_object_member (system, "disk", disk);
  json_object_set_object_member (system, "network", network);
  json_object_set_object_member (system, "limits", porthole_cgroup_limits_to_json (&limits));
  json_object_set_double_member (system, PORTHOLE_MEMBER_UPTIME, porthole_sysinfo_read_uptime ());
  json_object_set_double_member (system, "cpu_percent", cpu_percent);
  json_object_set_double_member (system, "memory_percent", mem.usage_percent);
  json_object_set_double_member (system, "disk_percent", dsk.usage_percent);
  json_object_set_string_member (system, "hostname", g_get_host_name ());
  json_object_set_string_member (system, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  return system;
}
