/* test-tokens.h — well-formed and hostile JWTs for the auth tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;
  char *token;
  /* TOKEN_INVALID or TOKEN_EXPIRED; NULL for a token that must pass. */
  const char *expected_code;
} TestToken;

typedef struct
{
  char *dir;
  char *rsa_private;
  char *rsa_public;
  char *ec_private;
  char *ec_public;
} TestKeys;

char      *test_base64url            (const char   *data,
                                      gsize         length);
char      *test_token_hs256          (const char   *header,
                                      const char   *payload,
                                      const guint8 *key,
                                      gsize         key_length);
char      *test_token_signed_with    (const char   *alg,
                                      const char   *private_key_file,
                                      const char   *payload);
TestKeys  *test_keys_new             (void);
void       test_keys_free            (TestKeys     *keys);
GPtrArray *test_tokens_hostile       (GBytes       *secret,
                                      TestKeys     *keys,
                                      gint64        now);
void       test_token_free           (TestToken    *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestKeys, test_keys_free)

G_END_DECLS
