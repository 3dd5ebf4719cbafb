/* porthole-connection-info.c
 *
 *   porthole://HOST[:PORT][/PATH][?token=JWT][&name=NAME][&tls=1]
 *
 * stands for the agent at http://HOST:PORT/PATH (https with tls=1; the
 * port defaults to the agent's 7777). A connection file is a key file:
 *
 *   [Porthole Connection]
 *   URL=http://127.0.0.1:7777
 *   Token=eyJ…
 *   Name=CI runner 3
 *
 * or a file holding one such URI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-connection-info.h"
#include "porthole-error.h"
#include "porthole-protocol.h"

struct _PortholeConnectionInfo
{
  GObject parent_instance;

  char *url;
  char *token;
  char *name;
};

G_DEFINE_FINAL_TYPE (PortholeConnectionInfo, porthole_connection_info, G_TYPE_OBJECT)

static void
porthole_connection_info_finalize (GObject *object)
{
  PortholeConnectionInfo *self = (PortholeConnectionInfo *)object;

  g_free (self->url);
  g_free (self->token);
  g_free (self->name);

  G_OBJECT_CLASS (porthole_connection_info_parent_class)->finalize (object);
}

static void
porthole_connection_info_class_init (PortholeConnectionInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_connection_info_finalize;
}

static void
porthole_connection_info_init (PortholeConnectionInfo *self)
{
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_INVALID_REQUEST, message);
  return FALSE;
}

/**
 * porthole_normalize_agent_url:
 * @url: what a user typed
 *
 * Checks that @url is an http or https URL of a host with nothing a
 * route could not follow (no user, query or fragment), and drops
 * trailing slashes.
 *
 * Returns: (transfer full): the URL, or %NULL with @error set
 */
char *
porthole_normalize_agent_url (const char  *url,
                              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;
  const char *scheme;
  gsize len;

  g_return_val_if_fail (url != NULL, NULL);

  text = g_strstrip (g_strdup (url));
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      invalid (error, "Not a URL");
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      invalid (error, "The agent URL must start with http:// or https://");
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      invalid (error, "The agent URL has no host");
      return NULL;
    }
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      invalid (error, "The agent URL must not carry a user name, a query or a fragment");
      return NULL;
    }

  len = strlen (text);
  while (len > 0 && text[len - 1] == '/')
    text[--len] = '\0';

  return g_steal_pointer (&text);
}

static char *
default_name (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL)
    return g_strdup (url);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));

  return g_strdup (g_uri_get_host (uri));
}

/**
 * porthole_connection_info_new:
 * @url: the agent's URL (http or https)
 * @token: (nullable): its token
 * @name: (nullable): a name for people; the host by default
 *
 * Returns: (transfer full): the connection, or %NULL if @url is not an
 *   agent URL
 */
PortholeConnectionInfo *
porthole_connection_info_new (const char  *url,
                              const char  *token,
                              const char  *name,
                              GError     **error)
{
  g_autofree char *normalized = NULL;
  g_autofree char *stripped = name ? g_strstrip (g_strdup (name)) : NULL;
  PortholeConnectionInfo *self;

  g_return_val_if_fail (url != NULL, NULL);

  if (!(normalized = porthole_normalize_agent_url (url, error)))
    return NULL;

  self = g_object_new (PORTHOLE_TYPE_CONNECTION_INFO, NULL);
  self->url = g_steal_pointer (&normalized);
  porthole_connection_info_set_token (self, token);
  if (stripped != NULL && *stripped != '\0')
    self->name = g_steal_pointer (&stripped);
  else
    self->name = default_name (self->url);

  return self;
}

/**
 * porthole_connection_info_new_from_uri:
 * @uri: a porthole:// URI, or an agent's http(s) URL
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
PortholeConnectionInfo *
porthole_connection_info_new_from_uri (const char  *uri,
                                       GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  const char *query;
  const char *path;
  gboolean tls;
  int port;

  g_return_val_if_fail (uri != NULL, NULL);

  text = g_strstrip (g_strdup (uri));
  if (g_ascii_strncasecmp (text, "http://", 7) == 0 || g_ascii_strncasecmp (text, "https://", 8) == 0)
    return porthole_connection_info_new (text, NULL, NULL, error);

  parsed = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (parsed == NULL || g_ascii_strcasecmp (g_uri_get_scheme (parsed), PORTHOLE_URI_SCHEME) != 0)
    {
      invalid (error, "Not a porthole:// URI or an agent URL");
      return NULL;
    }
  if (g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      invalid (error, "The porthole:// URI has no host");
      return NULL;
    }

  query = g_uri_get_query (parsed);
  if (query != NULL)
    {
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
      if (params == NULL)
        {
          invalid (error, "The porthole:// URI has a malformed query");
          return NULL;
        }
    }

  tls = params != NULL && g_strcmp0 (g_hash_table_lookup (params, "tls"), "1") == 0;
  port = g_uri_get_port (parsed) > 0 ? g_uri_get_port (parsed) : PORTHOLE_DEFAULT_PORT;
  path = g_uri_get_path (parsed);
  /* An IPv6 literal needs its brackets back in the URL. */
  url = g_strdup_printf ("%s://%s%s%s:%d%s", tls ? "https" : "http",
                         strchr (g_uri_get_host (parsed), ':') ? "[" : "", g_uri_get_host (parsed),
                         strchr (g_uri_get_host (parsed), ':') ? "]" : "", port, path ? path : "");

  return porthole_connection_info_new (url,
                                       params ? g_hash_table_lookup (params, "token") : NULL,
                                       params ? g_hash_table_lookup (params, "name") : NULL,
                                       error);
}

