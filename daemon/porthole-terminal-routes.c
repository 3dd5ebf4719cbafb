/* porthole-terminal-routes.c
 *
 * Each WebSocket gets a login shell on a new pseudo-terminal, through the
 * one process runner (PortholeProcess with FLAGS_PTY: own session,
 * controlling terminal, UTF-8 decoded output). Output is gathered for
 * about 10 ms before it is sent, so a short line arrives in one message
 * (both SDK test suites look for their text inside a single `output`),
 * and cut into frames of at most 16 KiB on character boundaries. A client
 * that stops reading stops the reading of the terminal, not the daemon's
 * memory. When the shell exits the client gets `exit` and a normal close;
 * when the client goes, the session gets SIGHUP, then the runner's kill.
 *
 * A terminal holds a slot under max-terminals (SECURITY.md G5) from the
 * moment its upgrade is admitted until both its WebSocket and its
 * process (with the PTY) are gone, whichever way it ends: a tree killed
 * after the client left holds its PTY for up to the runner's kill grace.
 * The daemon's TERMINALS activity is the count of slots.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include "porthole-daemon.h"
#include "porthole-defer.h"
#include "porthole-env-store.h"
#include "porthole-json.h"
#include "porthole-process.h"
#include "porthole-protocol.h"
#include "porthole-run-options.h"
#include "porthole-terminal-message.h"
#include "porthole-terminal-routes.h"
#include "porthole-ws-channel.h"

#define OUTPUT_COALESCE_MS 10
#define MAX_OUTPUT_FRAME (16 * 1024)
/* Output waiting beyond this is sent without waiting for the window. */
#define OUTPUT_FLUSH_AT (4 * MAX_OUTPUT_FRAME)
#define DEFAULT_COLUMNS 80
#define DEFAULT_ROWS 24

typedef struct
{
  PortholeDaemon *daemon;
  PortholeWsChannel *channel;
  PortholeProcess *process;
  GString *output;
  guint flush_id;
  /* The slot (a PortholeDaemon reference) taken by porthole_terminal_admit(),
   * until the process holds it. */
  gpointer slot;
} Terminal;

static const char slot_key[] = "porthole-terminal-slot";

static void
slot_release (gpointer daemon)
{
  porthole_daemon_activity_end (daemon, PORTHOLE_ACTIVITY_TERMINALS);
  g_object_unref (daemon);
}

/**
 * porthole_terminal_admit:
 *
 * Takes a slot for the terminal @req asks for, or refuses the upgrade
 * with %PORTHOLE_ERROR_SERVICE_UNAVAILABLE when every slot is taken.
 *
 * Returns: %TRUE if the terminal may open
 */
gboolean
porthole_terminal_admit (PortholeRequest  *req,
                         GError          **error)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  guint max = porthole_daemon_get_max_terminals (daemon);

  if (porthole_daemon_get_activity (daemon, PORTHOLE_ACTIVITY_TERMINALS) >= max)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
                   "Too many terminals open (%u at most); close one and try again", max);
      return FALSE;
    }

  porthole_daemon_activity_begin (daemon, PORTHOLE_ACTIVITY_TERMINALS);
  g_object_set_data_full (G_OBJECT (req), slot_key, g_object_ref (daemon), slot_release);
  return TRUE;
}

static void
send_type (Terminal   *term,
           const char *type)
{
  g_autoptr(JsonObject) message = json_object_new ();

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, type);
  porthole_ws_channel_send (term->channel, message);
}

static void
send_exit (Terminal *term,
           int       code)
{
  g_autoptr(JsonObject) message = json_object_new ();

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_EXIT);
  json_object_set_int_member (message, PORTHOLE_MEMBER_CODE, code);
  porthole_ws_channel_send (term->channel, message);
  porthole_ws_channel_close (term->channel, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

/* Output */

static void
flush_output (Terminal *term)
{
  const char *text = term->output->str;
  gsize left = term->output->len;

  g_clear_handle_id (&term->flush_id, g_source_remove);

  while (left > 0)
    {
      g_autoptr(JsonObject) message = json_object_new ();
      g_autofree char *data = NULL;
      gsize length = MIN (left, MAX_OUTPUT_FRAME);

      /* Never inside a character: the text is valid UTF-8. */
      while (length < left && length > 0 && ((guchar) text[length] & 0xC0) == 0x80)
        length--;

      data = g_strndup (text, length);
      json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_OUTPUT);
      json_object_set_string_member (message, PORTHOLE_MEMBER_DATA, data);
      porthole_ws_channel_send (term->channel, message);
      text += length;
      left -= length;
    }
  g_string_truncate (term->output, 0);

  if (term->process != NULL && porthole_ws_channel_is_congested (term->channel))
    porthole_process_set_output_paused (term->process, TRUE);
}

