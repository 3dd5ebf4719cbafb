/* porthole-http-listener.c
 *
 * libsoup 3.2's own listener stops accepting for good after one failed
 * accept(), and leaks the socket of every connection it accepted once
 * the client closes it (fixed in 3.3.0, commit d20c6601). So portholed
 * and porthole-hub accept connections here and hand each to the
 * SoupServer with soup_server_accept_iostream(), through a
 * PortholeConnectionStream (see porthole-connection-stream.c for the
 * kept-alive half of that leak).
 *
 * soup keeps connections alive only while it owns a listener (3.2.3
 * request_finished()), so it still gets one for each socket, attached to
 * a context nobody iterates: we accept, it never does.
 *
 * The caller's accept function decides about each connection (portholed:
 * caps, TLS, deadlines). Without one, the listener serves connections
 * plainly: a PortholeConnectionStream each, kept idle between requests,
 * and porthole_http_listener_answer_connection_end() for the early
 * handler.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "porthole-connection-stream.h"
#include "porthole-http-listener.h"

/* Accepts per dispatch of a listening socket, so one busy port cannot
 * starve the main loop. */
#define ACCEPT_BATCH 32

struct _PortholeHttpListener
{
  GObject parent_instance;

  SoupServer *soup;
  GSocket *socket;
  GSource *source;
  guint retry_id;
  /* Out of descriptors since the last accepted connection: warned once. */
  gboolean exhausted;
  PortholeHttpAcceptFunc accept;
  gpointer user_data;
};

G_DEFINE_FINAL_TYPE (PortholeHttpListener, porthole_http_listener, G_TYPE_OBJECT)

static const char parked_context_key[] = "porthole-parked-context";
static const char plain_key[] = "porthole-plain-connections";
static const char stream_key[] = "porthole-connection-stream";
static const char socket_key[] = "porthole-connection-socket";

static gboolean accept_cb (GSocket      *socket,
                           GIOCondition  condition,
                           gpointer      user_data);

static void
watch (PortholeHttpListener *self)
{
  self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, G_SOURCE_FUNC (accept_cb), self, NULL);
  g_source_set_static_name (self->source, "[porthole] accept");
  g_source_attach (self->source, NULL);
}

static gboolean
retry_cb (gpointer user_data)
{
  PortholeHttpListener *self = user_data;

  self->retry_id = 0;
  watch (self);

  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  PortholeHttpListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);

      if (client != NULL)
        {
          if (self->exhausted)
            g_message ("Accepting connections again");
          self->exhausted = FALSE;
          self->accept (client, self->user_data);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          /* Out of descriptors or memory: pause accepting instead of
           * spinning, and try again shortly; one warning per episode,
           * not ten lines a second into the journal. */
          if (!self->exhausted)
            g_warning ("Cannot accept connections: %s; retrying every 100 ms", error->message);
          else
            g_debug ("accept: %s", error->message);
          self->exhausted = TRUE;
          g_clear_pointer (&self->source, g_source_unref);
          self->retry_id = g_timeout_add (100, retry_cb, self);
          return G_SOURCE_REMOVE;
        }

      /* ECONNABORTED and friends concern that one client only. */
      g_debug ("accept: %s", error->message);
    }

  return G_SOURCE_CONTINUE;
}

/* Plain connections */

static PortholeConnectionStream *
stream_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote ? g_object_get_data (G_OBJECT (remote), stream_key) : NULL;
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg)
{
  PortholeConnectionStream *stream = stream_for_message (msg);

  if (stream != NULL)
    porthole_connection_stream_set_idle (stream, FALSE);
}

