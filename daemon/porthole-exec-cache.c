/* porthole-exec-cache.c
 *
 * The cache never changes what a run does: programs always run again.
 * What it keeps is the product of a deterministic step, a Go program
 * built from the same source with the same toolchain and Go environment
 * (the key covers all of them), so a repeated program skips `go build`.
 * Entries live in files under the state directory; the index is in
 * memory and starts empty (the directory is emptied at start).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "porthole-exec-cache.h"
#include "porthole-json.h"

typedef struct
{
  char *key;
  gint64 last_used;
  gint64 created;
} Entry;

struct _PortholeExecCache
{
  GObject parent_instance;

  char *directory;
  GHashTable *entries;
  guint64 hits;
  guint64 misses;
};

G_DEFINE_FINAL_TYPE (PortholeExecCache, porthole_exec_cache, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_free (entry);
}

static void
remove_directory_contents (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_unlink (path);
    }
}

static void
porthole_exec_cache_finalize (GObject *object)
{
  PortholeExecCache *self = (PortholeExecCache *)object;

  g_hash_table_unref (self->entries);
  g_free (self->directory);

  G_OBJECT_CLASS (porthole_exec_cache_parent_class)->finalize (object);
}

static void
porthole_exec_cache_class_init (PortholeExecCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_exec_cache_finalize;
}

static void
porthole_exec_cache_init (PortholeExecCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
}

/**
 * porthole_exec_cache_new:
 * @directory: where entries are kept; created, and emptied
 */
PortholeExecCache *
porthole_exec_cache_new (const char *directory)
{
  PortholeExecCache *self = g_object_new (PORTHOLE_TYPE_EXEC_CACHE, NULL);

  self->directory = g_strdup (directory);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    g_warning ("Cannot create the execution cache %s: %s", directory, g_strerror (errno));
  remove_directory_contents (directory);

  return self;
}

/**
 * porthole_exec_cache_key:
 * @kind: what is cached, e.g. "go-build"
 * @inputs: everything the cached product depends on
 *
 * Returns: a key naming exactly these inputs
 */
char *
porthole_exec_cache_key (const char        *kind,
                         const char *const *inputs)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) kind, strlen (kind) + 1);
  for (guint i = 0; inputs[i]; i++)
    {
      guint64 length = GUINT64_TO_LE (strlen (inputs[i]));

      /* Length-prefixed, so that no two input lists hash alike. */
      g_checksum_update (checksum, (const guchar *) &length, sizeof length);
      g_checksum_update (checksum, (const guchar *) inputs[i], strlen (inputs[i]));
    }

  return g_strdup (g_checksum_get_string (checksum));
}

char *
porthole_exec_cache_path_for (PortholeExecCache *self,
                              const char        *key)
{
  return g_build_filename (self->directory, key, NULL);
}

static gboolean
is_expired (Entry  *entry,
            gint64  now)
{
  return now - entry->last_used > (gint64) PORTHOLE_EXEC_CACHE_TTL_SECONDS * G_USEC_PER_SEC;
}

static void
forget (PortholeExecCache *self,
        const char        *key)
{
  g_autofree char *path = porthole_exec_cache_path_for (self, key);

  g_unlink (path);
  g_hash_table_remove (self->entries, key);
}

static void
expire (PortholeExecCache *self)
{
  gint64 now = g_get_real_time ();
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (is_expired (entry, now))
      g_ptr_array_add (expired, g_strdup (entry->key));

  for (guint i = 0; i < expired->len; i++)
    forget (self, g_ptr_array_index (expired, i));
}

/**
 * porthole_exec_cache_lookup:
 *
 * Counts a hit or a miss.
 *
 * Returns: (nullable): the path of the cached product
 */
