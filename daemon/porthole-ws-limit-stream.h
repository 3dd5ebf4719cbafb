/* porthole-ws-limit-stream.h — an upgraded connection as soup's WebSocket
 * reads it, with a cap on whole messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_WS_LIMIT_STREAM (porthole_ws_limit_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeWsLimitStream, porthole_ws_limit_stream, PORTHOLE, WS_LIMIT_STREAM, GIOStream)

PortholeWsLimitStream *porthole_ws_limit_stream_new (GIOStream *base,
                                                     guint64    max_message_size);

G_END_DECLS
