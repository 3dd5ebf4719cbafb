/* porthole-update-upload.h — a multipart upload of a daemon binary,
 * streamed to a file as it arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_UPDATE_UPLOAD (porthole_update_upload_get_type ())

G_DECLARE_FINAL_TYPE (PortholeUpdateUpload, porthole_update_upload, PORTHOLE, UPDATE_UPLOAD, GOutputStream)

PortholeUpdateUpload *porthole_update_upload_new          (const char           *directory,
                                                           const char           *boundary,
                                                           guint64               max_size,
                                                           GError              **error);
const char           *porthole_update_upload_get_path     (PortholeUpdateUpload *self);
guint64               porthole_update_upload_get_size     (PortholeUpdateUpload *self);
const char           *porthole_update_upload_get_sha256   (PortholeUpdateUpload *self);
const char           *porthole_update_upload_get_field    (PortholeUpdateUpload *self,
                                                           const char           *name);
void                  porthole_update_upload_keep_file    (PortholeUpdateUpload *self);

G_END_DECLS
