/* porthole-update-files.h — file operations of the self-update
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean    porthole_update_set_errno_error (GError    **error,
                                             const char *what,
                                             const char *path);
gboolean    porthole_update_copy_file   (const char  *source,
                                         const char  *destination,
                                         int          mode,
                                         GError     **error);
char       *porthole_update_sha256_file (const char  *path,
                                         GError     **error);
gboolean    porthole_update_check_elf   (const char  *path,
                                         GError     **error);
JsonObject *porthole_update_read_info   (const char  *path);
gboolean    porthole_update_write_info  (const char  *path,
                                         JsonObject  *info,
                                         GError     **error);
const char *porthole_update_info_string (JsonObject  *info,
                                         const char  *member);

G_END_DECLS
