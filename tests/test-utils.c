/* test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "porthole-json.h"
#include "porthole-protocol.h"
#include "test-utils.h"

void
porthole_test_init (int    *argc,
                    char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* A daemon that dies under a request must fail the test, not kill it. */
  signal (SIGPIPE, SIG_IGN);
}

/**
 * porthole_test_take_uint_option:
 * @argc: the program's
 * @argv: the program's
 * @name: the option with its `=`, e.g. `"--writes="`
 * @default_value: when the option is absent
 *
 * A test's own `NAME<number>` option, taken out of @argv before GLib's
 * parser sees it: the slow suite and the benchmarks run the same test
 * with larger counts.
 *
 * Returns: the last such option's value, or @default_value
 */
guint
porthole_test_take_uint_option (int        *argc,
                                char      **argv,
                                const char *name,
                                guint       default_value)
{
  guint value = default_value;

  for (int i = 1; i < *argc; i++)
    if (g_str_has_prefix (argv[i], name))
      {
        value = (guint) g_ascii_strtoull (argv[i] + strlen (name), NULL, 10);
        memmove (&argv[i], &argv[i + 1], (*argc - i) * sizeof (char *));
        (*argc)--;
        i--;
      }

  return value;
}

/**
 * porthole_test_skip_if_sanitized:
 *
 * Memory measurements are meaningless under ASan (its quarantine keeps
 * freed memory resident) and valgrind (its own heap); the default test
 * setup runs them.
 *
 * Returns: %TRUE if the test was skipped
 */
gboolean
porthole_test_skip_if_sanitized (void)
{
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    return FALSE;

  g_test_skip ("memory figures are not meaningful under AddressSanitizer or valgrind");
  return TRUE;
}

/**
 * porthole_test_use_private_xdg_dirs:
 *
 * G_TEST_OPTION_ISOLATE_DIRS points the XDG directories at /dev/null
 * outside test cases, so a daemon started from main() passes that on to
 * its children; programs that keep a cache there (matplotlib) need real
 * ones. Call before starting the daemon.
 *
 * Returns: the directory holding them, to remove at the end
 */
char *
porthole_test_use_private_xdg_dirs (void)
{
  char *dirs = porthole_test_make_tmpdir ();
  g_autofree char *config = g_build_filename (dirs, "config", NULL);
  g_autofree char *cache = g_build_filename (dirs, "cache", NULL);

  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  return dirs;
}

/**
 * porthole_test_get_daemon_path:
 *
 * Returns: the portholed under test (meson sets PORTHOLED)
 */
const char *
porthole_test_get_daemon_path (void)
{
  const char *path = g_getenv ("PORTHOLED");

  g_assert_nonnull (path);
  return path;
}

/**
 * porthole_test_get_daemon_wrapper:
 *
 * The command the daemon runs under, from PORTHOLE_TEST_DAEMON_WRAPPER
 * (the valgrind test setup sets it, so a leak or an invalid read in the
 * daemon fails the test through the wrapper's exit status).
 *
 * Returns: (transfer full) (nullable): its argument vector, or %NULL
 */
char **
porthole_test_get_daemon_wrapper (void)
{
  const char *wrapper = g_getenv ("PORTHOLE_TEST_DAEMON_WRAPPER");
  g_autoptr(GError) error = NULL;
  char **argv = NULL;

  if (wrapper == NULL || *wrapper == '\0')
    return NULL;
  g_shell_parse_argv (wrapper, NULL, &argv, &error);
  g_assert_no_error (error);
  return argv;
}

/**
 * porthole_test_time_scale:
 *
 * How much longer the harness waits for the daemon to start and stop:
 * PORTHOLE_TEST_TIME_SCALE (the valgrind setup sets it), else 1.
 */
guint
porthole_test_time_scale (void)
{
  const char *scale = g_getenv ("PORTHOLE_TEST_TIME_SCALE");
  guint64 value;

  if (scale == NULL || !g_ascii_string_to_unsigned (scale, 10, 1, 100, &value, NULL))
    return 1;
  return value;
}

char *
porthole_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("porthole-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
porthole_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode) && (dir = g_dir_open (path, 0, NULL)))
    {
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          porthole_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/**
 * porthole_test_pid_is_running:
 *
 * Returns: %TRUE if @pid exists and is not a zombie
 */
gboolean
porthole_test_pid_is_running (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *after;

  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  after = strrchr (stat, ')');
  /* A zombie is dead: it only waits for its (new) parent to reap it. */
  return after != NULL && after[2] != 'Z';
}

static int
pid_in_file (const char *path)
{
  g_autofree char *text = NULL;

  /* Only a whole line counts: the writer may not be done. */
  if (!g_file_get_contents (path, &text, NULL, NULL) || strchr (text, '\n') == NULL)
    return 0;

  return atoi (text);
}

/**
 * porthole_test_read_pid_file:
 *
 * Waits for a line in @path (a child writes its pid there) and returns
 * the number on it.
 */
int
porthole_test_read_pid_file (const char *path)
{
  int pid;

  PORTHOLE_TEST_WAIT_UNTIL ((pid = pid_in_file (path)) > 0);
  return pid;
}

/* Entries of the directory @path (which must exist). */
guint
porthole_test_count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* Descriptors @pid holds open. */
guint
porthole_test_count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);

  return porthole_test_count_entries (path);
}

/* What each descriptor of @pid is ("socket:[N]", a path…); one closed
 * meanwhile is left out. */
GPtrArray *
porthole_test_fd_targets (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (path, name, NULL);
      char *target = g_file_read_link (link, NULL);

      if (target != NULL)
        g_ptr_array_add (targets, target);
    }

  return targets;
}

