/* porthole-hub-proxy.c
 *
 * Every sandbox gets a TCP port of its own on the hub, because both SDKs
 * drop any path of `public_host` when they build WebSocket URLs
 * (CONTROL-PLANE.md §5.3). What arrives there is relayed to the
 * sandbox's agent socket as bytes, in both directions at once, through
 * one 64 KiB buffer per direction: a direction reads again only once its
 * last read is fully written, so a slow reader on either side slows its
 * writer down instead of filling the hub's memory (back-pressure), and
 * nothing is coalesced or held (TCP_NODELAY). Requests pass through
 * PortholeHubHttpFramer, which takes `X-API-Key` out of their heads.
 *
 * Once a connection's first request upgrades it (a WebSocket), what the
 * agent sends goes through PortholeHubWsPacer: its 101 head and then
 * each frame with a write of its own, at least ws-frame-interval-ms
 * after the previous one ended. The agent paces its frames that way for
 * the JS SDK, which loses all but the first frame of a socket read
 * (API.md §1.9); relayed as read, frames that arrived apart would leave
 * together whenever the relay thread runs late. A client on this host
 * also gets the next unit only once it has read the previous one (the
 * kernel tells, porthole_socket_peer_unread()): on a busy machine it may
 * not run for the interval, and two units would land in one read. A frame waiting for its
 * turn keeps the rest of its read waiting, so this adds no buffering.
 * (Upgrades after other requests on a connection, which no WebSocket
 * client makes, are relayed as read.)
 *
 * Each connection is one GSource watching both sockets, with the
 * conditions each direction waits for, and plain non-blocking
 * recv()/send(): what a wake-up reads is written on in the same
 * dispatch, with no task, source or idle callback made per read (the
 * proxy's cost per request is two wake-ups of the hub, not more). Once
 * connected to its agent, a connection moves to the relay thread, whose
 * context polls connections only: the main one polls every sandbox's
 * listener, pidfd and probe too, which made each relayed request's
 * wake-up cost grow with the number of sandboxes. The thread touches a
 * relay's own state only; a closed proxy is told through their shared
 * Link.
 *
 * Routed by host (a wildcard domain, one port for all sandboxes), a
 * connection is connected to its sandbox only once its first request
 * head is complete, from that head's Host; later requests must name the
 * same host.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "porthole-hub-http-framer.h"
#include "porthole-hub-proxy.h"
#include "porthole-hub-ws-pacer.h"
#include "porthole-json.h"
#include "porthole-socket-peer.h"

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
  GHashTable *pending;   /* Relay set: those still in the main context */
  gboolean route_by_host;
  guint frame_interval_ms;
  struct _Link *link;
};

/* What a proxy and its relays share across threads. */
typedef struct _Link
{
  int closed;            /* atomic */
} Link;

/* The relay thread: its context, and its relays (touched there only). */
static GMainContext *relay_context;
static GHashTable *thread_relays;

G_DEFINE_FINAL_TYPE (PortholeHubProxy, porthole_hub_proxy, G_TYPE_OBJECT)

/* One direction: bytes read from one socket, waiting to be written to
 * the other. */
typedef struct
{
  GByteArray *out;       /* to write; empty when the direction may read */
  gsize sent;            /* of out */
  gboolean eof;          /* its source said so: shut the other side once out is sent */
  gboolean done;
} Direction;

struct _Relay
{
  PortholeHubProxy *proxy;     /* (unowned) while in the main context, then NULL */
  Link *link;
  gboolean in_thread;
  GSocket *client;
  GSocket *agent;              /* (nullable) until connected */
  GSource *source;
  gpointer client_tag;
  gpointer agent_tag;
  PortholeHubHttpFramer *framer;
  guint8 *buffer;              /* one read at a time, either direction */
  Direction up;                /* client to agent, framed */
  Direction down;              /* agent to client */
  gboolean closing;            /* an answer of the proxy's own: end once sent */
  PortholeHubWsPacer *pacer;   /* (nullable) agent to client, once upgraded */
  gint64 frame_interval;       /* µs; 0: frames go on as read */
  gsize unit_end;              /* of down.out: where the bytes of the unit under way end */
  gboolean unit_ends;          /* and whether the unit ends there */
  gboolean unit_open;          /* part of a unit went out: the rest goes without waiting */
  gint64 next_unit_at;         /* monotonic µs: when the next unit may start */
  gboolean pacing;             /* waiting for next_unit_at, not for the socket */
  PortholePeerWait client_wait; /* for a client on this host to read */
  GIOCondition client_events;  /* what the source polls for now */
  GIOCondition agent_events;
};

