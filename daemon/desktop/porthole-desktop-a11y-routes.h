/* porthole-desktop-a11y-routes.h — the accessibility tree (AT-SPI)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_accessibility_tree   (PortholeRequest *req);
void porthole_desktop_handle_accessibility_action (PortholeRequest *req);
void porthole_desktop_handle_accessibility_find   (PortholeRequest *req);

G_END_DECLS
