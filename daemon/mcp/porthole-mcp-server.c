/* porthole-mcp-server.c
 *
 * One endpoint, two eras, decided per request (basic/versioning
 * §Backward Compatibility):
 *  - a request whose `_meta` names its protocol version is 2026-07-28:
 *    stateless, checked against its MCP-Protocol-Version, Mcp-Method and
 *    Mcp-Name headers, answered with `resultType`;
 *  - anything else is a legacy revision (2025-11-25 back to 2024-11-05):
 *    `initialize` opens a session (MCP-Session-Id), every later request
 *    names it (400 without, 404 when unknown), GET opens the session's
 *    stream (resumable with Last-Event-ID), DELETE ends it.
 *
 * The token is checked before any of this, like on every route (the
 * early handler); Origin and Host are checked here, against DNS
 * rebinding (transports §Security Warning).
 *
 * Sessions are bounded in number (an idle one is evicted for a new one)
 * and in idle time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-auth.h"
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-http-server.h"
#include "porthole-json.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-exchange.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-schema.h"
#include "porthole-mcp-server.h"
#include "porthole-mcp-session.h"
#include "porthole-mcp-tools.h"
#include "porthole-plugin.h"
#include "porthole-request.h"
#include "porthole-version.h"

#define HEADER_SESSION_ID       "MCP-Session-Id"
#define HEADER_PROTOCOL_VERSION "MCP-Protocol-Version"
#define HEADER_METHOD           "Mcp-Method"
#define HEADER_NAME             "Mcp-Name"
#define HEADER_LAST_EVENT_ID    "Last-Event-ID"

#define EXPIRY_CHECK_SECONDS 30

#define INSTRUCTIONS \
  "portholed runs in a sandbox with an X11 desktop. Coordinates: every coordinate a tool takes or " \
  "returns is in the space of the screenshot tool's image (the screen scaled so that its longer side " \
  "is at most screen_size's max_side), unless the call sets screen_coordinates. Action tools can wait " \
  "for the screen to settle and return a screenshot, and say whether the screen changed."

struct _PortholeMcpServer
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  PortholeMcpRegistry *registry;
  GHashTable *sessions;          /* id -> PortholeMcpSession */
  GPtrArray *listens;            /* subscriptions/listen calls */
  guint expiry_id;
  gulong stopping_id;
  guint stopped : 1;
};

enum {
  SUBSCRIPTIONS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeMcpServer, porthole_mcp_server, G_TYPE_OBJECT)

static PortholeConfig *
get_config (PortholeMcpServer *self)
{
  return porthole_daemon_get_config (self->daemon);
}

/* Sessions */

static void
remove_session (PortholeMcpServer  *self,
                PortholeMcpSession *session)
{
  g_autoptr(PortholeMcpSession) hold = g_object_ref (session);

  g_hash_table_remove (self->sessions, porthole_mcp_session_get_id (session));
  porthole_mcp_session_close (session);
  g_signal_emit (self, signals[SUBSCRIPTIONS_CHANGED], 0);
}

static gboolean
expire_sessions_cb (gpointer user_data)
{
  PortholeMcpServer *self = user_data;
  gint64 limit = (gint64) porthole_config_get_mcp_session_idle_timeout (get_config (self)) * G_USEC_PER_SEC;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!porthole_mcp_session_is_busy (value) && now - porthole_mcp_session_get_last_active (value) > limit)
      g_ptr_array_add (expired, g_object_ref (value));

  for (guint i = 0; i < expired->len; i++)
    {
      g_debug ("MCP session %s expired", porthole_mcp_session_get_id (g_ptr_array_index (expired, i)));
      remove_session (self, g_ptr_array_index (expired, i));
    }

  return G_SOURCE_CONTINUE;
}

/* Room for one more session: the least recently active idle one makes
 * way if the limit is reached. */
static gboolean
make_room (PortholeMcpServer *self)
{
  PortholeMcpSession *oldest = NULL;
  GHashTableIter iter;
  gpointer value;

  if (g_hash_table_size (self->sessions) < porthole_config_get_mcp_max_sessions (get_config (self)))
    return TRUE;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!porthole_mcp_session_is_busy (value) &&
        (oldest == NULL || porthole_mcp_session_get_last_active (value) < porthole_mcp_session_get_last_active (oldest)))
      oldest = value;

  if (oldest == NULL)
    return FALSE;

  g_debug ("MCP session %s evicted for a new one", porthole_mcp_session_get_id (oldest));
  remove_session (self, oldest);
  return TRUE;
}

/* GObject */

static void
on_stopping (PortholeMcpServer *self)
{
  porthole_mcp_server_stop (self);
}

static void
porthole_mcp_server_dispose (GObject *object)
{
  PortholeMcpServer *self = (PortholeMcpServer *)object;

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  if (self->daemon != NULL)
    g_clear_signal_handler (&self->stopping_id, self->daemon);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->listens, g_ptr_array_unref);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (porthole_mcp_server_parent_class)->dispose (object);
}