char *
porthole_exec_cache_lookup (PortholeExecCache *self,
                            const char        *key)
{
  g_autofree char *path = porthole_exec_cache_path_for (self, key);
  Entry *entry;

  g_return_val_if_fail (PORTHOLE_IS_EXEC_CACHE (self), NULL);

  expire (self);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_hash_table_remove (self->entries, key);
      entry = NULL;
    }

  if (entry == NULL)
    {
      self->misses++;
      return NULL;
    }

  self->hits++;
  entry->last_used = g_get_real_time ();
  return g_steal_pointer (&path);
}

/**
 * porthole_exec_cache_commit:
 *
 * Records the product a run left at porthole_exec_cache_path_for(), if
 * it did; the least recently used entries go beyond the maximum.
 */
void
porthole_exec_cache_commit (PortholeExecCache *self,
                            const char        *key)
{
  g_autofree char *path = porthole_exec_cache_path_for (self, key);
  Entry *entry;

  g_return_if_fail (PORTHOLE_IS_EXEC_CACHE (self));

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->key = g_strdup (key);
      entry->created = g_get_real_time ();
      g_hash_table_insert (self->entries, entry->key, entry);
    }
  entry->last_used = g_get_real_time ();

  while (g_hash_table_size (self->entries) > PORTHOLE_EXEC_CACHE_MAX_ENTRIES)
    {
      GHashTableIter iter;
      Entry *candidate, *oldest = NULL;

      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &candidate))
        if (oldest == NULL || candidate->last_used < oldest->last_used)
          oldest = candidate;
      forget (self, oldest->key);
    }
}

/**
 * porthole_exec_cache_clear:
 *
 * Returns: how many entries were removed
 */
guint
porthole_exec_cache_clear (PortholeExecCache *self)
{
  guint removed;

  g_return_val_if_fail (PORTHOLE_IS_EXEC_CACHE (self), 0);

  expire (self);
  removed = g_hash_table_size (self->entries);
  g_hash_table_remove_all (self->entries);
  remove_directory_contents (self->directory);

  return removed;
}

/**
 * porthole_exec_cache_get_counts:
 *
 * The figures /metrics and Prometheus report: live entries, hits, misses.
 */
void
porthole_exec_cache_get_counts (PortholeExecCache *self,
                                guint             *size,
                                guint64           *hits,
                                guint64           *misses)
{
  g_return_if_fail (PORTHOLE_IS_EXEC_CACHE (self));

  expire (self);
  *size = g_hash_table_size (self->entries);
  *hits = self->hits;
  *misses = self->misses;
}

/**
 * porthole_exec_cache_to_json:
 *
 * Returns: (transfer full): the `cache` object of API.md §7.1
 */
JsonObject *
porthole_exec_cache_to_json (PortholeExecCache *self)
{
  JsonObject *cache = json_object_new ();
  guint size;
  guint64 lookups = self->hits + self->misses;
  g_autofree char *ttl = g_strdup_printf ("%uh%um%us", PORTHOLE_EXEC_CACHE_TTL_SECONDS / 3600,
                                          PORTHOLE_EXEC_CACHE_TTL_SECONDS / 60 % 60,
                                          PORTHOLE_EXEC_CACHE_TTL_SECONDS % 60);

  expire (self);
  size = g_hash_table_size (self->entries);
  json_object_set_int_member (cache, "size", size);
  json_object_set_int_member (cache, "count", size);
  json_object_set_int_member (cache, "max_size", PORTHOLE_EXEC_CACHE_MAX_ENTRIES);
  json_object_set_int_member (cache, "hits", self->hits);
  json_object_set_int_member (cache, "misses", self->misses);
  json_object_set_int_member (cache, "total_hits", self->hits);
  json_object_set_double_member (cache, "hit_rate", lookups ? (double) self->hits / lookups : 0.0);
  json_object_set_string_member (cache, "ttl", ttl);
  json_object_set_int_member (cache, "ttl_seconds", PORTHOLE_EXEC_CACHE_TTL_SECONDS);
  json_object_set_boolean_member (cache, "enabled", TRUE);

  return cache;
}
