/* porthole-executor.c
 *
 * State lives under <state-dir>: runtime/ (the Python runner, installed
 * from the daemon's resources at each start and compiled once so a run
 * does not pay for compiling it), exec-cache/ (porthole-exec-cache.c),
 * go/ (GOCACHE and GOPATH of Go runs that set neither) and kernels/
 * (connection files).
 *
 * Programs are written to a scratch directory in memory (/dev/shm) when
 * there is one: on a disk mounted with `discard`, deleting even a small
 * file waits for the device, in the daemon's main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "porthole-daemon.h"
#include "porthole-executor.h"
#include "porthole-target-user.h"
#include "porthole-kernel-manager.h"
#include "porthole-language.h"
#include "porthole-process.h"

#define RUNNER_RESOURCE "/io/github/porthole/portholed/porthole-runner.py"
/* Webhook attempts give up after this long (API.md §3.5). */
#define WEBHOOK_TIMEOUT_SECONDS 10

struct _PortholeExecutor
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  char *runner_source;
  char *runner_compiled;
  gboolean runner_is_compiled;
  guint compile_id;
  char *go_directory;
  char *scratch_directory;
  PortholeExecCache *cache;
  PortholeKernelManager *kernels;
  SoupSession *http_session;
  GCancellable *cancellable;
  /* porthole_executor_has_ipykernel()'s answer, until then. */
  gboolean has_ipykernel;
  gint64 has_ipykernel_until;
};

G_DEFINE_FINAL_TYPE (PortholeExecutor, porthole_executor, G_TYPE_OBJECT)

static void
porthole_executor_dispose (GObject *object)
{
  PortholeExecutor *self = (PortholeExecutor *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->compile_id, g_source_remove);
  g_clear_object (&self->kernels);
  g_clear_object (&self->http_session);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (porthole_executor_parent_class)->dispose (object);
}

static void
porthole_executor_finalize (GObject *object)
{
  PortholeExecutor *self = (PortholeExecutor *)object;

  g_clear_object (&self->cancellable);
  g_free (self->runner_source);
  g_free (self->runner_compiled);
  g_free (self->go_directory);
  g_free (self->scratch_directory);

  G_OBJECT_CLASS (porthole_executor_parent_class)->finalize (object);
}

static void
porthole_executor_class_init (PortholeExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_executor_dispose;
  object_class->finalize = porthole_executor_finalize;
}

static void
porthole_executor_init (PortholeExecutor *self)
{
  self->cancellable = g_cancellable_new ();
}

static void
on_runner_compiled (PortholeProcess  *process,
                    PortholeExecutor *self)
{
  int exit_code = porthole_process_get_exit_code (process);

  if (exit_code == 0 && g_file_test (self->runner_compiled, G_FILE_TEST_IS_REGULAR))
    self->runner_is_compiled = TRUE;
  else if (exit_code > 128)
    g_debug ("The Python runner's compiler was stopped (a daemon stopping)");
  else
    g_message ("Could not compile the Python runner; running it from source: %s",
               porthole_process_get_stderr (process));
}

/* Compiles the installed runner; runs use the source until it is done. */
static gboolean
compile_runner_cb (gpointer user_data)
{
  PortholeExecutor *self = user_data;
  const char *const argv[] = {
    PORTHOLE_PYTHON, "-I", "-c",
    "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
    self->runner_source, self->runner_compiled, NULL
  };
  const char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
  g_autofree char *directory = g_path_get_dirname (self->runner_source);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeProcess) process = NULL;

  self->compile_id = 0;
  process = porthole_process_new (argv, envp, directory, PORTHOLE_PROCESS_FLAGS_CAPTURE);
  g_signal_connect_object (process, "exited", G_CALLBACK (on_runner_compiled), self, 0);
  if (!porthole_process_spawn (process, &error))
    g_debug ("Cannot compile the Python runner: %s", error->message);

  return G_SOURCE_REMOVE;
}

/* The bytecode an earlier start made serves while the source is the same
 * and the interpreter is no newer (its bytecode format may differ). */
static gboolean
runner_bytecode_is_current (PortholeExecutor *self,
                            GBytes           *script)
{
  g_autofree char *installed = NULL;
  GStatBuf compiled, python;
  gsize length;

  return g_file_get_contents (self->runner_source, &installed, &length, NULL) &&
         length == g_bytes_get_size (script) &&
         memcmp (installed, g_bytes_get_data (script, NULL), length) == 0 &&
         g_stat (self->runner_compiled, &compiled) == 0 && g_stat (PORTHOLE_PYTHON, &python) == 0 &&
         compiled.st_mtime > python.st_mtime;
}

