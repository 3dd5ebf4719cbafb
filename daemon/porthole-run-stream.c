/* porthole-run-stream.c
 *
 * Output is coalesced for a few milliseconds into fewer, larger frames
 * (the channel paces frames, so fewer frames means more throughput), split
 * into chunks of at most 64 KiB on character boundaries, and each chunk is
 * sent as `stdout`/`stderr` and then mirrored as `output` (py-async reads
 * that one). The end is always `result`, then `complete`, then close 1000:
 * the JS SDK stops only on `complete`.
 *
 * Whatever produces the output (a process, a Jupyter kernel) pushes it
 * here; a client's `cancel` or disconnect emits "cancel" for the producer
 * to stop, and a congested channel pauses an attached process. A stream
 * keeps itself alive until its run has finished, whoever else lets go.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-run-stream.h"

#define COALESCE_MS 15

struct _PortholeRunStream
{
  GObject parent_instance;

  PortholeWsChannel *channel;
  PortholeProcess *process;
  char *execution_id;
  GString *pending[2];
  guint flush_id;
  gboolean mirror;
  gboolean finished;
  gulong message_handler;
  gulong closed_handler;
  gulong drained_handler;
};

enum {
  CANCEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeRunStream, porthole_run_stream, G_TYPE_OBJECT)

static void
send_chunk (PortholeRunStream *self,
            const char        *type,
            const char        *data,
            gsize              length)
{
  g_autoptr(JsonObject) message = json_object_new ();
  g_autofree char *text = g_strndup (data, length);
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, type);
  json_object_set_string_member (message, PORTHOLE_MEMBER_DATA, text);
  json_object_set_string_member (message, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_ws_channel_send (self->channel, message);

  if (self->mirror)
    {
      g_autoptr(JsonObject) mirror = json_object_new ();

      json_object_set_string_member (mirror, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_OUTPUT);
      json_object_set_string_member (mirror, "stream", type);
      json_object_set_string_member (mirror, PORTHOLE_MEMBER_DATA, text);
      json_object_set_string_member (mirror, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
      porthole_ws_channel_send (self->channel, mirror);
    }
}

static void
flush_pending (PortholeRunStream *self)
{
  static const char *const types[] = { PORTHOLE_WS_TYPE_STDOUT, PORTHOLE_WS_TYPE_STDERR };

  g_clear_handle_id (&self->flush_id, g_source_remove);

  for (guint i = 0; i < G_N_ELEMENTS (self->pending); i++)
    {
      GString *pending = self->pending[i];
      gsize offset = 0;

      while (offset < pending->len)
        {
          gsize length = MIN (pending->len - offset, PORTHOLE_WS_CHANNEL_MAX_CHUNK);

          /* Never split a character: the text is valid UTF-8. */
          while (offset + length < pending->len && ((guchar) pending->str[offset + length] & 0xC0) == 0x80)
            length--;
          send_chunk (self, types[i], pending->str + offset, length);
          offset += length;
        }
      g_string_truncate (pending, 0);
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  PortholeRunStream *self = user_data;

  self->flush_id = 0;
  flush_pending (self);

  return G_SOURCE_REMOVE;
}

void
porthole_run_stream_send_start (PortholeRunStream *self)
{
  g_autoptr(JsonObject) message = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_START);
  json_object_set_string_member (message, "execution_id", self->execution_id);
  json_object_set_string_member (message, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_ws_channel_send (self->channel, message);
}

/**
 * porthole_run_stream_push:
 * @text: valid UTF-8 output
 */
void
porthole_run_stream_push (PortholeRunStream     *self,
                          PortholeProcessStream  stream,
                          const char            *text,
                          gsize                  length)
{
  GString *pending;

  g_return_if_fail (PORTHOLE_IS_RUN_STREAM (self));

  if (self->finished || length == 0)
    return;

  pending = self->pending[stream == PORTHOLE_PROCESS_STDERR ? 1 : 0];
  g_string_append_len (pending, text, length);

  if (pending->len >= PORTHOLE_WS_CHANNEL_MAX_CHUNK)
    flush_pending (self);
  else if (self->flush_id == 0)
    self->flush_id = g_timeout_add (COALESCE_MS, flush_cb, self);

  /* A client that reads slowly slows its own producer, nothing else. */
  if (self->process != NULL && porthole_ws_channel_is_congested (self->channel))
    porthole_process_set_output_paused (self->process, TRUE);
}

/**
 * porthole_run_stream_send:
 *
 * Sends @message after the output pushed so far (e.g. `display`).
 */
void
porthole_run_stream_send (PortholeRunStream *self,
                          JsonObject        *message)
{
  g_return_if_fail (PORTHOLE_IS_RUN_STREAM (self));

  if (self->finished)
    return;

  flush_pending (self);
  porthole_ws_channel_send (self->channel, message);
}

