/* porthole-fs-policy.c
 *
 * API.md §5 and SECURITY.md §7. A path is normalised lexically (relative
 * to the workspace, `.` and `..` folded) and checked against the allowed
 * roots and the deny list; then it is opened by descriptor under its
 * root, never re-resolved as a string. openat2() does the resolving:
 * under a restricted root with RESOLVE_BENEATH, so a symbolic link that
 * leads out of the root fails (EXDEV) instead of being followed; under
 * "/" with RESOLVE_IN_ROOT, which is ordinary resolution. Without
 * openat2() a restricted root is walked component by component with
 * O_NOFOLLOW, refusing every link. What was opened is checked once more,
 * for what it really is (porthole_fs_policy_check_entry() does the same
 * for a name in a directory, and for what a link there leads to):
 *
 * - its real path against the deny list, which catches links into denied
 *   places;
 * - where it lies in its file system (porthole-fs-mounts.c) against
 *   where the denied paths lie, which catches bind mounts of them;
 * - its device and inode (porthole-fs-identities.c), which catches hard
 *   links to denied files.
 *
 * Denied are the deny list, the daemon's private files and its state
 * directory; their identities and places are taken again at each
 * resolve, so files replaced or created since are known as they are now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "porthole-config.h"
#include "porthole-error.h"
#include "porthole-fs-identities.h"
#include "porthole-fs-mounts.h"
#include "porthole-fs-policy.h"
#include "porthole-target-user.h"

/* File events check the policy without a request to refresh it: they
 * refresh it themselves, at most this often. */
#define EVENT_REFRESH_USEC (100 * 1000)

struct _PortholeFsPolicy
{
  GObject parent_instance;

  PortholeConfig *config;
  char *workspace;
  /* The kernel has no openat2(), or PORTHOLE_FS_NO_OPENAT2 is set (to
   * exercise the fallback). */
  gboolean no_openat2;

  PortholeFsMounts *mounts;
  PortholeFsIdentities *identities;
  /* Where the denied paths that exist lie (PortholeFsLocation). */
  GArray *locations;
  gint64 refreshed_at;
};

G_DEFINE_FINAL_TYPE (PortholeFsPolicy, porthole_fs_policy, G_TYPE_OBJECT)

static void refresh (PortholeFsPolicy *self);

static void
porthole_fs_policy_finalize (GObject *object)
{
  PortholeFsPolicy *self = (PortholeFsPolicy *)object;

  g_clear_object (&self->config);
  g_clear_pointer (&self->workspace, g_free);
  g_clear_object (&self->mounts);
  g_clear_object (&self->identities);
  g_clear_pointer (&self->locations, g_array_unref);

  G_OBJECT_CLASS (porthole_fs_policy_parent_class)->finalize (object);
}

static void
porthole_fs_policy_class_init (PortholeFsPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_fs_policy_finalize;
}

static void
porthole_fs_policy_init (PortholeFsPolicy *self)
{
  self->mounts = porthole_fs_mounts_new ();
  self->identities = porthole_fs_identities_new ();
  self->locations = g_array_new (FALSE, TRUE, sizeof (PortholeFsLocation));
  g_array_set_clear_func (self->locations, (GDestroyNotify) porthole_fs_location_clear);
}

/**
 * porthole_fs_policy_new:
 * @config: roots and deny list are read from it at each use, so a
 *   reload applies at once
 * @workspace: what relative paths are relative to
 */
PortholeFsPolicy *
porthole_fs_policy_new (PortholeConfig *config,
                        const char     *workspace)
{
  PortholeFsPolicy *self = g_object_new (PORTHOLE_TYPE_FS_POLICY, NULL);

  self->config = g_object_ref (config);
  self->workspace = g_strdup (workspace);
  self->no_openat2 = g_getenv ("PORTHOLE_FS_NO_OPENAT2") != NULL;

  /* Held from the start: a denied file replaced before the first request
   * stays denied under the names its old inode still has. */
  refresh (self);

  return self;
}

/* Errors */

/**
 * porthole_fs_set_error:
 * @errsv: an errno value from a file operation on @path
 *
 * Sets the protocol's error for @errsv (API.md §1.6). Out of space is
 * %G_IO_ERROR_NO_SPACE, answered with 507.
 */
