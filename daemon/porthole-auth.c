/* porthole-auth.c
 *
 * JWT verification for libjwt 1.10, which verifies whatever `alg` a token
 * names and checks no claim at all (SECURITY.md §2–3). Everything except
 * the signature is therefore checked here, before and after jwt_decode():
 * a format gate, strict JSON without duplicate keys, the pinned algorithm,
 * and the time, audience, issuer and sandbox claims.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <jwt.h>
#include <string.h>
#include <sys/stat.h>

#include "porthole-auth.h"
#include "porthole-error.h"
#include "porthole-json.h"

/* Rejects exp values that only a saturated integer could produce. */
#define MAX_SANE_TIMESTAMP G_GINT64_CONSTANT (100000000000)
/* Tokens verified recently, so a client's every request does not pay for
 * the full check; bounded, and emptied when the key changes. */
#define MAX_CACHED_TOKENS 256

struct _PortholeAuth
{
  GObject parent_instance;

  gboolean insecure;
  gboolean configured;
  jwt_alg_t alg;
  char *alg_name;
  GBytes *key;
  GBytes *api_key;
  char *audience;
  char *issuer;
  char *sandbox_id;
  gint64 max_lifetime;
  /* token -> exp, for tokens that passed every check */
  GHashTable *verified;
};

G_DEFINE_FINAL_TYPE (PortholeAuth, porthole_auth, G_TYPE_OBJECT)

static const char message_invalid[] = "Invalid or missing authentication token";
static const char message_expired[] = "Authentication failed: token expired";

static void
clear_bytes_wiped (GBytes **bytes)
{
  /* Keys are always read into buffers of our own (g_bytes_new_take), so
   * they can be wiped before they are freed. */
  if (*bytes != NULL && g_bytes_get_size (*bytes) > 0)
    {
      gsize size;
      gpointer data = (gpointer) g_bytes_get_data (*bytes, &size);

      memset (data, 0, size);
    }
  g_clear_pointer (bytes, g_bytes_unref);
}

static void
porthole_auth_finalize (GObject *object)
{
  PortholeAuth *self = (PortholeAuth *)object;

  clear_bytes_wiped (&self->key);
  clear_bytes_wiped (&self->api_key);
  g_clear_pointer (&self->alg_name, g_free);
  g_clear_pointer (&self->audience, g_free);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->sandbox_id, g_free);
  g_clear_pointer (&self->verified, g_hash_table_unref);

  G_OBJECT_CLASS (porthole_auth_parent_class)->finalize (object);
}

static void
porthole_auth_class_init (PortholeAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_auth_finalize;
}

