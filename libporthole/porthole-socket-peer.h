/* porthole-socket-peer.h — what a TCP peer on this host has not read yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gssize porthole_socket_peer_unread (int fd);

G_END_DECLS
