/* porthole-helper-process.c
 *
 * Supervision of a desktop helper (the embedded X server, the window
 * manager): spawned through PortholeProcess, its output goes to the
 * desktop log, and when it dies without being asked to it is started
 * again after a back-off that doubles up to MAX_BACKOFF and resets once
 * it has stayed up for STABLE_USEC (SECURITY.md §10: supervise helpers).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-helper-process.h"
#include "porthole-process.h"

#define MIN_BACKOFF_MS 250
#define MAX_BACKOFF_MS (30 * 1000)
#define STABLE_USEC (30 * G_USEC_PER_SEC)

struct _PortholeHelperProcess
{
  GObject parent_instance;

  char *name;
  PortholeLogBuffer *log;
  GStrv argv;
  GStrv envp;

  PortholeProcess *process;
  gulong output_id;
  gulong exited_id;
  gint64 started_at;
  guint backoff_ms;
  guint restart_id;
  guint restarts;
  const char *status;
  guint wanted : 1;
  guint daemon_identity : 1;
};

enum {
  STARTED,
  OUTPUT,
  EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeHelperProcess, porthole_helper_process, G_TYPE_OBJECT)

static void
drop_process (PortholeHelperProcess *self)
{
  if (self->process == NULL)
    return;

  g_clear_signal_handler (&self->output_id, self->process);
  g_clear_signal_handler (&self->exited_id, self->process);
  g_clear_object (&self->process);
}

static void
porthole_helper_process_dispose (GObject *object)
{
  PortholeHelperProcess *self = (PortholeHelperProcess *)object;

  porthole_helper_process_stop (self);
  /* The process finishes dying on its own; it holds its own references. */
  drop_process (self);

  G_OBJECT_CLASS (porthole_helper_process_parent_class)->dispose (object);
}

static void
porthole_helper_process_finalize (GObject *object)
{
  PortholeHelperProcess *self = (PortholeHelperProcess *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->argv, g_strfreev);
  g_clear_pointer (&self->envp, g_strfreev);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (porthole_helper_process_parent_class)->finalize (object);
}

