/* porthole-hub-local-backend.c
 *
 * A sandbox here is a process tree started by bubblewrap (Debian's
 * bwrap) in its own mount, PID, IPC and UTS namespaces, and a network
 * namespace with only `lo` unless it has internet access. Why bwrap and
 * not clone3() from portholed's spawner: a sandbox needs a whole new
 * root (read-only binds of the template's root, a private workspace,
 * fresh /proc, /dev, /tmp, /run, pivot_root) built between clone and
 * exec, which is a lot of mount code to get right async-signal-safely;
 * bwrap does exactly that, is small, audited and packaged, and drops
 * every capability (--cap-drop ALL) with no_new_privs set.
 *
 * Its cgroup: one directory per sandbox under <the hub's cgroup>/porthole-hub/
 * in each writable hierarchy: cgroup v2 (also the controller-less tree of
 * hybrid systems: it still has cgroup.freeze and cgroup.kill), and the v1
 * memory, cpu, pids and freezer hierarchies (PLATFORM.md §11: on hybrid
 * systems the limits exist only there). Limits go to whichever
 * hierarchy has the controller. The child joins every one of them before
 * it executes bwrap, so nothing of the sandbox ever runs outside.
 *
 * The sandbox must outlive the hub (a hub restart re-adopts it), so it
 * is started in a session of its own and without a parent-death signal;
 * its agent listens on a Unix socket the hub made and passed as fd 3, in
 * the hub's state directory, which no sandbox can see (a tmpfs covers
 * it inside).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "porthole-cgroup-hierarchy.h"
#include "porthole-hub-local-backend.h"
#include "porthole-json.h"
#include "porthole-hub-signer.h"
#include "porthole-plugin-path.h"

#define CGROUP_SUBDIR "porthole-hub"
/* Inside the sandbox. */
#define SANDBOX_WORKSPACE "/workspace"
#define SANDBOX_AGENT_STATE "/run/portholed"
#define SANDBOX_PUBLIC_KEY "/run/porthole-hub/jwt-es256.pub.pem"
#define SANDBOX_PORTHOLED "/run/porthole-hub/portholed"
/* How long ending a tree may take before we give up waiting. */
#define END_WAIT_USEC (5 * G_USEC_PER_SEC)
#define FREEZE_WAIT_USEC (2 * G_USEC_PER_SEC)

typedef struct
{
  char *controller;   /* NULL: cgroup v2 */
  char *base;         /* <mount>/<our cgroup>/porthole-hub */
} Hierarchy;

typedef struct
{
  PortholeHubLocalBackend *backend;
  char *id;
  char *dir;
  char *socket_path;
  GPid pid;
  GPtrArray *cgroups;     /* one directory per hierarchy, v2 first */
  char *v2_dir;           /* (nullable) */
  char *v1_freezer_dir;   /* (nullable) */
  guint watch_id;
  int pidfd;
  gboolean exited;
} Local;

struct _PortholeHubLocalBackend
{
  GObject parent_instance;

  char *sandboxes_dir;
  char *bwrap;
  char *portholed;
  char *plugin_path;       /* the agent's, as PORTHOLE_PLUGIN_DIR */
  GStrv agent_dirs;        /* what the agent runs and loads from the host */
  char *public_key_path;
  GStrv hidden_paths;
  GPtrArray *hierarchies;
  GHashTable *locals;      /* id -> Local */
};

static void porthole_hub_local_backend_iface_init (PortholeHubBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortholeHubLocalBackend, porthole_hub_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTHOLE_TYPE_HUB_BACKEND,
                                                      porthole_hub_local_backend_iface_init))

/* Files */

/* Removes what is below @dir_fd without following a link or leaving
 * the file system: sandbox code made these files. */
static void
remove_below (int dir_fd)
{
  DIR *dir = fdopendir (dir_fd);
  struct dirent *entry;

  if (dir == NULL)
    {
      close (dir_fd);
      return;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      int child;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      if (unlinkat (dirfd (dir), entry->d_name, 0) == 0)
        continue;
      child = openat (dirfd (dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0)
        {
          remove_below (child);
          unlinkat (dirfd (dir), entry->d_name, AT_REMOVEDIR);
        }
    }
  closedir (dir);
}

static void
remove_tree (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    {
      g_unlink (path);
      return;
    }
  remove_below (fd);
  g_rmdir (path);
}

/* Whether @path is @dir or lies below it. */
static gboolean
is_below (const char *path,
          const char *dir)
{
  gsize length = strlen (dir);

  if (length > 0 && dir[length - 1] == G_DIR_SEPARATOR)
    length--;
  return strncmp (path, dir, length) == 0 && (path[length] == '\0' || path[length] == G_DIR_SEPARATOR);
}

/* Cgroups */

static gboolean
cgroup_is_empty (const char *dir)
{
  g_autofree char *procs = porthole_cgroup_read_member (dir, "cgroup.procs");

  return procs == NULL || procs[0] == '\0';
}

static gboolean
cgroup_contains (const char *dir,
                 GPid        pid)
{
  g_autofree char *procs = porthole_cgroup_read_member (dir, "cgroup.procs");
  g_auto(GStrv) lines = g_strsplit (procs ? procs : "", "\n", -1);
  g_autofree char *wanted = g_strdup_printf ("%d", pid);

  return g_strv_contains ((const char *const *) lines, wanted);
}

static void
signal_cgroup (const char *dir,
               int         signum)
{
  g_autofree char *procs = porthole_cgroup_read_member (dir, "cgroup.procs");
  g_auto(GStrv) lines = g_strsplit (procs ? procs : "", "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (lines[i], 10, 2, G_MAXINT, &pid, NULL))
        kill ((pid_t) pid, signum);
    }
}

/* Waits until @file in @dir says @expected (cgroup.events, freezer.state). */
static gboolean
wait_for_member (const char *dir,
                 const char *file,
                 const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + FREEZE_WAIT_USEC;

  for (;;)
    {
      g_autofree char *contents = porthole_cgroup_read_member (dir, file);

      if (contents == NULL || strstr (contents, expected) != NULL)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (1000);
    }
}

static gboolean
local_set_frozen (Local     *local,
                  gboolean   frozen,
                  GError   **error)
{
  gboolean ok;

  if (local->v2_dir != NULL && porthole_cgroup_has_member (local->v2_dir, "cgroup.freeze"))
    ok = porthole_cgroup_write_member (local->v2_dir, "cgroup.freeze", frozen ? "1" : "0") &&
         (!frozen || wait_for_member (local->v2_dir, "cgroup.events", "frozen 1"));
  else if (local->v1_freezer_dir != NULL)
    ok = porthole_cgroup_write_member (local->v1_freezer_dir, "freezer.state", frozen ? "FROZEN" : "THAWED") &&
         (!frozen || wait_for_member (local->v1_freezer_dir, "freezer.state", "FROZEN"));
  else
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "No cgroup freezer here");
      return FALSE;
    }

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not %s sandbox %s",
                 frozen ? "freeze" : "thaw", local->id);
  return ok;
}

