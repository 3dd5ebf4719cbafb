/* porthole-hub-signer.h — the hub's ES256 key, and the agent tokens it
 * signs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The claims every sandbox's portholed is started to require. */
#define PORTHOLE_HUB_TOKEN_ISSUER "porthole-hub"
#define PORTHOLE_HUB_TOKEN_AUDIENCE "portholed"

#define PORTHOLE_TYPE_HUB_SIGNER (porthole_hub_signer_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHubSigner, porthole_hub_signer, PORTHOLE, HUB_SIGNER, GObject)

PortholeHubSigner *porthole_hub_signer_new                 (const char         *key_dir,
                                                            GError            **error);
const char        *porthole_hub_signer_get_public_key_path (PortholeHubSigner  *self);
char              *porthole_hub_signer_sign                (PortholeHubSigner  *self,
                                                            const char         *sandbox_id,
                                                            gint64              iat,
                                                            gint64              exp,
                                                            GError            **error);

G_END_DECLS
