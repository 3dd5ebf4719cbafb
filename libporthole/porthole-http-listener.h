/* porthole-http-listener.h — a listening socket whose connections we
 * accept ourselves and hand to a SoupServer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_HTTP_LISTENER (porthole_http_listener_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHttpListener, porthole_http_listener, PORTHOLE, HTTP_LISTENER, GObject)

/**
 * PortholeHttpAcceptFunc:
 * @client: a connection just accepted (non-blocking)
 * @user_data: as given to porthole_http_listener_new()
 *
 * Decides what becomes of @client: refuse it, or wrap it in a
 * #PortholeConnectionStream and give it to soup_server_accept_iostream().
 */
typedef void (*PortholeHttpAcceptFunc) (GSocket  *client,
                                        gpointer  user_data);

PortholeHttpListener *porthole_http_listener_new           (SoupServer             *soup,
                                                            GSocket                *socket,
                                                            PortholeHttpAcceptFunc  accept,
                                                            gpointer                user_data,
                                                            GError                **error);
PortholeHttpListener *porthole_http_listener_new_for_address (SoupServer           *soup,
                                                            GSocketAddress         *address,
                                                            GError                **error);
GSocket              *porthole_http_listener_get_socket    (PortholeHttpListener   *self);

gboolean              porthole_http_listener_answer_connection_end (SoupServerMessage *msg);
GSocket              *porthole_http_listener_get_message_socket    (SoupServerMessage *msg);

G_END_DECLS
