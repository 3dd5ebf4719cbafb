/* porthole-token-store.h — sandbox tokens in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_TOKEN_STORE (porthole_token_store_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTokenStore, porthole_token_store, PORTHOLE, TOKEN_STORE, GObject)

PortholeTokenStore *porthole_token_store_new           (void);
void                porthole_token_store_save_async    (PortholeTokenStore   *self,
                                                        const char           *sandbox_id,
                                                        const char           *label,
                                                        const char           *url,
                                                        const char           *token,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            porthole_token_store_save_finish   (PortholeTokenStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                porthole_token_store_lookup_async  (PortholeTokenStore   *self,
                                                        const char           *sandbox_id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char               *porthole_token_store_lookup_finish (PortholeTokenStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                porthole_token_store_forget_async  (PortholeTokenStore   *self,
                                                        const char           *sandbox_id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean            porthole_token_store_forget_finish (PortholeTokenStore   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