void
porthole_fs_set_error (GError     **error,
                       int          errsv,
                       const char  *path)
{
  switch (errsv)
    {
    case ENOENT:
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_NOT_FOUND, "File not found: %s", path);
      break;
    case EXDEV:
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PATH_NOT_ALLOWED,
                   "Path not allowed: %s leads outside the allowed roots", path);
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PERMISSION_DENIED,
                   "Permission denied: %s: %s", path, g_strerror (errsv));
      break;
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
    case EINVAL:
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH, "Invalid path %s: %s",
                   path, g_strerror (errsv));
      break;
    case EEXIST:
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_ALREADY_EXISTS, "File already exists: %s", path);
      break;
    case ENOSPC:
    case EDQUOT:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left for %s: %s", path, g_strerror (errsv));
      break;
    default:
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED, "%s: %s",
                   path, g_strerror (errsv));
      break;
    }
}

static gboolean
not_allowed (GError     **error,
             const char  *path)
{
  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PATH_NOT_ALLOWED, "Path not allowed: %s", path);
  return FALSE;
}

/* Lexical checks */

/**
 * porthole_fs_path_is_under:
 * @path: a normalised absolute path
 * @top: another
 *
 * Returns: %TRUE if @path is @top or lies below it
 */
gboolean
porthole_fs_path_is_under (const char *path,
                           const char *top)
{
  gsize length = strlen (top);

  if (g_str_equal (top, "/"))
    return TRUE;

  return strncmp (path, top, length) == 0 && (path[length] == '\0' || path[length] == '/');
}

static char *
dup_state_dir (PortholeFsPolicy *self)
{
  const char *state = porthole_config_get_state_dir (self->config);

  return state ? g_canonicalize_filename (state, NULL) : NULL;
}

/**
 * porthole_fs_policy_is_denied:
 * @absolute: a normalised absolute path
 *
 * Returns: %TRUE if @absolute is on the deny list, is one of the daemon's
 *   private files or lies in its state directory
 */
gboolean
porthole_fs_policy_is_denied (PortholeFsPolicy *self,
                              const char       *absolute)
{
  const char *const *deny = porthole_config_get_files_deny (self->config);
  g_auto(GStrv) private = porthole_config_dup_private_files (self->config);
  g_autofree char *state = dup_state_dir (self);

  for (guint i = 0; deny && deny[i]; i++)
    if (porthole_fs_path_is_under (absolute, deny[i]))
      return TRUE;

  for (guint i = 0; private[i]; i++)
    if (g_str_equal (absolute, private[i]))
      return TRUE;

  return state != NULL && porthole_fs_path_is_under (absolute, state);
}

/* Identities and places */

/* Where @fd really is (the kernel's name for it). */
static char *
real_path_of (int fd)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);

  return g_file_read_link (link, NULL);
}

/* fstatat() plus the mount the file is in. */
static gboolean
stat_file (int          dirfd,
           const char  *name,
           int          flags,
           struct stat *st,
           guint64     *mount_id)
{
  struct statx stx;

  if (statx (dirfd, name, flags | AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS | STATX_MNT_ID, &stx) != 0)
    return FALSE;

  memset (st, 0, sizeof *st);
  st->st_dev = makedev (stx.stx_dev_major, stx.stx_dev_minor);
  st->st_ino = stx.stx_ino;
  st->st_mode = stx.stx_mode;
  st->st_nlink = stx.stx_nlink;
  st->st_uid = stx.stx_uid;
  st->st_gid = stx.stx_gid;
  st->st_rdev = makedev (stx.stx_rdev_major, stx.stx_rdev_minor);
  st->st_size = stx.stx_size;
  st->st_blksize = stx.stx_blksize;
  st->st_blocks = stx.stx_blocks;
  st->st_atim = (struct timespec) { stx.stx_atime.tv_sec, stx.stx_atime.tv_nsec };
  st->st_mtim = (struct timespec) { stx.stx_mtime.tv_sec, stx.stx_mtime.tv_nsec };
  st->st_ctim = (struct timespec) { stx.stx_ctime.tv_sec, stx.stx_ctime.tv_nsec };
  /* Linux < 5.8 cannot tell: bind mounts go unrecognised there. */
  *mount_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;

  return TRUE;
}

