/* porthole-daemon.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-auth.h"
#if HAVE_DESKTOP
#include "porthole-desktop.h"
#endif
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-atomic-file.h"
#include "porthole-env-store.h"
#include "porthole-file-watcher.h"
#include "porthole-fs-policy.h"
#include "porthole-executor.h"
#include "porthole-fd-limit.h"
#include "porthole-http-server.h"
#include "porthole-json.h"
#include "porthole-mcp-server.h"
#include "porthole-metrics.h"
#include "porthole-process.h"
#include "porthole-process-ledger.h"
#include "porthole-route.h"
#include "porthole-run-table.h"
#include "porthole-sysinfo.h"
#include "porthole-target-user.h"
#include "porthole-updater.h"

/* After SIGTERM, in-flight requests get this long to finish. */
#define STOP_GRACE_USEC (5 * G_USEC_PER_SEC)

struct _PortholeDaemon
{
  GObject parent_instance;

  PortholeConfig *config;
  PortholeAuth *auth;
  PortholeHttpServer *http_server;
  PortholeEnvStore *env_store;
  PortholeSysinfo *sysinfo;
  PortholeRunTable *run_table;
  PortholeMetrics *metrics;
  PortholeUpdater *updater;
  PortholeExecutor *executor;
  PortholeMcpServer *mcp_server;
  PortholeDesktop *desktop;
  PortholeFsPolicy *fs_policy;
  PortholeFileWatcher *file_watcher;

  char *workspace;
  char *vm_id;
  gint64 start_time;
  gint64 start_monotonic;
  guint active_streams;
  guint activity[PORTHOLE_N_ACTIVITIES];
  guint64 activity_total[PORTHOLE_N_ACTIVITIES];
  guint max_terminals;

  gint64 stop_started;
  guint stop_poll_id;
  guint stopping : 1;
  guint draining : 1;
};

enum {
  STOPPING,
  STOPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeDaemon, porthole_daemon, G_TYPE_OBJECT)

static void
porthole_daemon_dispose (GObject *object)
{
  PortholeDaemon *self = (PortholeDaemon *)object;

  g_clear_handle_id (&self->stop_poll_id, g_source_remove);
  g_clear_object (&self->metrics);
  g_clear_object (&self->updater);
  g_clear_object (&self->http_server);
  g_clear_object (&self->mcp_server);
  g_clear_object (&self->executor);
  g_clear_object (&self->env_store);
  g_clear_object (&self->run_table);
  g_clear_object (&self->desktop);
  g_clear_object (&self->file_watcher);
  g_clear_object (&self->fs_policy);
  g_clear_object (&self->sysinfo);
  g_clear_object (&self->auth);

  G_OBJECT_CLASS (porthole_daemon_parent_class)->dispose (object);
}

static void
porthole_daemon_finalize (GObject *object)
{
  PortholeDaemon *self = (PortholeDaemon *)object;

  g_clear_object (&self->config);
  g_clear_pointer (&self->workspace, g_free);
  g_clear_pointer (&self->vm_id, g_free);

  G_OBJECT_CLASS (porthole_daemon_parent_class)->finalize (object);
}

