/* porthole-hub-store.c
 *
 * One SQLite file in WAL mode (readers never wait for the writer, and a
 * crash loses at most the transaction under way). Migrations are
 * numbered; `PRAGMA user_version` says which ones ran. Every write is a
 * single statement, so each is atomic by itself.
 *
 * API keys are stored as SHA-256 hashes: keys are 256 random bits, so a
 * plain hash is as good as a slow one, and lookups stay one index probe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "porthole-hub-store.h"
#include "porthole-json.h"

struct _PortholeHubStore
{
  GObject parent_instance;

  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (PortholeHubStore, porthole_hub_store, G_TYPE_OBJECT)

static const char *const migrations[] = {
  /* 1 */
  "CREATE TABLE api_keys ("
  "  name TEXT PRIMARY KEY,"
  "  hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  max_sandboxes INTEGER NOT NULL DEFAULT 0,"
  "  max_vcpu INTEGER NOT NULL DEFAULT 0,"
  "  max_memory_mb INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE sandboxes ("
  "  id TEXT PRIMARY KEY,"
  "  tenant TEXT NOT NULL,"
  "  template_id TEXT,"
  "  template_name TEXT,"
  "  status TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  started_at INTEGER NOT NULL DEFAULT 0,"
  "  timeout_seconds INTEGER NOT NULL DEFAULT 0,"
  "  expires_at INTEGER NOT NULL DEFAULT 0,"
  "  internet_access INTEGER NOT NULL DEFAULT 1,"
  "  vcpu INTEGER NOT NULL,"
  "  memory_mb INTEGER NOT NULL,"
  "  disk_mb INTEGER NOT NULL,"
  "  port INTEGER NOT NULL,"
  "  env TEXT,"
  "  token_exp INTEGER NOT NULL DEFAULT 0,"
  "  runtime TEXT,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX sandboxes_by_status ON sandboxes (status);"
  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

void
porthole_hub_tenant_free (PortholeHubTenant *tenant)
{
  if (tenant == NULL)
    return;
  g_free (tenant->name);
  g_free (tenant);
}

static void
porthole_hub_store_finalize (GObject *object)
{
  PortholeHubStore *self = (PortholeHubStore *) object;

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);

  G_OBJECT_CLASS (porthole_hub_store_parent_class)->finalize (object);
}

static void
porthole_hub_store_class_init (PortholeHubStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_hub_store_finalize;
}

static void
porthole_hub_store_init (PortholeHubStore *self)
{
}

static gboolean
set_sqlite_error (PortholeHubStore  *self,
                  GError           **error,
                  const char        *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (PortholeHubStore  *self,
      const char        *sql,
      GError           **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SQLite: %s", message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (PortholeHubStore  *self,
         GError           **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "user_version");
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The state was written by a newer porthole-hub (schema %d)", version);
      return FALSE;
    }

  for (int i = version; i < (int) G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; %s PRAGMA user_version = %d; COMMIT;",
                                              migrations[i], i + 1);

      if (!exec (self, sql, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  return TRUE;
}

PortholeHubStore *
porthole_hub_store_open (const char  *path,
                         GError     **error)
{
  g_autoptr(PortholeHubStore) self = g_object_new (PORTHOLE_TYPE_HUB_STORE, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, path);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", error) ||
      !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
porthole_hub_store_save_sandbox (PortholeHubStore    *self,
                                 PortholeHubSandbox  *sandbox,
                                 GError             **error)
{
  static const char sql[] =
    "INSERT OR REPLACE INTO sandboxes (id, tenant, template_id, template_name, status, created_at,"
    " started_at, timeout_seconds, expires_at, internet_access, vcpu, memory_mb, disk_mb, port, env,"
    " token_exp, runtime, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  g_autofree char *env = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sandbox->env != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), sandbox->env);

      env = porthole_json_to_string (node, NULL);
    }

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "save");

  sqlite3_bind_text (stmt, 1, sandbox->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sandbox->tenant, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sandbox->template_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, sandbox->template_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, porthole_hub_status_to_string (sandbox->status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, sandbox->created_at);
  sqlite3_bind_int64 (stmt, 7, sandbox->started_at);
  sqlite3_bind_int64 (stmt, 8, sandbox->timeout_seconds);
  sqlite3_bind_int64 (stmt, 9, sandbox->expires_at);
  sqlite3_bind_int (stmt, 10, sandbox->internet_access);
  sqlite3_bind_int (stmt, 11, sandbox->vcpu);
  sqlite3_bind_int (stmt, 12, sandbox->memory_mb);
  sqlite3_bind_int (stmt, 13, sandbox->disk_mb);
  sqlite3_bind_int (stmt, 14, sandbox->port);
  sqlite3_bind_text (stmt, 15, env, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 16, sandbox->token_exp);
  sqlite3_bind_text (stmt, 17, sandbox->runtime, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 18, g_get_real_time ());

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "save");
  return TRUE;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/**
 * porthole_hub_store_load_sandboxes:
 * @live_only: leave tombstones (deleted, expired) out
 *
 * Returns: (transfer full) (element-type PortholeHubSandbox): every
 *   sandbox, oldest first
 */
GPtrArray *
porthole_hub_store_load_sandboxes (PortholeHubStore  *self,
                                   gboolean           live_only,
                                   GError           **error)
{
  static const char sql[] =
    "SELECT id, tenant, template_id, template_name, status, created_at, started_at, timeout_seconds,"
    " expires_at, internet_access, vcpu, memory_mb, disk_mb, port, env, token_exp, runtime"
    " FROM sandboxes ORDER BY created_at, id";
  g_autoptr(GPtrArray) sandboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_hub_sandbox_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, "load");
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(PortholeHubSandbox) sandbox = porthole_hub_sandbox_new ();
      const char *env = column_text (stmt, 14);

      sandbox->id = g_strdup (column_text (stmt, 0));
      sandbox->tenant = g_strdup (column_text (stmt, 1));
      sandbox->template_id = g_strdup (column_text (stmt, 2));
      sandbox->template_name = g_strdup (column_text (stmt, 3));
      if (!porthole_hub_status_from_string (column_text (stmt, 4), &sandbox->status))
        sandbox->status = PORTHOLE_HUB_STATUS_ERROR;
      sandbox->created_at = sqlite3_column_int64 (stmt, 5);
      sandbox->started_at = sqlite3_column_int64 (stmt, 6);
      sandbox->timeout_seconds = sqlite3_column_int64 (stmt, 7);
      sandbox->expires_at = sqlite3_column_int64 (stmt, 8);
      sandbox->internet_access = sqlite3_column_int (stmt, 9);
      sandbox->vcpu = sqlite3_column_int (stmt, 10);
      sandbox->memory_mb = sqlite3_column_int (stmt, 11);
      sandbox->disk_mb = sqlite3_column_int (stmt, 12);
      sandbox->port = sqlite3_column_int (stmt, 13);
      if (env != NULL)
        {
          g_autoptr(JsonNode) node = porthole_json_parse (env, -1, NULL);

          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            sandbox->env = json_object_ref (json_node_get_object (node));
        }
      sandbox->token_exp = sqlite3_column_int64 (stmt, 15);
      sandbox->runtime = g_strdup (column_text (stmt, 16));

      if (live_only && !porthole_hub_sandbox_is_live (sandbox))
        continue;
      g_ptr_array_add (sandboxes, g_steal_pointer (&sandbox));
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "load");
      return NULL;
    }
  return g_steal_pointer (&sandboxes);
}

