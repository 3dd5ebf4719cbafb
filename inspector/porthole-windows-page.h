/* porthole-windows-page.h — the sandbox desktop's windows, and screen
 * recordings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-page.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_WINDOWS_PAGE (porthole_windows_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeWindowsPage, porthole_windows_page, PORTHOLE, WINDOWS_PAGE, PortholePage)

guint64      porthole_windows_page_get_n_refreshes   (PortholeWindowsPage *self);
gint64       porthole_windows_page_find_window       (PortholeWindowsPage *self,
                                                      const char          *title);
JsonObject  *porthole_windows_page_get_window        (PortholeWindowsPage *self,
                                                      gint64               window_id);
void         porthole_windows_page_capture_to_file   (PortholeWindowsPage *self,
                                                      gint64               window_id,
                                                      GFile               *file);
guint        porthole_windows_page_get_n_recordings  (PortholeWindowsPage *self);
JsonObject  *porthole_windows_page_get_recording     (PortholeWindowsPage *self,
                                                      guint                position);
void         porthole_windows_page_save_recording    (PortholeWindowsPage *self,
                                                      const char          *recording_id,
                                                      GFile               *file);
guint64      porthole_windows_page_get_n_saved       (PortholeWindowsPage *self);

G_END_DECLS
