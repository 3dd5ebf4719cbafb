/* porthole-socket-peer.c
 *
 * What the other end of a TCP connection has received and not read yet,
 * when that end is on this host (in this network namespace): the kernel
 * tells through NETLINK_SOCK_DIAG, as `ss` shows it (Recv-Q). WebSocket
 * frame pacing (API.md §1.9) waits for it: a JS client loses every frame
 * after the first one in a socket read, and a gap of time between two
 * frames does not keep them apart when the client does not run during
 * that time (a busy machine); a client that has read all it was sent
 * gets the next frame in a read of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-socket-peer.h"

/* The peer's address as the kernel keys IPv4 sockets: an IPv4-mapped
 * IPv6 address (a dual-stack listener's) is the peer's plain IPv4 one. */
static gboolean
get_address (const struct sockaddr_storage *address,
             guint8                        *family,
             guint16                       *port,
             guint32                        words[4])
{
  if (address->ss_family == AF_INET)
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) address;

      *family = AF_INET;
      *port = in->sin_port;
      memcpy (words, &in->sin_addr, 4);
      return TRUE;
    }

  if (address->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) address;

      *port = in6->sin6_port;
      if (IN6_IS_ADDR_V4MAPPED (&in6->sin6_addr))
        {
          *family = AF_INET;
          memcpy (words, &in6->sin6_addr.s6_addr[12], 4);
        }
      else
        {
          *family = AF_INET6;
          memcpy (words, &in6->sin6_addr, 16);
        }
      return TRUE;
    }

  return FALSE;
}

/**
 * porthole_socket_peer_unread:
 * @fd: a connected TCP socket
 *
 * Returns: the bytes @fd's peer has received and its application has not
 *   read yet, or -1 when the kernel cannot tell (the peer is on another
 *   host, or in another network namespace, or @fd is not TCP)
 */
gssize
porthole_socket_peer_unread (int fd)
{
  struct sockaddr_storage local, remote;
  socklen_t local_length = sizeof local, remote_length = sizeof remote;
  struct
  {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } query;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  union
  {
    struct nlmsghdr header;
    char bytes[4096];
  } answer;
  guint8 local_family, remote_family;
  guint16 local_port, remote_port;
  const struct inet_diag_msg *found;
  gssize unread = -1;
  ssize_t n;
  int link;

  memset (&query, 0, sizeof query);
  if (getsockname (fd, (struct sockaddr *) &local, &local_length) != 0 ||
      getpeername (fd, (struct sockaddr *) &remote, &remote_length) != 0 ||
      !get_address (&local, &local_family, &local_port, query.request.id.idiag_dst) ||
      !get_address (&remote, &remote_family, &remote_port, query.request.id.idiag_src) ||
      local_family != remote_family)
    return -1;

  /* The peer's socket: its source is our destination, and the other way
   * round. */
  query.header.nlmsg_len = sizeof query;
  query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  query.header.nlmsg_flags = NLM_F_REQUEST;
  query.request.sdiag_family = local_family;
  query.request.sdiag_protocol = IPPROTO_TCP;
  query.request.idiag_states = ~0u;
  query.request.id.idiag_sport = remote_port;
  query.request.id.idiag_dport = local_port;
  query.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  query.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  link = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (link < 0)
    return -1;
  if (sendto (link, &query, sizeof query, 0, (struct sockaddr *) &kernel, sizeof kernel) == sizeof query)
    {
      do
        n = recv (link, &answer, sizeof answer, 0);
      while (n < 0 && errno == EINTR);

      /* An error message (ENOENT: no such socket here) tells nothing. */
      if (n > 0 && NLMSG_OK (&answer.header, (size_t) n) &&
          answer.header.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
          answer.header.nlmsg_len >= NLMSG_LENGTH (sizeof *found))
        {
          found = NLMSG_DATA (&answer.header);
          /* The lookup falls back on a listener for that address: only
           * the connected peer counts. */
          if (found->idiag_state != TCP_LISTEN && found->id.idiag_dport == local_port)
            unread = found->idiag_rqueue;
        }
    }
  close (link);

  return unread;
}

/* How often to ask again whether a client on this host has read: sooner
 * first, less often for one that stays behind (or stopped reading). */
#define PEER_WAIT_MIN_MS 2
#define PEER_WAIT_MAX_MS 64

/**
 * porthole_peer_wait_init:
 * @here: whether the peer may be on this host (a TCP connection)
 */
void
porthole_peer_wait_init (PortholePeerWait *wait,
                         gboolean          here)
{
  wait->here = here;
  wait->next_ms = PEER_WAIT_MIN_MS;
}

/**
 * porthole_peer_wait_next:
 * @fd: the connection's socket
 *
 * Before the next frame (or relayed unit) goes out: a client on this
 * host that has not read all of the previous one would get both in one
 * read if it went now (a client that does not run for the frame
 * interval, on a busy machine). Elsewhere, or where the kernel cannot
 * tell, the interval alone keeps frames apart.
 *
 * Returns: 0 to send now, or how long to wait (ms) before asking again
 */
guint
porthole_peer_wait_next (PortholePeerWait *wait,
                         int               fd)
{
  gssize unread;
  guint delay;

  if (!wait->here)
    return 0;

  unread = porthole_socket_peer_unread (fd);
  if (unread < 0)
    wait->here = FALSE;
  if (unread <= 0)
    {
      wait->next_ms = PEER_WAIT_MIN_MS;
      return 0;
    }

  delay = wait->next_ms;
  wait->next_ms = MIN (wait->next_ms * 2, PEER_WAIT_MAX_MS);
  return delay;
}
