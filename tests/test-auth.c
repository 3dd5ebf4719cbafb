/* test-auth.c — the JWT verifier, without HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-auth.h"
#include "porthole-config.h"
#include "porthole-error.h"
#include "test-tokens.h"
#include "test-utils.h"

typedef struct
{
  char *dir;
  char *secret_file;
  GBytes *secret;
  TestKeys *keys;
} Fixture;

static TestKeys *shared_keys;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = porthole_test_make_tmpdir ();
  f->secret_file = g_build_filename (f->dir, "secret", NULL);
  g_file_set_contents_full (f->secret_file, "0123456789abcdef0123456789abcdef\n", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  f->secret = porthole_auth_load_secret (f->secret_file, &error);
  g_assert_no_error (error);
  f->keys = shared_keys;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  porthole_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->secret_file);
  g_bytes_unref (f->secret);
}

/* A PortholeAuth configured from key=value pairs, as --config would. */
static PortholeAuth *
make_auth (const char *first_key,
           ...)
{
  g_autoptr(GKeyFile) overrides = g_key_file_new ();
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  PortholeAuth *auth = porthole_auth_new ();
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL)
    {
      g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, key, va_arg (args, const char *));
      key = va_arg (args, const char *);
    }
  va_end (args);

  config = porthole_config_new (NULL, overrides, &error);
  g_assert_no_error (error);
  porthole_auth_configure (auth, config, &error);
  g_assert_no_error (error);

  return auth;
}

static void
assert_refused (PortholeAuth *auth,
                const char   *token,
                const char   *code,
                const char   *why)
{
  g_autoptr(GError) error = NULL;
  PortholeErrorCode expected;

  g_assert_true (porthole_error_code_from_string (code, &expected));
  if (porthole_auth_verify_token (auth, token, g_get_real_time () / G_USEC_PER_SEC, NULL, &error))
    g_error ("accepted a hostile token: %s", why);
  g_assert_error (error, PORTHOLE_ERROR, expected);
  if (expected == PORTHOLE_ERROR_TOKEN_EXPIRED)
    g_assert_nonnull (strstr (error->message, "token expired"));
}

static void
assert_accepted (PortholeAuth *auth,
                 const char   *token)
{
  g_autoptr(GError) error = NULL;
  gint64 expires = 0;

  g_assert_true (porthole_auth_verify_token (auth, token, g_get_real_time () / G_USEC_PER_SEC,
                                             &expires, &error));
  g_assert_no_error (error);
  g_assert_cmpint (expires, >, 0);
}

static char *
payload (gint64 exp_offset,
         const char *extra)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT "%s%s}",
                          now + exp_offset, now, extra ? "," : "", extra ? extra : "");
}

static char *
hs256 (Fixture    *f,
       const char *payload_json)
{
  gsize length;
  const guint8 *key = g_bytes_get_data (f->secret, &length);

  return test_token_hs256 ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload_json, key, length);
}

static void
test_hostile_hs256 (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PortholeAuth) auth = make_auth ("jwt-secret-file", f->secret_file, NULL);
  g_autoptr(GPtrArray) tokens = test_tokens_hostile (f->secret, f->keys, g_get_real_time () / G_USEC_PER_SEC);

  g_assert_cmpuint (tokens->len, >=, 30);
  for (guint i = 0; i < tokens->len; i++)
    {
      TestToken *t = g_ptr_array_index (tokens, i);

      g_test_message ("hostile token: %s", t->name);
      assert_refused (auth, t->token, t->expected_code, t->name);
    }
}