static void
porthole_mcp_server_class_init (PortholeMcpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_mcp_server_dispose;

  /**
   * PortholeMcpServer::subscriptions-changed:
   *
   * A client subscribed to a resource or stopped watching: for resources
   * that watch something only while someone listens.
   */
  signals[SUBSCRIPTIONS_CHANGED] =
    g_signal_new ("subscriptions-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_mcp_server_init (PortholeMcpServer *self)
{
  self->registry = porthole_mcp_registry_new ();
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->listens = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
load_fixtures (PortholeMcpServer *self)
{
  const PortholeMcpFixturesPlugin *plugin;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (g_getenv (PORTHOLE_MCP_FIXTURES_ENV), "1") != 0)
    return;

  plugin = porthole_plugin_load (PORTHOLE_PLUGIN_MCP_FIXTURES, &error);
  if (plugin == NULL)
    {
      g_warning ("%s is set, but the MCP test fixtures cannot be loaded: %s",
                 PORTHOLE_MCP_FIXTURES_ENV, error->message);
      return;
    }

  g_message ("Serving the MCP conformance test fixtures (%s=1)", PORTHOLE_MCP_FIXTURES_ENV);
  plugin->register_fixtures (self->registry, self);
}

/**
 * porthole_mcp_server_new:
 * @daemon: (transfer none): the daemon, which outlives the server
 */
PortholeMcpServer *
porthole_mcp_server_new (PortholeDaemon *daemon)
{
  PortholeMcpServer *self = g_object_new (PORTHOLE_TYPE_MCP_SERVER, NULL);
  guint idle_timeout;

  self->daemon = daemon;
  self->stopping_id = g_signal_connect_swapped (daemon, "stopping", G_CALLBACK (on_stopping), self);
  /* Often enough that a short idle timeout is kept to within a second. */
  idle_timeout = porthole_config_get_mcp_session_idle_timeout (porthole_daemon_get_config (daemon));
  self->expiry_id = g_timeout_add_seconds (CLAMP (idle_timeout, 1, EXPIRY_CHECK_SECONDS), expire_sessions_cb, self);

  porthole_mcp_system_tools_register (self->registry, self);
  porthole_mcp_code_tools_register (self->registry, self);
  porthole_mcp_file_tools_register (self->registry, self);
#if HAVE_DESKTOP
  porthole_mcp_desktop_tools_register (self->registry, self);
#endif
  load_fixtures (self);

  return self;
}

PortholeDaemon *
porthole_mcp_server_get_daemon (PortholeMcpServer *self)
{
  return self->daemon;
}

/**
 * porthole_mcp_server_get_registry:
 *
 * Returns: (transfer none)
 */
PortholeMcpRegistry *
porthole_mcp_server_get_registry (PortholeMcpServer *self)
{
  return self->registry;
}

/**
 * porthole_mcp_server_dup_info:
 *
 * Returns: (transfer full): the server's Implementation object
 */
JsonObject *
porthole_mcp_server_dup_info (PortholeMcpServer *self)
{
  JsonObject *info = json_object_new ();

  json_object_set_string_member (info, "name", "portholed");
  json_object_set_string_member (info, "title", "Porthole");
  json_object_set_string_member (info, "version", porthole_version_get ());
  return info;
}

guint
porthole_mcp_server_get_n_sessions (PortholeMcpServer *self)
{
  return g_hash_table_size (self->sessions);
}

static JsonObject *
new_capabilities (void)
{
  JsonObject *capabilities = json_object_new ();
  JsonObject *tools = json_object_new ();
  JsonObject *resources = json_object_new ();
  JsonObject *prompts = json_object_new ();

  json_object_set_boolean_member (tools, "listChanged", FALSE);
  json_object_set_boolean_member (resources, "subscribe", TRUE);
  json_object_set_boolean_member (resources, "listChanged", FALSE);
  json_object_set_boolean_member (prompts, "listChanged", FALSE);
  json_object_set_object_member (capabilities, "tools", tools);
  json_object_set_object_member (capabilities, "resources", resources);
  json_object_set_object_member (capabilities, "prompts", prompts);
  json_object_set_object_member (capabilities, "logging", json_object_new ());
  json_object_set_object_member (capabilities, "completions", json_object_new ());

  return capabilities;
}

/* Transport-level answers */

static void
reply_rpc_error (PortholeRequest *req,
                 guint            status,
                 JsonNode        *id,
                 int              code,
                 JsonNode        *data,
                 const char      *format,
                 ...) G_GNUC_PRINTF (6, 7);

/* A JSON-RPC error body (with no id when none could be read), as the
 * transports section has transport refusals answered. */
static void
reply_rpc_error (PortholeRequest *req,
                 guint            status,
                 JsonNode        *id,
                 int              code,
                 JsonNode        *data,
                 const char      *format,
                 ...)
{
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  message = porthole_mcp_message_new_error (id, code, text, data);
  bytes = porthole_json_object_to_bytes (message);
  porthole_request_reply_bytes (req, status, "application/json", bytes);
}

static void
reply_empty (PortholeRequest *req,
             guint            status)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  porthole_request_reply_bytes (req, status, NULL, empty);
}

/* The host part of a Host header or an origin's authority, lower case
 * and without the port; IPv6 literals keep their brackets. */
static char *
authority_host (const char *authority)
{
  const char *end;

  if (authority == NULL)
    return NULL;

  if (authority[0] == '[')
    {
      end = strchr (authority, ']');
      return end ? g_ascii_strdown (authority, end - authority + 1) : NULL;
    }

  end = strchr (authority, ':');
  return g_ascii_strdown (authority, end ? end - authority : -1);
}

static gboolean
host_is_local (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (g_str_equal (host, "localhost") || g_str_has_suffix (host, ".localhost"))
    return TRUE;

  bare = host[0] == '[' ? g_strndup (host + 1, strlen (host) - 2) : g_strdup (host);
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
host_is_ip_literal (const char *host)
{
  g_autofree char *bare = host[0] == '[' ? g_strndup (host + 1, strlen (host) - 2) : g_strdup (host);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (bare);

  return address != NULL;
}

/* DNS rebinding (transports §Security Warning): a page of another site
 * that got its name to resolve to us sends its own name in Host (and
 * Origin). Names configured in mcp-allowed-hosts pass; so do loopback
 * names and addresses, and addresses, which no DNS answer changes.
 * Without that setting, another name passes only when a token is
 * required: the token is what such a page cannot have. */
static gboolean
host_allowed (PortholeMcpServer *self,
              const char        *host)
{
  const char *const *allowed = porthole_config_get_mcp_allowed_hosts (get_config (self));

  if (host == NULL || *host == '\0')
    return FALSE;

  if (host_is_local (host) || host_is_ip_literal (host))
    return TRUE;

  if (allowed != NULL && allowed[0] != NULL)
    {
      for (guint i = 0; allowed[i]; i++)
        if (g_ascii_strcasecmp (allowed[i], host) == 0 || g_str_equal (allowed[i], "*"))
          return TRUE;
      return FALSE;
    }

  return !porthole_auth_is_insecure (porthole_daemon_get_auth (self->daemon));
}

static gboolean
check_origin (PortholeMcpServer *self,
              PortholeRequest   *req)
{
  SoupServerMessage *msg = porthole_request_get_message (req);
  const char *origin = porthole_request_get_header (req, "Origin");
  g_autofree char *host = authority_host (porthole_request_get_header (req, "Host"));

  if (!host_allowed (self, host))
    {
      reply_rpc_error (req, SOUP_STATUS_FORBIDDEN, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Forbidden: Host %s is not allowed (mcp-allowed-hosts)", host ? host : "(none)");
      return FALSE;
    }

  if (origin != NULL && !porthole_http_server_origin_allowed (msg))
    {
      reply_rpc_error (req, SOUP_STATUS_FORBIDDEN, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Forbidden: Origin %s is not allowed", origin);
      return FALSE;
    }

  return TRUE;
}

/* Accept: what the client takes. No header takes anything. */
static void
parse_accept (PortholeRequest *req,
              gboolean        *json,
              gboolean        *sse)
{
  const char *accept = porthole_request_get_header (req, "Accept");
  g_auto(GStrv) types = NULL;

  *json = *sse = accept == NULL;
  if (accept == NULL)
    return;

  types = g_strsplit (accept, ",", -1);
  for (guint i = 0; types[i]; i++)
    {
      g_autofree char *type = g_strstrip (g_strdup (types[i]));
      char *params = strchr (type, ';');

      if (params != NULL)
        *params = '\0';
      g_strstrip (type);
      if (g_ascii_strcasecmp (type, "*/*") == 0)
        *json = *sse = TRUE;
      else if (g_ascii_strcasecmp (type, "application/json") == 0 || g_ascii_strcasecmp (type, "application/*") == 0)
        *json = TRUE;
      else if (g_ascii_strcasecmp (type, "text/event-stream") == 0 || g_ascii_strcasecmp (type, "text/*") == 0)
        *sse = TRUE;
    }
}

/* Methods */

typedef void (*MethodFunc) (PortholeMcpServer *self,
                            PortholeMcpCall   *call);

static void
handle_initialize (PortholeMcpServer *self,
                   PortholeMcpCall   *call)
{
  /* The session was made before the call (it answers with its id). */
  JsonObject *params = porthole_mcp_call_get_params (call);
  g_autoptr(JsonObject) result = json_object_new ();
  const char *requested = porthole_json_object_get_string (params, "protocolVersion");

  if (requested == NULL)
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL,
                                      "initialize: protocolVersion is required");
      return;
    }

  json_object_set_string_member (result, "protocolVersion", porthole_mcp_call_get_version (call));
  json_object_set_object_member (result, "capabilities", new_capabilities ());
  json_object_set_object_member (result, "serverInfo", porthole_mcp_server_dup_info (self));
  json_object_set_string_member (result, "instructions", INSTRUCTIONS);
  porthole_mcp_call_return_result (call, result);
}

static void
handle_ping (PortholeMcpServer *self,
             PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();

  porthole_mcp_call_return_result (call, result);
}

static void
handle_discover (PortholeMcpServer *self,
                 PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();

  json_object_set_array_member (result, "supportedVersions", porthole_mcp_dup_supported_versions ());
  json_object_set_object_member (result, "capabilities", new_capabilities ());
  json_object_set_string_member (result, "instructions", INSTRUCTIONS);
  porthole_mcp_call_return_result (call, result);
}

static void
handle_tools_list (PortholeMcpServer *self,
                   PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();

  json_object_set_array_member (result, "tools", porthole_mcp_registry_list_tools (self->registry));
  porthole_mcp_call_return_result (call, result);
}

static void
handle_tools_call (PortholeMcpServer *self,
                   PortholeMcpCall   *call)
{
  JsonObject *params = porthole_mcp_call_get_params (call);
  const char *name = porthole_json_object_get_string (params, "name");
  JsonNode *arguments = json_object_get_member (params, "arguments");
  g_autoptr(JsonNode) empty = NULL;
  g_autoptr(GError) error = NULL;
  PortholeMcpToolFunc func;
  gpointer user_data;
  JsonObject *definition, *schema;

  definition = porthole_mcp_registry_lookup_tool (self->registry, name, &func, &user_data);
  if (definition == NULL)
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL, "Unknown tool: %s",
                                      name ? name : "(no name)");
      return;
    }

  if (arguments == NULL || JSON_NODE_HOLDS_NULL (arguments))
    {
      g_autoptr(JsonObject) none = json_object_new ();

      arguments = empty = json_node_init_object (json_node_alloc (), none);
    }
  if (!JSON_NODE_HOLDS_OBJECT (arguments))
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL, "arguments must be an object");
      return;
    }

  /* Bad arguments are the model's to fix: a tool error it can read. */
  schema = porthole_json_object_get_object (definition, "inputSchema");
  if (schema != NULL && !porthole_mcp_schema_validate (schema, arguments, "arguments", &error))
    {
      g_prefix_error (&error, "Invalid arguments for %s: ", name);
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  func (call, json_node_get_object (arguments), user_data);
}

