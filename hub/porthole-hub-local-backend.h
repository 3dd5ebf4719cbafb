/* porthole-hub-local-backend.h — sandboxes as namespaced process trees on
 * this machine (bubblewrap + cgroups)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-hub-backend.h"
#include "porthole-hub-config.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_HUB_LOCAL_BACKEND (porthole_hub_local_backend_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHubLocalBackend, porthole_hub_local_backend, PORTHOLE, HUB_LOCAL_BACKEND, GObject)

PortholeHubLocalBackend *porthole_hub_local_backend_new (const PortholeHubConfig  *config,
                                                         const char               *public_key_path,
                                                         const char *const        *hidden_paths,
                                                         GError                  **error);

G_END_DECLS