/* Sockets only: a leaked connection is one, and the daemon opens other
 * descriptors of its own meanwhile (the process guardian's pidfd and
 * pipe, once it starts its first child). */
guint
porthole_test_count_sockets (GPid pid)
{
  g_autoptr(GPtrArray) targets = porthole_test_fd_targets (pid);
  guint n = 0;

  for (guint i = 0; i < targets->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (targets, i), "socket:");
  return n;
}

/* Where the descriptor of @pid open on @target (a path) stands in
 * it: its fdinfo "pos", or -1 while none is open on it. */
gint64
porthole_test_fd_position (GPid        pid,
                           const char *target)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (path, name, NULL);
      g_autofree char *points_to = g_file_read_link (link, NULL);
      g_autofree char *info_path = NULL;
      g_autofree char *info = NULL;

      if (g_strcmp0 (points_to, target) != 0)
        continue;
      info_path = g_strdup_printf ("/proc/%d/fdinfo/%s", pid, name);
      if (g_file_get_contents (info_path, &info, NULL, NULL) && g_str_has_prefix (info, "pos:"))
        return g_ascii_strtoll (info + strlen ("pos:"), NULL, 10);
    }

  return -1;
}

/* Bytes @pid has written so far (/proc/PID/io "wchar"): pipes and
 * sockets included. */
gint64
porthole_test_written_bytes (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/io", pid);
  g_autofree char *io = NULL;
  const char *wchar;

  if (!g_file_get_contents (path, &io, NULL, NULL) || (wchar = strstr (io, "wchar:")) == NULL)
    return -1;
  return g_ascii_strtoll (wchar + strlen ("wchar:"), NULL, 10);
}

/**
 * porthole_test_wait_still:
 * @probe: how far a producer got (bytes written, a file position)
 *
 * Waits, spinning the default main context, until @probe gives the same
 * value (not -1) for a whole second: the producer was made to wait.
 * Fails after 30 s.
 *
 * Returns: that value
 */
gint64
porthole_test_wait_still (PortholeTestProbe probe,
                          gpointer          data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * porthole_test_time_scale () * G_USEC_PER_SEC;
  gint64 value = probe (data), since = g_get_monotonic_time ();

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 current = probe (data);

      if (current != value || current < 0)
        {
          value = current;
          since = now;
        }
      else if (now - since >= G_USEC_PER_SEC)
        return value;
      g_assert_cmpint (now, <, deadline);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (20 * 1000);
    }
}

/* Threads of @pid whose name starts with @prefix (they inherit the
 * name of the thread that started them). */
guint
porthole_test_count_threads (GPid        pid,
                             const char *prefix)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *task;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename (path, task, "comm", NULL);
      g_autofree char *comm = NULL;

      /* A thread that ended meanwhile is not counted. */
      if (g_file_get_contents (comm_path, &comm, NULL, NULL) && g_str_has_prefix (comm, prefix))
        n++;
    }

  return n;
}

/**
 * porthole_test_assert_timestamp:
 *
 * Checks @member of @object is an RFC 3339 UTC timestamp (with `Z`).
 */
void
porthole_test_assert_timestamp (JsonObject *object,
                                const char *member)
{
  const char *text = json_object_get_string_member (object, member);
  gint64 when;

  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "Z"));
  g_assert_true (porthole_timestamp_parse (text, &when));
}

/**
 * porthole_test_pid_exists:
 *
 * Returns: whether @pid is a process, zombies included
 */
gboolean
porthole_test_pid_exists (gint64 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT, pid);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Binds *@port, or an ephemeral port when it is 0 (and says which). */
static int
bind_loopback (guint *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  g_assert_cmpint (fd, >=, 0);
  /* A restarted daemon takes its port back while the old connections
   * are in TIME_WAIT. */
  addr.sin_port = htons (*port);
  g_assert_no_errno (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  g_assert_no_errno (listen (fd, 1024));
  g_assert_no_errno (getsockname (fd, (struct sockaddr *) &addr, &len));
  *port = ntohs (addr.sin_port);

  return fd;
}

static void
write_secret (const char *path)
{
  g_autoptr(GError) error = NULL;
  guint8 raw[32];
  g_autoptr(GString) hex = g_string_new (NULL);

  for (guint i = 0; i < sizeof raw; i++)
    raw[i] = g_random_int_range (0, 256);
  for (guint i = 0; i < sizeof raw; i++)
    g_string_append_printf (hex, "%02x", raw[i]);

  g_file_set_contents_full (path, hex->str, hex->len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

/* Test daemons with --tls-cert use a throwaway self-signed certificate. */
static gboolean
accept_test_certificate (SoupMessage          *msg,
                         GTlsCertificate      *certificate,
                         GTlsCertificateFlags  errors,
                         gpointer              user_data)
{
  return TRUE;
}

static gboolean
daemon_is_healthy (PortholeTestDaemon *daemon)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = g_strconcat (daemon->url, PORTHOLE_ROUTE_HEALTH, NULL);

  msg = soup_message_new ("GET", url);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_test_certificate), NULL);
  body = soup_session_send_and_read (daemon->session, msg, NULL, NULL);

  return body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK;
}

