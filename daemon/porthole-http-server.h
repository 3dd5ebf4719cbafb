/* porthole-http-server.h — portholed's HTTP and WebSocket front door
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "porthole-route.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_HTTP_SERVER (porthole_http_server_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHttpServer, porthole_http_server, PORTHOLE, HTTP_SERVER, GObject)

PortholeHttpServer *porthole_http_server_new              (PortholeDaemon      *daemon);
gboolean            porthole_http_server_start            (PortholeHttpServer  *self,
                                                           GError             **error);
void                porthole_http_server_accept           (PortholeHttpServer  *self,
                                                           GSocket             *socket);
void                porthole_http_server_stop             (PortholeHttpServer  *self);
void                porthole_http_server_drain            (PortholeHttpServer  *self);
gboolean            porthole_http_server_is_drained       (PortholeHttpServer  *self);
guint               porthole_http_server_get_n_active     (PortholeHttpServer  *self);
guint               porthole_http_server_get_n_connections (PortholeHttpServer *self);
guint               porthole_http_server_get_port         (PortholeHttpServer  *self);
GPtrArray          *porthole_http_server_get_listen_sockets (PortholeHttpServer *self);
GSocket            *porthole_http_server_get_message_socket (SoupServerMessage  *msg);
gboolean            porthole_http_server_origin_allowed   (SoupServerMessage   *msg);

G_END_DECLS
