/* porthole-run.c
 *
 * A run outlives its process: it is created queued (async runs wait for
 * their turn), gets its process when started, and stays listed with its
 * final status and output tail after the process is gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-procfs.h"
#include "porthole-protocol.h"
#include "porthole-run.h"

struct _PortholeRun
{
  GObject parent_instance;

  char *process_id;
  char *execution_id;
  char *type;
  char *name;
  char *language;
  char *command;
  char *workdir;
  PortholeProcess *process;
  PortholeRunStatus status;
  gint64 created;
  gint64 start_time;
  gint64 end_time;
  GPid pid;
  int exit_code;
  char *stdout_tail;
  char *stderr_tail;
  JsonObject *extra;
  PortholeCpuSample cpu;
  gulong exited_handler;
};

G_DEFINE_FINAL_TYPE (PortholeRun, porthole_run, G_TYPE_OBJECT)

static char *
random_id (const char *prefix)
{
  return g_strdup_printf ("%s_%08x%04x", prefix, g_random_int (), g_random_int () & 0xffff);
}

/**
 * porthole_run_new_execution_id:
 *
 * Returns: (transfer full): a fresh `exec_…` id, for work that is not a
 *   #PortholeRun of its own (a streamed cell)
 */
char *
porthole_run_new_execution_id (void)
{
  return random_id ("exec");
}

static void
porthole_run_dispose (GObject *object)
{
  PortholeRun *self = (PortholeRun *)object;

  if (self->process != NULL)
    g_clear_signal_handler (&self->exited_handler, self->process);
  g_clear_object (&self->process);

  G_OBJECT_CLASS (porthole_run_parent_class)->dispose (object);
}

static void
porthole_run_finalize (GObject *object)
{
  PortholeRun *self = (PortholeRun *)object;

  g_free (self->process_id);
  g_free (self->execution_id);
  g_free (self->type);
  g_free (self->name);
  g_free (self->language);
  g_free (self->command);
  g_free (self->workdir);
  g_free (self->stdout_tail);
  g_free (self->stderr_tail);
  g_clear_pointer (&self->extra, json_object_unref);

  G_OBJECT_CLASS (porthole_run_parent_class)->finalize (object);
}

static void
porthole_run_class_init (PortholeRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_run_dispose;
  object_class->finalize = porthole_run_finalize;
}

static void
porthole_run_init (PortholeRun *self)
{
  self->process_id = random_id ("proc");
  self->execution_id = porthole_run_new_execution_id ();
  self->created = g_get_real_time ();
  self->exit_code = -1;
  self->extra = json_object_new ();
}

/**
 * porthole_run_new:
 * @type: "code", "command" or "async"
 * @name: (nullable): the caller's name for it
 * @language: (nullable): normalised language of code runs
 * @command: (nullable): the command line, for the listing
 * @workdir: the working directory
 */
PortholeRun *
porthole_run_new (const char *type,
                  const char *name,
                  const char *language,
                  const char *command,
                  const char *workdir)
{
  PortholeRun *self = g_object_new (PORTHOLE_TYPE_RUN, NULL);

  self->type = g_strdup (type);
  self->name = g_strdup (name);
  self->language = g_strdup (language);
  self->command = g_strdup (command);
  self->workdir = g_strdup (workdir);

  return self;
}

const char *
porthole_run_get_process_id (PortholeRun *self)
{
  return self->process_id;
}

const char *
porthole_run_get_execution_id (PortholeRun *self)
{
  return self->execution_id;
}

const char *
porthole_run_get_run_type (PortholeRun *self)
{
  return self->type;
}

const char *
porthole_run_get_name (PortholeRun *self)
{
  return self->name;
}

PortholeRunStatus
porthole_run_get_status (PortholeRun *self)
{
  return self->status;
}

const char *
porthole_run_status_to_string (PortholeRunStatus status)
{
  static const char *const names[] = { "queued", "running", "completed", "failed", "killed", "timeout" };

  return names[status];
}

gboolean
porthole_run_is_finished (PortholeRun *self)
{
  return self->status >= PORTHOLE_RUN_COMPLETED;
}

gint64
porthole_run_get_created (PortholeRun *self)
{
  return self->created;
}

gint64
porthole_run_get_end_time (PortholeRun *self)
{
  return self->end_time;
}

