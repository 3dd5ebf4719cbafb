/* porthole-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "porthole-config.h"

/* One immutable snapshot of the settings. A reload builds a new one and
 * swaps it in, then emits "changed"; callers copy what they keep. */
typedef struct
{
  GStrv listen;
  gboolean listen_is_default;
  GArray *listen_fds;
  char *workspace;
  char *state_dir;
  char *display;
  guint display_width;
  guint display_height;
  guint display_depth;
  guint display_timeout;
  char *window_manager;
  char *vnc_listen;
  guint vnc_max_viewers;
  char *sandbox_id;
  gboolean verbose;
  gboolean child_subreaper;
  gboolean process_guardian;
  char *user;

  gboolean insecure_no_auth;
  char *jwt_secret_file;
  char *jwt_public_key_file;
  char *jwt_alg;
  char *jwt_audience;
  char *jwt_issuer;
  gint64 jwt_max_lifetime;
  char *api_key_file;
  GStrv ws_allowed_origins;

  char *tls_cert;
  char *tls_key;

  guint max_connections;
  guint max_connections_per_address;
  guint max_terminals;
  guint header_timeout;
  guint body_timeout;
  guint body_min_rate;
  guint idle_timeout;
  guint64 max_body_size;
  guint64 execute_max_body_size;
  guint max_json_depth;
  guint64 ws_max_message_size;
  guint ws_frame_interval_ms;
  guint ws_keepalive_interval;
  gboolean ws_output_mirror;

  GStrv files_allowed_roots;
  GStrv files_deny;
  guint64 files_max_read_size;
  guint64 files_max_write_size;
  guint64 files_max_upload_size;
  gboolean update_enabled;
  char *update_self_path;
  guint64 update_max_size;
  guint update_max_backups;

  guint mcp_max_sessions;
  guint mcp_session_idle_timeout;
  guint mcp_screenshot_max_side;
  GStrv mcp_allowed_hosts;
  GStrv mcp_authorization_servers;
  char *recordings_dir;
  guint recording_max_duration;
  guint64 recording_max_size;
  guint recording_max_concurrent;
  guint recording_max_kept;
} Settings;

struct _PortholeConfig
{
  GObject parent_instance;

  char *path;
  GKeyFile *overrides;
  Settings *settings;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeConfig, porthole_config, G_TYPE_OBJECT)

static void
settings_free (Settings *settings)
{
  g_strfreev (settings->listen);
  g_clear_pointer (&settings->listen_fds, g_array_unref);
  g_free (settings->workspace);
  g_free (settings->state_dir);
  g_free (settings->display);
  g_free (settings->window_manager);
  g_free (settings->vnc_listen);
  g_free (settings->sandbox_id);
  g_free (settings->user);
  g_free (settings->jwt_secret_file);
  g_free (settings->jwt_public_key_file);
  g_free (settings->jwt_alg);
  g_free (settings->jwt_audience);
  g_free (settings->jwt_issuer);
  g_free (settings->api_key_file);
  g_strfreev (settings->ws_allowed_origins);
  g_free (settings->tls_cert);
  g_free (settings->tls_key);
  g_strfreev (settings->files_allowed_roots);
  g_strfreev (settings->files_deny);
  g_free (settings->update_self_path);
  g_strfreev (settings->mcp_allowed_hosts);
  g_strfreev (settings->mcp_authorization_servers);
  g_free (settings->recordings_dir);
  g_free (settings);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Settings, settings_free)

/**
 * porthole_parse_duration:
 * @text: `90`, `30s`, `15m`, `24h`, `7d` or a Go-style mix such as `1h30m`
 * @seconds: (out): the duration
 */
gboolean
porthole_parse_duration (const char *text,
                         gint64     *seconds)
{
  gint64 total = 0;
  const char *p = text;

  if (text == NULL || *text == '\0')
    return FALSE;

  while (*p)
    {
      gint64 value = 0;
      gint64 unit;

      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        {
          if (value > G_MAXINT64 / 10 - 10)
            return FALSE;
          value = value * 10 + (*p++ - '0');
        }

      switch (*p)
        {
        case '\0': unit = 1; break;
        case 's': unit = 1; p++; break;
        case 'm': unit = 60; p++; break;
        case 'h': unit = 3600; p++; break;
        case 'd': unit = 86400; p++; break;
        default: return FALSE;
        }

      if (value > (G_MAXINT64 - total) / unit)
        return FALSE;
      total += value * unit;
    }

  *seconds = total;
  return TRUE;
}

