/* porthole-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-client.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

/* Largest WebSocket message the client accepts; the daemon keeps its
 * frames well under this (API.md §1.9). */
#define CLIENT_MAX_WS_PAYLOAD (4 * 1024 * 1024)

struct _PortholeClient
{
  GObject parent_instance;

  char *base_url;
  char *token;
  SoupSession *session;
};

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PortholeClient, porthole_client, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
porthole_client_finalize (GObject *object)
{
  PortholeClient *self = (PortholeClient *)object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (porthole_client_parent_class)->finalize (object);
}

static void
porthole_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PortholeClient *self = PORTHOLE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PortholeClient *self = PORTHOLE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len = url ? strlen (url) : 0;

        /* Routes are at the root of the host; drop one trailing slash so
         * paths can always start with one. */
        if (len > 0 && url[len - 1] == '/')
          len--;
        g_free (self->base_url);
        self->base_url = g_strndup (url ? url : "", len);
      }
      break;

    case PROP_TOKEN:
      porthole_client_set_token (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_client_class_init (PortholeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_client_finalize;
  object_class->get_property = porthole_client_get_property;
  object_class->set_property = porthole_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
porthole_client_init (PortholeClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "porthole-client/" PACKAGE_VERSION,
                                                 "timeout", 0,
                                                 NULL);
}

/**
 * porthole_client_new:
 * @base_url: e.g. `http://127.0.0.1:7777`
 * @token: (nullable): the JWT sent as `Authorization: Bearer`
 */
PortholeClient *
porthole_client_new (const char *base_url,
                     const char *token)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (PORTHOLE_TYPE_CLIENT,
                       "base-url", base_url,
                       "token", token,
                       NULL);
}

const char *
porthole_client_get_base_url (PortholeClient *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);

  return self->base_url;
}

const char *
porthole_client_get_token (PortholeClient *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);

  return self->token;
}

void
porthole_client_set_token (PortholeClient *self,
                           const char     *token)
{
  g_return_if_fail (PORTHOLE_IS_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * porthole_client_get_session:
 *
 * Returns: (transfer none): the session, for requests this API does not
 *   wrap (raw downloads, custom headers).
 */
SoupSession *
porthole_client_get_session (PortholeClient *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);

  return self->session;
}

/**
 * porthole_client_build_url:
 * @path: a route, possibly with a query string
 *
 * Returns: (transfer full): the absolute URL of @path on the daemon.
 */
char *
porthole_client_build_url (PortholeClient *self,
                           const char     *path)
{
  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_strconcat (self->base_url, path, NULL);
}

static void
add_auth (PortholeClient *self,
          SoupMessage    *msg)
{
  if (self->token != NULL && self->token[0] != '\0')
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", value);
    }
}

/**
 * porthole_client_error_from_response:
 * @status: the HTTP status
 * @body: (nullable): the response body
 *
 * Maps an error answer to %PORTHOLE_CLIENT_ERROR using the `code` member of
 * the error body, falling back to %PORTHOLE_ERROR_PROTOCOL.
 *
 * Returns: (transfer full): a new #GError
 */
GError *
porthole_client_error_from_response (guint   status,
                                     GBytes *body)
{
  g_autoptr(JsonNode) node = NULL;
  PortholeErrorCode code = PORTHOLE_ERROR_PROTOCOL;
  const char *message = NULL;

  if (body != NULL && g_bytes_get_size (body) > 0)
    node = porthole_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      if (!porthole_error_code_from_string (porthole_json_object_get_string (object, PORTHOLE_MEMBER_CODE), &code))
        code = PORTHOLE_ERROR_PROTOCOL;
      message = porthole_json_object_get_string (object, PORTHOLE_MEMBER_MESSAGE);
      if (message == NULL)
        message = porthole_json_object_get_string (object, PORTHOLE_MEMBER_ERROR);
    }

  if (message == NULL)
    return g_error_new (PORTHOLE_CLIENT_ERROR, code, "HTTP %u %s", status,
                        soup_status_get_phrase (status));

  return g_error_new_literal (PORTHOLE_CLIENT_ERROR, code, message);
}

/**
 * porthole_client_new_message:
 * @method: an HTTP method
 * @path: a route, possibly with a query string
 *
 * A request to @path carrying the token, for calls that need more than
 * porthole_client_call_async() (raw bodies, other Accept headers).
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
SoupMessage *
porthole_client_new_message (PortholeClient  *self,
                             const char      *method,
                             const char      *path,
                             GError         **error)
{
  g_autofree char *url = NULL;
  SoupMessage *msg;

  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  url = porthole_client_build_url (self, path);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid URL: %s", url);
      return NULL;
    }

  add_auth (self, msg);

  return msg;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SoupSession *session = (SoupSession *)object;
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  SoupMessage *msg;
  guint status;

  /* Transport failures keep their own domain (G_IO_ERROR_CANCELLED,
   * G_IO_ERROR_CONNECTION_REFUSED, G_RESOLVER_ERROR…): callers tell
   * "unreachable" and "cancelled" from an answer that was an error. */
  body = soup_session_send_and_read_finish (session, result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  msg = soup_session_get_async_result_message (session, result);
  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, porthole_client_error_from_response (status, body));
      return;
    }

  g_task_set_task_data (task,
                        g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL)),
                        g_free);
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

