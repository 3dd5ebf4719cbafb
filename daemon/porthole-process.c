/* porthole-process.c
 *
 * Every child portholed starts goes through here: user code, commands,
 * terminals, and helpers such as Xvfb or a Jupyter kernel. The rules are
 * those of API.md §1.8 and SECURITY.md §6:
 *
 *  - a new session (so a new process group), and a cgroup of its own
 *    where a writable hierarchy allows, entered before the program runs
 *    (see porthole-spawn.c), and death with the daemon; what a crash
 *    leaves of the tree is ended by the next daemon
 *    (porthole-process-ledger.c);
 *  - the target user's identity (`user=`), unless the child is one of
 *    the daemon's own helpers;
 *  - stdin is /dev/null (or a new pseudo-terminal), the environment is
 *    exactly what the caller built, SIGPIPE back to its default, and the
 *    OOM killer prefers the child to the daemon;
 *  - output is read in chunks of at most 64 KiB, decoded as UTF-8 with
 *    U+FFFD for invalid bytes (never splitting a character across
 *    chunks) and NUL bytes as PORTHOLE_JSON_NUL, and captured up to a
 *    limit;
 *  - the run is over when its main process exits, plus a short drain of
 *    its pipes: descendants that keep them open are left alone and their
 *    output is read and dropped;
 *  - a timeout or a kill ends the whole tree: SIGTERM, then SIGKILL 2 s
 *    later; the main process is reaped by GLib's child watch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "porthole-cgroup.h"
#include "porthole-defer.h"
#include "porthole-json-nul.h"
#include "porthole-process.h"
#include "porthole-process-ledger.h"
#include "porthole-procfs.h"
#include "porthole-spawn.h"
#include "porthole-target-user.h"

#define READ_CHUNK (64 * 1024)
/* Terminal input waiting for the child to read it, at most. */
#define MAX_PENDING_INPUT (1024 * 1024)
/* OOM score of children: above the daemon's (SECURITY.md G16). */
#define CHILD_OOM_SCORE_ADJ "100"

typedef struct
{
  PortholeProcess *process;
  PortholeProcessStream stream;
  int fd;
  GSource *source;
  GByteArray *carry;
  GString *capture;
  gboolean eof;
} Reader;

struct _PortholeProcess
{
  GObject parent_instance;

  GStrv argv;
  GStrv envp;
  char *cwd;
  PortholeProcessFlags flags;
  guint timeout;
  gsize capture_limit;
  guint columns;
  guint rows;
  /* Extra descriptors for the child: ours until the spawn, then closed. */
  GArray *extra_fds;
  GArray *extra_targets;

  GPid pid;
  PortholeCgroup *cgroup;
  int pty_master;
  Reader readers[2];
  GByteArray *pending_input;
  GSource *input_source;

  gint64 start_time;
  gint64 end_time;
  gint64 oom_kills_at_start;
  int wait_status;
  guint child_watch_id;
  guint timeout_id;
  guint drain_id;
  guint escalate_id;
  GPtrArray *waiters;

  guint spawned : 1;
  guint main_exited : 1;
  guint finished : 1;
  guint timed_out : 1;
  guint killed : 1;
  guint kill_started : 1;
  guint truncated : 1;
  guint output_paused : 1;
  guint oom_killed : 1;
};

