/* porthole-ws-channel.h — one WebSocket session: paced JSON frames out,
 * parsed JSON messages in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "porthole-error.h"
#include "porthole-types.h"

G_BEGIN_DECLS

/* Frames waiting to be sent beyond this make the channel congested;
 * producers should pause until "drained" (SECURITY.md G11). */
#define PORTHOLE_WS_CHANNEL_HIGH_WATER (1024 * 1024)
#define PORTHOLE_WS_CHANNEL_LOW_WATER (256 * 1024)
/* Largest data chunk a producer should put in one frame (API.md §1.9). */
#define PORTHOLE_WS_CHANNEL_MAX_CHUNK (64 * 1024)

#define PORTHOLE_TYPE_WS_CHANNEL (porthole_ws_channel_get_type ())

G_DECLARE_FINAL_TYPE (PortholeWsChannel, porthole_ws_channel, PORTHOLE, WS_CHANNEL, GObject)

PortholeWsChannel *porthole_ws_channel_new          (PortholeRequest         *req,
                                                     SoupWebsocketConnection *connection);
void               porthole_ws_channel_send         (PortholeWsChannel       *self,
                                                     JsonObject              *message);
void               porthole_ws_channel_send_error   (PortholeWsChannel       *self,
                                                     const GError            *error);
void               porthole_ws_channel_send_error_printf (PortholeWsChannel *self,
                                                     PortholeErrorCode        code,
                                                     const char              *format,
                                                     ...) G_GNUC_PRINTF (3, 4);
void               porthole_ws_channel_set_binary   (PortholeWsChannel       *self);
void               porthole_ws_channel_send_bytes   (PortholeWsChannel       *self,
                                                     GBytes                  *bytes);
void               porthole_ws_channel_set_priority (PortholeWsChannel       *self,
                                                     int                      priority);
gboolean           porthole_ws_channel_is_congested (PortholeWsChannel       *self);
void               porthole_ws_channel_set_max_backlog  (PortholeWsChannel  *self,
                                                         gsize               bytes);
gsize              porthole_ws_channel_get_queued_bytes (PortholeWsChannel  *self);
gboolean           porthole_ws_channel_is_open      (PortholeWsChannel       *self);
void               porthole_ws_channel_close        (PortholeWsChannel       *self,
                                                     gushort                  code,
                                                     const char              *reason);
void               porthole_ws_channel_close_now    (PortholeWsChannel       *self,
                                                     gushort                  code,
                                                     const char              *reason);
PortholeDaemon    *porthole_ws_channel_get_daemon   (PortholeWsChannel       *self);

JsonObject        *porthole_ws_channel_parse_frame  (GBytes                  *bytes,
                                                     char                   **text);

G_END_DECLS
