/* fuzz-jwt.c — porthole_auth_verify_token(), the wrapper around libjwt
 * 1.10 that supplies what the library does not check (SECURITY.md §2:
 * the algorithm, time claims and their types, lifetime, audience)
 *
 * The first byte chooses what the rest is: a token as sent; the payload
 * of a token signed with the daemon's key (so the claim checks behind
 * the signature are reached); or a header and a payload, split at the
 * first newline, signed with the key (so the header checks are too).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-auth.h"
#include "porthole-fuzz.h"

static PortholeAuth *auth;

static char *
base64url (const char *data,
           gsize       length)
{
  char *text = g_base64_encode ((const guchar *) data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  for (char *end = text + strlen (text); end > text && end[-1] == '='; end--)
    end[-1] = '\0';

  return text;
}

static char *
sign (const char *header,
      gsize       header_length,
      const char *payload,
      gsize       payload_length)
{
  GBytes *secret = porthole_fuzz_get_secret ();
  g_autofree char *h = base64url (header, header_length);
  g_autofree char *p = base64url (payload, payload_length);
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autofree char *s = NULL;

  g_hmac_update (hmac, (const guchar *) input, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);
  s = base64url ((const char *) digest, digest_length);

  return g_strconcat (input, ".", s, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char default_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  const char *rest = (const char *) data + 1;
  gsize length = size - 1;
  const char *newline;
  gint64 expires = 0;
  gboolean valid;

  if (auth == NULL)
    {
      auth = porthole_auth_new ();
      porthole_auth_configure (auth, porthole_daemon_get_config (porthole_fuzz_get_daemon ()), &error);
      g_assert_no_error (error);
    }

  if (size == 0)
    return 0;

  switch (data[0] % 3)
    {
    case 0:
      token = porthole_fuzz_dup_string (data + 1, length);
      break;
    case 1:
      token = sign (default_header, strlen (default_header), rest, length);
      break;
    default:
      newline = memchr (rest, '\n', length);
      if (newline == NULL)
        return 0;
      token = sign (rest, newline - rest, newline + 1, length - (newline + 1 - rest));
      break;
    }

  valid = porthole_auth_verify_token (auth, token, g_get_real_time () / G_USEC_PER_SEC, &expires, &error);
  g_assert (valid == (error == NULL));
  /* A valid token names HS256 (the only algorithm configured) and, if
   * it has an expiry, one not past beyond the leeway. */
  if (valid)
    {
      g_autofree char *header_b64 = g_strndup (token, strcspn (token, "."));
      g_autofree char *padded = g_strdup_printf ("%s%.*s", header_b64, (int) ((4 - strlen (header_b64) % 4) % 4), "===");
      gsize header_length;
      g_autofree guchar *header = NULL;

      g_strdelimit (padded, "-", '+');
      g_strdelimit (padded, "_", '/');
      header = g_base64_decode (padded, &header_length);
      g_assert_nonnull (g_strstr_len ((const char *) header, header_length, "HS256"));
      g_assert (expires == 0 || expires + PORTHOLE_AUTH_LEEWAY_SECONDS >= g_get_real_time () / G_USEC_PER_SEC - 5);
    }

  return 0;
}
