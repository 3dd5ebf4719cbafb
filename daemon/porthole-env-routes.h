/* porthole-env-routes.h — GET/PUT/PATCH/DELETE /env (API.md §6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_env_handle_get     (PortholeRequest *req);
void porthole_env_handle_replace (PortholeRequest *req);
void porthole_env_handle_merge   (PortholeRequest *req);
void porthole_env_handle_clear   (PortholeRequest *req);

G_END_DECLS
