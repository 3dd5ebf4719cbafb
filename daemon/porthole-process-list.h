/* porthole-process-list.h — every OS process, for GET /processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-procfs.h"
#include "porthole-types.h"

G_BEGIN_DECLS

typedef struct
{
  const char *user;   /* exact login name, or NULL */
  const char *name;   /* substring of the command name, any case, or NULL */
  gint64 limit;       /* at most this many; 0 for all */
} PortholeProcessFilter;

JsonObject *porthole_process_list_build (PortholeCpuTracker          *tracker,
                                         PortholeRunTable            *runs,
                                         const PortholeProcessFilter *filter,
                                         GError                     **error);
guint       porthole_process_list_count (void);

G_END_DECLS