/**
 * porthole_run_get_process:
 *
 * Returns: (transfer none) (nullable): the process, until the run ends
 */
PortholeProcess *
porthole_run_get_process (PortholeRun *self)
{
  return self->process;
}

/* The last 64 KiB of @text (whole characters): a run whose process keeps
 * all of its output (an async run, for its callback) lists only that. */
static const char *
tail_of (const char *text)
{
  gsize length = strlen (text);
  const char *tail;

  if (length <= PORTHOLE_RUN_OUTPUT_TAIL)
    return text;

  tail = text + length - PORTHOLE_RUN_OUTPUT_TAIL;
  while (((guchar) *tail & 0xC0) == 0x80)
    tail++;
  return tail;
}

static void
on_exited (PortholeRun     *self,
           PortholeProcess *process)
{
  self->exit_code = porthole_process_get_exit_code (process);
  self->end_time = porthole_process_get_end_time (process);
  g_free (self->stdout_tail);
  g_free (self->stderr_tail);
  self->stdout_tail = g_strdup (tail_of (porthole_process_get_stdout (process)));
  self->stderr_tail = g_strdup (tail_of (porthole_process_get_stderr (process)));

  if (porthole_process_get_timed_out (process))
    self->status = PORTHOLE_RUN_TIMEOUT;
  else if (porthole_process_get_killed (process))
    self->status = PORTHOLE_RUN_KILLED;
  else
    self->status = self->exit_code == 0 ? PORTHOLE_RUN_COMPLETED : PORTHOLE_RUN_FAILED;

  /* The finished run keeps its figures, not the process. */
  g_clear_signal_handler (&self->exited_handler, self->process);
  g_clear_object (&self->process);
}

/**
 * porthole_run_set_command:
 *
 * Sets the command line listed, once the run knows it.
 */
void
porthole_run_set_command (PortholeRun *self,
                          const char  *command)
{
  g_return_if_fail (PORTHOLE_IS_RUN (self));

  g_free (self->command);
  self->command = g_strdup (command);
}

/**
 * porthole_run_attach:
 * @process: a spawned process, capturing with
 *   %PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL
 */
void
porthole_run_attach (PortholeRun     *self,
                     PortholeProcess *process)
{
  g_return_if_fail (PORTHOLE_IS_RUN (self));
  g_return_if_fail (self->process == NULL);

  self->process = g_object_ref (process);
  self->status = PORTHOLE_RUN_RUNNING;
  self->start_time = porthole_process_get_start_time (process);
  self->pid = porthole_process_get_pid (process);
  self->exited_handler = g_signal_connect_swapped (process, "exited", G_CALLBACK (on_exited), self);
  if (porthole_process_has_exited (process))
    on_exited (self, process);
}

/**
 * porthole_run_fail_to_start:
 *
 * The program could not be run (127 not found, 126 not runnable).
 */
void
porthole_run_fail_to_start (PortholeRun *self,
                            int          exit_code,
                            const char  *message)
{
  self->status = PORTHOLE_RUN_FAILED;
  self->exit_code = exit_code;
  self->start_time = self->end_time = g_get_real_time ();
  g_free (self->stderr_tail);
  self->stderr_tail = g_strdup (message);
}

/**
 * porthole_run_kill:
 *
 * Marks the run killed at once (API.md §3.7: before the answer) and ends
 * its process tree; a queued run never starts.
 */
void
porthole_run_kill (PortholeRun *self)
{
  g_return_if_fail (PORTHOLE_IS_RUN (self));

  if (porthole_run_is_finished (self))
    return;

  self->status = PORTHOLE_RUN_KILLED;
  if (self->end_time == 0)
    self->end_time = g_get_real_time ();
  if (self->process != NULL)
    porthole_process_kill (self->process);
}

/**
 * porthole_run_set_extra:
 * @value: (transfer full): a member added to the listing (e.g.
 *   `callback_status` of async runs)
 */
void
porthole_run_set_extra (PortholeRun *self,
                        const char  *member,
                        JsonNode    *value)
{
  json_object_set_member (self->extra, member, value);
}

/**
 * porthole_run_to_started_json:
 * @message: the answer's `message`
 *
 * Returns: (transfer full): the answer to starting a background run
 *   (API.md §3.4, §4.2), for the route to complete
 */