enum {
  OUTPUT,
  EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Live processes, so SIGTERM of the daemon can end them all. */
static GHashTable *live;

G_DEFINE_FINAL_TYPE (PortholeProcess, porthole_process, G_TYPE_OBJECT)

static void reader_stop (Reader *reader);
static void maybe_finish (PortholeProcess *self);

/* UTF-8 */

/* Appends @data to @out as valid UTF-8: invalid bytes become U+FFFD, and
 * an incomplete sequence at the very end waits in @carry for the next
 * chunk (unless @final). */
static void
decode_utf8 (GByteArray   *carry,
             const guint8 *data,
             gsize         length,
             gboolean      final,
             GString      *out)
{
  g_autoptr(GByteArray) joined = NULL;
  const char *p, *end;

  if (carry->len > 0)
    {
      joined = g_byte_array_sized_new (carry->len + length);
      g_byte_array_append (joined, carry->data, carry->len);
      g_byte_array_append (joined, data, length);
      g_byte_array_set_size (carry, 0);
      data = joined->data;
      length = joined->len;
    }

  /* Nothing carried and nothing new (a reader's final call): done, and
   * (const char *) NULL + 0 below would be undefined behaviour (UBSan,
   * through fuzz/fuzz-http). */
  if (length == 0)
    return;

  p = (const char *) data;
  end = p + length;

  while (p < end)
    {
      const char *valid_end;
      guchar lead;
      gsize need, have;

      if (g_utf8_validate (p, end - p, &valid_end))
        {
          g_string_append_len (out, p, end - p);
          break;
        }

      g_string_append_len (out, p, valid_end - p);
      p = valid_end;

      /* Output is data: a NUL byte stays, as the pair JSON writes as
       * \u0000 (porthole-json-nul.h), so the text is still a C string. */
      if (*p == '\0')
        {
          g_string_append_len (out, PORTHOLE_JSON_NUL, PORTHOLE_JSON_NUL_LENGTH);
          p++;
          continue;
        }

      lead = (guchar) *p;
      need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
      have = end - p;
      if (!final && need > 0 && have < need)
        {
          gboolean continuation = TRUE;

          for (gsize i = 1; i < have; i++)
            continuation &= ((guchar) p[i] & 0xC0) == 0x80;
          if (continuation)
            {
              g_byte_array_append (carry, (const guint8 *) p, have);
              break;
            }
        }

      g_string_append (out, "\xEF\xBF\xBD");
      p++;
    }
}

static void
capture (PortholeProcess *self,
         Reader          *reader,
         const char      *text,
         gsize            length)
{
  GString *buffer = reader->capture;

  if (buffer == NULL)
    return;

  if (!(self->flags & PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL))
    {
      gsize room = self->capture_limit > buffer->len ? self->capture_limit - buffer->len : 0;

      if (length > room)
        {
          /* Cut at a character boundary. */
          const char *cut = text + room;

          while (cut > text && ((guchar) *cut & 0xC0) == 0x80)
            cut--;
          g_string_append_len (buffer, text, cut - text);
          self->truncated = TRUE;
          return;
        }
      g_string_append_len (buffer, text, length);
      return;
    }

  g_string_append_len (buffer, text, length);
  if (buffer->len > 2 * self->capture_limit)
    {
      gsize drop = buffer->len - self->capture_limit;

      while (drop < buffer->len && ((guchar) buffer->str[drop] & 0xC0) == 0x80)
        drop++;
      g_string_erase (buffer, 0, drop);
      self->truncated = TRUE;
    }
}

static void
deliver (PortholeProcess *self,
         Reader          *reader,
         GString         *text)
{
  if (text->len == 0)
    return;

  capture (self, reader, text->str, text->len);
  g_signal_emit (self, signals[OUTPUT], 0, reader->stream, text->str, (guint64) text->len);
}

/* Readers */

static gboolean
reader_ready_cb (int          fd,
                 GIOCondition condition,
                 gpointer     user_data)
{
  Reader *reader = user_data;
  PortholeProcess *self = reader->process;
  g_autoptr(PortholeProcess) hold = g_object_ref (self);
  g_autoptr(GString) text = g_string_new (NULL);
  guint8 buffer[READ_CHUNK];
  gssize n;

  n = read (fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  /* After the run is over, what descendants still write is dropped. */
  if (n > 0 && !self->finished)
    {
      decode_utf8 (reader->carry, buffer, n, FALSE, text);
      deliver (self, reader, text);
      return G_SOURCE_CONTINUE;
    }
  if (n > 0)
    return G_SOURCE_CONTINUE;

  /* 0 is end of file; on a pseudo-terminal EIO means the last slave
   * descriptor closed, which is end of file too. */
  if (!self->finished)
    {
      decode_utf8 (reader->carry, NULL, 0, TRUE, text);
      deliver (self, reader, text);
    }
  reader->eof = TRUE;
  g_clear_pointer (&reader->source, g_source_unref);
  close (reader->fd);
  reader->fd = -1;

  maybe_finish (self);
  return G_SOURCE_REMOVE;
}

static void
reader_watch (Reader *reader)
{
  if (reader->fd < 0 || reader->source != NULL)
    return;

  reader->source = g_unix_fd_source_new (reader->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (reader->source, G_SOURCE_FUNC (reader_ready_cb), reader, NULL);
  g_source_set_static_name (reader->source, "[porthole] process output");
  /* A terminal's output is someone waiting for their echo: it goes
   * before the turn that serves every ready connection. The channel's
   * congestion pauses this reader, so a flood cannot hold that turn off
   * for long. Runs keep the default priority. */
  if (reader->process->flags & PORTHOLE_PROCESS_FLAGS_PTY)
    g_source_set_priority (reader->source, PORTHOLE_PRIORITY_INTERACTIVE);
  g_source_attach (reader->source, NULL);
}

static void
reader_unwatch (Reader *reader)
{
  if (reader->source != NULL)
    {
      g_source_destroy (reader->source);
      g_clear_pointer (&reader->source, g_source_unref);
    }
}

static void
reader_stop (Reader *reader)
{
  reader_unwatch (reader);
  if (reader->fd >= 0)
    {
      close (reader->fd);
      reader->fd = -1;
    }
}

/* Killing */

static gboolean
is_alive (PortholeProcess *self)
{
  return self->pid > 0 && !self->main_exited;
}

/* Without a cgroup: the process group, plus every descendant of the main
 * process still attached to it (setsid() leaves the group, not the
 * parent). Orphans that a double fork gave to init are out of reach. */
static void
signal_descendants (PortholeProcess *self,
                    int              signum)
{
  g_autoptr(GHashTable) parents = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) tree = g_hash_table_new (NULL, NULL);
  DIR *proc;
  struct dirent *entry;
  gboolean grew = TRUE;

  if (!is_alive (self) || (proc = opendir ("/proc")) == NULL)
    return;

  while ((entry = readdir (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *after_comm;
      int pid = atoi (entry->d_name);
      int ppid;

      if (pid <= 0)
        continue;
      path = g_strdup_printf ("/proc/%d/stat", pid);
      if (!g_file_get_contents (path, &stat, NULL, NULL) ||
          (after_comm = strrchr (stat, ')')) == NULL ||
          sscanf (after_comm + 2, "%*c %d", &ppid) != 1)
        continue;
      g_hash_table_insert (parents, GINT_TO_POINTER (pid), GINT_TO_POINTER (ppid));
    }
  closedir (proc);

  g_hash_table_add (tree, GINT_TO_POINTER (self->pid));
  while (grew)
    {
      GHashTableIter iter;
      gpointer pid, ppid;

      grew = FALSE;
      g_hash_table_iter_init (&iter, parents);
      while (g_hash_table_iter_next (&iter, &pid, &ppid))
        if (g_hash_table_contains (tree, ppid) && g_hash_table_add (tree, pid))
          grew = TRUE;
    }

  g_hash_table_remove (tree, GINT_TO_POINTER (self->pid));
  {
    GHashTableIter iter;
    gpointer pid;

    g_hash_table_iter_init (&iter, tree);
    while (g_hash_table_iter_next (&iter, &pid, NULL))
      kill (GPOINTER_TO_INT (pid), signum);
  }
}

static void
signal_tree (PortholeProcess *self,
             int              signum)
{
  if (self->pid <= 0)
    return;

  if (self->cgroup != NULL)
    {
      if (signum == SIGKILL)
        porthole_cgroup_kill (self->cgroup);
      else
        porthole_cgroup_signal (self->cgroup, signum);
    }
  else
    signal_descendants (self, signum);

  /* Before the main process is reaped its pid cannot be reused, so its
   * group is safe to signal. Afterwards the cgroup (when there is one)
   * already holds everyone; without one, members of the group keep the
   * id in use, so it still names this tree. */
  if (!self->main_exited || self->cgroup == NULL)
    kill (-self->pid, signum);
}

static gboolean
escalate_cb (gpointer user_data)
{
  PortholeProcess *self = user_data;

  self->escalate_id = 0;
  signal_tree (self, SIGKILL);
  maybe_finish (self);

  return G_SOURCE_REMOVE;
}

/**
 * porthole_process_kill:
 *
 * Ends the whole tree: SIGTERM (and SIGCONT, so stopped processes see
 * it), then SIGKILL 2 s later. Returns at once; "exited" follows.
 */
void
porthole_process_kill (PortholeProcess *self)
{
  g_return_if_fail (PORTHOLE_IS_PROCESS (self));

  if (self->kill_started || !self->spawned)
    return;

  self->kill_started = TRUE;
  if (!self->timed_out && !self->finished)
    self->killed = TRUE;

  signal_tree (self, SIGTERM);
  signal_tree (self, SIGCONT);
  self->escalate_id = g_timeout_add_full (G_PRIORITY_DEFAULT, PORTHOLE_PROCESS_KILL_GRACE_MS,
                                          escalate_cb, g_object_ref (self), g_object_unref);
}

/**
 * porthole_process_send_signal:
 *
 * Sends @signum to the process group (for a terminal: its foreground
 * process group, as the terminal driver would for ^C).
 */
void
porthole_process_send_signal (PortholeProcess *self,
                              int              signum)
{
  pid_t group = self->pid;

  g_return_if_fail (PORTHOLE_IS_PROCESS (self));

  if (!is_alive (self))
    return;

  if (self->pty_master >= 0)
    {
      pid_t foreground = tcgetpgrp (self->pty_master);

      if (foreground > 0)
        group = foreground;
    }

  kill (-group, signum);
}

/**
 * porthole_process_hangup:
 *
 * What a terminal going away does (PTY processes): SIGHUP, then SIGCONT
 * so stopped jobs see it, to the session's own process group and to the
 * terminal's foreground group. porthole_process_kill() makes sure.
 */
void
porthole_process_hangup (PortholeProcess *self)
{
  pid_t foreground;

  g_return_if_fail (PORTHOLE_IS_PROCESS (self));

  if (!is_alive (self))
    return;

  kill (-self->pid, SIGHUP);
  kill (-self->pid, SIGCONT);

  foreground = self->pty_master >= 0 ? tcgetpgrp (self->pty_master) : -1;
  if (foreground > 0 && foreground != self->pid)
    {
      kill (-foreground, SIGHUP);
      kill (-foreground, SIGCONT);
    }
}

/**
 * porthole_process_kill_all:
 * @force: SIGKILL now, instead of SIGTERM and SIGKILL 2 s later
 *
 * Daemon shutdown: ends every child tree, lingering ones included.
 */
void
porthole_process_kill_all (gboolean force)
{
  g_autoptr(GPtrArray) processes = NULL;

  if (live != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      /* Killing may finish a process and drop it from the table. */
      processes = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_iter_init (&iter, live);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (processes, g_object_ref (key));
    }

  for (guint i = 0; processes && i < processes->len; i++)
    {
      PortholeProcess *self = g_ptr_array_index (processes, i);

      if (force)
        signal_tree (self, SIGKILL);
      else
        porthole_process_kill (self);
    }

  if (force)
    porthole_cgroup_kill_all ();
}

/**
 * porthole_process_count_running:
 *
 * Returns: children whose main process has not been reaped yet; a
 *   daemon that re-executes itself waits for none to be left (the new
 *   image could never reap them)
 */
guint
porthole_process_count_running (void)
{
  GHashTableIter iter;
  gpointer key;
  guint n = 0;

  if (live == NULL)
    return 0;

  g_hash_table_iter_init (&iter, live);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (is_alive (key))
      n++;

  return n;
}

/* Ending */

static gboolean
drain_timeout_cb (gpointer user_data)
{
  PortholeProcess *self = user_data;

  self->drain_id = 0;
  maybe_finish (self);

  return G_SOURCE_REMOVE;
}

/* Nothing of the run is left to watch or to kill at shutdown. */
static void
forget (PortholeProcess *self)
{
  porthole_process_ledger_remove (self->pid);
  g_hash_table_remove (live, self);
}

static void
finish (PortholeProcess *self)
{
  g_autoptr(PortholeProcess) hold = g_object_ref (self);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->finished = TRUE;
  self->end_time = g_get_real_time ();
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->drain_id, g_source_remove);

  /* Pipes still open belong to descendants: keep reading them (closing
   * would hit them with SIGPIPE) but drop what they write. */
  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    if (self->readers[i].fd >= 0)
      reader_watch (&self->readers[i]);

  if (self->input_source != NULL)
    {
      g_source_destroy (self->input_source);
      g_clear_pointer (&self->input_source, g_source_unref);
    }

  g_signal_emit (self, signals[EXITED], 0);

  for (guint i = 0; waiters && i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);

  if (live != NULL && self->escalate_id == 0 &&
      (self->readers[0].fd < 0 && self->readers[1].fd < 0))
    forget (self);
}

static void
maybe_finish (PortholeProcess *self)
{
  gboolean all_eof = TRUE;

  if (self->finished)
    {
      /* Forget a finished process once nothing of it is left to watch. */
      if (live != NULL && self->escalate_id == 0 &&
          self->readers[0].fd < 0 && self->readers[1].fd < 0)
        forget (self);
      return;
    }

  if (!self->main_exited)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    all_eof &= self->readers[i].fd < 0;

  /* A paused reader is waiting for its consumer, not for the child. */
  if (all_eof || (self->drain_id == 0 && !self->output_paused))
    finish (self);
}

/* SIGKILL (or a shell's 137 for a child killed so) that no one here sent,
 * while the kernel's OOM killer killed something: the run is reported
 * as killed for memory, not as a plain 137 (SECURITY.md §6.7). Another
 * process's kill at the same moment could be taken for ours; a kill of
 * ours is never missed. */
static gboolean
was_oom_killed (PortholeProcess *self)
{
  gboolean sigkill = (WIFSIGNALED (self->wait_status) && WTERMSIG (self->wait_status) == SIGKILL) ||
                     (WIFEXITED (self->wait_status) && WEXITSTATUS (self->wait_status) == 128 + SIGKILL);

  return sigkill && !self->kill_started && self->oom_kills_at_start >= 0 &&
         porthole_procfs_oom_kills () > self->oom_kills_at_start;
}

static void
child_watch_cb (GPid     pid,
                int      status,
                gpointer user_data)
{
  PortholeProcess *self = user_data;
  g_autoptr(PortholeProcess) hold = g_object_ref (self);
  gboolean all_eof = TRUE;

  self->child_watch_id = 0;
  self->main_exited = TRUE;
  self->wait_status = status;
  self->oom_killed = was_oom_killed (self);

  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    all_eof &= self->readers[i].fd < 0;

  if (all_eof)
    {
      finish (self);
      return;
    }

  self->drain_id = g_timeout_add (PORTHOLE_PROCESS_DRAIN_GRACE_MS, drain_timeout_cb, self);
}

static gboolean
timeout_cb (gpointer user_data)
{
  PortholeProcess *self = user_data;

  self->timeout_id = 0;
  if (self->kill_started)
    return G_SOURCE_REMOVE;
  self->timed_out = TRUE;
  porthole_process_kill (self);

  return G_SOURCE_REMOVE;
}

/* Spawning */

static gboolean
open_pty (PortholeProcess  *self,
          int              *slave_fd,
          GError          **error)
{
  struct winsize size = { .ws_col = self->columns, .ws_row = self->rows };
  char name[128];
  int master;

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt (master) != 0 || unlockpt (master) != 0 ||
      ptsname_r (master, name, sizeof name) != 0)
    goto failed;

  *slave_fd = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave_fd < 0)
    goto failed;

  ioctl (master, TIOCSWINSZ, &size);
  g_unix_set_fd_nonblocking (master, TRUE, NULL);
  self->pty_master = master;
  return TRUE;

failed:
  {
    int errsv = errno;

    if (master >= 0)
      close (master);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                 "Cannot open a pseudo-terminal: %s", g_strerror (errsv));
    return FALSE;
  }
}

