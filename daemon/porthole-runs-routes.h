/* porthole-runs-routes.h — listing and killing background runs
 * (API.md §3.6, §3.7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_runs_handle_list (PortholeRequest *req);
void porthole_runs_handle_kill (PortholeRequest *req);

G_END_DECLS