/* The deny list, the private files and the state directory. */
static GStrv
dup_denied_paths (PortholeFsPolicy *self)
{
  const char *const *deny = porthole_config_get_files_deny (self->config);
  g_auto(GStrv) private = porthole_config_dup_private_files (self->config);
  g_autofree char *state = dup_state_dir (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (deny != NULL)
    g_strv_builder_addv (builder, (const char **) deny);
  g_strv_builder_addv (builder, (const char **) private);
  if (state != NULL)
    g_strv_builder_add (builder, state);

  return g_strv_builder_end (builder);
}

/* Takes again where the denied paths lie and what they are: they may
 * have been replaced, created or mounted since. */
static void
refresh (PortholeFsPolicy *self)
{
  g_auto(GStrv) paths = dup_denied_paths (self);
  guint n = g_strv_length (paths);
  g_autofree int *fds = g_new (int, n + 1);
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* The daemon's own files, opened as the daemon (see denies()). */
  porthole_fs_as_daemon_begin (&identity);

  g_array_set_size (self->locations, 0);
  for (guint i = 0; i < n; i++)
    {
      PortholeFsLocation location;
      g_autofree char *real = NULL;
      guint64 mount_id;
      struct stat st;

      fds[i] = open (paths[i], O_PATH | O_CLOEXEC);
      if (fds[i] >= 0 && (real = real_path_of (fds[i])) != NULL &&
          stat_file (fds[i], "", AT_EMPTY_PATH, &st, &mount_id) && mount_id != 0 &&
          porthole_fs_mounts_locate (self->mounts, mount_id, real, &location))
        g_array_append_val (self->locations, location);
    }

  porthole_fs_identities_update (self->identities, (const char *const *) paths, fds);
  for (guint i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  self->refreshed_at = g_get_monotonic_time ();
}

/* Whether @real, in mount @mount_id, lies where a denied path does,
 * however it is mounted. */
static gboolean
location_is_denied (PortholeFsPolicy *self,
                    guint64           mount_id,
                    const char       *real)
{
  g_auto(PortholeFsLocation) here = { 0 };

  if (mount_id == 0 || self->locations->len == 0)
    return FALSE;

  /* A mount the table does not show (detached since): refused. */
  if (!porthole_fs_mounts_locate (self->mounts, mount_id, real, &here))
    return TRUE;

  for (guint i = 0; i < self->locations->len; i++)
    {
      PortholeFsLocation *denied = &g_array_index (self->locations, PortholeFsLocation, i);

      if (denied->device == here.device && porthole_fs_path_is_under (here.path, denied->path))
        return TRUE;
    }

  return FALSE;
}

/* What @real (described by @st and @mount_id) is denied by: its name,
 * its place, or its identity. */
static gboolean
denies (PortholeFsPolicy  *self,
        const char        *real,
        const struct stat *st,
        guint64            mount_id)
{
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* The denied places are looked into as the daemon, even for a
   * request done as the target user. */
  porthole_fs_as_daemon_begin (&identity);
  return porthole_fs_policy_is_denied (self, real) ||
         location_is_denied (self, mount_id, real) ||
         porthole_fs_identities_contains (self->identities, st);
}

/* Whether @target lies in the allowed root holding @real (the innermost,
 * as porthole_fs_policy_resolve() picks it): where reading @real through
 * a link to @target would be allowed to go. */
static gboolean
within_root_of (PortholeFsPolicy *self,
                const char       *real,
                const char       *target)
{
  const char *const *roots = porthole_config_get_files_allowed_roots (self->config);
  const char *root = NULL;

  for (guint i = 0; roots[i]; i++)
    if (porthole_fs_path_is_under (real, roots[i]) && (root == NULL || strlen (roots[i]) > strlen (root)))
      root = roots[i];

  return root != NULL && porthole_fs_path_is_under (target, root);
}

/* Absolute, without `.`, `..` or repeated slashes; NULL if a component
 * is too long. */
static char *
normalise (const char *input,
           const char *base)
{
  g_autofree char *joined = g_path_is_absolute (input) ? g_strdup (input)
                                                       : g_build_filename (base, input, NULL);
  g_auto(GStrv) parts = g_strsplit (joined, "/", -1);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          if (stack->len > 0)
            g_ptr_array_set_size (stack, stack->len - 1);
          continue;
        }
      if (strlen (parts[i]) > NAME_MAX)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_ptr_array_add (stack, parts[i]);
    }

  for (guint i = 0; i < stack->len; i++)
    g_string_append_printf (out, "/%s", (const char *) g_ptr_array_index (stack, i));
  if (out->len == 0)
    g_string_append_c (out, '/');

  return g_string_free (out, FALSE);
}

