/* porthole-terminal-routes.h — GET /terminal (API.md §10)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

gboolean porthole_terminal_admit  (PortholeRequest         *req,
                                   GError                 **error);
void     porthole_terminal_handle (PortholeRequest         *req,
                                   SoupWebsocketConnection *connection);

G_END_DECLS