/* Installs the runner script; compiles it unless the bytecode of an
 * earlier start is current, a moment after start-up so that the Python
 * start does not compete with the first requests on a small machine. */
static void
install_runner (PortholeExecutor *self,
                const char       *directory)
{
  g_autoptr(GBytes) script = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(PortholeFsIdentity) identity = { 0 };

  /* In the runtime directory, which is the target user's. */
  porthole_fs_as_user_begin (&identity);
  self->runner_source = g_build_filename (directory, "porthole-runner.py", NULL);
  self->runner_compiled = g_build_filename (directory, "porthole-runner.pyc", NULL);

  script = g_resources_lookup_data (RUNNER_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (script == NULL)
    {
      g_warning ("Cannot install the Python runner: %s", error->message);
      return;
    }

  if (runner_bytecode_is_current (self, script))
    {
      self->runner_is_compiled = TRUE;
      return;
    }

  g_unlink (self->runner_compiled);
  if (!g_file_set_contents_full (self->runner_source, g_bytes_get_data (script, NULL),
                                 g_bytes_get_size (script), G_FILE_SET_CONTENTS_CONSISTENT,
                                 0644, &error))
    {
      g_warning ("Cannot install the Python runner: %s", error->message);
      return;
    }

  self->compile_id = g_timeout_add_seconds (1, compile_runner_cb, self);
}

static char *
make_state_directory (PortholeDaemon *daemon,
                      const char     *name)
{
  char *path = g_build_filename (porthole_daemon_get_state_dir (daemon), name, NULL);
  PortholeTargetUser *user = porthole_target_user_get_default ();
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (path, 0700) != 0)
    g_warning ("Cannot create %s: %s", path, g_strerror (errno));
  /* Runs write there (caches, kernels' connection files): they are
   * their user's. */
  else if (user != NULL && !porthole_target_user_take_directory (user, path, TRUE, &error))
    g_warning ("%s", error->message);

  return path;
}

/* Callbacks go where http(s)_proxy says, never through GIO's default
 * resolver: it reads GSettings, which isolated environments lack. */
static GProxyResolver *
proxy_resolver_from_environment (void)
{
  const char *all = g_getenv ("all_proxy") ? g_getenv ("all_proxy") : g_getenv ("ALL_PROXY");
  const char *http = g_getenv ("http_proxy") ? g_getenv ("http_proxy") : g_getenv ("HTTP_PROXY");
  const char *https = g_getenv ("https_proxy") ? g_getenv ("https_proxy") : g_getenv ("HTTPS_PROXY");
  const char *no_proxy = g_getenv ("no_proxy") ? g_getenv ("no_proxy") : g_getenv ("NO_PROXY");
  g_autoptr(GStrvBuilder) ignore = g_strv_builder_new ();
  g_auto(GStrv) ignore_hosts = NULL;
  GProxyResolver *resolver;

  if ((all == NULL || !*all) && (http == NULL || !*http) && (https == NULL || !*https))
    return NULL;

  g_strv_builder_add_many (ignore, "localhost", "127.0.0.0/8", "::1", NULL);
  if (no_proxy != NULL)
    {
      g_auto(GStrv) hosts = g_strsplit (no_proxy, ",", -1);

      for (guint i = 0; hosts[i]; i++)
        if (*g_strstrip (hosts[i]))
          g_strv_builder_add (ignore, hosts[i]);
    }
  ignore_hosts = g_strv_builder_end (ignore);

  resolver = g_simple_proxy_resolver_new (all && *all ? all : NULL, ignore_hosts);
  if (http && *http)
    g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "http", http);
  if (https && *https)
    g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "https", https);

  return resolver;
}

static char *
find_scratch_directory (void)
{
  struct statfs st;

  if (statfs ("/dev/shm", &st) == 0 && st.f_type == TMPFS_MAGIC && access ("/dev/shm", W_OK | X_OK) == 0)
    return g_strdup ("/dev/shm");

  return g_strdup (g_get_tmp_dir ());
}

static void
on_daemon_stopping (PortholeExecutor *self)
{
  g_cancellable_cancel (self->cancellable);
  porthole_kernel_manager_shutdown (self->kernels);
}

