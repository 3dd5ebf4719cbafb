/* fuzz-http.c — the whole HTTP request path, as a client reaches it
 *
 * Each input is what a client sends on one connection: a loopback TCP
 * connection whose server end the daemon serves like one it accepted (header limits, the early handler, authentication, the
 * router, WebSocket upgrades), then the client half-closes and reads
 * until the daemon closes. No token is sent, so this is the surface
 * anyone who can reach the port has.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-fuzz.h"
#include "porthole-http-server.h"

/* An input's whole exchange ends within this, answered or not. */
#define EXCHANGE_USEC (2 * G_USEC_PER_SEC)

static GSocket *listener;

/* A connected pair on loopback: the daemon sees inet addresses, as in
 * production. Returns the client's end, non-blocking, as a descriptor. */
static int
connect_pair (GSocket **server_end)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GError) error = NULL;

  if (listener == NULL)
    {
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);

      listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_socket_bind (listener, any_port, TRUE, &error);
      g_assert_no_error (error);
      g_socket_listen (listener, &error);
      g_assert_no_error (error);
    }

  address = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (client, address, NULL, &error);
  g_assert_no_error (error);
  *server_end = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);

  /* Closed with a reset: tens of thousands of connections a run must not
   * sit in TIME_WAIT holding loopback's ports. */
  {
    struct linger linger = { 1, 0 };

    setsockopt (g_socket_get_fd (client), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  }
  return dup (g_socket_get_fd (client));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PortholeDaemon *daemon = porthole_fuzz_get_daemon ();
  g_autoptr(GSocket) server_end = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + EXCHANGE_USEC;
  gboolean closed = FALSE;
  size_t written = 0;
  char buffer[16384];
  int client;

  client = connect_pair (&server_end);
  g_assert_cmpint (client, >=, 0);
  fcntl (client, F_SETFL, O_NONBLOCK);
  porthole_http_server_accept (porthole_daemon_get_http_server (daemon), server_end);

  while (!closed && g_get_monotonic_time () < deadline)
    {
      ssize_t n;

      if (written < size)
        {
          n = send (client, data + written, size - written, MSG_NOSIGNAL);
          if (n > 0 && (written += n) == size)
            shutdown (client, SHUT_WR);
          else if (n < 0 && errno != EAGAIN)
            written = size;
        }
      else if (size == 0)
        shutdown (client, SHUT_WR);

      n = recv (client, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN))
        closed = TRUE;

      g_main_context_iteration (NULL, FALSE);
      if (n < 0 && written == size)
        g_usleep (100);
    }

  close (client);
  /* Let the daemon see the close and let go of the connection. */
  for (guint i = 0; i < 64 && g_main_context_iteration (NULL, FALSE); i++)
    ;

  return 0;
}