static void
close_extra_fds (PortholeProcess *self)
{
  for (guint i = 0; i < self->extra_fds->len; i++)
    close (g_array_index (self->extra_fds, int, i));
  g_array_set_size (self->extra_fds, 0);
  g_array_set_size (self->extra_targets, 0);
}

/**
 * porthole_process_spawn:
 *
 * Starts the child. Failures to find or run the program are
 * %G_SPAWN_ERROR errors (see porthole_process_exit_code_for_spawn_error()).
 */
gboolean
porthole_process_spawn (PortholeProcess  *self,
                        GError          **error)
{
  static guint counter;
  g_autofree char *cgroup_name = NULL;
  int stdin_fd = -1, stdout_pipe[2] = { -1, -1 }, stderr_pipe[2] = { -1, -1 };
  int slave = -1;
  PortholeSpawnArgs args = {
    .cwd = self->cwd,
    .argv = (const char *const *) self->argv,
    .envp = (const char *const *) self->envp,
    .search_path = (self->flags & PORTHOLE_PROCESS_FLAGS_SEARCH_PATH) != 0,
    .source_fds = (const int *) self->extra_fds->data,
    .target_fds = (const int *) self->extra_targets->data,
    .n_fds = self->extra_fds->len,
    .oom_score_adj = CHILD_OOM_SCORE_ADJ,
    .cgroup_dir_fd = -1,
    .cgroup_procs_fd = -1,
  };
  PortholeTargetUser *user = porthole_target_user_get_default ();
  gboolean ok;

  g_return_val_if_fail (PORTHOLE_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (!self->spawned, FALSE);

  if (!(self->flags & PORTHOLE_PROCESS_FLAGS_DAEMON) && user != NULL && porthole_target_user_switches (user))
    {
      args.switch_user = TRUE;
      args.uid = porthole_target_user_get_uid (user);
      args.gid = porthole_target_user_get_gid (user);
      args.groups = porthole_target_user_get_groups (user, &args.n_groups);
    }

  cgroup_name = g_strdup_printf ("run-%u", ++counter);
  if (porthole_cgroup_is_supported ())
    {
      g_autoptr(GError) cgroup_error = NULL;

      self->cgroup = porthole_cgroup_new (cgroup_name, &cgroup_error);
      if (self->cgroup == NULL)
        g_debug ("Running without a cgroup: %s", cgroup_error->message);
      else
        {
          args.cgroup_dir_fd = porthole_cgroup_get_dir_fd (self->cgroup);
          args.cgroup_procs_fd = porthole_cgroup_get_procs_fd (self->cgroup);
        }
    }

  if (self->flags & PORTHOLE_PROCESS_FLAGS_PTY)
    {
      if (!open_pty (self, &slave, error))
        return FALSE;
      args.controlling_tty = TRUE;
      /* The user's terminal is the user's, as login would make it. */
      if (args.switch_user && fchown (slave, args.uid, (gid_t) -1) != 0)
        g_debug ("Cannot give the terminal to uid %u: %s", (guint) args.uid, g_strerror (errno));
    }
  else
    {
      stdin_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (stdin_fd < 0 || !g_unix_open_pipe (stdout_pipe, FD_CLOEXEC, error) ||
          !g_unix_open_pipe (stderr_pipe, FD_CLOEXEC, error))
        {
          if (stdin_fd >= 0)
            close (stdin_fd);
          for (guint i = 0; i < 2; i++)
            {
              if (stdout_pipe[i] >= 0)
                close (stdout_pipe[i]);
            }
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot open /dev/null");
          return FALSE;
        }
    }

  args.stdin_fd = slave >= 0 ? slave : stdin_fd;
  args.stdout_fd = slave >= 0 ? slave : stdout_pipe[1];
  args.stderr_fd = slave >= 0 ? slave : stderr_pipe[1];

  porthole_process_ledger_start_guardian ();
  self->start_time = g_get_real_time ();
  self->oom_kills_at_start = porthole_procfs_oom_kills ();
  ok = porthole_spawn (&args, &self->pid, error);

  /* The child has its copies (or never will). */
  close_extra_fds (self);
  if (slave >= 0)
    close (slave);
  if (stdin_fd >= 0)
    close (stdin_fd);
  if (stdout_pipe[1] >= 0)
    close (stdout_pipe[1]);
  if (stderr_pipe[1] >= 0)
    close (stderr_pipe[1]);
  if (self->cgroup != NULL)
    porthole_cgroup_close_spawn_fds (self->cgroup);

  if (!ok)
    {
      if (stdout_pipe[0] >= 0)
        close (stdout_pipe[0]);
      if (stderr_pipe[0] >= 0)
        close (stderr_pipe[0]);
      if (self->pty_master >= 0)
        {
          close (self->pty_master);
          self->pty_master = -1;
        }
      g_clear_pointer (&self->cgroup, porthole_cgroup_free);
      return FALSE;
    }

  self->spawned = TRUE;
  if (live == NULL)
    live = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  g_hash_table_add (live, g_object_ref (self));
  /* A tree without a cgroup is known by its session only. */
  if (self->cgroup == NULL)
    porthole_process_ledger_add (self->pid);

  if (self->pty_master >= 0)
    {
      /* The terminal's one stream; the descriptor stays ours to write. */
      self->readers[0].fd = dup (self->pty_master);
      fcntl (self->readers[0].fd, F_SETFD, FD_CLOEXEC);
      g_unix_set_fd_nonblocking (self->readers[0].fd, TRUE, NULL);
    }
  else
    {
      self->readers[0].fd = stdout_pipe[0];
      self->readers[1].fd = stderr_pipe[0];
      g_unix_set_fd_nonblocking (stdout_pipe[0], TRUE, NULL);
      g_unix_set_fd_nonblocking (stderr_pipe[0], TRUE, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    {
      if (self->readers[i].fd >= 0 && !self->output_paused)
        reader_watch (&self->readers[i]);
      if (self->readers[i].fd >= 0 && (self->flags & PORTHOLE_PROCESS_FLAGS_CAPTURE))
        self->readers[i].capture = g_string_new (NULL);
    }

  self->child_watch_id = g_child_watch_add_full (G_PRIORITY_DEFAULT, self->pid, child_watch_cb,
                                                 g_object_ref (self), g_object_unref);
  if (self->timeout > 0)
    self->timeout_id = g_timeout_add ((guint) MIN (self->timeout, G_MAXUINT / 1000) * 1000, timeout_cb, self);

  return TRUE;
}

/**
 * porthole_process_exit_code_for_spawn_error:
 *
 * Returns: the exit status a shell reports when it cannot run a program:
 *   127 (not found), 126 (found, not runnable), or -1 for failures of
 *   the daemon itself
 */
int
porthole_process_exit_code_for_spawn_error (const GError *error)
{
  if (error == NULL || error->domain != G_SPAWN_ERROR)
    return -1;

  switch (error->code)
    {
    case G_SPAWN_ERROR_NOENT:
    case G_SPAWN_ERROR_NOTDIR:
      return 127;
    case G_SPAWN_ERROR_ACCES:
    case G_SPAWN_ERROR_PERM:
    case G_SPAWN_ERROR_ISDIR:
    case G_SPAWN_ERROR_NOEXEC:
    case G_SPAWN_ERROR_INVAL:
    case G_SPAWN_ERROR_LIBBAD:
    case G_SPAWN_ERROR_TXTBUSY:
    case G_SPAWN_ERROR_LOOP:
    case G_SPAWN_ERROR_NAMETOOLONG:
      return 126;
    default:
      return -1;
    }
}

/* Terminal input */

/* Returns: whether input still waits for the terminal to take it. */
static gboolean
write_pending_input (PortholeProcess *self)
{
  gssize n;

  n = write (self->pty_master, self->pending_input->data, self->pending_input->len);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return TRUE;

  if (n > 0)
    g_byte_array_remove_range (self->pending_input, 0, n);

  if (n < 0 || self->pending_input->len == 0)
    {
      g_byte_array_set_size (self->pending_input, 0);
      return FALSE;
    }

  return TRUE;
}

static gboolean
input_ready_cb (int          fd,
                GIOCondition condition,
                gpointer     user_data)
{
  PortholeProcess *self = user_data;

  if (write_pending_input (self))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->input_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/**
 * porthole_process_write:
 *
 * Writes to the terminal of a PTY process without blocking; what the
 * child has not read yet waits, up to 1 MiB.
 */
gboolean
porthole_process_write (PortholeProcess  *self,
                        const char       *data,
                        gsize             length,
                        GError          **error)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS (self), FALSE);

  if (self->pty_master < 0 || self->finished)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The terminal is closed");
      return FALSE;
    }

  if (self->pending_input->len + length > MAX_PENDING_INPUT)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "Too much input waiting for the terminal");
      return FALSE;
    }

  g_byte_array_append (self->pending_input, (const guint8 *) data, length);
  /* At once when nothing waits (the usual keystroke): waiting for the
   * descriptor to poll writable cost the echo a whole turn of a busy
   * main loop. */
  if (self->input_source == NULL && write_pending_input (self))
    {
      self->input_source = g_unix_fd_source_new (self->pty_master, G_IO_OUT);
      g_source_set_callback (self->input_source, G_SOURCE_FUNC (input_ready_cb), self, NULL);
      g_source_set_static_name (self->input_source, "[porthole] terminal input");
      g_source_attach (self->input_source, NULL);
    }

  return TRUE;
}

