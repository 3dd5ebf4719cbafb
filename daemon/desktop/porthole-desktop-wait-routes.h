/* porthole-desktop-wait-routes.h — waiting for the desktop to change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_wait (PortholeRequest *req);

G_END_DECLS
