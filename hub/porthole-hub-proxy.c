/* porthole-hub-proxy.c
 *
 * Every sandbox gets a TCP port of its own on the hub, because both SDKs
 * drop any path of `public_host` when they build WebSocket URLs
 * (CONTROL-PLANE.md §5.3). What arrives there is relayed to the
 * sandbox's agent socket as bytes, in both directions at once, through
 * one 64 KiB buffer per direction: a direction reads again only once its
 * last read is fully written, so a slow reader on either side slows its
 * writer down instead of filling the hub's memory (back-pressure), and
 * nothing is coalesced or held (TCP_NODELAY): WebSocket frames go on as
 * they come. Requests pass through PortholeHubHttpFramer, which takes
 * `X-API-Key` out of their heads.
 *
 * Routed by host (a wildcard domain, one port for all sandboxes), a
 * connection is connected to its sandbox only once its first request
 * head is complete, from that head's Host; later requests must name the
 * same host.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "porthole-hub-http-framer.h"
#include "porthole-hub-proxy.h"
#include "porthole-json.h"

#define RELAY_BUFFER_SIZE (64 * 1024)

typedef struct _Relay Relay;

struct _PortholeHubProxy
{
  GObject parent_instance;

  GSocket *listener;
  GSource *accept_source;
  guint port;
  PortholeHubProxyConnectFunc connect;
  gpointer user_data;
  GDestroyNotify destroy;
  GHashTable *relays;    /* Relay set */
  gboolean route_by_host;
};

G_DEFINE_FINAL_TYPE (PortholeHubProxy, porthole_hub_proxy, G_TYPE_OBJECT)

struct _Relay
{
  PortholeHubProxy *proxy;     /* (unowned) cleared when the proxy closes */
  GIOStream *client;
  GIOStream *agent;
  GCancellable *cancellable;
  PortholeHubHttpFramer *framer;
  guint8 *up_buffer;
  guint8 *down_buffer;
  GByteArray *up_out;
  gsize down_length;
  guint pumps;                 /* directions still running */
};

static void relay_up_read (Relay *relay);
static void relay_down_read (Relay *relay);
static void relay_answer (Relay *relay, guint status, const char *code, const char *message);
static gboolean relay_connect (Relay *relay, const char *host);

static void
relay_free (Relay *relay)
{
  if (relay->proxy != NULL)
    g_hash_table_remove (relay->proxy->relays, relay);
  g_io_stream_close (relay->client, NULL, NULL);
  if (relay->agent != NULL)
    g_io_stream_close (relay->agent, NULL, NULL);
  g_clear_object (&relay->client);
  g_clear_object (&relay->agent);
  g_clear_object (&relay->cancellable);
  g_clear_pointer (&relay->framer, porthole_hub_http_framer_free);
  g_clear_pointer (&relay->up_out, g_byte_array_unref);
  g_free (relay->up_buffer);
  g_free (relay->down_buffer);
  g_free (relay);
}

/* One direction is over; the relay ends with the second, or at once
 * when @fatal (an error: the other direction has nothing left to do). */
static void
relay_pump_done (Relay    *relay,
                 gboolean  fatal)
{
  if (fatal)
    g_cancellable_cancel (relay->cancellable);
  if (--relay->pumps == 0)
    relay_free (relay);
}

static void
shutdown_write (GIOStream *stream)
{
  if (G_IS_SOCKET_CONNECTION (stream))
    g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)), FALSE, TRUE, NULL);
}

/* Writes what it can at once (the common case: the peer keeps up) and
 * only then waits: a write that completes here saves a main-loop
 * iteration per direction and request. Returns TRUE when all of @data
 * went out; otherwise @callback runs once the rest is written (or on an
 * error, which it sees). */
static gboolean
relay_write (Relay               *relay,
             GIOStream           *stream,
             const guint8        *data,
             gsize                length,
             GAsyncReadyCallback  callback)
{
  GOutputStream *output = g_io_stream_get_output_stream (stream);
  gsize done = 0;

  while (done < length)
    {
      gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output),
                                                             data + done, length - done, NULL, NULL);

      if (n <= 0)
        break;
      done += n;
    }
  if (done == length)
    return TRUE;
  g_output_stream_write_all_async (output, data + done, length - done, G_PRIORITY_DEFAULT,
                                   relay->cancellable, callback, relay);
  return FALSE;
}

static void
relay_up_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Relay *relay = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      relay_pump_done (relay, TRUE);
      return;
    }
  g_byte_array_set_size (relay->up_out, 0);
  relay_up_read (relay);
}

/* The proxy's own answer (a refused request), in the agent's error
 * shape, and the end of the connection. */
