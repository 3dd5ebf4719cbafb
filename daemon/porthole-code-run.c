/* porthole-code-run.c
 *
 * The code goes to a private file (a 0700 directory of its own, the file
 * 0600) that the language's runtime executes, so a program's tracebacks
 * and exit status are exactly the runtime's (API.md §3.1):
 *
 *   python      /usr/bin/python3 -u porthole-runner.py main.py [3]
 *   javascript  node main.js
 *   bash, sh    bash main.sh, sh main.sh
 *   go          go build, then the program (built programs are cached)
 *
 * Python goes through the runner (porthole-runner.py), which runs the
 * program as python3 would and, for rich runs, sends rich outputs on
 * descriptor 3, a pipe only the daemon reads. A missing runtime is the
 * program's failure (127 and a message), not the daemon's.
 *
 * "finished" is emitted when the process has exited and the rich outputs
 * are read: from the process's own "exited" handler, which is connected
 * when the process is spawned and so runs before any handler connected
 * later (a PortholeRunStream attached to the process).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-code-run.h"
#include "porthole-target-user.h"
#include "porthole-daemon.h"
#include "porthole-error.h"
#include "porthole-exec-result.h"
#include "porthole-json.h"
#include "porthole-rich-channel.h"
#include "porthole-run.h"

/* Descriptor of the rich-output pipe in a Python child. */
#define RICH_CHANNEL_FD 3

/* Builds in the private directory, keeps a copy in the cache (atomically:
 * a copy next to the entry, then a rename), and runs the program. */
static const char go_build_script[] =
  "(cd \"$1\" && exec \"$2\" build -o main main.go) || exit\n"
  "{ cp \"$1/main\" \"$3.$$\" && mv -f \"$3.$$\" \"$3\"; } 2>/dev/null || rm -f \"$3.$$\"\n"
  "exec \"$1/main\"\n";

struct _PortholeCodeRun
{
  GObject parent_instance;

  PortholeExecutor *executor;
  PortholeLanguage language;
  char *code;
  PortholeRunOptions options;
  PortholeCodeRunFlags flags;

  char *directory;
  char *file;
  char *command;
  char *cache_key;
  PortholeProcess *process;
  PortholeRichChannel *channel;
  PortholeRichOutputs *rich;
  char *notice;
  int exit_code;
  gint64 start_time;

  guint started : 1;
  guint finished : 1;
  guint tracked : 1;
  /* A spawned run keeps itself alive until it has finished. */
  guint self_ref : 1;
};

enum {
  RICH,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeCodeRun, porthole_code_run, G_TYPE_OBJECT)

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

