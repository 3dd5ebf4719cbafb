/* porthole-client.h — a client of portholed over HTTP and WebSocket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_CLIENT (porthole_client_get_type ())

G_DECLARE_FINAL_TYPE (PortholeClient, porthole_client, PORTHOLE, CLIENT, GObject)

PortholeClient          *porthole_client_new                      (const char           *base_url,
                                                                   const char           *token);
const char              *porthole_client_get_base_url             (PortholeClient       *self);
const char              *porthole_client_get_token                (PortholeClient       *self);
void                     porthole_client_set_token                (PortholeClient       *self,
                                                                   const char           *token);
SoupSession             *porthole_client_get_session              (PortholeClient       *self);
char                    *porthole_client_build_url                (PortholeClient       *self,
                                                                   const char           *path);

SoupMessage             *porthole_client_new_message              (PortholeClient       *self,
                                                                   const char           *method,
                                                                   const char           *path,
                                                                   GError              **error);
void                     porthole_client_send_async               (PortholeClient       *self,
                                                                   SoupMessage          *msg,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
GBytes                  *porthole_client_send_finish              (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   char                **content_type,
                                                                   GError              **error);

void                     porthole_client_call_async               (PortholeClient       *self,
                                                                   const char           *method,
                                                                   const char           *path,
                                                                   JsonObject           *body,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
void                     porthole_client_call_message_async       (PortholeClient       *self,
                                                                   SoupMessage          *msg,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
JsonObject              *porthole_client_parse_object             (GBytes               *body,
                                                                   GError              **error);
JsonObject              *porthole_client_call_finish              (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
gboolean                 porthole_client_call_finish_boolean      (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);

void                     porthole_client_get_health_async         (PortholeClient       *self,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
JsonObject              *porthole_client_get_health_finish        (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                     porthole_client_get_info_async           (PortholeClient       *self,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
JsonObject              *porthole_client_get_info_finish          (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);

void                     porthole_client_websocket_connect_full_async (PortholeClient   *self,
                                                                   const char           *path,
                                                                   const char * const   *protocols,
                                                                   gsize                 max_payload,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
void                     porthole_client_websocket_connect_async  (PortholeClient       *self,
                                                                   const char           *path,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
SoupWebsocketConnection *porthole_client_websocket_connect_finish (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);

typedef GObject *(*PortholeWebsocketWrapFunc) (SoupWebsocketConnection *connection,
                                               gpointer                 data);

void                     porthole_client_websocket_open_async     (PortholeClient       *self,
                                                                   const char           *path,
                                                                   PortholeWebsocketWrapFunc wrap,
                                                                   gpointer              data,
                                                                   GDestroyNotify        data_free,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gpointer                 porthole_client_websocket_open_finish    (PortholeClient       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);

GError                  *porthole_client_error_from_response      (guint                 status,
                                                                   GBytes               *body);

G_END_DECLS
