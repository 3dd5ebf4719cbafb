/* porthole-fs-identities.c
 *
 * A hard link is the same file under another name: no check on names can
 * refuse it. Denied files are therefore also known by device and inode.
 *
 * A denied path naming a file (/etc/shadow, the JWT secret, a key file)
 * is looked at again at every update, so a file replaced since (an atomic
 * write makes a new inode) is known by its new identity; the old one stays
 * denied while any name still reaches it. Each is held open (O_PATH): its
 * inode number cannot go to another file meanwhile, and fstat() says when
 * the last name is gone.
 *
 * Below a denied directory (the state directory, a deny-list entry) files
 * come and go without the daemon hearing of it. Such a file reached under
 * another name has more than one link: only then are the denied
 * directories on its device searched, and what has several links there is
 * held like the files above (so it stays denied when its denied name is
 * replaced later). A search is made again when the file changed since the
 * last one began: making a link changes the file's ctime.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "porthole-fs-identities.h"

/* Entries one search looks at, directories deep and files it holds, at
 * most: beyond that every file with several links on the device is
 * denied. */
#define MAX_SEARCH_ENTRIES 250000
#define MAX_SEARCH_DEPTH 128
#define MAX_SEARCH_HELD 4096

typedef struct
{
  dev_t device;
  ino_t inode;
} Identity;

/* A denied file, held open. */
typedef struct
{
  Identity id;
  int fd;
  /* The denied path that named it, or the denied directory it was
   * found in. */
  char *path;
  gboolean found;
} Held;

/* A denied directory: everything below it is denied. */
typedef struct
{
  Identity id;
  char *path;
} Tree;

/* The last search of the trees on one device. */
typedef struct
{
  /* When it began, on the clock ctime comes from. */
  struct timespec started;
  gboolean overflow;
} Search;

struct _PortholeFsIdentities
{
  GObject parent_instance;

  /* Identity → Held */
  GHashTable *held;
  /* Tree */
  GPtrArray *trees;
  /* Device (guint64) → Search */
  GHashTable *searches;
  guint n_found;
};

G_DEFINE_FINAL_TYPE (PortholeFsIdentities, porthole_fs_identities, G_TYPE_OBJECT)

static guint
identity_hash (gconstpointer key)
{
  const Identity *id = key;

  return (guint) (id->inode ^ (id->inode >> 32) ^ (id->device * 31));
}

static gboolean
identity_equal (gconstpointer a,
                gconstpointer b)
{
  const Identity *first = a;
  const Identity *second = b;

  return first->device == second->device && first->inode == second->inode;
}

static void
held_free (Held *held)
{
  close (held->fd);
  g_free (held->path);
  g_free (held);
}

static void
tree_free (Tree *tree)
{
  g_free (tree->path);
  g_free (tree);
}

static void
porthole_fs_identities_finalize (GObject *object)
{
  PortholeFsIdentities *self = (PortholeFsIdentities *)object;

  g_hash_table_unref (self->held);
  g_ptr_array_unref (self->trees);
  g_hash_table_unref (self->searches);

  G_OBJECT_CLASS (porthole_fs_identities_parent_class)->finalize (object);
}

static void
porthole_fs_identities_class_init (PortholeFsIdentitiesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_fs_identities_finalize;
}

static void
porthole_fs_identities_init (PortholeFsIdentities *self)
{
  self->held = g_hash_table_new_full (identity_hash, identity_equal, NULL, (GDestroyNotify) held_free);
  self->trees = g_ptr_array_new_with_free_func ((GDestroyNotify) tree_free);
  self->searches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

PortholeFsIdentities *
porthole_fs_identities_new (void)
{
  return g_object_new (PORTHOLE_TYPE_FS_IDENTITIES, NULL);
}

static gboolean
same_trees (GPtrArray *a,
            GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (!identity_equal (&((Tree *) g_ptr_array_index (a, i))->id, &((Tree *) g_ptr_array_index (b, i))->id))
      return FALSE;

  return TRUE;
}

/* Holds @fd's file (a duplicate of @fd) as denied by @path. */
static void
hold (PortholeFsIdentities *self,
      int                   fd,
      const Identity       *id,
      const char           *path,
      gboolean              found)
{
  Held *held = g_new0 (Held, 1);

  held->id = *id;
  held->fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  held->path = g_strdup (path);
  held->found = found;
  if (held->fd < 0)
    {
      g_warning ("Cannot hold %s open: %s", path, g_strerror (errno));
      g_free (held->path);
      g_free (held);
      return;
    }
  g_hash_table_add (self->held, held);
  self->n_found += found;
}

/* Whether @held is still denied by @paths, and still has a name. */
static gboolean
still_denied (Held              *held,
              const char *const *paths)
{
  struct stat st;

  return g_strv_contains (paths, held->path) && fstat (held->fd, &st) == 0 && st.st_nlink > 0;
}

/**
 * porthole_fs_identities_update:
 * @paths: the denied paths
 * @fds: for each of @paths, a descriptor (O_PATH is enough) of what it
 *   names now, or -1; they stay the caller's
 *
 * Takes the identities of what @paths name now, and forgets those no
 * longer denied or no longer reachable by any name.
 */
void
porthole_fs_identities_update (PortholeFsIdentities *self,
                               const char *const    *paths,
                               const int            *fds)
{
  g_autoptr(GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) tree_free);
  GHashTableIter iter;
  Held *held;

  g_return_if_fail (PORTHOLE_IS_FS_IDENTITIES (self));

  for (guint i = 0; paths[i]; i++)
    {
      struct stat st;
      Identity id;

      if (fds[i] < 0 || fstat (fds[i], &st) != 0)
        continue;
      id = (Identity) { st.st_dev, st.st_ino };

      if (S_ISDIR (st.st_mode))
        {
          Tree *tree = g_new0 (Tree, 1);

          tree->id = id;
          tree->path = g_strdup (paths[i]);
          g_ptr_array_add (trees, tree);
          continue;
        }

      held = g_hash_table_lookup (self->held, &id);
      if (held != NULL)
        {
          /* One file under two denied names stays while either does. */
          if (!g_strv_contains (paths, held->path))
            {
              g_free (held->path);
              held->path = g_strdup (paths[i]);
            }
          continue;
        }

      hold (self, fds[i], &id, paths[i], FALSE);
    }

  g_hash_table_iter_init (&iter, self->held);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &held))
    if (!still_denied (held, paths))
      {
        self->n_found -= held->found;
        g_hash_table_iter_remove (&iter);
      }

  if (!same_trees (self->trees, trees))
    g_hash_table_remove_all (self->searches);
  g_ptr_array_unref (self->trees);
  self->trees = g_steal_pointer (&trees);
}

