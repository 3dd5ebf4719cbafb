/* porthole-desktop-clipboard-routes.h — clipboard (API.md §8.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_clipboard_set     (PortholeRequest *req);
void porthole_desktop_handle_clipboard_get     (PortholeRequest *req);
void porthole_desktop_handle_clipboard_history (PortholeRequest *req);

G_END_DECLS
