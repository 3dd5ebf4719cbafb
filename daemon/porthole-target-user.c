/* porthole-target-user.c
 *
 * With `user=` a root daemon runs the sandbox's code and its file
 * operations as that user (SECURITY.md §6.6 and §7.2), so that code
 * cannot read the daemon's key files or state, nor make the daemon
 * read them for it.
 *
 * Children drop to the user between fork and exec (porthole-spawn.c).
 * File operations run on a daemon thread whose file-system identity is
 * switched for their duration: setfsuid()/setfsgid() are per thread on
 * Linux (the raw system calls: glibc's wrappers are too, but say
 * nothing of it), and the kernel checks file access against them, while
 * the thread keeps root's other credentials. Supplementary groups
 * cannot be switched per thread, so the whole daemon takes the user's
 * at start-up: root keeps its capabilities, which is all the daemon's
 * own file access needs, and a thread acting as the user then carries
 * exactly the user's groups.
 *
 * A switch that does not take aborts the daemon: going on would do the
 * user's file operation as root.
 *
 * Each change of the file-system identity makes the kernel mark the
 * daemon undumpable (commit_creds()), as does a child that changes its
 * credentials on the daemon's memory (porthole-spawn.c): with `user=`
 * the daemon leaves no core dump, and its keys stay out of one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "porthole-target-user.h"

/* Most groups a user may have (NGROUPS_MAX is 65536). */
#define MAX_GROUPS 65536

struct _PortholeTargetUser
{
  GObject parent_instance;

  char *name;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  guint n_groups;
  char *home;
  char *shell;
};

G_DEFINE_FINAL_TYPE (PortholeTargetUser, porthole_target_user, G_TYPE_OBJECT)

/* Set once at start-up, before any thread or child could ask. */
static PortholeTargetUser *default_user;

static void
porthole_target_user_finalize (GObject *object)
{
  PortholeTargetUser *self = (PortholeTargetUser *)object;

  g_free (self->name);
  g_free (self->groups);
  g_free (self->home);
  g_free (self->shell);

  G_OBJECT_CLASS (porthole_target_user_parent_class)->finalize (object);
}

static void
porthole_target_user_class_init (PortholeTargetUserClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_target_user_finalize;
}

static void
porthole_target_user_init (PortholeTargetUser *self)
{
}

/* getpwnam_r()/getpwuid_r() with a buffer that grows until it fits. */
static gboolean
find_passwd (const char     *name,
             uid_t           uid,
             struct passwd  *pwd,
             char          **buffer,
             int            *errsv)
{
  gsize size = 1024;

  for (;;)
    {
      struct passwd *result = NULL;
      int status;

      g_free (*buffer);
      *buffer = g_malloc (size);
      status = name != NULL ? getpwnam_r (name, pwd, *buffer, size, &result)
                            : getpwuid_r (uid, pwd, *buffer, size, &result);
      if (status == ERANGE && size < 1024 * 1024)
        {
          size *= 2;
          continue;
        }
      *errsv = status;
      return status == 0 && result != NULL;
    }
}

/**
 * porthole_target_user_lookup:
 * @name: a user name, or a numeric uid
 *
 * Reads the user's passwd entry and groups, once.
 *
 * Returns: (transfer full): the user, or %NULL with @error set if it is
 *   unknown
 */
