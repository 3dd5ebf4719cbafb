/* porthole-token-store.c
 *
 * One secret per sandbox, found by its identifier. Tokens never go to
 * GSettings or to a file of ours: the Secret Service (gnome-keyring,
 * KWallet…) keeps them, or libsecret's own file backend where there is
 * none (SECRET_BACKEND=file).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "porthole-token-store.h"

#define ATTRIBUTE_SANDBOX "sandbox-id"
#define ATTRIBUTE_URL "url"

struct _PortholeTokenStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (PortholeTokenStore, porthole_token_store, G_TYPE_OBJECT)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.porthole.Porthole.Token", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_SANDBOX, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
porthole_token_store_class_init (PortholeTokenStoreClass *klass)
{
}

static void
porthole_token_store_init (PortholeTokenStore *self)
{
}

PortholeTokenStore *
porthole_token_store_new (void)
{
  return g_object_new (PORTHOLE_TYPE_TOKEN_STORE, NULL);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * porthole_token_store_save_async:
 * @label: what the keyring shows for the secret
 * @url: the agent's URL, kept as an attribute for people browsing the keyring
 *
 * Stores @token for @sandbox_id, replacing the one stored before.
 */
void
porthole_token_store_save_async (PortholeTokenStore  *self,
                                 const char          *sandbox_id,
                                 const char          *label,
                                 const char          *url,
                                 const char          *token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *full_label = NULL;

  g_return_if_fail (PORTHOLE_IS_TOKEN_STORE (self));
  g_return_if_fail (sandbox_id != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_token_store_save_async);

  /* Translators: the label of a token in the keyring; %s is the sandbox name. */
  full_label = g_strdup_printf (_("Porthole token for “%s”"), label);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, full_label, token, cancellable,
                         save_cb, g_steal_pointer (&task),
                         ATTRIBUTE_SANDBOX, sandbox_id,
                         ATTRIBUTE_URL, url ? url : "",
                         NULL);
}

gboolean
porthole_token_store_save_finish (PortholeTokenStore  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
}

void
porthole_token_store_lookup_async (PortholeTokenStore  *self,
                                   const char          *sandbox_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTHOLE_IS_TOKEN_STORE (self));
  g_return_if_fail (sandbox_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_token_store_lookup_async);

  secret_password_lookup (get_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          ATTRIBUTE_SANDBOX, sandbox_id,
                          NULL);
}

/**
 * porthole_token_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the token, %NULL without error
 *   when none is stored; free with g_free()
 */
char *
porthole_token_store_lookup_finish (PortholeTokenStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_autofree char *token = NULL;
  char *secret;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  /* libsecret hands out non-pageable memory; keep it there no longer
   * than needed. */
  secret = g_task_propagate_pointer (G_TASK (result), error);
  if (secret == NULL)
    return NULL;
  token = g_strdup (secret);
  secret_password_free (secret);

  return g_steal_pointer (&token);
}

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
porthole_token_store_forget_async (PortholeTokenStore  *self,
                                   const char          *sandbox_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTHOLE_IS_TOKEN_STORE (self));
  g_return_if_fail (sandbox_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_token_store_forget_async);

  secret_password_clear (get_schema (), cancellable, forget_cb, g_steal_pointer (&task),
                         ATTRIBUTE_SANDBOX, sandbox_id,
                         NULL);
}

gboolean
porthole_token_store_forget_finish (PortholeTokenStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
