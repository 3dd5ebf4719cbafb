/* porthole-files-page.h — the sandbox's file system: browse, preview,
 * edit, upload, download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-file-item.h"
#include "porthole-file-transfer.h"
#include "porthole-page.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_FILES_PAGE (porthole_files_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFilesPage, porthole_files_page, PORTHOLE, FILES_PAGE, PortholePage)

void              porthole_files_page_set_path        (PortholeFilesPage *self,
                                                       const char        *path);
const char       *porthole_files_page_get_path        (PortholeFilesPage *self);
GListModel       *porthole_files_page_get_model       (PortholeFilesPage *self);
PortholeFileItem *porthole_files_page_find            (PortholeFilesPage *self,
                                                       const char        *name);
gboolean          porthole_files_page_select          (PortholeFilesPage *self,
                                                       const char        *name);
PortholeFileItem *porthole_files_page_get_selected    (PortholeFilesPage *self);
void              porthole_files_page_set_show_hidden (PortholeFilesPage *self,
                                                       gboolean           show_hidden);
guint64           porthole_files_page_get_n_listings  (PortholeFilesPage *self);
gboolean          porthole_files_page_is_watching     (PortholeFilesPage *self);
void              porthole_files_page_upload_files    (PortholeFilesPage *self,
                                                       GListModel        *files);
void              porthole_files_page_download        (PortholeFilesPage *self,
                                                       const char        *path,
                                                       GFile             *destination);
GListModel       *porthole_files_page_get_transfers   (PortholeFilesPage *self);
GtkWidget        *porthole_files_page_get_preview     (PortholeFilesPage *self);
GtkColumnView    *porthole_files_page_get_column_view (PortholeFilesPage *self);

G_END_DECLS
