/* test-tokens.c
 *
 * The hostile list follows SECURITY.md §3.10.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <jwt.h>
#include <string.h>

#include "test-tokens.h"
#include "test-utils.h"

char *
test_base64url (const char *data,
                gsize       length)
{
  char *text = g_base64_encode ((const guchar *) data, length);
  char *out = text;

  for (char *p = text; *p && *p != '='; p++)
    *out++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  *out = '\0';

  return text;
}

static char *
hmac_signature (const char   *signing_input,
                const guint8 *key,
                gsize         key_length)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) signing_input, strlen (signing_input));
  g_hmac_get_digest (hmac, digest, &digest_length);

  return test_base64url ((const char *) digest, digest_length);
}

/**
 * test_token_hs256:
 *
 * Signs exactly @header and @payload (raw JSON text, so duplicate keys
 * and odd types survive) with HMAC-SHA256.
 */
char *
test_token_hs256 (const char   *header,
                  const char   *payload,
                  const guint8 *key,
                  gsize         key_length)
{
  g_autofree char *h = test_base64url (header, strlen (header));
  g_autofree char *p = test_base64url (payload, strlen (payload));
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autofree char *signature = hmac_signature (input, key, key_length);

  return g_strconcat (input, ".", signature, NULL);
}

/**
 * test_token_signed_with:
 * @alg: "RS256" or "ES256"
 *
 * Returns: a token signed by libjwt with a private key
 */
char *
test_token_signed_with (const char *alg,
                        const char *private_key_file,
                        const char *payload)
{
  g_autofree char *key = NULL;
  gsize key_length;
  jwt_t *jwt = NULL;
  char *token;

  g_assert_true (g_file_get_contents (private_key_file, &key, &key_length, NULL));
  g_assert_cmpint (jwt_new (&jwt), ==, 0);
  g_assert_cmpint (jwt_add_grants_json (jwt, payload), ==, 0);
  g_assert_cmpint (jwt_set_alg (jwt, jwt_str_alg (alg), (const unsigned char *) key, key_length), ==, 0);
  token = jwt_encode_str (jwt);
  jwt_free (jwt);
  g_assert_nonnull (token);

  return token;
}

