/* porthole-x11-watchdog.c
 *
 * Xlib (xcb underneath) waits for a reply without a deadline: an X
 * server that stops answering after the connection was made (SIGSTOP,
 * wedged, a client holding a server grab) would freeze the thread
 * inside its round trip for good, and that thread is the daemon's main
 * loop (or a recording's capture thread, which the main loop joins).
 *
 * So one thread of ours asks each local server we hold connections to,
 * every second, for a connection greeting on a socket of its own (the
 * same question the connect guard asks). A server that leaves the
 * question unanswered for the timeout is wedged: the sockets of our
 * connections to it are shut down. Whatever thread waits in xcb wakes
 * up to an end of file, Xlib calls the I/O error exit handler, and the
 * connection is lost as if the server had died (the display's "closed"
 * path; the desktop reconnects once the server answers again). A slow
 * but live server (a large GetImage takes tens of milliseconds) answers
 * a greeting between two requests, so it never fires.
 *
 * Each watch holds a duplicate of the connection's descriptor: shutdown()
 * acts on the socket, and the duplicate stays ours until the watch goes,
 * so the watchdog never touches a number that Xlib closed and something
 * else reused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "porthole-x11-watchdog.h"

/* Between the end of one round of questions and the next. */
#define INTERVAL_USEC G_USEC_PER_SEC

struct _PortholeX11Watch
{
  int number;
  int fd;                       /* our duplicate */
  guint64 serial;
  gboolean fired;
};

static GMutex lock;
static GCond wakeup;
static GThread *thread;
static GPtrArray *watches;      /* PortholeX11Watch *, under lock */
static guint64 last_serial;
static guint timeout_seconds = PORTHOLE_X11_WATCHDOG_DEFAULT_TIMEOUT;

static int
connect_local (int number)
{
  /* The abstract name first, as Xlib does, then the file. Non-blocking:
   * a stopped server's full backlog must not block connect(). */
  for (int abstract = 1; abstract >= 0; abstract--)
    {
      struct sockaddr_un address = { .sun_family = AF_UNIX };
      int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      socklen_t length;

      if (fd < 0)
        return -1;
      g_snprintf (address.sun_path + abstract, sizeof address.sun_path - abstract,
                  "/tmp/.X11-unix/X%d", number);
      length = offsetof (struct sockaddr_un, sun_path) + abstract + strlen (address.sun_path + abstract);
      if (connect (fd, (struct sockaddr *) &address, length) == 0)
        return fd;
      close (fd);
    }

  return -1;
}

/**
 * porthole_x11_probe:
 * @number: N of the local display ":N"
 * @timeout_ms: how long to wait for the greeting
 *
 * Asks the server for a connection greeting on a socket of our own.
 *
 * Returns: whether it answered, is not there, or stayed silent
 */