static GBytes *
error_response (guint       status,
                const char *code,
                const char *message)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(GBytes) json = NULL;
  g_autofree char *timestamp = porthole_timestamp_now ();
  g_autofree char *request_id = g_uuid_string_random ();
  GString *response = g_string_new (NULL);
  gsize length;
  const char *data;

  json_object_set_string_member (body, "error", message);
  json_object_set_string_member (body, "message", message);
  json_object_set_string_member (body, "code", code);
  json_object_set_object_member (body, "details", g_steal_pointer (&details));
  json_object_set_string_member (body, "request_id", request_id);
  json_object_set_string_member (body, "timestamp", timestamp);
  json = porthole_json_object_to_bytes (body);
  data = g_bytes_get_data (json, &length);

  g_string_append_printf (response,
                          "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nX-Request-ID: %s\r\nConnection: close\r\n\r\n",
                          status, status < 500 ? "Refused" : "Unavailable", length, request_id);
  g_string_append_len (response, data, length);
  return g_string_free_to_bytes (response);
}

static void
answer_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Relay *relay = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  relay_pump_done (relay, TRUE);
}

static void
relay_answer (Relay      *relay,
              guint       status,
              const char *code,
              const char *message)
{
  g_autoptr(GBytes) response = error_response (status, code, message);
  gsize length;
  const guint8 *data = g_bytes_get_data (response, &length);

  /* Kept alive by the relay until written. */
  g_byte_array_set_size (relay->up_out, 0);
  g_byte_array_append (relay->up_out, data, length);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (relay->client),
                                   relay->up_out->data, relay->up_out->len, G_PRIORITY_DEFAULT,
                                   NULL, answer_written, relay);
}

static void
relay_up_got (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Relay *relay = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  guint status = 400;

  if (n < 0)
    {
      relay_pump_done (relay, TRUE);
      return;
    }
  if (n == 0)
    {
      shutdown_write (relay->agent);
      relay_pump_done (relay, FALSE);
      return;
    }

  if (!porthole_hub_http_framer_feed (relay->framer, relay->up_buffer, n, relay->up_out, &status, &error))
    {
      /* Nothing of this request reached the agent; the connection ends. */
      g_debug ("proxy: %s", error->message);
      g_cancellable_cancel (relay->cancellable);
      relay_answer (relay, status, "INVALID_REQUEST", error->message);
      return;
    }
  if (relay->up_out->len == 0)
    {
      relay_up_read (relay);
      return;
    }
  if (relay->agent == NULL && !relay_connect (relay, porthole_hub_http_framer_get_host (relay->framer)))
    return;
  if (relay_write (relay, relay->agent, relay->up_out->data, relay->up_out->len, relay_up_written))
    {
      g_byte_array_set_size (relay->up_out, 0);
      relay_up_read (relay);
    }
}

/* Connects @relay to its agent and starts the agent-to-client
 * direction; on failure, answers the client and ends. */
static gboolean
relay_connect (Relay      *relay,
               const char *host)
{
  PortholeHubProxy *self = relay->proxy;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) agent = NULL;
  const char *code = "SERVICE_UNAVAILABLE";
  guint status = 503;

  if (self != NULL && self->route_by_host && host == NULL)
    {
      status = 400;
      code = "INVALID_REQUEST";
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No Host header");
    }
  else if (self != NULL)
    agent = self->connect (self->user_data, host, &status, &code, &error);
  if (agent == NULL)
    {
      g_cancellable_cancel (relay->cancellable);
      relay_answer (relay, status, code, error ? error->message : "The sandbox is not available");
      return FALSE;
    }

  relay->agent = G_IO_STREAM (g_socket_connection_factory_create_connection (agent));
  relay->pumps++;
  relay_down_read (relay);
  return TRUE;
}

static void
relay_up_read (Relay *relay)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (relay->client),
                             relay->up_buffer, RELAY_BUFFER_SIZE, G_PRIORITY_DEFAULT,
                             relay->cancellable, relay_up_got, relay);
}

static void
relay_down_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Relay *relay = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      relay_pump_done (relay, TRUE);
      return;
    }
  relay_down_read (relay);
}

static void
relay_down_got (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Relay *relay = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n < 0)
    {
      relay_pump_done (relay, TRUE);
      return;
    }
  if (n == 0)
    {
      shutdown_write (relay->client);
      relay_pump_done (relay, FALSE);
      return;
    }
  if (relay_write (relay, relay->client, relay->down_buffer, n, relay_down_written))
    relay_down_read (relay);
}

static void
relay_down_read (Relay *relay)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (relay->agent),
                             relay->down_buffer, RELAY_BUFFER_SIZE, G_PRIORITY_DEFAULT,
                             relay->cancellable, relay_down_got, relay);
}

