/* porthole-desktop-vnc-routes.h — the /desktop/vnc routes (API.md §8.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_vnc_start     (PortholeRequest         *req);
void porthole_desktop_handle_vnc_stop      (PortholeRequest         *req);
void porthole_desktop_handle_vnc_status    (PortholeRequest         *req);
void porthole_desktop_handle_vnc           (PortholeRequest         *req);
void porthole_desktop_handle_vnc_websocket (PortholeRequest         *req,
                                            SoupWebsocketConnection *connection);

G_END_DECLS