PortholeExecutor *
porthole_executor_new (PortholeDaemon *daemon)
{
  PortholeExecutor *self = g_object_new (PORTHOLE_TYPE_EXECUTOR, NULL);
  g_autofree char *runtime = make_state_directory (daemon, "runtime");
  g_autofree char *cache = make_state_directory (daemon, "exec-cache");
  g_autofree char *kernels = make_state_directory (daemon, "kernels");
  g_autoptr(GProxyResolver) resolver = proxy_resolver_from_environment ();

  self->daemon = daemon;
  self->go_directory = make_state_directory (daemon, "go");
  self->scratch_directory = find_scratch_directory ();
  self->cache = porthole_exec_cache_new (cache);
  self->kernels = porthole_kernel_manager_new (self, kernels);
  self->http_session = soup_session_new_with_options ("proxy-resolver", resolver,
                                                      "timeout", WEBHOOK_TIMEOUT_SECONDS,
                                                      "user-agent", PORTHOLE_AGENT_NAME "/" PACKAGE_VERSION,
                                                      NULL);
  install_runner (self, runtime);
  g_signal_connect_object (daemon, "stopping", G_CALLBACK (on_daemon_stopping), self, G_CONNECT_SWAPPED);

  return self;
}

PortholeDaemon *
porthole_executor_get_daemon (PortholeExecutor *self)
{
  return self->daemon;
}

/**
 * porthole_executor_get_python_runner:
 *
 * Returns: the runner to start Python programs with (its bytecode once
 *   compiled)
 */
const char *
porthole_executor_get_python_runner (PortholeExecutor *self)
{
  return self->runner_is_compiled ? self->runner_compiled : self->runner_source;
}

/**
 * porthole_executor_get_go_directory:
 *
 * Returns: where Go runs keep GOCACHE and GOPATH unless told otherwise
 */
const char *
porthole_executor_get_go_directory (PortholeExecutor *self)
{
  return self->go_directory;
}

/**
 * porthole_executor_get_scratch_directory:
 *
 * Returns: where programs get their private directories
 */
const char *
porthole_executor_get_scratch_directory (PortholeExecutor *self)
{
  return self->scratch_directory;
}

PortholeExecCache *
porthole_executor_get_cache (PortholeExecutor *self)
{
  return self->cache;
}

PortholeKernelManager *
porthole_executor_get_kernels (PortholeExecutor *self)
{
  return self->kernels;
}

SoupSession *
porthole_executor_get_http_session (PortholeExecutor *self)
{
  return self->http_session;
}

/**
 * porthole_executor_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the daemon stops
 */
GCancellable *
porthole_executor_get_cancellable (PortholeExecutor *self)
{
  return self->cancellable;
}

/* Whether @name (a module file or a package's __init__.py) is in one of
 * the directories Debian's Python searches in isolated mode (-I, as
 * kernels run): its standard library and the two dist-packages. */
static gboolean
python_has_module (const char *version,
                   const char *name)
{
  g_autofree char *stdlib = g_strconcat ("/usr/lib/", version, NULL);
  g_autofree char *local = g_strconcat ("/usr/local/lib/", version, "/dist-packages", NULL);
  const char *const directories[] = { "/usr/lib/python3/dist-packages", local, stdlib };

  for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
    {
      g_autofree char *path = g_build_filename (directories[i], name, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
    }

  return FALSE;
}

/**
 * porthole_executor_has_ipykernel:
 *
 * Asked by every /health: a few stat() calls, no Python started (that
 * cost the first /health tens of milliseconds), and one answer serves
 * for a second (those calls were a quarter of what /health cost under
 * load), so a package installed later is seen within a second.
 *
 * Returns: whether Debian's Python can run a Jupyter kernel
 */
gboolean
porthole_executor_has_ipykernel (PortholeExecutor *self)
{
  g_autofree char *target = NULL;
  g_autofree char *version = NULL;
  gint64 now = g_get_monotonic_time ();

  if (now < self->has_ipykernel_until)
    return self->has_ipykernel;

  /* /usr/bin/python3 -> python3.11 */
  target = g_file_read_link (PORTHOLE_PYTHON, NULL);
  self->has_ipykernel = target != NULL &&
                        g_str_has_prefix ((version = g_path_get_basename (target)), "python3.") &&
                        python_has_module (version, "ipykernel_launcher.py") &&
                        python_has_module (version, "zmq/__init__.py");
  self->has_ipykernel_until = now + G_USEC_PER_SEC;

  return self->has_ipykernel;
}
