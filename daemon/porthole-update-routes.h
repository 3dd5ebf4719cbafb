/* porthole-update-routes.h — the update routes, also under /agent (API.md §12)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

/* The route's cap; the configured update-max-size (smaller by default)
 * is checked as the file arrives. */
#define PORTHOLE_UPDATE_BODY_LIMIT ((gsize) 1024 * 1024 * 1024)

GOutputStream *porthole_update_open_upload    (PortholeRequest  *req,
                                               GError          **error);
void           porthole_update_handle_upload  (PortholeRequest  *req);
void           porthole_update_handle_apply   (PortholeRequest  *req);
void           porthole_update_handle_backups (PortholeRequest  *req);
void           porthole_update_handle_rollback (PortholeRequest *req);
void           porthole_update_handle_restart (PortholeRequest  *req);

G_END_DECLS
