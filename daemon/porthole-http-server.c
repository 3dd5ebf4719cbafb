/* porthole-http-server.c
 *
 * libsoup 3.2's server has no limits of its own (SECURITY.md §0, §4): no
 * header or idle deadline, no connection cap, and its listener stops
 * accepting for good after one failed accept(). So portholed accepts
 * connections itself (PortholeHttpListener, shared with the hub) and
 * hands them to the SoupServer with soup_server_accept_iostream(),
 * keeping a record per connection with its deadline. Every request goes through one early handler (route, auth,
 * body limit, before any body byte is read) and one handler (dispatch or
 * WebSocket upgrade).
 *
 * Keep-alive needs care: soup 3.2.3 leaks kept-alive connections that end
 * between requests; PortholeConnectionStream turns that end into one last
 * request soup cleans up (see porthole-connection-stream.c).
 *
 * No client holds what others need (issue 16): one address may hold
 * max-connections-per-address connections; past either cap, loopback
 * still gets a small reserve that serves only the public routes (a local
 * /health check); a request refused before its body is answered at once
 * and its connection ended, never drained; a body must keep up
 * body-min-rate on average once body-timeout has passed; and a header
 * block past 64 KiB is answered 431 instead of reset by soup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "porthole-auth.h"
#include "porthole-config.h"
#include "porthole-connection-stream.h"
#include "porthole-daemon.h"
#include "porthole-http-listener.h"
#include "porthole-http-server.h"
#include "porthole-target-user.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-request.h"
#include "porthole-router.h"
#include "porthole-version.h"
#include "porthole-ws-limit-stream.h"

/* A connection answered without soup (porthole_connection_stream_refuse)
 * has this long to close after our FIN, so the answer is not lost to a
 * reset; what it sends meanwhile is dropped. */
#define LINGER_SECONDS 2
/* soup 3.2.3 resets the connection past 64 KiB of header block
 * (HEADER_SIZE_LIMIT); the stream stops it there so we answer 431. */
#define MAX_HEADER_BLOCK (64 * 1024)
/* Loopback connections allowed past the caps, for public routes only. */
#define LOOPBACK_RESERVE 8
/* How long a reserve connection has to send its request. */
#define RESERVE_HEADER_SECONDS 2
/* RFC 6585; soup 3.2 has no name for it. */
#define STATUS_HEADER_FIELDS_TOO_LARGE 431
/* How long in-flight requests may take to finish after SIGTERM. */
#define STOP_GRACE_SECONDS 5
/* Draining for a restart: how long an accepted connection has to send
 * its request. */
#define DRAIN_GRACE_SECONDS 2

typedef enum
{
  CONNECTION_WAITING,     /* for the (next) request's headers */
  CONNECTION_READING,     /* the request body */
  CONNECTION_PROCESSING,  /* a handler owns the request */
  CONNECTION_UPGRADED,    /* a WebSocket owns the stream */
  CONNECTION_REFUSED,     /* answered without soup, ending */
} ConnectionState;

typedef struct
{
  PortholeHttpServer *server;
  /* The stream soup owns; we only watch it die. */
  PortholeConnectionStream *stream;
  GSocket *socket;
  GSocketAddress *local;
  GSocketAddress *remote;
  GSource *deadline;
  /* The deadline in force (monotonic µs), or -1; the source may be due
   * earlier than that and then moves itself (connection_set_deadline_at). */
  gint64 deadline_at;
  GSource *hangup_watch;
  PortholeRequest *current;
  ConnectionState state;
  guint n_requests;
  /* The client's address, as counted in per_address; NULL for reserve
   * connections, which are in the reserve queue instead. */
  char *address;
  gboolean reserve;
  /* The status sent by connection_refuse(), for the request log. */
  guint refused_status;
  /* When the body began, for its deadline. */
  gint64 body_started;
} Connection;

struct _PortholeHttpServer
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  PortholeConfig *config;
  PortholeAuth *auth;
  PortholeRouter *router;
  SoupServer *soup;
  GTlsCertificate *tls_certificate;

  /* PortholeHttpListener, one per listening socket. */
  GPtrArray *listeners;
  GHashTable *connections;
  /* Client address → connections it holds (reserve ones aside), and
   * their sum, which max-connections caps. */
  GHashTable *per_address;
  guint n_counted;
  /* Reserve connections, oldest first. */
  GQueue reserve;
  GHashTable *active_requests;
  guint stop_timeout_id;
  guint stopping : 1;
  /* Stopping for a restart: connections already accepted are served. */
  guint draining : 1;
};

enum {
  REQUEST_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeHttpServer, porthole_http_server, G_TYPE_OBJECT)

static const char connection_key[] = "porthole-connection";
static const char request_key[] = "porthole-request";

static gboolean address_is_loopback (GSocketAddress *address);
static GBytes  *too_many_connections_response (const char *message);
static void     connection_refuse (Connection *conn,
                                   GBytes     *response,
                                   guint       status);

/* Connections */

static void
connection_clear_deadline (Connection *conn)
{
  conn->deadline_at = -1;
}

static void
connection_clear_hangup_watch (Connection *conn)
{
  if (conn->hangup_watch != NULL)
    {
      g_source_destroy (conn->hangup_watch);
      g_clear_pointer (&conn->hangup_watch, g_source_unref);
    }
}