static void
on_request_done (SoupServer        *soup,
                 SoupServerMessage *msg)
{
  PortholeConnectionStream *stream = stream_for_message (msg);

  /* An upgraded connection belongs to its new protocol. */
  if (stream != NULL && soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    porthole_connection_stream_set_idle (stream, TRUE);
}

static void
serve_plain (GSocket  *client,
             gpointer  user_data)
{
  PortholeHttpListener *self = user_data;
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (client, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (client, NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(PortholeConnectionStream) stream = NULL;

  /* Gone already. */
  if (local == NULL || remote == NULL)
    return;

  if (g_socket_get_family (client) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  connection = g_socket_connection_factory_create_connection (client);
  stream = porthole_connection_stream_new (G_IO_STREAM (connection));
  /* soup keeps the remote address with the connection and hands it back
   * for each message: that is how a message finds its stream. */
  g_object_set_data_full (G_OBJECT (remote), stream_key, g_object_ref (stream), g_object_unref);
  g_object_set_data_full (G_OBJECT (remote), socket_key, g_object_ref (client), g_object_unref);
  soup_server_accept_iostream (self->soup, G_IO_STREAM (stream), local, remote, NULL);
}

/**
 * porthole_http_listener_answer_connection_end:
 * @msg: a message in the early handler
 *
 * A plain connection that ended between requests reaches soup as one
 * stand-in request (porthole-connection-stream.c). The early handler
 * lets this answer it, without doing anything, so soup lets go.
 *
 * Returns: %TRUE if @msg was that request, now answered
 */
gboolean
porthole_http_listener_answer_connection_end (SoupServerMessage *msg)
{
  PortholeConnectionStream *stream = stream_for_message (msg);

  if (stream == NULL || !porthole_connection_stream_is_ending (stream))
    return FALSE;

  soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  return TRUE;
}

/**
 * porthole_http_listener_get_message_socket:
 *
 * soup does not know the sockets of the connections it is handed.
 *
 * Returns: (transfer none) (nullable): the socket of a plain
 *   connection's @msg
 */
GSocket *
porthole_http_listener_get_message_socket (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote ? g_object_get_data (G_OBJECT (remote), socket_key) : NULL;
}

/* GObject */

static void
porthole_http_listener_dispose (GObject *object)
{
  PortholeHttpListener *self = (PortholeHttpListener *) object;

  /* soup's parked listener stays with the server: connections accepted
   * already are still kept alive. */
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_object (&self->socket);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (porthole_http_listener_parent_class)->dispose (object);
}

static void
porthole_http_listener_class_init (PortholeHttpListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = porthole_http_listener_dispose;
}

static void
porthole_http_listener_init (PortholeHttpListener *self)
{
}

/**
 * porthole_http_listener_new:
 * @soup: the server that answers the connections
 * @socket: a listening socket
 * @accept: (nullable): what to do with each connection; %NULL serves it
 *   plainly
 * @user_data: for @accept
 *
 * Starts accepting on @socket in the thread-default context.
 *
 * Returns: (transfer full) (nullable): the listener; dropping it stops
 *   accepting
 */
PortholeHttpListener *
porthole_http_listener_new (SoupServer              *soup,
                            GSocket                 *socket,
                            PortholeHttpAcceptFunc   accept,
                            gpointer                 user_data,
                            GError                 **error)
{
  g_autoptr(PortholeHttpListener) self = NULL;
  GMainContext *parked = g_object_get_data (G_OBJECT (soup), parked_context_key);
  gboolean listening;

  g_socket_set_blocking (socket, FALSE);
  /* Inherited sockets (--listen-fd, socket activation) may lack it. */
  fcntl (g_socket_get_fd (socket), F_SETFD, FD_CLOEXEC);

  if (parked == NULL)
    {
      parked = g_main_context_new ();
      g_object_set_data_full (G_OBJECT (soup), parked_context_key, parked,
                              (GDestroyNotify) g_main_context_unref);
    }
  g_main_context_push_thread_default (parked);
  listening = soup_server_listen_socket (soup, socket, 0, error);
  g_main_context_pop_thread_default (parked);
  if (!listening)
    return NULL;

  self = g_object_new (PORTHOLE_TYPE_HTTP_LISTENER, NULL);
  self->soup = g_object_ref (soup);
  self->socket = g_object_ref (socket);
  if (accept != NULL)
    {
      self->accept = accept;
      self->user_data = user_data;
    }
  else
    {
      self->accept = serve_plain;
      self->user_data = self;
      if (g_object_get_data (G_OBJECT (soup), plain_key) == NULL)
        {
          g_object_set_data (G_OBJECT (soup), plain_key, GINT_TO_POINTER (TRUE));
          g_signal_connect (soup, "request-started", G_CALLBACK (on_request_started), NULL);
          g_signal_connect (soup, "request-finished", G_CALLBACK (on_request_done), NULL);
          g_signal_connect (soup, "request-aborted", G_CALLBACK (on_request_done), NULL);
        }
    }
  watch (self);

  return g_steal_pointer (&self);
}

/**
 * porthole_http_listener_new_for_address:
 * @address: where to listen (port 0: any free port)
 *
 * Binds @address and serves its connections plainly.
 *
 * Returns: (transfer full) (nullable): the listener
 */
PortholeHttpListener *
porthole_http_listener_new_for_address (SoupServer      *soup,
                                        GSocketAddress  *address,
                                        GError         **error)
{
  GSocketFamily family = g_socket_address_get_family (address);
  g_autoptr(GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);

  if (socket == NULL)
    return NULL;

  /* [::] and 0.0.0.0 on the same port must not collide. */
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;

  return porthole_http_listener_new (soup, socket, NULL, NULL, error);
}

GSocket *
porthole_http_listener_get_socket (PortholeHttpListener *self)
{
  return self->socket;
}
