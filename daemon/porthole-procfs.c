/* porthole-procfs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "porthole-procfs.h"
#include "porthole-sysinfo.h"

guint64
porthole_procfs_ticks_per_second (void)
{
  static long ticks;

  if (ticks <= 0)
    ticks = sysconf (_SC_CLK_TCK);

  return ticks > 0 ? ticks : 100;
}

guint64
porthole_procfs_memory_total (void)
{
  PortholeMemoryInfo info;

  return porthole_sysinfo_read_memory (&info) ? info.total : 0;
}

/**
 * porthole_procfs_read_stat:
 *
 * Returns: %FALSE if @pid is gone
 */
gboolean
porthole_procfs_read_stat (int               pid,
                           PortholeProcStat *stat)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *contents = NULL;
  const char *open_paren, *close_paren;
  unsigned long long utime, stime, start;
  long rss, threads;
  int ppid;
  char state;

  memset (stat, 0, sizeof *stat);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  /* comm may hold spaces and parentheses: it ends at the last ')'. */
  open_paren = strchr (contents, '(');
  close_paren = strrchr (contents, ')');
  if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
    return FALSE;

  if (sscanf (close_paren + 2,
              "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld %*d %llu %*u %ld",
              &state, &ppid, &utime, &stime, &threads, &start, &rss) != 7)
    return FALSE;

  stat->pid = pid;
  stat->ppid = ppid;
  stat->state = state;
  g_strlcpy (stat->comm, open_paren + 1, MIN (sizeof stat->comm, (gsize) (close_paren - open_paren)));
  stat->cpu_ticks = utime + stime;
  stat->start_ticks = start;
  stat->rss_bytes = (guint64) MAX (rss, 0) * sysconf (_SC_PAGESIZE);
  stat->threads = MAX (threads, 0);

  return TRUE;
}

/**
 * porthole_procfs_cpu_percent:
 * @sample: the previous reading, updated
 * @ticks: the process's CPU ticks now
 *
 * Returns: CPU use since the previous reading, in percent of one CPU
 */
double
porthole_procfs_cpu_percent (PortholeCpuSample *sample,
                             guint64            ticks)
{
  gint64 now = g_get_monotonic_time ();
  double percent = 0.0;

  if (sample->when > 0 && now > sample->when && ticks >= sample->ticks)
    percent = 100.0 * (ticks - sample->ticks) / porthole_procfs_ticks_per_second ()
              / ((now - sample->when) / (double) G_USEC_PER_SEC);

  sample->ticks = ticks;
  sample->when = now;

  return percent;
}