static void
connection_close (Connection *conn)
{
  /* An idle kept-alive connection is ended through soup (see
   * porthole-connection-stream.c); the client gets FIN either way. Soup
   * sees end-of-stream on its next read; closing under its feet would
   * race with its own I/O. */
  if (conn->stream != NULL && porthole_connection_stream_end_if_idle (conn->stream))
    g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  else
    g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

static gboolean
connection_deadline_cb (gpointer user_data)
{
  Connection *conn = user_data;

  /* Due for an earlier deadline since pushed back or cleared. */
  if (conn->deadline_at < 0 || conn->deadline_at > g_get_monotonic_time ())
    {
      g_source_set_ready_time (conn->deadline, conn->deadline_at);
      return G_SOURCE_CONTINUE;
    }

  g_source_set_ready_time (conn->deadline, -1);
  conn->deadline_at = -1;

  /* A reserve connection without a request in time is told why. */
  if (conn->reserve && conn->state == CONNECTION_WAITING && conn->n_requests == 0)
    {
      g_autoptr(GBytes) response = too_many_connections_response ("Too many connections; try again later");

      connection_refuse (conn, response, SOUP_STATUS_SERVICE_UNAVAILABLE);
      return G_SOURCE_CONTINUE;
    }

  g_debug ("closing connection %p: %s", conn,
           conn->state == CONNECTION_REFUSED ? "refused, and its client did not close" :
           conn->state == CONNECTION_READING ? "body too slow" : "no request in time");
  connection_close (conn);

  return G_SOURCE_CONTINUE;
}

static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs deadline_funcs = { NULL, NULL, deadline_dispatch, NULL, NULL, NULL };

/* One source per connection: no allocation on the hot path. Nor a system
 * call: GLib 2.74 wakes its loop (an eventfd write) at every
 * g_source_set_ready_time(), three per request. A deadline pushed back
 * (the idle deadline after each request) or cleared leaves the source
 * due earlier; it then moves itself when it fires (connection_deadline_cb),
 * at most once per deadline period. Only an earlier deadline moves it now. */
static void
connection_set_deadline_at (Connection *conn,
                            gint64      when)
{
  gint64 due;

  if (conn->deadline == NULL)
    {
      conn->deadline = g_source_new (&deadline_funcs, sizeof (GSource));
      g_source_set_callback (conn->deadline, connection_deadline_cb, conn, NULL);
      g_source_set_static_name (conn->deadline, "[porthole] connection deadline");
      g_source_attach (conn->deadline, NULL);
    }

  conn->deadline_at = when;
  due = g_source_get_ready_time (conn->deadline);
  if (due < 0 || when < due)
    g_source_set_ready_time (conn->deadline, when);
}

static void
connection_set_deadline (Connection *conn,
                         guint       seconds)
{
  connection_set_deadline_at (conn, g_get_monotonic_time () + seconds * G_USEC_PER_SEC);
}

static void
connection_free (Connection *conn)
{
  if (conn->deadline != NULL)
    {
      g_source_destroy (conn->deadline);
      g_clear_pointer (&conn->deadline, g_source_unref);
    }
  connection_clear_hangup_watch (conn);
  g_clear_object (&conn->socket);
  g_clear_object (&conn->local);
  g_clear_object (&conn->remote);
  g_free (conn->address);
  g_free (conn);
}

static void
connection_gone (gpointer  user_data,
                 GObject  *where_the_stream_was)
{
  Connection *conn = user_data;

  conn->stream = NULL;
  g_hash_table_remove (conn->server->connections, conn);
}

static Connection *
connection_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote ? g_object_get_data (G_OBJECT (remote), connection_key) : NULL;
}

/* A client that goes away while its request is being processed is only
 * noticed by soup when it writes the answer, which may be minutes later
 * for an /execute. Peek at the socket meanwhile. */
