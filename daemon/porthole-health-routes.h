/* porthole-health-routes.h — /, /health, /ping, /info, /system (API.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void        porthole_health_handle_root   (PortholeRequest *req);
void        porthole_health_handle_health (PortholeRequest *req);
void        porthole_health_handle_ping   (PortholeRequest *req);
void        porthole_health_handle_info   (PortholeRequest *req);
void        porthole_health_handle_system (PortholeRequest *req);

char       *porthole_format_go_duration   (double           seconds);

G_END_DECLS
