/* porthole-desktop-screen-routes.h — screenshots (API.md §8.5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_screenshot        (PortholeRequest *req);
void porthole_desktop_handle_screenshot_region (PortholeRequest *req);
void porthole_desktop_handle_capture_window    (PortholeRequest *req);

G_END_DECLS
