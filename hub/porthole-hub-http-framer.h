/* porthole-hub-http-framer.h — where HTTP/1.1 requests begin and end in
 * a byte stream, so the proxy can edit their headers and pass bodies
 * through untouched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A request head larger than this is refused (431). */
#define PORTHOLE_HUB_HTTP_MAX_HEAD (64 * 1024)

typedef struct _PortholeHubHttpFramer PortholeHubHttpFramer;

PortholeHubHttpFramer *porthole_hub_http_framer_new       (void);
void                   porthole_hub_http_framer_free      (PortholeHubHttpFramer  *self);
gboolean               porthole_hub_http_framer_feed      (PortholeHubHttpFramer  *self,
                                                           const guint8           *data,
                                                           gsize                   length,
                                                           GByteArray             *out,
                                                           guint                  *status,
                                                           GError                **error);
gboolean               porthole_hub_http_framer_is_tunnel (PortholeHubHttpFramer  *self);
guint                  porthole_hub_http_framer_get_requests (PortholeHubHttpFramer *self);
const char            *porthole_hub_http_framer_get_host  (PortholeHubHttpFramer  *self);
void                   porthole_hub_http_framer_pin_host  (PortholeHubHttpFramer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeHubHttpFramer, porthole_hub_http_framer_free)

G_END_DECLS