/**
 * porthole_hub_store_has_expired:
 * @tenant: (nullable): the tenant asking; %NULL for any
 *
 * Returns: %TRUE if @id is the tombstone of a sandbox of @tenant's that
 *   expired (not one that was deleted)
 */
gboolean
porthole_hub_store_has_expired (PortholeHubStore *self,
                                const char       *id,
                                const char       *tenant)
{
  sqlite3_stmt *stmt = NULL;
  gboolean expired;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT 1 FROM sandboxes WHERE id = ? AND status = 'expired' AND (?2 IS NULL OR tenant = ?2)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, tenant, -1, SQLITE_TRANSIENT);
  expired = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return expired;
}

/* Tombstones are kept a day, for SANDBOX_EXPIRED answers. */
void
porthole_hub_store_prune (PortholeHubStore *self,
                          gint64            before_usec)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "DELETE FROM sandboxes WHERE status IN ('deleted', 'expired') AND updated_at < ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64 (stmt, 1, before_usec);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
}

gboolean
porthole_hub_store_add_api_key (PortholeHubStore         *self,
                                const char               *name,
                                const char               *hash,
                                const PortholeHubTenant  *quotas,
                                GError                  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO api_keys (name, hash, created_at, max_sandboxes, max_vcpu, max_memory_mb)"
                          " VALUES (?,?,?,?,?,?)", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "api key");

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  sqlite3_bind_int (stmt, 4, quotas ? quotas->max_sandboxes : 0);
  sqlite3_bind_int (stmt, 5, quotas ? quotas->max_vcpu : 0);
  sqlite3_bind_int (stmt, 6, quotas ? quotas->max_memory_mb : 0);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "An API key named %s exists already", name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "api key");
  return TRUE;
}

PortholeHubTenant *
porthole_hub_store_find_api_key (PortholeHubStore *self,
                                 const char       *hash)
{
  sqlite3_stmt *stmt = NULL;
  PortholeHubTenant *tenant = NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT name, max_sandboxes, max_vcpu, max_memory_mb FROM api_keys WHERE hash = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      tenant = g_new0 (PortholeHubTenant, 1);
      tenant->name = g_strdup (column_text (stmt, 0));
      tenant->max_sandboxes = sqlite3_column_int (stmt, 1);
      tenant->max_vcpu = sqlite3_column_int (stmt, 2);
      tenant->max_memory_mb = sqlite3_column_int (stmt, 3);
    }
  sqlite3_finalize (stmt);
  return tenant;
}

char *
porthole_hub_store_get_setting (PortholeHubStore *self,
                                const char       *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM settings WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup (column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

gboolean
porthole_hub_store_set_setting (PortholeHubStore  *self,
                                const char        *key,
                                const char        *value,
                                GError           **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "setting");
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "setting");
  return TRUE;
}

char *
porthole_hub_api_key_hash (const char *key)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
}