static void
porthole_daemon_class_init (PortholeDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_daemon_dispose;
  object_class->finalize = porthole_daemon_finalize;

  /**
   * PortholeDaemon::stopping:
   *
   * SIGTERM or SIGINT: stop work, kill child process groups, close
   * WebSockets. Emitted once.
   */
  signals[STOPPING] =
    g_signal_new ("stopping",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeDaemon::stopped:
   *
   * Every request has finished (or the grace period ended): the main
   * loop may quit.
   */
  signals[STOPPED] =
    g_signal_new ("stopped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_daemon_init (PortholeDaemon *self)
{
  self->start_time = g_get_real_time ();
  self->start_monotonic = g_get_monotonic_time ();
  self->run_table = porthole_run_table_new ();
}

PortholeDaemon *
porthole_daemon_new (PortholeConfig *config)
{
  PortholeDaemon *self;

  g_return_val_if_fail (PORTHOLE_IS_CONFIG (config), NULL);

  self = g_object_new (PORTHOLE_TYPE_DAEMON, NULL);
  self->config = g_object_ref (config);
  self->auth = porthole_auth_new ();

  return self;
}

/* max-terminals, held to what the descriptor limit has room for. */
static void
update_max_terminals (PortholeDaemon *self)
{
  guint wanted = porthole_config_get_max_terminals (self->config);

  self->max_terminals = porthole_fd_limit_fit_terminals (wanted);
  if (self->max_terminals < wanted)
    g_warning ("max-terminals=%u needs %u descriptors, more than RLIMIT_NOFILE allows: "
               "serving at most %u terminals", wanted,
               wanted * PORTHOLE_FD_LIMIT_PER_TERMINAL + PORTHOLE_FD_LIMIT_RESERVED,
               self->max_terminals);
}

static gboolean
ensure_directory (const char  *path,
                  int          mode,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, mode) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot create %s: %s", path, g_strerror (errsv));
      return FALSE;
    }

  if (access (path, W_OK | X_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is not writable", path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
setup_workspace (PortholeDaemon  *self,
                 GError         **error)
{
  const char *configured = porthole_config_get_workspace (self->config);
  PortholeTargetUser *user = porthole_target_user_get_default ();
  gboolean existed = g_file_test (configured, G_FILE_TEST_EXISTS);
  g_autoptr(GError) local_error = NULL;

  if (ensure_directory (configured, 0755, &local_error))
    {
      self->workspace = g_canonicalize_filename (configured, NULL);
      /* The user's code works there; one that was there before keeps
       * its owner (the image may have chosen it). */
      return user == NULL || porthole_target_user_take_directory (user, self->workspace, !existed, error);
    }

  /* An unprivileged daemon falls back to a workspace of its own. */
  if (geteuid () != 0)
    {
      g_autofree char *fallback = g_build_filename (g_get_home_dir (), "workspace", NULL);

      if (ensure_directory (fallback, 0755, NULL))
        {
          g_message ("%s; using %s as the workspace", local_error->message, fallback);
          self->workspace = g_steal_pointer (&fallback);
          return TRUE;
        }
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* With a target user, the executor's directories in the state directory
 * are the user's (porthole-executor.c): the user may pass through it,
 * not list it. Everything else there is the daemon's alone (0700
 * directories, 0600 files). */
static gboolean
open_state_dir_to_user (PortholeDaemon  *self,
                        GError         **error)
{
  PortholeTargetUser *user = porthole_target_user_get_default ();
  const char *path = porthole_config_get_state_dir (self->config);

  if (user == NULL || !porthole_target_user_switches (user))
    return TRUE;

  if (chmod (path, 0711) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "Cannot open %s to %s: %s", path,
                   porthole_target_user_get_name (user), g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/* Children see the target user's HOME, USER, LOGNAME (and SHELL, if it
 * is a login shell) unless the request or /env set them. */
static void
set_user_environment (PortholeDaemon *self)
{
  PortholeTargetUser *user = porthole_target_user_get_default ();
  const char *shell;

  if (user == NULL)
    return;

  porthole_env_store_set_base (self->env_store, "HOME", porthole_target_user_get_home (user));
  porthole_env_store_set_base (self->env_store, "USER", porthole_target_user_get_name (user));
  porthole_env_store_set_base (self->env_store, "LOGNAME", porthole_target_user_get_name (user));

  /* nologin and false are no shells for a terminal. */
  setusershell ();
  while ((shell = getusershell ()) != NULL && !g_str_equal (shell, porthole_target_user_get_shell (user)))
    ;
  if (shell != NULL)
    porthole_env_store_set_base (self->env_store, "SHELL", shell);
  endusershell ();
}

/* Temporary files of writes a killed daemon left behind. */
static void
clean_stale_files (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* The workspace is the user's: so are the files removed there. */
  porthole_fs_as_user_begin (&identity);
  porthole_atomic_file_clean_stale (task_data, 200000);
}

/**
 * porthole_daemon_start:
 *
 * Prepares the workspace and state, loads the verification key and
 * starts serving.
 */
gboolean
porthole_daemon_start (PortholeDaemon  *self,
                       GError         **error)
{
  const char *sandbox_id;

  g_return_val_if_fail (PORTHOLE_IS_DAEMON (self), FALSE);

  if (!setup_workspace (self, error) ||
      !ensure_directory (porthole_config_get_state_dir (self->config), 0700, error) ||
      !open_state_dir_to_user (self, error))
    return FALSE;

  porthole_json_set_max_depth (porthole_config_get_max_json_depth (self->config));
  update_max_terminals (self);

  /* Before the first child: what a crashed daemon left running ends. */
  porthole_process_ledger_set_guardian (porthole_config_get_process_guardian (self->config));
  porthole_process_ledger_open (porthole_config_get_state_dir (self->config));

  if (!porthole_auth_configure (self->auth, self->config, error))
    return FALSE;

  if (porthole_auth_is_insecure (self->auth))
    g_warning ("Authentication is disabled (--insecure-no-auth): anyone who can reach "
               "the listening addresses controls this machine");
  else if (porthole_config_get_jwt_secret_file (self->config) == NULL &&
           porthole_config_get_jwt_public_key_file (self->config) == NULL)
    g_warning ("No verification key configured: every authenticated route answers 401");

  sandbox_id = porthole_config_get_sandbox_id (self->config);
  self->vm_id = g_strdup (sandbox_id ? sandbox_id : g_get_host_name ());

  self->sysinfo = porthole_sysinfo_new (self->workspace);
  self->env_store = porthole_env_store_new (porthole_config_get_state_dir (self->config));
  set_user_environment (self);
  self->fs_policy = porthole_fs_policy_new (self->config, self->workspace);
  self->file_watcher = porthole_file_watcher_new (self->fs_policy);
  self->executor = porthole_executor_new (self);

  {
    g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

    g_task_set_task_data (task, g_strdup (self->workspace), g_free);
    g_task_run_in_thread (task, clean_stale_files);
  }

  self->updater = porthole_updater_new (self->config);
#if HAVE_DESKTOP
  self->desktop = porthole_desktop_new (self->config, self->env_store);
  porthole_desktop_start (self->desktop);
#endif
  self->mcp_server = porthole_mcp_server_new (self);

  self->http_server = porthole_http_server_new (self);
  /* Before the first request: every request is counted. */
  self->metrics = porthole_metrics_new (self);
  if (!porthole_http_server_start (self->http_server, error))
    return FALSE;

  return TRUE;
}

/**
 * porthole_daemon_reload:
 *
 * SIGHUP: reads the key file and the verification key again. Listening
 * addresses stay as they are.
 */
void
porthole_daemon_reload (PortholeDaemon *self)
{
  g_autoptr(GError) error = NULL;

  if (!porthole_config_reload (self->config, &error) ||
      !porthole_auth_configure (self->auth, self->config, &error))
    {
      g_warning ("Reload failed, keeping the previous settings: %s", error->message);
      return;
    }
  porthole_json_set_max_depth (porthole_config_get_max_json_depth (self->config));
  update_max_terminals (self);

  g_message ("Configuration and verification key reloaded");
}

static gboolean
stop_poll_cb (gpointer user_data)
{
  PortholeDaemon *self = user_data;

  gboolean busy = self->draining ? !porthole_http_server_is_drained (self->http_server)
                                 : porthole_http_server_get_n_active (self->http_server) > 0;

  if (busy && g_get_monotonic_time () - self->stop_started < STOP_GRACE_USEC)
    return G_SOURCE_CONTINUE;

  self->stop_poll_id = 0;
  /* Whatever ignored SIGTERM goes now. */
  porthole_process_kill_all (TRUE);
  g_signal_emit (self, signals[STOPPED], 0);

  return G_SOURCE_REMOVE;
}

static void
stop (PortholeDaemon *self,
      gboolean        drain)
{
  if (self->stopping)
    return;

  self->stopping = TRUE;
  self->draining = drain;
  self->stop_started = g_get_monotonic_time ();

  if (self->http_server != NULL)
    {
      if (drain)
        porthole_http_server_drain (self->http_server);
      else
        porthole_http_server_stop (self->http_server);
    }
  g_signal_emit (self, signals[STOPPING], 0);
#if HAVE_DESKTOP
  if (self->desktop != NULL)
    porthole_desktop_stop (self->desktop);
#endif
  if (self->file_watcher != NULL)
    porthole_file_watcher_stop (self->file_watcher);
  /* Every child tree gets SIGTERM, and SIGKILL 2 s later. */
  porthole_run_table_kill_all (self->run_table);
  porthole_process_kill_all (FALSE);

  if (self->http_server == NULL)
    {
      g_signal_emit (self, signals[STOPPED], 0);
      return;
    }

  self->stop_poll_id = g_timeout_add (50, stop_poll_cb, self);
}

/**
 * porthole_daemon_stop:
 *
 * Stops accepting, tells every part to wind down ("stopping"), and emits
 * "stopped" once requests in flight have finished or the grace period
 * is over.
 */
void
porthole_daemon_stop (PortholeDaemon *self)
{
  g_return_if_fail (PORTHOLE_IS_DAEMON (self));

  stop (self, FALSE);
}

/**
 * porthole_daemon_drain:
 *
 * porthole_daemon_stop() for a restart that keeps the listening sockets:
 * work ends the same way, but connections already accepted are answered
 * rather than refused, and "stopped" waits for them to close.
 */
void
porthole_daemon_drain (PortholeDaemon *self)
{
  g_return_if_fail (PORTHOLE_IS_DAEMON (self));

  stop (self, TRUE);
}

gboolean
porthole_daemon_is_stopping (PortholeDaemon *self)
{
  return self->stopping;
}

PortholeConfig *
porthole_daemon_get_config (PortholeDaemon *self)
{
  return self->config;
}

PortholeAuth *
porthole_daemon_get_auth (PortholeDaemon *self)
{
  return self->auth;
}

PortholeHttpServer *
porthole_daemon_get_http_server (PortholeDaemon *self)
{
  return self->http_server;
}

PortholeEnvStore *
porthole_daemon_get_env_store (PortholeDaemon *self)
{
  return self->env_store;
}

PortholeSysinfo *
porthole_daemon_get_sysinfo (PortholeDaemon *self)
{
  return self->sysinfo;
}

/**
 * porthole_daemon_get_desktop:
 *
 * Returns: (nullable): the desktop subsystem; %NULL in builds without
 *   the desktop
 */
PortholeDesktop *
porthole_daemon_get_desktop (PortholeDaemon *self)
{
  return self->desktop;
}

/**
 * porthole_daemon_get_run_table:
 *
 * Returns: (transfer none): the background runs (/execute/processes)
 */
PortholeRunTable *
porthole_daemon_get_run_table (PortholeDaemon *self)
{
  return self->run_table;
}

PortholeMetrics *
porthole_daemon_get_metrics (PortholeDaemon *self)
{
  return self->metrics;
}

PortholeUpdater *
porthole_daemon_get_updater (PortholeDaemon *self)
{
  return self->updater;
}

/**
 * porthole_daemon_get_fs_policy:
 *
 * Returns: (transfer none): what the file API may touch, and how
 */
PortholeFsPolicy *
porthole_daemon_get_fs_policy (PortholeDaemon *self)
{
  return self->fs_policy;
}

/**
 * porthole_daemon_get_file_watcher:
 *
 * Returns: (transfer none): the one inotify instance for /files/watch
 */
PortholeFileWatcher *
porthole_daemon_get_file_watcher (PortholeDaemon *self)
{
  return self->file_watcher;
}

/**
 * porthole_daemon_get_executor:
 *
 * Returns: (transfer none): code execution: runtime files, the execution
 *   cache, Jupyter kernels, webhooks
 */
PortholeExecutor *
porthole_daemon_get_executor (PortholeDaemon *self)
{
  return self->executor;
}

/**
 * porthole_daemon_get_mcp_server:
 *
 * Returns: (transfer none): the MCP endpoint's server
 */
PortholeMcpServer *
porthole_daemon_get_mcp_server (PortholeDaemon *self)
{
  return self->mcp_server;
}

/**
 * porthole_daemon_get_workspace:
 *
 * Returns: the workspace in use: the configured one, or the unprivileged
 *   fallback
 */
const char *
porthole_daemon_get_workspace (PortholeDaemon *self)
{
  return self->workspace;
}

const char *
porthole_daemon_get_state_dir (PortholeDaemon *self)
{
  return porthole_config_get_state_dir (self->config);
}

/**
 * porthole_daemon_get_vm_id:
 *
 * Returns: the configured sandbox id, else the host name
 */
const char *
porthole_daemon_get_vm_id (PortholeDaemon *self)
{
  return self->vm_id;
}

/**
 * porthole_daemon_get_start_time:
 *
 * Returns: the start time, in microseconds since the epoch
 */
gint64
porthole_daemon_get_start_time (PortholeDaemon *self)
{
  return self->start_time;
}

double
porthole_daemon_get_uptime (PortholeDaemon *self)
{
  return (g_get_monotonic_time () - self->start_monotonic) / (double) G_USEC_PER_SEC;
}

void
porthole_daemon_activity_begin (PortholeDaemon   *self,
                                PortholeActivity  activity)
{
  g_return_if_fail (activity < PORTHOLE_N_ACTIVITIES);

  self->activity[activity]++;
  self->activity_total[activity]++;
}

void
porthole_daemon_activity_end (PortholeDaemon   *self,
                              PortholeActivity  activity)
{
  g_return_if_fail (activity < PORTHOLE_N_ACTIVITIES);
  g_return_if_fail (self->activity[activity] > 0);

  self->activity[activity]--;
}

/**
 * porthole_daemon_get_activity:
 *
 * Returns: how many of @activity are in progress
 */
guint
porthole_daemon_get_activity (PortholeDaemon   *self,
                              PortholeActivity  activity)
{
  g_return_val_if_fail (activity < PORTHOLE_N_ACTIVITIES, 0);

  return self->activity[activity];
}

/**
 * porthole_daemon_get_max_terminals:
 *
 * Returns: how many terminals may be open at once: max-terminals, or
 *   fewer if the descriptor limit has no room for them
 */
guint
porthole_daemon_get_max_terminals (PortholeDaemon *self)
{
  g_return_val_if_fail (PORTHOLE_IS_DAEMON (self), 0);

  return self->max_terminals;
}

/**
 * porthole_daemon_get_activity_total:
 *
 * Returns: how many of @activity began since the start (a counter)
 */
guint64
porthole_daemon_get_activity_total (PortholeDaemon   *self,
                                    PortholeActivity  activity)
{
  g_return_val_if_fail (activity < PORTHOLE_N_ACTIVITIES, 0);

  return self->activity_total[activity];
}

guint
porthole_daemon_get_active_streams (PortholeDaemon *self)
{
  return self->active_streams;
}

void
porthole_daemon_stream_opened (PortholeDaemon *self)
{
  self->active_streams++;
}

void
porthole_daemon_stream_closed (PortholeDaemon *self)
{
  g_return_if_fail (self->active_streams > 0);

  self->active_streams--;
}
