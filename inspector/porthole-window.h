/* porthole-window.h — the main window: sandboxes on the left, the pages
 * of the selected one on the right
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "porthole-sandbox.h"
#include "porthole-wall.h"

G_BEGIN_DECLS

typedef struct _PortholeApplication PortholeApplication;

#define PORTHOLE_TYPE_WINDOW (porthole_window_get_type ())

G_DECLARE_FINAL_TYPE (PortholeWindow, porthole_window, PORTHOLE, WINDOW, AdwApplicationWindow)

PortholeWindow  *porthole_window_new              (PortholeApplication *application);
PortholeSandbox *porthole_window_get_sandbox      (PortholeWindow      *self);
void             porthole_window_select_sandbox   (PortholeWindow      *self,
                                                   PortholeSandbox     *sandbox);
void             porthole_window_show_page        (PortholeWindow      *self,
                                                   const char          *name);
GtkWidget       *porthole_window_get_page         (PortholeWindow      *self,
                                                   const char          *name);
void             porthole_window_show_page_at     (PortholeWindow      *self,
                                                   guint                position);
GStrv            porthole_window_get_page_names   (PortholeWindow      *self);
const char      *porthole_window_get_content_name (PortholeWindow      *self);
void             porthole_window_show_toast       (PortholeWindow      *self,
                                                   const char          *message);
const char      *porthole_window_get_last_toast   (PortholeWindow      *self);
void             porthole_window_open_connection_data (PortholeWindow  *self,
                                                   const char          *data,
                                                   gsize                length);
void             porthole_window_set_show_wall    (PortholeWindow      *self,
                                                   gboolean             show_wall);
gboolean         porthole_window_get_show_wall    (PortholeWindow      *self);
PortholeWall    *porthole_window_get_wall         (PortholeWindow      *self);

G_END_DECLS