static void
relay_free (Relay *relay)
{
  if (relay->in_thread)
    g_hash_table_remove (thread_relays, relay);
  else if (relay->proxy != NULL)
    g_hash_table_remove (relay->proxy->pending, relay);
  g_atomic_rc_box_release (relay->link);
  if (relay->source != NULL)
    {
      g_source_destroy (relay->source);
      g_source_unref (relay->source);
    }
  g_socket_close (relay->client, NULL);
  if (relay->agent != NULL)
    g_socket_close (relay->agent, NULL);
  g_clear_object (&relay->client);
  g_clear_object (&relay->agent);
  g_clear_pointer (&relay->framer, porthole_hub_http_framer_free);
  g_clear_pointer (&relay->pacer, porthole_hub_ws_pacer_free);
  g_byte_array_unref (relay->up.out);
  g_byte_array_unref (relay->down.out);
  g_free (relay->buffer);
  g_free (relay);
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

/* Nothing more goes to the agent; the client gets @status and the
 * connection ends once that is written. */
static void
relay_answer (Relay      *relay,
              guint       status,
              const char *code,
              const char *message)
{
  g_autoptr(GBytes) response = error_response (status, code, message);
  gsize length;
  const guint8 *data = g_bytes_get_data (response, &length);

  relay->closing = TRUE;
  relay->up.done = TRUE;
  g_byte_array_set_size (relay->up.out, 0);
  g_byte_array_set_size (relay->down.out, 0);
  relay->down.sent = 0;
  g_clear_pointer (&relay->pacer, porthole_hub_ws_pacer_free);
  relay->unit_end = 0;
  g_byte_array_append (relay->down.out, data, length);
  relay->down.eof = TRUE;
  if (relay->source != NULL && relay->agent_tag != NULL)
    {
      g_source_remove_unix_fd (relay->source, relay->agent_tag);
      relay->agent_tag = NULL;
    }
}

/* Connects @relay to its agent; on failure, answers the client. */
static gboolean
relay_connect (Relay      *relay,
               const char *host)
{
  PortholeHubProxy *self = relay->proxy;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) agent = NULL;
  const char *code = "SERVICE_UNAVAILABLE";
  guint status = 503;
  gboolean paced = FALSE;

  if (self != NULL && self->route_by_host && host == NULL)
    {
      status = 400;
      code = "INVALID_REQUEST";
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No Host header");
    }
  else if (self != NULL)
    agent = self->connect (self->user_data, host, &paced, &status, &code, &error);
  if (agent == NULL)
    {
      relay_answer (relay, status, code, error ? error->message : "The sandbox is not available");
      return FALSE;
    }

  relay->agent = g_steal_pointer (&agent);
  if (paced)
    relay->frame_interval = self->frame_interval_ms * G_TIME_SPAN_MILLISECOND;
  relay->agent_events = G_IO_IN;
  if (relay->source != NULL)
    relay->agent_tag = g_source_add_unix_fd (relay->source, g_socket_get_fd (relay->agent), G_IO_IN);
  return TRUE;
}

/* Writes what it can of @direction to @fd. FALSE on an error. */
static gboolean
direction_flush (Direction *direction,
                 int        fd)
{
  while (direction->sent < direction->out->len)
    {
      gssize n = send (fd, direction->out->data + direction->sent, direction->out->len - direction->sent,
                       MSG_NOSIGNAL | MSG_DONTWAIT);

      if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      direction->sent += n;
    }
  g_byte_array_set_size (direction->out, 0);
  direction->sent = 0;
  return TRUE;
}

/* Agent to client: as read, or once upgraded, each unit (the 101 head,
 * a frame) with its own send(), the frame interval after the previous
 * unit ended. FALSE on an error. */
