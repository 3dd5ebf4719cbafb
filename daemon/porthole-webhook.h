/* porthole-webhook.h — delivery of /execute/async callbacks (API.md §3.5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PORTHOLE_WEBHOOK_MAX_ATTEMPTS 3

char     *porthole_webhook_sign           (const char           *secret,
                                           const char           *timestamp,
                                           GBytes               *body);
void      porthole_webhook_deliver_async  (SoupSession          *session,
                                           const char           *url,
                                           GHashTable           *headers,
                                           const char           *secret,
                                           GBytes               *body,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean  porthole_webhook_deliver_finish (GAsyncResult         *result,
                                           guint                *attempts,
                                           guint                *http_status,
                                           GError              **error);

G_END_DECLS
