/* porthole-desktop-input-routes.h — mouse and keyboard (API.md §8.2,
 * §8.3, §8.9 hotkey and drag-drop)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_mouse               (PortholeRequest *req);
void porthole_desktop_handle_mouse_click         (PortholeRequest *req);
void porthole_desktop_handle_mouse_move          (PortholeRequest *req);
void porthole_desktop_handle_mouse_drag          (PortholeRequest *req);
void porthole_desktop_handle_mouse_scroll        (PortholeRequest *req);
void porthole_desktop_handle_keyboard            (PortholeRequest *req);
void porthole_desktop_handle_keyboard_type       (PortholeRequest *req);
void porthole_desktop_handle_keyboard_press      (PortholeRequest *req);
void porthole_desktop_handle_keyboard_combination (PortholeRequest *req);
void porthole_desktop_handle_drag_drop           (PortholeRequest *req);

G_END_DECLS