/* A test that crashes must not leave its daemon behind, holding the
 * test's output pipe open and meson waiting on it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
on_daemon_exited (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PortholeTestDaemon *daemon = user_data;

  daemon->exited = TRUE;
}

static void
spawn_daemon (PortholeTestDaemon *daemon)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_build_filename (daemon->tmpdir, "home", NULL);
  g_auto(GStrv) wrapper = porthole_test_get_daemon_wrapper ();
  gint64 deadline;
  int fd;

  g_mkdir_with_parents (home, 0700);
  daemon->exited = FALSE;
  fd = bind_loopback (&daemon->port);
  if (daemon->url == NULL)
    {
      gboolean tls = FALSE;

      for (guint i = 0; daemon->extra_args && daemon->extra_args[i]; i++)
        tls |= g_str_has_prefix (daemon->extra_args[i], "--tls-cert");
      daemon->url = g_strdup_printf ("%s://127.0.0.1:%u", tls ? "https" : "http", daemon->port);
    }

  /* The valgrind setup runs the daemon under valgrind too. */
  if (wrapper != NULL)
    for (guint i = 0; wrapper[i] != NULL; i++)
      g_ptr_array_add (argv, wrapper[i]);
  g_ptr_array_add (argv, (gpointer) porthole_test_get_daemon_path ());
  g_ptr_array_add (argv, "--listen-fd=3");
  g_ptr_array_add (argv, "--workspace");
  g_ptr_array_add (argv, daemon->workspace);
  g_ptr_array_add (argv, "--state-dir");
  g_ptr_array_add (argv, daemon->state_dir);
  g_ptr_array_add (argv, "--display=none");
  if (daemon->token != NULL)
    {
      g_ptr_array_add (argv, "--jwt-secret-file");
      g_ptr_array_add (argv, daemon->secret_file);
    }
  for (guint i = 0; daemon->extra_args && daemon->extra_args[i]; i++)
    g_ptr_array_add (argv, daemon->extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  /* A critical is a bug (a field read without checking its type, say):
   * it kills the daemon, and so fails the test. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "gc-friendly,fatal-criticals", TRUE);
  g_subprocess_launcher_setenv (launcher, "PORTHOLE_TEST_MARKER", "private", TRUE);
  g_subprocess_launcher_setenv (launcher, "TEST_VISIBLE_MARKER", "visible", TRUE);
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  /* stdout is the TAP stream; the daemon's output goes to stderr. */
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  daemon->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (daemon->process, NULL, on_daemon_exited, daemon);

  /* The socket listens already, so the first request just waits for the
   * daemon to accept it. */
  deadline = g_get_monotonic_time () + 20 * porthole_test_time_scale () * G_USEC_PER_SEC;
  while (!daemon_is_healthy (daemon))
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_false (daemon->exited);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

/**
 * porthole_test_daemon_new_full:
 * @tmpdir: (nullable): reuse this directory (a restart); otherwise a new one
 * @extra_args: (nullable): more portholed arguments
 * @with_secret: configure --jwt-secret-file
 */
PortholeTestDaemon *
porthole_test_daemon_new_full (const char        *tmpdir,
                               const char *const *extra_args,
                               gboolean           with_secret)
{
  PortholeTestDaemon *daemon = g_new0 (PortholeTestDaemon, 1);

  daemon->tmpdir = tmpdir ? g_strdup (tmpdir) : porthole_test_make_tmpdir ();
  daemon->secret_file = g_build_filename (daemon->tmpdir, "secret", NULL);
  daemon->workspace = g_build_filename (daemon->tmpdir, "workspace", NULL);
  daemon->state_dir = g_build_filename (daemon->tmpdir, "state", NULL);
  daemon->extra_args = g_strdupv ((char **) extra_args);
  /* The secret goes in first (the directory may be new: new_files()). */
  g_mkdir_with_parents (daemon->tmpdir, 0700);

  if (with_secret)
    {
      if (!g_file_test (daemon->secret_file, G_FILE_TEST_EXISTS))
        write_secret (daemon->secret_file);
      daemon->token = porthole_test_daemon_mint_token (daemon, 3600);
    }

  daemon->session = soup_session_new_with_options ("timeout", 60, NULL);

  /* Binds an ephemeral port first (daemon->port is 0). */
  spawn_daemon (daemon);
  daemon->client = porthole_client_new (daemon->url, daemon->token);

  return daemon;
}

/**
 * porthole_test_daemon_restart:
 *
 * Stops the daemon (SIGTERM, clean exit) and starts it again on the
 * same port, directory and arguments, as after an update or a crash
 * of the sandbox's agent.
 */
void
porthole_test_daemon_restart (PortholeTestDaemon *daemon)
{
  porthole_test_daemon_stop (daemon);
  spawn_daemon (daemon);
}

PortholeTestDaemon *
porthole_test_daemon_new (const char *const *extra_args)
{
  return porthole_test_daemon_new_full (NULL, extra_args, TRUE);
}

/**
 * porthole_test_daemon_new_files:
 * @dir: where the key file goes; the daemon's own directory is @dir/daemon
 * @config: (nullable): the key file's text; %NULL keeps the one there
 *   (a restart)
 * @fallback_resolver: make the file policy walk paths without openat2()
 *
 * A daemon for the file policy tests.
 */
PortholeTestDaemon *
porthole_test_daemon_new_files (const char *dir,
                                const char *config,
                                gboolean    fallback_resolver)
{
  g_autofree char *path = g_build_filename (dir, "portholed.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config=", path, NULL);
  g_autofree char *daemon_dir = g_build_filename (dir, "daemon", NULL);
  PortholeTestDaemon *daemon;

  if (config != NULL)
    g_assert_true (g_file_set_contents (path, config, -1, NULL));

  /* The daemon inherits the switch to its fallback resolver. */
  if (fallback_resolver)
    g_setenv ("PORTHOLE_FS_NO_OPENAT2", "1", TRUE);
  daemon = porthole_test_daemon_new_full (daemon_dir, (const char *[]) { config_arg, NULL }, TRUE);
  g_unsetenv ("PORTHOLE_FS_NO_OPENAT2");

  return daemon;
}

GPid
porthole_test_daemon_get_pid (PortholeTestDaemon *daemon)
{
  const char *id = g_subprocess_get_identifier (daemon->process);

  return id ? atoi (id) : 0;
}

/* A "Name:   N kB" line of /proc/PID/status, in bytes. */
static gsize
read_status_size (PortholeTestDaemon *daemon,
                  const char         *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", porthole_test_daemon_get_pid (daemon));
  g_autofree char *contents = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  line = strstr (contents, field);
  g_assert_nonnull (line);

  return g_ascii_strtoull (line + strlen (field), NULL, 10) * 1024;
}

/**
 * porthole_test_daemon_get_active_streams:
 *
 * Returns: the streams and WebSockets @daemon counts open (/health)
 */
gint64
porthole_test_daemon_get_active_streams (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  return json_object_get_int_member (health->json, "active_streams");
}

/**
 * porthole_test_daemon_get_rss:
 *
 * Returns: the daemon's resident set, in bytes (VmRSS)
 */
gsize
porthole_test_daemon_get_rss (PortholeTestDaemon *daemon)
{
  return read_status_size (daemon, "VmRSS:");
}

/**
 * porthole_test_daemon_get_peak_rss:
 *
 * Returns: the most the daemon's resident set has been, in bytes (VmHWM)
 */
gsize
porthole_test_daemon_get_peak_rss (PortholeTestDaemon *daemon)
{
  return read_status_size (daemon, "VmHWM:");
}

char *
porthole_test_daemon_mint_token (PortholeTestDaemon *daemon,
                                 gint64              ttl)
{
  g_autofree char *ttl_arg = g_strdup_printf ("--ttl=%" G_GINT64_FORMAT, ttl);
  const char *argv[] = { porthole_test_get_daemon_path (), "token", "--secret-file",
                         daemon->secret_file, ttl_arg, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_strstrip (g_steal_pointer (&out));
}

/**
 * porthole_test_daemon_stop:
 *
 * SIGTERM, then asserts a clean exit (status 0) within 15 s.
 */
void
porthole_test_daemon_stop (PortholeTestDaemon *daemon)
{
  gint64 deadline = g_get_monotonic_time () + 15 * porthole_test_time_scale () * G_USEC_PER_SEC;

  if (daemon->process == NULL)
    return;

  g_subprocess_send_signal (daemon->process, SIGTERM);
  while (!daemon->exited)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (daemon->process);
          g_subprocess_wait (daemon->process, NULL, NULL);
          g_error ("portholed did not stop within 15 s of SIGTERM");
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }

  g_assert_true (g_subprocess_get_if_exited (daemon->process));
  g_assert_cmpint (g_subprocess_get_exit_status (daemon->process), ==, 0);
  g_clear_object (&daemon->process);
}

void
porthole_test_daemon_free (PortholeTestDaemon *daemon)
{
  porthole_test_daemon_stop (daemon);
  g_clear_object (&daemon->client);
  g_clear_object (&daemon->session);
  /* A daemon about to be restarted in the same directory has none. */
  if (daemon->tmpdir != NULL)
    porthole_test_rm_rf (daemon->tmpdir);
  g_free (daemon->tmpdir);
  g_free (daemon->secret_file);
  g_free (daemon->workspace);
  g_free (daemon->state_dir);
  g_free (daemon->token);
  g_free (daemon->url);
  g_strfreev (daemon->extra_args);
  g_free (daemon);
}

/* @body becomes @response's, parsed when its content type is JSON. */
static void
response_take_body (PortholeTestResponse *response,
                    GBytes               *body)
{
  g_autoptr(GError) error = NULL;
  const char *content_type;

  response->body = body;
  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  if (g_strcmp0 (content_type, "application/json") == 0 && g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonNode) node = porthole_json_parse (g_bytes_get_data (response->body, NULL),
                                                      g_bytes_get_size (response->body), &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      response->json = json_object_ref (json_node_get_object (node));
    }
}

PortholeTestResponse *
porthole_test_send (PortholeTestDaemon *daemon,
                    SoupMessage        *msg)
{
  PortholeTestResponse *response = g_new0 (PortholeTestResponse, 1);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_test_certificate), NULL);
  body = soup_session_send_and_read (daemon->session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response_take_body (response, body);

  return response;
}

