/* porthole-sandbox-list.c
 *
 * The list is a GListModel of PortholeSandbox. GSettings holds
 * (id, name, url) for each; the token goes to the keyring under the id.
 * Keyring work is asynchronous: a sandbox shows up at once and learns
 * its token when the lookup answers. A keyring that fails leaves the
 * token in memory for the session and says so ("problem").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-sandbox-list.h"

struct _PortholeSandboxList
{
  GObject parent_instance;

  GSettings *settings;
  PortholeTokenStore *token_store;
  GPtrArray *sandboxes;
  GCancellable *cancellable;
  /* Keyring operations in flight (tests wait for zero). */
  guint n_pending;
  guint check_interval;
};

enum {
  PROBLEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
porthole_sandbox_list_get_item_type (GListModel *model)
{
  return PORTHOLE_TYPE_SANDBOX;
}

static guint
porthole_sandbox_list_get_n_items (GListModel *model)
{
  return PORTHOLE_SANDBOX_LIST (model)->sandboxes->len;
}

static gpointer
porthole_sandbox_list_get_item (GListModel *model,
                                guint       position)
{
  PortholeSandboxList *self = PORTHOLE_SANDBOX_LIST (model);

  if (position >= self->sandboxes->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->sandboxes, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = porthole_sandbox_list_get_item_type;
  iface->get_n_items = porthole_sandbox_list_get_n_items;
  iface->get_item = porthole_sandbox_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PortholeSandboxList, porthole_sandbox_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
porthole_sandbox_list_dispose (GObject *object)
{
  PortholeSandboxList *self = (PortholeSandboxList *)object;

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->sandboxes->len; i++)
    porthole_sandbox_stop_monitoring (g_ptr_array_index (self->sandboxes, i));

  G_OBJECT_CLASS (porthole_sandbox_list_parent_class)->dispose (object);
}

static void
porthole_sandbox_list_finalize (GObject *object)
{
  PortholeSandboxList *self = (PortholeSandboxList *)object;

  g_clear_pointer (&self->sandboxes, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->token_store);

  G_OBJECT_CLASS (porthole_sandbox_list_parent_class)->finalize (object);
}

static void
porthole_sandbox_list_class_init (PortholeSandboxListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_sandbox_list_dispose;
  object_class->finalize = porthole_sandbox_list_finalize;

  /**
   * PortholeSandboxList::problem:
   * @message: a sentence for people
   *
   * Something went wrong in the background (the keyring).
   */
  signals[PROBLEM] =
    g_signal_new ("problem",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
porthole_sandbox_list_init (PortholeSandboxList *self)
{
  self->sandboxes = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->check_interval = 5;
}

static void
on_check_interval_changed (PortholeSandboxList *self,
                           const char          *key,
                           GSettings           *settings)
{
  self->check_interval = MAX (1, g_settings_get_uint (settings, "health-interval"));
  for (guint i = 0; i < self->sandboxes->len; i++)
    porthole_sandbox_set_check_interval (g_ptr_array_index (self->sandboxes, i), self->check_interval);
}

PortholeSandboxList *
porthole_sandbox_list_new (GSettings          *settings,
                           PortholeTokenStore *token_store)
{
  PortholeSandboxList *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PORTHOLE_IS_TOKEN_STORE (token_store), NULL);

  self = g_object_new (PORTHOLE_TYPE_SANDBOX_LIST, NULL);
  self->settings = g_object_ref (settings);
  self->token_store = g_object_ref (token_store);

  g_signal_connect_object (settings, "changed::health-interval",
                           G_CALLBACK (on_check_interval_changed), self, G_CONNECT_SWAPPED);
  on_check_interval_changed (self, "health-interval", settings);

  return self;
}

static void
save (PortholeSandboxList *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  for (guint i = 0; i < self->sandboxes->len; i++)
    {
      PortholeSandbox *sandbox = g_ptr_array_index (self->sandboxes, i);

      g_variant_builder_add (&builder, "(sss)",
                             porthole_sandbox_get_id (sandbox),
                             porthole_sandbox_get_name (sandbox),
                             porthole_sandbox_get_url (sandbox));
    }

  g_settings_set_value (self->settings, "sandboxes", g_variant_builder_end (&builder));
}

static void
problem (PortholeSandboxList *self,
         const char          *message)
{
  g_signal_emit (self, signals[PROBLEM], 0, message);
}

typedef struct
{
  PortholeSandboxList *self;
  PortholeSandbox *sandbox;
} KeyringOp;

static KeyringOp *
keyring_op_new (PortholeSandboxList *self,
                PortholeSandbox     *sandbox)
{
  KeyringOp *op = g_new0 (KeyringOp, 1);

  op->self = g_object_ref (self);
  op->sandbox = g_object_ref (sandbox);
  self->n_pending++;

  return op;
}

static void
keyring_op_free (KeyringOp *op)
{
  op->self->n_pending--;
  g_object_unref (op->self);
  g_object_unref (op->sandbox);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringOp, keyring_op_free)

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KeyringOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = porthole_token_store_lookup_finish (PORTHOLE_TOKEN_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The keyring could not give the token of “%s”: %s"),
                                                  porthole_sandbox_get_name (op->sandbox), error->message);

      problem (op->self, message);
    }

  /* A token typed meanwhile wins over the stored one. */
  if (token != NULL && !porthole_sandbox_has_token (op->sandbox))
    porthole_sandbox_set_token (op->sandbox, token);
  porthole_sandbox_start_monitoring (op->sandbox);
}

static void
append (PortholeSandboxList *self,
        PortholeSandbox     *sandbox)
{
  porthole_sandbox_set_check_interval (sandbox, self->check_interval);
  g_ptr_array_add (self->sandboxes, g_object_ref (sandbox));
  g_list_model_items_changed (G_LIST_MODEL (self), self->sandboxes->len - 1, 0, 1);
}

/**
 * porthole_sandbox_list_load:
 *
 * Reads the sandboxes from GSettings and asks the keyring for their
 * tokens; each sandbox starts its health checks once its lookup answered.
 */
void
porthole_sandbox_list_load (PortholeSandboxList *self)
{
  g_autoptr(GVariant) value = NULL;
  GVariantIter iter;
  const char *id, *name, *url;

  g_return_if_fail (PORTHOLE_IS_SANDBOX_LIST (self));
  g_return_if_fail (self->sandboxes->len == 0);

  value = g_settings_get_value (self->settings, "sandboxes");
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &id, &name, &url))
    {
      g_autoptr(PortholeSandbox) sandbox = NULL;

      if (*id == '\0' || *url == '\0' || porthole_sandbox_list_find (self, id) != NULL)
        continue;

      sandbox = porthole_sandbox_new (id, name, url);
      append (self, sandbox);
      porthole_token_store_lookup_async (self->token_store, id, self->cancellable, lookup_cb,
                                         keyring_op_new (self, sandbox));
    }
}

