/* porthole-hub-config.c
 *
 * One key file group, [porthole-hub]; the command line arrives as a key
 * file of overrides with the same key names, so one reader serves both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-hub-config.h"

#define DEFAULT_LISTEN "0.0.0.0:7780"
#define DEFAULT_STATE_DIR "/var/lib/porthole-hub"
#define DEFAULT_PORTS "30000-30999"

void
porthole_hub_config_free (PortholeHubConfig *config)
{
  if (config == NULL)
    return;
  g_strfreev (config->listen);
  g_free (config->state_dir);
  g_free (config->api_key_file);
  g_free (config->templates_dir);
  g_free (config->public_host_base);
  g_free (config->sandbox_domain);
  g_free (config->domain_listen);
  g_free (config->portholed);
  g_free (config->bwrap);
  g_free (config);
}

gboolean
porthole_hub_parse_range (const char *text,
                          guint      *first,
                          guint      *last)
{
  g_auto(GStrv) parts = g_strsplit (text, "-", 2);
  guint64 a, b;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, 65535, &a, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 65535, &b, NULL) || b < a)
    return FALSE;

  *first = a;
  *last = b;
  return TRUE;
}

/* The override wins, then the file, then @fallback. */
static char *
get_string (GKeyFile   *file,
            GKeyFile   *overrides,
            const char *key,
            const char *fallback)
{
  char *value = NULL;

  if (overrides != NULL)
    value = g_key_file_get_string (overrides, PORTHOLE_HUB_CONFIG_GROUP, key, NULL);
  if (value == NULL && file != NULL)
    value = g_key_file_get_string (file, PORTHOLE_HUB_CONFIG_GROUP, key, NULL);
  if (value != NULL)
    g_strstrip (value);
  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);

  return value ? value : g_strdup (fallback);
}

static gboolean
get_number (GKeyFile    *file,
            GKeyFile    *overrides,
            const char  *key,
            guint64      fallback,
            guint64      max,
            guint64     *value,
            GError     **error)
{
  g_autofree char *text = get_string (file, overrides, key, NULL);

  *value = fallback;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: expected a number up to %" G_GUINT64_FORMAT ", got %s", key, max, text);
      return FALSE;
    }
  return TRUE;
}

static char *
default_portholed (void)
{
  g_autofree char *built = g_build_filename (PORTHOLE_BUILD_ROOT, "daemon", "portholed", NULL);

  /* Run from the build tree (tests, tools/run), the hub starts the
   * portholed built next to it. */
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  return g_build_filename (PACKAGE_LIBEXECDIR, "portholed", NULL);
}

/* http://HOST of the first listen address (127.0.0.1 for a wildcard). */
static char *
default_public_host_base (const char *listen)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (listen, ':');

  host = g_strndup (listen, colon ? (gsize) (colon - listen) : strlen (listen));
  if (g_str_equal (host, "0.0.0.0") || g_str_equal (host, "[::]") || *host == '\0' || host[0] == '[')
    return g_strdup ("http://127.0.0.1");
  return g_strdup_printf ("http://%s", host);
}