static gboolean
connection_hangup_cb (GSocket      *socket,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  Connection *conn = user_data;
  char byte;
  gssize n;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  /* n > 0: a pipelined request; it will be read after this one. */
  if (n <= 0 && conn->current != NULL)
    {
      g_debug ("client of request %s went away", porthole_request_get_id (conn->current));
      g_cancellable_cancel (porthole_request_get_cancellable (conn->current));
    }

  g_clear_pointer (&conn->hangup_watch, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
connection_watch_hangup (Connection *conn)
{
  connection_clear_hangup_watch (conn);
  conn->hangup_watch = g_socket_create_source (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (conn->hangup_watch, G_SOURCE_FUNC (connection_hangup_cb), conn, NULL);
  g_source_set_static_name (conn->hangup_watch, "[porthole] client hangup");
  g_source_attach (conn->hangup_watch, NULL);
}

/* Answers without soup */

/* A whole error answer (API.md §1.5), for connections soup is not
 * answering. */
static GBytes *
raw_error_response (guint              status,
                    PortholeErrorCode  code,
                    const char        *message,
                    const char        *extra_headers)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *request_id = porthole_request_id_new ();
  GString *text = g_string_new (NULL);

  body = porthole_error_body_new (code, message, NULL, request_id);
  bytes = porthole_json_object_to_bytes (body);
  g_string_printf (text,
                   "HTTP/1.1 %u %s\r\n"
                   "Content-Type: application/json\r\n"
                   "Content-Length: %zu\r\n"
                   "Connection: close\r\n"
                   "%s"
                   PORTHOLE_HEADER_REQUEST_ID ": %s\r\n\r\n",
                   status,
                   status == STATUS_HEADER_FIELDS_TOO_LARGE ? "Request Header Fields Too Large"
                                                            : soup_status_get_phrase (status),
                   g_bytes_get_size (bytes),
                   extra_headers ? extra_headers : "", request_id);
  g_string_append_len (text, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return g_string_free_to_bytes (text);
}

static GBytes *
too_many_connections_response (const char *message)
{
  return raw_error_response (SOUP_STATUS_SERVICE_UNAVAILABLE, PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
                             message, "Retry-After: 1\r\n");
}

/* The answer soup would write for @msg, to write it ourselves. */
static GBytes *
message_to_response (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  SoupMessageHeadersIter iter;
  guint status = soup_server_message_get_status (msg);
  GString *text = g_string_new (NULL);
  const char *name, *value;

  g_string_printf (text, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Connection") != 0 &&
        g_ascii_strcasecmp (name, "Transfer-Encoding") != 0)
      g_string_append_printf (text, "%s: %s\r\n", name, value);
  g_string_append_printf (text, "Content-Length: %zu\r\nConnection: close\r\n\r\n", g_bytes_get_size (body));
  g_string_append_len (text, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return g_string_free_to_bytes (text);
}

static void
reserve_remove (Connection *conn)
{
  if (conn->reserve)
    {
      g_queue_remove (&conn->server->reserve, conn);
      conn->reserve = FALSE;
    }
}

/* Sends @response and ends the connection: our FIN follows the answer,
 * the client has LINGER_SECONDS to close, and what it sends meanwhile
 * (a body nobody will read) is dropped, never handed to soup. */
static void
connection_refuse (Connection *conn,
                   GBytes     *response,
                   guint       status)
{
  if (conn->state == CONNECTION_REFUSED || conn->stream == NULL)
    return;

  conn->state = CONNECTION_REFUSED;
  conn->refused_status = status;
  /* A dying connection holds no reserve place. */
  reserve_remove (conn);
  connection_clear_hangup_watch (conn);
  porthole_connection_stream_refuse (conn->stream, response);
  g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  connection_set_deadline (conn, LINGER_SECONDS);
}

static void
on_header_too_large (PortholeConnectionStream *stream,
                     Connection               *conn)
{
  g_autofree char *message = g_strdup_printf ("Request header block larger than %u KiB", MAX_HEADER_BLOCK / 1024);
  g_autoptr(GBytes) response = raw_error_response (STATUS_HEADER_FIELDS_TOO_LARGE,
                                                   PORTHOLE_ERROR_PAYLOAD_TOO_LARGE, message, NULL);

  connection_refuse (conn, response, STATUS_HEADER_FIELDS_TOO_LARGE);
}

static void
on_framing_invalid (PortholeConnectionStream *stream,
                    Connection               *conn)
{
  g_autoptr(GBytes) response = raw_error_response (SOUP_STATUS_BAD_REQUEST, PORTHOLE_ERROR_INVALID_REQUEST,
                                                   "Invalid Content-Length, Transfer-Encoding or Host", NULL);

  connection_refuse (conn, response, SOUP_STATUS_BAD_REQUEST);
}

/* Accepting */

static void
refuse_over_capacity (PortholeHttpServer *self,
                      GSocket            *socket,
                      const char         *message)
{
  g_autoptr(GBytes) response = too_many_connections_response (message);

  /* Small enough for the socket buffer of a fresh connection; whatever
   * does not fit is dropped with the connection. */
  g_socket_send (socket, g_bytes_get_data (response, NULL), g_bytes_get_size (response), NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_socket_close (socket, NULL);
}

static char *
address_key (GSocketAddress *address)
{
  if (G_IS_INET_SOCKET_ADDRESS (address))
    return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));

  return g_strdup ("unix");
}

/* Whether a reserve connection still waiting for its first request may
 * give its place to a newcomer: yes if it sent nothing (an idle socket
 * must not keep a health check out) or a request the reserve refuses
 * anyway; no if a request for a public route has arrived that soup has
 * not read yet. That is a health check accepted just before its request
 * came, which a burst of loopback connections past the caps pushed out
 * (bench/hostile, slow bodies with a token). */
static gboolean
reserve_may_evict (PortholeHttpServer *self,
                   Connection         *conn)
{
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *allowed = NULL;
  const PortholeRoute *route = NULL;
  char head[256];
  char *path, *end;
  gssize n;

  if (conn->state != CONNECTION_WAITING || conn->n_requests != 0)
    return FALSE;

  n = recv (g_socket_get_fd (conn->socket), head, sizeof head - 1, MSG_PEEK | MSG_DONTWAIT);
  if (n <= 0)
    return TRUE;
  head[n] = '\0';

  /* "METHOD /path[?query] HTTP/1.1"; what is not (yet) one, or not
   * plain text (TLS), is no public request. */
  path = strchr (head, ' ');
  if (path == NULL)
    return TRUE;
  *path++ = '\0';
  end = path + strcspn (path, " ?\r\n");
  if (*end == '\0')
    return TRUE;
  *end = '\0';

  return porthole_router_lookup (self->router, head, path, &route, &params, &allowed) != PORTHOLE_ROUTER_FOUND ||
         !(route->flags & PORTHOLE_ROUTE_FLAGS_PUBLIC);
}

/* A reserve place for a new loopback connection: free, or taken from the
 * oldest reserve connection that may give it up (reserve_may_evict). */
static gboolean
reserve_has_room (PortholeHttpServer *self)
{
  if (self->reserve.length < LOOPBACK_RESERVE)
    return TRUE;

  for (GList *l = self->reserve.head; l != NULL; l = l->next)
    {
      Connection *conn = l->data;

      if (reserve_may_evict (self, conn))
        {
          g_autoptr(GBytes) response = too_many_connections_response ("Too many connections; try again later");

          connection_refuse (conn, response, SOUP_STATUS_SERVICE_UNAVAILABLE);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * porthole_http_server_accept:
 * @socket: a connected socket (TCP, or one end of a socketpair)
 *
 * Serves @socket as a connection of its own, counted, limited and timed
 * like the ones the listeners accept. The fuzz targets feed requests
 * through it.
 */
void
porthole_http_server_accept (PortholeHttpServer *self,
                             GSocket            *socket)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint held;
  gboolean reserve = FALSE;
  Connection *conn;

  remote = g_socket_get_remote_address (socket, NULL);
  if (remote == NULL)
    remote = g_unix_socket_address_new ("");
  address = address_key (remote);
  held = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));

  if (self->n_counted >= porthole_config_get_max_connections (self->config) ||
      held >= porthole_config_get_max_connections_per_address (self->config))
    {
      const char *message = held >= porthole_config_get_max_connections_per_address (self->config)
                            ? "Too many connections from this address; try again later"
                            : "Too many connections; try again later";

      if (!address_is_loopback (remote) || !reserve_has_room (self))
        {
          refuse_over_capacity (self, socket, message);
          return;
        }
      reserve = TRUE;
    }

  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  local = g_socket_get_local_address (socket, NULL);

  connection = g_socket_connection_factory_create_connection (socket);
  if (self->tls_certificate != NULL)
    {
      stream = (GIOStream *) g_tls_server_connection_new (G_IO_STREAM (connection),
                                                           self->tls_certificate, &error);
      if (stream == NULL)
        {
          g_warning ("Could not set up TLS for a connection: %s", error->message);
          return;
        }
    }
  else
    stream = g_object_ref (G_IO_STREAM (connection));

  conn = g_new0 (Connection, 1);
  conn->server = self;
  conn->deadline_at = -1;
  conn->socket = g_object_ref (socket);
  conn->local = g_steal_pointer (&local);
  conn->remote = g_steal_pointer (&remote);
  conn->stream = porthole_connection_stream_new (stream);
  conn->state = CONNECTION_WAITING;
  if (reserve)
    {
      conn->reserve = TRUE;
      g_queue_push_tail (&self->reserve, conn);
    }
  else
    {
      conn->address = g_steal_pointer (&address);
      g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (held + 1));
      self->n_counted++;
    }
  g_hash_table_add (self->connections, conn);
  g_object_weak_ref (G_OBJECT (conn->stream), connection_gone, conn);
  porthole_connection_stream_expect_request (conn->stream, MAX_HEADER_BLOCK);
  g_signal_connect (conn->stream, "header-too-large", G_CALLBACK (on_header_too_large), conn);
  g_signal_connect (conn->stream, "framing-invalid", G_CALLBACK (on_framing_invalid), conn);

  /* soup keeps the remote address with the connection and hands it back
   * for each message: that is how a message finds its record. */
  g_object_set_data (G_OBJECT (conn->remote), connection_key, conn);

  soup_server_accept_iostream (self->soup, G_IO_STREAM (conn->stream), conn->local, conn->remote, NULL);
  /* soup holds it now; we only watch it. */
  g_object_unref (conn->stream);
}

static void
accept_one (GSocket  *socket,
            gpointer  user_data)
{
  porthole_http_server_accept (user_data, socket);
}

/* Request ids */

static gboolean
request_id_is_sane (const char *id)
{
  gsize length = id ? strlen (id) : 0;

  if (length == 0 || length > 128)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("._:-", id[i]) == NULL)
      return FALSE;

  return TRUE;
}

/* Soup signals */

static void
on_request_started (PortholeHttpServer *self,
                    SoupServerMessage  *msg)
{
  Connection *conn = connection_for_message (msg);
  g_autofree char *request_id = porthole_request_id_new ();

  /* Even answers soup makes on its own (400 for a broken request line)
   * carry an id; the early handler replaces it with the client's. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                PORTHOLE_HEADER_REQUEST_ID, request_id);

  if (conn == NULL || conn->state == CONNECTION_REFUSED)
    return;

  if (conn->stream != NULL)
    porthole_connection_stream_set_idle (conn->stream, FALSE);
  conn->state = CONNECTION_WAITING;
  if (conn->reserve)
    connection_set_deadline (conn, MIN (porthole_config_get_header_timeout (self->config), RESERVE_HEADER_SECONDS));
  else
    connection_set_deadline (conn, conn->n_requests == 0
                                   ? porthole_config_get_header_timeout (self->config)
                                   : porthole_config_get_idle_timeout (self->config));
}

static gsize
route_body_limit (PortholeHttpServer *self,
                  PortholeRequest    *req)
{
  const PortholeRoute *route = porthole_request_get_route (req);

  if (route != NULL && route->get_body_limit != NULL)
    return route->get_body_limit (req);
  if (route != NULL && route->body_limit != 0)
    return route->body_limit;

  return porthole_config_get_max_body_size (self->config);
}

/* The body has body-timeout, and one more second for every
 * body-min-rate bytes that arrive: a total, which trickling bytes cannot
 * push back (issue 16, item 8). */
static void
connection_extend_body_deadline (PortholeHttpServer *self,
                                 Connection         *conn,
                                 gsize               received)
{
  guint rate = porthole_config_get_body_min_rate (self->config);
  gint64 allowed = porthole_config_get_body_timeout (self->config) * G_USEC_PER_SEC;

  if (rate > 0)
    allowed += (gint64) MIN (received / rate, (gsize) G_MAXINT32) * G_USEC_PER_SEC;
  connection_set_deadline_at (conn, conn->body_started + allowed);
}

static void refuse_body (PortholeHttpServer *self,
                         SoupServerMessage  *msg);

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              PortholeRequest   *req)
{
  PortholeHttpServer *self = porthole_daemon_get_http_server (porthole_request_get_daemon (req));
  Connection *conn = connection_for_message (msg);
  gsize *received = g_object_get_data (G_OBJECT (req), "porthole-body-received");
  gsize limit;

  *received += g_bytes_get_size (chunk);

  if (conn != NULL && conn->state == CONNECTION_READING)
    connection_extend_body_deadline (self, conn, *received);

  if (porthole_request_is_replied (req))
    return;

  limit = route_body_limit (self, req);
  if (*received > limit)
    {
      /* A chunked body that grew past the limit: answered now. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_PAYLOAD_TOO_LARGE, NULL,
                                    "Request body larger than %zu bytes", limit);
      refuse_body (self, msg);
      return;
    }

  if (porthole_request_get_body_stream (req) != NULL)
    {
      g_autoptr(GError) error = NULL;
      GOutputStream *stream = porthole_request_get_body_stream (req);

      if (_porthole_request_get_body_error (req) == NULL &&
          !g_output_stream_write_all (stream, g_bytes_get_data (chunk, NULL),
                                      g_bytes_get_size (chunk), NULL, NULL, &error))
        {
          /* Keep reading (and dropping) the body; the error is the answer. */
          _porthole_request_take_body_error (req, g_steal_pointer (&error));
          g_output_stream_close (stream, NULL, NULL);
        }
    }
}

