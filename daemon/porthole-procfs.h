/* porthole-procfs.h — reading /proc/<pid>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int pid;
  int ppid;
  char state;
  char comm[64];
  guint64 cpu_ticks;      /* utime + stime */
  guint64 start_ticks;    /* since boot */
  guint64 rss_bytes;
  guint threads;
} PortholeProcStat;

gboolean porthole_procfs_read_stat     (int               pid,
                                        PortholeProcStat *stat);
guint64  porthole_procfs_ticks_per_second (void);
guint64  porthole_procfs_memory_total  (void);

/* CPU use of one process between two readings. */
typedef struct
{
  guint64 ticks;
  gint64 when;
} PortholeCpuSample;

double   porthole_procfs_cpu_percent   (PortholeCpuSample *sample,
                                        guint64            ticks);

G_END_DECLS
