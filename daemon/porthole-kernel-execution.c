/* porthole-kernel-execution.c
 *
 * What a cell printed, displayed and returned, gathered from the kernel's
 * iopub messages and passed on as it comes ("output", "rich") for
 * streams. A consumer that gives up calls _cancel(): the kernel drops
 * the cell if it has not started, or interrupts it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-exec-result.h"
#include "porthole-json.h"
#include "porthole-kernel-execution.h"

struct _PortholeKernelExecution
{
  GObject parent_instance;

  char *code;
  char *preamble;
  guint timeout;
  GString *output[2];
  PortholeRichOutputs *rich;
  gboolean truncated;
  gint64 created;
  gint64 ended;
  int exit_code;
  gboolean timed_out;
  gboolean oom_killed;
  gboolean finished;
  gboolean cancelled;
  char *notice;
};

enum {
  OUTPUT,
  RICH,
  CANCEL,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeKernelExecution, porthole_kernel_execution, G_TYPE_OBJECT)

static void
porthole_kernel_execution_finalize (GObject *object)
{
  PortholeKernelExecution *self = (PortholeKernelExecution *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->output); i++)
    g_string_free (self->output[i], TRUE);
  porthole_rich_outputs_free (self->rich);
  g_free (self->code);
  g_free (self->preamble);
  g_free (self->notice);

  G_OBJECT_CLASS (porthole_kernel_execution_parent_class)->finalize (object);
}

static void
porthole_kernel_execution_class_init (PortholeKernelExecutionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_kernel_execution_finalize;

  /**
   * PortholeKernelExecution::output:
   * @stream: a #PortholeProcessStream
   * @text: UTF-8 text
   * @length: bytes of @text
   */
  signals[OUTPUT] =
    g_signal_new ("output",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_POINTER, G_TYPE_UINT64);

  /**
   * PortholeKernelExecution::rich:
   * @msg_type: "execute_result" or "display_data"
   * @content: (type JsonObject): `data` and `metadata`
   * @source: what made it
   */
  signals[RICH] =
    g_signal_new ("rich",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, JSON_TYPE_OBJECT, G_TYPE_STRING);

  /**
   * PortholeKernelExecution::cancel:
   *
   * The consumer gave up: for the kernel running the cell.
   */
  signals[CANCEL] =
    g_signal_new ("cancel",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_kernel_execution_init (PortholeKernelExecution *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->output); i++)
    self->output[i] = g_string_new (NULL);
  self->rich = porthole_rich_outputs_new ();
  self->created = g_get_real_time ();
  self->exit_code = -1;
}

/**
 * porthole_kernel_execution_new:
 * @preamble: (nullable): code run silently first (working directory,
 *   environment)
 * @timeout: seconds, 0 for none
 */
PortholeKernelExecution *
porthole_kernel_execution_new (const char *code,
                               const char *preamble,
                               guint       timeout)
{
  PortholeKernelExecution *self = g_object_new (PORTHOLE_TYPE_KERNEL_EXECUTION, NULL);

  self->code = g_strdup (code);
  self->preamble = g_strdup (preamble);
  self->timeout = timeout;

  return self;
}

const char *
porthole_kernel_execution_get_code (PortholeKernelExecution *self)
{
  return self->code;
}

const char *
porthole_kernel_execution_get_preamble (PortholeKernelExecution *self)
{
  return self->preamble;
}

guint
porthole_kernel_execution_get_timeout (PortholeKernelExecution *self)
{
  return self->timeout;
}

gboolean
porthole_kernel_execution_is_finished (PortholeKernelExecution *self)
{
  return self->finished;
}

int
porthole_kernel_execution_get_exit_code (PortholeKernelExecution *self)
{
  return self->exit_code;
}

gboolean
porthole_kernel_execution_get_timed_out (PortholeKernelExecution *self)
{
  return self->timed_out;
}

gboolean
porthole_kernel_execution_get_oom_killed (PortholeKernelExecution *self)
{
  return self->oom_killed;
}