/* After an answer set in the early handler: a request with a body to
 * come is answered now, by us, and its connection ended, instead of
 * soup reading the whole body first (as slowly as the client likes, from
 * a client that may not even have a token: issue 16, item 8). Without a
 * body, soup answers as usual. */
static void
refuse_body (PortholeHttpServer *self,
             SoupServerMessage  *msg)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  Connection *conn = connection_for_message (msg);
  g_autoptr(GBytes) response = NULL;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (soup_message_headers_get_encoding (request_headers) == SOUP_ENCODING_NONE ||
      (soup_message_headers_get_encoding (request_headers) == SOUP_ENCODING_CONTENT_LENGTH &&
       soup_message_headers_get_content_length (request_headers) == 0))
    return;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  if (conn == NULL)
    return;

  response = message_to_response (msg);
  connection_refuse (conn, response, soup_server_message_get_status (msg));
}

static void
early_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  PortholeHttpServer *self = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  Connection *conn = connection_for_message (msg);
  g_autoptr(PortholeRequest) req = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *generated_id = NULL;
  g_autoptr(GError) error = NULL;
  const PortholeRoute *route = NULL;
  PortholeRouterResult found;
  const char *request_id;
  gint64 expires = 0;
  goffset length;
  gsize limit;

  if (conn != NULL && conn->stream != NULL &&
      (porthole_connection_stream_is_ending (conn->stream) || conn->state == CONNECTION_REFUSED))
    {
      /* The connection ended while idle (or was refused): answer the
       * stand-in request without doing anything, so soup finishes it and
       * lets go. */
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      return;
    }

  if (conn != NULL)
    {
      conn->n_requests++;
      conn->state = CONNECTION_READING;
      conn->body_started = g_get_monotonic_time ();
      connection_extend_body_deadline (self, conn, 0);
    }

  request_id = soup_message_headers_get_one (request_headers, PORTHOLE_HEADER_REQUEST_ID);
  if (!request_id_is_sane (request_id))
    request_id = generated_id = porthole_request_id_new ();
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                PORTHOLE_HEADER_REQUEST_ID, request_id);

  found = porthole_router_lookup (self->router, soup_server_message_get_method (msg), path,
                                  &route, &params, &allowed);

  req = porthole_request_new (self->daemon, msg, route, params, query, request_id);
  g_object_set_data_full (G_OBJECT (msg), request_key, g_object_ref (req), g_object_unref);
  g_object_set_data_full (G_OBJECT (req), "porthole-body-received", g_new0 (gsize, 1), g_free);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (on_got_chunk), req, 0);
  g_hash_table_add (self->active_requests, g_object_ref (req));

  /* A restart serves what it accepted, then lets the connection go;
   * so does a reserve connection (see porthole_http_server_accept()). */
  if (self->draining || (conn != NULL && conn->reserve))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  if (self->stopping && !self->draining)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_SERVICE_UNAVAILABLE, NULL,
                                    "portholed is shutting down");
      refuse_body (self, msg);
      return;
    }

  if (conn != NULL && conn->reserve &&
      (found != PORTHOLE_ROUTER_FOUND || !(route->flags & PORTHOLE_ROUTE_FLAGS_PUBLIC)))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_SERVICE_UNAVAILABLE, NULL,
                                    "Too many connections; only the public routes answer now");
      refuse_body (self, msg);
      return;
    }

  if (found == PORTHOLE_ROUTER_NO_PATH)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "resource", "route");
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_NOT_FOUND, details,
                                    "Route not found: %s", path);
      refuse_body (self, msg);
      return;
    }

  if (found == PORTHOLE_ROUTER_NO_METHOD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_METHOD_NOT_ALLOWED, NULL,
                                    "Method %s not allowed for %s (allowed: %s)",
                                    soup_server_message_get_method (msg), path, allowed);
      refuse_body (self, msg);
      return;
    }

  /* Authentication comes before anything else reads or does work. */
  if (!(route->flags & PORTHOLE_ROUTE_FLAGS_PUBLIC) &&
      !porthole_auth_check_message (self->auth, msg, query,
                                    (route->flags & PORTHOLE_ROUTE_FLAGS_WEBSOCKET) != 0,
                                    &expires, &error))
    {
      porthole_request_reply_gerror (req, error);
      refuse_body (self, msg);
      return;
    }
  porthole_request_set_token_expiry (req, expires);

  limit = route_body_limit (self, req);
  length = soup_message_headers_get_encoding (request_headers) == SOUP_ENCODING_CONTENT_LENGTH
           ? soup_message_headers_get_content_length (request_headers) : 0;
  if (length > 0 && (guint64) length > limit)
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_PAYLOAD_TOO_LARGE, NULL,
                                    "Request body of %" G_GOFFSET_FORMAT " bytes is larger than %zu bytes",
                                    length, limit);
      refuse_body (self, msg);
      return;
    }

  if ((route->flags & PORTHOLE_ROUTE_FLAGS_STREAM_BODY) && route->open_body != NULL)
    {
      g_autoptr(GOutputStream) stream = NULL;
      g_auto(PortholeFsIdentity) identity = { 0 };

      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      if (route->flags & PORTHOLE_ROUTE_FLAGS_AS_USER)
        porthole_fs_as_user_begin (&identity);
      stream = route->open_body (req, &error);
      if (stream == NULL)
        {
          porthole_request_reply_gerror (req, error);
          refuse_body (self, msg);
          return;
        }
      _porthole_request_set_body_stream (req, stream);
    }
}

