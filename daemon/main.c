/* main.c — portholed, the Porthole sandbox agent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "porthole-auth.h"
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-fd-limit.h"
#include "porthole-http-server.h"
#include "porthole-option-overrides.h"
#include "porthole-process-ledger.h"
#include "porthole-restart.h"
#include "porthole-self-test.h"
#include "porthole-service-notify.h"
#include "porthole-spawn.h"
#include "porthole-target-user.h"
#include "porthole-updater.h"
#include "porthole-version.h"

/* A build of this file may report another version (the self-update
 * tests build one); everything reads it from porthole_version_get(). */
#ifndef PORTHOLED_VERSION
#define PORTHOLED_VERSION PACKAGE_VERSION
#endif

/* The daemon must outlive the code it runs when memory is short
 * (SECURITY.md G16); children are raised back before they exec. */
#define DAEMON_OOM_SCORE_ADJ "-900"

typedef struct
{
  char *config_file;
  char **listen;
  char **listen_fds;
  char *workspace;
  char *state_dir;
  char *user;
  char *display;
  char *display_size;
  char *window_manager;
  char *jwt_secret_file;
  char *jwt_public_key_file;
  char *jwt_alg;
  char *jwt_audience;
  char *jwt_issuer;
  char *jwt_max_lifetime;
  char *api_key_file;
  char *sandbox_id;
  char *tls_cert;
  char *tls_key;
  char *update_self_path;
  gboolean update_enabled;
  gboolean self_test;
  gboolean rollback;
  gboolean insecure_no_auth;
  gboolean no_process_guardian;
  gboolean verbose;
  gboolean version;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->config_file);
  g_strfreev (options->listen);
  g_strfreev (options->listen_fds);
  g_free (options->workspace);
  g_free (options->state_dir);
  g_free (options->user);
  g_free (options->display);
  g_free (options->display_size);
  g_free (options->window_manager);
  g_free (options->jwt_secret_file);
  g_free (options->jwt_public_key_file);
  g_free (options->jwt_alg);
  g_free (options->jwt_audience);
  g_free (options->jwt_issuer);
  g_free (options->jwt_max_lifetime);
  g_free (options->api_key_file);
  g_free (options->sandbox_id);
  g_free (options->tls_cert);
  g_free (options->tls_key);
  g_free (options->update_self_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Command-line settings become a key file with the same keys as
 * --config's, so one parser reads both and the command line wins. */
static GKeyFile *
options_to_overrides (Options *options)
{
  const PortholeOverride overrides[] = {
    { "listen", PORTHOLE_OVERRIDE_STRV, options->listen },
    { "listen-fd", PORTHOLE_OVERRIDE_STRV, options->listen_fds },
    { "workspace", PORTHOLE_OVERRIDE_STRING, options->workspace },
    { "state-dir", PORTHOLE_OVERRIDE_STRING, options->state_dir },
    { "user", PORTHOLE_OVERRIDE_STRING, options->user },
    { "display", PORTHOLE_OVERRIDE_STRING, options->display },
    { "display-size", PORTHOLE_OVERRIDE_STRING, options->display_size },
    { "window-manager", PORTHOLE_OVERRIDE_STRING, options->window_manager },
    { "jwt-secret-file", PORTHOLE_OVERRIDE_STRING, options->jwt_secret_file },
    { "jwt-public-key-file", PORTHOLE_OVERRIDE_STRING, options->jwt_public_key_file },
    { "jwt-alg", PORTHOLE_OVERRIDE_STRING, options->jwt_alg },
    { "jwt-audience", PORTHOLE_OVERRIDE_STRING, options->jwt_audience },
    { "jwt-issuer", PORTHOLE_OVERRIDE_STRING, options->jwt_issuer },
    { "jwt-max-lifetime", PORTHOLE_OVERRIDE_STRING, options->jwt_max_lifetime },
    { "api-key-file", PORTHOLE_OVERRIDE_STRING, options->api_key_file },
    { "sandbox-id", PORTHOLE_OVERRIDE_STRING, options->sandbox_id },
    { "tls-cert", PORTHOLE_OVERRIDE_STRING, options->tls_cert },
    { "tls-key", PORTHOLE_OVERRIDE_STRING, options->tls_key },
    { "update-self-path", PORTHOLE_OVERRIDE_STRING, options->update_self_path },
    { "insecure-no-auth", PORTHOLE_OVERRIDE_FLAG_TRUE, &options->insecure_no_auth },
    { "process-guardian", PORTHOLE_OVERRIDE_FLAG_FALSE, &options->no_process_guardian },
    { "verbose", PORTHOLE_OVERRIDE_FLAG_TRUE, &options->verbose },
    { "update-enabled", PORTHOLE_OVERRIDE_FLAG_TRUE, &options->update_enabled },
  };

  return porthole_option_overrides_new (PORTHOLE_CONFIG_GROUP, overrides, G_N_ELEMENTS (overrides));
}

static int
run_token (int    argc,
           char **argv)
{
  g_autofree char *secret_file = NULL;
  g_autofree char *ttl_text = NULL;
  g_autofree char *audience = NULL;
  g_autofree char *sandbox_id = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 ttl = 24 * 3600;
  GOptionEntry entries[] = {
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_file, "The HS256 secret portholed verifies with", "FILE" },
    { "ttl", 0, 0, G_OPTION_ARG_STRING, &ttl_text, "Lifetime (default 24h)", "DURATION" },
    { "audience", 0, 0, G_OPTION_ARG_STRING, &audience, "The aud claim", "AUDIENCE" },
    { "sandbox-id", 0, 0, G_OPTION_ARG_STRING, &sandbox_id, "The sandbox_id claim", "ID" },
    { NULL }
  };

  context = g_option_context_new ("- print a token for portholed");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("portholed token: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (secret_file == NULL)
    {
      g_printerr ("portholed token: --secret-file is required\n");
      return EXIT_FAILURE;
    }
  if (ttl_text != NULL && (!porthole_parse_duration (ttl_text, &ttl) || ttl <= 0))
    {
      g_printerr ("portholed token: invalid --ttl %s (e.g. 30m, 24h)\n", ttl_text);
      return EXIT_FAILURE;
    }

  if (!(secret = porthole_auth_load_secret (secret_file, &error)) ||
      !(token = porthole_auth_mint_token (secret, g_get_real_time () / G_USEC_PER_SEC, ttl,
                                          audience, sandbox_id, &error)))
    {
      g_printerr ("portholed token: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s\n", token);
  return EXIT_SUCCESS;
}

/* glibc raises its mmap threshold each time a large mmapped block is
 * freed (screenshots, PNGs, upload buffers), after which such blocks come
 * from the heap and stay resident: a long mixed load then grew RSS by a
 * one-time 9 % step (bench/soak). A fixed threshold keeps large blocks
 * mmapped, so they go back to the system when freed. */
static void
fix_mmap_threshold (void)
{
  if (mallopt (M_MMAP_THRESHOLD, 128 * 1024) != 1)
    g_debug ("Could not fix the mmap threshold");
}

static void
protect_from_oom_killer (void)
{
  int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

  /* Lowering it needs privileges; unprivileged daemons keep their score. */
  if (fd < 0 || write (fd, DAEMON_OOM_SCORE_ADJ, strlen (DAEMON_OOM_SCORE_ADJ)) < 0)
    g_debug ("Could not lower oom_score_adj: %s", g_strerror (errno));
  if (fd >= 0)
    close (fd);
}

/* systemd socket activation (sd_listen_fds(3)): descriptors from 3 on,
 * meant for us when LISTEN_PID is our pid. They join --listen-fd; the
 * variables go, so no child mistakes them for its own. */
static void
take_activation_sockets (Options *options)
{
  const char *pid_text = g_getenv ("LISTEN_PID");
  const char *fds_text = g_getenv ("LISTEN_FDS");
  guint64 pid, n_fds;
  g_autoptr(GStrvBuilder) fds = NULL;

  if (pid_text == NULL || fds_text == NULL ||
      !g_ascii_string_to_unsigned (pid_text, 10, 1, G_MAXINT, &pid, NULL) ||
      (pid_t) pid != getpid () ||
      !g_ascii_string_to_unsigned (fds_text, 10, 1, 1024, &n_fds, NULL))
    return;

  fds = g_strv_builder_new ();
  if (options->listen_fds != NULL)
    g_strv_builder_addv (fds, (const char **) options->listen_fds);
  for (guint i = 0; i < n_fds; i++)
    {
      g_autofree char *fd = g_strdup_printf ("%u", 3 + i);

      g_strv_builder_add (fds, fd);
    }
  g_strfreev (options->listen_fds);
  options->listen_fds = g_strv_builder_end (fds);

  g_unsetenv ("LISTEN_PID");
  g_unsetenv ("LISTEN_FDS");
  g_unsetenv ("LISTEN_FDNAMES");
}

static int
run_rollback (PortholeConfig *config)
{
  g_autoptr(PortholeUpdater) updater = porthole_updater_new (config);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  if ((result = porthole_updater_rollback (updater, NULL, &error)) == NULL)
    {
      g_printerr ("portholed: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("Restored %s (portholed %s) to %s\n",
           json_object_get_string_member (result, "restored"),
           json_object_get_string_member (result, "version"),
           porthole_updater_get_target (updater));
  return EXIT_SUCCESS;
}

static gboolean
on_terminate (gpointer user_data)
{
  PortholeDaemon *daemon = user_data;

  g_message ("Stopping");
  porthole_service_notify ("STOPPING=1");
  /* SIGTERM wins over a restart under way: the daemon exits. */
  porthole_restart_cancel ();
  porthole_daemon_stop (daemon);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_hangup (gpointer user_data)
{
  porthole_daemon_reload (user_data);

  return G_SOURCE_CONTINUE;
}

static void
on_request_done (PortholeHttpServer  *server,
                 const PortholeRoute *route,
                 const char          *method,
                 guint                status,
                 gint64               duration,
                 const char          *request_id,
                 PortholeDaemon      *daemon)
{
  g_autofree char *duration_text = g_strdup_printf ("%.3f", duration / 1000.0);
  g_autofree char *status_text = g_strdup_printf ("%u", status);

  /* Never the query string or a body: they may carry tokens or data. */
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "MESSAGE", "%s %s %u %s ms request_id=%s", method,
                    route ? route->path : "(unknown route)", status, duration_text, request_id,
                    "PORTHOLE_REQUEST_ID", request_id,
                    "PORTHOLE_STATUS", status_text,
                    "PORTHOLE_DURATION_MS", duration_text);
}

int
main (int    argc,
      char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GKeyFile) overrides = NULL;
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(PortholeDaemon) daemon = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) command_line = g_strdupv (argv);
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &options.config_file, "Key file with a [portholed] group", "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &options.listen, "Address to listen on (repeatable; default 0.0.0.0:7777 and [::]:7777)", "ADDR:PORT" },
    { "listen-fd", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.listen_fds, "Serve an already listening socket (repeatable)", "FD" },
    { "workspace", 'w', 0, G_OPTION_ARG_FILENAME, &options.workspace, "Default working directory (default /workspace)", "DIR" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.state_dir, "Where state survives restarts", "DIR" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &options.user, "Run code, terminals and file operations as this user (name or uid; the daemon must be root)", "USER" },
    { "display", 'd', 0, G_OPTION_ARG_STRING, &options.display, "X display: auto, :N or none (default auto)", "DISPLAY" },
    { "display-size", 0, 0, G_OPTION_ARG_STRING, &options.display_size, "Size of the embedded display (default 1920x1080x24)", "WxHxD" },
    { "window-manager", 0, 0, G_OPTION_ARG_STRING, &options.window_manager, "Window manager on the embedded display: auto, none or a command (default auto: openbox if installed)", "WM" },
    { "jwt-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &options.jwt_secret_file, "HS256 secret for verifying tokens", "FILE" },
    { "jwt-public-key-file", 0, 0, G_OPTION_ARG_FILENAME, &options.jwt_public_key_file, "PEM public key for RS256/ES256 tokens", "FILE" },
    { "jwt-alg", 0, 0, G_OPTION_ARG_STRING, &options.jwt_alg, "The only accepted algorithm: HS256, RS256 or ES256", "ALG" },
    { "jwt-audience", 0, 0, G_OPTION_ARG_STRING, &options.jwt_audience, "Required aud claim", "AUDIENCE" },
    { "jwt-issuer", 0, 0, G_OPTION_ARG_STRING, &options.jwt_issuer, "Required iss claim", "ISSUER" },
    { "jwt-max-lifetime", 0, 0, G_OPTION_ARG_STRING, &options.jwt_max_lifetime, "Longest accepted token lifetime (default 24h; 0 = no cap)", "DURATION" },
    { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &options.api_key_file, "Also accept this key in X-API-Key", "FILE" },
    { "sandbox-id", 0, 0, G_OPTION_ARG_STRING, &options.sandbox_id, "This sandbox's id (tokens must name it)", "ID" },
    { "insecure-no-auth", 0, 0, G_OPTION_ARG_NONE, &options.insecure_no_auth, "No authentication (loopback listeners only)", NULL },
    { "no-process-guardian", 0, 0, G_OPTION_ARG_NONE, &options.no_process_guardian, "No guardian process (the runs die with the daemon anyway)", NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_cert, "Serve TLS with this certificate", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_key, "Private key of --tls-cert", "FILE" },
    { "update-enabled", 0, 0, G_OPTION_ARG_NONE, &options.update_enabled, "Allow /update/* to replace this daemon", NULL },
    { "update-self-path", 0, 0, G_OPTION_ARG_FILENAME, &options.update_self_path, "The binary updates replace and restarts run (default: this one)", "FILE" },
    { "rollback", 0, 0, G_OPTION_ARG_NONE, &options.rollback, "Put the newest update backup back in place and exit", NULL },
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &options.self_test, "Serve one request on a scratch daemon in the current directory and exit", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options.verbose, "Log every request", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options.version, "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  porthole_version_set (PORTHOLED_VERSION);

  /* HTTP/2 server code is reachable only through this variable
   * (SECURITY.md §2); it must not leak into children either. */
  g_unsetenv ("SOUP_SERVER_HTTP2");

  if (argc > 1 && g_str_equal (argv[1], "token"))
    return run_token (argc - 1, argv + 1);
  /* Started by the daemon itself (porthole-process-ledger.c). */
  if (argc == 4 && g_str_equal (argv[1], "guard"))
    return porthole_process_ledger_guard (argv[2], argv[3]);

  context = g_option_context_new ("- the Porthole sandbox agent");
  g_option_context_set_summary (context,
                                "Serves the HopX VM agent API: code execution, commands, files,\n"
                                "environment, terminal, metrics and the desktop.\n\n"
                                "  portholed token --secret-file FILE [--ttl 24h] [--audience A]\n"
                                "      prints a token this daemon accepts.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("portholed: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (options.version)
    {
      g_print ("portholed %s (HopX VM agent API %s)\n", porthole_version_get (), PORTHOLE_API_VERSION);
      return EXIT_SUCCESS;
    }

  if (options.self_test)
    return porthole_self_test_run ();

  take_activation_sockets (&options);

  overrides = options_to_overrides (&options);
  if (!(config = porthole_config_new (options.config_file, overrides, &error)))
    {
      g_printerr ("portholed: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (porthole_config_get_verbose (config))
    g_log_set_debug_enabled (TRUE);

  if (options.rollback)
    return run_rollback (config);

  /* Before any thread or child: the groups are the whole process's. */
  if (porthole_config_get_user (config) != NULL)
    {
      g_autoptr(PortholeTargetUser) user = porthole_target_user_lookup (porthole_config_get_user (config), &error);

      if (user == NULL || !porthole_target_user_install (user, &error))
        {
          g_printerr ("portholed: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  /* Writes to a closed pipe or socket are errors, not a reason to die;
   * children get the default disposition back before exec. */
  signal (SIGPIPE, SIG_IGN);
  porthole_fd_limit_raise ();
  protect_from_oom_killer ();
  fix_mmap_threshold ();

  /* Before the first child: orphans that become ours are reaped. */
  porthole_spawn_reap_orphans (porthole_config_get_child_subreaper (config));

  loop = g_main_loop_new (NULL, FALSE);
  daemon = porthole_daemon_new (config);
  g_signal_connect_swapped (daemon, "stopped", G_CALLBACK (g_main_loop_quit), loop);

  if (!porthole_daemon_start (daemon, &error))
    {
      g_printerr ("portholed: %s\n", error->message);
      return EXIT_FAILURE;
    }

  porthole_restart_set_command_line ((const char *const *) command_line);

  if (porthole_config_get_verbose (config))
    g_signal_connect (porthole_daemon_get_http_server (daemon), "request-done",
                      G_CALLBACK (on_request_done), daemon);

  g_unix_signal_add (SIGINT, on_terminate, daemon);
  g_unix_signal_add (SIGTERM, on_terminate, daemon);
  g_unix_signal_add (SIGHUP, on_hangup, daemon);

  g_message ("portholed %s serving on port %u, workspace %s",
             porthole_version_get (),
             porthole_http_server_get_port (porthole_daemon_get_http_server (daemon)),
             porthole_daemon_get_workspace (daemon));
  {
    g_autofree char *ready = g_strdup_printf ("READY=1\nSTATUS=Serving on port %u",
                                              porthole_http_server_get_port (porthole_daemon_get_http_server (daemon)));

    porthole_service_notify (ready);
  }
  porthole_service_watchdog_start ();

  g_main_loop_run (loop);

  /* A restart keeps the record: the new image ends what is left. */
  if (porthole_restart_is_pending ())
    {
      porthole_restart_exec ();
      return EXIT_FAILURE;
    }

  porthole_process_ledger_close ();

  return EXIT_SUCCESS;
}
