/* porthole-procfs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <gio/gio.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-procfs.h"
#include "porthole-sysinfo.h"

/* A pass sooner than this after the previous one reuses its figures:
 * shorter windows are mostly noise. */
#define MIN_CPU_WINDOW_USEC (G_USEC_PER_SEC / 2)

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
 * porthole_procfs_oom_kills:
 *
 * Counts both the kernel's system-wide and its memory cgroups' kills.
 *
 * Returns: how many processes the kernel's out-of-memory killer has
 *   killed since boot (/proc/vmstat "oom_kill", Linux 4.13), -1 if
 *   unknown
 */
gint64
porthole_procfs_oom_kills (void)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/vmstat", &contents, NULL, NULL))
    return -1;
  if (g_str_has_prefix (contents, "oom_kill "))
    line = contents;
  else if ((line = strstr (contents, "\noom_kill ")) != NULL)
    line++;
  else
    return -1;

  return g_ascii_strtoll (line + strlen ("oom_kill "), NULL, 10);
}

/**
 * porthole_procfs_boot_time:
 *
 * Returns: the boot time, in seconds since the epoch ("btime")
 */
guint64
porthole_procfs_boot_time (void)
{
  static guint64 btime;

  if (btime == 0)
    {
      g_autofree char *contents = NULL;
      const char *line;

      if (g_file_get_contents ("/proc/stat", &contents, NULL, NULL) &&
          (line = strstr (contents, "\nbtime ")) != NULL)
        btime = g_ascii_strtoull (line + 7, NULL, 10);
    }

  return btime;
}

/**
 * porthole_procfs_start_time:
 *
 * Returns: when the process started, in microseconds since the epoch
 */
gint64
porthole_procfs_start_time (const PortholeProcStat *stat)
{
  guint64 hz = porthole_procfs_ticks_per_second ();

  return (gint64) porthole_procfs_boot_time () * G_USEC_PER_SEC +
         (gint64) (stat->start_ticks * G_USEC_PER_SEC / hz);
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
  char path[64];
  g_autofree char *contents = NULL;
  const char *open_paren, *close_paren;
  unsigned long long utime, stime, start, vsize;
  long rss, threads;
  int ppid, session;
  char state;

  memset (stat, 0, sizeof *stat);

  g_snprintf (path, sizeof path, "/proc/%d/stat", pid);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  /* comm may hold spaces and parentheses: it ends at the last ')'. */
  open_paren = strchr (contents, '(');
  close_paren = strrchr (contents, ')');
  if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
    return FALSE;

  if (sscanf (close_paren + 2,
              "%c %d %*d %d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld %*d %llu %llu %ld",
              &state, &ppid, &session, &utime, &stime, &threads, &start, &vsize, &rss) != 9)
    return FALSE;

  stat->pid = pid;
  stat->ppid = ppid;
  stat->session = session;
  stat->state = state;
  g_strlcpy (stat->comm, open_paren + 1, MIN (sizeof stat->comm, (gsize) (close_paren - open_paren)));
  stat->cpu_ticks = utime + stime;
  stat->start_ticks = start;
  stat->rss_bytes = (guint64) MAX (rss, 0) * sysconf (_SC_PAGESIZE);
  stat->vsize_bytes = vsize;
  stat->threads = MAX (threads, 0);

  return TRUE;
}

/**
 * porthole_procfs_identity:
 *
 * A pid names a process only while it runs; with its start time it
 * names it for good, so a record of it can never hit a process that got
 * the pid later.
 *
 * Returns: (transfer full) (nullable): "PID-STARTTICKS", or %NULL if
 *   @pid is gone
 */
char *
porthole_procfs_identity (int pid)
{
  PortholeProcStat stat;

  if (!porthole_procfs_read_stat (pid, &stat))
    return NULL;
  return g_strdup_printf ("%d-%" G_GUINT64_FORMAT, pid, stat.start_ticks);
}