static gboolean
websocket_origin_allowed (PortholeHttpServer *self,
                          SoupServerMessage  *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *const *allowed = porthole_config_get_ws_allowed_origins (self->config);
  const char *host = soup_message_headers_get_one (headers, "Host");
  const char *origin_host;

  /* The SDK clients send no Origin (API.md §1.9); browsers always do. */
  if (origin == NULL)
    return TRUE;

  if (allowed != NULL && g_strv_contains (allowed, origin))
    return TRUE;

  /* Same origin: the page came from this daemon. */
  origin_host = strstr (origin, "://");
  return host != NULL && origin_host != NULL && g_ascii_strcasecmp (origin_host + 3, host) == 0;
}

static void
on_message_too_big (PortholeWsLimitStream   *stream,
                    SoupWebsocketConnection *ws)
{
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "message too big");
}

static void
complete_upgrade (SoupServerMessage *msg,
                  PortholeRequest   *req)
{
  PortholeHttpServer *self = porthole_daemon_get_http_server (porthole_request_get_daemon (req));
  const PortholeRoute *route = porthole_request_get_route (req);
  Connection *conn = connection_for_message (msg);
  g_autoptr(SoupWebsocketConnection) ws = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(PortholeWsLimitStream) limited = NULL;
  g_autoptr(PortholeRequest) hold = g_object_ref (req);
  gsize max_message_size = porthole_config_get_ws_max_message_size (self->config);

  g_signal_handlers_disconnect_by_func (msg, complete_upgrade, req);

  if (conn != NULL)
    {
      conn->state = CONNECTION_UPGRADED;
      conn->current = NULL;
      connection_clear_deadline (conn);
      connection_clear_hangup_watch (conn);
    }

  /* ws-max-message-size caps whole messages, which soup cannot (see
   * porthole-ws-limit-stream.c); soup's own frame cap stays as a second
   * line (and must stay set, CVE-2026-0716). */
  stream = soup_server_message_steal_connection (msg);
  limited = porthole_ws_limit_stream_new (stream, max_message_size);
  ws = soup_websocket_connection_new (G_IO_STREAM (limited), soup_server_message_get_uri (msg),
                                      SOUP_WEBSOCKET_CONNECTION_SERVER,
                                      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin"),
                                      soup_message_headers_get_one (soup_server_message_get_response_headers (msg),
                                                                    "Sec-WebSocket-Protocol"),
                                      NULL);
  g_signal_connect_object (limited, "too-big", G_CALLBACK (on_message_too_big), ws, 0);
  /* For the channel's kernel-backlog check (TCP_NODELAY is set already). */
  if (conn != NULL)
    g_object_set_data_full (G_OBJECT (ws), "porthole-socket", g_object_ref (conn->socket), g_object_unref);
  soup_websocket_connection_set_max_incoming_payload_size (ws, max_message_size);
  soup_websocket_connection_set_keepalive_interval (ws, porthole_config_get_ws_keepalive_interval (self->config));

  /* A stolen message never emits "finished"; account for it here. */
  g_hash_table_remove (self->active_requests, req);
  g_object_set_data (G_OBJECT (msg), request_key, NULL);
  g_signal_emit (self, signals[REQUEST_DONE], 0, route, soup_server_message_get_method (msg),
                 SOUP_STATUS_SWITCHING_PROTOCOLS,
                 g_get_monotonic_time () - porthole_request_get_start_time (req),
                 porthole_request_get_id (req));

  {
    g_auto(PortholeFsIdentity) identity = { 0 };

    if (route->flags & PORTHOLE_ROUTE_FLAGS_AS_USER)
      porthole_fs_as_user_begin (&identity);
    route->websocket (req, ws);
  }
}

