/* porthole-sandbox-row.h — a sandbox in the sidebar: name, health,
 * version, desktop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "porthole-sandbox.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SANDBOX_ROW (porthole_sandbox_row_get_type ())

G_DECLARE_FINAL_TYPE (PortholeSandboxRow, porthole_sandbox_row, PORTHOLE, SANDBOX_ROW, GtkListBoxRow)

GtkWidget       *porthole_sandbox_row_new          (PortholeSandbox    *sandbox);
PortholeSandbox *porthole_sandbox_row_get_sandbox  (PortholeSandboxRow *self);
const char      *porthole_sandbox_row_get_subtitle (PortholeSandboxRow *self);

G_END_DECLS