/**
 * porthole_process_resize:
 *
 * Sets the terminal size; the kernel sends SIGWINCH to the foreground
 * process group.
 */
gboolean
porthole_process_resize (PortholeProcess  *self,
                         guint             columns,
                         guint             rows,
                         GError          **error)
{
  struct winsize size = { .ws_col = columns, .ws_row = rows };

  g_return_val_if_fail (PORTHOLE_IS_PROCESS (self), FALSE);

  if (self->pty_master < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The terminal is closed");
      return FALSE;
    }

  if (ioctl (self->pty_master, TIOCSWINSZ, &size) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot resize: %s",
                   g_strerror (errsv));
      return FALSE;
    }

  self->columns = columns;
  self->rows = rows;
  return TRUE;
}

/**
 * porthole_process_set_output_paused:
 *
 * Back-pressure: while paused, output is not read, so a child that keeps
 * writing blocks on its full pipe instead of filling the daemon's memory.
 */
void
porthole_process_set_output_paused (PortholeProcess *self,
                                    gboolean         paused)
{
  g_return_if_fail (PORTHOLE_IS_PROCESS (self));

  paused = !!paused;
  if (self->output_paused == paused)
    return;

  self->output_paused = paused;
  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    {
      if (paused)
        reader_unwatch (&self->readers[i]);
      else
        reader_watch (&self->readers[i]);
    }

  /* The drain grace restarts when the consumer catches up. */
  if (!paused && self->main_exited && !self->finished && self->drain_id == 0)
    self->drain_id = g_timeout_add (PORTHOLE_PROCESS_DRAIN_GRACE_MS, drain_timeout_cb, self);
}

