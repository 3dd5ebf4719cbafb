/* porthole-terminal-message.h — what a /terminal client sends (API.md §10),
 * parsed apart from acting on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Sizes a terminal may take (TIOCSWINSZ takes 16 bits; nothing real is
 * larger than this). */
#define PORTHOLE_TERMINAL_MAX_DIMENSION 10000

typedef enum
{
  PORTHOLE_TERMINAL_MESSAGE_INPUT,
  PORTHOLE_TERMINAL_MESSAGE_RESIZE,
  PORTHOLE_TERMINAL_MESSAGE_SIGNAL,
  PORTHOLE_TERMINAL_MESSAGE_PING,
} PortholeTerminalMessageType;

typedef struct
{
  PortholeTerminalMessageType type;
  GBytes *input;                /* INPUT: the bytes to type */
  guint columns;                /* RESIZE */
  guint rows;
  int signum;                   /* SIGNAL */
} PortholeTerminalMessage;

gboolean porthole_terminal_message_parse (PortholeTerminalMessage  *message,
                                          JsonObject               *object,
                                          const char               *text,
                                          GError                  **error);
void     porthole_terminal_message_clear (PortholeTerminalMessage  *message);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeTerminalMessage, porthole_terminal_message_clear)

G_END_DECLS