/* Whether @dir still holds a process, zombies included (v2 keeps a
 * cgroup populated until its zombies are reaped, and refuses to remove
 * it meanwhile). */
static gboolean
cgroup_is_populated (const char *dir)
{
  g_autofree char *events = porthole_cgroup_read_member (dir, "cgroup.events");

  if (events != NULL)
    return strstr (events, "populated 1") != NULL;
  return !cgroup_is_empty (dir);
}

/* SIGKILL to the whole tree, forks racing it included, then the
 * directories go. */
static void
local_end_processes (Local *local)
{
  g_autofree char *procs = local->cgroups->len > 0 ? porthole_cgroup_read_member (g_ptr_array_index (local->cgroups, 0), "cgroup.procs") : NULL;
  g_auto(GStrv) members = g_strsplit (procs ? procs : "", "\n", -1);
  gint64 deadline;
  GPid child = 0;

  /* Our own child (bwrap's outer process) is reaped here rather than by
   * its watch, so that no zombie keeps the cgroup from going. */
  if (local->pidfd < 0 && local->watch_id != 0)
    {
      g_source_remove (local->watch_id);
      local->watch_id = 0;
      child = local->pid;
    }

  if (local->v2_dir != NULL && porthole_cgroup_has_member (local->v2_dir, "cgroup.kill"))
    porthole_cgroup_write_member (local->v2_dir, "cgroup.kill", "1");
  else
    {
      /* Frozen, nothing forks between reading the list and the kill. */
      if (local->v1_freezer_dir != NULL)
        porthole_cgroup_write_member (local->v1_freezer_dir, "freezer.state", "FROZEN");
      for (guint i = 0; i < local->cgroups->len; i++)
        signal_cgroup (g_ptr_array_index (local->cgroups, i), SIGKILL);
    }
  /* Killed processes die only once thawed. */
  if (local->v2_dir != NULL)
    porthole_cgroup_write_member (local->v2_dir, "cgroup.freeze", "0");
  if (local->v1_freezer_dir != NULL)
    porthole_cgroup_write_member (local->v1_freezer_dir, "freezer.state", "THAWED");

  if (child > 0)
    {
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
      g_spawn_close_pid (child);
      local->exited = TRUE;
    }

  /* bwrap's inner process (the namespace's init) outlives the outer one
   * by a moment, and is then ours: the hub is a subreaper. Reap what of
   * the tree came to us; others' children answer ECHILD. */
  deadline = g_get_monotonic_time () + END_WAIT_USEC;
  for (guint i = 0; members[i]; i++)
    {
      guint64 pid;

      if (!g_ascii_string_to_unsigned (members[i], 10, 2, G_MAXINT, &pid, NULL) || (GPid) pid == child)
        continue;
      while (waitpid ((pid_t) pid, NULL, WNOHANG) == 0 && g_get_monotonic_time () < deadline)
        g_usleep (1000);
    }

  for (guint i = 0; i < local->cgroups->len; i++)
    {
      const char *dir = g_ptr_array_index (local->cgroups, i);

      while (cgroup_is_populated (dir) && g_get_monotonic_time () < deadline)
        {
          signal_cgroup (dir, SIGKILL);
          g_usleep (1000);
        }
      if (g_rmdir (dir) != 0 && errno != ENOENT)
        g_warning ("Could not remove cgroup %s: %s", dir, g_strerror (errno));
    }
}

static void
local_free (Local *local)
{
  g_clear_handle_id (&local->watch_id, g_source_remove);
  if (local->pidfd >= 0)
    close (local->pidfd);
  g_free (local->id);
  g_free (local->dir);
  g_free (local->socket_path);
  g_clear_pointer (&local->cgroups, g_ptr_array_unref);
  g_free (local->v2_dir);
  g_free (local->v1_freezer_dir);
  g_free (local);
}

static Local *
local_new (PortholeHubLocalBackend *self,
           const char              *id)
{
  Local *local = g_new0 (Local, 1);

  local->backend = self;
  local->id = g_strdup (id);
  local->dir = g_build_filename (self->sandboxes_dir, id, NULL);
  local->socket_path = g_build_filename (local->dir, "agent.sock", NULL);
  local->cgroups = g_ptr_array_new_with_free_func (g_free);
  local->pidfd = -1;
  return local;
}