/* GObject */

static void
porthole_process_dispose (GObject *object)
{
  PortholeProcess *self = (PortholeProcess *)object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->drain_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    reader_stop (&self->readers[i]);
  if (self->input_source != NULL)
    {
      g_source_destroy (self->input_source);
      g_clear_pointer (&self->input_source, g_source_unref);
    }

  G_OBJECT_CLASS (porthole_process_parent_class)->dispose (object);
}

static void
porthole_process_finalize (GObject *object)
{
  PortholeProcess *self = (PortholeProcess *)object;

  if (self->pty_master >= 0)
    close (self->pty_master);
  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    {
      g_clear_pointer (&self->readers[i].carry, g_byte_array_unref);
      if (self->readers[i].capture != NULL)
        g_string_free (self->readers[i].capture, TRUE);
    }
  g_clear_pointer (&self->pending_input, g_byte_array_unref);
  close_extra_fds (self);
  g_clear_pointer (&self->extra_fds, g_array_unref);
  g_clear_pointer (&self->extra_targets, g_array_unref);
  g_clear_pointer (&self->cgroup, porthole_cgroup_free);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_strfreev (self->argv);
  g_strfreev (self->envp);
  g_free (self->cwd);

  G_OBJECT_CLASS (porthole_process_parent_class)->finalize (object);
}

