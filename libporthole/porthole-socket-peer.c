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

static gboolean
get_ends (int                  fd,
          PortholePeerAddress *ends)
{
  struct sockaddr_storage local, remote;
  socklen_t local_length = sizeof local, remote_length = sizeof remote;
  guint8 remote_family;

  memset (ends, 0, sizeof *ends);
  return getsockname (fd, (struct sockaddr *) &local, &local_length) == 0 &&
         getpeername (fd, (struct sockaddr *) &remote, &remote_length) == 0 &&
         get_address (&local, &ends->family, &ends->local_port, ends->local) &&
         get_address (&remote, &remote_family, &ends->remote_port, ends->remote) &&
         ends->family == remote_family;
}

/* One NETLINK_SOCK_DIAG socket for the process, opened at the first
 * question and kept: a socket of its own per question cost two more
 * system calls and made each one 3 times slower (11.5 against 3.7 us on
 * loopback, 2026-12-05). The lock keeps a question and its answer
 * together (the hub asks from its relay thread). */
static GMutex diag_lock;
static int diag_socket = -1;
static guint32 diag_sequence;

static gssize
ask_kernel (const PortholePeerAddress *ends)
{
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
  const struct inet_diag_msg *found;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&diag_lock);
  gssize unread = -1;
  ssize_t n;

  if (diag_socket < 0)
    diag_socket = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (diag_socket < 0)
    return -1;

  /* The peer's socket: its source is our destination, and the other way
   * round. */
  memset (&query, 0, sizeof query);
  query.header.nlmsg_len = sizeof query;
  query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  query.header.nlmsg_flags = NLM_F_REQUEST;
  query.header.nlmsg_seq = ++diag_sequence;
  query.request.sdiag_family = ends->family;
  query.request.sdiag_protocol = IPPROTO_TCP;
  query.request.idiag_states = ~0u;
  query.request.id.idiag_sport = ends->remote_port;
  query.request.id.idiag_dport = ends->local_port;
  memcpy (query.request.id.idiag_src, ends->remote, sizeof ends->remote);
  memcpy (query.request.id.idiag_dst, ends->local, sizeof ends->local);
  query.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  query.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  if (sendto (diag_socket, &query, sizeof query, 0, (struct sockaddr *) &kernel, sizeof kernel) != sizeof query)
    return -1;

  /* An answer to an earlier question that was not read (none should be)
   * is not this one's. */
  do
    n = recv (diag_socket, &answer, sizeof answer, 0);
  while ((n < 0 && errno == EINTR) ||
         (n > 0 && NLMSG_OK (&answer.header, (size_t) n) && answer.header.nlmsg_seq != diag_sequence));

  /* An error message (ENOENT: no such socket here) tells nothing. */
  if (n > 0 && NLMSG_OK (&answer.header, (size_t) n) &&
      answer.header.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
      answer.header.nlmsg_len >= NLMSG_LENGTH (sizeof *found))
    {
      found = NLMSG_DATA (&answer.header);
      /* The lookup falls back on a listener for that address: only the
       * connected peer counts. */
      if (found->idiag_state != TCP_LISTEN && found->id.idiag_dport == ends->local_port)
        unread = found->idiag_rqueue;
    }

  return unread;
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
  PortholePeerAddress ends;

  if (!get_ends (fd, &ends))
    return -1;
  return ask_kernel (&ends);
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
  wait->fd = -1;
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

  /* A connection's ends stay what they were: looked up once. */
  if (wait->fd != fd)
    {
      if (!get_ends (fd, &wait->address))
        {
          wait->here = FALSE;
          return 0;
        }
      wait->fd = fd;
    }

  unread = ask_kernel (&wait->address);
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