static void
local_add_cgroup (Local      *local,
                  Hierarchy  *hierarchy,
                  const char *dir)
{
  g_ptr_array_add (local->cgroups, g_strdup (dir));
  if (hierarchy->controller == NULL)
    local->v2_dir = g_strdup (dir);
  else if (g_str_equal (hierarchy->controller, "freezer"))
    local->v1_freezer_dir = g_strdup (dir);
}

static char *
local_to_runtime (Local *local)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "backend");
  json_builder_add_string_value (builder, "local");
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, local->pid);
  json_builder_set_member_name (builder, "cgroups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < local->cgroups->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (local->cgroups, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "v2");
  json_builder_add_string_value (builder, local->v2_dir);
  json_builder_set_member_name (builder, "freezer");
  json_builder_add_string_value (builder, local->v1_freezer_dir);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return porthole_json_to_string (root, NULL);
}

/* The sandbox's processes are gone: on their own (crash, the OOM killer
 * took the agent) unless destroy() removed the record first. */
static void
local_exited (PortholeHubLocalBackend *self,
              const char              *id)
{
  Local *local = g_hash_table_lookup (self->locals, id);

  if (local == NULL || local->exited)
    return;
  local->exited = TRUE;
  local->watch_id = 0;
  g_signal_emit_by_name (self, "exited", id);
}

typedef struct
{
  GWeakRef backend;
  char *id;
} Watch;

static void
watch_free (Watch *watch)
{
  g_weak_ref_clear (&watch->backend);
  g_free (watch->id);
  g_free (watch);
}

static Watch *
watch_new (PortholeHubLocalBackend *self,
           const char              *id)
{
  Watch *watch = g_new0 (Watch, 1);

  g_weak_ref_init (&watch->backend, self);
  watch->id = g_strdup (id);
  return watch;
}

/* Our own child (bwrap's outer process): reaped here even after the
 * sandbox was destroyed, so no zombie stays. */
static void
on_child_exited (GPid     pid,
                 int      wait_status,
                 gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr(PortholeHubLocalBackend) self = g_weak_ref_get (&watch->backend);

  g_spawn_close_pid (pid);
  if (self != NULL)
    local_exited (self, watch->id);
}

/* A sandbox adopted from an earlier hub is not our child: its pidfd
 * becomes readable when it exits. */
static gboolean
on_pidfd_readable (int          fd,
                   GIOCondition condition,
                   gpointer     user_data)
{
  Watch *watch = user_data;
  g_autoptr(PortholeHubLocalBackend) self = g_weak_ref_get (&watch->backend);

  if (self != NULL)
    local_exited (self, watch->id);
  return G_SOURCE_REMOVE;
}

/* The backend */

static void
porthole_hub_local_backend_finalize (GObject *object)
{
  PortholeHubLocalBackend *self = (PortholeHubLocalBackend *) object;

  g_free (self->sandboxes_dir);
  g_free (self->bwrap);
  g_free (self->portholed);
  g_free (self->plugin_path);
  g_strfreev (self->agent_dirs);
  g_free (self->public_key_path);
  g_strfreev (self->hidden_paths);
  g_clear_pointer (&self->hierarchies, g_ptr_array_unref);
  g_clear_pointer (&self->locals, g_hash_table_unref);

  G_OBJECT_CLASS (porthole_hub_local_backend_parent_class)->finalize (object);
}

static void
porthole_hub_local_backend_class_init (PortholeHubLocalBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_hub_local_backend_finalize;
}

static void
hierarchy_free (Hierarchy *hierarchy)
{
  g_free (hierarchy->controller);
  g_free (hierarchy->base);
  g_free (hierarchy);
}

static void
porthole_hub_local_backend_init (PortholeHubLocalBackend *self)
{
  self->hierarchies = g_ptr_array_new_with_free_func ((GDestroyNotify) hierarchy_free);
  self->locals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) local_free);
}

/* Every hierarchy we may write to, v2 first. */
static void
find_hierarchies (PortholeHubLocalBackend *self)
{
  static const char *const controllers[] = { NULL, "memory", "cpu", "pids", "freezer" };

  for (guint i = 0; i < G_N_ELEMENTS (controllers); i++)
    {
      g_auto(PortholeCgroupHierarchy) h = { 0 };
      g_autofree char *own = NULL;
      g_autofree char *base = NULL;
      Hierarchy *hierarchy;

      if (!porthole_cgroup_hierarchy_find_own (&h, controllers[i]))
        continue;
      own = porthole_cgroup_hierarchy_own_dir (&h);
      if (own == NULL)
        continue;
      base = g_build_filename (own, CGROUP_SUBDIR, NULL);
      if (g_mkdir (base, 0755) != 0 && errno != EEXIST)
        {
          g_debug ("cgroup %s is not writable: %s", base, g_strerror (errno));
          continue;
        }
      /* A v2 tree with no cgroup.kill is too old to hold a sandbox. */
      if (controllers[i] == NULL && !porthole_cgroup_has_member (base, "cgroup.kill"))
        continue;

      hierarchy = g_new0 (Hierarchy, 1);
      hierarchy->controller = g_strdup (controllers[i]);
      hierarchy->base = g_steal_pointer (&base);
      g_ptr_array_add (self->hierarchies, hierarchy);
    }
}

static int
compare_lengths (gconstpointer a,
                 gconstpointer b)
{
  return (int) strlen (*(const char *const *) a) - (int) strlen (*(const char *const *) b);
}