static void
porthole_process_class_init (PortholeProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_process_dispose;
  object_class->finalize = porthole_process_finalize;

  /**
   * PortholeProcess::output:
   * @stream: a #PortholeProcessStream
   * @text: valid UTF-8 but for %PORTHOLE_JSON_NUL (a NUL byte of the
   *   output), not NUL-terminated
   * @length: bytes of @text (at most 64 KiB plus a held-back character)
   *
   * Output as it arrives, until the run is over.
   */
  signals[OUTPUT] =
    g_signal_new ("output",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_UINT64);

  /**
   * PortholeProcess::exited:
   *
   * The main process has exited and its output has been drained.
   */
  signals[EXITED] =
    g_signal_new ("exited",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_process_init (PortholeProcess *self)
{
  self->pty_master = -1;
  self->capture_limit = PORTHOLE_PROCESS_DEFAULT_CAPTURE;
  self->columns = 80;
  self->rows = 24;
  self->pending_input = g_byte_array_new ();
  self->extra_fds = g_array_new (FALSE, FALSE, sizeof (int));
  self->extra_targets = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < G_N_ELEMENTS (self->readers); i++)
    {
      self->readers[i].process = self;
      self->readers[i].stream = i == 0 ? PORTHOLE_PROCESS_STDOUT : PORTHOLE_PROCESS_STDERR;
      self->readers[i].fd = -1;
      self->readers[i].carry = g_byte_array_new ();
    }
}

/**
 * porthole_process_new:
 * @argv: program and arguments
 * @envp: the complete environment (porthole_env_store_build_envp())
 * @cwd: (nullable): the working directory, which must exist
 */
PortholeProcess *
porthole_process_new (const char *const   *argv,
                      const char *const   *envp,
                      const char          *cwd,
                      PortholeProcessFlags  flags)
{
  PortholeProcess *self;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);
  g_return_val_if_fail (envp != NULL, NULL);

  self = g_object_new (PORTHOLE_TYPE_PROCESS, NULL);
  self->argv = g_strdupv ((char **) argv);
  self->envp = g_strdupv ((char **) envp);
  self->cwd = g_strdup (cwd);
  self->flags = flags;

  return self;
}