static void
porthole_auth_init (PortholeAuth *self)
{
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

PortholeAuth *
porthole_auth_new (void)
{
  return g_object_new (PORTHOLE_TYPE_AUTH, NULL);
}

gboolean
porthole_memequal_constant_time (const void *a,
                                 gsize       a_len,
                                 const void *b,
                                 gsize       b_len)
{
  const guint8 *pa = a;
  const guint8 *pb = b;
  guint8 diff = a_len != b_len;

  /* Always walks the whole of @a so the time does not depend on where
   * the first difference is. */
  for (gsize i = 0; i < a_len; i++)
    diff |= pa[i] ^ (i < b_len ? pb[i] : 0);

  return diff == 0;
}

/**
 * porthole_auth_load_secret:
 * @path: a file holding a secret (one trailing newline is dropped)
 *
 * Returns: (transfer full): the secret bytes, NUL-terminated past the end
 */
GBytes *
porthole_auth_load_secret (const char  *path,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  struct stat st;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  if (stat (path, &st) == 0 && (st.st_mode & 0077) != 0)
    g_warning ("%s is readable by other users; it should be mode 0600", path);

  while (length > 0 && (contents[length - 1] == '\n' || contents[length - 1] == '\r'))
    contents[--length] = '\0';

  if (length == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s is empty", path);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/**
 * porthole_auth_configure:
 * @config: the settings to follow
 *
 * Loads the verification key and the claim policy. Called at start-up and
 * on SIGHUP; on failure the previous configuration stays in force.
 */
gboolean
porthole_auth_configure (PortholeAuth    *self,
                         PortholeConfig  *config,
                         GError         **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) api_key = NULL;
  const char *secret_file = porthole_config_get_jwt_secret_file (config);
  const char *public_key_file = porthole_config_get_jwt_public_key_file (config);
  const char *api_key_file = porthole_config_get_api_key_file (config);
  const char *alg_name = porthole_config_get_jwt_alg (config);
  jwt_alg_t alg = jwt_str_alg (alg_name);

  g_return_val_if_fail (PORTHOLE_IS_AUTH (self), FALSE);

  if (secret_file != NULL)
    {
      if (alg != JWT_ALG_HS256)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "A shared secret needs jwt-alg HS256, not %s", alg_name);
          return FALSE;
        }
      if (!(key = porthole_auth_load_secret (secret_file, error)))
        return FALSE;
      if (g_bytes_get_size (key) < PORTHOLE_AUTH_MIN_SECRET_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s: an HS256 secret needs at least %d bytes",
                       secret_file, PORTHOLE_AUTH_MIN_SECRET_SIZE);
          return FALSE;
        }
    }
  else if (public_key_file != NULL)
    {
      g_autofree char *pem = NULL;
      gsize length;

      if (alg != JWT_ALG_RS256 && alg != JWT_ALG_ES256)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "A public key needs jwt-alg RS256 or ES256, not %s", alg_name);
          return FALSE;
        }
      if (!g_file_get_contents (public_key_file, &pem, &length, error))
        return FALSE;
      if (strstr (pem, "-----BEGIN PUBLIC KEY-----") == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s: expected a PEM public key", public_key_file);
          return FALSE;
        }
      key = g_bytes_new_take (g_steal_pointer (&pem), length);
    }

  if (api_key_file != NULL && !(api_key = porthole_auth_load_secret (api_key_file, error)))
    return FALSE;

  clear_bytes_wiped (&self->key);
  clear_bytes_wiped (&self->api_key);
  self->key = g_steal_pointer (&key);
  self->api_key = g_steal_pointer (&api_key);
  self->alg = alg;
  g_free (self->alg_name);
  self->alg_name = g_strdup (alg_name);
  g_free (self->audience);
  self->audience = g_strdup (porthole_config_get_jwt_audience (config));
  g_free (self->issuer);
  self->issuer = g_strdup (porthole_config_get_jwt_issuer (config));
  g_free (self->sandbox_id);
  self->sandbox_id = g_strdup (porthole_config_get_sandbox_id (config));
  self->max_lifetime = porthole_config_get_jwt_max_lifetime (config);
  self->insecure = porthole_config_get_insecure_no_auth (config);
  self->configured = TRUE;
  /* What the old key or policy accepted proves nothing now. */
  g_hash_table_remove_all (self->verified);

  return TRUE;
}

gboolean
porthole_auth_is_insecure (PortholeAuth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_AUTH (self), FALSE);

  return self->insecure;
}

static gboolean
fail (GError          **error,
      PortholeErrorCode code,
      const char       *why)
{
  /* The reason is for the debug log; the client gets a fixed message. */
  g_debug ("token refused: %s", why);
  g_set_error_literal (error, PORTHOLE_ERROR, code,
                       code == PORTHOLE_ERROR_TOKEN_EXPIRED ? message_expired : message_invalid);
  return FALSE;
}

static char *
base64url_decode (const char *text,
                  gsize       length,
                  gsize      *out_length)
{
  g_autofree char *padded = NULL;
  guchar *decoded;

  /* One leftover character cannot encode a byte. */
  if (length % 4 == 1)
    return NULL;

  padded = g_malloc (length + 4);
  for (gsize i = 0; i < length; i++)
    padded[i] = text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
  for (gsize i = length; i % 4 != 0; i++)
    padded[length++] = '=';
  padded[length] = '\0';

  decoded = g_base64_decode (padded, out_length);
  return (char *) decoded;
}

