/* porthole-env-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-daemon.h"
#include "porthole-env-routes.h"
#include "porthole-env-store.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

static void
add_variable (gpointer name,
              gpointer value,
              gpointer vars)
{
  json_object_set_string_member (vars, name, value);
}

static void
reply_view (PortholeRequest *req,
            const char      *message)
{
  PortholeEnvStore *store = porthole_daemon_get_env_store (porthole_request_get_daemon (req));
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  JsonObject *vars = json_object_new ();

  /* Straight from the store: copying the view first was a fifth of
   * this function's cost. */
  porthole_env_store_foreach (store, add_variable, vars);

  if (message != NULL)
    {
      json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
      json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE, message);
    }
  json_object_set_object_member (reply, PORTHOLE_MEMBER_ENV_VARS, vars);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, json_object_get_size (vars));
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* API.md §6: a change stamped before the last applied one is stale. */
static gboolean
is_stale (PortholeRequest *req,
          gboolean        *stale)
{
  PortholeEnvStore *store = porthole_daemon_get_env_store (porthole_request_get_daemon (req));
  const char *timestamp;
  gint64 when;

  *stale = FALSE;

  if (!porthole_request_get_string (req, PORTHOLE_MEMBER_TIMESTAMP, NULL, &timestamp))
    return FALSE;

  if (timestamp != NULL)
    {
      if (!porthole_timestamp_parse (timestamp, &when))
        {
          porthole_request_reply_invalid (req, PORTHOLE_MEMBER_TIMESTAMP,
                                          "Invalid timestamp: expected RFC 3339 with a zone");
          return FALSE;
        }
      *stale = when < porthole_env_store_get_changed (store);
    }

  return TRUE;
}

/* The variables of a PUT or PATCH: "env_vars", or a bare map. */
static gboolean
get_vars (PortholeRequest  *req,
          GHashTable      **vars)
{
  JsonObject *body;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!porthole_request_get_string_map (req, PORTHOLE_MEMBER_ENV_VARS, TRUE, vars))
    return FALSE;
  if (*vars != NULL)
    return TRUE;

  if ((body = porthole_request_get_body (req)) == NULL)
    return FALSE;

  *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (g_str_equal (name, PORTHOLE_MEMBER_MERGE) || g_str_equal (name, PORTHOLE_MEMBER_TIMESTAMP))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_clear_pointer (vars, g_hash_table_unref);
          porthole_request_reply_missing (req, PORTHOLE_MEMBER_ENV_VARS);
          return FALSE;
        }
      g_hash_table_replace (*vars, g_strdup (name), g_strdup (json_node_get_string (value)));
    }

  if (g_hash_table_size (*vars) == 0)
    {
      g_clear_pointer (vars, g_hash_table_unref);
      porthole_request_reply_missing (req, PORTHOLE_MEMBER_ENV_VARS);
      return FALSE;
    }

  return TRUE;
}

static void
update (PortholeRequest *req,
        gboolean         always_merge)
{
  PortholeEnvStore *store = porthole_daemon_get_env_store (porthole_request_get_daemon (req));
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GError) error = NULL;
  gboolean merge, stale;
  gboolean ok;

  if (!get_vars (req, &vars) ||
      !porthole_request_get_boolean (req, PORTHOLE_MEMBER_MERGE, always_merge, &merge) ||
      !is_stale (req, &stale))
    return;

  if (stale)
    {
      reply_view (req, "Stale change ignored");
      return;
    }

  if (always_merge || merge)
    ok = porthole_env_store_merge (store, vars, &error);
  else
    ok = porthole_env_store_replace (store, vars, &error);

  if (!ok)
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  reply_view (req, always_merge || merge ? "Environment variables updated"
                                         : "Environment variables replaced");
}

void
porthole_env_handle_get (PortholeRequest *req)
{
  reply_view (req, NULL);
}

void
porthole_env_handle_replace (PortholeRequest *req)
{
  update (req, FALSE);
}

void
porthole_env_handle_merge (PortholeRequest *req)
{
  update (req, TRUE);
}

/* ?key=A&key=B: the decoded query keeps only the last value of a
 * repeated key, so read the raw query. */
static GStrv
query_keys (PortholeRequest *req)
{
  GUri *uri = soup_server_message_get_uri (porthole_request_get_message (req));
  const char *query = g_uri_get_query (uri);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) pairs = NULL;
  gboolean any = FALSE;

  if (query == NULL)
    return NULL;

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i]; i++)
    {
      g_autofree char *decoded = NULL;
      g_auto(GStrv) names = NULL;

      if (!g_str_has_prefix (pairs[i], "key="))
        continue;
      decoded = g_uri_unescape_string (pairs[i] + 4, NULL);
      if (decoded == NULL)
        continue;
      g_strdelimit (decoded, "+", ' ');
      names = g_strsplit (decoded, ",", -1);
      for (guint j = 0; names[j]; j++)
        if (names[j][0] != '\0')
          {
            g_strv_builder_add (builder, names[j]);
            any = TRUE;
          }
    }

  return any ? g_strv_builder_end (builder) : NULL;
}

void
porthole_env_handle_clear (PortholeRequest *req)
{
  PortholeEnvStore *store = porthole_daemon_get_env_store (porthole_request_get_daemon (req));
  g_auto(GStrv) keys = query_keys (req);
  g_autoptr(GError) error = NULL;

  if (keys == NULL && !porthole_request_get_string_list (req, "keys|key", &keys))
    return;

  if (!porthole_env_store_clear (store, (const char *const *) keys, &error))
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  reply_view (req, keys ? "Environment variables removed" : "Environment variables cleared");
}
