/* porthole-socket-peer.h — what a TCP peer on this host has not read yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gssize porthole_socket_peer_unread (int fd);

/* A connection's two ends as the kernel keys the peer's socket. */
typedef struct
{
  guint8 family;
  guint16 local_port, remote_port;  /* network order */
  guint32 local[4], remote[4];
} PortholePeerAddress;

/* Frame pacing's wait for a client on this host to read (API.md §1.9),
 * one per connection. */
typedef struct
{
  gboolean here;  /* the kernel tells what the peer has not read */
  guint next_ms;  /* the next wait, while it stays behind */
  int fd;         /* the connection whose ends @address holds, or -1 */
  PortholePeerAddress address;
} PortholePeerWait;

void  porthole_peer_wait_init (PortholePeerWait *wait,
                               gboolean          here);
guint porthole_peer_wait_next (PortholePeerWait *wait,
                               int               fd);

G_END_DECLS
