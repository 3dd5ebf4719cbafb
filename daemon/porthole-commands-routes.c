/* porthole-commands-routes.c
 *
 * With `args`, `command` is a program run without a shell (PATH lookup);
 * without, `command` goes to /bin/sh -c. Non-zero exits and timeouts are
 * results (200), never errors: the SDKs retry 5xx, re-running commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-command.h"
#include "porthole-commands-routes.h"
#include "porthole-daemon.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-run-options.h"
#include "porthole-run-stream.h"
#include "porthole-run-table.h"
#include "porthole-ws-channel.h"

#define DEFAULT_TIMEOUT 30
#define DEFAULT_BACKGROUND_TIMEOUT 300

static void
reply_result (PortholeRequest *req,
              const char      *display,
              const char      *out,
              const char      *err,
              int              exit_code,
              gboolean         timed_out,
              gboolean         oom_killed,
              gboolean         truncated,
              double           execution_time,
              GPid             pid)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_string_member (result, "stdout", out);
  json_object_set_string_member (result, "stderr", err);
  json_object_set_int_member (result, PORTHOLE_MEMBER_EXIT_CODE, exit_code);
  json_object_set_boolean_member (result, PORTHOLE_MEMBER_SUCCESS, exit_code == 0 && !timed_out);
  json_object_set_double_member (result, "execution_time", execution_time);
  json_object_set_string_member (result, "command", display);
  json_object_set_int_member (result, "pid", pid);
  json_object_set_boolean_member (result, "timed_out", timed_out);
  json_object_set_boolean_member (result, "oom_killed", oom_killed);
  json_object_set_boolean_member (result, "truncated", truncated);
  json_object_set_string_member (result, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  porthole_request_reply_json (req, SOUP_STATUS_OK, result);
}

typedef struct
{
  PortholeRequest *req;
  char *display;
  gulong cancelled_id;
} RunState;

static void
on_run_exited (PortholeProcess *process,
               RunState        *state)
{
  g_autofree char *err = porthole_command_dup_stderr (process);

  reply_result (state->req, state->display, porthole_process_get_stdout (process), err,
                porthole_process_get_exit_code (process), porthole_process_get_timed_out (process),
                porthole_process_get_oom_killed (process), porthole_process_get_truncated (process), porthole_process_get_duration (process),
                porthole_process_get_pid (process));

  g_cancellable_disconnect (porthole_request_get_cancellable (state->req), state->cancelled_id);
  g_signal_handlers_disconnect_by_data (process, state);
  g_object_unref (state->req);
  g_free (state->display);
  g_free (state);
  g_object_unref (process);
}

static void
on_client_gone (GCancellable *cancellable,
                gpointer      process)
{
  porthole_process_kill (process);
}

void
porthole_commands_handle_run (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) fields = porthole_request_dup_fields (req);
  g_auto(PortholeCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  PortholeProcess *process;
  RunState *state;
  int exit_code;

  if (fields == NULL)
    return;

  if (!porthole_command_parse (&command, daemon, fields, DEFAULT_TIMEOUT, FALSE, &error))
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  process = porthole_command_spawn (&command, PORTHOLE_PROCESS_FLAGS_CAPTURE, &exit_code, &message, &error);
  if (process == NULL)
    {
      if (error != NULL)
        porthole_request_reply_gerror (req, error);
      else
        reply_result (req, command.display, "", message, exit_code, FALSE, FALSE, FALSE, 0.0, 0);
      return;
    }

  porthole_command_track (daemon, process);
  state = g_new0 (RunState, 1);
  state->req = g_object_ref (req);
  state->display = g_steal_pointer (&command.display);
  g_signal_connect (process, "exited", G_CALLBACK (on_run_exited), state);
  /* A client that gives up does not leave its command running. */
  state->cancelled_id = g_cancellable_connect (porthole_request_get_cancellable (req),
                                               G_CALLBACK (on_client_gone), process, NULL);
}

void
porthole_commands_handle_background (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) fields = porthole_request_dup_fields (req);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(PortholeProcess) process = NULL;
  g_autoptr(PortholeRun) run = NULL;
  g_auto(PortholeCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *name = NULL;
  int exit_code;

  if (fields == NULL || !porthole_request_get_string (req, "name", NULL, &name))
    return;

  if (!porthole_command_parse (&command, daemon, fields, DEFAULT_BACKGROUND_TIMEOUT, TRUE, &error))
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  run = porthole_run_new ("command", name, NULL, command.display, command.options.workdir);
  process = porthole_command_spawn (&command, PORTHOLE_PROCESS_FLAGS_CAPTURE | PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL,
                           &exit_code, &message, &error);
  if (process == NULL && error != NULL)
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  if (process != NULL)
    {
      porthole_process_set_capture_limit (process, PORTHOLE_RUN_OUTPUT_TAIL);
      porthole_run_attach (run, process);
      porthole_command_track (daemon, process);
    }
  else
    porthole_run_fail_to_start (run, exit_code, message);
  porthole_run_table_add (porthole_daemon_get_run_table (daemon), run);

  reply = porthole_run_to_started_json (run, process ? "Background command started" : message);
  json_object_set_string_member (reply, "command", command.display);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* /commands/stream: the first message starts the command. */

static PortholeRunStream *
start_stream (PortholeWsChannel *channel,
              JsonObject        *message,
              gpointer           user_data)
{
  PortholeDaemon *daemon = porthole_ws_channel_get_daemon (channel);
  g_autoptr(PortholeProcess) process = NULL;
  g_autoptr(PortholeRun) run = porthole_run_new ("command", NULL, NULL, NULL, NULL);
  g_autoptr(PortholeRunStream) stream = porthole_run_stream_new (channel, porthole_run_get_execution_id (run));
  g_auto(PortholeCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *failure = NULL;
  int exit_code;

  /* Not a command: said so, like any invalid request (error, complete). */
  if (!porthole_command_parse_stream (&command, daemon, message, DEFAULT_TIMEOUT, &error) ||
      (!(process = porthole_command_spawn (&command, PORTHOLE_PROCESS_FLAGS_NONE, &exit_code, &failure, &error)) &&
       error != NULL))
    {
      porthole_run_stream_fail (stream, error);
      return g_steal_pointer (&stream);
    }

  porthole_run_stream_send_start (stream);
  if (process == NULL)
    {
      porthole_run_stream_push (stream, PORTHOLE_PROCESS_STDERR, failure, strlen (failure));
      porthole_run_stream_finish (stream, exit_code, FALSE, 0.0, NULL);
      return g_steal_pointer (&stream);
    }

  porthole_command_track (daemon, process);
  porthole_run_stream_attach_process (stream, process);
  return g_steal_pointer (&stream);
}

void
porthole_commands_handle_stream (PortholeRequest         *req,
                                 SoupWebsocketConnection *connection)
{
  porthole_run_stream_accept (req, connection, start_stream, NULL);
}
