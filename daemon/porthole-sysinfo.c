/* porthole-sysinfo.c
 *
 * CPU usage is a difference of /proc/stat counters, so a sampler keeps
 * the last reading and the usage over the last interval; requests read
 * the figure without waiting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-sysinfo.h"

#define SAMPLE_INTERVAL_SECONDS 1

struct _PortholeSysinfo
{
  GObject parent_instance;

  char *disk_path;
  guint64 last_busy;
  guint64 last_total;
  double cpu_percent;
  guint sample_id;
};

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

static gboolean
sample_cb (gpointer user_data)
{
  PortholeSysinfo *self = user_data;
  guint64 busy, total;

  if (read_cpu_counters (&busy, &total))
    {
      if (self->last_total != 0 && total > self->last_total)
        self->cpu_percent = CLAMP (100.0 * (busy - self->last_busy) / (total - self->last_total), 0.0, 100.0);
      self->last_busy = busy;
      self->last_total = total;
    }

  return G_SOURCE_CONTINUE;
}

static void
porthole_sysinfo_finalize (GObject *object)
{
  PortholeSysinfo *self = (PortholeSysinfo *)object;

  g_clear_handle_id (&self->sample_id, g_source_remove);
  g_clear_pointer (&self->disk_path, g_free);

  G_OBJECT_CLASS (porthole_sysinfo_parent_class)->finalize (object);
}

static void
porthole_sysinfo_class_init (PortholeSysinfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_sysinfo_finalize;
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
  sample_cb (self);
  self->sample_id = g_timeout_add_seconds (SAMPLE_INTERVAL_SECONDS, sample_cb, self);

  return self;
}

/**
 * porthole_sysinfo_get_cpu_percent:
 *
 * Returns: whole-machine CPU usage over the last sampling interval, 0–100
 */
double
porthole_sysinfo_get_cpu_percent (PortholeSysinfo *self)
{
  return self->cpu_percent;
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
 * Returns: (transfer full): the body of GET /system (API.md §2)
 */
JsonObject *
porthole_sysinfo_build_system (PortholeSysinfo *self)
{
  JsonObject *system = json_object_new ();
  JsonObject *cpu = json_object_new ();
  JsonObject *memory = json_object_new ();
  JsonObject *disk = json_object_new ();
  JsonArray *load = json_array_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  PortholeMemoryInfo mem;
  PortholeDiskInfo dsk;
  double loadavg[3];

  porthole_sysinfo_read_memory (&mem);
  porthole_sysinfo_read_disk (self->disk_path, &dsk);
  porthole_sysinfo_read_loadavg (loadavg);

  json_object_set_double_member (cpu, "usage_percent", self->cpu_percent);
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

  json_object_set_object_member (system, "cpu", cpu);
  json_object_set_object_member (system, "memory", memory);
  json_object_set_object_member (system, "disk", disk);
  json_object_set_double_member (system, PORTHOLE_MEMBER_UPTIME, porthole_sysinfo_read_uptime ());
  json_object_set_double_member (system, "cpu_percent", self->cpu_percent);
  json_object_set_double_member (system, "memory_percent", mem.usage_percent);
  json_object_set_double_member (system, "disk_percent", dsk.usage_percent);
  json_object_set_string_member (system, "hostname", g_get_host_name ());
  json_object_set_string_member (system, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  return system;
}
