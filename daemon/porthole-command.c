/* porthole-command.c
 *
 * With `args`, `command` is a program run without a shell (PATH lookup);
 * without, `command` goes to /bin/sh -c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-command.h"
#include "porthole-daemon.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

void
porthole_command_clear (PortholeCommand *command)
{
  porthole_run_options_clear (&command->options);
  g_clear_pointer (&command->argv, g_strfreev);
  g_clear_pointer (&command->display, g_free);
}

/**
 * porthole_command_parse:
 * @fields: a request's fields, or a WebSocket's first message
 */
gboolean
porthole_command_parse (PortholeCommand  *command,
                        PortholeDaemon   *daemon,
                        JsonObject       *fields,
                        guint             default_timeout,
                        gboolean          zero_is_unlimited,
                        GError          **error)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (fields, "command");
  JsonNode *args = json_object_get_member (fields, "args");
  const char *text;

  memset (command, 0, sizeof *command);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      *(text = json_node_get_string (node)) == '\0')
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                           "Missing required parameter: command");
      return FALSE;
    }

  if (args != NULL && !JSON_NODE_HOLDS_NULL (args))
    {
      JsonArray *array;
      g_autoptr(GString) display = g_string_new (text);

      if (!JSON_NODE_HOLDS_ARRAY (args))
        {
          g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                               "Invalid value for 'args': expected an array of strings");
          return FALSE;
        }

      array = json_node_get_array (args);
      g_strv_builder_add (argv, text);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                                   "Invalid value for 'args': expected an array of strings");
              return FALSE;
            }
          g_strv_builder_add (argv, json_node_get_string (element));
          g_string_append_printf (display, " %s", json_node_get_string (element));
        }
      command->with_args = TRUE;
      command->display = g_string_free (g_steal_pointer (&display), FALSE);
    }
  else
    {
      g_strv_builder_add_many (argv, "/bin/sh", "-c", text, NULL);
      command->display = g_strdup (text);
    }
  command->argv = g_strv_builder_end (argv);

  return porthole_run_options_parse (&command->options, daemon, fields, default_timeout,
                                     zero_is_unlimited, error);
}

/**
 * porthole_command_parse_stream:
 * @message: (nullable): /commands/stream's first message, as parsed
 *   (porthole_ws_channel_parse_frame())
 *
 * porthole_command_parse() of a message of type `execute`, `command` or
 * `run` (or none); anything else is refused, and ends the session.
 */
gboolean
porthole_command_parse_stream (PortholeCommand  *command,
                               PortholeDaemon   *daemon,
                               JsonObject       *message,
                               guint             default_timeout,
                               GError          **error)
{
  const char *type = NULL;

  memset (command, 0, sizeof *command);

  if (!porthole_json_object_lookup_string (message, PORTHOLE_MEMBER_TYPE, &type))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Invalid value for 'type': expected a string");
      return FALSE;
    }

  if (message == NULL || (type != NULL && !g_str_equal (type, PORTHOLE_WS_TYPE_EXECUTE) &&
                          !g_str_equal (type, "command") && !g_str_equal (type, "run")))
    {
      g_set_error (error, PORTHOLE_ERROR, message ? PORTHOLE_ERROR_INVALID_REQUEST : PORTHOLE_ERROR_INVALID_JSON,
                   "Expected {\"type\":\"execute\",\"command\":…} first, not %s%s",
                   message ? "a message of type " : "text that is not a JSON object",
                   message ? type : "");
      return FALSE;
    }

  return porthole_command_parse (command, daemon, message, default_timeout, FALSE, error);
}

/* Spawns @command. A program that cannot be found or run is the
 * command's own failure (127 or 126, as a shell says), reported in
 * @exit_code and @message; only daemon-side failures are errors. */
PortholeProcess *
porthole_command_spawn (PortholeCommand       *command,
                        PortholeProcessFlags   flags,
                        int                   *exit_code,
                        char                 **message,
                        GError               **error)
{
  g_autoptr(PortholeProcess) process = NULL;
  g_autoptr(GError) local_error = NULL;

  *exit_code = -1;
  *message = NULL;

  if (command->with_args)
    flags |= PORTHOLE_PROCESS_FLAGS_SEARCH_PATH;
  process = porthole_process_new ((const char *const *) command->argv,
                                  (const char *const *) command->options.envp,
                                  command->options.workdir, flags);
  porthole_process_set_timeout (process, command->options.timeout);

  if (porthole_process_spawn (process, &local_error))
    return g_steal_pointer (&process);

  *exit_code = porthole_process_exit_code_for_spawn_error (local_error);
  if (*exit_code < 0)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_COMMAND_FAILED,
                   "Cannot start the command: %s", local_error->message);
      return NULL;
    }

  *message = g_strdup_printf ("%s: %s\n", command->argv[0],
                              *exit_code == 127 ? "command not found" : local_error->message);
  return NULL;
}

static void
execution_ended (PortholeDaemon *daemon)
{
  porthole_daemon_activity_end (daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
}

/* Counts @process as an execution until it exits. */
void
porthole_command_track (PortholeDaemon  *daemon,
                        PortholeProcess *process)
{
  porthole_daemon_activity_begin (daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
  g_signal_connect_object (process, "exited", G_CALLBACK (execution_ended), daemon, G_CONNECT_SWAPPED);
}


/**
 * porthole_command_dup_stderr:
 *
 * Returns: (transfer full): what the command wrote to stderr, and that
 *   it timed out or the kernel killed it for memory if it did
 */
char *
porthole_command_dup_stderr (PortholeProcess *process)
{
  const char *captured = porthole_process_get_stderr (process);
  const char *notice = NULL;

  if (porthole_process_get_timed_out (process))
    notice = "Command timed out\n";
  else if (porthole_process_get_oom_killed (process))
    notice = PORTHOLE_PROCESS_OOM_NOTICE;
  if (notice == NULL)
    return g_strdup (captured);

  return g_strconcat (captured, captured[0] && !g_str_has_suffix (captured, "\n") ? "\n" : "", notice, NULL);
}