gboolean
porthole_procfs_parse_identity (const char *identity,
                                int        *pid,
                                guint64    *start_ticks)
{
  g_auto(GStrv) parts = g_strsplit (identity, "-", -1);
  guint64 number;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXINT, &number, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT64, start_ticks, NULL))
    return FALSE;

  *pid = (int) number;
  return TRUE;
}

/**
 * porthole_procfs_identity_is_alive:
 *
 * Returns: %TRUE if the process of @identity (porthole_procfs_identity())
 *   still runs; %FALSE if it is gone, even if its pid is in use again
 */
gboolean
porthole_procfs_identity_is_alive (const char *identity)
{
  PortholeProcStat stat;
  guint64 start_ticks;
  int pid;

  return porthole_procfs_parse_identity (identity, &pid, &start_ticks) &&
         porthole_procfs_read_stat (pid, &stat) && stat.start_ticks == start_ticks &&
         stat.state != 'Z';
}

/**
 * porthole_procfs_read_cmdline:
 *
 * Returns: (transfer full): the arguments; empty for kernel threads and
 *   zombies, %NULL if @pid is gone
 */
GStrv
porthole_procfs_read_cmdline (int pid)
{
  char path[64];
  g_autofree char *contents = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  gsize length;

  g_snprintf (path, sizeof path, "/proc/%d/cmdline", pid);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;

  builder = g_strv_builder_new ();
  for (gsize start = 0; start < length;)
    {
      const char *arg = contents + start;
      gsize arg_length = strnlen (arg, length - start);

      g_autofree char *valid = g_utf8_make_valid (arg, arg_length);

      g_strv_builder_add (builder, valid);
      start += arg_length + 1;
    }

  return g_strv_builder_end (builder);
}

/**
 * porthole_procfs_read_uid:
 *
 * The owner of /proc/<pid> is the process's effective uid.
 */
gboolean
porthole_procfs_read_uid (int    pid,
                          guint *uid)
{
  char path[64];
  struct stat st;

  g_snprintf (path, sizeof path, "/proc/%d", pid);
  if (stat (path, &st) != 0)
    return FALSE;

  *uid = st.st_uid;
  return TRUE;
}

/**
 * porthole_procfs_count_fds:
 *
 * Returns: the open file descriptors of @pid (0 if unreadable)
 */
guint
porthole_procfs_count_fds (int pid)
{
  char path[64];
  DIR *dir;
  struct dirent *entry;
  guint n = 0;

  g_snprintf (path, sizeof path, "/proc/%d/fd", pid);
  if ((dir = opendir (path)) == NULL)
    return 0;

  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.')
      n++;
  closedir (dir);

  /* opendir's own descriptor is in the listing of our own process. */
  return pid == getpid () && n > 0 ? n - 1 : n;
}

/**
 * porthole_procfs_list_pids:
 *
 * Returns: (transfer full) (element-type int): every process id
 */
GArray *
porthole_procfs_list_pids (GError **error)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (int));
  DIR *dir;
  struct dirent *entry;

  if ((dir = opendir ("/proc")) == NULL)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot read /proc: %s", g_strerror (errsv));
      return NULL;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (entry->d_name, 10, 1, G_MAXINT, &pid, NULL))
        g_array_append_vals (pids, &(int) { pid }, 1);
    }
  closedir (dir);

  return g_steal_pointer (&pids);
}

/**
 * porthole_procfs_state_name:
 *
 * Returns: the API.md §9.1 name of a /proc state letter
 */
const char *
porthole_procfs_state_name (char state)
{
  switch (state)
    {
    case 'R':
      return "running";
    case 'D':
      return "disk-sleep";
    case 'T':
    case 't':
      return "stopped";
    case 'Z':
    case 'X':
      return "zombie";
    case 'I':
      return "idle";
    case 'S':
    default:
      return "sleeping";
    }
}