PortholeTestResponse *
porthole_test_request (PortholeTestDaemon *daemon,
                       const char         *method,
                       const char         *path,
                       const char         *token,
                       const char         *body)
{
  g_autofree char *url = g_strconcat (daemon->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  g_assert_nonnull (msg);

  if (token == NULL)
    token = daemon->token;
  if (token != NULL && token[0] != '\0')
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  return porthole_test_send (daemon, msg);
}

/**
 * porthole_test_files_get:
 * @route: a /files route taking `path` in the query
 * @extra_query: (nullable): more of the query, e.g. `recursive=true`
 *
 * DELETE for /files/remove, GET for the others.
 */
PortholeTestResponse *
porthole_test_files_get (PortholeTestDaemon *daemon,
                         const char         *route,
                         const char         *path,
                         const char         *extra_query)
{
  g_autofree char *escaped = g_uri_escape_string (path, NULL, TRUE);
  g_autofree char *url = g_strdup_printf ("%s?path=%s%s%s", route, escaped,
                                          extra_query ? "&" : "", extra_query ? extra_query : "");

  return porthole_test_request (daemon, g_str_equal (route, "/files/remove") ? "DELETE" : "GET", url, NULL, NULL);
}

/**
 * porthole_test_files_upload:
 *
 * POST /files/upload of @content as `up.txt`, the `path` part first (as
 * httpx sends it): the destination is known before any byte arrives.
 */
PortholeTestResponse *
porthole_test_files_upload (PortholeTestDaemon *daemon,
                            const char         *path,
                            const char         *content)
{
  g_autofree char *url = g_strconcat (daemon->url, "/files/upload", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon->token, NULL);
  g_autofree char *body = g_strdup_printf ("--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n%s\r\n"
                                           "--b\r\nContent-Disposition: form-data; name=\"file\"; "
                                           "filename=\"up.txt\"\r\n\r\n%s\r\n--b--\r\n", path, content);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_message_set_request_body_from_bytes (msg, "multipart/form-data; boundary=b", bytes);
  return porthole_test_send (daemon, msg);
}

void
porthole_test_response_free (PortholeTestResponse *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_object_unref);
  g_free (response);
}