/* Before porthole_kernel_execution_finish(): the kernel's process was
 * killed for memory while running the cell. */
void
porthole_kernel_execution_set_oom_killed (PortholeKernelExecution *self)
{
  self->oom_killed = TRUE;
}

double
porthole_kernel_execution_get_duration (PortholeKernelExecution *self)
{
  return ((self->finished ? self->ended : g_get_real_time ()) - self->created) / (double) G_USEC_PER_SEC;
}

const char *
porthole_kernel_execution_get_notice (PortholeKernelExecution *self)
{
  return self->notice;
}

const char *
porthole_kernel_execution_get_result (PortholeKernelExecution *self)
{
  return porthole_rich_outputs_get_result (self->rich);
}

/**
 * porthole_kernel_execution_cancel:
 *
 * Stops the cell (API.md §3.9 `cancel`, or a client gone); it finishes
 * with %PORTHOLE_KERNEL_EXIT_CANCELLED.
 */
void
porthole_kernel_execution_cancel (PortholeKernelExecution *self)
{
  g_return_if_fail (PORTHOLE_IS_KERNEL_EXECUTION (self));

  if (self->finished || self->cancelled)
    return;

  self->cancelled = TRUE;
  g_signal_emit (self, signals[CANCEL], 0);
}

void
porthole_kernel_execution_add_output (PortholeKernelExecution *self,
                                      PortholeProcessStream    stream,
                                      const char              *text)
{
  GString *buffer = self->output[stream == PORTHOLE_PROCESS_STDERR ? 1 : 0];
  gsize length = strlen (text);

  if (self->finished || length == 0)
    return;

  if (buffer->len + length <= PORTHOLE_PROCESS_DEFAULT_CAPTURE)
    g_string_append_len (buffer, text, length);
  else
    self->truncated = TRUE;

  g_signal_emit (self, signals[OUTPUT], 0, (guint) stream, text, (guint64) length);
}

void
porthole_kernel_execution_add_rich (PortholeKernelExecution *self,
                                    const char              *msg_type,
                                    JsonObject              *content)
{
  JsonObject *data = porthole_json_object_get_object (content, "data");
  const char *source;

  if (self->finished || data == NULL)
    return;

  source = porthole_rich_outputs_guess_source (data);
  porthole_rich_outputs_add (self->rich, msg_type, content, source);
  g_signal_emit (self, signals[RICH], 0, msg_type, content, source);
}

/**
 * porthole_kernel_execution_finish:
 * @notice: (nullable): the daemon's word after stderr
 */
void
porthole_kernel_execution_finish (PortholeKernelExecution *self,
                                  int                      exit_code,
                                  gboolean                 timed_out,
                                  const char              *notice)
{
  g_autoptr(PortholeKernelExecution) hold = g_object_ref (self);

  if (self->finished)
    return;

  self->finished = TRUE;
  self->ended = g_get_real_time ();
  self->exit_code = self->cancelled && !timed_out ? PORTHOLE_KERNEL_EXIT_CANCELLED : exit_code;
  self->timed_out = timed_out;
  self->notice = g_strdup (notice);
  g_signal_emit (self, signals[FINISHED], 0);
}

/**
 * porthole_kernel_execution_to_json:
 *
 * Returns: (transfer full): the result of a finished cell, in the shape
 *   of /execute (API.md §3.1, §3.3)
 */
JsonObject *
porthole_kernel_execution_to_json (PortholeKernelExecution *self,
                                   gboolean                 with_rich_list)
{
  PortholeExecFacts facts = {
    .language = "python",
    .stdout_text = self->output[0]->str,
    .stderr_text = self->output[1]->str,
    .notice = self->notice,
    .exit_code = self->exit_code,
    .timed_out = self->timed_out,
    .oom_killed = self->oom_killed,
    .truncated = self->truncated,
    .execution_time = porthole_kernel_execution_get_duration (self),
    .rich = self->rich,
  };

  g_return_val_if_fail (self->finished, NULL);

  return porthole_exec_result_to_json (&facts, with_rich_list);
}
