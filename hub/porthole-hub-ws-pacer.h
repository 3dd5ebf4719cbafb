/* porthole-hub-ws-pacer.h — where the units of an upgraded connection's
 * agent-to-client stream end (the 101 head, then each WebSocket frame),
 * so the proxy can write them one at a time, paced (API.md §1.9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PortholeHubWsPacer PortholeHubWsPacer;

PortholeHubWsPacer *porthole_hub_ws_pacer_new     (void);
void                porthole_hub_ws_pacer_free    (PortholeHubWsPacer *self);
gsize               porthole_hub_ws_pacer_next    (PortholeHubWsPacer *self,
                                                   const guint8       *data,
                                                   gsize               length,
                                                   gboolean           *ends);
gboolean            porthole_hub_ws_pacer_is_open (PortholeHubWsPacer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeHubWsPacer, porthole_hub_ws_pacer_free)

G_END_DECLS