static void
count_member (JsonParser *parser,
              JsonObject *object,
              const char *member_name,
              GHashTable *counts)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, object));

  g_hash_table_replace (counts, object, GUINT_TO_POINTER (count + 1));
}

/* Parses one JWT segment as a JSON object, refusing duplicate members at
 * any depth: json-glib keeps the last one silently, jansson in libjwt
 * keeps another, and the two must never disagree about a claim. */
static JsonObject *
parse_segment (const char *segment,
               gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  g_autofree char *json = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gsize json_length = 0;
  JsonNode *root;

  json = base64url_decode (segment, length, &json_length);
  if (json == NULL || json_length == 0 || memchr (json, '\0', json_length) != NULL)
    return NULL;

  /* Parsed here with its own parser (for the member counts), so the
   * nesting gate of porthole_json_parse() is applied by hand. */
  g_signal_connect (parser, "object-member", G_CALLBACK (count_member), counts);
  if (!porthole_json_check_depth (json, json_length, porthole_json_get_max_depth (), NULL) ||
      !json_parser_load_from_data (parser, json, json_length, NULL))
    return NULL;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) != json_object_get_size (key))
      return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

typedef enum {
  CLAIM_ABSENT,
  CLAIM_OK,
  CLAIM_INVALID,
} ClaimResult;

static ClaimResult
get_time_claim (JsonObject *payload,
                const char *name,
                gint64     *value)
{
  JsonNode *node = json_object_get_member (payload, name);

  if (node == NULL)
    return CLAIM_ABSENT;

  /* NumericDate must be a JSON integer: "exp":"9999" or 1e10 are refused. */
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return CLAIM_INVALID;

  *value = json_node_get_int (node);
  if (*value < 0 || *value > MAX_SANE_TIMESTAMP)
    return CLAIM_INVALID;

  return CLAIM_OK;
}

static gboolean
string_claim_contains (JsonObject *payload,
                       const char *name,
                       const char *expected)
{
  JsonNode *node = json_object_get_member (payload, name);

  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (node), expected) == 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (element), expected) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

static gboolean
verify_signature (PortholeAuth *self,
                  const char   *token)
{
  jwt_t *jwt = NULL;
  gsize key_length;
  const guchar *key = g_bytes_get_data (self->key, &key_length);
  gboolean ok;

  if (jwt_decode (&jwt, token, key, (int) key_length) != 0 || jwt == NULL)
    return FALSE;

  /* The header check above pinned the algorithm already; check libjwt's
   * view too, as its maintainer advises (libjwt #43). */
  ok = jwt_get_alg (jwt) == self->alg;
  jwt_free (jwt);

  return ok;
}

/**
 * porthole_auth_verify_token:
 * @token: a compact JWS
 * @now: the current time, in seconds since the epoch
 * @expires: (out) (optional): the token's `exp`
 *
 * Returns: %TRUE if @token is valid now; otherwise @error is
 *   %PORTHOLE_ERROR_TOKEN_INVALID or %PORTHOLE_ERROR_TOKEN_EXPIRED.
 */
