/* porthole-sysinfo.h — host figures: CPU, memory, disk, load, uptime
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SYSINFO (porthole_sysinfo_get_type ())

G_DECLARE_FINAL_TYPE (PortholeSysinfo, porthole_sysinfo, PORTHOLE, SYSINFO, GObject)

typedef struct
{
  guint64 total;
  guint64 free;
  guint64 available;
  guint64 used;
  double usage_percent;
} PortholeMemoryInfo;

typedef struct
{
  guint64 total;
  guint64 free;
  guint64 used;
  double usage_percent;
} PortholeDiskInfo;

PortholeSysinfo *porthole_sysinfo_new              (const char         *disk_path);
double           porthole_sysinfo_get_cpu_percent  (PortholeSysinfo    *self);
guint            porthole_sysinfo_get_n_cpus       (void);
gboolean         porthole_sysinfo_read_memory      (PortholeMemoryInfo *info);
gboolean         porthole_sysinfo_read_disk        (const char         *path,
                                                    PortholeDiskInfo   *info);
gboolean         porthole_sysinfo_read_loadavg     (double              loadavg[3]);
double           porthole_sysinfo_read_uptime      (void);
JsonObject      *porthole_sysinfo_build_system     (PortholeSysinfo    *self);

G_END_DECLS
