/* porthole-auth.h — who may call portholed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "porthole-config.h"

G_BEGIN_DECLS

/* SECURITY.md §3: tokens larger than this are refused unparsed. */
#define PORTHOLE_AUTH_MAX_TOKEN_SIZE 8192
/* Clock leeway for exp, nbf and iat. */
#define PORTHOLE_AUTH_LEEWAY_SECONDS 60
/* HS256 keys shorter than 256 bits are refused (RFC 7518 §3.2). */
#define PORTHOLE_AUTH_MIN_SECRET_SIZE 32

#define PORTHOLE_TYPE_AUTH (porthole_auth_get_type ())

G_DECLARE_FINAL_TYPE (PortholeAuth, porthole_auth, PORTHOLE, AUTH, GObject)

PortholeAuth *porthole_auth_new                 (void);
gboolean      porthole_auth_configure           (PortholeAuth       *self,
                                                 PortholeConfig     *config,
                                                 GError            **error);
gboolean      porthole_auth_is_insecure         (PortholeAuth       *self);
gboolean      porthole_auth_verify_token        (PortholeAuth       *self,
                                                 const char         *token,
                                                 gint64              now,
                                                 gint64             *expires,
                                                 GError            **error);
gboolean      porthole_auth_check_message       (PortholeAuth       *self,
                                                 SoupServerMessage  *msg,
                                                 GHashTable         *query,
                                                 gboolean            allow_query_token,
                                                 gint64             *expires,
                                                 GError            **error);

const char *const *porthole_auth_get_authorization_servers (PortholeAuth *self);
char         *porthole_auth_dup_base_url        (PortholeAuth       *self,
                                                 SoupServerMessage  *msg);
char         *porthole_auth_dup_challenge       (PortholeAuth       *self,
                                                 SoupServerMessage  *msg);

GBytes       *porthole_auth_load_secret         (const char         *path,
                                                 GError            **error);
char         *porthole_auth_mint_token          (GBytes             *secret,
                                                 gint64              now,
                                                 gint64              ttl,
                                                 const char         *audience,
                                                 const char         *sandbox_id,
                                                 GError            **error);

gboolean      porthole_memequal_constant_time   (const void         *a,
                                                 gsize               a_len,
                                                 const void         *b,
                                                 gsize               b_len);

G_END_DECLS