/* The directories portholed needs from the host: its own (where a
 * build tree also keeps the helpers) and its plugin path, each once,
 * shortest first so a directory inside another is left out. */
static void
find_agent_dirs (PortholeHubLocalBackend *self)
{
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_auto(GStrv) plugin_dirs = NULL;

  self->plugin_path = porthole_plugin_path_for (self->portholed);
  plugin_dirs = g_strsplit (self->plugin_path, G_SEARCHPATH_SEPARATOR_S, -1);
  g_ptr_array_add (dirs, g_path_get_dirname (self->portholed));
  for (guint i = 0; plugin_dirs[i]; i++)
    {
      char *dir = realpath (plugin_dirs[i], NULL);

      if (dir != NULL)
        g_ptr_array_add (dirs, dir);
    }
  g_ptr_array_sort (dirs, compare_lengths);

  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);
      gboolean inside = FALSE;

      for (guint j = 0; j < kept->len && !inside; j++)
        inside = is_below (dir, g_ptr_array_index (kept, j));
      if (!inside)
        g_ptr_array_add (kept, g_strdup (dir));
    }
  g_ptr_array_add (kept, NULL);
  self->agent_dirs = (GStrv) g_ptr_array_steal (kept, NULL);
}

/**
 * porthole_hub_local_backend_new:
 * @public_key_path: the hub's ES256 public key, for every portholed
 * @hidden_paths: files and directories of the host no sandbox may see
 *   (the hub's state, its key files)
 */
PortholeHubLocalBackend *
porthole_hub_local_backend_new (const PortholeHubConfig  *config,
                                const char               *public_key_path,
                                const char *const        *hidden_paths,
                                GError                  **error)
{
  g_autoptr(PortholeHubLocalBackend) self = g_object_new (PORTHOLE_TYPE_HUB_LOCAL_BACKEND, NULL);
  gboolean have_kill = FALSE;

  self->sandboxes_dir = g_build_filename (config->state_dir, "sandboxes", NULL);
  self->public_key_path = g_strdup (public_key_path);
  self->hidden_paths = g_strdupv ((char **) hidden_paths);
  self->portholed = realpath (config->portholed, NULL);
  self->bwrap = g_find_program_in_path (config->bwrap);

  if (self->bwrap == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s not found: install bubblewrap", config->bwrap);
      return NULL;
    }
  if (self->portholed == NULL || !g_file_test (self->portholed, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "portholed not found at %s", config->portholed);
      return NULL;
    }
  find_agent_dirs (self);
  if (g_mkdir_with_parents (self->sandboxes_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s",
                   self->sandboxes_dir, g_strerror (errno));
      return NULL;
    }

  find_hierarchies (self);
  for (guint i = 0; i < self->hierarchies->len; i++)
    {
      Hierarchy *hierarchy = g_ptr_array_index (self->hierarchies, i);

      if (hierarchy->controller == NULL || g_str_equal (hierarchy->controller, "freezer"))
        have_kill = TRUE;
    }
  /* Without a cgroup that holds the whole tree, pause, kill and the
   * limits cannot be kept: refuse to run rather than leak. */
  if (!have_kill)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "No writable cgroup v2 tree or v1 freezer hierarchy: run the hub as root");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* Creation */

typedef struct
{
  char **argv;
  char **envp;
  int socket_fd;
  int log_fd;
  int procs_fds[8];
  guint n_procs_fds;
  GPid pid;
  Local *local;
  gboolean new_dir;
} Spawn;

static void
spawn_free (Spawn *spawn)
{
  g_strfreev (spawn->argv);
  g_strfreev (spawn->envp);
  if (spawn->socket_fd >= 0)
    close (spawn->socket_fd);
  if (spawn->log_fd >= 0)
    close (spawn->log_fd);
  for (guint i = 0; i < spawn->n_procs_fds; i++)
    close (spawn->procs_fds[i]);
  if (spawn->local != NULL)
    local_free (spawn->local);
  g_free (spawn);
}