/**
 * porthole_sandbox_list_find:
 *
 * Returns: (transfer none) (nullable): the sandbox with this id
 */
PortholeSandbox *
porthole_sandbox_list_find (PortholeSandboxList *self,
                            const char          *id)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_LIST (self), NULL);

  for (guint i = 0; id != NULL && i < self->sandboxes->len; i++)
    {
      PortholeSandbox *sandbox = g_ptr_array_index (self->sandboxes, i);

      if (g_str_equal (porthole_sandbox_get_id (sandbox), id))
        return sandbox;
    }

  return NULL;
}

/**
 * porthole_sandbox_list_find_by_url:
 *
 * Returns: (transfer none) (nullable): the sandbox of this agent URL
 */
PortholeSandbox *
porthole_sandbox_list_find_by_url (PortholeSandboxList *self,
                                   const char          *url)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_LIST (self), NULL);

  for (guint i = 0; url != NULL && i < self->sandboxes->len; i++)
    {
      PortholeSandbox *sandbox = g_ptr_array_index (self->sandboxes, i);

      if (g_ascii_strcasecmp (porthole_sandbox_get_url (sandbox), url) == 0)
        return sandbox;
    }

  return NULL;
}

guint
porthole_sandbox_list_get_position (PortholeSandboxList *self,
                                    PortholeSandbox     *sandbox)
{
  guint position = G_MAXUINT;

  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_LIST (self), G_MAXUINT);

  g_ptr_array_find (self->sandboxes, sandbox, &position);

  return position;
}

static void
save_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KeyringOp) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_token_store_save_finish (PORTHOLE_TOKEN_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message =
        g_strdup_printf (_("The token of “%s” could not be saved in the keyring (%s); "
                           "it is kept until Porthole quits."),
                         porthole_sandbox_get_name (op->sandbox), error->message);

      problem (op->self, message);
    }
}