static gboolean
is_upgrade_request (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return soup_message_headers_header_contains (headers, "Connection", "upgrade") &&
         soup_message_headers_header_equals (headers, "Upgrade", "websocket");
}

static void
upgrade (PortholeHttpServer *self,
         PortholeRequest    *req,
         SoupServerMessage  *msg)
{
  const PortholeRoute *route = porthole_request_get_route (req);
  g_autoptr(GError) error = NULL;

  if (!websocket_origin_allowed (self, msg))
    {
      porthole_request_reply_error (req, SOUP_STATUS_FORBIDDEN, PORTHOLE_ERROR_PERMISSION_DENIED, NULL,
                                    "WebSocket origin not allowed");
      return;
    }

  /* No extensions are offered: permessage-deflate is never negotiated
   * (SECURITY.md G9), whatever the client proposes. */
  if (!soup_websocket_server_check_handshake (msg, NULL, (char **) route->websocket_protocols, NULL, &error))
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_REQUEST, NULL,
                                    "Invalid WebSocket handshake: %s", error->message);
      return;
    }

  /* A session over its cap is refused here, as HTTP, rather than
   * accepted and closed at once. */
  if (route->websocket_admit != NULL && !route->websocket_admit (req, &error))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      porthole_request_reply_gerror (req, error);
      return;
    }

  soup_websocket_server_process_handshake (msg, NULL, (char **) route->websocket_protocols, NULL, NULL);
  _porthole_request_mark_upgraded (req);
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (complete_upgrade), req, 0);
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  PortholeHttpServer *self = user_data;
  PortholeRequest *req = g_object_get_data (G_OBJECT (msg), request_key);
  Connection *conn = connection_for_message (msg);
  const PortholeRoute *route;

  if (req == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }

  route = porthole_request_get_route (req);

  if (conn != NULL)
    {
      conn->state = CONNECTION_PROCESSING;
      conn->current = req;
      connection_clear_deadline (conn);
    }

  if (route->websocket != NULL && is_upgrade_request (msg))
    {
      upgrade (self, req, msg);
      return;
    }

  if (route->handler == NULL && route->websocket != NULL && !is_upgrade_request (msg))
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_REQUEST, NULL,
                                    "%s is a WebSocket endpoint: send an Upgrade request",
                                    route->path);
      return;
    }

  _porthole_request_dispatch (req);

  if (conn != NULL && !porthole_request_is_replied (req))
    connection_watch_hangup (conn);
}

/* The end of a request, whichever way it ended: metrics, the log line,
 * and the connection back to waiting for the next one. */
static void
request_done (PortholeHttpServer *self,
              SoupServerMessage  *msg)
{
  PortholeRequest *req = g_object_get_data (G_OBJECT (msg), request_key);
  Connection *conn = connection_for_message (msg);
  guint status = soup_server_message_get_status (msg);

  if (conn != NULL && conn->state == CONNECTION_REFUSED)
    {
      /* soup saw the connection fail; the client got our answer. */
      conn->current = NULL;
      status = conn->refused_status;
    }
  else if (conn != NULL && conn->state != CONNECTION_UPGRADED)
    {
      conn->current = NULL;
      connection_clear_hangup_watch (conn);
      conn->state = CONNECTION_WAITING;
      if (conn->stream != NULL)
        {
          porthole_connection_stream_set_idle (conn->stream, TRUE);
          porthole_connection_stream_expect_request (conn->stream, MAX_HEADER_BLOCK);
        }
      connection_set_deadline (conn, porthole_config_get_idle_timeout (self->config));
    }

  if (req == NULL)
    return;

  g_signal_emit (self, signals[REQUEST_DONE], 0,
                 porthole_request_get_route (req),
                 soup_server_message_get_method (msg),
                 status,
                 g_get_monotonic_time () - porthole_request_get_start_time (req),
                 porthole_request_get_id (req));

  g_hash_table_remove (self->active_requests, req);
  /* The request holds the message until its handler lets go; the
   * message must not hold the request back, or neither is ever freed. */
  g_object_set_data (G_OBJECT (msg), request_key, NULL);
}

/* Listening */

static gboolean
parse_listen_address (const char      *text,
                      GSocketAddress **address,
                      GError         **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  guint64 port;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end[1] != ':')
        goto invalid;
      host = g_strndup (text + 1, end - text - 1);
      colon = end + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        goto invalid;
      host = g_strndup (text, colon - text);
    }

  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto invalid;

  if (host[0] == '\0' || g_str_equal (host, "*"))
    {
      g_free (host);
      host = g_strdup ("0.0.0.0");
    }
  else if (g_str_equal (host, "localhost"))
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }

  *address = g_inet_socket_address_new_from_string (host, port);
  if (*address == NULL)
    goto invalid;

  return TRUE;

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "Invalid listen address %s (expected ADDRESS:PORT or [IPv6]:PORT)", text);
  return FALSE;
}