/* As the user whose code could change the tree meanwhile. */
static void
remove_directory (char **directory)
{
  g_auto(PortholeFsIdentity) identity = { 0 };

  if (*directory == NULL)
    return;

  porthole_fs_as_user_begin (&identity);

  nftw (*directory, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_clear_pointer (directory, g_free);
}

static void
porthole_code_run_dispose (GObject *object)
{
  PortholeCodeRun *self = (PortholeCodeRun *)object;

  if (self->process != NULL)
    g_signal_handlers_disconnect_by_data (self->process, self);
  g_clear_object (&self->process);
  g_clear_object (&self->channel);

  G_OBJECT_CLASS (porthole_code_run_parent_class)->dispose (object);
}

static void
porthole_code_run_finalize (GObject *object)
{
  PortholeCodeRun *self = (PortholeCodeRun *)object;

  remove_directory (&self->directory);
  porthole_run_options_clear (&self->options);
  g_clear_pointer (&self->rich, porthole_rich_outputs_free);
  g_clear_object (&self->executor);
  g_free (self->code);
  g_free (self->file);
  g_free (self->command);
  g_free (self->cache_key);
  g_free (self->notice);

  G_OBJECT_CLASS (porthole_code_run_parent_class)->finalize (object);
}

static void
porthole_code_run_class_init (PortholeCodeRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_code_run_dispose;
  object_class->finalize = porthole_code_run_finalize;

  /**
   * PortholeCodeRun::rich:
   * @msg_type: "execute_result" or "display_data"
   * @content: (type JsonObject): `data` and `metadata`
   * @source: "matplotlib", "pandas", "plotly" or "other"
   *
   * A rich output of a rich Python run, as it arrives.
   */
  signals[RICH] =
    g_signal_new ("rich",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, JSON_TYPE_OBJECT, G_TYPE_STRING);

  /**
   * PortholeCodeRun::finished:
   *
   * The run is over (or could not start: no process then).
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_code_run_init (PortholeCodeRun *self)
{
  self->exit_code = -1;
}

/**
 * porthole_code_run_new:
 * @options: (transfer full): where, how long, with what environment; its
 *   contents are taken (and cleared)
 */
PortholeCodeRun *
porthole_code_run_new (PortholeExecutor     *executor,
                       PortholeLanguage      language,
                       const char           *code,
                       PortholeRunOptions   *options,
                       PortholeCodeRunFlags  flags)
{
  PortholeCodeRun *self;

  g_return_val_if_fail (PORTHOLE_IS_EXECUTOR (executor), NULL);
  g_return_val_if_fail (language < PORTHOLE_N_LANGUAGES, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  self = g_object_new (PORTHOLE_TYPE_CODE_RUN, NULL);
  self->executor = g_object_ref (executor);
  self->language = language;
  self->code = g_strdup (code);
  self->options = *options;
  memset (options, 0, sizeof *options);
  self->flags = flags;
  if (language != PORTHOLE_LANGUAGE_PYTHON)
    self->flags &= ~PORTHOLE_CODE_RUN_FLAGS_RICH;
  self->rich = porthole_rich_outputs_new ();

  return self;
}

static void
execution_ended (PortholeCodeRun *self)
{
  if (self->tracked)
    porthole_daemon_activity_end (porthole_executor_get_daemon (self->executor), PORTHOLE_ACTIVITY_EXECUTIONS);
  self->tracked = FALSE;
}

static void
finish (PortholeCodeRun *self)
{
  g_autoptr(PortholeCodeRun) hold = g_object_ref (self);

  g_assert (!self->finished);

  self->finished = TRUE;
  if (self->channel != NULL)
    porthole_rich_channel_drain (self->channel);
  if (self->process != NULL)
    {
      self->exit_code = porthole_process_get_exit_code (self->process);
      if (porthole_process_get_timed_out (self->process))
        {
          g_free (self->notice);
          self->notice = g_strdup_printf (PORTHOLE_EXEC_TIMEOUT_NOTICE, self->options.timeout);
        }
      else if (porthole_process_get_oom_killed (self->process))
        {
          g_free (self->notice);
          self->notice = g_strdup (PORTHOLE_PROCESS_OOM_NOTICE);
        }
    }
  if (self->cache_key != NULL)
    porthole_exec_cache_commit (porthole_executor_get_cache (self->executor), self->cache_key);
  remove_directory (&self->directory);
  execution_ended (self);

  g_signal_emit (self, signals[FINISHED], 0);

  if (self->self_ref)
    {
      self->self_ref = FALSE;
      g_object_unref (self);
    }
}

static void
on_process_exited (PortholeProcess *process,
                   PortholeCodeRun *self)
{
  finish (self);
}

static void
on_channel_message (PortholeRichChannel *channel,
                    JsonObject          *message,
                    PortholeCodeRun     *self)
{
  const char *msg_type = porthole_json_object_get_string (message, "msg_type");
  JsonObject *content = porthole_json_object_get_object (message, "content");
  JsonObject *data = porthole_json_object_get_object (content, "data");
  const char *source;

  if (msg_type == NULL || data == NULL)
    return;

  source = porthole_rich_outputs_guess_source (data);
  porthole_rich_outputs_add (self->rich, msg_type, content, source);
  g_signal_emit (self, signals[RICH], 0, msg_type, content, source);
}

static gboolean
write_program (PortholeCodeRun  *self,
               GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *template = g_build_filename (porthole_executor_get_scratch_directory (self->executor),
                                                "porthole-run-XXXXXX", NULL);
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* The program's directory and file are its user's. */
  porthole_fs_as_user_begin (&identity);

  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      int errsv = errno;

      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_EXECUTION_FAILED,
                   "Cannot create a directory for the program: %s", g_strerror (errsv));
      return FALSE;
    }
  self->directory = g_steal_pointer (&template);

  self->file = g_build_filename (self->directory, porthole_language_get_file_name (self->language), NULL);
  if (!g_file_set_contents_full (self->file, self->code, -1, G_FILE_SET_CONTENTS_NONE, 0600, &local_error))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_EXECUTION_FAILED,
                   "Cannot write the program: %s", local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Go's caches live in the state directory unless the caller chose; the
 * module proxy is off (there is no network to reach it). */
static void
add_go_environment (PortholeCodeRun *self)
{
  const char *go = porthole_executor_get_go_directory (self->executor);
  g_autofree char *cache = g_build_filename (go, "cache", NULL);
  g_autofree char *path = g_build_filename (go, "path", NULL);
  const char *defaults[][2] = {
    { "GOCACHE", cache }, { "GOPATH", path }, { "GOPROXY", "off" }, { "GOFLAGS", "-mod=mod" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    if (g_environ_getenv (self->options.envp, defaults[i][0]) == NULL)
      self->options.envp = g_environ_setenv (self->options.envp, defaults[i][0], defaults[i][1], FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Everything a build depends on: the source, the toolchain, and the
 * environment variables the toolchain reads. */
static char *
go_cache_key (PortholeCodeRun *self,
              const char      *runtime)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) environment = g_ptr_array_new ();
  GStatBuf st;

  if (g_stat (runtime, &st) != 0)
    return NULL;

  g_ptr_array_add (inputs, g_strdup (runtime));
  g_ptr_array_add (inputs, g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                            (gint64) st.st_size, (gint64) st.st_mtime));
  for (guint i = 0; self->options.envp[i]; i++)
    {
      const char *variable = self->options.envp[i];

      if (g_str_has_prefix (variable, "GO") || g_str_has_prefix (variable, "CGO_") ||
          g_str_has_prefix (variable, "CC=") || g_str_has_prefix (variable, "CXX=") ||
          g_str_has_prefix (variable, "PATH="))
        g_ptr_array_add (environment, (gpointer) variable);
    }
  g_ptr_array_sort (environment, compare_strings);
  for (guint i = 0; i < environment->len; i++)
    g_ptr_array_add (inputs, g_strdup (g_ptr_array_index (environment, i)));
  g_ptr_array_add (inputs, g_strdup (self->code));
  g_ptr_array_add (inputs, NULL);

  return porthole_exec_cache_key ("go-build", (const char *const *) inputs->pdata);
}

static GStrv
build_argv (PortholeCodeRun *self,
            const char      *runtime,
            gboolean         use_cache)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();

  switch (self->language)
    {
    case PORTHOLE_LANGUAGE_PYTHON:
      g_strv_builder_add_many (argv, runtime, "-u",
                               porthole_executor_get_python_runner (self->executor), self->file, NULL);
      if (self->flags & PORTHOLE_CODE_RUN_FLAGS_RICH)
        g_strv_builder_add (argv, G_STRINGIFY (RICH_CHANNEL_FD));
      break;

    case PORTHOLE_LANGUAGE_GO:
      {
        PortholeExecCache *cache = porthole_executor_get_cache (self->executor);
        g_autofree char *cached = NULL;
        g_autofree char *entry = NULL;

        if (use_cache && self->cache_key != NULL &&
            (cached = porthole_exec_cache_lookup (cache, self->cache_key)) != NULL)
          {
            g_strv_builder_add (argv, cached);
            break;
          }
        entry = self->cache_key ? porthole_exec_cache_path_for (cache, self->cache_key) : g_strdup ("/dev/null");
        g_strv_builder_add_many (argv, "/bin/sh", "-c", go_build_script, "go",
                                 self->directory, runtime, entry, NULL);
      }
      break;

    case PORTHOLE_LANGUAGE_JAVASCRIPT:
    case PORTHOLE_LANGUAGE_BASH:
    case PORTHOLE_LANGUAGE_SH:
    case PORTHOLE_N_LANGUAGES:
    default:
      g_strv_builder_add_many (argv, runtime, self->file, NULL);
      break;
    }

  return g_strv_builder_end (argv);
}

static void
fail_to_start (PortholeCodeRun *self,
               int              exit_code,
               const char      *message)
{
  self->exit_code = exit_code;
  self->notice = g_strdup (message);
  finish (self);
}

static gboolean
spawn (PortholeCodeRun  *self,
       const char       *runtime,
       gboolean          use_cache,
       GError          **error)
{
  g_auto(GStrv) argv = build_argv (self, runtime, use_cache);
  PortholeProcessFlags flags = PORTHOLE_PROCESS_FLAGS_NONE;
  int channel[2] = { -1, -1 };

  if (self->flags & (PORTHOLE_CODE_RUN_FLAGS_CAPTURE | PORTHOLE_CODE_RUN_FLAGS_TAIL))
    flags |= PORTHOLE_PROCESS_FLAGS_CAPTURE;
  if (self->flags & PORTHOLE_CODE_RUN_FLAGS_TAIL)
    flags |= PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL;

  g_clear_object (&self->process);
  self->process = porthole_process_new ((const char *const *) argv, (const char *const *) self->options.envp,
                                        self->options.workdir, flags);
  porthole_process_set_timeout (self->process, self->options.timeout);
  if (self->flags & PORTHOLE_CODE_RUN_FLAGS_TAIL)
    porthole_process_set_capture_limit (self->process, PORTHOLE_RUN_OUTPUT_TAIL);

  if (self->flags & PORTHOLE_CODE_RUN_FLAGS_RICH)
    {
      if (!g_unix_open_pipe (channel, FD_CLOEXEC, error))
        return FALSE;
      g_clear_object (&self->channel);
      self->channel = porthole_rich_channel_new (channel[0]);
      g_signal_connect_object (self->channel, "message", G_CALLBACK (on_channel_message), self, 0);
      porthole_process_take_fd (self->process, channel[1], RICH_CHANNEL_FD);
    }

  /* First handler of "exited": see the comment at the top. */
  g_signal_connect_object (self->process, "exited", G_CALLBACK (on_process_exited), self, 0);

  return porthole_process_spawn (self->process, error);
}

/**
 * porthole_code_run_start:
 *
 * Starts the program. When it cannot run (its runtime is missing), the
 * run finishes at once with 127 and a notice; connect to "finished"
 * first.
 *
 * Returns: %FALSE with %PORTHOLE_ERROR_EXECUTION_FAILED only when the
 *   daemon itself failed (API.md §3.1: that is the one 500)
 */
gboolean
porthole_code_run_start (PortholeCodeRun  *self,
                         GError          **error)
{
  PortholeDaemon *daemon = porthole_executor_get_daemon (self->executor);
  g_autofree char *runtime = NULL;
  g_autoptr(GError) spawn_error = NULL;
  int exit_code;

  g_return_val_if_fail (PORTHOLE_IS_CODE_RUN (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  self->started = TRUE;
  self->start_time = g_get_real_time ();
  runtime = porthole_language_find_runtime (self->language, (const char *const *) self->options.envp);
  if (runtime == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: command not found (no %s runtime is installed)\n",
                                                  porthole_language_get_program (self->language),
                                                  porthole_language_get_name (self->language));

      fail_to_start (self, 127, message);
      return TRUE;
    }

  if (!write_program (self, error))
    return FALSE;

  self->command = g_strdup_printf ("%s %s%s",
                                   self->language == PORTHOLE_LANGUAGE_GO ? "go run" : porthole_language_get_program (self->language),
                                   self->language == PORTHOLE_LANGUAGE_PYTHON ? "-u " : "",
                                   self->file);
  if (self->language == PORTHOLE_LANGUAGE_GO)
    {
      add_go_environment (self);
      self->cache_key = go_cache_key (self, runtime);
    }

  porthole_daemon_activity_begin (daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
  self->tracked = TRUE;

  if (!spawn (self, runtime, TRUE, &spawn_error) &&
      self->language == PORTHOLE_LANGUAGE_GO && g_error_matches (spawn_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
    {
      /* The cached program went away between lookup and spawn: build. */
      g_clear_error (&spawn_error);
      spawn (self, runtime, FALSE, &spawn_error);
    }

  if (spawn_error == NULL)
    {
      self->self_ref = TRUE;
      g_object_ref (self);
      return TRUE;
    }

  g_clear_object (&self->process);
  g_clear_object (&self->channel);
  exit_code = porthole_process_exit_code_for_spawn_error (spawn_error);
  if (exit_code < 0)
    {
      execution_ended (self);
      self->finished = TRUE;
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_EXECUTION_FAILED,
                   "Cannot start %s: %s", porthole_language_get_program (self->language), spawn_error->message);
      return FALSE;
    }

  {
    g_autofree char *message = g_strdup_printf ("%s: %s\n", porthole_language_get_program (self->language),
                                                spawn_error->message);

    fail_to_start (self, exit_code, message);
  }
  return TRUE;
}

/**
 * porthole_code_run_get_process:
 *
 * Returns: (transfer none) (nullable): the process, or %NULL when the
 *   program could not start
 */
PortholeProcess *
porthole_code_run_get_process (PortholeCodeRun *self)
{
  return self->process;
}

PortholeLanguage
porthole_code_run_get_language (PortholeCodeRun *self)
{
  return self->language;
}

/**
 * porthole_code_run_get_command:
 *
 * Returns: (nullable): the interpreter command line, for listings
 */
const char *
porthole_code_run_get_command (PortholeCodeRun *self)
{
  return self->command;
}

const char *
porthole_code_run_get_workdir (PortholeCodeRun *self)
{
  return self->options.workdir;
}

gboolean
porthole_code_run_is_finished (PortholeCodeRun *self)
{
  return self->finished;
}

int
porthole_code_run_get_exit_code (PortholeCodeRun *self)
{
  return self->exit_code;
}

gboolean
porthole_code_run_get_timed_out (PortholeCodeRun *self)
{
  return self->process != NULL && self->finished && porthole_process_get_timed_out (self->process);
}

gboolean
porthole_code_run_get_oom_killed (PortholeCodeRun *self)
{
  return self->process != NULL && self->finished && porthole_process_get_oom_killed (self->process);
}

double
porthole_code_run_get_duration (PortholeCodeRun *self)
{
  return self->process != NULL ? porthole_process_get_duration (self->process) : 0.0;
}

/**
 * porthole_code_run_get_notice:
 *
 * Returns: (nullable): what the daemon adds to stderr: a timeout, or why
 *   the program could not run
 */
const char *
porthole_code_run_get_notice (PortholeCodeRun *self)
{
  return self->notice;
}

/**
 * porthole_code_run_get_result:
 *
 * Returns: (nullable): the last expression's value (rich Python runs)
 */
const char *
porthole_code_run_get_result (PortholeCodeRun *self)
{
  return porthole_rich_outputs_get_result (self->rich);
}

void
porthole_code_run_kill (PortholeCodeRun *self)
{
  g_return_if_fail (PORTHOLE_IS_CODE_RUN (self));

  if (self->process != NULL && !self->finished)
    porthole_process_kill (self->process);
}

/**
 * porthole_code_run_to_json:
 *
 * Returns: (transfer full): the result of a finished run (API.md §3.1)
 */
JsonObject *
porthole_code_run_to_json (PortholeCodeRun *self,
                           gboolean         with_rich_list)
{
  PortholeExecFacts facts = {
    .language = porthole_language_get_name (self->language),
    .notice = self->notice,
    .exit_code = self->exit_code,
    .rich = self->rich,
  };

  g_return_val_if_fail (self->finished, NULL);

  if (self->process != NULL)
    {
      facts.stdout_text = porthole_process_get_stdout (self->process);
      facts.stderr_text = porthole_process_get_stderr (self->process);
      facts.timed_out = porthole_process_get_timed_out (self->process);
      facts.oom_killed = porthole_process_get_oom_killed (self->process);
      facts.truncated = porthole_process_get_truncated (self->process);
      facts.execution_time = porthole_process_get_duration (self->process);
    }
  facts.truncated |= self->channel != NULL && porthole_rich_channel_get_truncated (self->channel);

  return porthole_exec_result_to_json (&facts, with_rich_list);
}
