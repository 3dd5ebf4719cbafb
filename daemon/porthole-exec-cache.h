/* porthole-exec-cache.h — the execution cache of API.md §7: built Go
 * programs, so the same program is not compiled twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_EXEC_CACHE_MAX_ENTRIES 100
#define PORTHOLE_EXEC_CACHE_TTL_SECONDS 3600

#define PORTHOLE_TYPE_EXEC_CACHE (porthole_exec_cache_get_type ())

G_DECLARE_FINAL_TYPE (PortholeExecCache, porthole_exec_cache, PORTHOLE, EXEC_CACHE, GObject)

PortholeExecCache *porthole_exec_cache_new      (const char         *directory);
char              *porthole_exec_cache_key      (const char         *kind,
                                                 const char *const  *inputs);
char              *porthole_exec_cache_lookup   (PortholeExecCache  *self,
                                                 const char         *key);
char              *porthole_exec_cache_path_for (PortholeExecCache  *self,
                                                 const char         *key);
void               porthole_exec_cache_commit   (PortholeExecCache  *self,
                                                 const char         *key);
guint              porthole_exec_cache_clear    (PortholeExecCache  *self);
JsonObject        *porthole_exec_cache_to_json  (PortholeExecCache  *self);
void               porthole_exec_cache_get_counts (PortholeExecCache *self,
                                                   guint             *size,
                                                   guint64           *hits,
                                                   guint64           *misses);

G_END_DECLS