void
porthole_process_set_timeout (PortholeProcess *self,
                              guint            seconds)
{
  g_return_if_fail (PORTHOLE_IS_PROCESS (self));
  g_return_if_fail (!self->spawned);

  self->timeout = seconds;
}

void
porthole_process_set_capture_limit (PortholeProcess *self,
                                    gsize            bytes)
{
  g_return_if_fail (PORTHOLE_IS_PROCESS (self));

  self->capture_limit = bytes;
}

void
porthole_process_set_pty_size (PortholeProcess *self,
                               guint            columns,
                               guint            rows)
{
  g_return_if_fail (PORTHOLE_IS_PROCESS (self));
  g_return_if_fail (!self->spawned);

  self->columns = columns;
  self->rows = rows;
}

/**
 * porthole_process_take_fd:
 * @fd: (transfer full): a descriptor of the daemon
 * @child_fd: its number in the child (3 or more)
 *
 * Gives the child one more descriptor, e.g. the write end of a private
 * pipe. @fd is closed once the child has been spawned (or never will be).
 */
void
porthole_process_take_fd (PortholeProcess *self,
                          int              fd,
                          int              child_fd)
{
  g_return_if_fail (PORTHOLE_IS_PROCESS (self));
  g_return_if_fail (!self->spawned);
  g_return_if_fail (fd >= 0 && child_fd > STDERR_FILENO);

  g_array_append_val (self->extra_fds, fd);
  g_array_append_val (self->extra_targets, child_fd);
}