static gboolean
address_is_loopback (GSocketAddress *address)
{
  if (G_IS_UNIX_SOCKET_ADDRESS (address))
    return TRUE;

  return G_IS_INET_SOCKET_ADDRESS (address) &&
         g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
add_listener (PortholeHttpServer  *self,
              GSocket             *socket,
              GError             **error)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, error);
  PortholeHttpListener *listener;

  if (local == NULL)
    return FALSE;

  if (porthole_config_get_insecure_no_auth (self->config) && !address_is_loopback (local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "--insecure-no-auth is refused unless every listen address is loopback");
      return FALSE;
    }

  /* A restart hands over duplicates of the listening sockets, never
   * these. */
  listener = porthole_http_listener_new (self->soup, socket, accept_one, self, error);
  if (listener == NULL)
    return FALSE;
  g_ptr_array_add (self->listeners, listener);

  return TRUE;
}

/* An inherited socket (a restart's, systemd's) may already be bound to
 * a configured address: it serves that address, binding again would
 * fail. */
static gboolean
is_inherited (PortholeHttpServer *self,
              GSocketAddress     *address)
{
  GInetSocketAddress *wanted = G_INET_SOCKET_ADDRESS (address);

  if (g_inet_socket_address_get_port (wanted) == 0)
    return FALSE;

  for (guint i = 0; i < self->listeners->len; i++)
    {
      PortholeHttpListener *listener = g_ptr_array_index (self->listeners, i);
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (porthole_http_listener_get_socket (listener), NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local) &&
          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) == g_inet_socket_address_get_port (wanted) &&
          g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)),
                                g_inet_socket_address_get_address (wanted)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
listen_on (PortholeHttpServer  *self,
           const char          *text,
           gboolean             is_default,
           GError             **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;
  GSocketFamily family;

  if (!parse_listen_address (text, &address, error))
    return FALSE;

  if (G_IS_INET_SOCKET_ADDRESS (address) && is_inherited (self, address))
    return TRUE;

  family = g_socket_address_get_family (address);
  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &local_error);
  if (socket == NULL && is_default && family == G_SOCKET_FAMILY_IPV6)
    {
      g_debug ("No IPv6 here (%s); listening on IPv4 only", local_error->message);
      return TRUE;
    }
  if (socket == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* [::] and 0.0.0.0 on the same port must not collide. */
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_listen_backlog (socket, 1024);

  if (!g_socket_bind (socket, address, TRUE, &local_error))
    {
      if (is_default && family == G_SOCKET_FAMILY_IPV6 &&
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        return TRUE;
      g_set_error (error, G_IO_ERROR, local_error->code, "Cannot listen on %s: %s",
                   text, local_error->message);
      return FALSE;
    }

  if (!g_socket_listen (socket, error))
    return FALSE;

  return add_listener (self, socket, error);
}

/* GObject */

static void
porthole_http_server_dispose (GObject *object)
{
  PortholeHttpServer *self = (PortholeHttpServer *)object;

  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->active_requests, g_hash_table_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);
  g_clear_object (&self->router);
  g_clear_object (&self->auth);
  g_clear_object (&self->config);
  g_clear_object (&self->tls_certificate);

  G_OBJECT_CLASS (porthole_http_server_parent_class)->dispose (object);
}

static void
porthole_http_server_class_init (PortholeHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_http_server_dispose;

  /**
   * PortholeHttpServer::request-done:
   * @route: (nullable): the matched route (a `const PortholeRoute *`)
   * @method: the request method
   * @status: the status sent
   * @duration: microseconds from headers to the end of the answer
   * @request_id: the request id
   *
   * For metrics and the request log.
   */
  signals[REQUEST_DONE] =
    g_signal_new ("request-done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5,
                  G_TYPE_POINTER, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_INT64, G_TYPE_STRING);
}

static void
connection_forget (gpointer data)
{
  Connection *conn = data;
  PortholeHttpServer *self = conn->server;

  if (conn->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (conn->stream, conn);
      g_object_weak_unref (G_OBJECT (conn->stream), connection_gone, conn);
    }
  reserve_remove (conn);
  if (conn->address != NULL)
    {
      guint held = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->address));

      if (held > 1)
        g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (held - 1));
      else
        g_hash_table_remove (self->per_address, conn->address);
      self->n_counted--;
    }
  connection_free (conn);
}

static void
porthole_http_server_init (PortholeHttpServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func (g_object_unref);
  self->connections = g_hash_table_new_full (NULL, NULL, connection_forget, NULL);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->reserve);
  self->active_requests = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

PortholeHttpServer *
porthole_http_server_new (PortholeDaemon *daemon)
{
  PortholeHttpServer *self = g_object_new (PORTHOLE_TYPE_HTTP_SERVER, NULL);
  const PortholeRoute *routes;
  guint n_routes;

  /* The daemon owns us; a strong reference back would be a cycle. */
  self->daemon = daemon;
  self->config = g_object_ref (porthole_daemon_get_config (daemon));
  self->auth = g_object_ref (porthole_daemon_get_auth (daemon));

  routes = porthole_routes_get (&n_routes);
  self->router = porthole_router_new (routes, n_routes);

  return self;
}

/**
 * porthole_http_server_start:
 *
 * Binds every configured address (and takes over the --listen-fd
 * sockets) and starts accepting.
 */