static void
handle_resources_list (PortholeMcpServer *self,
                       PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonArray *resources = json_array_new ();

  porthole_mcp_registry_list_resources (self->registry, call, resources);
  json_object_set_array_member (result, "resources", resources);
  porthole_mcp_call_return_result (call, result);
}

static void
handle_templates_list (PortholeMcpServer *self,
                       PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();

  json_object_set_array_member (result, "resourceTemplates", porthole_mcp_registry_list_templates (self->registry));
  porthole_mcp_call_return_result (call, result);
}

static void
return_not_found (PortholeMcpCall *call,
                  const char      *uri)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (data, "uri", uri ? uri : "");
  node = json_node_init_object (json_node_alloc (), data);
  /* -32002 until 2025-11-25, -32602 since (changelog 2026-07-28). */
  porthole_mcp_call_return_error (call, porthole_mcp_call_is_modern (call) ? PORTHOLE_MCP_INVALID_PARAMS
                                                                           : PORTHOLE_MCP_RESOURCE_NOT_FOUND,
                                  node, "Resource not found: %s", uri ? uri : "(no uri)");
}

static void
handle_resources_read (PortholeMcpServer *self,
                       PortholeMcpCall   *call)
{
  const char *uri = porthole_json_object_get_string (porthole_mcp_call_get_params (call), "uri");
  PortholeMcpReadFunc read;
  gpointer user_data;

  if (uri == NULL || !porthole_mcp_registry_lookup_resource (self->registry, uri, &read, &user_data))
    {
      return_not_found (call, uri);
      return;
    }

  read (call, uri, user_data);
}

static void
handle_subscribe (PortholeMcpServer *self,
                  PortholeMcpCall   *call)
{
  const char *uri = porthole_json_object_get_string (porthole_mcp_call_get_params (call), "uri");
  g_autoptr(JsonObject) result = json_object_new ();
  PortholeMcpReadFunc read;
  gpointer user_data;

  if (uri == NULL || !porthole_mcp_registry_lookup_resource (self->registry, uri, &read, &user_data))
    {
      return_not_found (call, uri);
      return;
    }

  if (g_str_equal (porthole_mcp_call_get_method (call), "resources/subscribe"))
    porthole_mcp_session_subscribe (porthole_mcp_call_get_session (call), uri);
  else
    porthole_mcp_session_unsubscribe (porthole_mcp_call_get_session (call), uri);
  g_signal_emit (self, signals[SUBSCRIPTIONS_CHANGED], 0);

  porthole_mcp_call_return_result (call, result);
}

