/* porthole-file-watcher.c
 *
 * One inotify instance serves every /files/watch client (the per-user
 * instance limit is small, 128 by default). Each subscription names a
 * root directory; every directory below it gets a watch, and directories
 * that appear later get theirs as they appear (what they already hold by
 * then is reported as created). A rename is reported as one event when
 * both names are inside a subscription, as a deletion or a creation when
 * only one is. Links are never followed.
 *
 * What the file policy refuses is neither watched nor reported, under
 * whatever name it appears (a hard link to a denied file, say).
 *
 * The daemon's own temporary files (porthole-atomic-file.c) are hidden:
 * an atomic write shows as `created` for a new file and `modified` for a
 * replaced one, the way clients expect a write to look (API.md §5.9).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-atomic-file.h"
#include "porthole-error.h"
#include "porthole-file-watcher.h"
#include "porthole-fs-policy.h"
#include "porthole-target-user.h"

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | \
                    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
/* Directories watched at most, over all subscriptions. */
#define MAX_DIRECTORIES 65536
/* How long an IN_MOVED_FROM waits for its IN_MOVED_TO. */
#define MOVE_PAIR_MS 20

typedef struct
{
  int wd;
  char *path;
} Directory;

typedef struct
{
  guint id;
  char *root;
  PortholeFileWatchFunc func;
  gpointer user_data;
} Subscription;

struct _PortholeFileWatcher
{
  GObject parent_instance;

  PortholeFsPolicy *policy;
  int fd;
  GSource *source;
  GHashTable *by_wd;    /* wd → Directory (owned) */
  GHashTable *by_path;  /* path → Directory */
  GHashTable *subscriptions;
  guint next_id;

  /* An IN_MOVED_FROM waiting for its IN_MOVED_TO. */
  guint32 move_cookie;
  char *move_path;
  gboolean move_is_directory;
  guint move_timeout_id;
};

G_DEFINE_FINAL_TYPE (PortholeFileWatcher, porthole_file_watcher, G_TYPE_OBJECT)

const char *
porthole_file_event_to_string (PortholeFileEvent event)
{
  switch (event)
    {
    case PORTHOLE_FILE_EVENT_CREATED: return "created";
    case PORTHOLE_FILE_EVENT_MODIFIED: return "modified";
    case PORTHOLE_FILE_EVENT_DELETED: return "deleted";
    case PORTHOLE_FILE_EVENT_RENAMED: return "renamed";
    case PORTHOLE_FILE_EVENT_OVERFLOW: return "overflow";
    default: g_assert_not_reached ();
    }
}

static gboolean
is_temporary (const char *name)
{
  return name != NULL && g_str_has_prefix (name, PORTHOLE_ATOMIC_FILE_TEMP_PREFIX);
}

/* The values of @table, so it may change while they are visited. */
static GPtrArray *
values_of (GHashTable *table)
{
  GPtrArray *values = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (values, value);

  return values;
}

static void
directory_free (Directory *dir)
{
  g_free (dir->path);
  g_free (dir);
}

static void
subscription_free (Subscription *sub)
{
  g_free (sub->root);
  g_free (sub);
}

/* Delivering */

static void
emit (PortholeFileWatcher *self,
      PortholeFileEvent    event,
      const char          *path,
      const char          *old_path,
      gboolean             is_directory)
{
  g_autoptr(GPtrArray) subs = values_of (self->subscriptions);
  /* A hidden name is outside every subscription: a rename to or from one
   * shows as a deletion or a creation. */
  gboolean hide_path = path != NULL && porthole_fs_policy_hides (self->policy, path);
  gboolean hide_old = old_path != NULL && porthole_fs_policy_hides (self->policy, old_path);

  for (guint i = 0; i < subs->len; i++)
    {
      Subscription *sub = g_ptr_array_index (subs, i);

      /* A callback may have removed a later subscription. */
      if (!g_hash_table_contains (self->subscriptions, GUINT_TO_POINTER (sub->id)))
        continue;

      if (event == PORTHOLE_FILE_EVENT_OVERFLOW)
        sub->func (event, NULL, NULL, FALSE, sub->user_data);
      else if (event == PORTHOLE_FILE_EVENT_RENAMED)
        {
          gboolean from = !hide_old && porthole_fs_path_is_under (old_path, sub->root);
          gboolean to = !hide_path && porthole_fs_path_is_under (path, sub->root);

          if (from && to)
            sub->func (event, path, old_path, is_directory, sub->user_data);
          else if (from)
            sub->func (PORTHOLE_FILE_EVENT_DELETED, old_path, NULL, is_directory, sub->user_data);
          else if (to)
            sub->func (PORTHOLE_FILE_EVENT_CREATED, path, NULL, is_directory, sub->user_data);
        }
      else if (!hide_path && porthole_fs_path_is_under (path, sub->root))
        sub->func (event, path, NULL, is_directory, sub->user_data);
    }
}

