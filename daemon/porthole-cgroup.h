/* porthole-cgroup.h — a cgroup per run, for finding and killing whole
 * process trees (cgroup v2, or a v1 freezer or pids hierarchy)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PortholeCgroup PortholeCgroup;

gboolean        porthole_cgroup_is_supported  (void);
const char     *porthole_cgroup_get_base      (void);
PortholeCgroup *porthole_cgroup_new           (const char      *name,
                                               GError         **error);
int             porthole_cgroup_get_dir_fd    (PortholeCgroup  *self);
int             porthole_cgroup_get_procs_fd  (PortholeCgroup  *self);
void            porthole_cgroup_close_spawn_fds (PortholeCgroup *self);
void            porthole_cgroup_signal        (PortholeCgroup  *self,
                                               int              signum);
void            porthole_cgroup_kill          (PortholeCgroup  *self);
gboolean        porthole_cgroup_is_populated  (PortholeCgroup  *self);
void            porthole_cgroup_free          (PortholeCgroup  *self);
void            porthole_cgroup_collect       (void);
void            porthole_cgroup_kill_all      (void);
void            porthole_cgroup_release       (void);
guint           porthole_cgroup_end_tree      (const char      *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeCgroup, porthole_cgroup_free)

G_END_DECLS
