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
  int session;
  char state;
  char comm[64];
  guint64 cpu_ticks;      /* utime + stime */
  guint64 start_ticks;    /* since boot */
  guint64 rss_bytes;
  guint64 vsize_bytes;
  guint threads;
} PortholeProcStat;

gboolean    porthole_procfs_read_stat        (int               pid,
                                              PortholeProcStat *stat);
char       *porthole_procfs_identity         (int               pid);
gboolean    porthole_procfs_parse_identity   (const char       *identity,
                                              int              *pid,
                                              guint64          *start_ticks);
gboolean    porthole_procfs_identity_is_alive (const char      *identity);
GStrv       porthole_procfs_read_cmdline     (int               pid);
gboolean    porthole_procfs_read_uid         (int               pid,
                                              guint            *uid);
guint       porthole_procfs_count_fds        (int               pid);
GArray     *porthole_procfs_list_pids        (GError          **error);
const char *porthole_procfs_state_name       (char              state);
const char *porthole_procfs_user_name        (guint             uid);
guint64     porthole_procfs_ticks_per_second (void);
guint64     porthole_procfs_boot_time        (void);
gint64      porthole_procfs_start_time       (const PortholeProcStat *stat);
guint64     porthole_procfs_memory_total     (void);
gint64      porthole_procfs_oom_kills        (void);

/* CPU use of one process between two readings. */
typedef struct
{
  guint64 ticks;
  gint64 when;
} PortholeCpuSample;

double   porthole_procfs_cpu_percent   (PortholeCpuSample *sample,
                                        guint64            ticks);

/* CPU use of many processes between listings (top's way): each pass
 * gives every process its use since the previous pass, or its lifetime
 * average when it is new. */
typedef struct _PortholeCpuTracker PortholeCpuTracker;

PortholeCpuTracker *porthole_cpu_tracker_new    (void);
void                porthole_cpu_tracker_free   (PortholeCpuTracker     *self);
void                porthole_cpu_tracker_begin  (PortholeCpuTracker     *self);
double              porthole_cpu_tracker_update (PortholeCpuTracker     *self,
                                                 const PortholeProcStat *stat);
void                porthole_cpu_tracker_end    (PortholeCpuTracker     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeCpuTracker, porthole_cpu_tracker_free)

G_END_DECLS