gboolean
porthole_http_server_start (PortholeHttpServer  *self,
                            GError             **error)
{
  const char *const *addresses = porthole_config_get_listen (self->config);
  const char *tls_cert = porthole_config_get_tls_cert (self->config);
  g_autofree char *server_header = NULL;
  const int *fds;
  guint n_fds;

  g_return_val_if_fail (PORTHOLE_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  if (tls_cert != NULL)
    {
      self->tls_certificate = g_tls_certificate_new_from_files (tls_cert,
                                                                porthole_config_get_tls_key (self->config),
                                                                error);
      if (self->tls_certificate == NULL)
        return FALSE;
    }

  server_header = g_strdup_printf ("portholed/%s ", porthole_version_get ());
  self->soup = soup_server_new ("server-header", server_header, NULL);
  /* permessage-deflate is on by default in soup 3.2 (SECURITY.md §0.3). */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler, self, NULL);
  g_signal_connect_object (self->soup, "request-started", G_CALLBACK (on_request_started),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->soup, "request-finished", G_CALLBACK (request_done),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->soup, "request-aborted", G_CALLBACK (request_done),
                           self, G_CONNECT_SWAPPED);

  fds = porthole_config_get_listen_fds (self->config, &n_fds);
  for (guint i = 0; i < n_fds; i++)
    {
      g_autoptr(GSocket) socket = g_socket_new_from_fd (fds[i], error);

      if (socket == NULL || !add_listener (self, socket, error))
        return FALSE;
    }

  for (guint i = 0; addresses && addresses[i]; i++)
    {
      if (!listen_on (self, addresses[i], porthole_config_get_listen_is_default (self->config), error))
        return FALSE;
    }

  if (self->listeners->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing to listen on");
      return FALSE;
    }

  return TRUE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  PortholeHttpServer *self = user_data;

  self->stop_timeout_id = 0;
  soup_server_disconnect (self->soup);

  return G_SOURCE_REMOVE;
}

static void
begin_stop (PortholeHttpServer *self,
            gboolean            drain)
{
  g_autoptr(GPtrArray) connections = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->stopping || self->soup == NULL)
    return;

  self->stopping = TRUE;
  self->draining = drain;
  g_ptr_array_set_size (self->listeners, 0);

  /* Closing and cancelling may end a connection or a request at once,
   * dropping it from its table: visit copies. */
  connections = g_ptr_array_sized_new (g_hash_table_size (self->connections));
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (connections, key);
  for (guint i = 0; i < connections->len; i++)
    {
      Connection *conn = g_ptr_array_index (connections, i);

      if (!g_hash_table_contains (self->connections, conn) || conn->state != CONNECTION_WAITING)
        continue;
      /* Accepted, its request not read yet: a restart gives it a little
       * time; kept-alive idle ones may be closed, as clients expect. */
      if (drain && conn->n_requests == 0)
        connection_set_deadline (conn, DRAIN_GRACE_SECONDS);
      else
        connection_close (conn);
    }

  if (!drain)
    {
      g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);

      g_hash_table_iter_init (&iter, self->active_requests);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (requests, g_object_ref (key));
      for (guint i = 0; i < requests->len; i++)
        g_cancellable_cancel (porthole_request_get_cancellable (g_ptr_array_index (requests, i)));
    }

  self->stop_timeout_id = g_timeout_add_seconds (STOP_GRACE_SECONDS, stop_timeout_cb, self);
}

/**
 * porthole_http_server_stop:
 *
 * Stops accepting, closes idle connections, cancels requests in flight
 * and drops every connection after a short grace.
 */
void
porthole_http_server_stop (PortholeHttpServer *self)
{
  g_return_if_fail (PORTHOLE_IS_HTTP_SERVER (self));

  begin_stop (self, FALSE);
}

/**
 * porthole_http_server_drain:
 *
 * Stops accepting, for a restart that keeps the listening sockets: new
 * connections wait in the kernel for the next daemon. Connections
 * accepted already may still send a request, which is answered (with
 * `Connection: close`) rather than refused, and requests in flight are
 * not cancelled. porthole_http_server_is_drained() says when nothing is
 * left.
 */
void
porthole_http_server_drain (PortholeHttpServer *self)
{
  g_return_if_fail (PORTHOLE_IS_HTTP_SERVER (self));

  begin_stop (self, TRUE);
}

/**
 * porthole_http_server_is_drained:
 *
 * Returns: %TRUE when no request is in progress and no connection is
 *   left
 */
gboolean
porthole_http_server_is_drained (PortholeHttpServer *self)
{
  return g_hash_table_size (self->active_requests) == 0 && g_hash_table_size (self->connections) == 0;
}

/**
 * porthole_http_server_get_n_active:
 *
 * Returns: requests being read or processed, not counting WebSockets
 */
guint
porthole_http_server_get_n_active (PortholeHttpServer *self)
{
  return g_hash_table_size (self->active_requests);
}

guint
porthole_http_server_get_n_connections (PortholeHttpServer *self)
{
  return g_hash_table_size (self->connections);
}

/**
 * porthole_http_server_get_port:
 *
 * Returns: the TCP port of the first listening socket, or 0
 */
guint
porthole_http_server_get_port (PortholeHttpServer *self)
{
  for (guint i = 0; self->listeners && i < self->listeners->len; i++)
    {
      PortholeHttpListener *listener = g_ptr_array_index (self->listeners, i);
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (porthole_http_listener_get_socket (listener), NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }

  return 0;
}

/**
 * porthole_http_server_get_message_socket:
 *
 * soup does not know the sockets of the connections it is handed.
 *
 * Returns: (transfer none) (nullable): the socket @msg arrived on
 */
GSocket *
porthole_http_server_get_message_socket (SoupServerMessage *msg)
{
  Connection *conn = connection_for_message (msg);

  return conn ? conn->socket : NULL;
}

/**
 * porthole_http_server_get_listen_sockets:
 *
 * Returns: (transfer container) (element-type GSocket): the listening
 *   sockets, for handing over to a new daemon binary
 */
GPtrArray *
porthole_http_server_get_listen_sockets (PortholeHttpServer *self)
{
  GPtrArray *sockets = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; self->listeners && i < self->listeners->len; i++)
    {
      PortholeHttpListener *listener = g_ptr_array_index (self->listeners, i);

      g_ptr_array_add (sockets, g_object_ref (porthole_http_listener_get_socket (listener)));
    }

  return sockets;
}

/**
 * porthole_http_server_origin_allowed:
 *
 * The WebSocket rule, for other routes that browsers must not reach from
 * another site (/mcp).
 *
 * Returns: %TRUE if @msg has no Origin, or this daemon's own, or one
 *   listed in ws-allowed-origin
 */
gboolean
porthole_http_server_origin_allowed (SoupServerMessage *msg)
{
  Connection *conn = connection_for_message (msg);

  if (conn == NULL)
    return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin") == NULL;

  return websocket_origin_allowed (conn->server, msg);
}
