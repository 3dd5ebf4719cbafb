/* porthole-fs-mounts.c
 *
 * A file's real path (what /proc/self/fd says) tells where it is in the
 * mount tree, not in its file system: a bind mount of /etc at
 * /workspace/etc shows /etc/shadow as /workspace/etc/shadow. Each line of
 * /proc/self/mountinfo names the directory of its file system a mount
 * shows (`root`) and where (`mount point`); through it the path becomes
 * /etc/shadow again, which the deny list recognises. The table is read
 * again when the kernel says the mounts changed (poll() on the file
 * reports POLLPRI).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "porthole-fs-mounts.h"
#include "porthole-fs-policy.h"

typedef struct
{
  dev_t device;
  char *root;
  char *mount_point;
} Mount;

struct _PortholeFsMounts
{
  GObject parent_instance;

  /* /proc/self/mountinfo, kept open to be polled. */
  int fd;
  /* Mount id (guint64) → Mount. */
  GHashTable *by_id;
};

G_DEFINE_FINAL_TYPE (PortholeFsMounts, porthole_fs_mounts, G_TYPE_OBJECT)

static void
mount_free (Mount *mount)
{
  g_free (mount->root);
  g_free (mount->mount_point);
  g_free (mount);
}

/* Spaces, tabs, newlines and backslashes come as \NNN (octal). */
static char *
unescape (const char *field)
{
  GString *out = g_string_sized_new (strlen (field));

  for (const char *p = field; *p; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
          p[3] >= '0' && p[3] <= '7')
        {
          g_string_append_c (out, (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0')));
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw` */
static void
parse (PortholeFsMounts *self,
       const char       *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 6);
      guint major, minor;
      guint64 id;
      Mount *mount;

      if (g_strv_length (fields) < 5 || !g_ascii_string_to_unsigned (fields[0], 10, 0, G_MAXUINT64, &id, NULL) ||
          sscanf (fields[2], "%u:%u", &major, &minor) != 2)
        continue;

      mount = g_new0 (Mount, 1);
      mount->device = makedev (major, minor);
      mount->root = unescape (fields[3]);
      mount->mount_point = unescape (fields[4]);
      g_hash_table_replace (self->by_id, g_memdup2 (&id, sizeof id), mount);
    }
}

static void
reload (PortholeFsMounts *self)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  char buffer[16384];

  if (self->fd < 0 || lseek (self->fd, 0, SEEK_SET) != 0)
    {
      g_hash_table_remove_all (self->by_id);
      return;
    }

  for (;;)
    {
      gssize n = read (self->fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (contents, buffer, n);
    }

  parse (self, contents->str);
}

static void
porthole_fs_mounts_finalize (GObject *object)
{
  PortholeFsMounts *self = (PortholeFsMounts *)object;

  if (self->fd >= 0)
    close (self->fd);
  g_hash_table_unref (self->by_id);

  G_OBJECT_CLASS (porthole_fs_mounts_parent_class)->finalize (object);
}

static void
porthole_fs_mounts_class_init (PortholeFsMountsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_fs_mounts_finalize;
}

static void
porthole_fs_mounts_init (PortholeFsMounts *self)
{
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) mount_free);
  self->fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  reload (self);
}

PortholeFsMounts *
porthole_fs_mounts_new (void)
{
  return g_object_new (PORTHOLE_TYPE_FS_MOUNTS, NULL);
}

/**
 * porthole_fs_mounts_locate:
 * @mount_id: the mount @real_path is in (statx()'s STATX_MNT_ID)
 * @real_path: what the kernel calls the file (/proc/self/fd)
 * @location: (out caller-allocates): where it lies in its file system;
 *   clear it after use
 *
 * Returns: %FALSE if @mount_id is unknown or does not hold @real_path
 */
gboolean
porthole_fs_mounts_locate (PortholeFsMounts   *self,
                           guint64             mount_id,
                           const char         *real_path,
                           PortholeFsLocation *location)
{
  struct pollfd changed = { .fd = self->fd, .events = POLLPRI };
  const char *rest;
  Mount *mount;

  g_return_val_if_fail (PORTHOLE_IS_FS_MOUNTS (self), FALSE);

  location->device = 0;
  location->path = NULL;

  if (self->fd >= 0 && poll (&changed, 1, 0) > 0 && (changed.revents & (POLLERR | POLLPRI)))
    reload (self);

  mount = g_hash_table_lookup (self->by_id, &mount_id);
  if (mount == NULL || !porthole_fs_path_is_under (real_path, mount->mount_point))
    return FALSE;

  rest = g_str_equal (mount->mount_point, "/") ? real_path : real_path + strlen (mount->mount_point);
  location->device = mount->device;
  if (rest[0] == '\0' || g_str_equal (rest, "/"))
    location->path = g_strdup (mount->root);
  else if (g_str_equal (mount->root, "/"))
    location->path = g_strdup (rest);
  else
    location->path = g_strconcat (mount->root, rest, NULL);

  return TRUE;
}

void
porthole_fs_location_clear (PortholeFsLocation *location)
{
  g_clear_pointer (&location->path, g_free);
}
