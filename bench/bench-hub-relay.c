/* bench-hub-relay.c — the floor bench/hub compares the hub's proxy with:
 * the least any user-space relay from a TCP port to an agent's Unix
 * socket does per request (one thread per connection, blocking poll(),
 * recv() and send() of what came, no framing, no event loop). Whatever
 * the hub's proxy costs above this is its own; what this costs above a
 * direct connection is the extra hop (two more wake-ups per request and
 * a TCP leg), which no relay avoids.
 *
 *   bench-hub-relay PORT SOCKET     (listens on 127.0.0.1:PORT)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *agent_path;

static gpointer
relay (gpointer data)
{
  int client = GPOINTER_TO_INT (data);
  int agent = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  struct pollfd fds[2] = { { .fd = client, .events = POLLIN }, { .fd = agent, .events = POLLIN } };
  char buffer[64 * 1024];
  int one = 1;

  setsockopt (client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  g_strlcpy (address.sun_path, agent_path, sizeof address.sun_path);
  if (connect (agent, (struct sockaddr *) &address, sizeof address) < 0)
    goto out;

  while (poll (fds, 2, -1) > 0)
    for (int i = 0; i < 2; i++)
      if (fds[i].revents)
        {
          ssize_t n = recv (fds[i].fd, buffer, sizeof buffer, 0);

          if (n <= 0 || send (fds[1 - i].fd, buffer, n, MSG_NOSIGNAL) != n)
            goto out;
        }
out:
  close (agent);
  close (client);
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  if (argc != 3)
    {
      g_printerr ("usage: bench-hub-relay PORT SOCKET\n");
      return 2;
    }
  agent_path = argv[2];
  address.sin_port = htons (atoi (argv[1]));
  setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (listener, (struct sockaddr *) &address, sizeof address) < 0 || listen (listener, 16) < 0)
    {
      g_printerr ("bench-hub-relay: cannot listen on port %s\n", argv[1]);
      return 1;
    }
  for (;;)
    {
      int client = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);

      if (client >= 0)
        g_thread_unref (g_thread_new ("relay", relay, GINT_TO_POINTER (client)));
    }
}
