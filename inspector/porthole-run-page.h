/* porthole-run-page.h — run code or a shell command in the sandbox and
 * see its output stream in, rich outputs rendered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-page.h"
#include "porthole-run-record.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_RUN_PAGE (porthole_run_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRunPage, porthole_run_page, PORTHOLE, RUN_PAGE, PortholePage)

void               porthole_run_page_set_code        (PortholeRunPage *self,
                                                      const char      *code);
char              *porthole_run_page_dup_code        (PortholeRunPage *self);
void               porthole_run_page_set_language    (PortholeRunPage *self,
                                                      const char      *language);
const char        *porthole_run_page_get_language    (PortholeRunPage *self);
void               porthole_run_page_set_shell_mode  (PortholeRunPage *self,
                                                      gboolean         shell);
void               porthole_run_page_set_keep_state  (PortholeRunPage *self,
                                                      gboolean         keep_state);
gboolean           porthole_run_page_run             (PortholeRunPage *self);
void               porthole_run_page_cancel          (PortholeRunPage *self);
gboolean           porthole_run_page_is_running      (PortholeRunPage *self);
PortholeRunRecord *porthole_run_page_get_shown       (PortholeRunPage *self);
char              *porthole_run_page_dup_output_text (PortholeRunPage *self);
GtkWidget         *porthole_run_page_get_outputs_box (PortholeRunPage *self);
GtkWidget         *porthole_run_page_get_editor      (PortholeRunPage *self);
const char        *porthole_run_page_get_status      (PortholeRunPage *self);
GListModel        *porthole_run_page_get_history     (PortholeRunPage *self);
void               porthole_run_page_show_record     (PortholeRunPage   *self,
                                                      PortholeRunRecord *record);

G_END_DECLS