/* Between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer user_data)
{
  Spawn *spawn = user_data;

  setsid ();
  for (guint i = 0; i < spawn->n_procs_fds; i++)
    if (write (spawn->procs_fds[i], "0", 1) != 1)
      _exit (126);
}

static void
spawn_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Spawn *spawn = task_data;
  GError *error = NULL;
  int source_fds[] = { spawn->socket_fd };
  int target_fds[] = { 3 };

  /* In a thread: joining cgroups makes the child wait for the kernel,
   * and g_spawn waits for the child's exec. */
  if (!g_spawn_async_with_pipes_and_fds (NULL, (const char *const *) spawn->argv,
                                         (const char *const *) spawn->envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                         child_setup, spawn,
                                         -1, spawn->log_fd, spawn->log_fd,
                                         source_fds, target_fds, G_N_ELEMENTS (source_fds),
                                         &spawn->pid, NULL, NULL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* What a sandbox gets fresh instead of the template root's. */
static const char *const replaced_root_entries[] = {
  "proc", "dev", "sys", "tmp", "run", "workspace", "root", "home", "lost+found", NULL
};

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Whether @path is under a directory a host-root sandbox sees from the
 * host's root. */
static gboolean
is_visible_in_root (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", 3);

  return parts[0] != NULL && parts[1] != NULL && *parts[0] == '\0' &&
         !g_strv_contains (replaced_root_entries, parts[1]);
}

/* Whether the sandbox sees @path from the host: from its root, or
 * through the agent's directories bound in. */
static gboolean
is_visible_in_sandbox (PortholeHubLocalBackend *self,
                       gboolean                 host_root,
                       const char              *path)
{
  if (host_root && is_visible_in_root (path))
    return TRUE;
  for (guint i = 0; self->agent_dirs[i]; i++)
    if (is_below (path, self->agent_dirs[i]))
      return TRUE;
  return FALSE;
}

static void
add_root_entries (GPtrArray  *argv,
                  const char *root)
{
  const char *const *replaced = replaced_root_entries;
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (!g_strv_contains (replaced, name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *source = g_build_filename (root, entry, NULL);
      g_autofree char *target = g_build_filename ("/", entry, NULL);
      g_autofree char *link = g_file_read_link (source, NULL);

      if (link != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("--symlink"));
          g_ptr_array_add (argv, g_steal_pointer (&link));
          g_ptr_array_add (argv, g_steal_pointer (&target));
        }
      else if (g_file_test (source, G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (argv, g_strdup ("--ro-bind"));
          g_ptr_array_add (argv, g_steal_pointer (&source));
          g_ptr_array_add (argv, g_steal_pointer (&target));
        }
    }
}

static void
add_args (GPtrArray *argv,
          ...)
{
  va_list args;
  const char *arg;

  va_start (args, argv);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
}

static char **
build_argv (PortholeHubLocalBackend   *self,
            PortholeHubSandbox        *sandbox,
            const PortholeHubTemplate *template,
            Local                     *local)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_autofree char *workspace = g_build_filename (local->dir, "workspace", NULL);
  g_autofree char *agent_state = g_build_filename (local->dir, "agent", NULL);
  gboolean host_root = g_str_equal (template->root, "/");
  const char *portholed = host_root ? self->portholed : SANDBOX_PORTHOLED;

  add_args (argv, self->bwrap, "--new-session", "--cap-drop", "ALL",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", NULL);
  if (!sandbox->internet_access)
    add_args (argv, "--unshare-net", NULL);
  add_args (argv, "--hostname", sandbox->id, NULL);

  add_root_entries (argv, template->root);
  add_args (argv, "--ro-bind", "/sys", "/sys", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp", "--tmpfs", "/run", "--tmpfs", "/root", "--tmpfs", "/home",
            "--bind", workspace, SANDBOX_WORKSPACE,
            "--bind", agent_state, SANDBOX_AGENT_STATE,
            "--ro-bind", self->public_key_path, SANDBOX_PUBLIC_KEY, NULL);
  if (!host_root)
    add_args (argv, "--ro-bind", self->portholed, SANDBOX_PORTHOLED, NULL);

  /* The agent and what it loads, at the same paths, when the root does
   * not show them: a build tree under /tmp or /home (tests, tools/run),
   * or a template root of its own. */
  for (guint i = 0; self->agent_dirs[i]; i++)
    if (!(host_root && is_visible_in_root (self->agent_dirs[i])))
      add_args (argv, "--ro-bind", self->agent_dirs[i], self->agent_dirs[i], NULL);

  /* The hub's state (every sandbox's workspace, its keys) and key files,
   * after the binds above, in case they lie below one of them. */
  for (guint i = 0; self->hidden_paths && self->hidden_paths[i]; i++)
    {
      const char *path = self->hidden_paths[i];

      if (!is_visible_in_sandbox (self, host_root, path))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        add_args (argv, "--tmpfs", path, NULL);
      else if (g_file_test (path, G_FILE_TEST_EXISTS))
        add_args (argv, "--ro-bind", "/dev/null", path, NULL);
    }

  add_args (argv, "--chdir", SANDBOX_WORKSPACE, "--", portholed,
            "--listen-fd", "3",
            "--workspace", SANDBOX_WORKSPACE,
            "--state-dir", SANDBOX_AGENT_STATE,
            "--jwt-public-key-file", SANDBOX_PUBLIC_KEY,
            "--jwt-alg", "ES256",
            "--jwt-issuer", PORTHOLE_HUB_TOKEN_ISSUER,
            "--jwt-audience", PORTHOLE_HUB_TOKEN_AUDIENCE,
            "--sandbox-id", sandbox->id,
            "--display", template->desktop ? "auto" : "none",
            /* Its runs die with it: it is the PID namespace's main process. */
            "--no-process-guardian",
            NULL);
  if (template->display_size != NULL)
    add_args (argv, "--display-size", template->display_size, NULL);

  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

static char **
build_envp (PortholeHubLocalBackend   *self,
            PortholeHubSandbox        *sandbox,
            const PortholeHubTemplate *template)
{
  /* Built from nothing (SECURITY.md §6.6); sanitizer settings pass, so
   * an instrumented portholed reports like the tests expect. */
  static const char *const passed[] = {
    "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", NULL
  };
  char **envp = g_new0 (char *, 1);

  envp = g_environ_setenv (envp, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", TRUE);
  envp = g_environ_setenv (envp, "HOME", "/root", TRUE);
  envp = g_environ_setenv (envp, "USER", "root", TRUE);
  envp = g_environ_setenv (envp, "LOGNAME", "root", TRUE);
  envp = g_environ_setenv (envp, "LANG", "C.UTF-8", TRUE);
  envp = g_environ_setenv (envp, "TERM", "xterm-256color", TRUE);
  envp = g_environ_setenv (envp, "HOPX_SANDBOX_ID", sandbox->id, TRUE);
  /* The directories bound in; the agent's own guess would differ when
   * it runs as SANDBOX_PORTHOLED. */
  envp = g_environ_setenv (envp, "PORTHOLE_PLUGIN_DIR", self->plugin_path, TRUE);
  for (guint i = 0; passed[i]; i++)
    if (g_getenv (passed[i]) != NULL)
      envp = g_environ_setenv (envp, passed[i], g_getenv (passed[i]), TRUE);

  for (guint i = 0; template->environment[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (template->environment[i], "=", 2);

      if (pair[0] != NULL && pair[1] != NULL && *pair[0] != '\0')
        envp = g_environ_setenv (envp, pair[0], pair[1], TRUE);
    }

  if (sandbox->env != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, sandbox->env);
      while (json_object_iter_next (&iter, &name, &value))
        if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
          envp = g_environ_setenv (envp, name, json_node_get_string (value), TRUE);
    }

  return envp;
}

static int
listen_unix (const char  *path,
             GError     **error)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof address.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "%s: too long for a Unix socket; use a shorter state directory", path);
      return -1;
    }
  strcpy (address.sun_path, path);
  g_unlink (path);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 ||
      bind (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      chmod (path, 0600) != 0 ||
      listen (fd, 4096) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

static gboolean
make_cgroups (PortholeHubLocalBackend   *self,
              PortholeHubSandbox        *sandbox,
              const PortholeHubTemplate *template,
              Spawn                     *spawn,
              GError                   **error)
{
  g_autofree char *memory = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) sandbox->memory_mb * 1024 * 1024);
  g_autofree char *quota = g_strdup_printf ("%u", sandbox->vcpu * 100000);
  g_autofree char *cpu_max = g_strdup_printf ("%u 100000", sandbox->vcpu * 100000);
  g_autofree char *pids = g_strdup_printf ("%u", template->pids_max);

  for (guint i = 0; i < self->hierarchies->len && spawn->n_procs_fds < G_N_ELEMENTS (spawn->procs_fds); i++)
    {
      Hierarchy *hierarchy = g_ptr_array_index (self->hierarchies, i);
      g_autofree char *dir = g_build_filename (hierarchy->base, sandbox->id, NULL);
      g_autofree char *procs = g_build_filename (dir, "cgroup.procs", NULL);
      const char *controller = hierarchy->controller;
      int fd;

      if (g_mkdir (dir, 0755) != 0 && errno != EEXIST)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
          return FALSE;
        }
      local_add_cgroup (spawn->local, hierarchy, dir);

      /* v2 files exist only where the controller is enabled. */
      if (controller == NULL)
        {
          if (porthole_cgroup_has_member (dir, "memory.max"))
            porthole_cgroup_write_member (dir, "memory.max", memory);
          if (porthole_cgroup_has_member (dir, "memory.swap.max"))
            porthole_cgroup_write_member (dir, "memory.swap.max", "0");
          if (porthole_cgroup_has_member (dir, "cpu.max"))
            porthole_cgroup_write_member (dir, "cpu.max", cpu_max);
          if (porthole_cgroup_has_member (dir, "pids.max"))
            porthole_cgroup_write_member (dir, "pids.max", pids);
        }
      else if (g_str_equal (controller, "memory"))
        {
          porthole_cgroup_write_member (dir, "memory.limit_in_bytes", memory);
          if (porthole_cgroup_has_member (dir, "memory.memsw.limit_in_bytes"))
            porthole_cgroup_write_member (dir, "memory.memsw.limit_in_bytes", memory);
        }
      else if (g_str_equal (controller, "cpu"))
        {
          porthole_cgroup_write_member (dir, "cpu.cfs_period_us", "100000");
          porthole_cgroup_write_member (dir, "cpu.cfs_quota_us", quota);
        }
      else if (g_str_equal (controller, "pids"))
        porthole_cgroup_write_member (dir, "pids.max", pids);

      fd = open (procs, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", procs, g_strerror (errno));
          return FALSE;
        }
      spawn->procs_fds[spawn->n_procs_fds++] = fd;
    }
  return TRUE;
}

/* Undoes a creation that did not get as far as a running tree. */
static void
spawn_roll_back (Spawn *spawn)
{
  Local *local = spawn->local;

  local_end_processes (local);
  g_unlink (local->socket_path);
  if (spawn->new_dir)
    remove_tree (local->dir);
}

static void
spawn_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PortholeHubLocalBackend *self = PORTHOLE_HUB_LOCAL_BACKEND (source);
  g_autoptr(GTask) task = user_data;
  Spawn *spawn = g_task_get_task_data (G_TASK (result));
  PortholeHubSandbox *sandbox = g_object_get_data (G_OBJECT (task), "sandbox");
  g_autoptr(GError) error = NULL;
  Local *local;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      spawn_roll_back (spawn);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  local = g_steal_pointer (&spawn->local);
  local->pid = spawn->pid;
  local->watch_id = g_child_watch_add_full (G_PRIORITY_DEFAULT, local->pid, on_child_exited,
                                            watch_new (self, local->id), (GDestroyNotify) watch_free);
  g_hash_table_replace (self->locals, local->id, local);

  g_free (sandbox->runtime);
  sandbox->runtime = local_to_runtime (local);
  g_task_return_boolean (task, TRUE);
}

