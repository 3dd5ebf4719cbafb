/* porthole-desktop-recording-routes.h — screen recording (API.md §8.6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void porthole_desktop_handle_recording             (PortholeRequest *req);
void porthole_desktop_handle_recording_start       (PortholeRequest *req);
void porthole_desktop_handle_recording_stop        (PortholeRequest *req);
void porthole_desktop_handle_recording_status      (PortholeRequest *req);
void porthole_desktop_handle_recording_download    (PortholeRequest *req);
void porthole_desktop_handle_recording_id_download (PortholeRequest *req);

G_END_DECLS
