/* porthole-fs-mounts.h — where a file lies in its file system, whatever
 * mount (a bind mount of some directory, say) it is reached through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* A place in a file system: the same for every mount that shows it. */
typedef struct
{
  /* The file system (mountinfo's major:minor). */
  dev_t device;
  /* Absolute, below the file system's own root. */
  char *path;
} PortholeFsLocation;

#define PORTHOLE_TYPE_FS_MOUNTS (porthole_fs_mounts_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFsMounts, porthole_fs_mounts, PORTHOLE, FS_MOUNTS, GObject)

PortholeFsMounts *porthole_fs_mounts_new       (void);
gboolean          porthole_fs_mounts_locate    (PortholeFsMounts   *self,
                                                guint64             mount_id,
                                                const char         *real_path,
                                                PortholeFsLocation *location);

void              porthole_fs_location_clear   (PortholeFsLocation *location);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeFsLocation, porthole_fs_location_clear)

G_END_DECLS
