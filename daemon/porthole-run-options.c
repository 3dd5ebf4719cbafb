/* porthole-run-options.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"


#include "porthole-daemon.h"
#include "porthole-env-store.h"
#include "porthole-error.h"
#include "porthole-fs-policy.h"
#include "porthole-json.h"
#include "porthole-run-options.h"
#include "porthole-target-user.h"

static JsonNode *
member (JsonObject *fields,
        const char *const *names,
        const char **found)
{
  for (guint i = 0; names[i]; i++)
    {
      JsonNode *node = json_object_get_member (fields, names[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          *found = names[i];
          return node;
        }
    }

  return NULL;
}

static gboolean
parse_env (JsonObject  *fields,
           GHashTable **env,
           GError     **error)
{
  JsonNode *node = json_object_get_member (fields, "env");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  *env = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Invalid value for 'env': expected an object of strings");
      return FALSE;
    }

  *env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (!porthole_env_name_is_valid (name) || !JSON_NODE_HOLDS_VALUE (value) ||
          json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Invalid value for 'env.%s': expected a string", name);
          g_clear_pointer (env, g_hash_table_unref);
          return FALSE;
        }
      g_hash_table_replace (*env, g_strdup (name), g_strdup (json_node_get_string (value)));
    }

  return TRUE;
}

/* Any existing directory will do; creating a missing one is a file
 * operation, where the files policy allows it (files-allowed-roots,
 * files-deny), as POST /files/mkdir would. */
static gboolean
make_workdir (PortholeFsPolicy  *policy,
              const char        *workdir,
              GError           **error)
{
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GError) local_error = NULL;
  g_auto(PortholeFsIdentity) identity = { 0 };

  porthole_fs_as_user_begin (&identity);
  if (g_file_test (workdir, G_FILE_TEST_IS_DIR))
    return TRUE;

  if (!porthole_fs_policy_resolve (policy, workdir, &path, &local_error) ||
      !porthole_fs_path_make_directory (policy, &path, 0755, NULL, &local_error))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                   "Cannot create the working directory %s: %s", workdir, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * porthole_run_options_parse:
 * @fields: the request's fields (porthole_request_dup_fields()) or a
 *   WebSocket message
 * @default_timeout: seconds when absent
 * @zero_is_unlimited: 0 means no limit (background runs); otherwise 0 or
 *   less means the default
 *
 * Reads `workdir` (`working_dir`, `cwd`), `timeout` (`timeout_seconds`)
 * and `env`, and creates the working directory.
 *
 * Returns: %FALSE with a 400-class %PORTHOLE_ERROR on bad input
 */
gboolean
porthole_run_options_parse (PortholeRunOptions  *options,
                            PortholeDaemon      *daemon,
                            JsonObject          *fields,
                            guint                default_timeout,
                            gboolean             zero_is_unlimited,
                            GError             **error)
{
  static const char *const workdir_names[] = { "workdir", "working_dir", "cwd", NULL };
  static const char *const timeout_names[] = { "timeout", "timeout_seconds", NULL };
  g_autoptr(GHashTable) env = NULL;
  const char *workspace = porthole_daemon_get_workspace (daemon);
  const char *found = NULL;
  JsonNode *node;
  gint64 timeout = default_timeout;

  memset (options, 0, sizeof *options);

  if ((node = member (fields, timeout_names, &found)) != NULL &&
      !porthole_json_node_get_int (node, &timeout))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid value for '%s': expected a number of seconds", found);
      return FALSE;
    }
  if (timeout < 0 || (timeout == 0 && !zero_is_unlimited))
    timeout = default_timeout;
  options->timeout = MIN (timeout, (gint64) G_MAXUINT / 2);

  if ((node = member (fields, workdir_names, &found)) != NULL)
    {
      const char *dir;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Invalid value for '%s': expected a path", found);
          return FALSE;
        }
      dir = json_node_get_string (node);
      options->workdir = dir[0] != '\0' ? g_canonicalize_filename (dir, workspace) : g_strdup (workspace);
    }
  else
    options->workdir = g_strdup (workspace);

  if (!make_workdir (porthole_daemon_get_fs_policy (daemon), options->workdir, error))
    {
      porthole_run_options_clear (options);
      return FALSE;
    }

  if (!parse_env (fields, &env, error))
    {
      porthole_run_options_clear (options);
      return FALSE;
    }
  options->envp = porthole_env_store_build_envp (porthole_daemon_get_env_store (daemon), env);

  return TRUE;
}

void
porthole_run_options_clear (PortholeRunOptions *options)
{
  g_clear_pointer (&options->workdir, g_free);
  g_clear_pointer (&options->envp, g_strfreev);
}
