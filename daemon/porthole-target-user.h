/* porthole-target-user.h — the unprivileged user (`user=`) that runs
 * children and does file operations, and the scoped switch of a
 * thread's file-system identity to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_TARGET_USER (porthole_target_user_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTargetUser, porthole_target_user, PORTHOLE, TARGET_USER, GObject)

PortholeTargetUser *porthole_target_user_lookup      (const char          *name,
                                                      GError             **error);
gboolean            porthole_target_user_install     (PortholeTargetUser  *self,
                                                      GError             **error);
PortholeTargetUser *porthole_target_user_get_default (void);

const char         *porthole_target_user_get_name    (PortholeTargetUser  *self);
uid_t               porthole_target_user_get_uid     (PortholeTargetUser  *self);
gid_t               porthole_target_user_get_gid     (PortholeTargetUser  *self);
const gid_t        *porthole_target_user_get_groups  (PortholeTargetUser  *self,
                                                      guint               *n_groups);
const char         *porthole_target_user_get_home    (PortholeTargetUser  *self);
const char         *porthole_target_user_get_shell   (PortholeTargetUser  *self);
gboolean            porthole_target_user_switches    (PortholeTargetUser  *self);
gboolean            porthole_target_user_take_directory (PortholeTargetUser *self,
                                                      const char          *path,
                                                      gboolean             created,
                                                      GError             **error);

/* A thread's file-system identity (setfsuid/setfsgid), for one scope:
 * the target user's, or the daemon's again inside such a scope. Does
 * nothing when no target user is installed or it is the daemon's own.
 * Only the calling thread changes. */
typedef struct
{
  gboolean active;
  uid_t saved_uid;
  gid_t saved_gid;
} PortholeFsIdentity;

void porthole_fs_as_user_begin   (PortholeFsIdentity *scope);
void porthole_fs_as_daemon_begin (PortholeFsIdentity *scope);
void porthole_fs_identity_end    (PortholeFsIdentity *scope);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeFsIdentity, porthole_fs_identity_end)

G_END_DECLS