static gboolean
forget_listen_cb (gpointer user_data)
{
  PortholeMcpCall *call = user_data;
  PortholeMcpServer *self = porthole_mcp_call_get_server (call);

  if (g_ptr_array_remove (self->listens, call))
    g_signal_emit (self, signals[SUBSCRIPTIONS_CHANGED], 0);

  return G_SOURCE_REMOVE;
}

/* Cancellable handlers run with its lock held: the listen is forgotten
 * from the loop. */
static void
on_listen_cancelled (GCancellable    *cancellable,
                     PortholeMcpCall *call)
{
  g_idle_add_full (G_PRIORITY_HIGH, forget_listen_cb, g_object_ref (call), g_object_unref);
}

static JsonObject *
listen_meta (PortholeMcpCall *call)
{
  JsonObject *meta = json_object_new ();

  json_object_set_member (meta, PORTHOLE_MCP_META_SUBSCRIPTION_ID, json_node_copy (porthole_mcp_call_get_id (call)));
  return meta;
}

/* subscriptions/listen (2026-07-28): a stream that stays open and
 * carries the notifications the client opted in to. Our lists never
 * change while we run, so list_changed ones are accepted and never
 * come; resource updates do. */
static void
handle_listen (PortholeMcpServer *self,
               PortholeMcpCall   *call)
{
  JsonObject *filter = porthole_json_object_get_object (porthole_mcp_call_get_params (call), "notifications");
  g_autoptr(JsonObject) params = json_object_new ();
  JsonObject *agreed = json_object_new ();
  static const char *const flags[] = { "toolsListChanged", "promptsListChanged", "resourcesListChanged" };
  JsonNode *uris;

  for (guint i = 0; filter != NULL && i < G_N_ELEMENTS (flags); i++)
    if (json_object_has_member (filter, flags[i]))
      json_object_set_member (agreed, flags[i], json_node_copy (json_object_get_member (filter, flags[i])));
  uris = filter ? json_object_get_member (filter, "resourceSubscriptions") : NULL;
  if (uris != NULL && JSON_NODE_HOLDS_ARRAY (uris))
    json_object_set_member (agreed, "resourceSubscriptions", json_node_copy (uris));

  json_object_set_object_member (params, "_meta", listen_meta (call));
  json_object_set_object_member (params, "notifications", agreed);
  if (!porthole_mcp_call_notify (call, "notifications/subscriptions/acknowledged", params))
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_REQUEST, NULL,
                                      "subscriptions/listen answers with an event stream: accept text/event-stream");
      return;
    }

  g_ptr_array_add (self->listens, g_object_ref (call));
  g_cancellable_connect (porthole_mcp_call_get_cancellable (call), G_CALLBACK (on_listen_cancelled),
                         call, NULL);
  g_signal_emit (self, signals[SUBSCRIPTIONS_CHANGED], 0);
}

static void
handle_prompts_list (PortholeMcpServer *self,
                     PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();

  json_object_set_array_member (result, "prompts", porthole_mcp_registry_list_prompts (self->registry));
  porthole_mcp_call_return_result (call, result);
}

static void
handle_prompts_get (PortholeMcpServer *self,
                    PortholeMcpCall   *call)
{
  JsonObject *params = porthole_mcp_call_get_params (call);
  const char *name = porthole_json_object_get_string (params, "name");
  JsonObject *arguments = porthole_json_object_get_object (params, "arguments");
  g_autoptr(JsonObject) empty = json_object_new ();
  PortholeMcpPromptFunc func;
  gpointer user_data;
  JsonObject *definition = porthole_mcp_registry_lookup_prompt (self->registry, name, &func, &user_data);
  JsonNode *declared;

  if (definition == NULL)
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL, "Unknown prompt: %s",
                                      name ? name : "(no name)");
      return;
    }

  if (arguments == NULL)
    arguments = empty;

  declared = json_object_get_member (definition, "arguments");
  if (declared != NULL && JSON_NODE_HOLDS_ARRAY (declared))
    {
      JsonArray *list = json_node_get_array (declared);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *argument = json_array_get_object_element (list, i);
          const char *argument_name = porthole_json_object_get_string (argument, "name");

          if (argument_name != NULL && json_object_get_boolean_member_with_default (argument, "required", FALSE) &&
              !json_object_has_member (arguments, argument_name))
            {
              porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL,
                                              "Missing required argument %s of prompt %s", argument_name, name);
              return;
            }
        }
    }

  func (call, arguments, user_data);
}

static void
handle_set_level (PortholeMcpServer *self,
                  PortholeMcpCall   *call)
{
  const char *level = porthole_json_object_get_string (porthole_mcp_call_get_params (call), "level");
  int value = porthole_mcp_log_level_from_string (level);
  g_autoptr(JsonObject) result = json_object_new ();

  if (value < 0)
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL, "Invalid log level: %s",
                                      level ? level : "(none)");
      return;
    }

  porthole_mcp_session_set_log_level (porthole_mcp_call_get_session (call), value);
  porthole_mcp_call_return_result (call, result);
}

/* No argument has values worth suggesting yet: an empty list is a
 * valid answer (server/utilities/completion). */
static void
handle_complete (PortholeMcpServer *self,
                 PortholeMcpCall   *call)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonObject *completion = json_object_new ();

  json_object_set_array_member (completion, "values", json_array_new ());
  json_object_set_int_member (completion, "total", 0);
  json_object_set_boolean_member (completion, "hasMore", FALSE);
  json_object_set_object_member (result, "completion", completion);
  porthole_mcp_call_return_result (call, result);
}

typedef enum
{
  ERA_LEGACY = 1 << 0,
  ERA_MODERN = 1 << 1,
  ERA_BOTH   = ERA_LEGACY | ERA_MODERN,
} Era;

static const struct
{
  const char *method;
  MethodFunc func;
  Era eras;
} methods[] = {
  { "initialize", handle_initialize, ERA_LEGACY },
  { "ping", handle_ping, ERA_LEGACY },
  { "server/discover", handle_discover, ERA_MODERN },
  { "tools/list", handle_tools_list, ERA_BOTH },
  { "tools/call", handle_tools_call, ERA_BOTH },
  { "resources/list", handle_resources_list, ERA_BOTH },
  { "resources/templates/list", handle_templates_list, ERA_BOTH },
  { "resources/read", handle_resources_read, ERA_BOTH },
  { "resources/subscribe", handle_subscribe, ERA_LEGACY },
  { "resources/unsubscribe", handle_subscribe, ERA_LEGACY },
  { "subscriptions/listen", handle_listen, ERA_MODERN },
  { "prompts/list", handle_prompts_list, ERA_BOTH },
  { "prompts/get", handle_prompts_get, ERA_BOTH },
  { "logging/setLevel", handle_set_level, ERA_LEGACY },
  { "completion/complete", handle_complete, ERA_BOTH },
};

