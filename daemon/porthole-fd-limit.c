/* porthole-fd-limit.c
 *
 * Terminals, pipes and sockets: the descriptor count must never be what
 * stops the daemon. At start the soft RLIMIT_NOFILE goes up to the hard
 * one; CAP_SYS_RESOURCE may be missing (PLATFORM.md: it is, here), so
 * the hard limit never moves. max-terminals is then held to what fits,
 * PORTHOLE_FD_LIMIT_PER_TERMINAL each above PORTHOLE_FD_LIMIT_RESERVED.
 *
 * Children get back the soft limit the daemon was started with: a
 * program that uses select() breaks on descriptors at or above
 * FD_SETSIZE (1024), and a higher limit only lets it open them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-fd-limit.h"

/* Written once, at start, before any child or thread exists. */
static struct rlimit inherited;
static gboolean raised;

/**
 * porthole_fd_limit_raise:
 *
 * Raises the soft RLIMIT_NOFILE to the hard one, keeping the one it
 * replaces for children (porthole_fd_limit_get_inherited()).
 */
void
porthole_fd_limit_raise (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;

  inherited = limit;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    {
      g_debug ("Could not raise RLIMIT_NOFILE");
      return;
    }
  raised = TRUE;
}

/**
 * porthole_fd_limit_get_inherited:
 * @limit: (out): the limit the daemon was started with
 *
 * Returns: %TRUE if the daemon raised its limit since, and children
 *   should get @limit back
 */
gboolean
porthole_fd_limit_get_inherited (struct rlimit *limit)
{
  if (raised)
    *limit = inherited;
  return raised;
}

/**
 * porthole_fd_limit_fit_terminals:
 * @wanted: the configured max-terminals
 *
 * Returns: @wanted, or fewer if that many would not fit in the soft
 *   RLIMIT_NOFILE (possibly 0)
 */
guint
porthole_fd_limit_fit_terminals (guint wanted)
{
  struct rlimit limit;
  rlim_t room;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return wanted;

  room = limit.rlim_cur > PORTHOLE_FD_LIMIT_RESERVED
         ? (limit.rlim_cur - PORTHOLE_FD_LIMIT_RESERVED) / PORTHOLE_FD_LIMIT_PER_TERMINAL : 0;

  return (guint) MIN ((rlim_t) wanted, room);
}