/**
 * porthole_client_send_async:
 * @msg: a message, usually from porthole_client_new_message()
 *
 * Sends @msg and reads the whole answer. A 2xx answer is the result;
 * any other status becomes a #GError of %PORTHOLE_CLIENT_ERROR carrying
 * the code of the error body. Transport failures keep their own domain.
 */
void
porthole_client_send_async (PortholeClient      *self,
                            SoupMessage         *msg,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_send_async);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_send_finish:
 * @content_type: (out) (optional) (transfer full): the answer's content type
 *
 * Returns: (transfer full): the body of a 2xx answer, or %NULL
 */
GBytes *
porthole_client_send_finish (PortholeClient  *self,
                             GAsyncResult    *result,
                             char           **content_type,
                             GError         **error)
{
  GBytes *body;

  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (content_type != NULL)
    *content_type = body ? g_strdup (g_task_get_task_data (G_TASK (result))) : NULL;

  return body;
}

/**
 * porthole_client_parse_object:
 * @body: an answer's body
 *
 * The one place an answer becomes an object: a body that is not a JSON
 * object is a %PORTHOLE_ERROR_PROTOCOL. Safe in any thread.
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
JsonObject *
porthole_client_parse_object (GBytes  *body,
                              GError **error)
{
  g_autoptr(JsonNode) node = NULL;

  node = porthole_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL,
                           "Expected a JSON object from the daemon");
      return NULL;
    }

  return json_object_ref (json_node_get_object (node));
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PortholeClient *self = PORTHOLE_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  JsonObject *reply;

  body = porthole_client_send_finish (self, result, NULL, &error);
  if (body == NULL || (reply = porthole_client_parse_object (body, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, reply, (GDestroyNotify) json_object_unref);
}

/**
 * porthole_client_call_message_async:
 * @msg: a message, usually from porthole_client_new_message(), with its
 *   body set (a streamed one, say)
 *
 * Sends @msg to a JSON route; finish with porthole_client_call_finish().
 */
void
porthole_client_call_message_async (PortholeClient      *self,
                                    SoupMessage         *msg,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_call_async);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  porthole_client_send_async (self, msg, cancellable, call_cb, task);
}

/**
 * porthole_client_call_async:
 * @method: an HTTP method
 * @path: a route, possibly with a query string
 * @body: (nullable): the JSON body
 *
 * Calls a JSON route. The result is the response object; error answers
 * become #GErrors of %PORTHOLE_CLIENT_ERROR with the code of the body,
 * transport failures keep their domain (porthole_client_send_async()).
 */
void
porthole_client_call_async (PortholeClient      *self,
                            const char          *method,
                            const char          *path,
                            JsonObject          *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  msg = porthole_client_new_message (self, method, path, &error);
  if (msg == NULL)
    {
      g_task_report_error (self, callback, user_data, porthole_client_call_async, error);
      return;
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = porthole_json_object_to_bytes (body);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  porthole_client_call_message_async (self, msg, cancellable, callback, user_data);
}

/**
 * porthole_client_call_finish:
 *
 * Returns: (transfer full): the response object, or %NULL
 */
JsonObject *
porthole_client_call_finish (PortholeClient  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * porthole_client_call_finish_boolean:
 *
 * For calls whose answer is only a success flag.
 *
 * Returns: %TRUE if the call succeeded
 */
gboolean
porthole_client_call_finish_boolean (PortholeClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_autoptr(JsonObject) object = porthole_client_call_finish (self, result, error);

  return object != NULL;
}

void
porthole_client_get_health_async (PortholeClient      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_HEALTH, NULL,
                              cancellable, callback, user_data);
}

JsonObject *
porthole_client_get_health_finish (PortholeClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return porthole_client_call_finish (self, result, error);
}

void
porthole_client_get_info_async (PortholeClient      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_INFO, NULL,
                              cancellable, callback, user_data);
}

JsonObject *
porthole_client_get_info_finish (PortholeClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return porthole_client_call_finish (self, result, error);
}

/* A refused handshake leaves no body to read the code from (libsoup
 * stops at the status line), so the status alone names the error. */
static PortholeErrorCode
handshake_status_to_code (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return PORTHOLE_ERROR_TOKEN_INVALID;
    case SOUP_STATUS_FORBIDDEN:
      return PORTHOLE_ERROR_PERMISSION_DENIED;
    case SOUP_STATUS_NOT_FOUND:
      return PORTHOLE_ERROR_NOT_FOUND;
    case SOUP_STATUS_NOT_IMPLEMENTED:
      return PORTHOLE_ERROR_NOT_IMPLEMENTED;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return PORTHOLE_ERROR_SERVICE_UNAVAILABLE;
    case SOUP_STATUS_BAD_REQUEST:
      return PORTHOLE_ERROR_INVALID_REQUEST;
    default:
      return PORTHOLE_ERROR_PROTOCOL;
    }
}