static void
dispatch (PortholeMcpServer *self,
          PortholeMcpCall   *call)
{
  const char *method = porthole_mcp_call_get_method (call);
  Era era = porthole_mcp_call_is_modern (call) ? ERA_MODERN : ERA_LEGACY;

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (methods[i].method, method) && (methods[i].eras & era))
      {
        methods[i].func (self, call);
        return;
      }

  porthole_mcp_call_return_error (call, PORTHOLE_MCP_METHOD_NOT_FOUND, NULL, "Method not found: %s", method);
}

/* Requests and notifications */

static void
handle_notification (PortholeMcpServer  *self,
                     PortholeMcpSession *session,
                     JsonObject         *message)
{
  const char *method = porthole_json_object_get_string (message, "method");
  JsonObject *params = porthole_json_object_get_object (message, "params");

  if (g_str_equal (method, "notifications/cancelled") && session != NULL && params != NULL)
    {
      JsonNode *request_id = json_object_get_member (params, "requestId");
      PortholeMcpCall *call = request_id ? porthole_mcp_session_lookup_call (session, request_id) : NULL;

      /* Unknown or finished requests are ignored (cancellation §Error
       * Handling). */
      if (call != NULL)
        {
          g_autoptr(PortholeMcpCall) hold = g_object_ref (call);
          g_autofree char *key = porthole_mcp_id_to_key (request_id);

          g_debug ("MCP: the client cancelled request %s%s%s", key,
                   porthole_json_object_get_string (params, "reason") ? ": " : "",
                   porthole_json_object_get_string (params, "reason") ?: "");
          porthole_mcp_call_cancel (call);
        }
    }

  /* notifications/initialized, roots/list_changed and the rest need no
   * action. */
}

/* Mcp-Name values may come as "=?base64?…?=" (transports §Value
 * Encoding). */
static char *
decode_header_value (const char *value)
{
  gsize length;

  if (value != NULL && g_str_has_prefix (value, "=?base64?") && g_str_has_suffix (value, "?=") &&
      strlen (value) >= 11)
    {
      g_autofree char *inner = g_strndup (value + 9, strlen (value) - 11);
      g_autofree guchar *decoded = g_base64_decode (inner, &length);

      return g_strndup ((const char *) decoded, length);
    }

  return g_strdup (value);
}

/* 2026-07-28 §Server Validation: the headers must say what the body
 * says. */
static gboolean
check_modern_headers (PortholeRequest *req,
                      JsonObject      *message,
                      const char      *version)
{
  const char *method = porthole_json_object_get_string (message, "method");
  JsonObject *params = porthole_json_object_get_object (message, "params");
  const char *header_version = porthole_request_get_header (req, HEADER_PROTOCOL_VERSION);
  const char *header_method = porthole_request_get_header (req, HEADER_METHOD);
  g_autofree char *header_name = decode_header_value (porthole_request_get_header (req, HEADER_NAME));
  JsonNode *id = json_object_get_member (message, "id");
  const char *name = NULL;

  if (g_strcmp0 (header_version, version) != 0)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_HEADER_MISMATCH, NULL,
                       "Header mismatch: " HEADER_PROTOCOL_VERSION " %s, body %s",
                       header_version ? header_version : "(missing)", version);
      return FALSE;
    }

  if (g_strcmp0 (header_method, method) != 0)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_HEADER_MISMATCH, NULL,
                       "Header mismatch: " HEADER_METHOD " %s, body %s",
                       header_method ? header_method : "(missing)", method);
      return FALSE;
    }

  if (g_str_equal (method, "tools/call") || g_str_equal (method, "prompts/get"))
    name = params ? porthole_json_object_get_string (params, "name") : NULL;
  else if (g_str_equal (method, "resources/read"))
    name = params ? porthole_json_object_get_string (params, "uri") : NULL;
  else
    return TRUE;

  if (g_strcmp0 (header_name, name) != 0)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_HEADER_MISMATCH, NULL,
                       "Header mismatch: " HEADER_NAME " %s, body %s",
                       header_name ? header_name : "(missing)", name ? name : "(none)");
      return FALSE;
    }

  return TRUE;
}

static void
run_call (PortholeMcpServer   *self,
          PortholeMcpExchange *exchange,
          PortholeMcpSession  *session,
          const char          *version,
          JsonObject          *message)
{
  g_autoptr(PortholeMcpCall) call = porthole_mcp_call_new (self, exchange, session, version, message);

  dispatch (self, call);
}

/* A 2026-07-28 message: stateless, everything it needs is in it. */
static void
handle_modern (PortholeMcpServer      *self,
               PortholeRequest        *req,
               JsonObject             *message,
               PortholeMcpMessageKind  kind,
               gboolean                accepts_json,
               gboolean                accepts_sse)
{
  JsonObject *meta = porthole_json_object_get_object (porthole_json_object_get_object (message, "params"), "_meta");
  JsonNode *id = json_object_get_member (message, "id");
  const char *version = porthole_json_object_get_string (meta, PORTHOLE_MCP_META_PROTOCOL_VERSION);
  g_autoptr(PortholeMcpExchange) exchange = NULL;

  if (kind == PORTHOLE_MCP_MESSAGE_NOTIFICATION)
    {
      /* None is defined over HTTP; a closed stream cancels. */
      reply_empty (req, SOUP_STATUS_ACCEPTED);
      return;
    }

  if (version == NULL)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_INVALID_PARAMS, NULL,
                       "_meta." PORTHOLE_MCP_META_PROTOCOL_VERSION " must be a string");
      return;
    }

  if (!porthole_mcp_version_is_supported (version) || porthole_mcp_version_is_legacy (version))
    {
      g_autoptr(JsonObject) data = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      json_object_set_array_member (data, "supported", porthole_mcp_dup_supported_versions ());
      json_object_set_string_member (data, "requested", version);
      node = json_node_init_object (json_node_alloc (), data);
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_UNSUPPORTED_VERSION, node,
                       porthole_mcp_version_is_legacy (version)
                       ? "Unsupported protocol version %s without initialize: send initialize first"
                       : "Unsupported protocol version %s", version);
      return;
    }

  if (!check_modern_headers (req, message, version))
    return;

  if (porthole_json_object_get_object (meta, PORTHOLE_MCP_META_CLIENT_CAPABILITIES) == NULL)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_INVALID_PARAMS, NULL,
                       "_meta." PORTHOLE_MCP_META_CLIENT_CAPABILITIES " must be an object");
      return;
    }

  exchange = porthole_mcp_exchange_new (req, NULL, TRUE, accepts_sse, FALSE);
  if (!accepts_json)
    porthole_mcp_exchange_stream (exchange);
  run_call (self, exchange, NULL, version, message);
  porthole_mcp_exchange_start (exchange);
}

