/* bench-execute.c — what running `print(1)` through portholed costs
 *
 * Measures, interleaved in one run so that the machine's load hits all
 * three alike:
 *   bare   /usr/bin/python3 -c 'print(1)', fork/exec with stdout read
 *   fresh  POST /execute {"code":"print(1)"} (a new process each time)
 *   warm   POST /execute/ipython {"code":"print(1)"} (a warm kernel)
 * and prints p50/p95 of each and the ratios. Targets: fresh ≤ 1.3× bare,
 * warm ≤ 5 ms p50.
 *
 * Usage: bench-execute [ITERATIONS]   (PORTHOLED overrides the daemon)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

static guint
free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      getsockname (fd, (struct sockaddr *) &address, &length) != 0)
    g_error ("Cannot find a free port");
  close (fd);
  return ntohs (address.sin_port);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
bare_once (void)
{
  const char *const argv[] = { PYTHON, "-c", "print(1)", NULL };
  g_autofree char *out = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, NULL) || g_strcmp0 (out, "1\n") != 0)
    g_error ("The bare run failed");

  return elapsed_ms (start);
}

/* A minimal keep-alive HTTP/1.1 client: one write per request, so what
 * is measured is the daemon, not a client's packet timing. */
static double
post_once (GSocket    *socket,
           const char *path,
           const char *body)
{
  g_autofree char *request = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                              path, strlen (body), body);
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gsize body_start = 0, expected = 0;
  char buffer[65536];

  if (g_socket_send (socket, request, strlen (request), NULL, &error) != (gssize) strlen (request))
    g_error ("Cannot send: %s", error ? error->message : "short write");

  /* Offsets, not pointers: the string moves as it grows. */
  while (body_start == 0 || answer->len < body_start + expected)
    {
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      const char *end, *length;

      if (n <= 0)
        g_error ("Cannot receive: %s", error ? error->message : "connection closed");
      g_string_append_len (answer, buffer, n);
      if (body_start == 0 && (end = strstr (answer->str, "\r\n\r\n")) != NULL)
        {
          body_start = end + 4 - answer->str;
          length = strcasestr (answer->str, "Content-Length:");
          if (length == NULL || length > end)
            g_error ("No Content-Length in %s", answer->str);
          expected = strtoul (length + strlen ("Content-Length:"), NULL, 10);
        }
    }

  if (!g_str_has_prefix (answer->str, "HTTP/1.1 200") ||
      strstr (answer->str + body_start, "\"stdout\":\"1\\n\"") == NULL)
    g_error ("%s failed: %s", path, answer->str);

  return elapsed_ms (start);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *samples,
            double  p)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, MIN (samples->len - 1, (guint) (p * samples->len)));
}

int
main (int    argc,
      char **argv)
{
  guint iterations = argc > 1 ? (guint) atoi (argv[1]) : 200;
  const char *daemon = g_getenv ("PORTHOLED") ? g_getenv ("PORTHOLED") : PORTHOLED_PATH;
  g_autofree char *tmpdir = g_dir_make_tmp ("bench-execute-XXXXXX", NULL);
  g_autofree char *workspace = g_build_filename (tmpdir, "workspace", NULL);
  g_autofree char *state = g_build_filename (tmpdir, "state", NULL);
  guint port = free_port ();
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *health = g_strdup_printf ("http://%s/health", listen);
  const char *const daemon_argv[] = {
    daemon, "--listen", listen, "--insecure-no-auth", "--display=none",
    "--workspace", workspace, "--state-dir", state, NULL
  };
  const char *body = "{\"code\":\"print(1)\"}";
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, "proxy-resolver", NULL, NULL);
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) warm = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  GSocket *socket;
  double bare50, bare95, fresh50, fresh95, warm50, warm95;
  gint64 deadline;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* The daemon goes with the benchmark, even if it aborts. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, daemon_argv, &error);
  if (process == NULL)
    g_error ("Cannot start %s: %s", daemon, error->message);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
      g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, NULL);

      if (answer != NULL && soup_message_get_status (msg) == 200)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("portholed did not start");
      g_usleep (50000);
    }

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  if (connection == NULL)
    g_error ("Cannot connect: %s", error->message);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  /* Warm up: the kernel starts, the runner gets compiled, caches fill. */
  for (guint i = 0; i < 20; i++)
    {
      bare_once ();
      post_once (socket, "/execute", body);
      post_once (socket, "/execute/ipython", body);
    }

  for (guint i = 0; i < iterations; i++)
    {
      double sample;

      sample = bare_once ();
      g_array_append_val (bare, sample);
      sample = post_once (socket, "/execute", body);
      g_array_append_val (fresh, sample);
      sample = post_once (socket, "/execute/ipython", body);
      g_array_append_val (warm, sample);
    }

  bare50 = percentile (bare, 0.50);
  bare95 = percentile (bare, 0.95);
  fresh50 = percentile (fresh, 0.50);
  fresh95 = percentile (fresh, 0.95);
  warm50 = percentile (warm, 0.50);
  warm95 = percentile (warm, 0.95);

  g_print ("print(1), %u iterations each, interleaved\n", iterations);
  g_print ("  %-34s p50 %7.2f ms  p95 %7.2f ms\n", "bare python3 -c (fork/exec)", bare50, bare95);
  g_print ("  %-34s p50 %7.2f ms  p95 %7.2f ms\n", "POST /execute (fresh process)", fresh50, fresh95);
  g_print ("  %-34s p50 %7.2f ms  p95 %7.2f ms\n", "POST /execute/ipython (warm kernel)", warm50, warm95);
  g_print ("fresh / bare: p50 %.2fx, p95 %.2fx (target <= 1.30x)\n", fresh50 / bare50, fresh95 / bare95);
  g_print ("warm kernel: p50 %.2f ms (target <= 5 ms), %.2fx bare\n", warm50, warm50 / bare50);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", tmpdir);

    if (system (rm) != 0)
      g_printerr ("Could not remove %s\n", tmpdir);
  }

  return 0;
}
