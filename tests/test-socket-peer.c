/* test-socket-peer.c — what a TCP peer on this host has not read yet,
 * as WebSocket pacing (API.md §1.9) asks it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-socket-peer.h"
#include "test-utils.h"

/* @server_fd and @client_fd: the two ends of a connection to @address,
 * a listener's address with port 0. */
static void
connect_pair (GInetAddress *address,
              int          *server_fd,
              int          *client_fd)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSocket) server = NULL;
  g_autoptr(GError) error = NULL;

  listener = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);

  client = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (client, bound, NULL, &error));
  server = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);

  *server_fd = dup (g_socket_get_fd (server));
  *client_fd = dup (g_socket_get_fd (client));
}

static void
check_unread (GInetAddress *address)
{
  char bytes[100] = { 0 };
  int server_fd, client_fd;

  connect_pair (address, &server_fd, &client_fd);

  /* Nothing sent, then 100 bytes the client has not read, then read. */
  g_assert_cmpint (porthole_socket_peer_unread (server_fd), ==, 0);
  g_assert_cmpint (send (server_fd, bytes, sizeof bytes, 0), ==, sizeof bytes);
  /* Loopback delivers within the send, or soon after under load. */
  PORTHOLE_TEST_WAIT_UNTIL (porthole_socket_peer_unread (server_fd) == sizeof bytes);
  g_assert_cmpint (recv (client_fd, bytes, sizeof bytes, MSG_WAITALL), ==, sizeof bytes);
  g_assert_cmpint (porthole_socket_peer_unread (server_fd), ==, 0);
  /* And the other way round. */
  g_assert_cmpint (send (client_fd, bytes, 10, 0), ==, 10);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_socket_peer_unread (client_fd) == 10);

  close (client_fd);
  close (server_fd);
}

static void
test_ipv4 (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  check_unread (address);
}

static void
test_ipv6 (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (address, 0);

  if (probe == NULL || !g_socket_bind (probe, any, TRUE, NULL))
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  check_unread (address);
}

/* A dual-stack listener sees an IPv4 client as ::ffff:127.0.0.1; the
 * kernel keys the client's socket by its IPv4 address. */
static void
test_ipv4_mapped (void)
{
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) any6 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GInetAddress) loopback4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (any6, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketAddress) target = NULL;
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSocket) server = NULL;
  g_autoptr(GError) error = NULL;
  char bytes[7] = { 0 };

  if (listener == NULL || !g_socket_bind (listener, bind_address, TRUE, NULL))
    {
      g_test_skip ("no IPv6");
      return;
    }
  g_socket_set_option (listener, IPPROTO_IPV6, IPV6_V6ONLY, 0, NULL);
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  target = g_inet_socket_address_new (loopback4, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (!g_socket_connect (client, target, NULL, NULL))
    {
      g_test_skip ("no dual-stack sockets");
      return;
    }
  server = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (send (g_socket_get_fd (server), bytes, sizeof bytes, 0), ==, sizeof bytes);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_socket_peer_unread (g_socket_get_fd (server)) == sizeof bytes);
}

/* Not TCP: the kernel cannot tell. */
static void
test_not_tcp (void)
{
  int pair[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, pair));
  g_assert_cmpint (porthole_socket_peer_unread (pair[0]), ==, -1);
  close (pair[0]);
  close (pair[1]);
}

/* The wait before the next frame: none while the client has read all,
 * then doubling while it stays behind, back to the first once it reads;
 * none at all where the kernel cannot tell. */
static void
test_wait (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  PortholePeerWait wait, unix_wait;
  char bytes[10] = { 0 };
  int server_fd, client_fd, pair[2];
  guint first, previous;

  connect_pair (address, &server_fd, &client_fd);
  porthole_peer_wait_init (&wait, TRUE);
  g_assert_cmpuint (porthole_peer_wait_next (&wait, server_fd), ==, 0);

  g_assert_cmpint (send (server_fd, bytes, sizeof bytes, 0), ==, sizeof bytes);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_socket_peer_unread (server_fd) == sizeof bytes);
  first = previous = porthole_peer_wait_next (&wait, server_fd);
  g_assert_cmpuint (first, >, 0);
  for (guint i = 0; i < 10; i++)
    {
      guint next = porthole_peer_wait_next (&wait, server_fd);

      /* Doubling up to a cap that still asks several times a second. */
      g_assert_true (next == previous * 2 || next == previous);
      g_assert_cmpuint (next, <=, 100);
      previous = next;
    }
  g_assert_cmpuint (previous, >, first);

  g_assert_cmpint (recv (client_fd, bytes, sizeof bytes, MSG_WAITALL), ==, sizeof bytes);
  g_assert_cmpuint (porthole_peer_wait_next (&wait, server_fd), ==, 0);
  g_assert_cmpint (send (server_fd, bytes, sizeof bytes, 0), ==, sizeof bytes);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_socket_peer_unread (server_fd) == sizeof bytes);
  g_assert_cmpuint (porthole_peer_wait_next (&wait, server_fd), ==, first);
  g_assert_true (wait.here);

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, pair));
  porthole_peer_wait_init (&unix_wait, TRUE);
  g_assert_cmpuint (porthole_peer_wait_next (&unix_wait, pair[0]), ==, 0);
  g_assert_false (unix_wait.here);

  close (pair[0]);
  close (pair[1]);
  close (client_fd);
  close (server_fd);
}

/* One kernel socket serves every connection and thread: each question
 * gets its own connection's answer, never another's. */
#define ASKERS 4
#define ASKS 2000

typedef struct
{
  int server_fd, client_fd;
  gsize unread;
  guint wrong;
} Asker;

static gpointer
ask_many (gpointer data)
{
  Asker *asker = data;
  PortholePeerWait wait;

  porthole_peer_wait_init (&wait, TRUE);
  for (guint i = 0; i < ASKS; i++)
    {
      if (porthole_socket_peer_unread (asker->server_fd) != (gssize) asker->unread)
        asker->wrong++;
      /* Behind: a wait, never "send now". */
      if (porthole_peer_wait_next (&wait, asker->server_fd) == 0)
        asker->wrong++;
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  Asker askers[ASKERS];
  GThread *threads[ASKERS];
  char bytes[10 * ASKERS] = { 0 };

  for (guint i = 0; i < ASKERS; i++)
    {
      connect_pair (address, &askers[i].server_fd, &askers[i].client_fd);
      askers[i].unread = 10 * (i + 1);
      askers[i].wrong = 0;
      g_assert_cmpint (send (askers[i].server_fd, bytes, askers[i].unread, 0), ==, askers[i].unread);
      PORTHOLE_TEST_WAIT_UNTIL (porthole_socket_peer_unread (askers[i].server_fd) == (gssize) askers[i].unread);
    }

  for (guint i = 0; i < ASKERS; i++)
    threads[i] = g_thread_new ("asker", ask_many, &askers[i]);
  for (guint i = 0; i < ASKERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (askers[i].wrong, ==, 0);
      close (askers[i].client_fd);
      close (askers[i].server_fd);
    }
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/socket-peer/ipv4", test_ipv4);
  g_test_add_func ("/socket-peer/threads", test_threads);
  g_test_add_func ("/socket-peer/ipv6", test_ipv6);
  g_test_add_func ("/socket-peer/ipv4-mapped", test_ipv4_mapped);
  g_test_add_func ("/socket-peer/not-tcp", test_not_tcp);
  g_test_add_func ("/socket-peer/wait", test_wait);

  return g_test_run ();
}
