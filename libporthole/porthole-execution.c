/* porthole-execution.c
 *
 * The first frame (the request) is sent as soon as the socket is open.
 * `stdout`/`stderr` frames become "output" signals; their `output`
 * mirrors (API.md §3.9) are ignored so nothing shows twice. `display`
 * frames become "display" signals (MIME type and data), `result` gives
 * the exit code and duration, `error` the daemon's reason (through
 * PortholeWsObject's "error"), and `complete` — or a socket that closed
 * without it — "finished", once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-execution.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

struct _PortholeExecution
{
  PortholeWsObject parent_instance;

  gboolean finished;
  gboolean success;
  gboolean timed_out;
  gboolean have_result;
  int exit_code;
  double duration;
  gint64 started;
  char *error;
  char *result;
};

enum {
  OUTPUT,
  DISPLAY,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeExecution, porthole_execution, PORTHOLE_TYPE_WS_OBJECT)

static void
finish (PortholeExecution *self)
{
  if (self->finished)
    return;

  self->finished = TRUE;
  if (!self->have_result)
    self->duration = (g_get_monotonic_time () - self->started) / (double) G_USEC_PER_SEC;
  g_signal_emit (self, signals[FINISHED], 0);
  porthole_ws_object_close (PORTHOLE_WS_OBJECT (self));
}

static void
read_exit (PortholeExecution *self,
           JsonObject        *message)
{
  gint64 exit_code = -1;

  porthole_json_node_get_int (json_object_get_member (message, PORTHOLE_MEMBER_EXIT_CODE), &exit_code);
  self->exit_code = exit_code;
  porthole_json_node_get_boolean (json_object_get_member (message, PORTHOLE_MEMBER_SUCCESS), &self->success);
}

static void
porthole_execution_message (PortholeWsObject *object,
                            const char       *kind,
                            JsonObject       *message)
{
  PortholeExecution *self = PORTHOLE_EXECUTION (object);

  if (self->finished)
    return;

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_STDOUT) == 0 || g_strcmp0 (kind, PORTHOLE_WS_TYPE_STDERR) == 0)
    {
      const char *text = porthole_json_object_get_string (message, PORTHOLE_MEMBER_DATA);

      if (text != NULL)
        g_signal_emit (self, signals[OUTPUT], 0, kind, text);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_DISPLAY) == 0)
    {
      const char *mime = porthole_json_object_get_string (message, "mime_type");
      JsonNode *value = json_object_get_member (message, PORTHOLE_MEMBER_DATA);

      if (mime != NULL && value != NULL && !JSON_NODE_HOLDS_NULL (value))
        g_signal_emit (self, signals[DISPLAY], 0, mime, value);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_RESULT) == 0)
    {
      const char *result = porthole_json_object_get_string (message, "result");

      self->have_result = TRUE;
      read_exit (self, message);
      porthole_json_node_get_double (json_object_get_member (message, "execution_time"), &self->duration);
      porthole_json_node_get_boolean (json_object_get_member (message, "timed_out"), &self->timed_out);
      if (result != NULL)
        {
          g_free (self->result);
          self->result = g_strdup (result);
        }
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_COMPLETE) == 0)
    {
      if (!self->have_result)
        read_exit (self, message);
      finish (self);
    }
}

static void
porthole_execution_error (PortholeWsObject *object,
                          const char       *error)
{
  PortholeExecution *self = PORTHOLE_EXECUTION (object);

  if (self->finished)
    return;

  g_free (self->error);
  self->error = g_strdup (error);
}

static void
porthole_execution_closed (PortholeWsObject *object)
{
  PortholeExecution *self = PORTHOLE_EXECUTION (object);

  if (!self->finished && self->error == NULL)
    self->error = g_strdup ("The connection closed before the run ended");
  finish (self);
}

static void
porthole_execution_finalize (GObject *object)
{
  PortholeExecution *self = (PortholeExecution *)object;

  g_free (self->error);
  g_free (self->result);

  G_OBJECT_CLASS (porthole_execution_parent_class)->finalize (object);
}

static void
porthole_execution_class_init (PortholeExecutionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  PortholeWsObjectClass *ws_class = PORTHOLE_WS_OBJECT_CLASS (klass);

  object_class->finalize = porthole_execution_finalize;
  ws_class->message = porthole_execution_message;
  ws_class->error = porthole_execution_error;
  ws_class->closed = porthole_execution_closed;

  /**
   * PortholeExecution::output:
   * @stream: "stdout" or "stderr"
   * @text: a chunk, as it came
   */
  signals[OUTPUT] =
    g_signal_new ("output",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * PortholeExecution::display:
   * @mime_type: e.g. image/png, application/vnd.dataframe+json
   * @data: the data: a string (base64 for images) or JSON
   */
  signals[DISPLAY] =
    g_signal_new ("display",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_NODE);

  /**
   * PortholeExecution::finished:
   *
   * The run ended (or the socket closed); emitted once.
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_execution_init (PortholeExecution *self)
{
  self->exit_code = -1;
}

/**
 * porthole_execution_new:
 * @connection: a WebSocket opened on /stream or /commands/stream
 * @request: the first message (API.md §3.9, §4.3)
 */
PortholeExecution *
porthole_execution_new (SoupWebsocketConnection *connection,
                        JsonObject              *request)
{
  PortholeExecution *self;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  self = g_object_new (PORTHOLE_TYPE_EXECUTION, "connection", connection, NULL);
  self->started = g_get_monotonic_time ();
  porthole_ws_object_send (PORTHOLE_WS_OBJECT (self), request);

  return self;
}

/**
 * porthole_execution_cancel:
 *
 * Asks the daemon to kill the run; "finished" follows.
 */
void
porthole_execution_cancel (PortholeExecution *self)
{
  g_autoptr(JsonObject) message = json_object_new ();

  g_return_if_fail (PORTHOLE_IS_EXECUTION (self));

  if (self->finished)
    return;

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_CANCEL);
  porthole_ws_object_send (PORTHOLE_WS_OBJECT (self), message);
}

gboolean
porthole_execution_is_finished (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), TRUE);

  return self->finished;
}

gboolean
porthole_execution_get_success (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), FALSE);

  return self->success;
}

/**
 * porthole_execution_get_exit_code:
 *
 * Returns: the exit code, -1 if none came
 */
int
porthole_execution_get_exit_code (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), -1);

  return self->exit_code;
}

/**
 * porthole_execution_get_duration:
 *
 * Returns: the run's wall time in seconds, as the daemon measured it
 */
double
porthole_execution_get_duration (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), 0);

  return self->duration;
}

gboolean
porthole_execution_get_timed_out (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), FALSE);

  return self->timed_out;
}

/**
 * porthole_execution_get_error:
 *
 * Returns: (nullable): why the daemon refused or could not run it
 */
const char *
porthole_execution_get_error (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), NULL);

  return self->error;
}

/**
 * porthole_execution_get_result:
 *
 * Returns: (nullable): the last expression's value (kernel sessions)
 */
const char *
porthole_execution_get_result (PortholeExecution *self)
{
  g_return_val_if_fail (PORTHOLE_IS_EXECUTION (self), NULL);

  return self->result;
}
