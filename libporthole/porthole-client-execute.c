/* porthole-client-execute.c
 *
 * Both routes speak the protocol of API.md §3.9; only the first message
 * differs. Code goes to /stream, the variant of /execute/stream that
 * adds `display` messages for rich outputs (PNG figures, DataFrames,
 * HTML…). A `session` runs the code as a cell of that named Python
 * kernel, so its variables outlive the run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-client-execute.h"
#include "porthole-protocol.h"

static GObject *
wrap_execution (SoupWebsocketConnection *connection,
                gpointer                 request)
{
  return G_OBJECT (porthole_execution_new (connection, request));
}

static void
start (PortholeClient      *self,
       const char          *route,
       JsonObject          *request,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  porthole_client_websocket_open_async (self, route, wrap_execution, json_object_ref (request),
                                        (GDestroyNotify) json_object_unref, cancellable, callback, user_data);
}

/**
 * porthole_client_execute_stream_async:
 * @language: python, javascript, bash, go…
 * @session: (nullable): a kernel session to run the Python code in
 * @timeout: seconds, 0 for the daemon's default
 */
void
porthole_client_execute_stream_async (PortholeClient      *self,
                                      const char          *code,
                                      const char          *language,
                                      const char          *session,
                                      guint                timeout,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) request = json_object_new ();

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (code != NULL);

  json_object_set_string_member (request, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_EXECUTE);
  json_object_set_string_member (request, "code", code);
  json_object_set_string_member (request, "language", language ? language : "python");
  if (session != NULL)
    json_object_set_string_member (request, "session", session);
  if (timeout > 0)
    json_object_set_int_member (request, "timeout", timeout);
  start (self, PORTHOLE_ROUTE_STREAM, request, cancellable, callback, user_data);
}

/**
 * porthole_client_command_stream_async:
 * @command: a shell command line
 * @timeout: seconds, 0 for the daemon's default
 */
void
porthole_client_command_stream_async (PortholeClient      *self,
                                      const char          *command,
                                      guint                timeout,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) request = json_object_new ();

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (command != NULL);

  json_object_set_string_member (request, PORTHOLE_MEMBER_TYPE, "command");
  json_object_set_string_member (request, "command", command);
  if (timeout > 0)
    json_object_set_int_member (request, "timeout", timeout);
  start (self, PORTHOLE_ROUTE_COMMANDS_STREAM, request, cancellable, callback, user_data);
}

/**
 * porthole_client_execute_stream_finish:
 *
 * Returns: (transfer full): the run, already started, or %NULL
 */
PortholeExecution *
porthole_client_execute_stream_finish (PortholeClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return porthole_client_websocket_open_finish (self, result, error);
}
