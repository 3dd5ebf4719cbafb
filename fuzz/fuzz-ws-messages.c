/* fuzz-ws-messages.c — what WebSocket clients send: the frame parse every
 * JSON WebSocket route shares (and all /metrics/stream reads), then the
 * parser of the route the first byte chooses: /terminal, the first
 * message of /execute/stream, /stream and /stream/ipython, the first
 * message of /commands/stream, the later messages of a run stream
 * (`cancel`), /files/watch. Only parsed: no shell, no command and no
 * watch is started.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include "porthole-command.h"
#include "porthole-error.h"
#include "porthole-exec-request.h"
#include "porthole-files-routes.h"
#include "porthole-fuzz.h"
#include "porthole-run-stream.h"
#include "porthole-terminal-message.h"
#include "porthole-ws-channel.h"

typedef enum
{
  ROUTE_TERMINAL,
  ROUTE_EXECUTE_STREAM,
  ROUTE_IPYTHON_STREAM,
  ROUTE_COMMANDS_STREAM,
  ROUTE_RUN_STREAM,
  ROUTE_FILES_WATCH,
  N_ROUTES
} Route;

/* A refusal is the client's: a code of the contract, and a text. */
static void
check_refusal (gboolean      ok,
               const GError *error)
{
  g_assert (ok == (error == NULL));
  if (error != NULL)
    {
      g_assert_true (error->domain == PORTHOLE_ERROR);
      g_assert_nonnull (error->message);
    }
}

static void
parse_terminal (JsonObject *object,
                const char *text)
{
  g_auto(PortholeTerminalMessage) message = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = porthole_terminal_message_parse (&message, object, text, &error);

  check_refusal (ok, error);
  if (!ok)
    return;

  switch (message.type)
    {
    case PORTHOLE_TERMINAL_MESSAGE_INPUT:
      g_assert_nonnull (message.input);
      break;
    case PORTHOLE_TERMINAL_MESSAGE_RESIZE:
      g_assert_cmpuint (message.columns, >=, 1);
      g_assert_cmpuint (message.columns, <=, PORTHOLE_TERMINAL_MAX_DIMENSION);
      g_assert_cmpuint (message.rows, >=, 1);
      g_assert_cmpuint (message.rows, <=, PORTHOLE_TERMINAL_MAX_DIMENSION);
      break;
    case PORTHOLE_TERMINAL_MESSAGE_SIGNAL:
      g_assert_cmpint (message.signum, >, 0);
      g_assert_cmpint (message.signum, <, NSIG);
      break;
    case PORTHOLE_TERMINAL_MESSAGE_PING:
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
parse_execute_stream (JsonObject *object,
                      gboolean    python_only)
{
  g_auto(PortholeExecRequest) request = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!porthole_exec_request_starts_stream (object))
    return;

  ok = porthole_exec_request_parse_stream (&request, porthole_fuzz_get_daemon (), object, 60,
                                           python_only, &error);
  check_refusal (ok, error);
  if (ok)
    {
      g_assert_true (request.code != NULL && request.code[0] != '\0');
      g_assert_nonnull (request.options.workdir);
      g_assert_true (!python_only || request.session != NULL);
    }
}

static void
parse_commands_stream (JsonObject *object)
{
  g_auto(PortholeCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = porthole_command_parse_stream (&command, porthole_fuzz_get_daemon (), object, 30, &error);

  check_refusal (ok, error);
  if (ok)
    {
      g_assert_true (command.argv != NULL && command.argv[0] != NULL);
      g_assert_nonnull (command.display);
    }
}

static void
parse_files_watch (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  PortholeFilesWatchAction action;
  const char *path;
  gboolean ok = porthole_files_watch_parse_message (object, &action, &path, &error);

  check_refusal (ok, error);
  if (ok && action != PORTHOLE_FILES_WATCH_PING)
    g_assert_true (path != NULL && path[0] != '\0');
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;
  Route route;

  if (size < 1)
    return 0;
  route = data[0] % N_ROUTES;
  frame = g_bytes_new (data + 1, size - 1);

  object = porthole_ws_channel_parse_frame (frame, &text);
  g_assert_nonnull (text);
  /* Only what is UTF-8 throughout is parsed. */
  if (object != NULL)
    g_assert_true (g_utf8_validate_len ((const char *) data + 1, size - 1, NULL));

  switch (route)
    {
    case ROUTE_TERMINAL:
      parse_terminal (object, text);
      break;
    case ROUTE_EXECUTE_STREAM:
    case ROUTE_IPYTHON_STREAM:
      parse_execute_stream (object, route == ROUTE_IPYTHON_STREAM);
      break;
    case ROUTE_COMMANDS_STREAM:
      parse_commands_stream (object);
      break;
    case ROUTE_RUN_STREAM:
      g_assert_true (!porthole_run_stream_is_cancel (object) || object != NULL);
      break;
    case ROUTE_FILES_WATCH:
      parse_files_watch (object);
      break;
    default:
      g_assert_not_reached ();
    }

  return 0;
}
