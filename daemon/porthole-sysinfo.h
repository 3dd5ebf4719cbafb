/* porthole-sysinfo.h — host figures: CPU, memory, disk, network, load,
 * uptime, the daemon's own use, and the one sampler behind them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SYSINFO (porthole_sysinfo_get_type ())

G_DECLARE_FINAL_TYPE (PortholeSysinfo, porthole_sysinfo, PORTHOLE, SYSINFO, GObject)

/* Sampling interval when nobody asks for a faster one. */
#define PORTHOLE_SYSINFO_IDLE_INTERVAL_MS 5000

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

typedef struct
{
  guint64 rx_bytes;       /* since boot, every interface but loopback */
  guint64 tx_bytes;
  double rx_rate;         /* bytes per second over the last interval */
  double tx_rate;
} PortholeNetworkInfo;

/* The daemon process itself. */
typedef struct
{
  int pid;
  guint64 rss_bytes;
  guint64 vsize_bytes;
  double cpu_percent;     /* of one CPU, over the last interval */
  double cpu_seconds;     /* user + system since start */
  guint threads;
  guint open_fds;
  guint64 max_fds;
  gint64 start_time;      /* microseconds since the epoch */
} PortholeSelfInfo;

PortholeSysinfo *porthole_sysinfo_new              (const char          *disk_path);
void             porthole_sysinfo_set_interval     (PortholeSysinfo     *self,
                                                    guint                interval_ms);
guint            porthole_sysinfo_get_interval     (PortholeSysinfo     *self);
const char      *porthole_sysinfo_get_disk_path    (PortholeSysinfo     *self);
double           porthole_sysinfo_get_cpu_percent  (PortholeSysinfo     *self);
void             porthole_sysinfo_get_network      (PortholeSysinfo     *self,
                                                    PortholeNetworkInfo *info);
void             porthole_sysinfo_get_self         (PortholeSysinfo     *self,
                                                    PortholeSelfInfo    *info);

guint            porthole_sysinfo_get_n_cpus       (void);
gboolean         porthole_sysinfo_read_memory      (PortholeMemoryInfo  *info);
gboolean         porthole_sysinfo_read_disk        (const char          *path,
                                                    PortholeDiskInfo    *info);
gboolean         porthole_sysinfo_read_network     (guint64             *rx_bytes,
                                                    guint64             *tx_bytes);
gboolean         porthole_sysinfo_read_loadavg     (double               loadavg[3]);
double           porthole_sysinfo_read_uptime      (void);
JsonObject      *porthole_sysinfo_build_system     (PortholeSysinfo     *self);

G_END_DECLS