/* initialize: a new session, whose id goes back in MCP-Session-Id. */
static void
handle_new_session (PortholeMcpServer *self,
                    PortholeRequest   *req,
                    JsonObject        *message,
                    gboolean           accepts_json,
                    gboolean           accepts_sse)
{
  JsonObject *params = porthole_json_object_get_object (message, "params");
  const char *requested = params ? porthole_json_object_get_string (params, "protocolVersion") : NULL;
  g_autoptr(PortholeMcpSession) session = NULL;
  g_autoptr(PortholeMcpExchange) exchange = NULL;
  SoupMessageHeaders *headers;

  if (!make_room (self))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (porthole_request_get_message (req)),
                                    "Retry-After", "5");
      reply_rpc_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, json_object_get_member (message, "id"),
                       PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Too many MCP sessions in use (mcp-max-sessions); try again later");
      return;
    }

  /* The client's version if we speak it, else our newest (lifecycle
   * §Version Negotiation). */
  session = porthole_mcp_session_new (porthole_mcp_version_is_legacy (requested) ? requested
                                                                                  : PORTHOLE_MCP_LATEST_LEGACY_VERSION,
                                      params ? porthole_json_object_get_object (params, "clientInfo") : NULL,
                                      params ? porthole_json_object_get_object (params, "capabilities") : NULL);
  g_hash_table_insert (self->sessions, (gpointer) porthole_mcp_session_get_id (session), g_object_ref (session));

  headers = soup_server_message_get_response_headers (porthole_request_get_message (req));
  soup_message_headers_replace (headers, HEADER_SESSION_ID, porthole_mcp_session_get_id (session));

  exchange = porthole_mcp_exchange_new (req, session, FALSE, accepts_sse, FALSE);
  if (!accepts_json)
    porthole_mcp_exchange_stream (exchange);
  run_call (self, exchange, session, porthole_mcp_session_get_version (session), message);
  porthole_mcp_exchange_start (exchange);
}

/* The session a legacy request names; 400 or 404 answered otherwise. */
static PortholeMcpSession *
find_session (PortholeMcpServer *self,
              PortholeRequest   *req,
              JsonNode          *id)
{
  const char *session_id = porthole_request_get_header (req, HEADER_SESSION_ID);
  const char *version = porthole_request_get_header (req, HEADER_PROTOCOL_VERSION);
  PortholeMcpSession *session;

  if (session_id == NULL)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Bad Request: " HEADER_SESSION_ID " header is required (send initialize first)");
      return NULL;
    }

  session = g_hash_table_lookup (self->sessions, session_id);
  if (session == NULL)
    {
      reply_rpc_error (req, SOUP_STATUS_NOT_FOUND, id, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Session not found: it ended or expired; initialize again");
      return NULL;
    }

  /* Any legacy revision we speak: clients may name an older one than
   * they negotiated. */
  if (version != NULL && !porthole_mcp_version_is_legacy (version))
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, id, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Bad Request: unsupported " HEADER_PROTOCOL_VERSION " %s", version);
      return NULL;
    }

  porthole_mcp_session_touch (session);
  return session;
}

static gboolean
is_initialize (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) &&
         g_strcmp0 (porthole_json_object_get_string (json_node_get_object (node), "method"), "initialize") == 0;
}

/* A JSON-RPC batch: 2025-03-26 sessions only (later revisions removed
 * batching), never with initialize. */
static void
handle_batch (PortholeMcpServer *self,
              PortholeRequest   *req,
              JsonArray         *batch,
              gboolean           accepts_json,
              gboolean           accepts_sse)
{
  g_autoptr(PortholeMcpExchange) exchange = NULL;
  PortholeMcpSession *session;
  guint n_requests = 0;

  if (json_array_get_length (batch) == 0)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, NULL, PORTHOLE_MCP_INVALID_REQUEST, NULL,
                       "Invalid Request: an empty batch");
      return;
    }

  for (guint i = 0; i < json_array_get_length (batch); i++)
    {
      PortholeMcpMessageKind kind;
      g_autoptr(GError) error = NULL;
      JsonNode *element = json_array_get_element (batch, i);

      if (is_initialize (element))
        {
          reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, NULL, PORTHOLE_MCP_INVALID_REQUEST, NULL,
                           "Invalid Request: initialize cannot be part of a batch");
          return;
        }
      if (!porthole_mcp_message_classify (element, &kind, &error))
        {
          reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, NULL, PORTHOLE_MCP_INVALID_REQUEST, NULL,
                           "%s (batch element %u)", error->message, i);
          return;
        }
      n_requests += kind == PORTHOLE_MCP_MESSAGE_REQUEST;
    }

  session = find_session (self, req, NULL);
  if (session == NULL)
    return;

  if (porthole_mcp_version_at_least (porthole_mcp_session_get_version (session), "2025-06-18"))
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, NULL, PORTHOLE_MCP_INVALID_REQUEST, NULL,
                       "Invalid Request: revision %s has no JSON-RPC batches",
                       porthole_mcp_session_get_version (session));
      return;
    }

  if (n_requests > 0)
    {
      exchange = porthole_mcp_exchange_new (req, session, FALSE, accepts_sse, TRUE);
      if (!accepts_json)
        porthole_mcp_exchange_stream (exchange);
    }

  for (guint i = 0; i < json_array_get_length (batch); i++)
    {
      JsonObject *message = json_array_get_object_element (batch, i);
      PortholeMcpMessageKind kind;

      porthole_mcp_message_classify (json_array_get_element (batch, i), &kind, NULL);
      if (kind == PORTHOLE_MCP_MESSAGE_REQUEST)
        run_call (self, exchange, session, porthole_mcp_session_get_version (session), message);
      else if (kind == PORTHOLE_MCP_MESSAGE_NOTIFICATION)
        handle_notification (self, session, message);
      else
        porthole_mcp_session_resolve_pending (session, message);
    }

  if (exchange != NULL)
    porthole_mcp_exchange_start (exchange);
  else
    reply_empty (req, SOUP_STATUS_ACCEPTED);
}