/**
 * porthole_connection_info_new_from_data:
 * @data: the contents of a connection file (or of a drop)
 *
 * Reads a connection key file, or a porthole:// URI or agent URL on the
 * first line.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
PortholeConnectionInfo *
porthole_connection_info_new_from_data (const char  *data,
                                        gsize        length,
                                        GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *text = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *name = NULL;
  char *newline;

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_utf8_validate_len (data, length, NULL))
    {
      invalid (error, "The connection is not text");
      return NULL;
    }

  text = g_strndup (data, length);
  if (!g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, NULL) ||
      !g_key_file_has_group (keyfile, PORTHOLE_CONNECTION_GROUP))
    {
      /* Not a key file: a URI, as text/uri-list or plain text gives it
       * (comments start with '#'). */
      char *line = g_strstrip (text);

      while (*line == '#' && (newline = strchr (line, '\n')) != NULL)
        line = g_strstrip (newline + 1);
      if ((newline = strpbrk (line, "\r\n")) != NULL)
        *newline = '\0';

      return porthole_connection_info_new_from_uri (line, error);
    }

  url = g_key_file_get_string (keyfile, PORTHOLE_CONNECTION_GROUP, "URL", NULL);
  if (url == NULL)
    {
      invalid (error, "The connection file has no URL");
      return NULL;
    }
  token = g_key_file_get_string (keyfile, PORTHOLE_CONNECTION_GROUP, "Token", NULL);
  name = g_key_file_get_string (keyfile, PORTHOLE_CONNECTION_GROUP, "Name", NULL);

  return porthole_connection_info_new (url, token, name, error);
}

const char *
porthole_connection_info_get_url (PortholeConnectionInfo *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (self), NULL);

  return self->url;
}

/**
 * porthole_connection_info_get_token:
 *
 * Returns: (nullable): the token, if the connection carried one
 */
const char *
porthole_connection_info_get_token (PortholeConnectionInfo *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (self), NULL);

  return self->token;
}

void
porthole_connection_info_set_token (PortholeConnectionInfo *self,
                                    const char             *token)
{
  g_autofree char *stripped = token ? g_strstrip (g_strdup (token)) : NULL;

  g_return_if_fail (PORTHOLE_IS_CONNECTION_INFO (self));

  g_free (self->token);
  self->token = stripped != NULL && *stripped != '\0' ? g_steal_pointer (&stripped) : NULL;
}

const char *
porthole_connection_info_get_name (PortholeConnectionInfo *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (self), NULL);

  return self->name;
}

/**
 * porthole_connection_info_to_uri:
 * @with_token: include the token (a secret: only for hand-over)
 *
 * Returns: (transfer full): the porthole:// URI of this connection
 */
char *
porthole_connection_info_to_uri (PortholeConnectionInfo *self,
                                 gboolean                with_token)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *name = NULL;
  gboolean tls;
  int port;

  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (self), NULL);

  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  tls = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : (tls ? 443 : 80);

  name = g_uri_escape_string (self->name, NULL, FALSE);
  g_string_append_printf (query, "name=%s", name);
  if (tls)
    g_string_append (query, "&tls=1");
  if (with_token && self->token != NULL)
    {
      g_autofree char *token = g_uri_escape_string (self->token, NULL, FALSE);

      g_string_append_printf (query, "&token=%s", token);
    }

  return g_uri_join (G_URI_FLAGS_ENCODED_QUERY, PORTHOLE_URI_SCHEME, NULL, g_uri_get_host (uri), port,
                     g_uri_get_path (uri), query->str, NULL);
}

/**
 * porthole_connection_info_to_data:
 *
 * Returns: (transfer full): a connection file for this connection, token
 *   included
 */
char *
porthole_connection_info_to_data (PortholeConnectionInfo *self)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (self), NULL);

  g_key_file_set_string (keyfile, PORTHOLE_CONNECTION_GROUP, "URL", self->url);
  g_key_file_set_string (keyfile, PORTHOLE_CONNECTION_GROUP, "Name", self->name);
  if (self->token != NULL)
    g_key_file_set_string (keyfile, PORTHOLE_CONNECTION_GROUP, "Token", self->token);

  return g_key_file_to_data (keyfile, NULL, NULL);
}