/**
 * porthole_test_assert_error_body:
 *
 * Checks @response is the error body of API.md §1.5 with @status and @code.
 */
void
porthole_test_assert_error_body (PortholeTestResponse *response,
                                 guint                 status,
                                 const char           *code)
{
  JsonObject *json = response->json;
  const char *request_id = soup_message_headers_get_one (response->headers, PORTHOLE_HEADER_REQUEST_ID);
  gint64 when;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (json);
  g_assert_cmpstr (json_object_get_string_member (json, PORTHOLE_MEMBER_CODE), ==, code);
  g_assert_nonnull (json_object_get_string_member (json, PORTHOLE_MEMBER_ERROR));
  g_assert_cmpstr (json_object_get_string_member (json, PORTHOLE_MEMBER_ERROR), ==,
                   json_object_get_string_member (json, PORTHOLE_MEMBER_MESSAGE));
  g_assert_nonnull (json_object_get_object_member (json, PORTHOLE_MEMBER_DETAILS));
  g_assert_true (json_object_has_member (json, PORTHOLE_MEMBER_PATH));
  g_assert_nonnull (request_id);
  g_assert_cmpstr (json_object_get_string_member (json, PORTHOLE_MEMBER_REQUEST_ID), ==, request_id);
  g_assert_true (porthole_timestamp_parse (json_object_get_string_member (json, PORTHOLE_MEMBER_TIMESTAMP), &when));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (json, PORTHOLE_MEMBER_TIMESTAMP), "Z"));
}

#include "porthole-auth.h"
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-http-server.h"

PortholeTestServer *
porthole_test_server_new (void)
{
  PortholeTestServer *server = g_new0 (PortholeTestServer, 1);
  g_autoptr(GKeyFile) overrides = g_key_file_new ();
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret_file = NULL;
  g_autofree char *workspace = NULL;
  g_autofree char *state = NULL;
  const char *listen[] = { "127.0.0.1:0", NULL };

  server->tmpdir = porthole_test_make_tmpdir ();
  secret_file = g_build_filename (server->tmpdir, "secret", NULL);
  workspace = g_build_filename (server->tmpdir, "workspace", NULL);
  state = g_build_filename (server->tmpdir, "state", NULL);
  write_secret (secret_file);

  g_key_file_set_string_list (overrides, PORTHOLE_CONFIG_GROUP, "listen", listen, 1);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "workspace", workspace);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "state-dir", state);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "display", "none");
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "jwt-secret-file", secret_file);
  /* The guardian is this program run as `PROGRAM guard …`: a test
   * program would run its tests again there, each run starting the next
   * guardian in a session of its own that outlives the test's timeout. */
  g_key_file_set_boolean (overrides, PORTHOLE_CONFIG_GROUP, "process-guardian", FALSE);

  config = porthole_config_new (NULL, overrides, &error);
  g_assert_no_error (error);
  server->daemon = porthole_daemon_new (config);
  porthole_daemon_start (server->daemon, &error);
  g_assert_no_error (error);

  secret = porthole_auth_load_secret (secret_file, &error);
  g_assert_no_error (error);
  server->token = porthole_auth_mint_token (secret, g_get_real_time () / G_USEC_PER_SEC, 3600, NULL, NULL, &error);
  g_assert_no_error (error);
  server->url = g_strdup_printf ("http://127.0.0.1:%u",
                                 porthole_http_server_get_port (porthole_daemon_get_http_server (server->daemon)));
  server->client = porthole_client_new (server->url, server->token);

  return server;
}

static void
on_stopped (gboolean *stopped)
{
  *stopped = TRUE;
}

void
porthole_test_server_free (PortholeTestServer *server)
{
  gboolean stopped = FALSE;

  g_clear_object (&server->client);
  g_signal_connect_swapped (server->daemon, "stopped", G_CALLBACK (on_stopped), &stopped);
  porthole_daemon_stop (server->daemon);
  PORTHOLE_TEST_WAIT_UNTIL (stopped);
  g_clear_object (&server->daemon);
  porthole_test_rm_rf (server->tmpdir);
  g_free (server->tmpdir);
  g_free (server->url);
  g_free (server->token);
  g_free (server);
}

void
porthole_test_store_result (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/**
 * porthole_test_wait_result:
 * @slot: where porthole_test_store_result() puts the result
 *
 * Returns: (transfer full): the result, once the operation finished
 */
GAsyncResult *
porthole_test_wait_result (GAsyncResult **slot)
{
  PORTHOLE_TEST_WAIT_UNTIL (*slot != NULL);
  return g_steal_pointer (slot);
}

/* WebSockets */

static void
socket_message_cb (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *bytes,
                   PortholeTestSocket      *socket)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = porthole_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);

  /* The daemon sends only JSON objects, never empty frames (API.md §1.9). */
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (node), "type"));
  g_ptr_array_add (socket->messages, json_object_ref (json_node_get_object (node)));
}

static void
socket_closed_cb (SoupWebsocketConnection *connection,
                  PortholeTestSocket      *socket)
{
  socket->closed = TRUE;
  socket->close_code = soup_websocket_connection_get_close_code (connection);
}