PortholeX11Probe
porthole_x11_probe (int   number,
                    guint timeout_ms)
{
  /* Connection setup, little-endian, protocol 11.0, no authorization:
   * any reply (success, failure, authenticate) shows a live server. */
  static const guint8 setup[12] = { 'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  struct pollfd poll_fd = { .events = POLLIN };
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  PortholeX11Probe result = PORTHOLE_X11_PROBE_SILENT;
  guint8 reply;
  int n;

  if ((poll_fd.fd = connect_local (number)) < 0)
    return PORTHOLE_X11_PROBE_UNREACHABLE;

  if (write (poll_fd.fd, setup, sizeof setup) != sizeof setup)
    {
      close (poll_fd.fd);
      return PORTHOLE_X11_PROBE_UNREACHABLE;
    }

  do
    {
      gint64 left = deadline - g_get_monotonic_time ();

      n = poll (&poll_fd, 1, MAX (left, 0) / 1000);
    }
  while (n < 0 && errno == EINTR);
  if (n > 0)
    result = read (poll_fd.fd, &reply, 1) == 1 ? PORTHOLE_X11_PROBE_ANSWERED : PORTHOLE_X11_PROBE_UNREACHABLE;
  close (poll_fd.fd);

  return result;
}

/* Shuts down the sockets of the watches of @number made before @serial. */
static void
fire (int     number,
      guint64 serial)
{
  g_mutex_lock (&lock);
  for (guint i = 0; i < watches->len; i++)
    {
      PortholeX11Watch *watch = g_ptr_array_index (watches, i);

      if (watch->number == number && watch->serial <= serial && !watch->fired)
        {
          watch->fired = TRUE;
          shutdown (watch->fd, SHUT_RDWR);
        }
    }
  g_mutex_unlock (&lock);
}

static gpointer
watchdog_thread (gpointer data)
{
  g_mutex_lock (&lock);
  for (;;)
    {
      g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (int));
      guint64 serial;
      guint timeout_ms;

      while (watches->len == 0)
        g_cond_wait (&wakeup, &lock);

      for (guint i = 0; i < watches->len; i++)
        {
          PortholeX11Watch *watch = g_ptr_array_index (watches, i);
          gboolean seen = watch->fired;

          for (guint j = 0; j < numbers->len && !seen; j++)
            seen = g_array_index (numbers, int, j) == watch->number;
          if (!seen)
            g_array_append_val (numbers, watch->number);
        }
      serial = last_serial;
      timeout_ms = timeout_seconds * 1000;
      g_mutex_unlock (&lock);

      /* Outside the lock: a silent server keeps us here for the timeout. */
      for (guint j = 0; j < numbers->len; j++)
        {
          int number = g_array_index (numbers, int, j);

          if (porthole_x11_probe (number, timeout_ms) == PORTHOLE_X11_PROBE_SILENT)
            fire (number, serial);
        }

      g_mutex_lock (&lock);
      g_cond_wait_until (&wakeup, &lock, g_get_monotonic_time () + INTERVAL_USEC);
    }

  return NULL;
}

/**
 * porthole_x11_watchdog_set_timeout:
 * @seconds: how long a server may leave a greeting unanswered before
 *   our connections to it are dropped
 */
void
porthole_x11_watchdog_set_timeout (guint seconds)
{
  g_return_if_fail (seconds > 0);

  g_mutex_lock (&lock);
  timeout_seconds = seconds;
  g_mutex_unlock (&lock);
}

guint
porthole_x11_watchdog_get_timeout (void)
{
  guint seconds;

  g_mutex_lock (&lock);
  seconds = timeout_seconds;
  g_mutex_unlock (&lock);

  return seconds;
}

/**
 * porthole_x11_watch_new:
 * @number: N of the local display ":N" @fd is connected to
 * @fd: the connection's socket (ConnectionNumber)
 *
 * Watches the server from now until porthole_x11_watch_free(), which
 * comes after the connection is closed (XCloseDisplay makes a round
 * trip too).
 *
 * Returns: (transfer full) (nullable): the watch, or %NULL when the
 *   descriptor cannot be duplicated (then nothing guards the connection)
 */
PortholeX11Watch *
porthole_x11_watch_new (int number,
                        int fd)
{
  PortholeX11Watch *watch;
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 3);

  g_return_val_if_fail (number >= 0, NULL);

  if (copy < 0)
    return NULL;

  watch = g_new0 (PortholeX11Watch, 1);
  watch->number = number;
  watch->fd = copy;

  g_mutex_lock (&lock);
  if (watches == NULL)
    watches = g_ptr_array_new ();
  watch->serial = ++last_serial;
  g_ptr_array_add (watches, watch);
  /* Lives as long as the process, asleep while nothing is watched. */
  if (thread == NULL)
    thread = g_thread_new ("x11-watchdog", watchdog_thread, NULL);
  g_cond_signal (&wakeup);
  g_mutex_unlock (&lock);

  return watch;
}

/**
 * porthole_x11_watch_has_fired:
 *
 * Returns: whether the server stopped answering and the watchdog shut
 *   the connection down
 */
gboolean
porthole_x11_watch_has_fired (PortholeX11Watch *watch)
{
  gboolean fired;

  g_mutex_lock (&lock);
  fired = watch->fired;
  g_mutex_unlock (&lock);

  return fired;
}

void
porthole_x11_watch_free (PortholeX11Watch *watch)
{
  g_mutex_lock (&lock);
  g_ptr_array_remove_fast (watches, watch);
  g_mutex_unlock (&lock);

  close (watch->fd);
  g_free (watch);
}