static void
send_complete (PortholeRunStream *self,
               gboolean           success,
               int                exit_code,
               gushort            close_code)
{
  g_autoptr(JsonObject) complete = json_object_new ();

  json_object_set_string_member (complete, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_COMPLETE);
  json_object_set_boolean_member (complete, PORTHOLE_MEMBER_SUCCESS, success);
  json_object_set_int_member (complete, PORTHOLE_MEMBER_EXIT_CODE, exit_code);
  json_object_set_string_member (complete, "execution_id", self->execution_id);
  porthole_ws_channel_send (self->channel, complete);
  porthole_ws_channel_close (self->channel, close_code, NULL);
}

/**
 * porthole_run_stream_finish:
 * @result_extra: (nullable): more members for the `result` message
 *
 * Sends the remaining output, `result`, `complete`, and closes.
 */
void
porthole_run_stream_finish (PortholeRunStream *self,
                            int                exit_code,
                            gboolean           timed_out,
                            double             execution_time,
                            JsonObject        *result_extra)
{
  g_autoptr(PortholeRunStream) hold = g_object_ref (self);
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  gboolean success = exit_code == 0 && !timed_out;

  g_return_if_fail (PORTHOLE_IS_RUN_STREAM (self));

  if (self->finished)
    return;

  flush_pending (self);
  self->finished = TRUE;
  g_object_unref (self);

  json_object_set_string_member (result, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_RESULT);
  json_object_set_int_member (result, PORTHOLE_MEMBER_EXIT_CODE, exit_code);
  json_object_set_double_member (result, "execution_time", execution_time);
  json_object_set_boolean_member (result, PORTHOLE_MEMBER_SUCCESS, success);
  json_object_set_boolean_member (result, "timed_out", timed_out);
  json_object_set_string_member (result, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  if (result_extra != NULL)
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      json_object_iter_init (&iter, result_extra);
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (result, member, json_node_copy (value));
    }
  porthole_ws_channel_send (self->channel, result);

  send_complete (self, success, exit_code, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

/**
 * porthole_run_stream_fail:
 *
 * An invalid request or a spawn failure: `error`, then `complete`. The
 * close code is 1000, or 1007 when the request was not a JSON object
 * (%PORTHOLE_ERROR_INVALID_JSON).
 */
void
porthole_run_stream_fail (PortholeRunStream *self,
                          const GError      *error)
{
  g_autoptr(PortholeRunStream) hold = g_object_ref (self);

  g_return_if_fail (PORTHOLE_IS_RUN_STREAM (self));

  if (self->finished)
    return;

  flush_pending (self);
  self->finished = TRUE;
  g_object_unref (self);
  porthole_ws_channel_send_error (self->channel, error);
  send_complete (self, FALSE, -1,
                 g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON)
                 ? SOUP_WEBSOCKET_CLOSE_BAD_DATA : SOUP_WEBSOCKET_CLOSE_NORMAL);
}

gboolean
porthole_run_stream_is_finished (PortholeRunStream *self)
{
  return self->finished;
}

/**
 * porthole_run_stream_is_cancel:
 * @message: (nullable): a frame after the first, as parsed
 *   (porthole_ws_channel_parse_frame())
 *
 * Returns: %TRUE for `cancel`; anything else after the first message is
 *   ignored (API.md §3.9)
 */
gboolean
porthole_run_stream_is_cancel (JsonObject *message)
{
  return g_strcmp0 (porthole_json_object_get_string (message, PORTHOLE_MEMBER_TYPE), PORTHOLE_WS_TYPE_CANCEL) == 0;
}

static void
on_channel_message (PortholeRunStream *self,
                    JsonObject        *message,
                    const char        *text)
{
  if (porthole_run_stream_is_cancel (message) && !self->finished)
    g_signal_emit (self, signals[CANCEL], 0);
}

static void
on_channel_closed (PortholeRunStream *self)
{
  /* A client gone mid-run gets its run ended. */
  if (!self->finished)
    g_signal_emit (self, signals[CANCEL], 0);
}

static void
on_channel_drained (PortholeRunStream *self)
{
  if (self->process != NULL)
    porthole_process_set_output_paused (self->process, FALSE);
}

static void
on_process_output (PortholeProcess   *process,
                   guint              stream,
                   const char        *text,
                   guint64            length,
                   PortholeRunStream *self)
{
  porthole_run_stream_push (self, stream, text, length);
}

static void
on_process_exited (PortholeProcess   *process,
                   PortholeRunStream *self)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  if (porthole_process_get_oom_killed (process))
    porthole_run_stream_push (self, PORTHOLE_PROCESS_STDERR, PORTHOLE_PROCESS_OOM_NOTICE,
                              strlen (PORTHOLE_PROCESS_OOM_NOTICE));
  json_object_set_boolean_member (extra, "oom_killed", porthole_process_get_oom_killed (process));
  porthole_run_stream_finish (self, porthole_process_get_exit_code (process),
                              porthole_process_get_timed_out (process),
                              porthole_process_get_duration (process), extra);
}