/* Holds, below @fd (taken), the files of @device with several links. */
static void
search_directory (PortholeFsIdentities *self,
                  Search               *search,
                  int                   fd,
                  const char           *tree,
                  dev_t                 device,
                  guint                 depth,
                  guint                *budget)
{
  struct dirent *entry;
  DIR *dir = fdopendir (fd);

  if (dir == NULL)
    {
      close (fd);
      return;
    }

  while (!search->overflow && (entry = readdir (dir)) != NULL)
    {
      struct stat st;
      Identity id;
      int child;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      if (*budget == 0)
        {
          search->overflow = TRUE;
          break;
        }
      (*budget)--;

      /* Links cannot cross file systems: other devices are not searched. */
      if (fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != device)
        continue;

      if (S_ISDIR (st.st_mode))
        {
          if (depth >= MAX_SEARCH_DEPTH)
            {
              search->overflow = TRUE;
              break;
            }
          child = openat (dirfd (dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (child >= 0)
            search_directory (self, search, child, tree, device, depth + 1, budget);
          continue;
        }

      id = (Identity) { st.st_dev, st.st_ino };
      if (st.st_nlink < 2 || g_hash_table_contains (self->held, &id))
        continue;
      if (self->n_found >= MAX_SEARCH_HELD)
        {
          search->overflow = TRUE;
          break;
        }

      child = openat (dirfd (dir), entry->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0)
        continue;
      if (fstat (child, &st) == 0 && st.st_dev == id.device && st.st_ino == id.inode)
        hold (self, child, &id, tree, TRUE);
      close (child);
    }

  closedir (dir);
}

static Search *
search_trees (PortholeFsIdentities *self,
              dev_t                 device)
{
  Search *search = g_new0 (Search, 1);
  guint budget = MAX_SEARCH_ENTRIES;
  guint64 key = device;

  /* Coarse: a ctime set after this moment is at least this. */
  clock_gettime (CLOCK_REALTIME_COARSE, &search->started);

  for (guint i = 0; i < self->trees->len && !search->overflow; i++)
    {
      Tree *tree = g_ptr_array_index (self->trees, i);
      struct stat st;
      int fd;

      if (tree->id.device != device)
        continue;

      fd = open (tree->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) != 0 || st.st_dev != tree->id.device || st.st_ino != tree->id.inode)
        {
          /* Replaced since the update: the next one takes the new tree. */
          close (fd);
          continue;
        }
      search_directory (self, search, fd, tree->path, device, 0, &budget);
    }

  if (search->overflow)
    g_warning ("More than %d entries, %d levels or %d linked files below the denied directories on "
               "device %u:%u: every file there with several links is refused by the file API",
               MAX_SEARCH_ENTRIES, MAX_SEARCH_DEPTH, MAX_SEARCH_HELD, major (device), minor (device));

  g_hash_table_replace (self->searches, g_memdup2 (&key, sizeof key), search);
  return search;
}

/* Another name for a file below a denied directory? */
static gboolean
linked_below_trees (PortholeFsIdentities *self,
                    const struct stat    *st)
{
  Identity id = { st->st_dev, st->st_ino };
  guint64 key = st->st_dev;
  gboolean on_device = FALSE;
  Search *search;

  for (guint i = 0; i < self->trees->len && !on_device; i++)
    on_device = ((Tree *) g_ptr_array_index (self->trees, i))->id.device == st->st_dev;
  if (!on_device)
    return FALSE;

  search = g_hash_table_lookup (self->searches, &key);
  if (search == NULL ||
      (!search->overflow && (st->st_ctim.tv_sec > search->started.tv_sec ||
                             (st->st_ctim.tv_sec == search->started.tv_sec &&
                              st->st_ctim.tv_nsec >= search->started.tv_nsec))))
    search = search_trees (self, st->st_dev);

  return search->overflow || g_hash_table_contains (self->held, &id);
}

/**
 * porthole_fs_identities_contains:
 * @st: a file, not followed if it is a link
 *
 * Directories are never denied here: they cannot be hard links, and a
 * bind mount of a denied one is recognised by where it lies
 * (porthole-fs-mounts.c).
 *
 * Returns: %TRUE if @st is a denied file, under whatever name
 */
gboolean
porthole_fs_identities_contains (PortholeFsIdentities *self,
                                 const struct stat    *st)
{
  Identity id = { st->st_dev, st->st_ino };

  g_return_val_if_fail (PORTHOLE_IS_FS_IDENTITIES (self), TRUE);

  if (S_ISDIR (st->st_mode))
    return FALSE;
  if (g_hash_table_contains (self->held, &id))
    return TRUE;

  return st->st_nlink > 1 && linked_below_trees (self, st);
}