static void
local_create_async (PortholeHubBackend        *backend,
                    PortholeHubSandbox        *sandbox,
                    const PortholeHubTemplate *template,
                    GCancellable              *cancellable,
                    GAsyncReadyCallback        callback,
                    gpointer                   user_data)
{
  PortholeHubLocalBackend *self = PORTHOLE_HUB_LOCAL_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) spawn_task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *workspace = NULL;
  g_autofree char *agent_state = NULL;
  g_autofree char *log = NULL;
  Spawn *spawn;

  g_task_set_source_tag (task, local_create_async);
  g_object_set_data_full (G_OBJECT (task), "sandbox", porthole_hub_sandbox_ref (sandbox),
                          (GDestroyNotify) porthole_hub_sandbox_unref);

  spawn = g_new0 (Spawn, 1);
  spawn->socket_fd = -1;
  spawn->log_fd = -1;
  spawn->local = local_new (self, sandbox->id);

  workspace = g_build_filename (spawn->local->dir, "workspace", NULL);
  agent_state = g_build_filename (spawn->local->dir, "agent", NULL);
  log = g_build_filename (spawn->local->dir, "agent.log", NULL);
  spawn->new_dir = !g_file_test (spawn->local->dir, G_FILE_TEST_IS_DIR);

  if (g_mkdir_with_parents (workspace, 0755) != 0 || g_mkdir_with_parents (agent_state, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s",
                               spawn->local->dir, g_strerror (saved));
      spawn_roll_back (spawn);
      spawn_free (spawn);
      return;
    }

  spawn->log_fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (spawn->log_fd < 0 ||
      (spawn->socket_fd = listen_unix (spawn->local->socket_path, &error)) < 0 ||
      !make_cgroups (self, sandbox, template, spawn, &error))
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", log, g_strerror (errno));
      spawn_roll_back (spawn);
      spawn_free (spawn);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  spawn->argv = build_argv (self, sandbox, template, spawn->local);
  spawn->envp = build_envp (self, sandbox, template);
  spawn_task = g_task_new (self, NULL, spawn_done, g_object_ref (task));
  g_task_set_task_data (spawn_task, spawn, (GDestroyNotify) spawn_free);
  g_task_run_in_thread (spawn_task, spawn_thread);
}