PortholeTargetUser *
porthole_target_user_lookup (const char  *name,
                             GError     **error)
{
  g_autoptr(PortholeTargetUser) self = NULL;
  g_autofree char *buffer = NULL;
  g_autofree gid_t *groups = NULL;
  struct passwd pwd;
  guint64 number;
  int n_groups = 64;
  int errsv = 0;
  gboolean found;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_ascii_string_to_unsigned (name, 10, 0, G_MAXUINT32 - 1, &number, NULL))
    found = find_passwd (NULL, (uid_t) number, &pwd, &buffer, &errsv);
  else
    found = find_passwd (name, 0, &pwd, &buffer, &errsv);
  if (!found)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "user: no such user: %s%s%s", name,
                   errsv != 0 ? ": " : "", errsv != 0 ? g_strerror (errsv) : "");
      return NULL;
    }

  /* The count comes back when the array is too small. */
  for (;;)
    {
      int wanted = n_groups;

      g_free (groups);
      groups = g_new (gid_t, wanted);
      if (getgrouplist (pwd.pw_name, pwd.pw_gid, groups, &n_groups) >= 0)
        break;
      if (n_groups <= wanted || n_groups > MAX_GROUPS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "user: cannot list the groups of %s", pwd.pw_name);
          return NULL;
        }
    }

  self = g_object_new (PORTHOLE_TYPE_TARGET_USER, NULL);
  self->name = g_strdup (pwd.pw_name);
  self->uid = pwd.pw_uid;
  self->gid = pwd.pw_gid;
  self->groups = g_steal_pointer (&groups);
  self->n_groups = (guint) n_groups;
  self->home = g_strdup (pwd.pw_dir != NULL && pwd.pw_dir[0] == '/' ? pwd.pw_dir : "/");
  self->shell = g_strdup (pwd.pw_shell != NULL && pwd.pw_shell[0] == '/' ? pwd.pw_shell : "/bin/sh");

  return g_steal_pointer (&self);
}

/**
 * porthole_target_user_install:
 *
 * Makes @self the user for children and file operations, from now on.
 * Call it once at start-up, before any thread is started: a root daemon
 * takes the user's supplementary groups here (see the top). A daemon
 * that is not root can only name itself.
 */
gboolean
porthole_target_user_install (PortholeTargetUser  *self,
                              GError             **error)
{
  g_return_val_if_fail (PORTHOLE_IS_TARGET_USER (self), FALSE);
  g_return_val_if_fail (default_user == NULL, FALSE);

  if (geteuid () != 0 && (self->uid != geteuid () || self->gid != getegid ()))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "user: only a daemon running as root can run code as %s (uid %u); this one runs as uid %u",
                   self->name, (guint) self->uid, (guint) geteuid ());
      return FALSE;
    }

  if (porthole_target_user_switches (self) && setgroups (self->n_groups, self->groups) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "user: cannot take the groups of %s: %s", self->name, g_strerror (errsv));
      return FALSE;
    }

  default_user = g_object_ref (self);
  return TRUE;
}

/**
 * porthole_target_user_get_default:
 *
 * Returns: (transfer none) (nullable): the installed user, or %NULL
 *   without `user=`
 */
PortholeTargetUser *
porthole_target_user_get_default (void)
{
  return default_user;
}

const char *
porthole_target_user_get_name (PortholeTargetUser *self)
{
  return self->name;
}

uid_t
porthole_target_user_get_uid (PortholeTargetUser *self)
{
  return self->uid;
}

gid_t
porthole_target_user_get_gid (PortholeTargetUser *self)
{
  return self->gid;
}

const gid_t *
porthole_target_user_get_groups (PortholeTargetUser *self,
                                 guint              *n_groups)
{
  *n_groups = self->n_groups;
  return self->groups;
}

const char *
porthole_target_user_get_home (PortholeTargetUser *self)
{
  return self->home;
}

const char *
porthole_target_user_get_shell (PortholeTargetUser *self)
{
  return self->shell;
}

/**
 * porthole_target_user_switches:
 *
 * Returns: whether acting as @self means changing identity: a root
 *   daemon and another user
 */
gboolean
porthole_target_user_switches (PortholeTargetUser *self)
{
  return geteuid () == 0 && (self->uid != 0 || self->gid != 0);
}

static uid_t take_uid;
static gid_t take_gid;

static int
take_entry (const char        *path,
            const struct stat *st,
            int                type,
            struct FTW        *ftw)
{
  if (lchown (path, take_uid, take_gid) != 0)
    g_debug ("Cannot hand %s over: %s", path, g_strerror (errno));
  return 0;
}