/**
 * porthole_fs_policy_resolve:
 * @input: the client's path: absolute, or relative to the workspace
 * @path: (out caller-allocates): where it is; clear it after use
 *
 * Checks @input lexically: length, encoding, allowed roots, deny list.
 * Nothing is opened but the root. The identities and places of the
 * denied paths are taken again here, once per request.
 */
gboolean
porthole_fs_policy_resolve (PortholeFsPolicy  *self,
                            const char        *input,
                            PortholeFsPath    *path,
                            GError           **error)
{
  const char *const *roots = porthole_config_get_files_allowed_roots (self->config);
  g_autofree char *absolute = NULL;
  const char *root = NULL;
  int fd;

  g_return_val_if_fail (PORTHOLE_IS_FS_POLICY (self), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  memset (path, 0, sizeof *path);
  path->root_fd = -1;

  refresh (self);

  if (strlen (input) >= PATH_MAX || !g_utf8_validate (input, -1, NULL) ||
      (absolute = normalise (input, self->workspace)) == NULL || strlen (absolute) >= PATH_MAX)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                   "Invalid path: too long or not UTF-8");
      return FALSE;
    }

  /* The innermost root holding the path. */
  for (guint i = 0; roots[i]; i++)
    if (porthole_fs_path_is_under (absolute, roots[i]) && (root == NULL || strlen (roots[i]) > strlen (root)))
      root = roots[i];

  if (root == NULL || porthole_fs_policy_is_denied (self, absolute))
    return not_allowed (error, absolute);

  fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      porthole_fs_set_error (error, errno, root);
      return FALSE;
    }

  path->path = g_steal_pointer (&absolute);
  path->root = g_strdup (root);
  path->root_fd = fd;
  path->restricted = !g_str_equal (root, "/");
  if (g_str_equal (path->path, root))
    path->relative = g_strdup (".");
  else
    path->relative = g_strdup (path->path + (path->restricted ? strlen (root) + 1 : 1));

  return TRUE;
}

void
porthole_fs_path_clear (PortholeFsPath *path)
{
  g_clear_pointer (&path->path, g_free);
  g_clear_pointer (&path->root, g_free);
  g_clear_pointer (&path->relative, g_free);
  if (path->root_fd >= 0)
    close (path->root_fd);
  path->root_fd = -1;
}

/**
 * porthole_fs_path_get_name:
 *
 * Returns: the last component of @path, or %NULL for "/"
 */
const char *
porthole_fs_path_get_name (PortholeFsPath *path)
{
  const char *slash = strrchr (path->path, '/');

  return slash[1] != '\0' ? slash + 1 : NULL;
}

/**
 * porthole_fs_path_is_root:
 *
 * Returns: %TRUE if @path is its allowed root itself
 */
gboolean
porthole_fs_path_is_root (PortholeFsPath *path)
{
  return g_str_equal (path->relative, ".");
}

/* Opening */

/* No openat2(), restricted root: each directory on the way is opened
 * without following links, and a link anywhere is refused (EXDEV). */
