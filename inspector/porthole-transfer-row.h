/* porthole-transfer-row.h — a row of the Files page for one upload or
 * download: name, progress bar, state, cancel or dismiss
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "porthole-file-transfer.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_TRANSFER_ROW (porthole_transfer_row_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTransferRow, porthole_transfer_row, PORTHOLE, TRANSFER_ROW, GtkListBoxRow)

GtkWidget            *porthole_transfer_row_new          (PortholeFileTransfer *transfer,
                                                          const char           *verb);
PortholeFileTransfer *porthole_transfer_row_get_transfer (PortholeTransferRow  *self);

G_END_DECLS
