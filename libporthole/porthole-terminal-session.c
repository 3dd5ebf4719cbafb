/* porthole-terminal-session.c
 *
 * API.md §10. Output frames become "output" signals with their text;
 * the shell's end is "exit" with its status (128+signal when killed),
 * then PortholeWsObject's "closed". A connection that closes without an
 * exit message (the daemon went away, the network broke) is "closed"
 * alone, so callers can tell a finished shell from a lost one. A shell
 * that could not start is "error". Closing hangs up: the daemon ends
 * the shell (SIGHUP) and sends nothing more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-terminal-session.h"

struct _PortholeTerminalSession
{
  PortholeWsObject parent_instance;
};

enum {
  OUTPUT,
  EXIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeTerminalSession, porthole_terminal_session, PORTHOLE_TYPE_WS_OBJECT)

static void
porthole_terminal_session_message (PortholeWsObject *self,
                                   const char       *kind,
                                   JsonObject       *message)
{
  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_OUTPUT) == 0)
    {
      const char *text = porthole_json_object_get_string (message, PORTHOLE_MEMBER_DATA);

      if (text != NULL && *text != '\0')
        g_signal_emit (self, signals[OUTPUT], 0, text);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_EXIT) == 0)
    {
      gint64 code = -1;

      porthole_json_node_get_int (json_object_get_member (message, PORTHOLE_MEMBER_CODE), &code);
      g_signal_emit (self, signals[EXIT], 0, (int) code);
    }
}

static void
porthole_terminal_session_class_init (PortholeTerminalSessionClass *klass)
{
  PortholeWsObjectClass *ws_class = PORTHOLE_WS_OBJECT_CLASS (klass);

  ws_class->message = porthole_terminal_session_message;

  /**
   * PortholeTerminalSession::output:
   * @text: what the shell wrote, UTF-8
   */
  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PortholeTerminalSession::exit:
   * @status: the shell's exit status, 128+signal if it was killed
   */
  signals[EXIT] =
    g_signal_new ("exit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
porthole_terminal_session_init (PortholeTerminalSession *self)
{
}

/**
 * porthole_terminal_session_new:
 * @connection: a WebSocket opened on /terminal
 */
PortholeTerminalSession *
porthole_terminal_session_new (SoupWebsocketConnection *connection)
{
  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);

  return g_object_new (PORTHOLE_TYPE_TERMINAL_SESSION, "connection", connection, NULL);
}

/**
 * porthole_terminal_session_send_input:
 * @data: what was typed or pasted, UTF-8
 * @length: its length, or -1 if nul-terminated
 */
void
porthole_terminal_session_send_input (PortholeTerminalSession *self,
                                      const char              *data,
                                      gssize                   length)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *text = NULL;

  g_return_if_fail (PORTHOLE_IS_TERMINAL_SESSION (self));
  g_return_if_fail (data != NULL);

  text = length < 0 ? g_strdup (data) : g_strndup (data, length);
  if (*text == '\0')
    return;

  json_object_set_string_member (object, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_INPUT);
  json_object_set_string_member (object, PORTHOLE_MEMBER_DATA, text);
  porthole_ws_object_send (PORTHOLE_WS_OBJECT (self), object);
}

void
porthole_terminal_session_resize (PortholeTerminalSession *self,
                                  guint                    columns,
                                  guint                    rows)
{
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_if_fail (PORTHOLE_IS_TERMINAL_SESSION (self));

  if (columns == 0 || rows == 0)
    return;

  json_object_set_string_member (object, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_RESIZE);
  json_object_set_int_member (object, "cols", columns);
  json_object_set_int_member (object, "rows", rows);
  porthole_ws_object_send (PORTHOLE_WS_OBJECT (self), object);
}

static GObject *
wrap_session (SoupWebsocketConnection *connection,
              gpointer                 data)
{
  return G_OBJECT (porthole_terminal_session_new (connection));
}

/**
 * porthole_client_open_terminal_async:
 * @columns: the terminal's width in cells (0: the daemon's default)
 * @rows: its height (0: the daemon's default)
 *
 * Starts a login shell on a new PTY (GET /terminal, WebSocket).
 */
void
porthole_client_open_terminal_async (PortholeClient      *client,
                                     guint                columns,
                                     guint                rows,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new (PORTHOLE_ROUTE_TERMINAL);

  if (columns > 0 && rows > 0)
    g_string_append_printf (path, "?cols=%u&rows=%u", columns, rows);
  porthole_client_websocket_open_async (client, path->str, wrap_session, NULL, NULL,
                                        cancellable, callback, user_data);
}

/**
 * porthole_client_open_terminal_finish:
 *
 * Returns: (transfer full): the session, or %NULL
 */
PortholeTerminalSession *
porthole_client_open_terminal_finish (PortholeClient  *client,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return porthole_client_websocket_open_finish (client, result, error);
}
