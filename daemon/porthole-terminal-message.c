/* porthole-terminal-message.c
 *
 * Only parsing: the terminal session (porthole-terminal-routes.c) acts
 * on the result, and fuzz-ws-messages drives this on arbitrary frames
 * without a shell behind it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-json-nul.h"
#include "porthole-protocol.h"
#include "porthole-terminal-message.h"

static int
parse_signal (JsonNode *node)
{
  static const struct { const char *name; int number; } signals[] = {
    { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
    { "TERM", SIGTERM }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "STOP", SIGSTOP },
    { "CONT", SIGCONT }, { "TSTP", SIGTSTP }, { "WINCH", SIGWINCH }, { "ALRM", SIGALRM },
  };
  const char *name;
  gint64 number;

  if (node == NULL)
    return -1;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      name = json_node_get_string (node);
      if (g_ascii_strncasecmp (name, "SIG", 3) == 0)
        name += 3;
      for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
        if (g_ascii_strcasecmp (name, signals[i].name) == 0)
          return signals[i].number;
    }

  if (porthole_json_node_get_int (node, &number) && number > 0 && number < NSIG)
    return number;

  return -1;
}

static gboolean
parse_dimension (JsonNode *node,
                 guint    *value)
{
  gint64 number;

  if (node == NULL || !porthole_json_node_get_int (node, &number) || number < 1 ||
      number > PORTHOLE_TERMINAL_MAX_DIMENSION)
    return FALSE;

  *value = number;
  return TRUE;
}

/**
 * porthole_terminal_message_parse:
 * @message: (out caller-allocates): zeroed, cleared by the caller
 * @object: (nullable): the frame as a JSON object
 *   (porthole_ws_channel_parse_frame())
 * @text: the frame as text
 *
 * Returns: %FALSE with an error to send back (the session goes on)
 */
gboolean
porthole_terminal_message_parse (PortholeTerminalMessage  *message,
                                 JsonObject               *object,
                                 const char               *text,
                                 GError                  **error)
{
  const char *type;

  /* Not a JSON object: typed text, as a raw terminal client sends it. */
  if (object == NULL)
    {
      message->type = PORTHOLE_TERMINAL_MESSAGE_INPUT;
      message->input = g_bytes_new (text, strlen (text));
      return TRUE;
    }

  type = porthole_json_object_get_string (object, PORTHOLE_MEMBER_TYPE);

  if (g_strcmp0 (type, PORTHOLE_WS_TYPE_INPUT) == 0)
    {
      JsonNode *data = json_object_get_member (object, PORTHOLE_MEMBER_DATA);

      if (data == NULL || !JSON_NODE_HOLDS_VALUE (data) || json_node_get_value_type (data) != G_TYPE_STRING)
        {
          g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                               "input needs a string `data`");
          return FALSE;
        }
      message->type = PORTHOLE_TERMINAL_MESSAGE_INPUT;
      /* "\u0000" is a key too (Ctrl-@). */
      message->input = porthole_json_text_to_bytes (json_node_get_string (data), -1);
      return TRUE;
    }

  if (g_strcmp0 (type, PORTHOLE_WS_TYPE_RESIZE) == 0)
    {
      if (!parse_dimension (json_object_get_member (object, "cols"), &message->columns) ||
          !parse_dimension (json_object_get_member (object, "rows"), &message->rows))
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "resize needs integer `cols` and `rows` between 1 and %d",
                       PORTHOLE_TERMINAL_MAX_DIMENSION);
          return FALSE;
        }
      message->type = PORTHOLE_TERMINAL_MESSAGE_RESIZE;
      return TRUE;
    }

  if (g_strcmp0 (type, PORTHOLE_WS_TYPE_PING) == 0)
    {
      message->type = PORTHOLE_TERMINAL_MESSAGE_PING;
      return TRUE;
    }

  if (g_strcmp0 (type, PORTHOLE_WS_TYPE_SIGNAL) == 0)
    {
      message->signum = parse_signal (json_object_get_member (object, "signal"));
      if (message->signum < 0)
        {
          g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                               "Unknown signal: expected a name such as SIGINT");
          return FALSE;
        }
      message->type = PORTHOLE_TERMINAL_MESSAGE_SIGNAL;
      return TRUE;
    }

  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
               "Unknown message type '%s': expected input, resize, signal or ping", type ? type : "");
  return FALSE;
}

void
porthole_terminal_message_clear (PortholeTerminalMessage *message)
{
  g_clear_pointer (&message->input, g_bytes_unref);
}
