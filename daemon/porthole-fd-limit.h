/* porthole-fd-limit.h — the daemon's descriptor budget (SECURITY.md G5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sys/resource.h>

G_BEGIN_DECLS

/* What one terminal holds (its WebSocket, the PTY master, the child's
 * pipes while it starts) and what the rest of the daemon needs. */
#define PORTHOLE_FD_LIMIT_PER_TERMINAL 4
#define PORTHOLE_FD_LIMIT_RESERVED 256

void     porthole_fd_limit_raise          (void);
gboolean porthole_fd_limit_get_inherited  (struct rlimit *limit);
guint    porthole_fd_limit_fit_terminals  (guint          wanted);

G_END_DECLS
