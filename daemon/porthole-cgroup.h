/* porthole-cgroup.h — a cgroup v2 per run, for killing whole process trees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PortholeCgroup PortholeCgroup;

gboolean        porthole_cgroup_is_supported  (void);
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeCgroup, porthole_cgroup_free)

G_END_DECLS