static void
handle_message (PortholeMcpServer *self,
                PortholeRequest   *req,
                JsonNode          *node,
                gboolean           accepts_json,
                gboolean           accepts_sse)
{
  g_autoptr(PortholeMcpExchange) exchange = NULL;
  g_autoptr(GError) error = NULL;
  PortholeMcpMessageKind kind;
  PortholeMcpSession *session;
  JsonObject *message, *params, *meta;

  if (!porthole_mcp_message_classify (node, &kind, &error))
    {
      JsonNode *id = JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), "id") : NULL;

      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST,
                       id && JSON_NODE_HOLDS_VALUE (id) ? id : NULL, PORTHOLE_MCP_INVALID_REQUEST, NULL,
                       "%s", error->message);
      return;
    }

  message = json_node_get_object (node);
  params = porthole_json_object_get_object (message, "params");
  meta = params ? porthole_json_object_get_object (params, "_meta") : NULL;

  /* The version in `_meta` is what makes a 2026-07-28 request. */
  if (kind != PORTHOLE_MCP_MESSAGE_RESPONSE && meta != NULL &&
      json_object_has_member (meta, PORTHOLE_MCP_META_PROTOCOL_VERSION))
    {
      handle_modern (self, req, message, kind, accepts_json, accepts_sse);
      return;
    }

  if (kind == PORTHOLE_MCP_MESSAGE_REQUEST && is_initialize (node))
    {
      handle_new_session (self, req, message, accepts_json, accepts_sse);
      return;
    }

  session = find_session (self, req, json_object_get_member (message, "id"));
  if (session == NULL)
    return;

  switch (kind)
    {
    case PORTHOLE_MCP_MESSAGE_RESPONSE:
      porthole_mcp_session_resolve_pending (session, message);
      reply_empty (req, SOUP_STATUS_ACCEPTED);
      break;

    case PORTHOLE_MCP_MESSAGE_NOTIFICATION:
      handle_notification (self, session, message);
      reply_empty (req, SOUP_STATUS_ACCEPTED);
      break;

    case PORTHOLE_MCP_MESSAGE_REQUEST:
    default:
      exchange = porthole_mcp_exchange_new (req, session, FALSE, accepts_sse, FALSE);
      if (!accepts_json)
        porthole_mcp_exchange_stream (exchange);
      run_call (self, exchange, session, porthole_mcp_session_get_version (session), message);
      porthole_mcp_exchange_start (exchange);
      break;
    }
}

void
porthole_mcp_server_handle_post (PortholeMcpServer *self,
                                 PortholeRequest   *req)
{
  SoupServerMessage *msg = porthole_request_get_message (req);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *content_type;
  gboolean accepts_json, accepts_sse;
  const char *data;
  gsize size;

  if (!check_origin (self, req))
    return;

  if (self->stopped)
    {
      reply_rpc_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "portholed is shutting down");
      return;
    }

  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      reply_rpc_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Unsupported Media Type: Content-Type must be application/json");
      return;
    }

  parse_accept (req, &accepts_json, &accepts_sse);
  if (!accepts_json && !accepts_sse)
    {
      reply_rpc_error (req, SOUP_STATUS_NOT_ACCEPTABLE, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Not Acceptable: the client must accept application/json or text/event-stream");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &size);
  node = porthole_json_parse (data ? data : "", size, &error);
  if (node == NULL)
    {
      reply_rpc_error (req, SOUP_STATUS_BAD_REQUEST, NULL, PORTHOLE_MCP_PARSE_ERROR, NULL,
                       "Parse error: %s", error->message);
      return;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    handle_batch (self, req, json_node_get_array (node), accepts_json, accepts_sse);
  else
    handle_message (self, req, node, accepts_json, accepts_sse);
}

/* GET: the session's own stream, for what concerns no request; with
 * Last-Event-ID, the rest of a stream the client lost. */

typedef struct
{
  PortholeMcpStream *stream;
  PortholeRequest *req;
  char *last_event_id;
} Attach;

static gboolean
attach_cb (gpointer user_data)
{
  Attach *attach = user_data;

  porthole_mcp_stream_attach (attach->stream, attach->req, attach->last_event_id);
  g_object_unref (attach->stream);
  g_object_unref (attach->req);
  g_free (attach->last_event_id);
  g_free (attach);

  return G_SOURCE_REMOVE;
}

void
porthole_mcp_server_handle_get (PortholeMcpServer *self,
                                PortholeRequest   *req)
{
  const char *last_event_id = porthole_request_get_header (req, HEADER_LAST_EVENT_ID);
  PortholeMcpStream *stream = NULL;
  PortholeMcpSession *session;
  gboolean accepts_json, accepts_sse;
  Attach *attach;
  guint number;
  guint64 seq;

  if (!check_origin (self, req))
    return;

  /* Stateless clients have no GET stream (2026-07-28 §Backward
   * Compatibility); neither has a legacy client without a session. */
  if (porthole_request_get_header (req, HEADER_SESSION_ID) == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (porthole_request_get_message (req)),
                                    "Allow", "POST, DELETE");
      reply_rpc_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Method Not Allowed: GET needs an " HEADER_SESSION_ID " (initialize first)");
      return;
    }

  parse_accept (req, &accepts_json, &accepts_sse);
  if (!accepts_sse)
    {
      reply_rpc_error (req, SOUP_STATUS_NOT_ACCEPTABLE, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                       "Not Acceptable: GET answers with text/event-stream");
      return;
    }

  session = find_session (self, req, NULL);
  if (session == NULL)
    return;

  if (last_event_id != NULL && porthole_mcp_stream_parse_event_id (last_event_id, &number, &seq))
    stream = porthole_mcp_session_lookup_stream (session, number);

  if (stream == NULL)
    {
      stream = porthole_mcp_session_get_standalone (session);
      /* One GET stream per session: which one would get a message? */
      if (last_event_id == NULL && porthole_mcp_stream_is_attached (stream))
        {
          reply_rpc_error (req, SOUP_STATUS_CONFLICT, NULL, PORTHOLE_MCP_SERVER_ERROR, NULL,
                           "Conflict: this session's GET stream is open already");
          return;
        }
    }

  /* Handed over from the loop, once the connection watches for the
   * client leaving (porthole-mcp-exchange.c says why). */
  attach = g_new0 (Attach, 1);
  attach->stream = g_object_ref (stream);
  attach->req = g_object_ref (req);
  attach->last_event_id = g_strdup (last_event_id);
  g_idle_add_full (G_PRIORITY_HIGH, attach_cb, attach, NULL);
}

void
porthole_mcp_server_handle_delete (PortholeMcpServer *self,
                                   PortholeRequest   *req)
{
  PortholeMcpSession *session;

  if (!check_origin (self, req))
    return;

  session = find_session (self, req, NULL);
  if (session == NULL)
    return;

  g_debug ("MCP session %s ended by its client", porthole_mcp_session_get_id (session));
  remove_session (self, session);
  reply_empty (req, SOUP_STATUS_OK);
}

/* Resource updates */

/**
 * porthole_mcp_server_is_watched:
 *
 * Returns: %TRUE if a client subscribed to @uri
 */
gboolean
porthole_mcp_server_is_watched (PortholeMcpServer *self,
                                const char        *uri)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (porthole_mcp_session_is_subscribed (value, uri))
      return TRUE;

  for (guint i = 0; i < self->listens->len; i++)
    {
      PortholeMcpCall *call = g_ptr_array_index (self->listens, i);
      JsonObject *filter = porthole_json_object_get_object (porthole_mcp_call_get_params (call), "notifications");
      JsonNode *uris = filter ? json_object_get_member (filter, "resourceSubscriptions") : NULL;

      if (porthole_mcp_call_is_done (call) || uris == NULL || !JSON_NODE_HOLDS_ARRAY (uris))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (uris)); j++)
        if (g_strcmp0 (json_array_get_string_element (json_node_get_array (uris), j), uri) == 0)
          return TRUE;
    }

  return FALSE;
}