static gboolean
relay_flush_down (Relay *relay,
                  int    fd)
{
  Direction *down = &relay->down;
  guint wait_ms;

  relay->pacing = FALSE;
  if (relay->pacer == NULL)
    return direction_flush (down, fd);

  while (down->sent < down->out->len)
    {
      gssize n;

      if (relay->unit_end == down->sent)
        {
          if (!relay->unit_open && g_get_monotonic_time () < relay->next_unit_at)
            {
              /* The source wakes up then (relay_source_dispatch). */
              relay->pacing = TRUE;
              g_source_set_ready_time (relay->source, relay->next_unit_at);
              return TRUE;
            }
          if (!relay->unit_open && (wait_ms = porthole_peer_wait_next (&relay->client_wait, fd)) > 0)
            {
              relay->pacing = TRUE;
              relay->next_unit_at = g_get_monotonic_time () + wait_ms * G_TIME_SPAN_MILLISECOND;
              g_source_set_ready_time (relay->source, relay->next_unit_at);
              return TRUE;
            }
          relay->unit_end = down->sent + porthole_hub_ws_pacer_next (relay->pacer, down->out->data + down->sent,
                                                                      down->out->len - down->sent, &relay->unit_ends);
          relay->unit_open = TRUE;
        }
      n = send (fd, down->out->data + down->sent, relay->unit_end - down->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      down->sent += n;
      if (down->sent == relay->unit_end && relay->unit_ends)
        {
          relay->unit_open = FALSE;
          relay->next_unit_at = g_get_monotonic_time () + relay->frame_interval;
        }
    }
  g_byte_array_set_size (down->out, 0);
  down->sent = 0;
  relay->unit_end = 0;
  return TRUE;
}

/* Reads once from @fd into the relay's buffer: the count, 0 at the end,
 * -1 on an error, -2 when nothing is there. */
static gssize
relay_recv (Relay *relay,
            int    fd)
{
  gssize n = recv (fd, relay->buffer, RELAY_BUFFER_SIZE, MSG_DONTWAIT);

  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -2 : -1;
  return n;
}

/* Ends @direction's writing side once all it read went out. */
static void
direction_finish (Direction *direction,
                  GSocket   *to)
{
  if (direction->eof && !direction->done && direction->out->len == 0)
    {
      direction->done = TRUE;
      if (to != NULL)
        shutdown (g_socket_get_fd (to), SHUT_WR);
    }
}

/* Only on a change: each g_source_modify_unix_fd() also wakes the main
 * context up (a write to its eventfd and one more loop iteration). */
static void
relay_watch (Relay        *relay,
             gpointer      tag,
             GIOCondition *events,
             GIOCondition  wanted)
{
  if (*events == wanted)
    return;
  *events = wanted;
  g_source_modify_unix_fd (relay->source, tag, wanted);
}

/* Moves what is ready in both directions; FALSE once the relay is over. */
static gboolean
relay_step (Relay *relay)
{
  int client_fd = g_socket_get_fd (relay->client);
  GIOCondition client_ready = g_source_query_unix_fd (relay->source, relay->client_tag);
  GIOCondition agent_ready = relay->agent_tag ? g_source_query_unix_fd (relay->source, relay->agent_tag) : 0;
  GIOCondition client_wanted = 0, agent_wanted = 0;

  /* Client to agent, through the framer. */
  if (!relay->up.done && relay->up.out->len == 0 && !relay->up.eof && (client_ready & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
    {
      gssize n = relay_recv (relay, client_fd);
      g_autoptr(GError) error = NULL;
      guint status = 400;

      if (n == -1)
        return FALSE;
      if (n == 0)
        relay->up.eof = TRUE;
      else if (n > 0 &&
               !porthole_hub_http_framer_feed (relay->framer, relay->buffer, n, relay->up.out, &status, &error))
        {
          /* Nothing of this request reaches the agent; the connection ends. */
          g_debug ("proxy: %s", error->message);
          relay_answer (relay, status, "INVALID_REQUEST", error->message);
        }
      else if (relay->up.out->len > 0 && relay->agent == NULL)
        relay_connect (relay, porthole_hub_http_framer_get_host (relay->framer));

      /* The first request upgrades: the agent's answer is its first bytes. */
      if (relay->pacer == NULL && relay->frame_interval > 0 && !relay->closing &&
          porthole_hub_http_framer_is_tunnel (relay->framer) &&
          porthole_hub_http_framer_get_requests (relay->framer) == 1)
        {
          relay->pacer = porthole_hub_ws_pacer_new ();
          porthole_peer_wait_init (&relay->client_wait, TRUE);
        }
    }
  if (relay->agent != NULL && !relay->up.done)
    {
      if (!direction_flush (&relay->up, g_socket_get_fd (relay->agent)))
        return FALSE;
      direction_finish (&relay->up, relay->agent);
    }

  if (relay->agent == NULL && relay->up.eof && !relay->closing)
    return FALSE;

  /* Agent to client. */
  if (relay->agent_tag != NULL && !relay->down.done && relay->down.out->len == 0 && !relay->down.eof &&
      (agent_ready & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
    {
      gssize n = relay_recv (relay, g_socket_get_fd (relay->agent));

      if (n == -1)
        return FALSE;
      if (n == 0)
        relay->down.eof = TRUE;
      else if (n > 0)
        g_byte_array_append (relay->down.out, relay->buffer, n);
    }
  if (!relay_flush_down (relay, client_fd))
    return FALSE;
  direction_finish (&relay->down, relay->client);

  if (relay->down.done && (relay->up.done || relay->closing))
    return FALSE;

  /* A socket whose peer is gone polls ready whatever is asked: the
   * client's ends the relay, the agent's stops being watched once it has
   * nothing more to give. */
  if ((client_ready & G_IO_ERR) || ((client_ready & G_IO_HUP) && relay->up.eof))
    return FALSE;
  if (relay->agent_tag != NULL && ((agent_ready & G_IO_ERR) || ((agent_ready & G_IO_HUP) && relay->down.eof)))
    {
      g_source_remove_unix_fd (relay->source, relay->agent_tag);
      relay->agent_tag = NULL;
      relay->down.eof = TRUE;
      direction_finish (&relay->down, relay->client);
      if (relay->down.done)
        return FALSE;
    }

  /* What to wait for next: a direction reads only once it wrote all. */
  if (relay->up.out->len == 0 && !relay->up.eof && !relay->up.done)
    client_wanted |= G_IO_IN;
  if (relay->down.out->len > 0 && !relay->pacing)
    client_wanted |= G_IO_OUT;
  if (relay->agent_tag != NULL)
    {
      if (relay->down.out->len == 0 && !relay->down.eof)
        agent_wanted |= G_IO_IN;
      if (relay->up.out->len > 0)
        agent_wanted |= G_IO_OUT;
      relay_watch (relay, relay->agent_tag, &relay->agent_events, agent_wanted);
    }
  relay_watch (relay, relay->client_tag, &relay->client_events, client_wanted);
  return TRUE;
}

typedef struct
{
  GSource source;
  Relay *relay;
} RelaySource;

static void relay_move_to_thread (Relay *relay);

static gboolean
relay_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  Relay *relay = ((RelaySource *) source)->relay;

  /* A frame's turn (relay_flush_down) comes once. */
  g_source_set_ready_time (source, -1);
  if (!relay_step (relay))
    relay_free (relay);
  /* Routed by host: connected now. */
  else if (!relay->in_thread && relay->agent != NULL && !relay->closing)
    relay_move_to_thread (relay);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs relay_source_funcs = {
  .dispatch = relay_source_dispatch,
};

/* A source for @relay's sockets in @context, polling for what its
 * last step asked. */
static void
relay_attach (Relay        *relay,
              GMainContext *context)
{
  relay->source = g_source_new (&relay_source_funcs, sizeof (RelaySource));
  ((RelaySource *) relay->source)->relay = relay;
  g_source_set_static_name (relay->source, "[porthole-hub] relay");
  /* Not blocked while it dispatches (it never iterates the loop): GLib
   * would take its descriptors out of the poll set and put them back,
   * waking the context up four times per dispatch. */
  g_source_set_can_recurse (relay->source, TRUE);
  if (relay->pacing)
    g_source_set_ready_time (relay->source, relay->next_unit_at);
  relay->client_tag = g_source_add_unix_fd (relay->source, g_socket_get_fd (relay->client), relay->client_events);
  if (relay->agent != NULL && !relay->closing)
    relay->agent_tag = g_source_add_unix_fd (relay->source, g_socket_get_fd (relay->agent), relay->agent_events);
  g_source_attach (relay->source, context);
}

static gpointer
relay_thread (gpointer data)
{
  g_main_context_push_thread_default (relay_context);
  for (;;)
    g_main_context_iteration (relay_context, TRUE);
  return NULL;
}

static gboolean
close_closed (gpointer data)
{
  GHashTableIter iter;
  Relay *relay;

  g_hash_table_iter_init (&iter, thread_relays);
  while (g_hash_table_iter_next (&iter, (gpointer *) &relay, NULL))
    if (g_atomic_int_get (&relay->link->closed))
      {
        g_hash_table_iter_remove (&iter);
        relay->in_thread = FALSE;
        relay_free (relay);
      }
  return G_SOURCE_REMOVE;
}

/* In the relay thread: takes @relay over, unless its proxy closed. */
static gboolean
adopt (gpointer data)
{
  Relay *relay = data;

  relay->in_thread = TRUE;
  g_hash_table_add (thread_relays, relay);
  if (g_atomic_int_get (&relay->link->closed))
    relay_free (relay);
  else
    relay_attach (relay, relay_context);
  return G_SOURCE_REMOVE;
}

/* A connected relay leaves the main context for the relay thread. */
static void
relay_move_to_thread (Relay *relay)
{
  static gsize started;

  if (g_once_init_enter (&started))
    {
      relay_context = g_main_context_new ();
      thread_relays = g_hash_table_new (NULL, NULL);
      g_thread_unref (g_thread_new ("hub-relay", relay_thread, NULL));
      g_once_init_leave (&started, 1);
    }

  if (relay->source != NULL)
    {
      g_source_destroy (relay->source);
      g_clear_pointer (&relay->source, g_source_unref);
      relay->client_tag = relay->agent_tag = NULL;
    }
  if (relay->proxy != NULL)
    g_hash_table_remove (relay->proxy->pending, relay);
  relay->proxy = NULL;
  g_main_context_invoke (relay_context, adopt, relay);
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
  relay->link = g_atomic_rc_box_acquire (self->link);
  relay->client = g_object_ref (client);
  relay->framer = porthole_hub_http_framer_new ();
  relay->buffer = g_malloc (RELAY_BUFFER_SIZE);
  relay->up.out = g_byte_array_new ();
  relay->down.out = g_byte_array_new ();
  relay->client_events = G_IO_IN;
  relay->agent_events = G_IO_IN;
  g_hash_table_add (self->pending, relay);

  /* By host: once the first head names it (relay_step), here. */
  if (self->route_by_host)
    {
      porthole_hub_http_framer_pin_host (relay->framer);
      relay_attach (relay, NULL);
    }
  else if (relay_connect (relay, NULL))
    relay_move_to_thread (relay);
  else
    {
      /* The answer, from here. */
      relay->client_events = G_IO_OUT;
      relay_attach (relay, NULL);
    }
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

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_atomic_rc_box_release (self->link);
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
  self->frame_interval_ms = PORTHOLE_HUB_PROXY_FRAME_INTERVAL_MS;
  self->pending = g_hash_table_new (NULL, NULL);
  self->link = g_atomic_rc_box_new0 (Link);
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

/**
 * porthole_hub_proxy_set_frame_interval:
 * @interval_ms: the least time between two WebSocket frames to a client;
 *   0 relays them as they are read
 *
 * For the connections accepted from now on.
 */
void
porthole_hub_proxy_set_frame_interval (PortholeHubProxy *self,
                                       guint             interval_ms)
{
  self->frame_interval_ms = interval_ms;
}

guint
porthole_hub_proxy_get_port (PortholeHubProxy *self)
{
  return self->port;
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

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, (gpointer *) &relay, NULL))
    {
      relay->proxy = NULL;
      g_hash_table_iter_remove (&iter);
      relay_free (relay);
    }
  /* Those of the relay thread end there. */
  g_atomic_int_set (&self->link->closed, 1);
  if (relay_context != NULL)
    g_main_context_invoke (relay_context, close_closed, NULL);
}
