/* porthole-run-table.h — the background runs the API can list and kill
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-run.h"

G_BEGIN_DECLS

/* Finished runs stay listed at least this long (API.md §1.8)... */
#define PORTHOLE_RUN_TABLE_RETENTION_SECONDS (10 * 60)
/* ...and the newest this many of them stay in any case. */
#define PORTHOLE_RUN_TABLE_KEEP_FINISHED 100

#define PORTHOLE_TYPE_RUN_TABLE (porthole_run_table_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRunTable, porthole_run_table, PORTHOLE, RUN_TABLE, GObject)

PortholeRunTable *porthole_run_table_new         (void);
void              porthole_run_table_add         (PortholeRunTable *self,
                                                  PortholeRun      *run);
PortholeRun      *porthole_run_table_lookup      (PortholeRunTable *self,
                                                  const char       *id);
GPtrArray        *porthole_run_table_list        (PortholeRunTable *self);
guint             porthole_run_table_count_active (PortholeRunTable *self);
void              porthole_run_table_kill_all    (PortholeRunTable *self);

G_END_DECLS