/**
 * porthole_test_socket_open:
 * @token: (nullable): NULL for the fixture's
 */
PortholeTestSocket *
porthole_test_socket_open (PortholeTestDaemon *daemon,
                           const char         *path,
                           const char         *token)
{
  g_autoptr(PortholeClient) client = porthole_client_new (daemon->url, token ? token : daemon->token);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PortholeTestSocket *socket = g_new0 (PortholeTestSocket, 1);
  GAsyncResult *slot = NULL;

  porthole_client_websocket_connect_async (client, path, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  socket->connection = porthole_client_websocket_connect_finish (client, result, &error);
  g_assert_no_error (error);
  socket->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_signal_connect (socket->connection, "message", G_CALLBACK (socket_message_cb), socket);
  g_signal_connect (socket->connection, "closed", G_CALLBACK (socket_closed_cb), socket);

  return socket;
}

void
porthole_test_socket_send (PortholeTestSocket *socket,
                           const char         *json)
{
  soup_websocket_connection_send_text (socket->connection, json);
}

static JsonObject *
find_type (PortholeTestSocket *socket,
           const char         *type)
{
  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), type) == 0)
        return message;
    }

  return NULL;
}

/**
 * porthole_test_socket_wait_type:
 *
 * Returns: (transfer none): the first message of @type
 */
JsonObject *
porthole_test_socket_wait_type (PortholeTestSocket *socket,
                                const char         *type)
{
  PORTHOLE_TEST_WAIT_UNTIL (find_type (socket, type) != NULL || socket->closed);
  g_assert_nonnull (find_type (socket, type));
  return find_type (socket, type);
}

void
porthole_test_socket_wait_closed (PortholeTestSocket *socket)
{
  PORTHOLE_TEST_WAIT_UNTIL (socket->closed);
}

/**
 * porthole_test_socket_count_type:
 *
 * Returns: how many messages of @type arrived so far
 */
guint
porthole_test_socket_count_type (PortholeTestSocket *socket,
                                 const char         *type)
{
  guint n = 0;

  for (guint i = 0; i < socket->messages->len; i++)
    n += g_strcmp0 (json_object_get_string_member (g_ptr_array_index (socket->messages, i), "type"), type) == 0;

  return n;
}

/**
 * porthole_test_socket_collect:
 *
 * Returns: the `data` of every message of @type, in order, joined
 */
GString *
porthole_test_socket_collect (PortholeTestSocket *socket,
                              const char         *type)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), type) == 0)
        g_string_append (text, json_object_get_string_member_with_default (message, "data", ""));
    }

  return text;
}

/* Whether the joined `data` of the messages of @type holds @text. */
gboolean
porthole_test_socket_has_text (PortholeTestSocket *socket,
                               const char         *type,
                               const char         *text)
{
  g_autoptr(GString) all = porthole_test_socket_collect (socket, type);

  return strstr (all->str, text) != NULL;
}

/**
 * porthole_test_find_process:
 *
 * Returns: (transfer full) (nullable): the `GET /execute/processes`
 *   entry of @process_id
 */
JsonObject *
porthole_test_find_process (PortholeTestDaemon *daemon,
                            const char         *process_id)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/execute/processes", NULL, NULL);
  JsonArray *processes;

  g_assert_cmpuint (r->status, ==, 200);
  processes = json_object_get_array_member (r->json, "processes");
  g_assert_cmpint (json_object_get_int_member (r->json, "count"), ==, json_array_get_length (processes));
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *p = json_array_get_object_element (processes, i);

      if (g_strcmp0 (json_object_get_string_member (p, "process_id"), process_id) == 0)
        return json_object_ref (p);
    }

  return NULL;
}

/**
 * porthole_test_raw_websocket:
 * @first_message: (nullable): a text frame to send once upgraded
 *
 * A WebSocket made by hand on a plain TCP connection, for tests that
 * must drop the connection the way a dying client does (closing it sends
 * FIN; soup's client keeps its socket open inside the session).
 *
 * Returns: (transfer full): the connection, upgraded
 */
#define WS_MASK_KEY "\x37\xfa\x21\x3d"

/* A frame's head: its length as short as it can be unless @long_form,
 * then the masking key if @mask. */
static void
ws_head_append (GByteArray *out,
                gboolean    fin,
                guint8      opcode,
                gsize       length,
                gboolean    long_form,
                gboolean    mask)
{
  guint8 header[14] = { (fin ? 0x80 : 0) | opcode };
  guint n = 2;

  if (length < 126 && !long_form)
    header[1] = length;
  else if (length < 65536 && !long_form)
    {
      header[1] = 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      n = 4;
    }
  else
    {
      header[1] = 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = ((guint64) length >> (8 * (7 - i))) & 0xff;
      n = 10;
    }
  if (mask)
    {
      header[1] |= 0x80;
      memcpy (header + n, WS_MASK_KEY, 4);
      n += 4;
    }
  g_byte_array_append (out, header, n);
}

/**
 * porthole_test_ws_frame_append:
 * @long_form: a 64-bit length whatever @length is
 * @mask: with a masking key (the payload stays @fill, unmasked)
 *
 * Appends a WebSocket frame (FIN, @opcode) of @length bytes of @fill,
 * its header as short as it can be unless @long_form.
 */
void
porthole_test_ws_frame_append (GByteArray *out,
                               guint8      opcode,
                               gsize       length,
                               guint8      fill,
                               gboolean    long_form,
                               gboolean    mask)
{
  ws_head_append (out, TRUE, opcode, length, long_form, mask);
  for (gsize i = 0; i < length; i++)
    g_byte_array_append (out, &fill, 1);
}

