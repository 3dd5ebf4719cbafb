/* porthole-processes-page.h — the Processes page: every process of a
 * sandbox, refreshed in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-page.h"
#include "porthole-process-item.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_PROCESSES_PAGE (porthole_processes_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeProcessesPage, porthole_processes_page, PORTHOLE, PROCESSES_PAGE, PortholePage)

GListModel          *porthole_processes_page_get_model       (PortholeProcessesPage *self);
GtkColumnView       *porthole_processes_page_get_column_view (PortholeProcessesPage *self);
PortholeProcessItem *porthole_processes_page_get_selected    (PortholeProcessesPage *self);
gboolean             porthole_processes_page_select_pid      (PortholeProcessesPage *self,
                                                              gint64                 pid);
guint64              porthole_processes_page_get_n_refreshes (PortholeProcessesPage *self);
void                 porthole_processes_page_set_search      (PortholeProcessesPage *self,
                                                              const char            *text);

G_END_DECLS
