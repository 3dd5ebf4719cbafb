/* porthole-hub-api.h — the HopX control-plane API over HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-hub.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_HUB_API (porthole_hub_api_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHubApi, porthole_hub_api, PORTHOLE, HUB_API, GObject)

PortholeHubApi *porthole_hub_api_new    (PortholeHub     *hub);
gboolean        porthole_hub_api_listen (PortholeHubApi  *self,
                                         const char      *address,
                                         GError         **error);
GSList         *porthole_hub_api_get_uris (PortholeHubApi *self);

G_END_DECLS
