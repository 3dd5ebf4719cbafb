/* porthole-spawn.h — fork/exec for PortholeProcess, straight into a
 * cgroup, dying with the daemon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct
{
  const char        *cwd;          /* (nullable) */
  const char *const *argv;
  const char *const *envp;
  gboolean           search_path;  /* look argv[0] up in envp's PATH */

  /* The child's 0, 1 and 2, and more descriptors at chosen numbers; all
   * others are closed on exec. */
  int                stdin_fd;
  int                stdout_fd;
  int                stderr_fd;
  const int         *source_fds;
  const int         *target_fds;
  guint              n_fds;

  gboolean           controlling_tty; /* stdin is a terminal to make ours */
  const char        *oom_score_adj;   /* (nullable) written for the child */

  /* Another user to run as (groups, gid, uid, set before chdir and
   * exec), or FALSE for the daemon's own identity. */
  gboolean           switch_user;
  uid_t              uid;
  gid_t              gid;
  const gid_t       *groups;
  guint              n_groups;

  /* A cgroup v2 directory and its cgroup.procs, or -1: the child starts
   * inside (clone3 CLONE_INTO_CGROUP) or, on older kernels, moves itself
   * in before exec. A v1 cgroup has only cgroup.procs (dir -1): the
   * child always moves itself in. */
  int                cgroup_dir_fd;
  int                cgroup_procs_fd;
} PortholeSpawnArgs;

gboolean porthole_spawn (const PortholeSpawnArgs  *args,
                         GPid                     *pid,
                         GError                  **error);
void     porthole_spawn_claim        (GPid                      pid);
void     porthole_spawn_reap_orphans (gboolean                  subreaper);

G_END_DECLS
