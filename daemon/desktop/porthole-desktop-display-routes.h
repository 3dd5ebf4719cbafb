/* porthole-desktop-display-routes.h — screen size (API.md §8.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_display_current   (PortholeRequest *req);
void porthole_desktop_handle_display_set       (PortholeRequest *req);
void porthole_desktop_handle_display_available (PortholeRequest *req);

G_END_DECLS
