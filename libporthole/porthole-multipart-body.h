/* porthole-multipart-body.h — a multipart/form-data request body read
 * from a stream: the parts' headers, the file's bytes, the closing
 * delimiter, never the whole file in memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_MULTIPART_BODY (porthole_multipart_body_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMultipartBody, porthole_multipart_body, PORTHOLE, MULTIPART_BODY, GInputStream)

PortholeMultipartBody *porthole_multipart_body_new              (const char   *path,
                                                                 const char   *filename,
                                                                 GInputStream *file,
                                                                 goffset       file_size);
goffset                porthole_multipart_body_get_length       (PortholeMultipartBody *self);
const char            *porthole_multipart_body_get_content_type (PortholeMultipartBody *self);

G_END_DECLS
