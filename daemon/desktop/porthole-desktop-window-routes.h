/* porthole-desktop-window-routes.h — windows (API.md §8.7, §13 move)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_windows_list     (PortholeRequest *req);
void porthole_desktop_handle_windows_focus    (PortholeRequest *req);
void porthole_desktop_handle_windows_close    (PortholeRequest *req);
void porthole_desktop_handle_windows_resize   (PortholeRequest *req);
void porthole_desktop_handle_windows_minimize (PortholeRequest *req);
void porthole_desktop_handle_windows_move     (PortholeRequest *req);

G_END_DECLS