/**
 * porthole_parse_size:
 * @text: `1048576`, `512K`, `64M`, `2G` (binary units, `iB` suffix allowed)
 * @bytes: (out): the size
 */
gboolean
porthole_parse_size (const char *text,
                     guint64    *bytes)
{
  guint64 value;
  char *end = NULL;
  guint shift = 0;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;

  value = g_ascii_strtoull (text, &end, 10);
  switch (g_ascii_toupper (*end))
    {
    case '\0': break;
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: return FALSE;
    }
  if (shift && (g_ascii_strcasecmp (end, "iB") == 0 || g_ascii_strcasecmp (end, "B") == 0))
    end += strlen (end);
  if (*end != '\0' || value > (G_MAXUINT64 >> shift))
    return FALSE;

  *bytes = value << shift;
  return TRUE;
}

static char *
get_string (GKeyFile   *file,
            const char *key,
            const char *fallback)
{
  char *value = g_key_file_get_string (file, PORTHOLE_CONFIG_GROUP, key, NULL);

  if (value == NULL || *value == '\0')
    {
      g_free (value);
      return g_strdup (fallback);
    }

  return value;
}

static gboolean
get_boolean (GKeyFile    *file,
             const char  *key,
             gboolean     fallback,
             gboolean    *value,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_has_key (file, PORTHOLE_CONFIG_GROUP, key, NULL))
    {
      *value = fallback;
      return TRUE;
    }

  *value = g_key_file_get_boolean (file, PORTHOLE_CONFIG_GROUP, key, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: expected true or false", key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_uint (GKeyFile    *file,
          const char  *key,
          guint        fallback,
          guint        min,
          guint        max,
          guint       *value,
          GError     **error)
{
  g_autofree char *text = get_string (file, key, NULL);
  guint64 parsed;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: expected an integer between %u and %u", key, min, max);
      return FALSE;
    }

  *value = parsed;
  return TRUE;
}

static gboolean
get_seconds (GKeyFile    *file,
             const char  *key,
             guint        fallback,
             guint       *value,
             GError     **error)
{
  g_autofree char *text = get_string (file, key, NULL);
  gint64 seconds;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!porthole_parse_duration (text, &seconds) || seconds < 1 || seconds > 86400)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: expected a duration between 1s and 24h", key);
      return FALSE;
    }

  *value = seconds;
  return TRUE;
}

static gboolean
get_size (GKeyFile    *file,
          const char  *key,
          guint64      fallback,
          guint64     *value,
          GError     **error)
{
  g_autofree char *text = get_string (file, key, NULL);

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!porthole_parse_size (text, value) || *value == 0)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: expected a size such as 1M", key);
      return FALSE;
    }

  return TRUE;
}

/* A list of absolute paths, canonicalised; @fallback when the key is
 * absent. An empty value is an empty list. */
static gboolean
get_path_list (GKeyFile           *file,
               const char         *key,
               const char *const  *fallback,
               GStrv              *value,
               GError            **error)
{
  g_auto(GStrv) list = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (g_key_file_has_key (file, PORTHOLE_CONFIG_GROUP, key, NULL))
    list = g_key_file_get_string_list (file, PORTHOLE_CONFIG_GROUP, key, NULL, NULL);
  else
    list = g_strdupv ((char **) fallback);

  for (guint i = 0; list && list[i]; i++)
    {
      g_autofree char *path = g_strstrip (g_strdup (list[i]));
      g_autofree char *canonical = NULL;

      if (path[0] == '\0')
        continue;
      if (!g_path_is_absolute (path))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "%s: %s is not an absolute path", key, path);
          return FALSE;
        }
      canonical = g_canonicalize_filename (path, NULL);
      g_strv_builder_add (builder, canonical);
    }

  *value = g_strv_builder_end (builder);
  return TRUE;
}

