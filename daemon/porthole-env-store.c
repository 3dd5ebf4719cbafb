/* porthole-env-store.c
 *
 * The model of API.md §6: a read-only base (the daemon's own environment
 * minus what children must not see), managed variables on top, persisted
 * in the state directory so they survive a restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-env-store.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

struct _PortholeEnvStore
{
  GObject parent_instance;

  GHashTable *base;
  GHashTable *managed;
  char *state_file;
  gint64 changed;
};

G_DEFINE_FINAL_TYPE (PortholeEnvStore, porthole_env_store, G_TYPE_OBJECT)

/* A child's PATH when neither the daemon's environment nor the managed
 * variables have one. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Never handed to children (SECURITY.md §6.6): the daemon's own debug and
 * loader settings, socket activation and journal plumbing. */
static const char *const private_prefixes[] = {
  "PORTHOLE_", "SOUP_", "G_", "GIO_", "LD_", "LISTEN_", "WATCHDOG_",
};
static const char *const private_names[] = {
  "NOTIFY_SOCKET", "INVOCATION_ID", "JOURNAL_STREAM", "MANAGERPID",
};

static gboolean
is_private (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (private_prefixes); i++)
    if (g_str_has_prefix (name, private_prefixes[i]))
      return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (private_names); i++)
    if (g_str_equal (name, private_names[i]))
      return TRUE;

  return FALSE;
}

/**
 * porthole_env_name_is_valid:
 *
 * Names must be non-empty without '=' (API.md §6: no stricter, since the
 * SDKs re-upload every inherited name).
 */
gboolean
porthole_env_name_is_valid (const char *name)
{
  return name != NULL && name[0] != '\0' && strchr (name, '=') == NULL;
}

static void
porthole_env_store_finalize (GObject *object)
{
  PortholeEnvStore *self = (PortholeEnvStore *)object;

  g_clear_pointer (&self->base, g_hash_table_unref);
  g_clear_pointer (&self->managed, g_hash_table_unref);
  g_clear_pointer (&self->state_file, g_free);

  G_OBJECT_CLASS (porthole_env_store_parent_class)->finalize (object);
}

static void
porthole_env_store_class_init (PortholeEnvStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_env_store_finalize;
}

static GHashTable *
new_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
porthole_env_store_init (PortholeEnvStore *self)
{
  g_auto(GStrv) variables = g_get_environ ();

  self->base = new_table ();
  self->managed = new_table ();

  for (guint i = 0; variables[i]; i++)
    {
      const char *eq = strchr (variables[i], '=');
      g_autofree char *name = NULL;

      if (eq == NULL)
        continue;
      name = g_strndup (variables[i], eq - variables[i]);
      if (!is_private (name))
        g_hash_table_replace (self->base, g_steal_pointer (&name), g_strdup (eq + 1));
    }
}

static void
load_state (PortholeEnvStore *self)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *vars;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gsize length;

  if (!g_file_get_contents (self->state_file, &contents, &length, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("Cannot read %s: %s", self->state_file, error->message);
      return;
    }

  node = porthole_json_parse (contents, length, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (vars = porthole_json_object_get_object (json_node_get_object (node), PORTHOLE_MEMBER_ENV_VARS)) == NULL)
    {
      g_warning ("Ignoring %s: not an environment state file", self->state_file);
      return;
    }

  json_object_iter_init (&iter, vars);
  while (json_object_iter_next (&iter, &name, &value))
    if (porthole_env_name_is_valid (name) && JSON_NODE_HOLDS_VALUE (value) &&
        json_node_get_value_type (value) == G_TYPE_STRING)
      g_hash_table_replace (self->managed, g_strdup (name), g_strdup (json_node_get_string (value)));
}

static gboolean
save_state (PortholeEnvStore  *self,
            GError           **error)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *vars = json_object_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->managed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_set_string_member (vars, key, value);
  json_object_set_object_member (root, PORTHOLE_MEMBER_ENV_VARS, vars);

  bytes = porthole_json_object_to_bytes (root);

  /* Temporary file, fsync, rename: old or new, never half (0600: values
   * are often credentials). */
  return g_file_set_contents_full (self->state_file,
                                   g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * porthole_env_store_new:
 * @state_dir: (nullable): where managed variables persist
 */
PortholeEnvStore *
porthole_env_store_new (const char *state_dir)
{
  PortholeEnvStore *self = g_object_new (PORTHOLE_TYPE_ENV_STORE, NULL);

  if (state_dir != NULL)
    {
      self->state_file = g_build_filename (state_dir, "env.json", NULL);
      load_state (self);
    }

  return self;
}

static void
overlay (GHashTable *into,
         GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  if (from == NULL)
    return;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (into, g_strdup (key), g_strdup (value));
}

/**
 * porthole_env_store_dup_view:
 *
 * Returns: (transfer full): base overlaid with the managed variables
 */
GHashTable *
porthole_env_store_dup_view (PortholeEnvStore *self)
{
  GHashTable *view = new_table ();

  overlay (view, self->base);
  overlay (view, self->managed);

  return view;
}

/**
 * porthole_env_store_foreach:
 *
 * Calls @func on each variable of the view (porthole_env_store_dup_view())
 * without copying it: the base ones the managed ones do not hide, then
 * the managed ones.
 */
void
porthole_env_store_foreach (PortholeEnvStore *self,
                            GHFunc            func,
                            gpointer          user_data)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->base);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (self->managed, key))
      func (key, value, user_data);

  g_hash_table_foreach (self->managed, func, user_data);
}