static gboolean
local_create_finish (PortholeHubBackend  *backend,
                     GAsyncResult        *result,
                     GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The rest of the interface */

static Local *
lookup (PortholeHubLocalBackend  *self,
        PortholeHubSandbox       *sandbox,
        GError                  **error)
{
  Local *local = g_hash_table_lookup (self->locals, sandbox->id);

  if (local == NULL || local->exited)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Sandbox %s has no processes", sandbox->id);
      return NULL;
    }
  return local;
}

static gboolean
local_pause (PortholeHubBackend  *backend,
             PortholeHubSandbox  *sandbox,
             GError             **error)
{
  Local *local = lookup (PORTHOLE_HUB_LOCAL_BACKEND (backend), sandbox, error);

  return local != NULL && local_set_frozen (local, TRUE, error);
}

static gboolean
local_resume (PortholeHubBackend  *backend,
              PortholeHubSandbox  *sandbox,
              GError             **error)
{
  Local *local = lookup (PORTHOLE_HUB_LOCAL_BACKEND (backend), sandbox, error);

  return local != NULL && local_set_frozen (local, FALSE, error);
}

/* Builds a record for a sandbox we have no Local for (from its notes),
 * so that destroy and adopt can find its cgroups. */
static Local *
local_from_runtime (PortholeHubLocalBackend *self,
                    PortholeHubSandbox      *sandbox)
{
  g_autoptr(JsonNode) node = sandbox->runtime ? porthole_json_parse (sandbox->runtime, -1, NULL) : NULL;
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonArray *cgroups;
  Local *local;
  gint64 pid = 0;

  local = local_new (self, sandbox->id);
  if (object == NULL)
    return local;

  if (json_object_has_member (object, "pid"))
    porthole_json_node_get_int (json_object_get_member (object, "pid"), &pid);
  local->pid = pid;
  local->v2_dir = g_strdup (porthole_json_object_get_string (object, "v2"));
  local->v1_freezer_dir = g_strdup (porthole_json_object_get_string (object, "freezer"));
  cgroups = json_object_has_member (object, "cgroups") ? json_object_get_array_member (object, "cgroups") : NULL;
  for (guint i = 0; cgroups && i < json_array_get_length (cgroups); i++)
    {
      const char *dir = json_array_get_string_element (cgroups, i);

      /* Only directories of ours: the notes come from our own database,
       * but a wrong path here would kill other processes. */
      if (dir != NULL && strstr (dir, "/" CGROUP_SUBDIR "/") != NULL &&
          g_str_has_suffix (dir, sandbox->id) && g_str_has_prefix (dir, "/sys/fs/cgroup/"))
        g_ptr_array_add (local->cgroups, g_strdup (dir));
    }
  return local;
}

static void
local_destroy (PortholeHubBackend *backend,
               PortholeHubSandbox *sandbox,
               gboolean            keep_workspace)
{
  PortholeHubLocalBackend *self = PORTHOLE_HUB_LOCAL_BACKEND (backend);
  Local *local = g_hash_table_lookup (self->locals, sandbox->id);
  Local *temporary = NULL;

  if (local == NULL)
    local = temporary = local_from_runtime (self, sandbox);

  local_end_processes (local);
  g_unlink (local->socket_path);
  if (keep_workspace)
    {
      g_autofree char *agent_state = g_build_filename (local->dir, "agent", NULL);

      remove_tree (agent_state);
    }
  else
    remove_tree (local->dir);

  if (temporary != NULL)
    local_free (temporary);
  else
    {
      g_hash_table_remove (self->locals, sandbox->id);
    }
}

static GStrv
local_list (PortholeHubBackend *backend)
{
  PortholeHubLocalBackend *self = PORTHOLE_HUB_LOCAL_BACKEND (backend);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  Local *local;

  g_hash_table_iter_init (&iter, self->locals);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &local))
    if (!local->exited)
      g_strv_builder_add (builder, local->id);
  return g_strv_builder_end (builder);
}

