/* porthole-connection-stream.h — a client connection as soup sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_CONNECTION_STREAM (porthole_connection_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeConnectionStream, porthole_connection_stream, PORTHOLE, CONNECTION_STREAM, GIOStream)

/* The request soup reads when an idle connection ends. */
#define PORTHOLE_CONNECTION_CLOSE_HEADER "X-Porthole-Connection-End"

PortholeConnectionStream *porthole_connection_stream_new          (GIOStream                *base);
void                      porthole_connection_stream_set_idle     (PortholeConnectionStream *self,
                                                                   gboolean                  idle);
gboolean                  porthole_connection_stream_end_if_idle  (PortholeConnectionStream *self);
gboolean                  porthole_connection_stream_is_ending    (PortholeConnectionStream *self);
void                      porthole_connection_stream_expect_request (PortholeConnectionStream *self,
                                                                   gsize                     header_limit);
void                      porthole_connection_stream_refuse       (PortholeConnectionStream *self,
                                                                   GBytes                   *response);

G_END_DECLS