PortholeHubConfig *
porthole_hub_config_new (const char  *path,
                         GKeyFile    *overrides,
                         GError     **error)
{
  g_autoptr(PortholeHubConfig) config = g_new0 (PortholeHubConfig, 1);
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *ports = NULL;
  guint64 number;

  if (path != NULL)
    {
      file = g_key_file_new ();
      if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
        return NULL;
    }

  if (overrides != NULL)
    config->listen = g_key_file_get_string_list (overrides, PORTHOLE_HUB_CONFIG_GROUP, "listen", NULL, NULL);
  if (config->listen == NULL && file != NULL)
    config->listen = g_key_file_get_string_list (file, PORTHOLE_HUB_CONFIG_GROUP, "listen", NULL, NULL);
  if (config->listen == NULL || config->listen[0] == NULL)
    {
      g_strfreev (config->listen);
      config->listen = g_strsplit (DEFAULT_LISTEN, ";", -1);
    }

  config->state_dir = get_string (file, overrides, "state-dir", DEFAULT_STATE_DIR);
  config->api_key_file = get_string (file, overrides, "api-key-file", NULL);
  config->templates_dir = get_string (file, overrides, "templates-dir", NULL);
  config->bwrap = get_string (file, overrides, "bwrap", "bwrap");
  config->portholed = get_string (file, overrides, "portholed", NULL);
  if (config->portholed == NULL)
    config->portholed = default_portholed ();
  config->public_host_base = get_string (file, overrides, "public-host-base", NULL);
  if (config->public_host_base == NULL)
    config->public_host_base = default_public_host_base (config->listen[0]);
  else
    {
      gsize length = strlen (config->public_host_base);

      while (length > 0 && config->public_host_base[length - 1] == '/')
        config->public_host_base[--length] = '\0';
      if (!g_str_has_prefix (config->public_host_base, "http://") &&
          !g_str_has_prefix (config->public_host_base, "https://"))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "public-host-base: expected http://HOST or https://HOST, got %s",
                       config->public_host_base);
          return NULL;
        }
    }

  /* A wildcard domain (*.DOMAIN resolving to the hub), routed by Host on
   * its own listener; the public URLs carry DOMAIN's port if it has one. */
  config->sandbox_domain = get_string (file, overrides, "sandbox-domain", NULL);
  config->domain_listen = get_string (file, overrides, "domain-listen", NULL);
  if (config->sandbox_domain != NULL)
    {
      char *lower = g_ascii_strdown (config->sandbox_domain, -1);

      g_free (config->sandbox_domain);
      config->sandbox_domain = lower;
      if (*lower == '\0' || *lower == '.' || strpbrk (lower, "/[]@ ") != NULL || config->domain_listen == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "sandbox-domain: expected DOMAIN[:PORT] and a domain-listen ADDR:PORT, got %s",
                       config->sandbox_domain);
          return NULL;
        }
    }

  ports = get_string (file, overrides, "sandbox-ports", DEFAULT_PORTS);
  if (!porthole_hub_parse_range (ports, &config->port_first, &config->port_last))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "sandbox-ports: expected FIRST-LAST, got %s", ports);
      return NULL;
    }

  /* Tokens: more than the hour after which the SDKs refresh, less than
   * portholed's 24 h cap (CONTROL-PLANE.md §3.9). */
  if (!get_number (file, overrides, "token-ttl", 12 * 3600, 24 * 3600, &number, error))
    return NULL;
  if (number <= 3600)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "token-ttl: must be more than 3600 seconds");
      return NULL;
    }
  config->token_ttl = number;
  if (!get_number (file, overrides, "max-timeout", 7 * 24 * 3600, G_MAXINT32, &number, error))
    return NULL;
  config->max_timeout = number;
  if (!get_number (file, overrides, "ready-timeout", 45, 55, &number, error))
    return NULL;
  config->ready_timeout = MAX (number, 1);
  if (!get_number (file, overrides, "max-sandboxes", 20, G_MAXINT32, &number, error))
    return NULL;
  config->max_sandboxes = number;
  if (!get_number (file, overrides, "max-vcpu", 32, G_MAXINT32, &number, error))
    return NULL;
  config->max_vcpu = number;
  if (!get_number (file, overrides, "max-memory-mb", 65536, G_MAXINT32, &number, error))
    return NULL;
  config->max_memory_mb = number;
  /* The name, default and range of portholed's. */
  if (!get_number (file, overrides, "ws-frame-interval-ms", 10, 1000, &number, error))
    return NULL;
  config->ws_frame_interval_ms = number;

  if (overrides != NULL)
    config->verbose = g_key_file_get_boolean (overrides, PORTHOLE_HUB_CONFIG_GROUP, "verbose", NULL);

  return g_steal_pointer (&config);
}