static void
test_good_and_leeway (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(PortholeAuth) auth = make_auth ("jwt-secret-file", f->secret_file, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *good = NULL;
  g_autofree char *minted = NULL;
  g_autofree char *just_expired = NULL;
  g_autofree char *nbf_soon = NULL;
  g_autofree char *p = NULL;
  g_autoptr(GError) error = NULL;

  good = hs256 (f, (p = payload (3600, NULL)));
  assert_accepted (auth, good);

  minted = porthole_auth_mint_token (f->secret, now, 600, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_accepted (auth, minted);

  /* 60 s of clock leeway, no more. */
  g_free (p);
  just_expired = hs256 (f, (p = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", now - 30)));
  assert_accepted (auth, just_expired);
  g_free (p);
  nbf_soon = hs256 (f, (p = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"nbf\":%" G_GINT64_FORMAT "}",
                                             now + 600, now + 30)));
  assert_accepted (auth, nbf_soon);
  g_free (p);
  g_free (nbf_soon);
  nbf_soon = hs256 (f, (p = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT ",\"nbf\":%" G_GINT64_FORMAT "}",
                                             now + 600, now + 120)));
  assert_refused (auth, nbf_soon, "TOKEN_INVALID", "nbf two minutes ahead");
  g_free (p);
  g_free (just_expired);
  just_expired = hs256 (f, (p = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", now - 120)));
  assert_refused (auth, just_expired, "TOKEN_EXPIRED", "expired two minutes ago");
}

static void
test_lifetime_cap (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PortholeAuth) capped = make_auth ("jwt-secret-file", f->secret_file, "jwt-max-lifetime", "1h", NULL);
  g_autoptr(PortholeAuth) uncapped = make_auth ("jwt-secret-file", f->secret_file, "jwt-max-lifetime", "0", NULL);
  g_autofree char *p = payload (7 * 86400, NULL);
  g_autofree char *week = hs256 (f, p);

  assert_refused (capped, week, "TOKEN_INVALID", "a week-long token under a 1 h cap");
  assert_accepted (uncapped, week);
}

static void
test_rs256_pinned (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PortholeAuth) auth = make_auth ("jwt-public-key-file", f->keys->rsa_public, NULL);
  g_autofree char *p = payload (3600, NULL);
  g_autofree char *good = test_token_signed_with ("RS256", f->keys->rsa_private, p);
  g_autofree char *es = test_token_signed_with ("ES256", f->keys->ec_private, p);
  g_autofree char *pem = NULL;
  g_autofree char *confused = NULL;
  g_autofree char *none = NULL;
  g_autofree char *h = NULL;
  g_autofree char *b = NULL;

  assert_accepted (auth, good);
  assert_refused (auth, es, "TOKEN_INVALID", "ES256 against RS256");

  /* The classic confusion: HMAC keyed with the public key PEM. */
  g_assert_true (g_file_get_contents (f->keys->rsa_public, &pem, NULL, NULL));
  confused = test_token_hs256 ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", p, (const guint8 *) pem, strlen (pem));
  assert_refused (auth, confused, "TOKEN_INVALID", "HS256 keyed with the RSA public key");

  h = test_base64url ("{\"alg\":\"none\"}", 14);
  b = test_base64url (p, strlen (p));
  none = g_strconcat (h, ".", b, ".", NULL);
  assert_refused (auth, none, "TOKEN_INVALID", "alg none against RS256");
}

static void
test_es256_pinned (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PortholeAuth) auth = make_auth ("jwt-public-key-file", f->keys->ec_public, "jwt-alg", "ES256", NULL);
  g_autofree char *p = payload (3600, NULL);
  g_autofree char *good = test_token_signed_with ("ES256", f->keys->ec_private, p);
  g_autofree char *rs = test_token_signed_with ("RS256", f->keys->rsa_private, p);

  assert_accepted (auth, good);
  assert_refused (auth, rs, "TOKEN_INVALID", "RS256 against ES256");
}

static void
test_audience_issuer_sandbox (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(PortholeAuth) auth = make_auth ("jwt-secret-file", f->secret_file,
                                            "jwt-audience", "portholed",
                                            "jwt-issuer", "control-plane",
                                            "sandbox-id", "sbx-1", NULL);
  struct {
    const char *claims;
    gboolean ok;
  } cases[] = {
    { "\"aud\":\"portholed\",\"iss\":\"control-plane\",\"sandbox_id\":\"sbx-1\"", TRUE },
    { "\"aud\":[\"other\",\"portholed\",\"sbx-1\"],\"iss\":\"control-plane\"", TRUE },
    { "\"aud\":\"other\",\"iss\":\"control-plane\",\"sandbox_id\":\"sbx-1\"", FALSE },
    { "\"aud\":[\"other\"],\"iss\":\"control-plane\",\"sandbox_id\":\"sbx-1\"", FALSE },
    { "\"iss\":\"control-plane\",\"sandbox_id\":\"sbx-1\"", FALSE },
    { "\"aud\":\"portholed\",\"iss\":\"someone\",\"sandbox_id\":\"sbx-1\"", FALSE },
    { "\"aud\":\"portholed\",\"iss\":\"control-plane\",\"sandbox_id\":\"sbx-2\"", FALSE },
    { "\"aud\":\"portholed\",\"iss\":\"control-plane\"", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *p = payload (3600, cases[i].claims);
      g_autofree char *token = hs256 (f, p);

      if (cases[i].ok)
        assert_accepted (auth, token);
      else
        assert_refused (auth, token, "TOKEN_INVALID", cases[i].claims);
    }
}

static void
test_configuration_errors (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GKeyFile) overrides = g_key_file_new ();
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(PortholeAuth) auth = porthole_auth_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *short_secret = g_build_filename (f->dir, "short", NULL);

  g_file_set_contents_full (short_secret, "too-short", -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "jwt-secret-file", short_secret);
  config = porthole_config_new (NULL, overrides, &error);
  g_assert_no_error (error);
  g_assert_false (porthole_auth_configure (auth, config, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* No key at all: everything is refused (fail closed). */
  g_clear_object (&config);
  g_clear_pointer (&overrides, g_key_file_unref);
  overrides = g_key_file_new ();
  config = porthole_config_new (NULL, overrides, &error);
  g_assert_true (porthole_auth_configure (auth, config, &error));
  {
    g_autofree char *p = payload (3600, NULL);
    g_autofree char *token = hs256 (f, p);

    assert_refused (auth, token, "TOKEN_INVALID", "no key configured");
  }

  /* A secret with an RS256 pin is a configuration error. */
  g_clear_object (&config);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "jwt-secret-file", f->secret_file);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "jwt-alg", "RS256");
  config = porthole_config_new (NULL, overrides, &error);
  g_assert_no_error (error);
  g_assert_false (porthole_auth_configure (auth, config, &error));
  g_assert_nonnull (error);
}

/* Verified tokens are remembered, but still expire, and a new key
 * forgets them. */
static void
test_verified_cache (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PortholeAuth) auth = make_auth ("jwt-secret-file", f->secret_file, NULL);
  g_autoptr(GKeyFile) overrides = g_key_file_new ();
  g_autoptr(PortholeConfig) rotated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_secret = g_build_filename (f->dir, "other", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *p = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", now + 600);
  g_autofree char *token = hs256 (f, p);

  g_assert_true (porthole_auth_verify_token (auth, token, now, NULL, &error));
  g_assert_true (porthole_auth_verify_token (auth, token, now, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (porthole_auth_verify_token (auth, token, now + 3600, NULL, &error));
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_TOKEN_EXPIRED);
  g_clear_error (&error);

  g_assert_true (porthole_auth_verify_token (auth, token, now, NULL, &error));
  g_file_set_contents_full (other_secret, "another secret of thirty-two bytes or more", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "jwt-secret-file", other_secret);
  rotated = porthole_config_new (NULL, overrides, &error);
  g_assert_no_error (error);
  g_assert_true (porthole_auth_configure (auth, rotated, &error));
  assert_refused (auth, token, "TOKEN_INVALID", "signed with the previous key");
}

static void
test_constant_time_compare (void)
{
  g_assert_true (porthole_memequal_constant_time ("abc", 3, "abc", 3));
  g_assert_false (porthole_memequal_constant_time ("abc", 3, "abd", 3));
  g_assert_false (porthole_memequal_constant_time ("abc", 3, "abcd", 4));
  g_assert_false (porthole_memequal_constant_time ("abcd", 4, "abc", 3));
  g_assert_true (porthole_memequal_constant_time ("", 0, "", 0));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  shared_keys = test_keys_new ();

  g_test_add ("/auth/hostile-hs256", Fixture, NULL, fixture_setup, test_hostile_hs256, fixture_teardown);
  g_test_add ("/auth/good-and-leeway", Fixture, NULL, fixture_setup, test_good_and_leeway, fixture_teardown);
  g_test_add ("/auth/lifetime-cap", Fixture, NULL, fixture_setup, test_lifetime_cap, fixture_teardown);
  g_test_add ("/auth/rs256-pinned", Fixture, NULL, fixture_setup, test_rs256_pinned, fixture_teardown);
  g_test_add ("/auth/es256-pinned", Fixture, NULL, fixture_setup, test_es256_pinned, fixture_teardown);
  g_test_add ("/auth/audience-issuer-sandbox", Fixture, NULL, fixture_setup, test_audience_issuer_sandbox, fixture_teardown);
  g_test_add ("/auth/configuration-errors", Fixture, NULL, fixture_setup, test_configuration_errors, fixture_teardown);
  g_test_add ("/auth/verified-cache", Fixture, NULL, fixture_setup, test_verified_cache, fixture_teardown);
  g_test_add_func ("/auth/constant-time-compare", test_constant_time_compare);

  ret = g_test_run ();
  test_keys_free (shared_keys);
  return ret;
}