static char *
default_state_dir (void)
{
  if (geteuid () == 0)
    return g_strdup ("/var/lib/portholed");

  return g_build_filename (g_get_user_state_dir (), "portholed", NULL);
}

static Settings *
settings_load (GKeyFile  *file,
               GError   **error)
{
  g_autoptr(Settings) settings = g_new0 (Settings, 1);
  g_autofree char *display_size = NULL;
  g_autofree char *lifetime = NULL;
  g_autofree char *state_dir = default_state_dir ();
  g_auto(GStrv) fds = NULL;

  settings->listen = g_key_file_get_string_list (file, PORTHOLE_CONFIG_GROUP, "listen", NULL, NULL);
  settings->listen_fds = g_array_new (FALSE, FALSE, sizeof (int));
  fds = g_key_file_get_string_list (file, PORTHOLE_CONFIG_GROUP, "listen-fd", NULL, NULL);
  for (guint i = 0; fds && fds[i]; i++)
    {
      guint64 fd;

      if (!g_ascii_string_to_unsigned (fds[i], 10, 0, G_MAXINT, &fd, NULL))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "listen-fd: not a file descriptor: %s", fds[i]);
          return NULL;
        }
      g_array_append_vals (settings->listen_fds, &(int) { fd }, 1);
    }
  if ((settings->listen == NULL || settings->listen[0] == NULL) && settings->listen_fds->len == 0)
    {
      g_clear_pointer (&settings->listen, g_strfreev);
      settings->listen = g_strsplit ("0.0.0.0:7777;[::]:7777", ";", -1);
      settings->listen_is_default = TRUE;
    }
  else if (settings->listen == NULL)
    settings->listen = g_new0 (char *, 1);

  settings->workspace = get_string (file, "workspace", "/workspace");
  settings->state_dir = get_string (file, "state-dir", state_dir);
  settings->display = get_string (file, "display", "auto");
  display_size = get_string (file, "display-size", "1920x1080x24");
  if (sscanf (display_size, "%ux%ux%u", &settings->display_width,
              &settings->display_height, &settings->display_depth) != 3 ||
      settings->display_width < 64 || settings->display_width > 8192 ||
      settings->display_height < 64 || settings->display_height > 8192 ||
      (settings->display_depth != 16 && settings->display_depth != 24))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "display-size: expected WIDTHxHEIGHTxDEPTH, e.g. 1920x1080x24");
      return NULL;
    }
  if (!g_str_equal (settings->display, "auto") && !g_str_equal (settings->display, "none") &&
      settings->display[0] != ':')
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "display: expected auto, none or :N");
      return NULL;
    }
  /* Longest an X round trip may wait on a server that stopped answering. */
  if (!get_seconds (file, "display-timeout", 5, &settings->display_timeout, error))
    return NULL;

  settings->window_manager = get_string (file, "window-manager", "auto");
  if (*settings->window_manager == '\0')
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "window-manager: expected auto, none or a command");
      return NULL;
    }

  /* The RFB TCP port: loopback, none, or addresses (SECURITY.md §5). */
  settings->vnc_listen = get_string (file, "vnc-listen", "loopback");
  if (*settings->vnc_listen == '\0')
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "vnc-listen: expected loopback, none or addresses");
      return NULL;
    }
  if (!get_uint (file, "vnc-max-viewers", 32, 1, 512, &settings->vnc_max_viewers, error))
    return NULL;

  settings->sandbox_id = get_string (file, "sandbox-id", NULL);
  /* Looked up once, at start-up (porthole-target-user.c). */
  settings->user = get_string (file, "user", NULL);
  if (!get_boolean (file, "verbose", FALSE, &settings->verbose, error) ||
      !get_boolean (file, "insecure-no-auth", FALSE, &settings->insecure_no_auth, error) ||
      !get_boolean (file, "child-subreaper", FALSE, &settings->child_subreaper, error) ||
      !get_boolean (file, "process-guardian", TRUE, &settings->process_guardian, error))
    return NULL;

  settings->jwt_secret_file = get_string (file, "jwt-secret-file", NULL);
  settings->jwt_public_key_file = get_string (file, "jwt-public-key-file", NULL);
  settings->jwt_alg = get_string (file, "jwt-alg", settings->jwt_public_key_file ? "RS256" : "HS256");
  if (!g_str_equal (settings->jwt_alg, "HS256") &&
      !g_str_equal (settings->jwt_alg, "RS256") &&
      !g_str_equal (settings->jwt_alg, "ES256"))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "jwt-alg: expected HS256, RS256 or ES256");
      return NULL;
    }
  if (settings->jwt_secret_file && settings->jwt_public_key_file)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "jwt-secret-file and jwt-public-key-file are exclusive");
      return NULL;
    }
  settings->jwt_audience = get_string (file, "jwt-audience", NULL);
  settings->jwt_issuer = get_string (file, "jwt-issuer", NULL);
  lifetime = get_string (file, "jwt-max-lifetime", "24h");
  if (!porthole_parse_duration (lifetime, &settings->jwt_max_lifetime))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "jwt-max-lifetime: expected a duration such as 24h (0 disables the cap)");
      return NULL;
    }
  settings->api_key_file = get_string (file, "api-key-file", NULL);
  settings->ws_allowed_origins = g_key_file_get_string_list (file, PORTHOLE_CONFIG_GROUP,
                                                             "ws-allowed-origin", NULL, NULL);

  settings->tls_cert = get_string (file, "tls-cert", NULL);
  settings->tls_key = get_string (file, "tls-key", NULL);
  if ((settings->tls_cert == NULL) != (settings->tls_key == NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "tls-cert and tls-key go together");
      return NULL;
    }

  if (!get_uint (file, "max-connections", 1024, 1, 100000, &settings->max_connections, error) ||
      !get_uint (file, "max-connections-per-address", 256, 1, 100000,
                 &settings->max_connections_per_address, error) ||
      !get_uint (file, "max-terminals", 1000, 1, 100000, &settings->max_terminals, error) ||
      !get_seconds (file, "header-timeout", 15, &settings->header_timeout, error) ||
      !get_seconds (file, "body-timeout", 60, &settings->body_timeout, error) ||
      !get_uint (file, "body-min-rate", 500, 0, G_MAXINT, &settings->body_min_rate, error) ||
      !get_seconds (file, "idle-timeout", 60, &settings->idle_timeout, error) ||
      !get_size (file, "max-body-size", 1024 * 1024, &settings->max_body_size, error) ||
      !get_size (file, "execute-max-body-size", 16 * 1024 * 1024, &settings->execute_max_body_size, error) ||
      !get_uint (file, "max-json-depth", 64, 1, 1000, &settings->max_json_depth, error) ||
      !get_size (file, "ws-max-message-size", 1024 * 1024, &settings->ws_max_message_size, error) ||
      !get_uint (file, "ws-frame-interval-ms", 10, 0, 1000, &settings->ws_frame_interval_ms, error) ||
      !get_seconds (file, "ws-keepalive-interval", 20, &settings->ws_keepalive_interval, error) ||
      !get_boolean (file, "ws-output-mirror", TRUE, &settings->ws_output_mirror, error))
    return NULL;

  /* API.md §5: what the file API may touch. */
  if (!get_path_list (file, "files-allowed-roots", (const char *const[]) { "/", NULL },
                      &settings->files_allowed_roots, error) ||
      !get_path_list (file, "files-deny",
                      (const char *const[]) { "/proc", "/sys", "/dev", "/etc/shadow", "/etc/gshadow", NULL },
                      &settings->files_deny, error) ||
      !get_size (file, "files-max-read-size", 100 * 1024 * 1024, &settings->files_max_read_size, error) ||
      !get_size (file, "files-max-write-size", 64 * 1024 * 1024, &settings->files_max_write_size, error) ||
      !get_size (file, "files-max-upload-size", G_GUINT64_CONSTANT (16) << 30, &settings->files_max_upload_size, error))
    return NULL;
  if (settings->files_allowed_roots[0] == NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "files-allowed-roots: at least one root is needed");
      return NULL;
    }
  settings->update_self_path = get_string (file, "update-self-path", NULL);
  if (!get_boolean (file, "update-enabled", FALSE, &settings->update_enabled, error) ||
      !get_size (file, "update-max-size", 256 * 1024 * 1024, &settings->update_max_size, error) ||
      !get_uint (file, "update-max-backups", 3, 1, 100, &settings->update_max_backups, error))
    return NULL;

  /* The MCP endpoint (README "MCP"). */
  if (!get_uint (file, "mcp-max-sessions", 64, 1, 10000, &settings->mcp_max_sessions, error) ||
      !get_seconds (file, "mcp-session-idle-timeout", 3600, &settings->mcp_session_idle_timeout, error) ||
      !get_uint (file, "mcp-screenshot-max-side", 1280, 64, 16384, &settings->mcp_screenshot_max_side, error))
    return NULL;
  settings->mcp_allowed_hosts = g_key_file_get_string_list (file, PORTHOLE_CONFIG_GROUP,
                                                            "mcp-allowed-hosts", NULL, NULL);
  settings->mcp_authorization_servers = g_key_file_get_string_list (file, PORTHOLE_CONFIG_GROUP,
                                                                    "mcp-authorization-servers", NULL, NULL);
  /* Screen recordings (API.md §8.6) */
  {
    g_autofree char *recordings_dir = g_build_filename (settings->state_dir, "recordings", NULL);

    settings->recordings_dir = get_string (file, "recordings-dir", recordings_dir);
  }
  if (!g_path_is_absolute (settings->recordings_dir))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "recordings-dir: %s is not an absolute path", settings->recordings_dir);
      return NULL;
    }
  if (!get_seconds (file, "recording-max-duration", 3600, &settings->recording_max_duration, error) ||
      !get_size (file, "recording-max-size", G_GUINT64_CONSTANT (2) << 30, &settings->recording_max_size, error) ||
      !get_uint (file, "recording-max-concurrent", 4, 1, 64, &settings->recording_max_concurrent, error) ||
      !get_uint (file, "recording-max-kept", 20, 1, 10000, &settings->recording_max_kept, error))
    return NULL;

  return g_steal_pointer (&settings);
}

