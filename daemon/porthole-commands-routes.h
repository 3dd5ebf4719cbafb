/* porthole-commands-routes.h — /commands/run, /commands/background,
 * /commands/stream (API.md §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_commands_handle_run        (PortholeRequest         *req);
void porthole_commands_handle_background (PortholeRequest         *req);
void porthole_commands_handle_stream     (PortholeRequest         *req,
                                          SoupWebsocketConnection *connection);

G_END_DECLS