static void
accept_one (PortholeHubProxy *self,
            GSocket          *client)
{
  Relay *relay;
  int one = 1;

  setsockopt (g_socket_get_fd (client), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  g_socket_set_blocking (client, FALSE);

  relay = g_new0 (Relay, 1);
  relay->proxy = self;
  relay->client = G_IO_STREAM (g_socket_connection_factory_create_connection (client));
  relay->cancellable = g_cancellable_new ();
  relay->framer = porthole_hub_http_framer_new ();
  relay->up_buffer = g_malloc (RELAY_BUFFER_SIZE);
  relay->down_buffer = g_malloc (RELAY_BUFFER_SIZE);
  relay->up_out = g_byte_array_sized_new (RELAY_BUFFER_SIZE);
  g_hash_table_add (self->relays, relay);
  relay->pumps = 1;

  /* By host: once the first head names it (relay_up_got). */
  if (self->route_by_host)
    porthole_hub_http_framer_pin_host (relay->framer);
  else if (!relay_connect (relay, NULL))
    return;
  relay_up_read (relay);
}

static gboolean
on_accept (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  PortholeHubProxy *self = user_data;

  /* A few per wake-up, so one busy port cannot starve the others. */
  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, NULL);

      if (client == NULL)
        break;
      accept_one (self, client);
    }
  return G_SOURCE_CONTINUE;
}

static void
porthole_hub_proxy_dispose (GObject *object)
{
  porthole_hub_proxy_close (PORTHOLE_HUB_PROXY (object));

  G_OBJECT_CLASS (porthole_hub_proxy_parent_class)->dispose (object);
}

static void
porthole_hub_proxy_finalize (GObject *object)
{
  PortholeHubProxy *self = (PortholeHubProxy *) object;

  g_clear_pointer (&self->relays, g_hash_table_unref);
  if (self->destroy != NULL)
    self->destroy (self->user_data);

  G_OBJECT_CLASS (porthole_hub_proxy_parent_class)->finalize (object);
}

static void
porthole_hub_proxy_class_init (PortholeHubProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_hub_proxy_dispose;
  object_class->finalize = porthole_hub_proxy_finalize;
}

static void
porthole_hub_proxy_init (PortholeHubProxy *self)
{
  self->relays = g_hash_table_new (NULL, NULL);
}

/**
 * porthole_hub_proxy_new:
 * @address: an IP address to listen on
 * @port: the port; 0 = any (tests)
 * @connect: called once per client connection
 */
PortholeHubProxy *
porthole_hub_proxy_new (const char                   *address,
                        guint                         port,
                        PortholeHubProxyConnectFunc   connect,
                        gpointer                      user_data,
                        GDestroyNotify                destroy,
                        GError                      **error)
{
  g_autoptr(PortholeHubProxy) self = g_object_new (PORTHOLE_TYPE_HUB_PROXY, NULL);
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  self->connect = connect;
  self->user_data = user_data;
  self->destroy = destroy;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not an IP address: %s", address);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  self->listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL)
    return NULL;
  g_socket_set_listen_backlog (self->listener, 1024);
  if (!g_socket_bind (self->listener, socket_address, TRUE, error) ||
      !g_socket_listen (self->listener, error))
    return NULL;
  g_socket_set_blocking (self->listener, FALSE);

  local = g_socket_get_local_address (self->listener, error);
  if (local == NULL)
    return NULL;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_accept), self, NULL);
  g_source_set_static_name (self->accept_source, "[porthole-hub] proxy accept");
  g_source_attach (self->accept_source, NULL);

  return g_steal_pointer (&self);
}

/**
 * porthole_hub_proxy_set_route_by_host:
 *
 * Connects each client connection from its first request's Host (the
 * connect function gets it) instead of at once.
 */
void
porthole_hub_proxy_set_route_by_host (PortholeHubProxy *self,
                                      gboolean          route_by_host)
{
  self->route_by_host = route_by_host;
}

guint
porthole_hub_proxy_get_port (PortholeHubProxy *self)
{
  return self->port;
}

guint
porthole_hub_proxy_get_n_relays (PortholeHubProxy *self)
{
  return g_hash_table_size (self->relays);
}

/**
 * porthole_hub_proxy_close:
 *
 * Stops listening and ends every relayed connection (the sandbox is
 * gone).
 */
void
porthole_hub_proxy_close (PortholeHubProxy *self)
{
  GHashTableIter iter;
  Relay *relay;

  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  if (self->listener != NULL)
    {
      g_socket_close (self->listener, NULL);
      g_clear_object (&self->listener);
    }

  /* Relays end on their own once their cancelled operations return. */
  g_hash_table_iter_init (&iter, self->relays);
  while (g_hash_table_iter_next (&iter, (gpointer *) &relay, NULL))
    {
      relay->proxy = NULL;
      g_cancellable_cancel (relay->cancellable);
      g_hash_table_iter_remove (&iter);
    }
}