GHashTable *
porthole_env_store_dup_managed (PortholeEnvStore *self)
{
  GHashTable *managed = new_table ();

  overlay (managed, self->managed);
  return managed;
}

static gboolean
validate (GHashTable  *vars,
          GError     **error)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, vars);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!porthole_env_name_is_valid (key))
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Invalid environment variable name: \"%s\"", (const char *) key);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
commit (PortholeEnvStore  *self,
        GHashTable        *managed,
        GError           **error)
{
  g_autoptr(GHashTable) previous = self->managed;
  g_autoptr(GError) local_error = NULL;

  self->managed = g_hash_table_ref (managed);

  if (self->state_file != NULL && !save_state (self, &local_error))
    {
      /* Not saved means not applied: the API must not claim a change that
       * a restart would lose. */
      g_clear_pointer (&self->managed, g_hash_table_unref);
      self->managed = g_steal_pointer (&previous);
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                   "Cannot save the environment: %s", local_error->message);
      return FALSE;
    }

  self->changed = g_get_real_time ();
  return TRUE;
}

/**
 * porthole_env_store_replace:
 * @managed: the new managed variables
 */
gboolean
porthole_env_store_replace (PortholeEnvStore  *self,
                            GHashTable        *managed,
                            GError           **error)
{
  g_autoptr(GHashTable) copy = new_table ();

  if (!validate (managed, error))
    return FALSE;

  overlay (copy, managed);
  return commit (self, copy, error);
}

gboolean
porthole_env_store_merge (PortholeEnvStore  *self,
                          GHashTable        *vars,
                          GError           **error)
{
  g_autoptr(GHashTable) copy = new_table ();

  if (!validate (vars, error))
    return FALSE;

  overlay (copy, self->managed);
  overlay (copy, vars);
  return commit (self, copy, error);
}

/**
 * porthole_env_store_clear:
 * @names: (nullable): the managed variables to drop, or %NULL for all
 */
gboolean
porthole_env_store_clear (PortholeEnvStore   *self,
                          const char *const  *names,
                          GError            **error)
{
  g_autoptr(GHashTable) copy = new_table ();

  if (names != NULL)
    {
      overlay (copy, self->managed);
      for (guint i = 0; names[i]; i++)
        g_hash_table_remove (copy, names[i]);
    }

  return commit (self, copy, error);
}

/**
 * porthole_env_store_get_changed:
 *
 * Returns: when the managed variables last changed (µs since the epoch),
 *   or 0
 */
gint64
porthole_env_store_get_changed (PortholeEnvStore *self)
{
  return self->changed;
}

/**
 * porthole_env_store_set_base:
 * @value: (nullable): %NULL removes @name
 *
 * Changes the base environment: settings the daemon makes for every
 * child, such as DISPLAY once the desktop runs. Managed variables still
 * win.
 */
void
porthole_env_store_set_base (PortholeEnvStore *self,
                             const char       *name,
                             const char       *value)
{
  g_return_if_fail (PORTHOLE_IS_ENV_STORE (self));
  g_return_if_fail (porthole_env_name_is_valid (name));

  if (value != NULL)
    g_hash_table_replace (self->base, g_strdup (name), g_strdup (value));
  else
    g_hash_table_remove (self->base, name);
}

/**
 * porthole_env_store_get_path:
 *
 * Returns: the PATH porthole_env_store_build_envp() gives a child without
 *   variables of its own, without building the environment (/health
 *   asks on every call)
 */
const char *
porthole_env_store_get_path (PortholeEnvStore *self)
{
  const char *path = g_hash_table_lookup (self->managed, "PATH");

  if (path == NULL)
    path = g_hash_table_lookup (self->base, "PATH");

  return path != NULL ? path : DEFAULT_PATH;
}

/**
 * porthole_env_store_build_envp:
 * @extra: (nullable): the request's own variables, which win
 *
 * Returns: (transfer full): the environment for a child process
 */
GStrv
porthole_env_store_build_envp (PortholeEnvStore *self,
                               GHashTable       *extra)
{
  g_autoptr(GHashTable) view = porthole_env_store_dup_view (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  overlay (view, extra);

  if (!g_hash_table_contains (view, "PATH"))
    g_hash_table_replace (view, g_strdup ("PATH"), g_strdup (DEFAULT_PATH));

  g_hash_table_iter_init (&iter, view);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *entry = g_strconcat (key, "=", value, NULL);

      g_strv_builder_add (builder, entry);
    }

  return g_strv_builder_end (builder);
}