/**
 * porthole_procfs_user_name:
 *
 * Returns: the login name of @uid, or its number; valid for the life of
 *   the process
 */
const char *
porthole_procfs_user_name (guint uid)
{
  static GHashTable *names;
  const char *name;

  if (names == NULL)
    names = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  name = g_hash_table_lookup (names, GUINT_TO_POINTER (uid));
  if (name == NULL)
    {
      struct passwd pwd, *result = NULL;
      char buffer[1024];
      char *copy;

      if (getpwuid_r (uid, &pwd, buffer, sizeof buffer, &result) == 0 && result != NULL)
        copy = g_strdup (result->pw_name);
      else
        copy = g_strdup_printf ("%u", uid);
      g_hash_table_insert (names, GUINT_TO_POINTER (uid), copy);
      name = copy;
    }

  return name;
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

/* CPU tracker */

typedef struct
{
  guint64 start_ticks;
  guint64 ticks;
  gint64 when;
  double percent;
  guint generation;
} TrackedProcess;

struct _PortholeCpuTracker
{
  GHashTable *processes;
  guint generation;
  gint64 now;
  double uptime;
};

PortholeCpuTracker *
porthole_cpu_tracker_new (void)
{
  PortholeCpuTracker *self = g_new0 (PortholeCpuTracker, 1);

  self->processes = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  return self;
}

void
porthole_cpu_tracker_free (PortholeCpuTracker *self)
{
  g_hash_table_unref (self->processes);
  g_free (self);
}

void
porthole_cpu_tracker_begin (PortholeCpuTracker *self)
{
  self->generation++;
  self->now = g_get_monotonic_time ();
  self->uptime = porthole_sysinfo_read_uptime ();
}

/**
 * porthole_cpu_tracker_update:
 *
 * Returns: @stat's process CPU use in percent of one CPU: since the
 *   previous pass, or over its life if it was not seen before
 */
double
porthole_cpu_tracker_update (PortholeCpuTracker     *self,
                             const PortholeProcStat *stat)
{
  TrackedProcess *tracked = g_hash_table_lookup (self->processes, GINT_TO_POINTER (stat->pid));
  double hz = porthole_procfs_ticks_per_second ();

  /* A reused pid is another process. */
  if (tracked != NULL && tracked->start_ticks != stat->start_ticks)
    {
      g_hash_table_remove (self->processes, GINT_TO_POINTER (stat->pid));
      tracked = NULL;
    }

  if (tracked == NULL)
    {
      double age = self->uptime - stat->start_ticks / hz;

      tracked = g_new0 (TrackedProcess, 1);
      tracked->start_ticks = stat->start_ticks;
      tracked->ticks = stat->cpu_ticks;
      tracked->when = self->now;
      tracked->percent = age > 0.0 ? 100.0 * stat->cpu_ticks / hz / age : 0.0;
      g_hash_table_insert (self->processes, GINT_TO_POINTER (stat->pid), tracked);
    }
  else if (self->now - tracked->when >= MIN_CPU_WINDOW_USEC)
    {
      double window = (self->now - tracked->when) / (double) G_USEC_PER_SEC;

      tracked->percent = stat->cpu_ticks >= tracked->ticks
                         ? 100.0 * (stat->cpu_ticks - tracked->ticks) / hz / window : 0.0;
      tracked->ticks = stat->cpu_ticks;
      tracked->when = self->now;
    }

  tracked->generation = self->generation;
  return tracked->percent;
}

static gboolean
is_stale (gpointer key,
          gpointer value,
          gpointer user_data)
{
  TrackedProcess *tracked = value;
  PortholeCpuTracker *self = user_data;

  return tracked->generation != self->generation;
}

/**
 * porthole_cpu_tracker_end:
 *
 * Forgets processes the pass did not see (they are gone).
 */
void
porthole_cpu_tracker_end (PortholeCpuTracker *self)
{
  g_hash_table_foreach_remove (self->processes, is_stale, self);
}