gboolean
porthole_auth_verify_token (PortholeAuth  *self,
                            const char    *token,
                            gint64         now,
                            gint64        *expires,
                            GError       **error)
{
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) payload = NULL;
  const char *dot1, *dot2;
  gsize length;
  gint64 exp = 0, nbf = 0, iat = 0;
  ClaimResult iat_result;
  gpointer cached;
  JsonNode *node;

  g_return_val_if_fail (PORTHOLE_IS_AUTH (self), FALSE);

  if (self->key == NULL)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "no verification key configured");

  if (token == NULL || (length = strlen (token)) == 0)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "no token");

  /* A token that passed every check can only have expired since. */
  if (g_hash_table_lookup_extended (self->verified, token, NULL, (gpointer *) &cached))
    {
      exp = GPOINTER_TO_SIZE (cached);
      if (now > exp + PORTHOLE_AUTH_LEEWAY_SECONDS)
        {
          g_hash_table_remove (self->verified, token);
          return fail (error, PORTHOLE_ERROR_TOKEN_EXPIRED, "expired");
        }
      if (expires != NULL)
        *expires = exp;
      return TRUE;
    }
  if (length > PORTHOLE_AUTH_MAX_TOKEN_SIZE)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "token too large");

  /* Exactly three non-empty base64url segments, no padding. */
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (token[i]) && token[i] != '-' && token[i] != '_' && token[i] != '.')
      return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "not base64url");
  dot1 = strchr (token, '.');
  dot2 = dot1 ? strchr (dot1 + 1, '.') : NULL;
  if (dot1 == NULL || dot2 == NULL || strchr (dot2 + 1, '.') != NULL ||
      dot1 == token || dot2 == dot1 + 1 || dot2[1] == '\0')
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "not three segments");

  header = parse_segment (token, dot1 - token);
  payload = parse_segment (dot1 + 1, dot2 - dot1 - 1);
  if (header == NULL || payload == NULL)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "segment is not a strict JSON object");

  /* The algorithm is pinned by configuration, byte for byte. */
  node = json_object_get_member (header, "alg");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (node), self->alg_name) != 0)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "unexpected alg");

  node = json_object_get_member (header, "typ");
  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
       g_ascii_strcasecmp (json_node_get_string (node), "JWT") != 0))
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "unexpected typ");

  /* No extension is understood, so none may be critical (RFC 7515 §4.1.11). */
  if (json_object_has_member (header, "crit"))
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "crit header");

  if (!verify_signature (self, token))
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "bad signature");

  /* Claims are trusted only now that the signature holds. */
  if (get_time_claim (payload, "exp", &exp) != CLAIM_OK)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "exp missing or not an integer");

  switch (get_time_claim (payload, "nbf", &nbf))
    {
    case CLAIM_INVALID:
      return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "nbf not an integer");
    case CLAIM_OK:
      if (nbf > now + PORTHOLE_AUTH_LEEWAY_SECONDS)
        return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "not valid yet (nbf)");
      break;
    case CLAIM_ABSENT:
    default:
      break;
    }

  iat_result = get_time_claim (payload, "iat", &iat);
  if (iat_result == CLAIM_INVALID)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "iat not an integer");
  if (iat_result == CLAIM_OK && iat > now + PORTHOLE_AUTH_LEEWAY_SECONDS)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "issued in the future (iat)");

  if (self->max_lifetime > 0 &&
      exp - (iat_result == CLAIM_OK ? MIN (iat, now) : now) > self->max_lifetime + PORTHOLE_AUTH_LEEWAY_SECONDS)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "lifetime above jwt-max-lifetime");

  if (self->audience != NULL && !string_claim_contains (payload, "aud", self->audience))
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "wrong audience");

  if (self->issuer != NULL && !string_claim_contains (payload, "iss", self->issuer))
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "wrong issuer");

  /* A token for another sandbox must not open this one. */
  if (self->sandbox_id != NULL &&
      !string_claim_contains (payload, "sandbox_id", self->sandbox_id) &&
      !string_claim_contains (payload, "aud", self->sandbox_id))
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "other sandbox");

  if (now > exp + PORTHOLE_AUTH_LEEWAY_SECONDS)
    return fail (error, PORTHOLE_ERROR_TOKEN_EXPIRED, "expired");

  if (g_hash_table_size (self->verified) >= MAX_CACHED_TOKENS)
    g_hash_table_remove_all (self->verified);
  g_hash_table_insert (self->verified, g_strdup (token), GSIZE_TO_POINTER ((gsize) exp));

  if (expires != NULL)
    *expires = exp;

  return TRUE;
}

