/* test-vnc-fd.c — descriptors for libvncserver stay below FD_SETSIZE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "porthole-error.h"
#include "porthole-vnc.h"
#include "porthole-vnc-viewer.h"

static int
open_high (void)
{
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  int high = fcntl (fd, F_DUPFD_CLOEXEC, PORTHOLE_VNC_MAX_FD + 100);

  close (fd);
  g_assert_cmpint (high, >=, PORTHOLE_VNC_MAX_FD);
  return high;
}

/* A high descriptor moves down while a low one is free, and is refused
 * (closed, with an error) once none is. */
static void
test_move_below_limit (void)
{
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GError) error = NULL;
  struct rlimit limit;
  int fd, moved, freed;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < PORTHOLE_VNC_MAX_FD + 200)
    {
      g_test_skip ("RLIMIT_NOFILE is too low to go past 1024");
      return;
    }

  fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (porthole_vnc_fd_move_below_limit (fd, &error), ==, fd);
  g_assert_no_error (error);
  close (fd);

  /* Take every descriptor below the limit. */
  while ((fd = open ("/dev/null", O_RDONLY | O_CLOEXEC)) < PORTHOLE_VNC_MAX_FD)
    g_array_append_val (held, fd);
  close (fd);

  fd = open_high ();
  g_assert_cmpint (porthole_vnc_fd_move_below_limit (fd, &error), ==, -1);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR);
  g_clear_error (&error);
  /* It was closed. */
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);

  freed = g_array_index (held, int, held->len / 2);
  close (freed);
  g_array_remove_index (held, held->len / 2);
  fd = open_high ();
  moved = porthole_vnc_fd_move_below_limit (fd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (moved, ==, freed);
  g_assert_cmpint (fcntl (moved, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  close (moved);

  for (guint i = 0; i < held->len; i++)
    close (g_array_index (held, int, i));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vnc/fd-below-limit", test_move_below_limit);

  return g_test_run ();
}
