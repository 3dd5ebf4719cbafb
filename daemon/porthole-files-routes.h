/* porthole-files-routes.h — the /files routes (API.md §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sys/stat.h>

#include "porthole-fs-policy.h"
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

/* What a /files/watch client asks (porthole-files-watch.c). */
typedef enum
{
  PORTHOLE_FILES_WATCH_PING,
  PORTHOLE_FILES_WATCH_ADD,
  PORTHOLE_FILES_WATCH_REMOVE,
} PortholeFilesWatchAction;

gboolean       porthole_files_watch_parse_message (JsonObject               *message,
                                                   PortholeFilesWatchAction *action,
                                                   const char              **path,
                                                   GError                  **error);

/* What the routes do, for others that do the same (the MCP tools). */
GBytes        *porthole_files_read_bytes       (PortholeFsPolicy         *policy,
                                                PortholeFsPath           *path,
                                                guint64                   limit,
                                                struct stat              *st,
                                                GError                  **error);
gboolean       porthole_files_write_bytes      (PortholeFsPolicy         *policy,
                                                PortholeFsPath           *path,
                                                const void               *content,
                                                gsize                     length,
                                                mode_t                    mode,
                                                gboolean                  overwrite,
                                                GError                  **error);
GPtrArray     *porthole_files_list             (PortholeFsPolicy         *policy,
                                                PortholeFsPath           *path,
                                                gboolean                  recursive,
                                                gboolean                  show_hidden,
                                                gboolean                 *truncated,
                                                GError                  **error);

G_END_DECLS