/* Watches */

static void
forget_directory (PortholeFileWatcher *self,
                  Directory           *dir,
                  gboolean             remove_watch)
{
  if (remove_watch)
    inotify_rm_watch (self->fd, dir->wd);
  g_hash_table_remove (self->by_path, dir->path);
  g_hash_table_remove (self->by_wd, GINT_TO_POINTER (dir->wd));
}

/* Stops watching @top and everything below it. */
static void
forget_tree (PortholeFileWatcher *self,
             const char          *top,
             gboolean             remove_watches)
{
  g_autoptr(GPtrArray) dirs = values_of (self->by_wd);

  for (guint i = 0; i < dirs->len; i++)
    {
      Directory *dir = g_ptr_array_index (dirs, i);

      if (porthole_fs_path_is_under (dir->path, top))
        forget_directory (self, dir, remove_watches);
    }
}

/* Paths below @from now live below @to. */
static void
move_tree (PortholeFileWatcher *self,
           const char          *from,
           const char          *to)
{
  g_autoptr(GPtrArray) dirs = values_of (self->by_wd);
  gsize length = strlen (from);

  for (guint i = 0; i < dirs->len; i++)
    {
      Directory *dir = g_ptr_array_index (dirs, i);

      if (!porthole_fs_path_is_under (dir->path, from))
        continue;
      g_hash_table_remove (self->by_path, dir->path);
      {
        char *moved = g_strconcat (to, dir->path + length, NULL);

        g_free (dir->path);
        dir->path = moved;
      }
      g_hash_table_insert (self->by_path, dir->path, dir);
    }
}

static gboolean
watch_directory (PortholeFileWatcher  *self,
                 const char           *path,
                 GError              **error)
{
  Directory *dir;
  int wd;

  if (g_hash_table_contains (self->by_path, path))
    return TRUE;

  if (g_hash_table_size (self->by_wd) >= MAX_DIRECTORIES)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                   "Too many directories to watch (at most %d)", MAX_DIRECTORIES);
      return FALSE;
    }

  wd = inotify_add_watch (self->fd, path, WATCH_MASK);
  if (wd < 0)
    {
      int errsv = errno;

      /* Here ENOSPC is the watch limit, not a full disk; the rest mean
       * what they do for any file operation (EACCES: the user may not
       * read the directory). */
      if (errsv == ENOSPC)
        g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                     "Cannot watch %s: %s", path, g_strerror (errsv));
      else
        porthole_fs_set_error (error, errsv, path);
      return FALSE;
    }

  /* The same directory under another name (a bind mount) keeps its wd. */
  dir = g_hash_table_lookup (self->by_wd, GINT_TO_POINTER (wd));
  if (dir != NULL)
    forget_directory (self, dir, FALSE);

  dir = g_new0 (Directory, 1);
  dir->wd = wd;
  dir->path = g_strdup (path);
  g_hash_table_insert (self->by_wd, GINT_TO_POINTER (wd), dir);
  g_hash_table_insert (self->by_path, dir->path, dir);

  return TRUE;
}

/* Watches @top and every directory below it. With @report, what is found
 * below @top is reported as created: it appeared before its directory
 * was watched. */
