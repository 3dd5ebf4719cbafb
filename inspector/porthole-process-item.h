/* porthole-process-item.h — one row of the process list, updated in
 * place at every refresh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_PROCESS_ITEM (porthole_process_item_get_type ())

G_DECLARE_FINAL_TYPE (PortholeProcessItem, porthole_process_item, PORTHOLE, PROCESS_ITEM, GObject)

PortholeProcessItem *porthole_process_item_new               (gint64               pid);
void                 porthole_process_item_update            (PortholeProcessItem *self,
                                                              JsonObject          *process);
gint64               porthole_process_item_get_pid           (PortholeProcessItem *self);
gint64               porthole_process_item_get_ppid          (PortholeProcessItem *self);
const char          *porthole_process_item_get_name          (PortholeProcessItem *self);
const char          *porthole_process_item_get_user          (PortholeProcessItem *self);
const char          *porthole_process_item_get_command       (PortholeProcessItem *self);
const char          *porthole_process_item_get_status        (PortholeProcessItem *self);
const char          *porthole_process_item_get_process_id    (PortholeProcessItem *self);
double               porthole_process_item_get_cpu           (PortholeProcessItem *self);
double               porthole_process_item_get_memory_mb     (PortholeProcessItem *self);
double               porthole_process_item_get_memory_percent (PortholeProcessItem *self);
gint64               porthole_process_item_get_threads       (PortholeProcessItem *self);
gint64               porthole_process_item_get_started       (PortholeProcessItem *self);

G_END_DECLS
