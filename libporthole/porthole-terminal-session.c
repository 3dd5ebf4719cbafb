/* porthole-terminal-session.c
 *
 * API.md §10. Output frames become "output" signals with their text;
 * the shell's end is "exit" with its status (128+signal when killed),
 * then "closed". A connection that closes without an exit message (the
 * daemon went away, the network broke) is "closed" alone, so callers
 * can tell a finished shell from a lost one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-terminal-session.h"

struct _PortholeTerminalSession
{
  GObject parent_instance;

  SoupWebsocketConnection *connection;
  gboolean closed;
};

enum {
  OUTPUT,
  EXIT,
  ERROR,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeTerminalSession, porthole_terminal_session, G_TYPE_OBJECT)

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *bytes,
            PortholeTerminalSession *self)
{
  g_autoptr(JsonObject) object = NULL;
  const char *kind;

  if ((object = porthole_json_parse_message (bytes, &kind)) == NULL)
    return;

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_OUTPUT) == 0)
    {
      const char *text = porthole_json_object_get_string (object, PORTHOLE_MEMBER_DATA);

      if (text != NULL && *text != '\0')
        g_signal_emit (self, signals[OUTPUT], 0, text);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_EXIT) == 0)
    {
      gint64 code = -1;

      porthole_json_node_get_int (json_object_get_member (object, PORTHOLE_MEMBER_CODE), &code);
      g_signal_emit (self, signals[EXIT], 0, (int) code);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_ERROR) == 0)
    {
      const char *error = porthole_json_object_get_string (object, PORTHOLE_MEMBER_ERROR);

      g_signal_emit (self, signals[ERROR], 0, error ? error : "");
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           PortholeTerminalSession *self)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
porthole_terminal_session_dispose (GObject *object)
{
  PortholeTerminalSession *self = (PortholeTerminalSession *)object;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (porthole_terminal_session_parent_class)->dispose (object);
}

static void
porthole_terminal_session_class_init (PortholeTerminalSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_terminal_session_dispose;

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
  /**
   * PortholeTerminalSession::error:
   * @message: why the shell could not start
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PortholeTerminalSession::closed:
   *
   * The connection ended (after "exit", or lost).
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
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
  PortholeTerminalSession *self;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);

  self = g_object_new (PORTHOLE_TYPE_TERMINAL_SESSION, NULL);
  self->connection = g_object_ref (connection);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);

  return self;
}

static void
send_object (PortholeTerminalSession *self,
             JsonObject              *object)
{
  g_autoptr(GBytes) bytes = NULL;

  if (soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  bytes = porthole_json_object_to_bytes (object);
  soup_websocket_connection_send_text (self->connection, g_bytes_get_data (bytes, NULL));
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
  send_object (self, object);
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
  send_object (self, object);
}

gboolean
porthole_terminal_session_is_closed (PortholeTerminalSession *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_SESSION (self), TRUE);

  return self->closed;
}

/**
 * porthole_terminal_session_close:
 *
 * Hangs up: the daemon ends the shell (SIGHUP) and sends nothing more.
 */
void
porthole_terminal_session_close (PortholeTerminalSession *self)
{
  g_return_if_fail (PORTHOLE_IS_TERMINAL_SESSION (self));

  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
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