/**
 * porthole_mcp_server_resource_updated:
 *
 * notifications/resources/updated to every client that subscribed to
 * @uri: on legacy sessions' GET streams, on 2026-07-28 listen streams.
 */
void
porthole_mcp_server_resource_updated (PortholeMcpServer *self,
                                      const char        *uri)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (porthole_mcp_session_is_subscribed (value, uri))
      {
        g_autoptr(JsonObject) params = json_object_new ();

        json_object_set_string_member (params, "uri", uri);
        porthole_mcp_session_notify (value, "notifications/resources/updated", params);
      }

  for (guint i = 0; i < self->listens->len; i++)
    {
      PortholeMcpCall *call = g_ptr_array_index (self->listens, i);
      JsonObject *filter = porthole_json_object_get_object (porthole_mcp_call_get_params (call), "notifications");
      JsonNode *uris = filter ? json_object_get_member (filter, "resourceSubscriptions") : NULL;

      if (porthole_mcp_call_is_done (call) || uris == NULL || !JSON_NODE_HOLDS_ARRAY (uris))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (uris)); j++)
        if (g_strcmp0 (json_array_get_string_element (json_node_get_array (uris), j), uri) == 0)
          {
            g_autoptr(JsonObject) params = json_object_new ();

            json_object_set_object_member (params, "_meta", listen_meta (call));
            json_object_set_string_member (params, "uri", uri);
            porthole_mcp_call_notify (call, "notifications/resources/updated", params);
            break;
          }
    }
}

/**
 * porthole_mcp_server_stop:
 *
 * The daemon stops: listen streams end gracefully (their response),
 * sessions end, and so do their streams, so that connections can close.
 */
void
porthole_mcp_server_stop (PortholeMcpServer *self)
{
  g_autoptr(GPtrArray) listens = NULL;
  g_autoptr(GList) sessions = NULL;

  if (self->stopped)
    return;
  self->stopped = TRUE;

  listens = g_steal_pointer (&self->listens);
  self->listens = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < listens->len; i++)
    {
      PortholeMcpCall *call = g_ptr_array_index (listens, i);
      g_autoptr(JsonObject) result = json_object_new ();

      json_object_set_object_member (result, "_meta", listen_meta (call));
      porthole_mcp_call_return_result (call, result);
    }

  sessions = g_hash_table_get_values (self->sessions);
  for (GList *l = sessions; l != NULL; l = l->next)
    porthole_mcp_session_close (l->data);
}

/* Routes */

static PortholeMcpServer *
get_server (PortholeRequest *req)
{
  return porthole_daemon_get_mcp_server (porthole_request_get_daemon (req));
}

void
porthole_mcp_handle_post (PortholeRequest *req)
{
  porthole_mcp_server_handle_post (get_server (req), req);
}

void
porthole_mcp_handle_get (PortholeRequest *req)
{
  porthole_mcp_server_handle_get (get_server (req), req);
}

void
porthole_mcp_handle_delete (PortholeRequest *req)
{
  porthole_mcp_server_handle_delete (get_server (req), req);
}

/**
 * porthole_mcp_body_limit:
 *
 * A tools/call may carry a whole file for write_file (base64 makes it a
 * third larger) or a program for run_code.
 */
gsize
porthole_mcp_body_limit (PortholeRequest *req)
{
  PortholeConfig *config = porthole_daemon_get_config (porthole_request_get_daemon (req));
  guint64 files = porthole_config_get_files_max_write_size (config);
  guint64 limit = files / 3 * 4 + 64 * 1024;

  return MIN (MAX (limit, porthole_config_get_max_body_size (config)), G_MAXSIZE);
}

/**
 * porthole_mcp_handle_resource_metadata:
 *
 * GET /.well-known/oauth-protected-resource[/mcp] (RFC 9728): where
 * MCP clients get tokens. Authorization servers are listed only when
 * mcp-authorization-servers names them: without, the metadata says how
 * a token is sent and names none, so that a client does not start an
 * OAuth flow that cannot succeed (and 401s do not point here).
 */
void
porthole_mcp_handle_resource_metadata (PortholeRequest *req)
{
  PortholeAuth *auth = porthole_daemon_get_auth (porthole_request_get_daemon (req));
  const char *const *servers = porthole_auth_get_authorization_servers (auth);
  g_autofree char *base = porthole_auth_dup_base_url (auth, porthole_request_get_message (req));
  g_autoptr(JsonObject) metadata = NULL;
  g_autofree char *resource = NULL;
  JsonArray *array, *bearer;

  if (base == NULL)
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_NOT_FOUND, NULL,
                                    "No resource metadata without a Host to name the resource");
      return;
    }

  metadata = json_object_new ();
  resource = g_strconcat (base, "/mcp", NULL);
  bearer = json_array_new ();
  json_array_add_string_element (bearer, "header");
  json_object_set_string_member (metadata, "resource", resource);
  if (servers != NULL)
    {
      array = json_array_new ();
      for (guint i = 0; servers[i]; i++)
        json_array_add_string_element (array, servers[i]);
      json_object_set_array_member (metadata, "authorization_servers", array);
    }
  json_object_set_array_member (metadata, "bearer_methods_supported", bearer);
  json_object_set_string_member (metadata, "resource_name", "portholed");
  porthole_request_reply_json (req, SOUP_STATUS_OK, metadata);
}
