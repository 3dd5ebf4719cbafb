/* porthole-event-stream.h — a Server-Sent Events answer: framing,
 * back-pressure accounting and the end of the exchange, for every route
 * that streams events (/metrics/stream, /mcp)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_EVENT_STREAM (porthole_event_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeEventStream, porthole_event_stream, PORTHOLE, EVENT_STREAM, GObject)

PortholeEventStream *porthole_event_stream_new              (PortholeRequest     *req,
                                                             gsize                kernel_bytes);
PortholeRequest     *porthole_event_stream_get_request      (PortholeEventStream *self);
gboolean             porthole_event_stream_send             (PortholeEventStream *self,
                                                             const char          *id,
                                                             const char          *event,
                                                             const char          *data,
                                                             gssize               length);
void                 porthole_event_stream_send_comment     (PortholeEventStream *self,
                                                             const char          *text);
void                 porthole_event_stream_send_retry       (PortholeEventStream *self,
                                                             guint                retry_ms);
guint                porthole_event_stream_get_n_queued     (PortholeEventStream *self);
gsize                porthole_event_stream_get_queued_bytes (PortholeEventStream *self);
gboolean             porthole_event_stream_is_closed        (PortholeEventStream *self);
void                 porthole_event_stream_close            (PortholeEventStream *self);
void                 porthole_event_stream_drop             (PortholeEventStream *self);
guint64              porthole_event_stream_get_n_dropped    (void);

G_END_DECLS