static void
openssl (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

TestKeys *
test_keys_new (void)
{
  TestKeys *keys = g_new0 (TestKeys, 1);

  keys->dir = porthole_test_make_tmpdir ();
  keys->rsa_private = g_build_filename (keys->dir, "rsa.pem", NULL);
  keys->rsa_public = g_build_filename (keys->dir, "rsa.pub", NULL);
  keys->ec_private = g_build_filename (keys->dir, "ec.pem", NULL);
  keys->ec_public = g_build_filename (keys->dir, "ec.pub", NULL);

  openssl ((const char *[]) { "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                              "-out", keys->rsa_private, NULL });
  openssl ((const char *[]) { "openssl", "pkey", "-in", keys->rsa_private, "-pubout", "-out", keys->rsa_public, NULL });
  openssl ((const char *[]) { "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-out", keys->ec_private, NULL });
  openssl ((const char *[]) { "openssl", "pkey", "-in", keys->ec_private, "-pubout", "-out", keys->ec_public, NULL });

  return keys;
}

void
test_keys_free (TestKeys *keys)
{
  porthole_test_rm_rf (keys->dir);
  g_free (keys->dir);
  g_free (keys->rsa_private);
  g_free (keys->rsa_public);
  g_free (keys->ec_private);
  g_free (keys->ec_public);
  g_free (keys);
}

void
test_token_free (TestToken *token)
{
  g_free (token->name);
  g_free (token->token);
  g_free (token);
}

static void
add (GPtrArray  *tokens,
     const char *name,
     char       *token,
     const char *expected_code)
{
  TestToken *t = g_new0 (TestToken, 1);

  t->name = g_strdup (name);
  t->token = token;
  t->expected_code = expected_code;
  g_ptr_array_add (tokens, t);
}

static const char hs256[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static char *
sign (GBytes     *secret,
      const char *header,
      const char *payload)
{
  gsize length;
  const guint8 *key = g_bytes_get_data (secret, &length);

  return test_token_hs256 (header, payload, key, length);
}

static char *
unsigned_token (const char *header,
                const char *payload,
                const char *signature)
{
  g_autofree char *h = test_base64url (header, strlen (header));
  g_autofree char *p = test_base64url (payload, strlen (payload));

  return g_strconcat (h, ".", p, ".", signature, NULL);
}

/**
 * test_tokens_hostile:
 * @secret: the HS256 secret the daemon under test verifies with
 * @keys: RSA and EC key pairs the daemon does not trust
 * @now: the current time
 *
 * Returns: (element-type TestToken): tokens an HS256 verifier with
 *   @secret must refuse, each with the code it must answer with
 */
GPtrArray *
test_tokens_hostile (GBytes   *secret,
                     TestKeys *keys,
                     gint64    now)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) test_token_free);
  g_autofree char *good = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT "}", now + 3600, now);
  g_autofree char *rsa_public = NULL;
  static const guint8 wrong_key[] = "a completely different 32+ byte secret!!";
  g_autoptr(GString) big = g_string_new (NULL);
  char *token;

  g_assert_true (g_file_get_contents (keys->rsa_public, &rsa_public, NULL, NULL));

  add (tokens, "empty", g_strdup (""), "TOKEN_INVALID");
  add (tokens, "garbage", g_strdup ("not-a-token"), "TOKEN_INVALID");
  add (tokens, "alg none, empty signature", unsigned_token ("{\"alg\":\"none\",\"typ\":\"JWT\"}", good, ""), "TOKEN_INVALID");
  token = unsigned_token ("{\"alg\":\"none\"}", good, "");
  token[strlen (token) - 1] = '\0';
  add (tokens, "alg none, no trailing dot", token, "TOKEN_INVALID");
  add (tokens, "alg None", sign (secret, "{\"alg\":\"None\"}", good), "TOKEN_INVALID");
  add (tokens, "alg NONE", sign (secret, "{\"alg\":\"NONE\"}", good), "TOKEN_INVALID");
  add (tokens, "alg hs256 (lower case)", sign (secret, "{\"alg\":\"hs256\"}", good), "TOKEN_INVALID");
  add (tokens, "alg HS512", sign (secret, "{\"alg\":\"HS512\"}", good), "TOKEN_INVALID");
  add (tokens, "wrong HMAC key", test_token_hs256 (hs256, good, wrong_key, sizeof wrong_key - 1), "TOKEN_INVALID");
  add (tokens, "HS256 signed with the RSA public key",
       test_token_hs256 (hs256, good, (const guint8 *) rsa_public, strlen (rsa_public)), "TOKEN_INVALID");
  add (tokens, "RS256 token", test_token_signed_with ("RS256", keys->rsa_private, good), "TOKEN_INVALID");
  add (tokens, "ES256 token", test_token_signed_with ("ES256", keys->ec_private, good), "TOKEN_INVALID");

  token = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", now - 3600);
  add (tokens, "expired an hour ago", sign (secret, hs256, token), "TOKEN_EXPIRED");
  g_free (token);
  token = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"nbf\":%" G_GINT64_FORMAT "}", now + 7200, now + 3600);
  add (tokens, "nbf in an hour", sign (secret, hs256, token), "TOKEN_INVALID");
  g_free (token);
  token = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT "}", now + 7200, now + 3600);
  add (tokens, "iat in an hour", sign (secret, hs256, token), "TOKEN_INVALID");
  g_free (token);
  add (tokens, "exp as a string", sign (secret, hs256, "{\"exp\":\"9999999999\"}"), "TOKEN_INVALID");
  token = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ".5}", now + 3600);
  add (tokens, "exp as a float", sign (secret, hs256, token), "TOKEN_INVALID");
  g_free (token);
  add (tokens, "exp missing", sign (secret, hs256, "{\"sub\":\"x\"}"), "TOKEN_INVALID");
  add (tokens, "exp null", sign (secret, hs256, "{\"exp\":null}"), "TOKEN_INVALID");
  add (tokens, "exp negative", sign (secret, hs256, "{\"exp\":-1}"), "TOKEN_INVALID");
  add (tokens, "exp beyond 2^63", sign (secret, hs256, "{\"exp\":99999999999999999999}"), "TOKEN_INVALID");
  token = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT "}", now + 30 * 86400, now);
  add (tokens, "lifetime of 30 days", sign (secret, hs256, token), "TOKEN_INVALID");
  g_free (token);

  {
    g_autofree char *valid = sign (secret, hs256, good);
    g_auto(GStrv) parts = g_strsplit (valid, ".", -1);
    g_autofree char *later = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT "}", now + 7200, now);
    g_autofree char *later_b64 = test_base64url (later, strlen (later));
    g_autofree char *other_header = test_base64url ("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x\":1}", 34);
    gsize sig_length = strlen (parts[2]);

    add (tokens, "tampered payload", g_strjoin (".", parts[0], later_b64, parts[2], NULL), "TOKEN_INVALID");
    add (tokens, "tampered header", g_strjoin (".", other_header, parts[1], parts[2], NULL), "TOKEN_INVALID");
    add (tokens, "empty signature", g_strjoin (".", parts[0], parts[1], "", NULL), "TOKEN_INVALID");
    add (tokens, "truncated signature",
         g_strdup_printf ("%s.%s.%.*s", parts[0], parts[1], (int) sig_length - 4, parts[2]), "TOKEN_INVALID");
    add (tokens, "two segments", g_strjoin (".", parts[0], parts[1], NULL), "TOKEN_INVALID");
    add (tokens, "four segments", g_strjoin (".", parts[0], parts[1], parts[2], parts[2], NULL), "TOKEN_INVALID");
    add (tokens, "padding '='", g_strconcat (valid, "=", NULL), "TOKEN_INVALID");
    token = g_strdup (valid);
    token[strlen (token) - 1] = '+';
    add (tokens, "base64 '+' (not base64url)", token, "TOKEN_INVALID");
    add (tokens, "inner space", g_strdup_printf ("%s. %s.%s", parts[0], parts[1], parts[2]), "TOKEN_INVALID");
  }

  token = g_strdup_printf ("{\"alg\":\"none\",\"alg\":\"HS256\"}");
  add (tokens, "duplicate alg", sign (secret, token, good), "TOKEN_INVALID");
  g_free (token);
  token = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}", now - 3600, now + 3600);
  add (tokens, "duplicate exp", sign (secret, hs256, token), "TOKEN_INVALID");
  g_free (token);
  token = g_strdup_printf ("{\"ex\\u0070\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}", now - 3600, now + 3600);
  add (tokens, "duplicate exp, escaped", sign (secret, hs256, token), "TOKEN_INVALID");
  g_free (token);
  add (tokens, "typ JWS", sign (secret, "{\"alg\":\"HS256\",\"typ\":\"JWS\"}", good), "TOKEN_INVALID");
  add (tokens, "typ jwt+xyz", sign (secret, "{\"alg\":\"HS256\",\"typ\":\"jwt+xyz\"}", good), "TOKEN_INVALID");
  add (tokens, "crit header", sign (secret, "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", good), "TOKEN_INVALID");
  /* Keys are pinned by configuration: a header naming where to find one
   * (RFC 7515 §4.1.2–4.1.5) is never followed, so tokens signed with the
   * key it names fail (the kid one with the empty key that reading
   * /dev/null would give). */
  {
    g_autofree char *wrong_b64 = test_base64url ((const char *) wrong_key, sizeof wrong_key - 1);
    g_autofree char *jwk = g_strdup_printf ("{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"%s\"}}", wrong_b64);

    add (tokens, "jku to a URL",
         test_token_hs256 ("{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:9/jwks.json\"}", good,
                           wrong_key, sizeof wrong_key - 1), "TOKEN_INVALID");
    add (tokens, "x5u to a URL",
         test_token_hs256 ("{\"alg\":\"HS256\",\"x5u\":\"http://127.0.0.1:9/cert.pem\"}", good,
                           wrong_key, sizeof wrong_key - 1), "TOKEN_INVALID");
    add (tokens, "jwk embedded", test_token_hs256 (jwk, good, wrong_key, sizeof wrong_key - 1), "TOKEN_INVALID");
    add (tokens, "kid to /dev/null, empty key",
         test_token_hs256 ("{\"alg\":\"HS256\",\"kid\":\"../../../../../../dev/null\"}", good,
                           (const guint8 *) "", 0), "TOKEN_INVALID");
    add (tokens, "kid to a file, its bytes as key",
         test_token_hs256 ("{\"alg\":\"HS256\",\"kid\":\"/etc/hostname\"}", good,
                           (const guint8 *) "localhost\n", 10), "TOKEN_INVALID");
  }
  add (tokens, "header is an array", sign (secret, "[\"HS256\"]", good), "TOKEN_INVALID");
  add (tokens, "payload is an array", sign (secret, hs256, "[1,2,3]"), "TOKEN_INVALID");
  add (tokens, "payload is not JSON", sign (secret, hs256, "{exp: 5}"), "TOKEN_INVALID");

  g_string_append_printf (big, "{\"exp\":%" G_GINT64_FORMAT ",\"pad\":\"", now + 3600);
  for (guint i = 0; i < 12000; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  add (tokens, "larger than 8 KiB", sign (secret, hs256, big->str), "TOKEN_INVALID");

  return tokens;
}
