/* porthole-cgroup-hierarchy.h — where a cgroup hierarchy is mounted and
 * where the daemon is in it (v2, or the v1 one of a controller)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *mount_point;
  char *root;          /* the mount's root inside its hierarchy */
  char *own_path;      /* our cgroup inside the hierarchy */
} PortholeCgroupHierarchy;

gboolean   porthole_cgroup_hierarchy_find        (PortholeCgroupHierarchy       *h,
                                                  const char                    *proc_self_cgroup,
                                                  const char                    *mountinfo,
                                                  const char                    *controller);
gboolean   porthole_cgroup_hierarchy_find_own    (PortholeCgroupHierarchy       *h,
                                                  const char                    *controller);
GPtrArray *porthole_cgroup_hierarchy_directories (const PortholeCgroupHierarchy *h);
char      *porthole_cgroup_hierarchy_own_dir     (const PortholeCgroupHierarchy *h);
void       porthole_cgroup_hierarchy_clear       (PortholeCgroupHierarchy       *h);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeCgroupHierarchy, porthole_cgroup_hierarchy_clear)

G_END_DECLS