/**
 * porthole_auth_check_message:
 * @msg: a request, before its body is read
 * @query: (nullable): its decoded query
 * @allow_query_token: accept `?token=` / `?access_token=` (WebSocket
 *   handshakes, for browser clients that cannot set headers)
 * @expires: (out) (optional): when the credential ends, or 0 for never
 *
 * Returns: %TRUE if the request may go on.
 */
gboolean
porthole_auth_check_message (PortholeAuth       *self,
                             SoupServerMessage  *msg,
                             GHashTable         *query,
                             gboolean            allow_query_token,
                             gint64             *expires,
                             GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *token = NULL;

  g_return_val_if_fail (PORTHOLE_IS_AUTH (self), FALSE);

  if (expires != NULL)
    *expires = 0;

  if (self->insecure)
    return TRUE;

  if (!self->configured)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "not configured");

  /* A Bearer header alone decides when present (API.md §1.2). */
  if (authorization != NULL)
    {
      if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
        return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "not a Bearer credential");
      token = authorization + 7;
      while (*token == ' ')
        token++;
    }
  else if (self->api_key != NULL &&
           soup_message_headers_get_one (headers, "X-API-Key") != NULL)
    {
      const char *api_key = soup_message_headers_get_one (headers, "X-API-Key");
      gsize size;
      gconstpointer expected = g_bytes_get_data (self->api_key, &size);

      if (porthole_memequal_constant_time (api_key, strlen (api_key), expected, size))
        return TRUE;
      return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "wrong API key");
    }
  else if (allow_query_token && query != NULL)
    {
      token = g_hash_table_lookup (query, "token");
      if (token == NULL)
        token = g_hash_table_lookup (query, "access_token");
    }

  if (token == NULL)
    return fail (error, PORTHOLE_ERROR_TOKEN_INVALID, "no credential");

  return porthole_auth_verify_token (self, token, g_get_real_time () / G_USEC_PER_SEC,
                                     expires, error);
}

static char *
base64url_encode (const char *data,
                  gsize       length)
{
  char *text = g_base64_encode ((const guchar *) data, length);
  char *out = text;

  for (char *p = text; *p; p++)
    {
      if (*p == '=')
        break;
      *out++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    }
  *out = '\0';

  return text;
}

/**
 * porthole_auth_mint_token:
 * @secret: the HS256 secret the daemon verifies with
 * @now: issue time, in seconds since the epoch
 * @ttl: lifetime in seconds
 * @audience: (nullable): `aud`
 * @sandbox_id: (nullable): `sandbox_id`
 *
 * Returns: (transfer full): a compact HS256 JWT
 */
char *
porthole_auth_mint_token (GBytes      *secret,
                          gint64       now,
                          gint64       ttl,
                          const char  *audience,
                          const char  *sandbox_id,
                          GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *payload_json = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature_b64 = NULL;
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  gsize key_len;
  const guchar *key = g_bytes_get_data (secret, &key_len);

  if (key_len < PORTHOLE_AUTH_MIN_SECRET_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "An HS256 secret needs at least %d bytes", PORTHOLE_AUTH_MIN_SECRET_SIZE);
      return NULL;
    }
  if (ttl <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The lifetime must be positive");
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "iat");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "exp");
  json_builder_add_int_value (builder, now + ttl);
  if (audience != NULL)
    {
      json_builder_set_member_name (builder, "aud");
      json_builder_add_string_value (builder, audience);
    }
  if (sandbox_id != NULL)
    {
      json_builder_set_member_name (builder, "sandbox_id");
      json_builder_add_string_value (builder, sandbox_id);
    }
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);
  payload_json = porthole_json_to_string (payload, NULL);

  header_b64 = base64url_encode (header, strlen (header));
  payload_b64 = base64url_encode (payload_json, strlen (payload_json));
  signing_input = g_strconcat (header_b64, ".", payload_b64, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_hmac_update (hmac, (const guchar *) signing_input, strlen (signing_input));
  g_hmac_get_digest (hmac, digest, &digest_len);
  signature_b64 = base64url_encode ((const char *) digest, digest_len);

  return g_strconcat (signing_input, ".", signature_b64, NULL);
}
