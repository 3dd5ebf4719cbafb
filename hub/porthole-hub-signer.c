/* porthole-hub-signer.c
 *
 * Sandboxes hold only the public half (SECURITY.md §3.1): a sandbox that
 * reads its own portholed's key file learns nothing that signs. The key
 * pair is made once, on the first start, with OpenSSL (P-256), and kept
 * in the state directory (0600); libjwt signs, since ES256 signatures
 * must be raw r||s rather than OpenSSL's DER.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-hub-signer.h"
#include "porthole-json.h"

struct _PortholeHubSigner
{
  GObject parent_instance;

  char *private_key_path;
  char *public_key_path;
  GBytes *private_key;   /* PEM */
};

G_DEFINE_FINAL_TYPE (PortholeHubSigner, porthole_hub_signer, G_TYPE_OBJECT)

static void
porthole_hub_signer_finalize (GObject *object)
{
  PortholeHubSigner *self = (PortholeHubSigner *) object;

  if (self->private_key != NULL)
    {
      gsize size;
      gpointer data = (gpointer) g_bytes_get_data (self->private_key, &size);

      memset (data, 0, size);
    }
  g_clear_pointer (&self->private_key, g_bytes_unref);
  g_free (self->private_key_path);
  g_free (self->public_key_path);

  G_OBJECT_CLASS (porthole_hub_signer_parent_class)->finalize (object);
}

static void
porthole_hub_signer_class_init (PortholeHubSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_hub_signer_finalize;
}

static void
porthole_hub_signer_init (PortholeHubSigner *self)
{
}

/* Writes @bio's contents to @path with @mode, replacing it atomically. */
static gboolean
write_bio (BIO         *bio,
           const char  *path,
           int          mode,
           GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.XXXXXX", path);
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, mode);
  gboolean ok;

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", tmp, g_strerror (errno));
      return FALSE;
    }
  ok = write (fd, data, length) == length && fsync (fd) == 0;
  close (fd);
  if (!ok || rename (tmp, path) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

static gboolean
generate_key_pair (const char  *private_path,
                   const char  *public_path,
                   GError     **error)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  BIO *private_bio = BIO_new (BIO_s_mem ());
  BIO *public_bio = BIO_new (BIO_s_mem ());
  gboolean ok = FALSE;

  if (key == NULL ||
      !PEM_write_bio_PrivateKey (private_bio, key, NULL, NULL, 0, NULL, NULL) ||
      !PEM_write_bio_PUBKEY (public_bio, key))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not make an ES256 key pair");
  else
    ok = write_bio (public_bio, public_path, 0644, error) &&
         write_bio (private_bio, private_path, 0600, error);

  BIO_free (private_bio);
  BIO_free (public_bio);
  EVP_PKEY_free (key);
  return ok;
}

/**
 * porthole_hub_signer_new:
 * @key_dir: where the key pair is, or is made (jwt-es256.pem and
 *   jwt-es256.pub.pem)
 */
PortholeHubSigner *
porthole_hub_signer_new (const char  *key_dir,
                         GError     **error)
{
  g_autoptr(PortholeHubSigner) self = g_object_new (PORTHOLE_TYPE_HUB_SIGNER, NULL);
  g_autofree char *pem = NULL;
  gsize length;

  if (g_mkdir_with_parents (key_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", key_dir, g_strerror (errno));
      return NULL;
    }

  self->private_key_path = g_build_filename (key_dir, "jwt-es256.pem", NULL);
  self->public_key_path = g_build_filename (key_dir, "jwt-es256.pub.pem", NULL);

  if (!g_file_test (self->private_key_path, G_FILE_TEST_EXISTS) &&
      !generate_key_pair (self->private_key_path, self->public_key_path, error))
    return NULL;

  if (!g_file_get_contents (self->private_key_path, &pem, &length, error))
    return NULL;
  self->private_key = g_bytes_new_take (g_steal_pointer (&pem), length);

  return g_steal_pointer (&self);
}

const char *
porthole_hub_signer_get_public_key_path (PortholeHubSigner *self)
{
  return self->public_key_path;
}

/**
 * porthole_hub_signer_sign:
 * @sandbox_id: the only sandbox the token opens
 * @iat: issue time, seconds since the epoch
 * @exp: expiry, seconds since the epoch
 *
 * Returns: (transfer full): a compact ES256 JWT with the claims
 *   portholed checks (CONTROL-PLANE.md §3.9)
 */
char *
porthole_hub_signer_sign (PortholeHubSigner  *self,
                          const char         *sandbox_id,
                          gint64              iat,
                          gint64              exp,
                          GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) claims = NULL;
  g_autofree char *claims_json = NULL;
  g_autofree char *jti = g_uuid_string_random ();
  jwt_t *jwt = NULL;
  char *encoded = NULL;
  char *token = NULL;
  gsize key_length;
  const guchar *key = g_bytes_get_data (self->private_key, &key_length);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "iss");
  json_builder_add_string_value (builder, PORTHOLE_HUB_TOKEN_ISSUER);
  json_builder_set_member_name (builder, "aud");
  json_builder_add_string_value (builder, PORTHOLE_HUB_TOKEN_AUDIENCE);
  json_builder_set_member_name (builder, "sandbox_id");
  json_builder_add_string_value (builder, sandbox_id);
  json_builder_set_member_name (builder, "iat");
  json_builder_add_int_value (builder, iat);
  json_builder_set_member_name (builder, "exp");
  json_builder_add_int_value (builder, exp);
  json_builder_set_member_name (builder, "jti");
  json_builder_add_string_value (builder, jti);
  json_builder_end_object (builder);
  claims = json_builder_get_root (builder);
  claims_json = porthole_json_to_string (claims, NULL);

  if (jwt_new (&jwt) != 0 ||
      jwt_add_grants_json (jwt, claims_json) != 0 ||
      jwt_set_alg (jwt, JWT_ALG_ES256, key, (int) key_length) != 0 ||
      (encoded = jwt_encode_str (jwt)) == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not sign a token");
  else
    token = g_strdup (encoded);

  if (encoded != NULL)
    free (encoded);
  if (jwt != NULL)
    jwt_free (jwt);
  return token;
}