static gboolean
local_health (PortholeHubBackend *backend,
              PortholeHubSandbox *sandbox)
{
  return lookup (PORTHOLE_HUB_LOCAL_BACKEND (backend), sandbox, NULL) != NULL;
}

static gboolean
local_adopt (PortholeHubBackend *backend,
             PortholeHubSandbox *sandbox)
{
  PortholeHubLocalBackend *self = PORTHOLE_HUB_LOCAL_BACKEND (backend);
  Local *local = local_from_runtime (self, sandbox);
  int pidfd;

  /* Its cgroup holds only its own processes: the pid found there is the
   * sandbox's bwrap, not a reused number. */
  if (local->pid <= 0 || local->cgroups->len == 0 ||
      !cgroup_contains (g_ptr_array_index (local->cgroups, 0), local->pid) ||
      (pidfd = syscall (SYS_pidfd_open, local->pid, 0)) < 0)
    {
      local_free (local);
      return FALSE;
    }

  local->pidfd = pidfd;
  local->watch_id = g_unix_fd_add_full (G_PRIORITY_DEFAULT, pidfd, G_IO_IN, on_pidfd_readable,
                                        watch_new (self, local->id), (GDestroyNotify) watch_free);
  g_hash_table_replace (self->locals, local->id, local);
  return TRUE;
}

static GSocket *
local_connect_agent (PortholeHubBackend  *backend,
                     PortholeHubSandbox  *sandbox,
                     GError             **error)
{
  Local *local = lookup (PORTHOLE_HUB_LOCAL_BACKEND (backend), sandbox, error);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  if (local == NULL)
    return NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return NULL;
  address = g_unix_socket_address_new (local->socket_path);
  /* A full backlog makes a Unix connect wait; never for long. */
  g_socket_set_timeout (socket, 5);
  if (!g_socket_connect (socket, address, NULL, error))
    return NULL;
  g_socket_set_timeout (socket, 0);
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

/* Previews: a TCP port inside the sandbox. Its services listen in the
 * sandbox's network namespace (its own, or the host's with internet
 * access), so the socket is made in a thread of ours that enters that
 * namespace for just this: a socket stays in the namespace it was made
 * in, and the thread (never a pool thread) ends with it. */

typedef struct
{
  int ns_fd;
  guint port;
  int fd;
  int error_code;
} PortConnect;

static gpointer
port_connect_thread (gpointer user_data)
{
  PortConnect *connect_data = user_data;
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_port = htons (connect_data->port),
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
  };
  struct timeval timeout = { .tv_sec = 5 };
  int fd;

  if (setns (connect_data->ns_fd, CLONE_NEWNET) != 0)
    {
      connect_data->error_code = errno;
      return NULL;
    }
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0)
    setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      connect_data->error_code = errno;
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  connect_data->fd = fd;
  return NULL;
}

/* The namespace's init: bwrap's inner process, the child of the one we
 * started (sandbox code cannot take that place). */
static GPid
local_find_init (Local *local)
{
  g_autofree char *procs = local->cgroups->len > 0 ? porthole_cgroup_read_member (g_ptr_array_index (local->cgroups, 0), "cgroup.procs") : NULL;
  g_auto(GStrv) lines = g_strsplit (procs ? procs : "", "\n", -1);
  g_autofree char *wanted = g_strdup_printf ("PPid:\t%d\n", local->pid);

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *dir = g_strdup_printf ("/proc/%s", lines[i]);
      g_autofree char *status = *lines[i] ? porthole_cgroup_read_member (dir, "status") : NULL;

      if (status != NULL && strstr (status, wanted) != NULL)
        return (GPid) atoi (lines[i]);
    }
  return 0;
}

static GSocket *
local_connect_port (PortholeHubBackend  *backend,
                    PortholeHubSandbox  *sandbox,
                    guint                port,
                    GError             **error)
{
  Local *local = lookup (PORTHOLE_HUB_LOCAL_BACKEND (backend), sandbox, error);
  PortConnect connect_data = { .ns_fd = -1, .port = port, .fd = -1 };
  g_autofree char *ns_path = NULL;
  GSocket *socket;
  GThread *thread;
  GPid init;

  if (local == NULL)
    return NULL;
  init = local_find_init (local);
  if (init <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Sandbox %s has no network namespace", sandbox->id);
      return NULL;
    }
  ns_path = g_strdup_printf ("/proc/%d/ns/net", init);
  connect_data.ns_fd = open (ns_path, O_RDONLY | O_CLOEXEC);
  if (connect_data.ns_fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", ns_path, g_strerror (saved));
      return NULL;
    }

  thread = g_thread_new ("hub-port-connect", port_connect_thread, &connect_data);
  g_thread_join (thread);
  close (connect_data.ns_fd);

  if (connect_data.fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (connect_data.error_code),
                   "Port %u of sandbox %s: %s", port, sandbox->id, g_strerror (connect_data.error_code));
      return NULL;
    }
  socket = g_socket_new_from_fd (connect_data.fd, error);
  if (socket == NULL)
    {
      close (connect_data.fd);
      return NULL;
    }
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

static void
porthole_hub_local_backend_iface_init (PortholeHubBackendInterface *iface)
{
  iface->create_async = local_create_async;
  iface->create_finish = local_create_finish;
  iface->pause = local_pause;
  iface->resume = local_resume;
  iface->destroy = local_destroy;
  iface->list = local_list;
  iface->health = local_health;
  iface->adopt = local_adopt;
  iface->connect_agent = local_connect_agent;
  iface->connect_port = local_connect_port;
}