static gboolean
watch_tree (PortholeFileWatcher  *self,
            const char           *top,
            gboolean              report,
            GError              **error)
{
  g_autoptr(GQueue) pending = g_queue_new ();
  char *path;

  if (!watch_directory (self, top, error))
    return FALSE;

  g_queue_push_tail (pending, g_strdup (top));
  while ((path = g_queue_pop_head (pending)) != NULL)
    {
      g_autofree char *owned = path;
      DIR *dir = opendir (path);
      struct dirent *entry;

      if (dir == NULL)
        continue;

      while ((entry = readdir (dir)) != NULL)
        {
          g_autofree char *child = NULL;
          gboolean is_directory = entry->d_type == DT_DIR;

          if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, "..") ||
              is_temporary (entry->d_name))
            continue;

          child = g_build_filename (path, entry->d_name, NULL);
          if (entry->d_type == DT_UNKNOWN)
            {
              struct stat st;

              is_directory = lstat (child, &st) == 0 && S_ISDIR (st.st_mode);
            }

          if (report)
            emit (self, PORTHOLE_FILE_EVENT_CREATED, child, NULL, is_directory);

          /* A denied directory (a bind mount of one, say) is not gone into. */
          if (is_directory && !porthole_fs_policy_hides (self->policy, child))
            {
              g_autoptr(GError) local_error = NULL;

              /* It may be gone already; the rest of the tree still counts. */
              if (!watch_directory (self, child, &local_error))
                {
                  if (g_error_matches (local_error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED))
                    {
                      g_propagate_error (error, g_steal_pointer (&local_error));
                      closedir (dir);
                      while (!g_queue_is_empty (pending))
                        g_free (g_queue_pop_head (pending));
                      return FALSE;
                    }
                  continue;
                }
              g_queue_push_tail (pending, g_steal_pointer (&child));
            }
        }
      closedir (dir);
    }

  return TRUE;
}

/* Events */

static void
flush_move (PortholeFileWatcher *self)
{
  g_autofree char *path = g_steal_pointer (&self->move_path);
  const char *name;

  g_clear_handle_id (&self->move_timeout_id, g_source_remove);
  if (path == NULL)
    return;

  /* Moved out of every watched tree: as good as deleted. */
  if (self->move_is_directory)
    forget_tree (self, path, TRUE);

  name = strrchr (path, '/');
  if (!is_temporary (name ? name + 1 : path))
    emit (self, PORTHOLE_FILE_EVENT_DELETED, path, NULL, self->move_is_directory);
}

static gboolean
move_timeout_cb (gpointer user_data)
{
  PortholeFileWatcher *self = user_data;

  self->move_timeout_id = 0;
  flush_move (self);

  return G_SOURCE_REMOVE;
}

static void
appeared (PortholeFileWatcher *self,
          const char          *path,
          gboolean             is_directory)
{
  emit (self, PORTHOLE_FILE_EVENT_CREATED, path, NULL, is_directory);

  if (is_directory && !porthole_fs_policy_hides (self->policy, path))
    {
      g_autoptr(GError) error = NULL;

      if (!watch_tree (self, path, TRUE, &error))
        g_debug ("Not watching %s: %s", path, error->message);
    }
}

static void
moved_to (PortholeFileWatcher *self,
          guint32              cookie,
          const char          *path,
          const char          *name,
          gboolean             is_directory)
{
  g_autofree char *from = NULL;
  const char *from_name;

  if (self->move_path == NULL || self->move_cookie != cookie)
    {
      flush_move (self);
      if (!is_temporary (name))
        appeared (self, path, is_directory);
      return;
    }

  g_clear_handle_id (&self->move_timeout_id, g_source_remove);
  from = g_steal_pointer (&self->move_path);
  from_name = strrchr (from, '/') + 1;

  if (is_temporary (from_name) && is_temporary (name))
    return;
  if (is_temporary (from_name))
    {
      /* An atomic write replaced @path. */
      emit (self, PORTHOLE_FILE_EVENT_MODIFIED, path, NULL, is_directory);
      return;
    }
  if (is_temporary (name))
    {
      emit (self, PORTHOLE_FILE_EVENT_DELETED, from, NULL, is_directory);
      return;
    }

  if (is_directory)
    move_tree (self, from, path);
  emit (self, PORTHOLE_FILE_EVENT_RENAMED, path, from, is_directory);
}

