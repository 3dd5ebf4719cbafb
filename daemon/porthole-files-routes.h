/* porthole-files-routes.h — the /files routes (API.md §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

void           porthole_files_handle_read      (PortholeRequest          *req);
void           porthole_files_handle_write     (PortholeRequest          *req);
void           porthole_files_handle_list      (PortholeRequest          *req);
void           porthole_files_handle_exists    (PortholeRequest          *req);
void           porthole_files_handle_remove    (PortholeRequest          *req);
void           porthole_files_handle_mkdir     (PortholeRequest          *req);
void           porthole_files_handle_download  (PortholeRequest          *req);
void           porthole_files_handle_upload    (PortholeRequest          *req);
GOutputStream *porthole_files_open_upload      (PortholeRequest          *req,
                                                GError                  **error);
gsize          porthole_files_write_limit      (PortholeRequest          *req);
gsize          porthole_files_upload_limit     (PortholeRequest          *req);
void           porthole_files_handle_watch     (PortholeRequest          *req,
                                                SoupWebsocketConnection  *connection);

G_END_DECLS
