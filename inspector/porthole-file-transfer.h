/* porthole-file-transfer.h — an upload or download the Files page shows
 * with a progress bar and a cancel button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_FILE_TRANSFER (porthole_file_transfer_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFileTransfer, porthole_file_transfer, PORTHOLE, FILE_TRANSFER, GObject)

typedef enum
{
  PORTHOLE_FILE_TRANSFER_RUNNING,
  PORTHOLE_FILE_TRANSFER_DONE,
  PORTHOLE_FILE_TRANSFER_FAILED,
  PORTHOLE_FILE_TRANSFER_CANCELLED,
} PortholeFileTransferState;

PortholeFileTransfer     *porthole_file_transfer_new             (const char           *name,
                                                                  const char           *path);
const char               *porthole_file_transfer_get_name        (PortholeFileTransfer *self);
const char               *porthole_file_transfer_get_path        (PortholeFileTransfer *self);
double                    porthole_file_transfer_get_fraction    (PortholeFileTransfer *self);
double                    porthole_file_transfer_get_max_fraction (PortholeFileTransfer *self);
void                      porthole_file_transfer_set_progress    (PortholeFileTransfer *self,
                                                                  goffset               done,
                                                                  goffset               total);
PortholeFileTransferState porthole_file_transfer_get_state       (PortholeFileTransfer *self);
void                      porthole_file_transfer_finish          (PortholeFileTransfer *self,
                                                                  const GError         *error);
const char               *porthole_file_transfer_get_error       (PortholeFileTransfer *self);
GCancellable             *porthole_file_transfer_get_cancellable (PortholeFileTransfer *self);
void                      porthole_file_transfer_cancel          (PortholeFileTransfer *self);

G_END_DECLS
