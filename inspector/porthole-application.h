/* porthole-application.h — the Porthole inspector application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "porthole-connection-info.h"
#include "porthole-sandbox-list.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_APPLICATION (porthole_application_get_type ())
#define PORTHOLE_APPLICATION_DEFAULT (PORTHOLE_APPLICATION (g_application_get_default ()))

G_DECLARE_FINAL_TYPE (PortholeApplication, porthole_application, PORTHOLE, APPLICATION, AdwApplication)

PortholeApplication *porthole_application_new               (void);
GSettings           *porthole_application_get_settings      (PortholeApplication    *self);
PortholeSandboxList *porthole_application_get_sandbox_list  (PortholeApplication    *self);
GtkWindow           *porthole_application_present           (PortholeApplication    *self);
PortholeSandbox     *porthole_application_open_connection   (PortholeApplication    *self,
                                                             PortholeConnectionInfo *info);

G_END_DECLS