static gboolean
is_subscription_root (PortholeFileWatcher *self,
                      const char          *path)
{
  GHashTableIter iter;
  gpointer sub;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, &sub))
    if (g_str_equal (((Subscription *) sub)->root, path))
      return TRUE;

  return FALSE;
}

static void
handle_event (PortholeFileWatcher        *self,
              const struct inotify_event *event)
{
  Directory *dir = g_hash_table_lookup (self->by_wd, GINT_TO_POINTER (event->wd));
  const char *name = event->len > 0 ? event->name : NULL;
  gboolean is_directory = (event->mask & IN_ISDIR) != 0;
  g_autofree char *path = NULL;

  if (event->mask & IN_Q_OVERFLOW)
    {
      flush_move (self);
      emit (self, PORTHOLE_FILE_EVENT_OVERFLOW, NULL, NULL, FALSE);
      return;
    }

  if (dir == NULL)
    return;

  /* A rename pairs two adjacent events; anything else in between means
   * the first half was a move out. */
  if (self->move_path != NULL && !(event->mask & IN_MOVED_TO))
    flush_move (self);

  if (event->mask & IN_IGNORED)
    {
      forget_directory (self, dir, FALSE);
      return;
    }

  if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
    {
      /* Reported by the parent's watch, unless this is a root. */
      if (is_subscription_root (self, dir->path))
        {
          g_autofree char *root = g_strdup (dir->path);

          forget_tree (self, root, TRUE);
          emit (self, PORTHOLE_FILE_EVENT_DELETED, root, NULL, TRUE);
        }
      return;
    }

  /* Events about the watched directory itself come from its parent. */
  if (name == NULL)
    return;
  path = g_build_filename (dir->path, name, NULL);

  if (event->mask & IN_MOVED_FROM)
    {
      self->move_cookie = event->cookie;
      self->move_path = g_steal_pointer (&path);
      self->move_is_directory = is_directory;
      self->move_timeout_id = g_timeout_add (MOVE_PAIR_MS, move_timeout_cb, self);
      return;
    }

  if (event->mask & IN_MOVED_TO)
    {
      moved_to (self, event->cookie, path, name, is_directory);
      return;
    }

  if (is_temporary (name))
    return;

  if (event->mask & IN_CREATE)
    appeared (self, path, is_directory);
  else if (event->mask & IN_DELETE)
    {
      if (is_directory)
        forget_tree (self, path, FALSE);
      emit (self, PORTHOLE_FILE_EVENT_DELETED, path, NULL, is_directory);
    }
  else if (event->mask & (IN_MODIFY | IN_ATTRIB))
    emit (self, PORTHOLE_FILE_EVENT_MODIFIED, path, NULL, is_directory);
}

static gboolean
inotify_ready_cb (int          fd,
                  GIOCondition condition,
                  gpointer     user_data)
{
  PortholeFileWatcher *self = user_data;
  g_autoptr(PortholeFileWatcher) hold = g_object_ref (self);
  char buffer[64 * 1024] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* New directories are looked into as the user /files/watch acts for. */
  porthole_fs_as_user_begin (&identity);

  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);

      if (n <= 0)
        break;

      for (char *p = buffer; p < buffer + n; )
        {
          const struct inotify_event *event = (const struct inotify_event *) (gpointer) p;

          handle_event (self, event);
          if (self->fd < 0)
            return G_SOURCE_REMOVE;
          p += sizeof (struct inotify_event) + event->len;
        }
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
ensure_started (PortholeFileWatcher  *self,
                GError              **error)
{
  if (self->fd >= 0)
    return TRUE;

  self->fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (self->fd < 0)
    {
      int errsv = errno;

      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                   "Cannot watch files: %s", g_strerror (errsv));
      return FALSE;
    }

  self->source = g_unix_fd_source_new (self->fd, G_IO_IN);
  g_source_set_callback (self->source, G_SOURCE_FUNC (inotify_ready_cb), self, NULL);
  g_source_set_static_name (self->source, "[porthole] file events");
  g_source_attach (self->source, NULL);

  return TRUE;
}

