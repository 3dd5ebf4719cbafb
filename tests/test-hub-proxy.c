/* test-hub-proxy.c — the hub's port proxy on real sockets: a WebSocket
 * burst from the agent (its 101 head and frames in one write, a frame
 * larger than the relay's buffer cut across writes) reaches the client
 * whole and in order, paced (an agent's) or not (a preview's); the
 * connection ends when the agent's side does. The pacing's timing is
 * the JS SDK's test (sdk/js-sdk.mjs, "a fast burst arrives whole").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-hub-proxy.h"
#include "test-utils.h"

#define UPGRADE "GET /commands/stream HTTP/1.1\r\nHost: sandbox\r\nUpgrade: websocket\r\n" \
                "Connection: Upgrade\r\nX-API-Key: secret\r\n\r\n"
#define HEAD_101 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"

typedef struct
{
  GSocket *agent_listener;     /* the stand-in agent */
  guint agent_port;
  gboolean paced;
  guint proxy_port;
  GByteArray *sent;            /* by the agent */
  GByteArray *received;        /* by the client */
  char *request;               /* as the agent got it */
  int done;                    /* atomic */
} Fixture;

static GSocketAddress *
loopback (guint port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  return g_inet_socket_address_new (address, port);
}

static GSocket *
connect_to (guint port)
{
  g_autoptr(GSocketAddress) address = loopback (port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&socket);
}

static GSocket *
connect_agent (gpointer      user_data,
               const char   *host,
               gboolean     *paced,
               guint        *status,
               const char  **code,
               GError      **error)
{
  Fixture *fixture = user_data;

  *paced = fixture->paced;
  return connect_to (fixture->agent_port);
}

static void
send_all (GSocket      *socket,
          const guint8 *data,
          gsize         length)
{
  while (length > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) data, length, NULL, &error);

      g_assert_no_error (error);
      data += n;
      length -= n;
    }
}

/* The agent, blocking, while the main thread runs the proxy. */
static gpointer
agent_thread (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GSocket) agent = NULL;
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  GByteArray *burst = fixture->sent;
  gsize cuts[4];
  char buffer[16 * 1024];

  agent = g_socket_accept (fixture->agent_listener, NULL, &error);
  g_assert_no_error (error);
  while (request->len < 4 || memcmp (request->data + request->len - 4, "\r\n\r\n", 4) != 0)
    {
      gssize n = g_socket_receive (agent, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_byte_array_append (request, (const guint8 *) buffer, n);
    }
  fixture->request = g_strndup ((const char *) request->data, request->len);

  /* The head and a burst of frames, as the proxy could read them at
   * once; then a frame past 64 KiB cut anywhere, the next frame stuck to
   * its last piece; then the close. */
  g_byte_array_append (burst, (const guint8 *) HEAD_101, strlen (HEAD_101));
  for (guint i = 0; i < 6; i++)
    porthole_test_ws_frame_append (burst, 0x1, 20 + i, 'a' + i, FALSE, FALSE);
  porthole_test_ws_frame_append (burst, 0x9, 0, 0, FALSE, FALSE);
  cuts[0] = burst->len;
  porthole_test_ws_frame_append (burst, 0x2, 200 * 1024, 'z', FALSE, FALSE);
  porthole_test_ws_frame_append (burst, 0x1, 300, 'y', FALSE, FALSE);
  porthole_test_ws_frame_append (burst, 0x8, 2, 3, FALSE, FALSE);
  cuts[1] = cuts[0] + 1;
  cuts[2] = cuts[0] + 70 * 1024;
  cuts[3] = burst->len;

  send_all (agent, burst->data, cuts[0]);
  for (guint i = 1; i < G_N_ELEMENTS (cuts); i++)
    send_all (agent, burst->data + cuts[i - 1], cuts[i] - cuts[i - 1]);
  g_socket_shutdown (agent, FALSE, TRUE, &error);
  g_assert_no_error (error);
  /* Until the client's side is done too. */
  while (g_socket_receive (agent, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  g_socket_close (agent, NULL);
  g_atomic_int_inc (&fixture->done);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* The client, blocking, reading while the agent writes. */
static gpointer
client_thread (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GSocket) client = connect_to (fixture->proxy_port);
  g_autoptr(GError) error = NULL;
  char buffer[16 * 1024];

  send_all (client, (const guint8 *) UPGRADE, strlen (UPGRADE));
  /* The proxy ends the client's side once the agent's ended. */
  for (;;)
    {
      gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (fixture->received, (const guint8 *) buffer, n);
    }
  g_socket_close (client, NULL);
  g_atomic_int_inc (&fixture->done);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_burst (gconstpointer data)
{
  Fixture fixture = { .paced = GPOINTER_TO_INT (data) };
  g_autoptr(GSocketAddress) any = loopback (0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(PortholeHubProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  GThread *agent, *client;

  fixture.agent_listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (fixture.agent_listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (fixture.agent_listener, &error);
  g_assert_no_error (error);
  local = g_socket_get_local_address (fixture.agent_listener, &error);
  g_assert_no_error (error);
  fixture.agent_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  fixture.sent = g_byte_array_new ();
  fixture.received = g_byte_array_new ();

  proxy = porthole_hub_proxy_new ("127.0.0.1", 0, connect_agent, &fixture, NULL, &error);
  g_assert_no_error (error);
  fixture.proxy_port = porthole_hub_proxy_get_port (proxy);

  agent = g_thread_new ("agent", agent_thread, &fixture);
  client = g_thread_new ("client", client_thread, &fixture);
  while (g_atomic_int_get (&fixture.done) < 2)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (agent);
  g_thread_join (client);

  /* The request went on without the tenant's key. */
  g_assert_nonnull (fixture.request);
  g_assert_true (g_str_has_prefix (fixture.request, "GET /commands/stream HTTP/1.1\r\n"));
  g_assert_null (strstr (fixture.request, "X-API-Key"));
  /* Every byte, in order. */
  g_assert_cmpuint (fixture.received->len, ==, fixture.sent->len);
  g_assert_true (memcmp (fixture.received->data, fixture.sent->data, fixture.sent->len) == 0);

  porthole_hub_proxy_close (proxy);
  g_socket_close (fixture.agent_listener, NULL);
  g_object_unref (fixture.agent_listener);
  g_byte_array_unref (fixture.sent);
  g_byte_array_unref (fixture.received);
  g_free (fixture.request);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/hub/proxy/websocket-burst/agent", GINT_TO_POINTER (TRUE), test_burst);
  g_test_add_data_func ("/hub/proxy/websocket-burst/preview", GINT_TO_POINTER (FALSE), test_burst);

  return g_test_run ();
}
