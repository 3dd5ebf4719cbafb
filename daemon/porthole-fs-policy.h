/* porthole-fs-policy.h — which paths the file API may touch, and how to
 * open them without being led out of bounds by symbolic links
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/stat.h>

#include "porthole-types.h"

G_BEGIN_DECLS

/* A path the policy accepted: where it is, and the allowed root it is
 * opened under. */
typedef struct
{
  /* Absolute and normalised: what replies and errors show. */
  char *path;
  /* The allowed root holding it, open (O_PATH). */
  char *root;
  int root_fd;
  /* Below the root; "." for the root itself. */
  char *relative;
  /* The root is not "/": symbolic links may not lead out of it. */
  gboolean restricted;
} PortholeFsPath;

/* An entry of a directory, as the policy lets it be shown. */
typedef struct
{
  /* The entry itself, not followed. */
  struct stat st;
  /* The mount it is in (statx()'s STATX_MNT_ID; 0 if unknown). */
  guint64 mount_id;
  /* What a link leads to, when that is inside the allowed root the link
   * is in (where reading through it may go). */
  struct stat target;
  gboolean has_target;
} PortholeFsEntry;

typedef enum
{
  PORTHOLE_FS_CHECK_DEFAULT = 0,
  /* Do not look where a link leads: for removals, which never touch it. */
  PORTHOLE_FS_CHECK_NOFOLLOW = 1 << 0,
} PortholeFsCheckFlags;

#define PORTHOLE_TYPE_FS_POLICY (porthole_fs_policy_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFsPolicy, porthole_fs_policy, PORTHOLE, FS_POLICY, GObject)

PortholeFsPolicy *porthole_fs_policy_new          (PortholeConfig    *config,
                                                   const char        *workspace);
gboolean          porthole_fs_policy_resolve      (PortholeFsPolicy  *self,
                                                   const char        *input,
                                                   PortholeFsPath    *path,
                                                   GError           **error);
gboolean          porthole_fs_policy_is_denied    (PortholeFsPolicy  *self,
                                                   const char        *absolute);
gboolean          porthole_fs_policy_check_entry  (PortholeFsPolicy  *self,
                                                   int                dirfd,
                                                   const char        *name,
                                                   const char        *display,
                                                   PortholeFsCheckFlags flags,
                                                   PortholeFsEntry   *entry,
                                                   GError           **error);
gboolean          porthole_fs_policy_hides        (PortholeFsPolicy  *self,
                                                   const char        *path);

int               porthole_fs_path_open           (PortholeFsPolicy  *self,
                                                   PortholeFsPath    *path,
                                                   int                flags,
                                                   mode_t             mode,
                                                   GError           **error);
int               porthole_fs_path_open_parent    (PortholeFsPolicy  *self,
                                                   PortholeFsPath    *path,
                                                   gboolean           create,
                                                   GError           **error);
const char       *porthole_fs_path_get_name       (PortholeFsPath    *path);
gboolean          porthole_fs_path_is_root        (PortholeFsPath    *path);
gboolean          porthole_fs_path_is_under       (const char        *path,
                                                   const char        *top);
void              porthole_fs_path_clear          (PortholeFsPath    *path);

void              porthole_fs_set_error           (GError           **error,
                                                   int                errsv,
                                                   const char        *path);
gboolean          porthole_fs_path_make_directory (PortholeFsPolicy  *self,
                                                   PortholeFsPath    *path,
                                                   mode_t             mode,
                                                   gboolean          *created,
                                                   GError           **error);
gboolean          porthole_fs_mkdir_exact         (int                dirfd,
                                                   const char        *name,
                                                   mode_t             mode,
                                                   gboolean          *created,
                                                   const char        *display,
                                                   GError           **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeFsPath, porthole_fs_path_clear)

G_END_DECLS
