/* porthole-terminal-session.h — one shell on the daemon's /terminal
 * WebSocket: "output" and "exit" signals, input and resize calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"
#include "porthole-ws-object.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_TERMINAL_SESSION (porthole_terminal_session_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTerminalSession, porthole_terminal_session, PORTHOLE, TERMINAL_SESSION, PortholeWsObject)

PortholeTerminalSession *porthole_terminal_session_new        (SoupWebsocketConnection *connection);
void                     porthole_terminal_session_send_input (PortholeTerminalSession *self,
                                                               const char              *data,
                                                               gssize                   length);
void                     porthole_terminal_session_resize     (PortholeTerminalSession *self,
                                                               guint                    columns,
                                                               guint                    rows);

void                     porthole_client_open_terminal_async  (PortholeClient          *client,
                                                               guint                    columns,
                                                               guint                    rows,
                                                               GCancellable            *cancellable,
                                                               GAsyncReadyCallback      callback,
                                                               gpointer                 user_data);
PortholeTerminalSession *porthole_client_open_terminal_finish (PortholeClient          *client,
                                                               GAsyncResult            *result,
                                                               GError                 **error);

G_END_DECLS