static void
kill_attached (PortholeRunStream *self)
{
  if (self->process != NULL)
    porthole_process_kill (self->process);
}

/**
 * porthole_run_stream_attach_process:
 *
 * Streams @process: its output, its end, back-pressure, and a kill on
 * `cancel` or disconnect.
 */
void
porthole_run_stream_attach_process (PortholeRunStream *self,
                                    PortholeProcess   *process)
{
  g_return_if_fail (PORTHOLE_IS_RUN_STREAM (self));
  g_return_if_fail (self->process == NULL);

  self->process = g_object_ref (process);
  g_signal_connect_object (process, "output", G_CALLBACK (on_process_output), self, 0);
  g_signal_connect_object (process, "exited", G_CALLBACK (on_process_exited), self, 0);
  g_signal_connect (self, "cancel", G_CALLBACK (kill_attached), NULL);
  if (porthole_process_has_exited (process))
    on_process_exited (process, self);
}

static void
porthole_run_stream_dispose (GObject *object)
{
  PortholeRunStream *self = (PortholeRunStream *)object;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->channel != NULL)
    {
      g_clear_signal_handler (&self->message_handler, self->channel);
      g_clear_signal_handler (&self->closed_handler, self->channel);
      g_clear_signal_handler (&self->drained_handler, self->channel);
    }
  g_clear_object (&self->channel);
  g_clear_object (&self->process);

  G_OBJECT_CLASS (porthole_run_stream_parent_class)->dispose (object);
}

static void
porthole_run_stream_finalize (GObject *object)
{
  PortholeRunStream *self = (PortholeRunStream *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->pending); i++)
    g_string_free (self->pending[i], TRUE);
  g_free (self->execution_id);

  G_OBJECT_CLASS (porthole_run_stream_parent_class)->finalize (object);
}

static void
porthole_run_stream_class_init (PortholeRunStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_run_stream_dispose;
  object_class->finalize = porthole_run_stream_finalize;

  /**
   * PortholeRunStream::cancel:
   *
   * The client sent `cancel` or went away: stop the run.
   */
  signals[CANCEL] =
    g_signal_new ("cancel",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_run_stream_init (PortholeRunStream *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->pending); i++)
    self->pending[i] = g_string_new (NULL);
}

/**
 * porthole_run_stream_new:
 * @channel: the client's channel
 * @execution_id: the id in `start` and `complete`
 */
PortholeRunStream *
porthole_run_stream_new (PortholeWsChannel *channel,
                         const char        *execution_id)
{
  PortholeRunStream *self = g_object_new (PORTHOLE_TYPE_RUN_STREAM, NULL);
  PortholeConfig *config = porthole_daemon_get_config (porthole_ws_channel_get_daemon (channel));

  self->channel = g_object_ref (channel);
  self->execution_id = g_strdup (execution_id);
  self->mirror = porthole_config_get_ws_output_mirror (config);
  /* Released when the run finishes (porthole_run_stream_finish/fail). */
  g_object_ref (self);
  self->message_handler = g_signal_connect_swapped (channel, "message", G_CALLBACK (on_channel_message), self);
  self->closed_handler = g_signal_connect_swapped (channel, "closed", G_CALLBACK (on_channel_closed), self);
  self->drained_handler = g_signal_connect_swapped (channel, "drained", G_CALLBACK (on_channel_drained), self);

  return self;
}

/* The session of a stream route: the first message that starts a run
 * makes the stream. The session ends with the socket; what it started
 * keeps itself alive until its run has finished. */
typedef struct
{
  PortholeWsChannel *channel;
  PortholeRunStream *stream;
  PortholeRunStreamStarter starter;
  gpointer user_data;
  gulong message_id;
} Session;

static void
session_free (Session *session)
{
  g_clear_signal_handler (&session->message_id, session->channel);
  g_clear_object (&session->stream);
  g_clear_object (&session->channel);
  g_free (session);
}

static void
on_session_message (PortholeWsChannel *channel,
                    JsonObject        *message,
                    const char        *text,
                    Session           *session)
{
  PortholeRunStream *stream = session->starter (channel, message, session->user_data);

  if (stream == NULL)
    return;

  g_clear_signal_handler (&session->message_id, channel);
  session->stream = stream;
}

/**
 * porthole_run_stream_accept:
 * @starter: makes the stream of the first message that starts a run
 *
 * Serves an upgraded stream route (/commands/stream, /execute/stream…).
 */
void
porthole_run_stream_accept (PortholeRequest          *req,
                            SoupWebsocketConnection  *connection,
                            PortholeRunStreamStarter  starter,
                            gpointer                  user_data)
{
  Session *session = g_new0 (Session, 1);

  session->channel = porthole_ws_channel_new (req, connection);
  session->starter = starter;
  session->user_data = user_data;
  session->message_id = g_signal_connect (session->channel, "message", G_CALLBACK (on_session_message), session);
  g_signal_connect_swapped (session->channel, "closed", G_CALLBACK (session_free), session);
}
