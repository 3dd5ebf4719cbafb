/* porthole-process-ledger.c
 *
 * A daemon that crashes takes its direct children along (porthole-spawn.c)
 * but not what they started. Its trees are ended by the next daemon, from
 * what this ledger says, in STATE/process-trees/<pid>-<start ticks>/:
 *
 *  - `cgroup`: the directory of its run cgroups (porthole-cgroup.c), when
 *    it had one: every process below is killed, whatever it did to leave
 *    its session;
 *  - `session-<pid>-<start ticks>`: one per run that got no cgroup, for as
 *    long as the run is live: its session leader, by identity. Every
 *    process of that session that started no earlier is killed, unless
 *    the leader's pid names another process by now (a session keeps its
 *    pid from being reused, so its processes are all gone then). A child
 *    that called setsid() is out of reach this way.
 *
 * At start-up, the records of every daemon that is gone (and of an
 * earlier image of this very process: a restart re-executes with the
 * same pid and start time) are acted on and removed; a live daemon's
 * are left alone. A clean stop removes its own (the trees are gone).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "porthole-cgroup.h"
#include "porthole-process-ledger.h"
#include "porthole-procfs.h"

#define LEDGER_DIR "process-trees"
#define CGROUP_FILE "cgroup"
#define SESSION_PREFIX "session-"

/* Our record, once open; and pid → its session file. */
static char *own_dir;
static GHashTable *sessions;

/* SIGKILL to the session @identity led; returns how many there were. */
static guint
end_session (const char *identity)
{
  PortholeProcStat leader;
  guint64 start_ticks;
  guint killed = 0;
  int pid;

  if (!porthole_procfs_parse_identity (identity, &pid, &start_ticks) ||
      (porthole_procfs_read_stat (pid, &leader) && leader.start_ticks != start_ticks))
    return 0;

  /* Twice: what forked during the first pass is found by the second. */
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);

      for (guint i = 0; pids && i < pids->len; i++)
        {
          int candidate = g_array_index (pids, int, i);
          PortholeProcStat stat;

          if (candidate != getpid () && porthole_procfs_read_stat (candidate, &stat) &&
              stat.session == pid && stat.start_ticks >= start_ticks && stat.state != 'Z' &&
              kill (candidate, SIGKILL) == 0 && pass == 0)
            killed++;
        }
    }

  return killed;
}

/* Acts on one daemon's record and removes it. */
static void
end_record (const char *dir)
{
  g_autofree char *cgroup_file = g_build_filename (dir, CGROUP_FILE, NULL);
  g_autofree char *cgroup = NULL;
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;
  guint killed = 0;

  if (g_file_get_contents (cgroup_file, &cgroup, NULL, NULL))
    {
      g_autofree char *base = g_path_get_basename (g_strstrip (cgroup));

      /* porthole-cgroup.c ends what is beside our own cgroup (and made
       * ours again, after a restart); this is for a daemon that ran in
       * another. */
      if (g_path_is_absolute (cgroup) && g_str_has_prefix (base, "portholed-") &&
          g_strcmp0 (cgroup, porthole_cgroup_get_base ()) != 0)
        killed += porthole_cgroup_end_tree (cgroup);
    }

  while (entries && (name = g_dir_read_name (entries)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_prefix (name, SESSION_PREFIX))
        killed += end_session (name + strlen (SESSION_PREFIX));
      g_unlink (path);
    }
  g_rmdir (dir);

  if (killed > 0)
    g_message ("Ended %u processes a daemon that is gone left running (%s)", killed, dir);
}

static void
reap_cb (GPid     pid,
         int      status,
         gpointer user_data)
{
}

/* An earlier image of this process may have left children it could not
 * wait for (porthole_restart_exec() gives them a few seconds): they are
 * ours to reap now, or they would stay zombies. */
static void
adopt_children (void)
{
  g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);

  for (guint i = 0; pids && i < pids->len; i++)
    {
      PortholeProcStat stat;

      if (porthole_procfs_read_stat (g_array_index (pids, int, i), &stat) && stat.ppid == getpid ())
        g_child_watch_add (stat.pid, reap_cb, NULL);
    }
}

/**
 * porthole_process_ledger_open:
 * @state_dir: the daemon's state directory
 *
 * At start-up, before the first child: ends what daemons that are gone
 * left running, then keeps a record of this one. Once per process.
 */
void
porthole_process_ledger_open (const char *state_dir)
{
  g_autofree char *root = g_build_filename (state_dir, LEDGER_DIR, NULL);
  g_autofree char *identity = porthole_procfs_identity (getpid ());
  g_autoptr(GDir) records = NULL;
  gboolean restarted = FALSE;
  const char *cgroup_base;
  const char *name;

  if (own_dir != NULL || identity == NULL)
    return;

  /* Ends the trees beside our own cgroup, and makes ours. */
  cgroup_base = porthole_cgroup_get_base ();

  if (g_mkdir_with_parents (root, 0700) != 0)
    {
      g_warning ("Cannot keep a record of process trees in %s: %s", root, g_strerror (errno));
      return;
    }

  records = g_dir_open (root, 0, NULL);
  while (records && (name = g_dir_read_name (records)))
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_str_equal (name, identity))
        restarted = TRUE;
      else if (porthole_procfs_identity_is_alive (name))
        continue;
      end_record (path);
    }

  if (restarted)
    adopt_children ();

  own_dir = g_build_filename (root, identity, NULL);
  sessions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if (g_mkdir (own_dir, 0700) != 0)
    g_warning ("Cannot keep a record of process trees in %s: %s", own_dir, g_strerror (errno));
  else if (cgroup_base != NULL)
    {
      g_autofree char *cgroup_file = g_build_filename (own_dir, CGROUP_FILE, NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (cgroup_file, cgroup_base, -1, &error))
        g_warning ("%s", error->message);
    }
}

/**
 * porthole_process_ledger_add:
 * @pid: a child that leads its own session and has no cgroup
 *
 * Records the run until porthole_process_ledger_remove().
 */
void
porthole_process_ledger_add (GPid pid)
{
  g_autofree char *identity = NULL;
  g_autofree char *name = NULL;
  char *path;
  int fd;

  if (sessions == NULL || (identity = porthole_procfs_identity (pid)) == NULL)
    return;

  name = g_strconcat (SESSION_PREFIX, identity, NULL);
  path = g_build_filename (own_dir, name, NULL);
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_debug ("Cannot record %s: %s", path, g_strerror (errno));
      g_free (path);
      return;
    }
  close (fd);
  g_hash_table_replace (sessions, GINT_TO_POINTER (pid), path);
}

void
porthole_process_ledger_remove (GPid pid)
{
  const char *path;

  if (sessions == NULL || (path = g_hash_table_lookup (sessions, GINT_TO_POINTER (pid))) == NULL)
    return;

  g_unlink (path);
  g_hash_table_remove (sessions, GINT_TO_POINTER (pid));
}

/**
 * porthole_process_ledger_close:
 *
 * A clean stop, every tree ended: the record goes, and the run cgroups
 * that are empty by now.
 */
void
porthole_process_ledger_close (void)
{
  g_autofree char *cgroup_file = NULL;
  GHashTableIter iter;
  gpointer path;

  if (own_dir == NULL)
    return;

  porthole_cgroup_release ();

  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, NULL, &path))
    g_unlink (path);
  g_clear_pointer (&sessions, g_hash_table_unref);

  cgroup_file = g_build_filename (own_dir, CGROUP_FILE, NULL);
  g_unlink (cgroup_file);
  g_rmdir (own_dir);
  g_clear_pointer (&own_dir, g_free);
}