static int
walk_nofollow (int         root_fd,
               const char *relative,
               int         flags,
               mode_t      mode)
{
  g_auto(GStrv) parts = g_strsplit (relative, "/", -1);
  guint n = g_strv_length (parts);
  int dir = dup (root_fd);
  int fd;

  if (g_str_equal (relative, "."))
    {
      fd = openat (root_fd, ".", flags | O_CLOEXEC, mode);
      close (dir);
      return fd;
    }

  for (guint i = 0; i < n; i++)
    {
      gboolean last = i + 1 == n;
      struct stat st;
      int errsv;

      fd = openat (dir, parts[i], last ? flags | O_NOFOLLOW | O_CLOEXEC
                                      : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, mode);
      errsv = errno;
      if (fd >= 0 && last && (flags & O_PATH) && fstat (fd, &st) == 0 && S_ISLNK (st.st_mode))
        {
          close (fd);
          fd = -1;
          errsv = EXDEV;
        }
      else if (fd < 0 && (errsv == ELOOP || errsv == ENOTDIR) &&
               fstatat (dir, parts[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
        errsv = EXDEV;

      close (dir);
      if (fd < 0)
        {
          errno = errsv;
          return -1;
        }
      dir = fd;
    }

  return dir;
}

static int
open_below (PortholeFsPolicy *self,
            PortholeFsPath   *path,
            const char       *relative,
            int               flags,
            mode_t            mode)
{
  if (!self->no_openat2)
    {
      struct open_how how = {
        .flags = flags | O_CLOEXEC,
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_NO_MAGICLINKS | (path->restricted ? RESOLVE_BENEATH : RESOLVE_IN_ROOT),
      };
      int fd = syscall (SYS_openat2, path->root_fd, relative, &how, sizeof how);

      if (fd >= 0 || errno != ENOSYS)
        return fd;
      self->no_openat2 = TRUE;
    }

  if (path->restricted)
    return walk_nofollow (path->root_fd, relative, flags, mode);

  return openat (path->root_fd, relative, flags | O_CLOEXEC, mode);
}

/* Refuses what @fd is open on if it is denied, however it was reached. */
static gboolean
check_object (PortholeFsPolicy  *self,
              int                fd,
              const char        *display,
              GError           **error)
{
  g_autofree char *real = real_path_of (fd);
  guint64 mount_id;
  struct stat st;

  if (real == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                   "Cannot tell where %s is (is /proc mounted?)", display);
      return FALSE;
    }

  if (!stat_file (fd, "", AT_EMPTY_PATH, &st, &mount_id))
    {
      porthole_fs_set_error (error, errno, display);
      return FALSE;
    }

  if (denies (self, real, &st, mount_id))
    return not_allowed (error, display);

  return TRUE;
}

/**
 * porthole_fs_policy_check_entry:
 * @dirfd: a directory the policy let be opened
 * @name: an entry in it
 * @display: (nullable): the path errors name; the real one if %NULL
 * @flags: %PORTHOLE_FS_CHECK_NOFOLLOW not to look where a link leads
 * @entry: (out caller-allocates): the entry, as it may be shown
 *
 * Refuses @name if it is a denied file (by its real path, where it lies,
 * or what it is: a hard link to a denied file, a bind mount of a denied
 * directory), or a link to one. A link is followed for that however it
 * resolves, so a link to a denied file is refused even where the policy
 * would not follow it; what it leads to is shown only when that is inside
 * the allowed root holding @name. Uses what the last
 * porthole_fs_policy_resolve() knew of the denied paths.
 *
 * Returns: %FALSE with @error set if @name is missing
 *   (%PORTHOLE_ERROR_FILE_NOT_FOUND), denied
 *   (%PORTHOLE_ERROR_PATH_NOT_ALLOWED) or cannot be looked at
 */
gboolean
porthole_fs_policy_check_entry (PortholeFsPolicy  *self,
                                int                dirfd,
                                const char        *name,
                                const char        *display,
                                PortholeFsCheckFlags flags,
                                PortholeFsEntry   *entry,
                                GError           **error)
{
  g_autofree char *real_dir = real_path_of (dirfd);
  g_autofree char *real = NULL;
  int fd;

  g_return_val_if_fail (PORTHOLE_IS_FS_POLICY (self), FALSE);

  memset (entry, 0, sizeof *entry);
  if (real_dir == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                   "Cannot tell where %s is (is /proc mounted?)", display ? display : name);
      return FALSE;
    }
  real = g_build_filename (real_dir, name, NULL);
  if (display == NULL)
    display = real;

  /* A denied name is refused before it is looked at. */
  if (porthole_fs_policy_is_denied (self, real))
    return not_allowed (error, display);

  if (!stat_file (dirfd, name, AT_SYMLINK_NOFOLLOW, &entry->st, &entry->mount_id))
    {
      porthole_fs_set_error (error, errno, display);
      return FALSE;
    }

  if (denies (self, real, &entry->st, entry->mount_id))
    return not_allowed (error, display);

  if (!S_ISLNK (entry->st.st_mode) || (flags & PORTHOLE_FS_CHECK_NOFOLLOW))
    return TRUE;

  /* O_PATH: nothing is opened for reading, a FIFO does not block. */
  fd = openat (dirfd, name, O_PATH | O_CLOEXEC);
  if (fd >= 0)
    {
      g_autofree char *target = real_path_of (fd);
      guint64 mount_id;
      gboolean denied;

      denied = target == NULL || !stat_file (fd, "", AT_EMPTY_PATH, &entry->target, &mount_id) ||
               denies (self, target, &entry->target, mount_id);
      entry->has_target = !denied && within_root_of (self, real, target);
      close (fd);
      if (denied)
        return not_allowed (error, display);
    }

  return TRUE;
}

/* porthole_fs_policy_check_entry(), where a missing entry is fine. */
static gboolean
check_name (PortholeFsPolicy  *self,
            int                dirfd,
            const char        *name,
            const char        *display,
            GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  PortholeFsEntry entry;

  if (porthole_fs_policy_check_entry (self, dirfd, name, display, PORTHOLE_FS_CHECK_DEFAULT, &entry, &local_error) ||
      g_error_matches (local_error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_NOT_FOUND))
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * porthole_fs_policy_hides:
 * @path: an absolute path learnt otherwise than through the policy (a
 *   file event)
 *
 * Returns: %TRUE if the file API refuses @path, or would if it still
 *   existed
 */
gboolean
porthole_fs_policy_hides (PortholeFsPolicy *self,
                          const char       *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  gboolean hidden;
  int dirfd;

  g_return_val_if_fail (PORTHOLE_IS_FS_POLICY (self), TRUE);

  if (porthole_fs_policy_is_denied (self, path))
    return TRUE;

  if (g_get_monotonic_time () - self->refreshed_at > EVENT_REFRESH_USEC)
    refresh (self);

  /* Gone already: its name was all there was to check. */
  dirfd = open (parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return FALSE;

  hidden = !check_object (self, dirfd, parent, NULL) ||
           (!g_str_equal (path, "/") && !check_name (self, dirfd, name, path, NULL));
  close (dirfd);

  return hidden;
}

/**
 * porthole_fs_path_open:
 * @flags: open() flags (O_CLOEXEC is added)
 *
 * Opens @path itself, following links only where the policy allows.
 *
 * Returns: a descriptor, or -1 with @error set
 */
int
porthole_fs_path_open (PortholeFsPolicy  *self,
                       PortholeFsPath    *path,
                       int                flags,
                       mode_t             mode,
                       GError           **error)
{
  int fd = open_below (self, path, path->relative, flags, mode);

  if (fd < 0)
    {
      int errsv = errno;

      /* A denied place is refused as such, whatever else is wrong with
       * opening it (a link to /etc/shadow is not "not a directory"). */
      if (errsv != ENOENT && errsv != EXDEV && !(flags & O_PATH) &&
          (fd = open_below (self, path, path->relative, O_PATH, 0)) >= 0)
        {
          gboolean allowed = check_object (self, fd, path->path, error);

          close (fd);
          if (!allowed)
            return -1;
        }
      porthole_fs_set_error (error, errsv, path->path);
      return -1;
    }

  if (!check_object (self, fd, path->path, error))
    {
      close (fd);
      return -1;
    }

  return fd;
}

/**
 * porthole_fs_mkdir_exact:
 * @created: (out) (optional): whether it was created now
 * @display: the path errors name
 *
 * mkdirat() with @mode applied exactly (not masked by the umask); an
 * existing directory is fine.
 */
gboolean
porthole_fs_mkdir_exact (int          dirfd,
                         const char  *name,
                         mode_t       mode,
                         gboolean    *created,
                         const char  *display,
                         GError     **error)
{
  int fd;

  if (created != NULL)
    *created = FALSE;

  if (mkdirat (dirfd, name, mode) != 0)
    {
      struct stat st;

      int errsv = errno;

      /* `mkdir -p`: an existing directory (or a link to one) is fine. */
      if (errsv == EEXIST && fstatat (dirfd, name, &st, 0) == 0 && S_ISDIR (st.st_mode))
        return TRUE;
      porthole_fs_set_error (error, errsv, display);
      return FALSE;
    }

  if (created != NULL)
    *created = TRUE;

  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    {
      if (fchmod (fd, mode) != 0)
        g_debug ("Cannot set the mode of %s: %s", name, g_strerror (errno));
      close (fd);
    }

  return TRUE;
}

/**
 * porthole_fs_path_make_directory:
 * @path: resolved by porthole_fs_policy_resolve()
 * @created: (out) (optional): whether it was created now
 *
 * `mkdir -p` under the policy: the missing parents and @path itself,
 * each created below the root; an existing directory is fine.
 */
gboolean
porthole_fs_path_make_directory (PortholeFsPolicy  *self,
                                 PortholeFsPath    *path,
                                 mode_t             mode,
                                 gboolean          *created,
                                 GError           **error)
{
  gboolean ok;
  int dirfd;

  if (created != NULL)
    *created = FALSE;
  if (porthole_fs_path_is_root (path))
    return TRUE;

  dirfd = porthole_fs_path_open_parent (self, path, TRUE, error);
  if (dirfd < 0)
    return FALSE;
  ok = porthole_fs_mkdir_exact (dirfd, porthole_fs_path_get_name (path), mode, created, path->path, error);
  close (dirfd);

  return ok;
}

/* Opens the directory @relative (below the root), creating what is
 * missing of it, one component at a time, each under the root. */
static int
open_directory (PortholeFsPolicy  *self,
                PortholeFsPath    *path,
                const char        *relative,
                gboolean           create,
                GError           **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) prefix = NULL;
  int fd;

  fd = open_below (self, path, relative, O_RDONLY | O_DIRECTORY, 0);
  if (fd >= 0 || errno != ENOENT || !create)
    {
      if (fd < 0)
        porthole_fs_set_error (error, errno, path->path);
      return fd;
    }

  parts = g_strsplit (relative, "/", -1);
  prefix = g_string_new (NULL);
  for (guint i = 0; parts[i]; i++)
    {
      int parent;

      /* O_PATH: a directory on the way needs only to be passed through
       * (`user=` acts as a user who may not read it). */
      parent = open_below (self, path, prefix->len ? prefix->str : ".", O_PATH | O_DIRECTORY, 0);
      if (parent < 0)
        {
          porthole_fs_set_error (error, errno, path->path);
          return -1;
        }
      if (!check_name (self, parent, parts[i], path->path, error) ||
          !porthole_fs_mkdir_exact (parent, parts[i], 0755, NULL, path->path, error))
        {
          close (parent);
          return -1;
        }
      close (parent);

      if (prefix->len)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);
    }

  fd = open_below (self, path, relative, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0)
    porthole_fs_set_error (error, errno, path->path);

  return fd;
}

/**
 * porthole_fs_path_open_parent:
 * @create: create missing parent directories (0755)
 *
 * Opens the directory holding @path, for operations on its last
 * component (porthole_fs_path_get_name()) that must not follow it.
 *
 * Returns: a directory descriptor (O_RDONLY), or -1 with @error set
 */
int
porthole_fs_path_open_parent (PortholeFsPolicy  *self,
                              PortholeFsPath    *path,
                              gboolean           create,
                              GError           **error)
{
  g_autofree char *parent = NULL;
  const char *slash;
  int fd;

  if (porthole_fs_path_is_root (path))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PATH_NOT_ALLOWED,
                   "Path not allowed: %s is an allowed root", path->path);
      return -1;
    }

  slash = strrchr (path->relative, '/');
  parent = slash ? g_strndup (path->relative, slash - path->relative) : g_strdup (".");

  fd = open_directory (self, path, parent, create, error);
  if (fd < 0)
    return -1;

  /* The directory, then the entry: a hard link to a denied file, or a
   * link to one, is refused even though only the name is acted on. */
  if (!check_object (self, fd, path->path, error) ||
      !check_name (self, fd, porthole_fs_path_get_name (path), path->path, error))
    {
      close (fd);
      return -1;
    }

  return fd;
}