GPid
porthole_process_get_pid (PortholeProcess *self)
{
  return self->pid;
}

const char *const *
porthole_process_get_argv (PortholeProcess *self)
{
  return (const char *const *) self->argv;
}

gint64
porthole_process_get_start_time (PortholeProcess *self)
{
  return self->start_time;
}

gint64
porthole_process_get_end_time (PortholeProcess *self)
{
  return self->end_time;
}

/**
 * porthole_process_get_duration:
 *
 * Returns: seconds since the start, or of the whole run once it is over
 */
double
porthole_process_get_duration (PortholeProcess *self)
{
  gint64 end = self->finished ? self->end_time : g_get_real_time ();

  return self->start_time > 0 ? (end - self->start_time) / (double) G_USEC_PER_SEC : 0.0;
}

gboolean
porthole_process_has_exited (PortholeProcess *self)
{
  return self->finished;
}

/**
 * porthole_process_get_exit_code:
 *
 * Returns: the exit status; 128+N after signal N; 124 after a timeout
 */
int
porthole_process_get_exit_code (PortholeProcess *self)
{
  g_return_val_if_fail (self->finished, -1);

  if (self->timed_out)
    return PORTHOLE_PROCESS_EXIT_TIMEOUT;
  if (WIFEXITED (self->wait_status))
    return WEXITSTATUS (self->wait_status);
  if (WIFSIGNALED (self->wait_status))
    return 128 + WTERMSIG (self->wait_status);

  return -1;
}

int
porthole_process_get_term_signal (PortholeProcess *self)
{
  return self->finished && WIFSIGNALED (self->wait_status) ? WTERMSIG (self->wait_status) : 0;
}

gboolean
porthole_process_get_timed_out (PortholeProcess *self)
{
  return self->timed_out;
}

gboolean
porthole_process_get_killed (PortholeProcess *self)
{
  return self->killed;
}

/**
 * porthole_process_get_oom_killed:
 *
 * Returns: whether the kernel's out-of-memory killer ended the run (its
 *   main process, or the child whose status a shell passed on)
 */
gboolean
porthole_process_get_oom_killed (PortholeProcess *self)
{
  return self->oom_killed;
}

/**
 * porthole_process_get_stdout:
 *
 * Returns: what was captured, as "output" gave it (NUL bytes of the
 *   output are %PORTHOLE_JSON_NUL, so this is all of it)
 */
const char *
porthole_process_get_stdout (PortholeProcess *self)
{
  return self->readers[0].capture ? self->readers[0].capture->str : "";
}

const char *
porthole_process_get_stderr (PortholeProcess *self)
{
  return self->readers[1].capture ? self->readers[1].capture->str : "";
}

gboolean
porthole_process_get_truncated (PortholeProcess *self)
{
  return self->truncated;
}

/**
 * porthole_process_wait_async:
 *
 * Completes when "exited" is emitted (at once if it already was).
 */
void
porthole_process_wait_async (PortholeProcess     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTHOLE_IS_PROCESS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_process_wait_async);

  if (self->finished)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->waiters == NULL)
    self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
}

gboolean
porthole_process_wait_finish (PortholeProcess  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
