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
 * O_NOFOLLOW, refusing every link. What was opened is checked once more
 * against the deny list by its real path, which catches links into
 * denied places.
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
#include <unistd.h>

#include "porthole-config.h"
#include "porthole-error.h"
#include "porthole-fs-policy.h"

struct _PortholeFsPolicy
{
  GObject parent_instance;

  PortholeConfig *config;
  char *workspace;
  /* The kernel has no openat2(), or PORTHOLE_FS_NO_OPENAT2 is set (to
   * exercise the fallback). */
  gboolean no_openat2;
};

G_DEFINE_FINAL_TYPE (PortholeFsPolicy, porthole_fs_policy, G_TYPE_OBJECT)

static void
porthole_fs_policy_finalize (GObject *object)
{
  PortholeFsPolicy *self = (PortholeFsPolicy *)object;

  g_clear_object (&self->config);
  g_clear_pointer (&self->workspace, g_free);

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

/**
 * porthole_fs_policy_is_denied:
 * @absolute: a normalised absolute path
 *
 * Returns: %TRUE if @absolute is on the deny list or is one of the
 *   daemon's private files
 */
gboolean
porthole_fs_policy_is_denied (PortholeFsPolicy *self,
                              const char       *absolute)
{
  const char *const *deny = porthole_config_get_files_deny (self->config);
  g_auto(GStrv) private = porthole_config_dup_private_files (self->config);

  for (guint i = 0; deny && deny[i]; i++)
    if (porthole_fs_path_is_under (absolute, deny[i]))
      return TRUE;

  for (guint i = 0; private[i]; i++)
    if (g_str_equal (absolute, private[i]))
      return TRUE;

  return FALSE;
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
 * Nothing is opened but the root.
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

/* Where @fd really is (plus "/@name"), against the deny list: links into
 * denied places are refused however they were reached. */
static gboolean
check_real_path (PortholeFsPolicy  *self,
                 int                fd,
                 const char        *name,
                 const char        *display,
                 GError           **error)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree char *real = g_file_read_link (link, NULL);
  g_autofree char *full = NULL;

  if (real == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                   "Cannot tell where %s is (is /proc mounted?)", display);
      return FALSE;
    }

  full = name ? g_build_filename (real, name, NULL) : g_steal_pointer (&real);
  if (porthole_fs_policy_is_denied (self, full))
    return not_allowed (error, display);

  return TRUE;
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
          gboolean allowed = check_real_path (self, fd, NULL, path->path, error);

          close (fd);
          if (!allowed)
            return -1;
        }
      porthole_fs_set_error (error, errsv, path->path);
      return -1;
    }

  if (!check_real_path (self, fd, NULL, path->path, error))
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

      parent = open_below (self, path, prefix->len ? prefix->str : ".", O_RDONLY | O_DIRECTORY, 0);
      if (parent < 0)
        {
          porthole_fs_set_error (error, errno, path->path);
          return -1;
        }
      if (!check_real_path (self, parent, parts[i], path->path, error) ||
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

  if (!check_real_path (self, fd, porthole_fs_path_get_name (path), path->path, error))
    {
      close (fd);
      return -1;
    }

  return fd;
}
