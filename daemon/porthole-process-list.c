/* porthole-process-list.c
 *
 * API.md §9.1: newest first (the JS test kills the first "sleep" or
 * "bash" it finds, which must be the one it just started), and daemon
 * runs carry their process_id so callers of the system list can still
 * find them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-json.h"
#include "porthole-process-list.h"
#include "porthole-protocol.h"
#include "porthole-run-table.h"

typedef struct
{
  PortholeProcStat stat;
  double cpu_percent;
} Entry;

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const Entry *x = a, *y = b;

  if (x->stat.start_ticks != y->stat.start_ticks)
    return x->stat.start_ticks > y->stat.start_ticks ? -1 : 1;

  return y->stat.pid - x->stat.pid;
}

/* OS pid → process_id of the daemon's runs still going. */
static GHashTable *
map_runs (PortholeRunTable *runs)
{
  GHashTable *map = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GPtrArray) list = porthole_run_table_list (runs);

  for (guint i = 0; i < list->len; i++)
    {
      PortholeRun *run = g_ptr_array_index (list, i);
      PortholeProcess *process = porthole_run_get_process (run);

      if (process != NULL && !porthole_run_is_finished (run) && porthole_process_get_pid (process) > 0)
        g_hash_table_insert (map, GINT_TO_POINTER (porthole_process_get_pid (process)),
                             g_strdup (porthole_run_get_process_id (run)));
    }

  return map;
}

static gboolean
matches (const PortholeProcessFilter *filter,
         const Entry                 *entry,
         const char                  *user)
{
  if (filter->user != NULL && *filter->user != '\0' && g_strcmp0 (filter->user, user) != 0)
    return FALSE;

  if (filter->name != NULL && *filter->name != '\0')
    {
      g_autofree char *name = g_utf8_casefold (entry->stat.comm, -1);
      g_autofree char *wanted = g_utf8_casefold (filter->name, -1);

      if (strstr (name, wanted) == NULL)
        return FALSE;
    }

  return TRUE;
}

static JsonObject *
entry_to_json (const Entry *entry,
               const char  *user,
               const char  *process_id,
               guint64      memory_total)
{
  JsonObject *object = json_object_new ();
  JsonArray *cmdline = json_array_new ();
  g_auto(GStrv) argv = porthole_procfs_read_cmdline (entry->stat.pid);
  g_autofree char *command = NULL;
  g_autofree char *start = porthole_timestamp_from_unix (porthole_procfs_start_time (&entry->stat));

  for (guint i = 0; argv && argv[i]; i++)
    json_array_add_string_element (cmdline, argv[i]);
  /* Kernel threads and zombies have no command line: ps shows [comm]. */
  if (argv != NULL && argv[0] != NULL)
    command = g_strjoinv (" ", argv);
  else
    command = g_strdup_printf ("[%s]", entry->stat.comm);

  json_object_set_int_member (object, "pid", entry->stat.pid);
  json_object_set_int_member (object, "ppid", entry->stat.ppid);
  json_object_set_string_member (object, "name", entry->stat.comm);
  json_object_set_string_member (object, "command", command);
  json_object_set_array_member (object, "cmdline", cmdline);
  json_object_set_string_member (object, PORTHOLE_MEMBER_STATUS, porthole_procfs_state_name (entry->stat.state));
  json_object_set_string_member (object, "user", user);
  json_object_set_double_member (object, "cpu_percent", entry->cpu_percent);
  json_object_set_double_member (object, "memory_percent",
                                 memory_total ? 100.0 * entry->stat.rss_bytes / memory_total : 0.0);
  json_object_set_double_member (object, "memory_mb", entry->stat.rss_bytes / (1024.0 * 1024.0));
  json_object_set_int_member (object, "threads", entry->stat.threads);
  json_object_set_string_member (object, "start_time", start);
  if (process_id != NULL)
    json_object_set_string_member (object, "process_id", process_id);

  return object;
}

/**
 * porthole_process_list_build:
 * @tracker: keeps the CPU readings between listings
 *
 * Every process is read (so CPU figures stay continuous), then filtered.
 *
 * Returns: (transfer full): `processes`, `count`, `total`, `timestamp`
 */
JsonObject *
porthole_process_list_build (PortholeCpuTracker          *tracker,
                             PortholeRunTable            *runs,
                             const PortholeProcessFilter *filter,
                             GError                     **error)
{
  g_autoptr(GArray) pids = porthole_procfs_list_pids (error);
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GHashTable) run_ids = NULL;
  JsonObject *result;
  JsonArray *processes;
  g_autofree char *timestamp = NULL;
  guint64 memory_total = porthole_procfs_memory_total ();

  if (pids == NULL)
    return NULL;

  entries = g_array_sized_new (FALSE, FALSE, sizeof (Entry), pids->len);
  porthole_cpu_tracker_begin (tracker);
  for (guint i = 0; i < pids->len; i++)
    {
      Entry entry;

      /* Gone between the listing and now: skip it. */
      if (!porthole_procfs_read_stat (g_array_index (pids, int, i), &entry.stat))
        continue;
      entry.cpu_percent = porthole_cpu_tracker_update (tracker, &entry.stat);
      g_array_append_val (entries, entry);
    }
  porthole_cpu_tracker_end (tracker);
  g_array_sort (entries, newest_first);

  run_ids = map_runs (runs);
  processes = json_array_new ();
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);
      const char *user;
      guint uid;

      if (filter->limit > 0 && json_array_get_length (processes) >= (guint64) filter->limit)
        break;
      if (!porthole_procfs_read_uid (entry->stat.pid, &uid))
        continue;
      user = porthole_procfs_user_name (uid);
      if (!matches (filter, entry, user))
        continue;

      json_array_add_object_element (processes,
                                     entry_to_json (entry, user,
                                                    g_hash_table_lookup (run_ids, GINT_TO_POINTER (entry->stat.pid)),
                                                    memory_total));
    }

  result = json_object_new ();
  timestamp = porthole_timestamp_now ();
  json_object_set_int_member (result, PORTHOLE_MEMBER_COUNT, json_array_get_length (processes));
  json_object_set_int_member (result, "total", entries->len);
  json_object_set_array_member (result, "processes", processes);
  json_object_set_string_member (result, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  return result;
}

/**
 * porthole_process_list_count:
 *
 * Returns: how many processes the machine (or the PID namespace) has
 */
guint
porthole_process_list_count (void)
{
  g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);

  return pids ? pids->len : 0;
}
