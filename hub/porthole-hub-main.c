/* porthole-hub-main.c — porthole-hub, the self-hosted HopX control plane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "porthole-hub.h"
#include "porthole-hub-api.h"
#include "porthole-hub-config.h"
#include "porthole-hub-store.h"
#include "porthole-option-overrides.h"

typedef struct
{
  char *config_file;
  char **listen;
  char *state_dir;
  char *api_key_file;
  char *templates_dir;
  char *sandbox_ports;
  char *public_host_base;
  char *sandbox_domain;
  char *domain_listen;
  char *portholed;
  gboolean verbose;
  gboolean version;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->config_file);
  g_strfreev (options->listen);
  g_free (options->state_dir);
  g_free (options->api_key_file);
  g_free (options->templates_dir);
  g_free (options->sandbox_ports);
  g_free (options->public_host_base);
  g_free (options->sandbox_domain);
  g_free (options->domain_listen);
  g_free (options->portholed);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static GKeyFile *
options_to_overrides (Options *options)
{
  const PortholeOverride overrides[] = {
    { "listen", PORTHOLE_OVERRIDE_STRV, options->listen },
    { "state-dir", PORTHOLE_OVERRIDE_STRING, options->state_dir },
    { "api-key-file", PORTHOLE_OVERRIDE_STRING, options->api_key_file },
    { "templates-dir", PORTHOLE_OVERRIDE_STRING, options->templates_dir },
    { "sandbox-ports", PORTHOLE_OVERRIDE_STRING, options->sandbox_ports },
    { "public-host-base", PORTHOLE_OVERRIDE_STRING, options->public_host_base },
    { "sandbox-domain", PORTHOLE_OVERRIDE_STRING, options->sandbox_domain },
    { "domain-listen", PORTHOLE_OVERRIDE_STRING, options->domain_listen },
    { "portholed", PORTHOLE_OVERRIDE_STRING, options->portholed },
    { "verbose", PORTHOLE_OVERRIDE_FLAG_TRUE, &options->verbose },
  };

  return porthole_option_overrides_new (PORTHOLE_HUB_CONFIG_GROUP, overrides, G_N_ELEMENTS (overrides));
}

/* porthole-hub api-key add NAME: prints a new key, stores its hash. */
static int
run_api_key (int    argc,
             char **argv)
{
  g_autofree char *state_dir = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("add NAME - make an API key");
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeHubStore) store = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;
  PortholeHubTenant quotas = { 0 };
  int max_sandboxes = 0, max_vcpu = 0, max_memory = 0;
  guint8 random[32];
  GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "The hub's state directory", "DIR" },
    { "max-sandboxes", 0, 0, G_OPTION_ARG_INT, &max_sandboxes, "Sandboxes at once (default: the hub's)", "N" },
    { "max-vcpu", 0, 0, G_OPTION_ARG_INT, &max_vcpu, "vCPUs at once (default: the hub's)", "N" },
    { "max-memory-mb", 0, 0, G_OPTION_ARG_INT, &max_memory, "Memory at once, MiB (default: the hub's)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("porthole-hub api-key: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (argc != 3 || !g_str_equal (argv[1], "add") || *argv[2] == '\0' ||
      max_sandboxes < 0 || max_vcpu < 0 || max_memory < 0)
    {
      g_printerr ("Usage: porthole-hub api-key add NAME [--state-dir DIR] [--max-sandboxes N] [--max-vcpu N] [--max-memory-mb N]\n");
      return EXIT_FAILURE;
    }

  if (state_dir == NULL)
    state_dir = g_strdup ("/var/lib/porthole-hub");
  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      g_printerr ("porthole-hub api-key: cannot make %s\n", state_dir);
      return EXIT_FAILURE;
    }
  db_path = g_build_filename (state_dir, "hub.db", NULL);
  if (!(store = porthole_hub_store_open (db_path, &error)))
    {
      g_printerr ("porthole-hub api-key: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* 256 random bits; only their hash is kept. */
  for (guint i = 0; i < sizeof random; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (random + i, &r, 4);
    }
  {
    g_autoptr(GString) text = g_string_new ("hopx_");

    for (guint i = 0; i < sizeof random; i++)
      g_string_append_printf (text, "%02x", random[i]);
    key = g_string_free (g_steal_pointer (&text), FALSE);
  }
  hash = porthole_hub_api_key_hash (key);
  quotas.max_sandboxes = max_sandboxes;
  quotas.max_vcpu = max_vcpu;
  quotas.max_memory_mb = max_memory;
  if (!porthole_hub_store_add_api_key (store, argv[2], hash, &quotas, &error))
    {
      g_printerr ("porthole-hub api-key: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s\n", key);
  return EXIT_SUCCESS;
}

static gboolean
on_terminate (gpointer user_data)
{
  g_message ("Stopping; sandboxes keep running for the next hub");
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GKeyFile) overrides = NULL;
  g_autoptr(PortholeHub) hub = NULL;
  g_autoptr(PortholeHubApi) api = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  PortholeHubConfig *config;
  GSList *uris;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &options.config_file, "Key file with a [porthole-hub] group", "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &options.listen, "Address of the API (repeatable; default 0.0.0.0:7780)", "ADDR:PORT" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.state_dir, "State: database, keys, sandboxes (default /var/lib/porthole-hub)", "DIR" },
    { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &options.api_key_file, "Also accept the keys in this file (one a line)", "FILE" },
    { "templates-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.templates_dir, "Directory of NAME.template key files", "DIR" },
    { "sandbox-ports", 0, 0, G_OPTION_ARG_STRING, &options.sandbox_ports, "Ports handed to sandboxes (default 30000-30999)", "FIRST-LAST" },
    { "public-host-base", 0, 0, G_OPTION_ARG_STRING, &options.public_host_base, "How clients reach the hub (default http://<listen address>)", "URL" },
    { "sandbox-domain", 0, 0, G_OPTION_ARG_STRING, &options.sandbox_domain, "A wildcard domain: public_host is http(s)://ID.DOMAIN[:PORT], previews PORT-ID.DOMAIN", "DOMAIN[:PORT]" },
    { "domain-listen", 0, 0, G_OPTION_ARG_STRING, &options.domain_listen, "Where the hub serves the sandbox domain, routed by Host", "ADDR:PORT" },
    { "portholed", 0, 0, G_OPTION_ARG_FILENAME, &options.portholed, "The agent each sandbox runs", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options.verbose, "Log every request", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options.version, "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_unsetenv ("SOUP_SERVER_HTTP2");

  if (argc > 1 && g_str_equal (argv[1], "api-key"))
    return run_api_key (argc - 1, argv + 1);

  context = g_option_context_new ("- the Porthole control plane");
  g_option_context_set_summary (context,
                                "Serves the HopX control-plane API: sandboxes on this machine, each\n"
                                "with its own portholed, reached through the hub's ports.\n\n"
                                "  porthole-hub api-key add NAME [--state-dir DIR]\n"
                                "      prints a new API key.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("porthole-hub: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (options.version)
    {
      g_print ("porthole-hub %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  overrides = options_to_overrides (&options);
  if (!(config = porthole_hub_config_new (options.config_file, overrides, &error)))
    {
      g_printerr ("porthole-hub: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (config->verbose)
    g_log_set_debug_enabled (TRUE);

  signal (SIGPIPE, SIG_IGN);
  /* A sandbox's namespace init may outlive bwrap's outer process by a
   * moment when the sandbox is killed: it comes to us to be reaped
   * (porthole-hub-local-backend.c), not to the machine's init. */
  if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    g_debug ("Could not become a subreaper");
  loop = g_main_loop_new (NULL, FALSE);

  if (!(hub = porthole_hub_new (config, options.config_file, &error)))
    {
      g_printerr ("porthole-hub: %s\n", error->message);
      return EXIT_FAILURE;
    }
  api = porthole_hub_api_new (hub);
  for (guint i = 0; porthole_hub_get_config (hub)->listen[i]; i++)
    if (!porthole_hub_api_listen (api, porthole_hub_get_config (hub)->listen[i], &error))
      {
        g_printerr ("porthole-hub: %s\n", error->message);
        return EXIT_FAILURE;
      }

  g_unix_signal_add (SIGINT, on_terminate, loop);
  g_unix_signal_add (SIGTERM, on_terminate, loop);

  uris = porthole_hub_api_get_uris (api);
  for (GSList *l = uris; l; l = l->next)
    {
      g_autofree char *text = g_uri_to_string (l->data);

      g_message ("porthole-hub %s serving on %s", PACKAGE_VERSION, text);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (loop);

  porthole_hub_shutdown (hub);
  return EXIT_SUCCESS;
}
