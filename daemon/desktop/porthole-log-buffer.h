/* porthole-log-buffer.h — the last lines logged by the desktop stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_LOG_BUFFER (porthole_log_buffer_get_type ())

G_DECLARE_FINAL_TYPE (PortholeLogBuffer, porthole_log_buffer, PORTHOLE, LOG_BUFFER, GObject)

PortholeLogBuffer *porthole_log_buffer_new      (const char        *source,
                                                 guint              max_lines);
void               porthole_log_buffer_append   (PortholeLogBuffer *self,
                                                 const char        *source,
                                                 const char        *format,
                                                 ...) G_GNUC_PRINTF (3, 4);
void               porthole_log_buffer_append_data (PortholeLogBuffer *self,
                                                 const char        *source,
                                                 const char        *data,
                                                 gsize              length);
GStrv              porthole_log_buffer_dup_tail (PortholeLogBuffer *self,
                                                 guint              n_lines);

G_END_DECLS
