/* porthole-request-stats.h — counts and latencies of every HTTP request,
 * per route template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-route.h"

G_BEGIN_DECLS

/* Requests that matched no route share this key ("METHOD /template"). */
#define PORTHOLE_REQUEST_STATS_UNMATCHED_METHOD "*"
#define PORTHOLE_REQUEST_STATS_UNMATCHED_PATH   "(unmatched)"

#define PORTHOLE_TYPE_REQUEST_STATS (porthole_request_stats_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRequestStats, porthole_request_stats, PORTHOLE, REQUEST_STATS, GObject)

PortholeRequestStats *porthole_request_stats_new              (void);
void                  porthole_request_stats_record           (PortholeRequestStats *self,
                                                               const PortholeRoute  *route,
                                                               guint                 status,
                                                               gint64                duration_usec);
guint64               porthole_request_stats_get_total        (PortholeRequestStats *self);
guint64               porthole_request_stats_get_errors       (PortholeRequestStats *self);
void                  porthole_request_stats_add_json         (PortholeRequestStats *self,
                                                               JsonObject           *snapshot);
void                  porthole_request_stats_write_prometheus (PortholeRequestStats *self,
                                                               GString              *out);

G_END_DECLS
