/* porthole-upload-stream.h — a multipart/form-data upload, streamed to disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_UPLOAD_STREAM (porthole_upload_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeUploadStream, porthole_upload_stream, PORTHOLE, UPLOAD_STREAM, GOutputStream)

PortholeUploadStream *porthole_upload_stream_new    (PortholeFsPolicy      *policy,
                                                     const char            *workspace,
                                                     const char            *boundary,
                                                     const char            *path,
                                                     GError               **error);
gboolean              porthole_upload_stream_finish (PortholeUploadStream  *self,
                                                     char                 **path,
                                                     char                 **filename,
                                                     goffset               *size,
                                                     GError               **error);
const char           *porthole_upload_stream_get_destination (PortholeUploadStream *self);

G_END_DECLS
