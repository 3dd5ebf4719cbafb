/* porthole-buffer-json.h — bytes as Node's {"type":"Buffer","data":[…]}
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_BUFFER_JSON_STREAM (porthole_buffer_json_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeBufferJsonStream, porthole_buffer_json_stream, PORTHOLE, BUFFER_JSON_STREAM, GInputStream)

GInputStream *porthole_buffer_json_stream_new        (GInputStream              *data,
                                                      goffset                    size,
                                                      goffset                    digits,
                                                      JsonObject                *members);
goffset       porthole_buffer_json_stream_get_length (PortholeBufferJsonStream  *self);

goffset       porthole_buffer_json_count_digits      (const guint8              *data,
                                                      gsize                      size);
gboolean      porthole_buffer_json_count_fd_digits   (int                        fd,
                                                      goffset                    size,
                                                      goffset                   *digits,
                                                      GCancellable              *cancellable,
                                                      GError                   **error);

G_END_DECLS
