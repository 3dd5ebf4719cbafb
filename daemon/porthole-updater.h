/* porthole-updater.h — replacing the daemon binary safely (API.md §12)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_UPDATER (porthole_updater_get_type ())

G_DECLARE_FINAL_TYPE (PortholeUpdater, porthole_updater, PORTHOLE, UPDATER, GObject)

PortholeUpdater *porthole_updater_new              (PortholeConfig       *config);
gboolean         porthole_updater_check_enabled    (PortholeUpdater      *self,
                                                    GError              **error);
const char      *porthole_updater_get_target       (PortholeUpdater      *self);

GOutputStream   *porthole_updater_open_upload      (PortholeUpdater      *self,
                                                    SoupMessageHeaders   *headers,
                                                    GError              **error);
JsonObject      *porthole_updater_stage            (PortholeUpdater      *self,
                                                    GOutputStream        *upload,
                                                    GError              **error);

void             porthole_updater_apply_async      (PortholeUpdater      *self,
                                                    const char           *sha256,
                                                    const char           *version,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonObject      *porthole_updater_apply_finish     (PortholeUpdater      *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

JsonObject      *porthole_updater_list_backups     (PortholeUpdater      *self);
JsonObject      *porthole_updater_rollback         (PortholeUpdater      *self,
                                                    const char           *name,
                                                    GError              **error);

G_END_DECLS