JsonObject *
porthole_run_to_started_json (PortholeRun *self,
                              const char  *message)
{
  JsonObject *reply = json_object_new ();
  g_autofree char *start = porthole_timestamp_from_unix (self->start_time ? self->start_time : self->created);

  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (reply, "process_id", self->process_id);
  json_object_set_string_member (reply, "execution_id", self->execution_id);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_STATUS, porthole_run_status_to_string (self->status));
  if (self->pid > 0)
    json_object_set_int_member (reply, "pid", self->pid);
  else
    json_object_set_null_member (reply, "pid");
  if (self->name != NULL)
    json_object_set_string_member (reply, "name", self->name);
  else
    json_object_set_null_member (reply, "name");
  json_object_set_string_member (reply, "start_time", start);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE, message);

  return reply;
}

/**
 * porthole_run_to_json:
 *
 * Returns: (transfer full): the ProcessInfo of API.md §1.8
 */
JsonObject *
porthole_run_to_json (PortholeRun *self)
{
  JsonObject *info = json_object_new ();
  g_autofree char *start = porthole_timestamp_from_unix (self->start_time ? self->start_time : self->created);
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  double duration = 0.0, cpu = 0.0, memory_mb = 0.0, memory_percent = 0.0;
  GPid pid = self->process ? porthole_process_get_pid (self->process) : 0;

  if (self->start_time > 0)
    duration = ((self->end_time ? self->end_time : g_get_real_time ()) - self->start_time) / (double) G_USEC_PER_SEC;

  if (pid > 0 && !porthole_run_is_finished (self))
    {
      PortholeProcStat stat;
      guint64 total = porthole_procfs_memory_total ();

      if (porthole_procfs_read_stat (pid, &stat))
        {
          cpu = porthole_procfs_cpu_percent (&self->cpu, stat.cpu_ticks);
          memory_mb = stat.rss_bytes / (1024.0 * 1024.0);
          memory_percent = total ? 100.0 * stat.rss_bytes / total : 0.0;
        }
    }

  json_object_set_string_member (info, "process_id", self->process_id);
  json_object_set_string_member (info, "id", self->process_id);
  json_object_set_string_member (info, "execution_id", self->execution_id);
  json_object_set_string_member (info, PORTHOLE_MEMBER_TYPE, self->type);
  json_object_set_string_member (info, "name", self->name ? self->name : "");
  json_object_set_string_member (info, "language", self->language ? self->language : "");
  if (self->command)
    json_object_set_string_member (info, "command", self->command);
  else
    json_object_set_null_member (info, "command");
  json_object_set_string_member (info, PORTHOLE_MEMBER_STATUS, porthole_run_status_to_string (self->status));
  if (pid > 0)
    json_object_set_int_member (info, "pid", pid);
  else
    json_object_set_null_member (info, "pid");
  if (porthole_run_is_finished (self) && self->exit_code >= 0)
    json_object_set_int_member (info, PORTHOLE_MEMBER_EXIT_CODE, self->exit_code);
  else
    json_object_set_null_member (info, PORTHOLE_MEMBER_EXIT_CODE);
  json_object_set_string_member (info, "start_time", start);
  json_object_set_string_member (info, "started_at", start);
  if (self->end_time > 0)
    {
      g_autofree char *end = porthole_timestamp_from_unix (self->end_time);

      json_object_set_string_member (info, "end_time", end);
    }
  else
    json_object_set_null_member (info, "end_time");
  json_object_set_double_member (info, "duration", duration);
  json_object_set_double_member (info, "execution_time", duration);
  json_object_set_string_member (info, "workdir", self->workdir ? self->workdir : "");
  json_object_set_double_member (info, "cpu_percent", cpu);
  json_object_set_double_member (info, "memory_percent", memory_percent);
  json_object_set_double_member (info, "memory_mb", memory_mb);

  if (self->process != NULL)
    {
      json_object_set_string_member (info, "stdout", tail_of (porthole_process_get_stdout (self->process)));
      json_object_set_string_member (info, "stderr", tail_of (porthole_process_get_stderr (self->process)));
    }
  else
    {
      json_object_set_string_member (info, "stdout", self->stdout_tail ? self->stdout_tail : "");
      json_object_set_string_member (info, "stderr", self->stderr_tail ? self->stderr_tail : "");
    }

  json_object_iter_init (&iter, self->extra);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (info, member, json_node_copy (value));

  return info;
}