static void
porthole_helper_process_class_init (PortholeHelperProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_helper_process_dispose;
  object_class->finalize = porthole_helper_process_finalize;

  /**
   * PortholeHelperProcess::started:
   *
   * A new instance runs (the first one, or a restart).
   */
  signals[STARTED] =
    g_signal_new ("started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeHelperProcess::output:
   * @stream: a #PortholeProcessStream
   * @text: as PortholeProcess::output gives it, not NUL-terminated
   * @length: bytes of @text
   */
  signals[OUTPUT] =
    g_signal_new ("output",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_UINT64);

  /**
   * PortholeHelperProcess::exited:
   *
   * The instance ended; a restart follows unless we were stopped.
   */
  signals[EXITED] =
    g_signal_new ("exited",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_helper_process_init (PortholeHelperProcess *self)
{
  self->backoff_ms = MIN_BACKOFF_MS;
  self->status = "stopped";
}

/**
 * porthole_helper_process_new:
 * @name: shown in logs and /desktop/debug/processes
 */
PortholeHelperProcess *
porthole_helper_process_new (const char        *name,
                             PortholeLogBuffer *log)
{
  PortholeHelperProcess *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (PORTHOLE_IS_LOG_BUFFER (log), NULL);

  self = g_object_new (PORTHOLE_TYPE_HELPER_PROCESS, NULL);
  self->name = g_strdup (name);
  self->log = g_object_ref (log);

  return self;
}

/**
 * porthole_helper_process_keep_daemon_identity:
 *
 * The helper is the daemon's own (the X server): it does not run as the
 * target user (`user=`), as the programs of the desktop session do.
 */
void
porthole_helper_process_keep_daemon_identity (PortholeHelperProcess *self)
{
  g_return_if_fail (PORTHOLE_IS_HELPER_PROCESS (self));

  self->daemon_identity = TRUE;
}

/**
 * porthole_helper_process_set_argv:
 *
 * Used from the next start on.
 */
void
porthole_helper_process_set_argv (PortholeHelperProcess *self,
                                  const char *const     *argv)
{
  g_return_if_fail (PORTHOLE_IS_HELPER_PROCESS (self));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  g_strfreev (self->argv);
  self->argv = g_strdupv ((char **) argv);
}

void
porthole_helper_process_set_envp (PortholeHelperProcess *self,
                                  const char *const     *envp)
{
  g_return_if_fail (PORTHOLE_IS_HELPER_PROCESS (self));

  g_strfreev (self->envp);
  self->envp = g_strdupv ((char **) envp);
}

static void spawn (PortholeHelperProcess *self);

static gboolean
restart_cb (gpointer user_data)
{
  PortholeHelperProcess *self = user_data;

  self->restart_id = 0;
  self->restarts++;
  spawn (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_restart (PortholeHelperProcess *self)
{
  if (!self->wanted || self->restart_id != 0)
    return;

  if (self->started_at != 0 && g_get_monotonic_time () - self->started_at >= STABLE_USEC)
    self->backoff_ms = MIN_BACKOFF_MS;

  porthole_log_buffer_append (self->log, self->name, "Restarting in %u ms", self->backoff_ms);
  self->status = "restarting";
  self->restart_id = g_timeout_add (self->backoff_ms, restart_cb, self);
  self->backoff_ms = MIN (self->backoff_ms * 2, MAX_BACKOFF_MS);
}

static void
on_output (PortholeHelperProcess *self,
           guint                  stream,
           const char            *text,
           guint64                length)
{
  porthole_log_buffer_append_data (self->log, self->name, text, length);
  g_signal_emit (self, signals[OUTPUT], 0, stream, text, length);
}

static void
on_exited (PortholeHelperProcess *self)
{
  int code = porthole_process_get_exit_code (self->process);
  int term = porthole_process_get_term_signal (self->process);

  if (term > 0)
    porthole_log_buffer_append (self->log, self->name, "Exited (signal %d)", term);
  else
    porthole_log_buffer_append (self->log, self->name, "Exited (status %d)", code);

  drop_process (self);
  self->status = self->wanted ? "exited" : "stopped";
  g_signal_emit (self, signals[EXITED], 0);
  schedule_restart (self);
}

static void
spawn (PortholeHelperProcess *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;

  g_assert (self->process == NULL);
  g_assert (self->argv != NULL);

  self->process = porthole_process_new ((const char *const *) self->argv,
                                        (const char *const *) self->envp, "/",
                                        PORTHOLE_PROCESS_FLAGS_SEARCH_PATH |
                                        (self->daemon_identity ? PORTHOLE_PROCESS_FLAGS_DAEMON : 0));
  self->output_id = g_signal_connect_swapped (self->process, "output", G_CALLBACK (on_output), self);
  self->exited_id = g_signal_connect_swapped (self->process, "exited", G_CALLBACK (on_exited), self);

  command = porthole_helper_process_dup_command_line (self);
  if (!porthole_process_spawn (self->process, &error))
    {
      porthole_log_buffer_append (self->log, self->name, "Cannot start %s: %s", command, error->message);
      drop_process (self);
      self->status = "failed";
      schedule_restart (self);
      return;
    }

  self->started_at = g_get_monotonic_time ();
  self->status = "running";
  porthole_log_buffer_append (self->log, self->name, "Started %s (pid %d)", command,
                              porthole_process_get_pid (self->process));
  g_signal_emit (self, signals[STARTED], 0);
}

/**
 * porthole_helper_process_start:
 *
 * Starts the helper now if it is not running, and keeps it running
 * until porthole_helper_process_stop().
 */
void
porthole_helper_process_start (PortholeHelperProcess *self)
{
  g_return_if_fail (PORTHOLE_IS_HELPER_PROCESS (self));
  g_return_if_fail (self->argv != NULL);

  self->wanted = TRUE;
  if (self->process != NULL)
    return;

  g_clear_handle_id (&self->restart_id, g_source_remove);
  self->backoff_ms = MIN_BACKOFF_MS;
  spawn (self);
}

/**
 * porthole_helper_process_stop:
 *
 * Ends the helper's process tree (SIGTERM, SIGKILL 2 s later) and stops
 * restarting it.
 */
void
porthole_helper_process_stop (PortholeHelperProcess *self)
{
  g_return_if_fail (PORTHOLE_IS_HELPER_PROCESS (self));

  self->wanted = FALSE;
  g_clear_handle_id (&self->restart_id, g_source_remove);

  if (self->process != NULL)
    {
      /* Keep the process object until it is reaped: "exited" drops it. */
      porthole_process_kill (self->process);
      self->status = "stopping";
    }
  else
    self->status = "stopped";
}

const char *
porthole_helper_process_get_name (PortholeHelperProcess *self)
{
  return self->name;
}

/**
 * porthole_helper_process_get_pid:
 *
 * Returns: the running instance's pid, or 0
 */
GPid
porthole_helper_process_get_pid (PortholeHelperProcess *self)
{
  return self->process != NULL ? porthole_process_get_pid (self->process) : 0;
}

/**
 * porthole_helper_process_get_status:
 *
 * Returns: "running", "restarting", "exited", "failed", "stopping" or
 *   "stopped"
 */
const char *
porthole_helper_process_get_status (PortholeHelperProcess *self)
{
  return self->status;
}

char *
porthole_helper_process_dup_command_line (PortholeHelperProcess *self)
{
  return self->argv ? g_strjoinv (" ", self->argv) : g_strdup ("");
}

guint
porthole_helper_process_get_restarts (PortholeHelperProcess *self)
{
  return self->restarts;
}