static gboolean
flush_cb (gpointer user_data)
{
  Terminal *term = user_data;

  term->flush_id = 0;
  flush_output (term);

  return G_SOURCE_REMOVE;
}

static void
on_output (PortholeProcess *process,
           guint            stream,
           const char      *text,
           guint64          length,
           Terminal        *term)
{
  g_string_append_len (term->output, text, length);

  if (term->output->len >= OUTPUT_FLUSH_AT)
    flush_output (term);
  else if (term->flush_id == 0)
    /* At the reader's priority: else the window, 10 ms, would last
     * until the end of a busy turn (see porthole-defer.h). */
    term->flush_id = g_timeout_add_full (PORTHOLE_PRIORITY_INTERACTIVE, OUTPUT_COALESCE_MS,
                                         flush_cb, term, NULL);
}

static void
on_drained (Terminal *term)
{
  if (term->process != NULL)
    porthole_process_set_output_paused (term->process, FALSE);
}

static void
on_exited (PortholeProcess *process,
           Terminal        *term)
{
  flush_output (term);
  send_exit (term, porthole_process_get_exit_code (process));
}

/* Input */

static void
write_input (Terminal *term,
             GBytes   *bytes)
{
  g_autoptr(GError) error = NULL;

  if (term->process == NULL || porthole_process_has_exited (term->process))
    return;

  if (!porthole_process_write (term->process, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    porthole_ws_channel_send_error_printf (term->channel, PORTHOLE_ERROR_INVALID_REQUEST,
                                           "Input not written: %s", error->message);
}

static void
on_message (PortholeWsChannel *channel,
            JsonObject        *object,
            const char        *text,
            Terminal          *term)
{
  g_auto(PortholeTerminalMessage) message = { 0 };
  g_autoptr(GError) error = NULL;

  if (!porthole_terminal_message_parse (&message, object, text, &error))
    {
      porthole_ws_channel_send_error (term->channel, error);
      return;
    }

  switch (message.type)
    {
    case PORTHOLE_TERMINAL_MESSAGE_INPUT:
      write_input (term, message.input);
      break;

    case PORTHOLE_TERMINAL_MESSAGE_RESIZE:
      if (term->process != NULL && !porthole_process_has_exited (term->process) &&
          !porthole_process_resize (term->process, message.columns, message.rows, &error))
        porthole_ws_channel_send_error_printf (term->channel, PORTHOLE_ERROR_INTERNAL_ERROR, "%s", error->message);
      break;

    case PORTHOLE_TERMINAL_MESSAGE_PING:
      send_type (term, PORTHOLE_WS_TYPE_PONG);
      break;

    case PORTHOLE_TERMINAL_MESSAGE_SIGNAL:
      if (term->process != NULL)
        porthole_process_send_signal (term->process, message.signum);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Session */

static void
terminal_free (Terminal *term)
{
  g_clear_handle_id (&term->flush_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (term->channel, term);

  if (term->process != NULL)
    {
      g_signal_handlers_disconnect_by_data (term->process, term);
      /* The client went first: hang up like a closed terminal, and make
       * sure the whole tree ends. */
      if (!porthole_process_has_exited (term->process))
        {
          porthole_process_hangup (term->process);
          porthole_process_kill (term->process);
        }
      g_object_unref (term->process);
    }

  g_clear_pointer (&term->slot, slot_release);

  g_string_free (term->output, TRUE);
  g_object_unref (term->channel);
  g_object_unref (term->daemon);
  g_free (term);
}

/* $SHELL of the environment view, else bash, else sh. */
static char *
choose_shell (Terminal   *term,
              const char *requested)
{
  g_autoptr(GHashTable) view = porthole_env_store_dup_view (porthole_daemon_get_env_store (term->daemon));
  const char *candidates[] = { requested, g_hash_table_lookup (view, "SHELL"), "/bin/bash", "/bin/sh" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (candidates[i] != NULL && g_path_is_absolute (candidates[i]) &&
          g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
        return g_strdup (candidates[i]);
      if (i == 0 && requested != NULL)
        porthole_ws_channel_send_error_printf (term->channel, PORTHOLE_ERROR_INVALID_REQUEST,
                                               "Shell %s is not an executable file; using the default",
                                               requested);
    }

  return NULL;
}

static void
query_dimension (Terminal        *term,
                 PortholeRequest *req,
                 const char      *name,
                 guint            fallback,
                 guint           *value)
{
  const char *text = porthole_request_get_query (req, name);
  gint64 number;

  *value = fallback;
  if (text == NULL)
    return;

  if (!porthole_string_get_int (text, &number) || number < 1 || number > PORTHOLE_TERMINAL_MAX_DIMENSION)
    {
      porthole_ws_channel_send_error_printf (term->channel, PORTHOLE_ERROR_INVALID_REQUEST,
                                             "Invalid %s '%s': using %u", name, text, fallback);
      return;
    }

  *value = number;
}

void
porthole_terminal_handle (PortholeRequest         *req,
                          SoupWebsocketConnection *connection)
{
  Terminal *term = g_new0 (Terminal, 1);
  g_auto(PortholeRunOptions) options = { 0 };
  g_autoptr(JsonObject) fields = porthole_request_dup_fields (req);
  g_autoptr(GError) error = NULL;
  g_autofree char *shell = NULL;
  guint columns, rows;

  term->daemon = g_object_ref (porthole_request_get_daemon (req));
  term->slot = g_object_steal_data (G_OBJECT (req), slot_key);
  term->channel = porthole_ws_channel_new (req, connection);
  porthole_ws_channel_set_priority (term->channel, PORTHOLE_PRIORITY_INTERACTIVE);
  term->output = g_string_new (NULL);
  g_signal_connect (term->channel, "message", G_CALLBACK (on_message), term);
  g_signal_connect_swapped (term->channel, "drained", G_CALLBACK (on_drained), term);
  g_signal_connect_swapped (term->channel, "closed", G_CALLBACK (terminal_free), term);

  query_dimension (term, req, "cols", DEFAULT_COLUMNS, &columns);
  query_dimension (term, req, "rows", DEFAULT_ROWS, &rows);
  shell = choose_shell (term, porthole_request_get_query (req, "shell"));

  /* cwd (default: the workspace) and the environment view, as for
   * every other child. */
  if (fields == NULL || shell == NULL ||
      !porthole_run_options_parse (&options, term->daemon, fields, 0, TRUE, &error))
    {
      if (error != NULL)
        porthole_ws_channel_send_error (term->channel, error);
      else
        porthole_ws_channel_send_error_printf (term->channel, PORTHOLE_ERROR_EXECUTION_FAILED, "No shell found");
      send_exit (term, 127);
      return;
    }

  options.envp = g_environ_setenv (options.envp, "TERM", "xterm-256color", TRUE);
  options.envp = g_environ_setenv (options.envp, "SHELL", shell, TRUE);

  term->process = porthole_process_new ((const char *const[]) { shell, "-l", NULL },
                                        (const char *const *) options.envp, options.workdir,
                                        PORTHOLE_PROCESS_FLAGS_PTY);
  porthole_process_set_pty_size (term->process, columns, rows);
  if (!porthole_process_spawn (term->process, &error))
    {
      int code = porthole_process_exit_code_for_spawn_error (error);

      porthole_ws_channel_send_error_printf (term->channel, PORTHOLE_ERROR_EXECUTION_FAILED,
                                             "Cannot start %s: %s", shell, error->message);
      g_clear_object (&term->process);
      send_exit (term, code < 0 ? 1 : code);
      return;
    }

  /* Freed with the process, once the PTY is closed. */
  if (term->slot != NULL)
    g_object_set_data_full (G_OBJECT (term->process), slot_key, g_steal_pointer (&term->slot), slot_release);
  g_signal_connect (term->process, "output", G_CALLBACK (on_output), term);
  g_signal_connect (term->process, "exited", G_CALLBACK (on_exited), term);
}