/**
 * porthole_target_user_take_directory:
 * @path: a directory of the daemon's that the user's code works in
 * @created: the daemon just made it (or it lies in the daemon's private
 *   state, where nobody else can write)
 *
 * Hands @path over to the user when @created: with all it holds if it
 * was still the daemon's (nobody else could have written there, so the
 * walk cannot be led astray by links planted meanwhile). A directory
 * that was there before is left as it is, with a note when the user
 * cannot write in it.
 */
gboolean
porthole_target_user_take_directory (PortholeTargetUser  *self,
                                     const char          *path,
                                     gboolean             created,
                                     GError             **error)
{
  struct stat st;
  int fd;

  if (!porthole_target_user_switches (self))
    return TRUE;

  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot open %s: %s", path, g_strerror (errsv));
      return FALSE;
    }

  if (!created)
    {
      PortholeFsIdentity scope;

      close (fd);
      porthole_fs_as_user_begin (&scope);
      if (access (path, W_OK | X_OK) != 0)
        g_message ("%s belongs to uid %u: %s (uid %u) cannot write in it", path, (guint) st.st_uid,
                   self->name, (guint) self->uid);
      porthole_fs_identity_end (&scope);
      return TRUE;
    }

  if (st.st_uid == self->uid && st.st_gid == self->gid)
    {
      close (fd);
      return TRUE;
    }

  if (st.st_uid != geteuid ())
    {
      close (fd);
      g_message ("%s belongs to uid %u, neither the daemon nor %s: left as it is", path, (guint) st.st_uid,
                 self->name);
      return TRUE;
    }

  if (fchown (fd, self->uid, self->gid) != 0)
    {
      int errsv = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot hand %s over to %s: %s", path,
                   self->name, g_strerror (errsv));
      return FALSE;
    }
  close (fd);

  /* Main thread, start-up: nftw() keeps no state of its own between
   * calls but these two. */
  take_uid = self->uid;
  take_gid = self->gid;
  nftw (path, take_entry, 16, FTW_PHYS | FTW_MOUNT);
  return TRUE;
}

static void
set_fs_identity (PortholeFsIdentity *scope,
                 uid_t               uid,
                 gid_t               gid)
{
  /* Each call returns the identity it replaced; a second call with an
   * invalid id changes nothing and tells whether the first took. */
  scope->saved_gid = (gid_t) syscall (SYS_setfsgid, gid);
  scope->saved_uid = (uid_t) syscall (SYS_setfsuid, uid);
  if ((gid_t) syscall (SYS_setfsgid, (gid_t) -1) != gid || (uid_t) syscall (SYS_setfsuid, (uid_t) -1) != uid)
    g_error ("Cannot take the file-system identity %u:%u", (guint) uid, (guint) gid);
  scope->active = TRUE;
}

/**
 * porthole_fs_as_user_begin:
 *
 * The calling thread's file accesses are the target user's until
 * porthole_fs_identity_end(). Pair it with g_auto(PortholeFsIdentity).
 */
void
porthole_fs_as_user_begin (PortholeFsIdentity *scope)
{
  scope->active = FALSE;
  if (default_user != NULL && porthole_target_user_switches (default_user))
    set_fs_identity (scope, default_user->uid, default_user->gid);
}

/**
 * porthole_fs_as_daemon_begin:
 *
 * The calling thread's file accesses are the daemon's again, for its
 * own bookkeeping inside a porthole_fs_as_user_begin() scope.
 */
void
porthole_fs_as_daemon_begin (PortholeFsIdentity *scope)
{
  scope->active = FALSE;
  if (default_user != NULL && porthole_target_user_switches (default_user))
    set_fs_identity (scope, geteuid (), getegid ());
}

void
porthole_fs_identity_end (PortholeFsIdentity *scope)
{
  PortholeFsIdentity restored;

  if (!scope->active)
    return;

  set_fs_identity (&restored, scope->saved_uid, scope->saved_gid);
  scope->active = FALSE;
}
