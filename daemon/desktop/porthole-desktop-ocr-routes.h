/* porthole-desktop-ocr-routes.h — text on screen (API.md §8.9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_ocr          (PortholeRequest *req);
void porthole_desktop_handle_find_element (PortholeRequest *req);
void porthole_desktop_handle_wait_for     (PortholeRequest *req);
void porthole_desktop_handle_get_bounds   (PortholeRequest *req);

G_END_DECLS