/**
 * porthole_test_ws_frame_append_data:
 * @fin: the last fragment of its message
 *
 * Appends a client's frame: @opcode, @data masked as a client masks it.
 */
void
porthole_test_ws_frame_append_data (GByteArray *out,
                                    gboolean    fin,
                                    guint8      opcode,
                                    const void *data,
                                    gsize       length)
{
  const guint8 *bytes = data;

  ws_head_append (out, fin, opcode, length, FALSE, TRUE);
  for (gsize i = 0; i < length; i++)
    g_byte_array_append (out, &(guint8) { bytes[i] ^ (guint8) WS_MASK_KEY[i % 4] }, 1);
}

/**
 * porthole_test_raw_upgrade:
 * @connection: (out): the connection, upgraded or not
 *
 * Asks for a WebSocket upgrade of @path, with the fixture's token, on a
 * connection of its own, and reads the answer: its head, and its body
 * unless it is a 101.
 *
 * Returns: the answer
 */
PortholeTestResponse *
porthole_test_raw_upgrade (PortholeTestDaemon  *daemon,
                           const char          *path,
                           GSocketConnection  **connection)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  PortholeTestResponse *response = g_new0 (PortholeTestResponse, 1);
  GInputStream *in;
  gsize body_length;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));

  request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n",
                             path, daemon->token);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);

  /* Byte by byte up to the blank line: what follows a 101 is the
   * WebSocket's, not ours. */
  while (answer->len < 4 || memcmp (answer->data + answer->len - 4, "\r\n\r\n", 4) != 0)
    {
      guint8 byte;

      g_assert_cmpint (g_input_stream_read (in, &byte, 1, NULL, &error), ==, 1);
      g_byte_array_append (answer, &byte, 1);
    }

  response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_assert_true (soup_headers_parse_response ((const char *) answer->data, answer->len, response->headers,
                                              NULL, &response->status, NULL));

  if (response->status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_autofree guint8 *body = NULL;

      g_assert_cmpint (soup_message_headers_get_encoding (response->headers), ==, SOUP_ENCODING_CONTENT_LENGTH);
      body_length = soup_message_headers_get_content_length (response->headers);
      body = g_malloc (body_length + 1);
      g_input_stream_read_all (in, body, body_length, NULL, NULL, &error);
      g_assert_no_error (error);
      response_take_body (response, g_bytes_new_take (g_steal_pointer (&body), body_length));
    }
  else
    response->body = g_bytes_new (NULL, 0);

  *connection = g_steal_pointer (&conn);
  return response;
}

GSocketConnection *
porthole_test_raw_websocket (PortholeTestDaemon *daemon,
                             const char         *path,
                             const char         *first_message)
{
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;
  g_autoptr(PortholeTestResponse) response = porthole_test_raw_upgrade (daemon, path, &conn);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_SWITCHING_PROTOCOLS);

  if (first_message != NULL)
    {
      gsize length = strlen (first_message);
      g_autoptr(GByteArray) frame = g_byte_array_new ();
      const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };

      g_assert_cmpuint (length, <, 65536);
      g_byte_array_append (frame, (const guint8 *) "\x81", 1);
      if (length < 126)
        g_byte_array_append (frame, &(guint8) { 0x80 | length }, 1);
      else
        {
          guint8 ext[3] = { 0x80 | 126, length >> 8, length & 0xff };

          g_byte_array_append (frame, ext, 3);
        }
      g_byte_array_append (frame, mask, 4);
      for (gsize i = 0; i < length; i++)
        g_byte_array_append (frame, &(guint8) { first_message[i] ^ mask[i % 4] }, 1);
      g_output_stream_write_all (out, frame->data, frame->len, NULL, NULL, &error);
      g_assert_no_error (error);
    }

  return conn;
}

/**
 * porthole_test_ws_send_frame:
 * @fin: the last fragment of its message
 *
 * Sends one masked frame on a raw WebSocket, for what soup's client
 * cannot send (fragments, frames past a limit) or where a client must
 * stop reading (soup's reads whatever comes).
 *
 * Returns: %FALSE once the daemon has closed
 */
gboolean
porthole_test_ws_send_frame (GSocketConnection *conn,
                             gboolean           fin,
                             guint8             opcode,
                             const char        *payload,
                             gsize              length)
{
  g_autoptr(GByteArray) frame = g_byte_array_sized_new (length + 14);

  porthole_test_ws_frame_append_data (frame, fin, opcode, payload, length);
  /* Fails once the daemon has closed: the caller stops sending. */
  return g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), frame->data, frame->len,
                                    NULL, NULL, NULL);
}

static gboolean
read_exactly (GSocketConnection *conn,
              guint8            *buffer,
              gsize              length)
{
  gsize n = 0;

  return g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buffer, length, &n,
                                  NULL, NULL) && n == length;
}

/**
 * porthole_test_ws_read_frame:
 * @opcode: (out): the frame's opcode
 * @payload: (out) (transfer full): its payload (the daemon's frames are
 *   not masked)
 *
 * Reads one frame of a raw WebSocket, blocking.
 *
 * Returns: %FALSE when the connection ended first, even within a frame
 */
gboolean
porthole_test_ws_read_frame (GSocketConnection  *conn,
                             guint8             *opcode,
                             GBytes            **payload)
{
  guint8 head[2], extended[8];
  guint64 length;
  g_autofree guint8 *data = NULL;

  if (!read_exactly (conn, head, 2))
    return FALSE;
  length = head[1] & 0x7f;
  if (length >= 126)
    {
      gsize size = length == 126 ? 2 : 8;

      if (!read_exactly (conn, extended, size))
        return FALSE;
      length = 0;
      for (gsize i = 0; i < size; i++)
        length = length << 8 | extended[i];
    }
  g_assert_cmpuint (length, <, 64 * 1024 * 1024);
  data = g_malloc (length + 1);
  if (!read_exactly (conn, data, length))
    return FALSE;

  *opcode = head[0] & 0x0f;
  *payload = g_bytes_new_take (g_steal_pointer (&data), length);
  return TRUE;
}