/**
 * porthole_file_watcher_add:
 * @root: an absolute, normalised directory path the caller has checked
 *   against the file policy
 * @func: called for every event at or below @root
 *
 * Returns: a subscription id, or 0 with @error set
 */
guint
porthole_file_watcher_add (PortholeFileWatcher    *self,
                           const char             *root,
                           PortholeFileWatchFunc   func,
                           gpointer                user_data,
                           GError                **error)
{
  Subscription *sub;

  g_return_val_if_fail (PORTHOLE_IS_FILE_WATCHER (self), 0);
  g_return_val_if_fail (g_path_is_absolute (root), 0);

  if (!ensure_started (self, error) || !watch_tree (self, root, FALSE, error))
    return 0;

  sub = g_new0 (Subscription, 1);
  sub->id = ++self->next_id;
  sub->root = g_strdup (root);
  sub->func = func;
  sub->user_data = user_data;
  g_hash_table_insert (self->subscriptions, GUINT_TO_POINTER (sub->id), sub);

  return sub->id;
}

/**
 * porthole_file_watcher_remove:
 *
 * Ends subscription @id; directories no subscription covers any more
 * stop being watched.
 */
void
porthole_file_watcher_remove (PortholeFileWatcher *self,
                              guint                id)
{
  g_autoptr(GPtrArray) dirs = NULL;
  g_autoptr(GPtrArray) subs = NULL;

  g_return_if_fail (PORTHOLE_IS_FILE_WATCHER (self));

  if (!g_hash_table_remove (self->subscriptions, GUINT_TO_POINTER (id)) || self->fd < 0)
    return;

  dirs = values_of (self->by_wd);
  subs = values_of (self->subscriptions);
  for (guint i = 0; i < dirs->len; i++)
    {
      Directory *dir = g_ptr_array_index (dirs, i);
      gboolean covered = FALSE;

      for (guint j = 0; j < subs->len && !covered; j++)
        covered = porthole_fs_path_is_under (dir->path, ((Subscription *) g_ptr_array_index (subs, j))->root);
      if (!covered)
        forget_directory (self, dir, TRUE);
    }
}

guint
porthole_file_watcher_get_n_directories (PortholeFileWatcher *self)
{
  return g_hash_table_size (self->by_wd);
}

/**
 * porthole_file_watcher_stop:
 *
 * Daemon shutdown: no more events.
 */
void
porthole_file_watcher_stop (PortholeFileWatcher *self)
{
  g_clear_handle_id (&self->move_timeout_id, g_source_remove);
  g_clear_pointer (&self->move_path, g_free);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  g_hash_table_remove_all (self->by_path);
  g_hash_table_remove_all (self->by_wd);
}

static void
porthole_file_watcher_finalize (GObject *object)
{
  PortholeFileWatcher *self = (PortholeFileWatcher *)object;

  porthole_file_watcher_stop (self);
  g_clear_object (&self->policy);
  g_clear_pointer (&self->by_path, g_hash_table_unref);
  g_clear_pointer (&self->by_wd, g_hash_table_unref);
  g_clear_pointer (&self->subscriptions, g_hash_table_unref);

  G_OBJECT_CLASS (porthole_file_watcher_parent_class)->finalize (object);
}

static void
porthole_file_watcher_class_init (PortholeFileWatcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_file_watcher_finalize;
}

static void
porthole_file_watcher_init (PortholeFileWatcher *self)
{
  self->fd = -1;
  self->by_wd = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) directory_free);
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->subscriptions = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) subscription_free);
}

/**
 * porthole_file_watcher_new:
 * @policy: what may be watched and reported
 */
PortholeFileWatcher *
porthole_file_watcher_new (PortholeFsPolicy *policy)
{
  PortholeFileWatcher *self = g_object_new (PORTHOLE_TYPE_FILE_WATCHER, NULL);

  self->policy = g_object_ref (policy);

  return self;
}
