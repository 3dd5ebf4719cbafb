/* porthole-fs-identities.h — denied files known by what they are (device
 * and inode), so that another name for one (a hard link) is denied too
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/stat.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_FS_IDENTITIES (porthole_fs_identities_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFsIdentities, porthole_fs_identities, PORTHOLE, FS_IDENTITIES, GObject)

PortholeFsIdentities *porthole_fs_identities_new      (void);
void                  porthole_fs_identities_update   (PortholeFsIdentities *self,
                                                       const char *const    *paths,
                                                       const int            *fds);
gboolean              porthole_fs_identities_contains (PortholeFsIdentities *self,
                                                       const struct stat    *st);

G_END_DECLS