void
porthole_test_socket_free (PortholeTestSocket *socket)
{
  if (socket->connection != NULL)
    {
      /* A clean close: the handshake completes before the socket goes. */
      if (soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        {
          gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

          soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
          while (!socket->closed && g_get_monotonic_time () < deadline)
            g_main_context_iteration (NULL, TRUE);
        }
      g_signal_handlers_disconnect_by_data (socket->connection, socket);
    }
  g_clear_object (&socket->connection);
  g_clear_pointer (&socket->messages, g_ptr_array_unref);
  g_free (socket);
}

static char *
replace_pid_file (const char *template,
                  const char *pid_file)
{
  g_auto(GStrv) parts = g_strsplit (template, "PID_FILE", -1);

  return g_strjoinv (pid_file, parts);
}

/**
 * porthole_test_check_stream_cancel:
 * @path: a run stream (API.md §3.9, §4.3)
 * @message_template: the first message, where `PID_FILE` stands for a
 *   file in which the run writes its pid (then a newline) before it
 *   sleeps for long
 *
 * Checks that `cancel` ends the run (SIGTERM: 143, then `complete`) and
 * that a client that goes away mid-run takes its run with it.
 */
void
porthole_test_check_stream_cancel (PortholeTestDaemon *daemon,
                                   const char         *path,
                                   const char         *message_template)
{
  g_autofree char *pid_file = g_build_filename (daemon->tmpdir, "cancelled.pid", NULL);
  g_autofree char *pid_file2 = g_build_filename (daemon->tmpdir, "disconnected.pid", NULL);
  g_autofree char *first = replace_pid_file (message_template, pid_file);
  g_autofree char *second = replace_pid_file (message_template, pid_file2);
  PortholeTestSocket *ws = porthole_test_socket_open (daemon, path, NULL);
  g_autoptr(GSocketConnection) raw = NULL;
  JsonObject *result;
  int pid;

  g_unlink (pid_file);
  g_unlink (pid_file2);
  porthole_test_socket_send (ws, first);
  pid = porthole_test_read_pid_file (pid_file);
  porthole_test_socket_send (ws, "{\"type\":\"cancel\"}");
  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_false (json_object_get_boolean_member (result, "success"));
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 128 + SIGTERM);
  porthole_test_socket_wait_type (ws, "complete");
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
  porthole_test_socket_free (ws);

  raw = porthole_test_raw_websocket (daemon, path, second);
  pid = porthole_test_read_pid_file (pid_file2);
  g_io_stream_close (G_IO_STREAM (raw), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
}

/* The throwaway users' names: this prefix, then the test's pid. */
#define TEST_USER_PREFIX "porthole-t"

static gboolean
run_tool (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("# %s: %s\n", argv[0], error->message);
      return FALSE;
    }
  return TRUE;
}

/* Users an earlier run could not remove (it aborted): their test is
 * gone. */
static void
remove_stale_users (void)
{
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  struct passwd *pwd;

  setpwent ();
  while ((pwd = getpwent ()) != NULL)
    {
      guint64 pid;

      if (g_str_has_prefix (pwd->pw_name, TEST_USER_PREFIX) &&
          g_ascii_string_to_unsigned (pwd->pw_name + strlen (TEST_USER_PREFIX), 10, 1, G_MAXINT, &pid, NULL) &&
          !porthole_test_pid_exists ((gint64) pid))
        g_ptr_array_add (stale, g_strdup (pwd->pw_name));
    }
  endpwent ();

  for (guint i = 0; i < stale->len; i++)
    run_tool ((const char *const[]) { "userdel", g_ptr_array_index (stale, i), NULL });
}

/**
 * porthole_test_user_new:
 * @extra_group: a supplementary group it gets
 *
 * A throwaway system user without a home, for `--user` tests (needs
 * root and useradd); porthole_test_user_free() removes it.
 *
 * Returns: (nullable): the user, or %NULL when it cannot be made
 */
PortholeTestUser *
porthole_test_user_new (const char *extra_group)
{
  g_autofree char *name = NULL;
  PortholeTestUser *user;
  struct passwd *pwd;
  struct group *grp;

  if ((grp = getgrnam (extra_group)) == NULL)
    return NULL;
  user = g_new0 (PortholeTestUser, 1);
  user->extra_gid = grp->gr_gid;

  remove_stale_users ();
  name = g_strdup_printf (TEST_USER_PREFIX "%d", (int) getpid ());
  if (!run_tool ((const char *const[]) { "useradd", "--system", "--no-create-home", "--shell", "/bin/sh",
                                         "--groups", extra_group, name, NULL }))
    {
      g_free (user);
      return NULL;
    }

  user->name = g_steal_pointer (&name);
  pwd = getpwnam (user->name);
  g_assert_nonnull (pwd);
  user->uid = pwd->pw_uid;
  user->gid = pwd->pw_gid;
  g_assert_cmpuint (user->uid, !=, 0);
  return user;
}

/* @path (not followed) is @user's, uid and gid. */
void
porthole_test_assert_owned_by (const char       *path,
                               PortholeTestUser *user)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, user->uid);
  g_assert_cmpuint (st.st_gid, ==, user->gid);
}

void
porthole_test_user_free (PortholeTestUser *user)
{
  run_tool ((const char *const[]) { "userdel", user->name, NULL });
  g_free (user->name);
  g_free (user);
}