typedef struct
{
  SoupMessage *msg;
  gsize max_payload;
} WebsocketConnect;

static void
websocket_connect_free (WebsocketConnect *state)
{
  g_clear_object (&state->msg);
  g_free (state);
}

static void
websocket_connect_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SoupSession *session = (SoupSession *)object;
  g_autoptr(GTask) task = user_data;
  WebsocketConnect *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (session, result, &error);
  if (conn == NULL)
    {
      guint status = soup_message_get_status (state->msg);

      if (status >= 300)
        g_task_return_new_error (task, PORTHOLE_CLIENT_ERROR, handshake_status_to_code (status),
                                 "WebSocket handshake refused: HTTP %u", status);
      else if (error->domain == SOUP_WEBSOCKET_ERROR)
        g_task_return_new_error (task, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL,
                                 "%s", error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  soup_websocket_connection_set_max_incoming_payload_size (conn, state->max_payload);
  g_task_return_pointer (task, conn, g_object_unref);
}

/**
 * porthole_client_websocket_connect_full_async:
 * @path: a WebSocket route, possibly with a query string
 * @protocols: (nullable) (array zero-terminated=1): subprotocols to offer
 * @max_payload: largest message accepted, 0 for the default (4 MiB)
 *
 * Opens a WebSocket to @path, authenticated with the Bearer header.
 * A refused handshake is a %PORTHOLE_CLIENT_ERROR named after its status.
 */
void
porthole_client_websocket_connect_full_async (PortholeClient      *self,
                                              const char          *path,
                                              const char * const  *protocols,
                                              gsize                max_payload,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WebsocketConnect *state;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_websocket_connect_full_async);

  state = g_new0 (WebsocketConnect, 1);
  state->max_payload = max_payload > 0 ? max_payload : CLIENT_MAX_WS_PAYLOAD;
  g_task_set_task_data (task, state, (GDestroyNotify) websocket_connect_free);

  state->msg = porthole_client_new_message (self, "GET", path, &error);
  if (state->msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  soup_session_websocket_connect_async (self->session, state->msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, cancellable, websocket_connect_cb,
                                        g_steal_pointer (&task));
}

/**
 * porthole_client_websocket_connect_async:
 * @path: a WebSocket route, possibly with a query string
 *
 * Opens a WebSocket to @path, authenticated with the Bearer header, with
 * no subprotocol.
 */
void
porthole_client_websocket_connect_async (PortholeClient      *self,
                                         const char          *path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  porthole_client_websocket_connect_full_async (self, path, NULL, 0, cancellable, callback, user_data);
}

/**
 * porthole_client_websocket_connect_finish:
 *
 * Returns: (transfer full): the connection, or %NULL
 */
SoupWebsocketConnection *
porthole_client_websocket_connect_finish (PortholeClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (PORTHOLE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  PortholeWebsocketWrapFunc wrap;
  gpointer data;
  GDestroyNotify data_free;
} WebsocketOpen;

static void
websocket_open_free (WebsocketOpen *state)
{
  if (state->data_free != NULL)
    state->data_free (state->data);
  g_free (state);
}

static void
websocket_open_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WebsocketOpen *state = g_task_get_task_data (task);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  GError *error = NULL;

  connection = porthole_client_websocket_connect_finish (PORTHOLE_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, state->wrap (connection, state->data), g_object_unref);
}

/**
 * porthole_client_websocket_open_async:
 * @path: a WebSocket route
 * @wrap: (scope async): makes the object the caller gets from the open
 *   connection (it sends the first message, typically)
 * @data: (closure wrap): for @wrap
 * @data_free: (destroy data): frees @data
 *
 * porthole_client_websocket_connect_async() for the streams libporthole
 * wraps in an object (a watch, a run).
 */
void
porthole_client_websocket_open_async (PortholeClient            *self,
                                      const char                *path,
                                      PortholeWebsocketWrapFunc  wrap,
                                      gpointer                   data,
                                      GDestroyNotify             data_free,
                                      GCancellable              *cancellable,
                                      GAsyncReadyCallback        callback,
                                      gpointer                   user_data)
{
  WebsocketOpen *state;
  GTask *task;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (wrap != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_websocket_open_async);
  state = g_new0 (WebsocketOpen, 1);
  state->wrap = wrap;
  state->data = data;
  state->data_free = data_free;
  g_task_set_task_data (task, state, (GDestroyNotify) websocket_open_free);
  porthole_client_websocket_connect_async (self, path, cancellable, websocket_open_cb, task);
}

/**
 * porthole_client_websocket_open_finish:
 *
 * Returns: (transfer full) (type GObject): what @wrap made, or %NULL
 */
gpointer
porthole_client_websocket_open_finish (PortholeClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
