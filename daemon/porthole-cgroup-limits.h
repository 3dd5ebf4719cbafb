/* porthole-cgroup-limits.h — the container's ceilings, from cgroup v1 or v2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Limits of the cgroup the daemon is in, the tightest along its path;
 * -1 means no limit (or unknown usage). */
typedef struct
{
  int version;            /* 1 or 2; 0 when no controller was found */
  gint64 memory_limit;    /* bytes */
  gint64 memory_usage;    /* bytes */
  double cpu_limit;       /* CPUs (quota / period) */
  gint64 pids_limit;
} PortholeCgroupLimits;

void        porthole_cgroup_limits_read      (PortholeCgroupLimits *limits);
void        porthole_cgroup_limits_read_from (const char           *proc_self_cgroup,
                                              const char           *mountinfo,
                                              PortholeCgroupLimits *limits);
JsonObject *porthole_cgroup_limits_to_json   (const PortholeCgroupLimits *limits);

G_END_DECLS