static void
save_token (PortholeSandboxList *self,
            PortholeSandbox     *sandbox)
{
  porthole_token_store_save_async (self->token_store,
                                   porthole_sandbox_get_id (sandbox),
                                   porthole_sandbox_get_name (sandbox),
                                   porthole_sandbox_get_url (sandbox),
                                   porthole_sandbox_get_token (sandbox),
                                   self->cancellable, save_token_cb,
                                   keyring_op_new (self, sandbox));
}

/**
 * porthole_sandbox_list_add:
 *
 * Adds the sandbox of @info, or updates the one with the same agent URL
 * (its name, and its token if @info has one).
 *
 * Returns: (transfer none): the sandbox
 */
PortholeSandbox *
porthole_sandbox_list_add (PortholeSandboxList    *self,
                           PortholeConnectionInfo *info)
{
  g_autoptr(PortholeSandbox) sandbox = NULL;
  g_autofree char *id = NULL;
  PortholeSandbox *existing;

  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_LIST (self), NULL);
  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (info), NULL);

  existing = porthole_sandbox_list_find_by_url (self, porthole_connection_info_get_url (info));
  if (existing != NULL)
    {
      porthole_sandbox_list_update (self, existing, info);
      return existing;
    }

  id = g_uuid_string_random ();
  sandbox = porthole_sandbox_new (id, porthole_connection_info_get_name (info),
                                  porthole_connection_info_get_url (info));
  porthole_sandbox_set_token (sandbox, porthole_connection_info_get_token (info));
  append (self, sandbox);
  save (self);

  if (porthole_sandbox_has_token (sandbox))
    save_token (self, sandbox);
  porthole_sandbox_start_monitoring (sandbox);

  return sandbox;
}

/**
 * porthole_sandbox_list_update:
 * @info: the new name and URL; its token, if it has one, replaces the
 *   sandbox's
 */
void
porthole_sandbox_list_update (PortholeSandboxList    *self,
                              PortholeSandbox        *sandbox,
                              PortholeConnectionInfo *info)
{
  const char *token;

  g_return_if_fail (PORTHOLE_IS_SANDBOX_LIST (self));
  g_return_if_fail (PORTHOLE_IS_SANDBOX (sandbox));
  g_return_if_fail (PORTHOLE_IS_CONNECTION_INFO (info));

  porthole_sandbox_set_name (sandbox, porthole_connection_info_get_name (info));
  porthole_sandbox_set_url (sandbox, porthole_connection_info_get_url (info));
  token = porthole_connection_info_get_token (info);
  if (token != NULL)
    porthole_sandbox_set_token (sandbox, token);
  save (self);

  /* The keyring's label and URL attribute follow the name and URL. */
  if (porthole_sandbox_has_token (sandbox))
    save_token (self, sandbox);
}

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KeyringOp) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_token_store_forget_finish (PORTHOLE_TOKEN_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("The token of “%s” could not be removed from the keyring: %s"),
                                                  porthole_sandbox_get_name (op->sandbox), error->message);

      problem (op->self, message);
    }
}

/**
 * porthole_sandbox_list_remove:
 *
 * Removes @sandbox and its token.
 */
void
porthole_sandbox_list_remove (PortholeSandboxList *self,
                              PortholeSandbox     *sandbox)
{
  g_autoptr(PortholeSandbox) hold = NULL;
  guint position;

  g_return_if_fail (PORTHOLE_IS_SANDBOX_LIST (self));
  g_return_if_fail (PORTHOLE_IS_SANDBOX (sandbox));

  if (!g_ptr_array_find (self->sandboxes, sandbox, &position))
    return;

  hold = g_object_ref (sandbox);
  porthole_sandbox_stop_monitoring (sandbox);
  g_ptr_array_remove_index (self->sandboxes, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  save (self);

  porthole_token_store_forget_async (self->token_store, porthole_sandbox_get_id (sandbox),
                                     self->cancellable, forget_cb, keyring_op_new (self, sandbox));
}

/**
 * porthole_sandbox_list_get_n_pending:
 *
 * Returns: how many keyring operations have not answered yet
 */
guint
porthole_sandbox_list_get_n_pending (PortholeSandboxList *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_LIST (self), 0);

  return self->n_pending;
}
