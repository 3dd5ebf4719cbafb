/* porthole-desktop-status-routes.h — desktop debugging
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_debug_logs      (PortholeRequest *req);
void porthole_desktop_handle_debug_processes (PortholeRequest *req);

G_END_DECLS