static gboolean
porthole_config_load (PortholeConfig  *self,
                      GError         **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_auto(GStrv) keys = NULL;
  Settings *settings;

  if (self->path != NULL &&
      !g_key_file_load_from_file (file, self->path, G_KEY_FILE_NONE, error))
    return FALSE;

  /* The command line wins over the file, key by key. */
  keys = g_key_file_get_keys (self->overrides, PORTHOLE_CONFIG_GROUP, NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = g_key_file_get_value (self->overrides, PORTHOLE_CONFIG_GROUP, keys[i], NULL);

      g_key_file_set_value (file, PORTHOLE_CONFIG_GROUP, keys[i], value);
    }

  settings = settings_load (file, error);
  if (settings == NULL)
    return FALSE;

  g_clear_pointer (&self->settings, settings_free);
  self->settings = settings;
  return TRUE;
}

static void
porthole_config_finalize (GObject *object)
{
  PortholeConfig *self = (PortholeConfig *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->overrides, g_key_file_unref);
  g_clear_pointer (&self->settings, settings_free);

  G_OBJECT_CLASS (porthole_config_parent_class)->finalize (object);
}

static void
porthole_config_class_init (PortholeConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_config_finalize;

  /**
   * PortholeConfig::changed:
   *
   * Emitted after a successful reload (SIGHUP).
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_config_init (PortholeConfig *self)
{
}

/**
 * porthole_config_new:
 * @path: (nullable): a key file with a `[portholed]` group
 * @overrides: (nullable): command-line settings, same group and keys
 */
PortholeConfig *
porthole_config_new (const char  *path,
                     GKeyFile    *overrides,
                     GError     **error)
{
  g_autoptr(PortholeConfig) self = g_object_new (PORTHOLE_TYPE_CONFIG, NULL);

  self->path = g_strdup (path);
  self->overrides = overrides ? g_key_file_ref (overrides) : g_key_file_new ();

  if (!porthole_config_load (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * porthole_config_reload:
 *
 * Reads the key file again. On failure the previous settings stay.
 */
gboolean
porthole_config_reload (PortholeConfig  *self,
                        GError         **error)
{
  g_return_val_if_fail (PORTHOLE_IS_CONFIG (self), FALSE);

  if (!porthole_config_load (self, error))
    return FALSE;

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

const char *
porthole_config_get_path (PortholeConfig *self)
{
  return self->path;
}

const char *const *
porthole_config_get_listen (PortholeConfig *self)
{
  return (const char *const *) self->settings->listen;
}

/**
 * porthole_config_get_listen_is_default:
 *
 * Returns: %TRUE when no address was configured; IPv6 is then optional.
 */
gboolean
porthole_config_get_listen_is_default (PortholeConfig *self)
{
  return self->settings->listen_is_default;
}

const int *
porthole_config_get_listen_fds (PortholeConfig *self,
                                guint          *n_fds)
{
  *n_fds = self->settings->listen_fds->len;
  return (const int *) (gpointer) self->settings->listen_fds->data;
}

const char *
porthole_config_get_workspace (PortholeConfig *self)
{
  return self->settings->workspace;
}

/**
 * porthole_config_get_user:
 *
 * Returns: (nullable): the user (name or uid) children and file
 *   operations run as, or %NULL for the daemon's own
 */
const char *
porthole_config_get_user (PortholeConfig *self)
{
  return self->settings->user;
}

const char *
porthole_config_get_state_dir (PortholeConfig *self)
{
  return self->settings->state_dir;
}

const char *
porthole_config_get_display (PortholeConfig *self)
{
  return self->settings->display;
}

/**
 * porthole_config_get_window_manager:
 *
 * Returns: what runs on the embedded X server: "auto" (openbox if
 *   installed), "none", or a command line
 */
const char *
porthole_config_get_window_manager (PortholeConfig *self)
{
  return self->settings->window_manager;
}

/**
 * porthole_config_get_vnc_listen:
 *
 * Returns: "loopback", "none", or addresses separated by commas
 */
const char *
porthole_config_get_vnc_listen (PortholeConfig *self)
{
  return self->settings->vnc_listen;
}

guint
porthole_config_get_vnc_max_viewers (PortholeConfig *self)
{
  return self->settings->vnc_max_viewers;
}

void
porthole_config_get_display_size (PortholeConfig *self,
                                  guint          *width,
                                  guint          *height,
                                  guint          *depth)
{
  *width = self->settings->display_width;
  *height = self->settings->display_height;
  *depth = self->settings->display_depth;
}

/**
 * porthole_config_get_display_timeout:
 *
 * Returns: seconds a local X server may leave a question unanswered
 *   before the desktop treats it as lost (porthole-x11-watchdog.c)
 */
guint
porthole_config_get_display_timeout (PortholeConfig *self)
{
  return self->settings->display_timeout;
}

const char *
porthole_config_get_sandbox_id (PortholeConfig *self)
{
  return self->settings->sandbox_id;
}

gboolean
porthole_config_get_verbose (PortholeConfig *self)
{
  return self->settings->verbose;
}

/**
 * porthole_config_get_child_subreaper:
 *
 * Returns: whether the daemon adopts the orphans of its runs
 *   (PR_SET_CHILD_SUBREAPER); as PID 1 it does anyway
 */
gboolean
porthole_config_get_child_subreaper (PortholeConfig *self)
{
  return self->settings->child_subreaper;
}

/**
 * porthole_config_get_process_guardian:
 *
 * Returns: whether a guardian process ends the runs' trees when the
 *   daemon dies (porthole-process-ledger.c); needless where they die
 *   with it anyway (a PID namespace the daemon heads, as in porthole-hub)
 */
gboolean
porthole_config_get_process_guardian (PortholeConfig *self)
{
  return self->settings->process_guardian;
}

gboolean
porthole_config_get_insecure_no_auth (PortholeConfig *self)
{
  return self->settings->insecure_no_auth;
}

const char *
porthole_config_get_jwt_secret_file (PortholeConfig *self)
{
  return self->settings->jwt_secret_file;
}

const char *
porthole_config_get_jwt_public_key_file (PortholeConfig *self)
{
  return self->settings->jwt_public_key_file;
}

const char *
porthole_config_get_jwt_alg (PortholeConfig *self)
{
  return self->settings->jwt_alg;
}

const char *
porthole_config_get_jwt_audience (PortholeConfig *self)
{
  return self->settings->jwt_audience;
}

const char *
porthole_config_get_jwt_issuer (PortholeConfig *self)
{
  return self->settings->jwt_issuer;
}

gint64
porthole_config_get_jwt_max_lifetime (PortholeConfig *self)
{
  return self->settings->jwt_max_lifetime;
}

const char *
porthole_config_get_api_key_file (PortholeConfig *self)
{
  return self->settings->api_key_file;
}

const char *const *
porthole_config_get_ws_allowed_origins (PortholeConfig *self)
{
  return (const char *const *) self->settings->ws_allowed_origins;
}

const char *
porthole_config_get_tls_cert (PortholeConfig *self)
{
  return self->settings->tls_cert;
}

const char *
porthole_config_get_tls_key (PortholeConfig *self)
{
  return self->settings->tls_key;
}

guint
porthole_config_get_max_connections (PortholeConfig *self)
{
  return self->settings->max_connections;
}

/**
 * porthole_config_get_max_connections_per_address:
 *
 * Returns: connections one client address may hold at once (loopback
 *   gets a few more for health checks, see porthole-http-server.c)
 */
guint
porthole_config_get_max_connections_per_address (PortholeConfig *self)
{
  return self->settings->max_connections_per_address;
}

/**
 * porthole_config_get_max_terminals:
 *
 * Returns: the configured cap on open terminals; the daemon may serve
 *   fewer when they would not fit in its descriptor limit
 *   (porthole_daemon_get_max_terminals())
 */
guint
porthole_config_get_max_terminals (PortholeConfig *self)
{
  return self->settings->max_terminals;
}

guint
porthole_config_get_header_timeout (PortholeConfig *self)
{
  return self->settings->header_timeout;
}

guint
porthole_config_get_body_timeout (PortholeConfig *self)
{
  return self->settings->body_timeout;
}

/**
 * porthole_config_get_body_min_rate:
 *
 * Returns: bytes per second a request body must keep up on average
 *   once the body timeout has passed (each such many bytes buy one more
 *   second); 0 makes the body timeout a plain total
 */
guint
porthole_config_get_body_min_rate (PortholeConfig *self)
{
  return self->settings->body_min_rate;
}

guint
porthole_config_get_idle_timeout (PortholeConfig *self)
{
  return self->settings->idle_timeout;
}

gsize
porthole_config_get_max_body_size (PortholeConfig *self)
{
  return self->settings->max_body_size;
}

/**
 * porthole_config_get_execute_max_body_size:
 *
 * Returns: the largest body of the code-execution routes (`/execute*`),
 *   which carry whole programs: their own limit, not max-body-size
 */
gsize
porthole_config_get_execute_max_body_size (PortholeConfig *self)
{
  return MIN (self->settings->execute_max_body_size, G_MAXSIZE);
}

/**
 * porthole_config_get_max_json_depth:
 *
 * Returns: how deeply arrays and objects may nest in JSON from clients
 */
guint
porthole_config_get_max_json_depth (PortholeConfig *self)
{
  return self->settings->max_json_depth;
}

gsize
porthole_config_get_ws_max_message_size (PortholeConfig *self)
{
  return self->settings->ws_max_message_size;
}

guint
porthole_config_get_ws_frame_interval_ms (PortholeConfig *self)
{
  return self->settings->ws_frame_interval_ms;
}

guint
porthole_config_get_ws_keepalive_interval (PortholeConfig *self)
{
  return self->settings->ws_keepalive_interval;
}

gboolean
porthole_config_get_ws_output_mirror (PortholeConfig *self)
{
  return self->settings->ws_output_mirror;
}

/**
 * porthole_config_get_files_allowed_roots:
 *
 * Returns: canonical absolute directories the file API may touch
 *   (default `/`)
 */
const char *const *
porthole_config_get_files_allowed_roots (PortholeConfig *self)
{
  return (const char *const *) self->settings->files_allowed_roots;
}

/**
 * porthole_config_get_files_deny:
 *
 * Returns: canonical absolute paths refused by the file API, besides
 *   porthole_config_dup_private_files()
 */
const char *const *
porthole_config_get_files_deny (PortholeConfig *self)
{
  return (const char *const *) self->settings->files_deny;
}

guint64
porthole_config_get_files_max_read_size (PortholeConfig *self)
{
  return self->settings->files_max_read_size;
}

guint64
porthole_config_get_files_max_write_size (PortholeConfig *self)
{
  return self->settings->files_max_write_size;
}

guint64
porthole_config_get_files_max_upload_size (PortholeConfig *self)
{
  return self->settings->files_max_upload_size;
}

/**
 * porthole_config_get_update_enabled:
 *
 * Returns: whether the update routes may replace the daemon (off by default:
 *   every route then answers 503 FEATURE_DISABLED)
 */
gboolean
porthole_config_get_update_enabled (PortholeConfig *self)
{
  return self->settings->update_enabled;
}

/**
 * porthole_config_get_update_self_path:
 *
 * Returns: (nullable): the binary an update replaces and a restart runs;
 *   %NULL for the running one
 */
const char *
porthole_config_get_update_self_path (PortholeConfig *self)
{
  return self->settings->update_self_path;
}

gsize
porthole_config_get_update_max_size (PortholeConfig *self)
{
  return self->settings->update_max_size;
}

guint
porthole_config_get_update_max_backups (PortholeConfig *self)
{
  return self->settings->update_max_backups;
}

guint
porthole_config_get_mcp_max_sessions (PortholeConfig *self)
{
  return self->settings->mcp_max_sessions;
}

guint
porthole_config_get_mcp_session_idle_timeout (PortholeConfig *self)
{
  return self->settings->mcp_session_idle_timeout;
}

guint
porthole_config_get_mcp_screenshot_max_side (PortholeConfig *self)
{
  return self->settings->mcp_screenshot_max_side;
}

/**
 * porthole_config_get_mcp_allowed_hosts:
 *
 * Returns: (nullable): host names /mcp answers to besides loopback
 *   names and addresses
 */
const char *const *
porthole_config_get_mcp_allowed_hosts (PortholeConfig *self)
{
  return (const char *const *) self->settings->mcp_allowed_hosts;
}

/**
 * porthole_config_get_mcp_authorization_servers:
 *
 * Returns: (nullable): OAuth authorization servers whose tokens portholed
 *   accepts, for MCP clients' discovery (RFC 9728)
 */
const char *const *
porthole_config_get_mcp_authorization_servers (PortholeConfig *self)
{
  return (const char *const *) self->settings->mcp_authorization_servers;
}

/**
 * porthole_config_get_recordings_dir:
 *
 * Returns: where recordings go when the client names no file
 */
const char *
porthole_config_get_recordings_dir (PortholeConfig *self)
{
  return self->settings->recordings_dir;
}

/**
 * porthole_config_get_recording_max_duration:
 *
 * Returns: seconds a recording may last; a longer max_duration is cut
 *   to this, and a recording without one stops here
 */
guint
porthole_config_get_recording_max_duration (PortholeConfig *self)
{
  return self->settings->recording_max_duration;
}

/**
 * porthole_config_get_recording_max_size:
 *
 * Returns: bytes; a recording stops once its file reaches this size
 */
guint64
porthole_config_get_recording_max_size (PortholeConfig *self)
{
  return self->settings->recording_max_size;
}

guint
porthole_config_get_recording_max_concurrent (PortholeConfig *self)
{
  return self->settings->recording_max_concurrent;
}

/**
 * porthole_config_get_recording_max_kept:
 *
 * Returns: how many ended recordings stay listed (and their files kept,
 *   in the recordings directory)
 */
guint
porthole_config_get_recording_max_kept (PortholeConfig *self)
{
  return self->settings->recording_max_kept;
}

/**
 * porthole_config_dup_private_files:
 *
 * Returns: (transfer full): absolute paths of the configuration and
 *   secret files in use
 */
GStrv
porthole_config_dup_private_files (PortholeConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *files[] = {
    self->path,
    self->settings->jwt_secret_file,
    self->settings->jwt_public_key_file,
    self->settings->api_key_file,
    self->settings->tls_key,
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      if (files[i] != NULL)
        {
          g_autofree char *abs = g_canonicalize_filename (files[i], NULL);

          g_strv_builder_add (builder, abs);
        }
    }

  return g_strv_builder_end (builder);
}
