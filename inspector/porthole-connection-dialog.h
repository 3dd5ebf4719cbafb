/* porthole-connection-dialog.h — add a sandbox, or edit one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "porthole-connection-info.h"
#include "porthole-sandbox.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_CONNECTION_DIALOG (porthole_connection_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PortholeConnectionDialog, porthole_connection_dialog, PORTHOLE, CONNECTION_DIALOG, AdwWindow)

PortholeConnectionDialog *porthole_connection_dialog_new         (GtkWindow                *parent,
                                                                  PortholeSandbox          *sandbox);
PortholeSandbox          *porthole_connection_dialog_get_sandbox (PortholeConnectionDialog *self);
void                      porthole_connection_dialog_set_info    (PortholeConnectionDialog *self,
                                                                  PortholeConnectionInfo   *info);
void                      porthole_connection_dialog_load_data   (PortholeConnectionDialog *self,
                                                                  const char               *data,
                                                                  gsize                     length);
gboolean                  porthole_connection_dialog_accept      (PortholeConnectionDialog *self);

G_END_DECLS
