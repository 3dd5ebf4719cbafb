/* test-http-limits.c — deadlines, the connection caps, refusals before
 * the body, the header block limit, signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

#include "porthole-auth.h"
#include "test-utils.h"

static char *
write_config (const char *dir,
              const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "portholed.conf", NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A connection from @from (a loopback address), or from 127.0.0.1. */
static GSocketConnection *
raw_connect_from (PortholeTestDaemon *daemon,
                  const char         *from)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;

  if (from != NULL)
    {
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new_from_string (from, 0);

      g_socket_client_set_local_address (client, local);
    }
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  return conn;
}

static GSocketConnection *
raw_connect (PortholeTestDaemon *daemon)
{
  return raw_connect_from (daemon, NULL);
}

/* Reads until the daemon closes; fails after @limit seconds. Returns
 * what was read. */
static char *
read_until_closed (GSocketConnection *conn,
                   guint              limit)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  g_autoptr(GString) data = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + limit * G_USEC_PER_SEC;

  g_socket_set_timeout (socket, limit);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char buf[1024];
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);

      if (n == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        break;
      g_assert_no_error (error);
      g_string_append_len (data, buf, n);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  return g_string_free (g_steal_pointer (&data), FALSE);
}

static void
send_text (GSocketConnection *conn,
           const char        *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Reads one whole answer (its head and Content-Length bytes of body),
 * without waiting for the connection to end. */
static char *
read_response (GSocketConnection *conn)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  g_autoptr(GString) data = g_string_new (NULL);

  g_socket_set_timeout (socket, 30);
  for (;;)
    {
      const char *end = strstr (data->str, "\r\n\r\n");
      const char *length = strstr (data->str, "Content-Length: ");
      g_autoptr(GError) error = NULL;
      char buf[4096];
      gssize n;

      if (end != NULL && length != NULL &&
          data->len >= (gsize) (end + 4 - data->str) + g_ascii_strtoull (length + 16, NULL, 10))
        break;

      n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (data, buf, n);
    }

  return g_string_free (g_steal_pointer (&data), FALSE);
}

static PortholeTestDaemon *
daemon_with_config (const char  *dir,
                    const char  *contents)
{
  g_autofree char *config = write_config (dir, contents);
  g_autofree char *config_arg = g_strconcat ("--config=", config, NULL);

  return porthole_test_daemon_new ((const char *[]) { config_arg, NULL });
}

static void
test_header_and_idle_deadlines (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *config = write_config (dir, "[portholed]\nheader-timeout=1s\nidle-timeout=2s\n");
  g_autofree char *config_arg = g_strconcat ("--config=", config, NULL);
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new ((const char *[]) { config_arg, NULL });
  g_autoptr(GSocketConnection) silent = raw_connect (daemon);
  g_autoptr(GSocketConnection) partial = raw_connect (daemon);
  g_autoptr(GSocketConnection) kept = raw_connect (daemon);
  g_autofree char *silent_data = NULL;
  g_autofree char *partial_data = NULL;
  g_autofree char *kept_data = NULL;

  /* Nothing sent, half a header, one request then silence: all three
   * are closed by the daemon (a 1 s header and 2 s idle deadline). */
  send_text (partial, "GET /health HTTP/1.1\r\nHost: x");
  send_text (kept, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

  silent_data = read_until_closed (silent, 10);
  partial_data = read_until_closed (partial, 10);
  kept_data = read_until_closed (kept, 10);

  g_assert_cmpstr (silent_data, ==, "");
  g_assert_cmpstr (partial_data, ==, "");
  g_assert_true (g_str_has_prefix (kept_data, "HTTP/1.1 200"));

  porthole_test_rm_rf (dir);
}

static void
test_connection_cap (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *config = write_config (dir, "[portholed]\nmax-connections=3\n");
  g_autofree char *config_arg = g_strconcat ("--config=", config, NULL);
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new ((const char *[]) { config_arg, NULL });
  GSocketConnection *held[3];
  g_autoptr(GSocketConnection) extra = NULL;
  g_autofree char *refused = NULL;

  /* The fixture's health polling connection may still be open; let the
   * session drop it so the count is ours. */
  soup_session_abort (daemon->session);
  g_usleep (200000);

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      held[i] = raw_connect (daemon);
      send_text (held[i], "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    }
  g_usleep (200000);

  extra = raw_connect (daemon);
  refused = read_until_closed (extra, 10);
  g_assert_true (g_str_has_prefix (refused, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (refused, "SERVICE_UNAVAILABLE"));
  g_assert_nonnull (strstr (refused, "X-Request-ID: "));

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_object_unref (held[i]);

  /* Capacity comes back once they are gone. */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    for (;;)
      {
        g_autoptr(GSocketConnection) again = raw_connect (daemon);
        g_autofree char *answer = NULL;

        send_text (again, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        answer = read_until_closed (again, 10);
        if (g_str_has_prefix (answer, "HTTP/1.1 200"))
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (100000);
      }
  }

  porthole_test_rm_rf (dir);
}

/* soup 3.2.3 leaks a kept-alive connection the client closes between
 * requests; the daemon must not (see porthole-http-server.c). */
static void
test_closed_keepalive_connections_are_released (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  GPid pid = porthole_test_daemon_get_pid (daemon);
  guint baseline, after = 0;
  gint64 deadline;

  soup_session_abort (daemon->session);
  g_usleep (200000);
  baseline = porthole_test_count_sockets (pid);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GSocketConnection) conn = raw_connect (daemon);
      GSocket *socket = g_socket_connection_get_socket (conn);
      char buf[4096];

      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(GString) answer = g_string_new (NULL);

          send_text (conn, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
          /* The whole answer, so the next request starts on an idle connection. */
          while (strstr (answer->str, "\"pong\"") == NULL)
            {
              gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);

              g_assert_cmpint (n, >, 0);
              g_string_append_len (answer, buf, n);
            }
          g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
        }
    }

  /* Closing with an answer unread resets the connection: the daemon then
   * reads ECONNRESET, not end-of-file, on its idle connection. */
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GSocketConnection) conn = raw_connect (daemon);
      GSocket *socket = g_socket_connection_get_socket (conn);
      char buf[4096];

      send_text (conn, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
      g_assert_cmpint (g_socket_receive (socket, buf, sizeof buf, NULL, NULL), >, 0);
      send_text (conn, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
      g_usleep (2000);
    }

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((after = porthole_test_count_sockets (pid)) > baseline && g_get_monotonic_time () < deadline)
    g_usleep (50000);
  g_test_message ("daemon sockets: %u before, %u after 250 connections", baseline, after);
  g_assert_cmpuint (after, <=, baseline);
}

/* A client holding idle sockets kept every route at 503, /health
 * included (issue 16, item 6). One address now holds at most
 * max-connections-per-address; past that, loopback gets a reserve that
 * serves the public routes only, and that idle sockets cannot keep. */
static void
test_per_address_cap (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config (dir, "[portholed]\nmax-connections-per-address=3\n"
                                                                  "header-timeout=60s\nidle-timeout=60s\n");
  g_autofree char *env_request = g_strdup_printf ("GET /env HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n",
                                                  daemon->token);
  GSocketConnection *held[3];
  GSocketConnection *idle_reserve[12];

  soup_session_abort (daemon->session);
  g_usleep (200000);

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    held[i] = raw_connect (daemon);

  /* Past the cap: a token does not help... */
  {
    g_autoptr(GSocketConnection) extra = raw_connect (daemon);
    g_autofree char *answer = NULL;

    send_text (extra, env_request);
    answer = read_until_closed (extra, 30);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 503"));
    g_assert_nonnull (strstr (answer, "SERVICE_UNAVAILABLE"));
  }

  /* ...but the health check answers... */
  {
    g_autoptr(GSocketConnection) health = raw_connect (daemon);
    g_autofree char *answer = NULL;

    send_text (health, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    answer = read_until_closed (health, 30);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
    g_assert_nonnull (strstr (answer, "Connection: close"));
  }

  /* ...even when idle sockets fill the reserve: the oldest idle one
   * makes room, and is told why. */
  for (guint i = 0; i < G_N_ELEMENTS (idle_reserve); i++)
    idle_reserve[i] = raw_connect (daemon);
  {
    g_autoptr(GSocketConnection) health = raw_connect (daemon);
    g_autofree char *answer = NULL;
    g_autofree char *evicted = read_until_closed (idle_reserve[0], 30);

    send_text (health, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    answer = read_until_closed (health, 30);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
    g_assert_true (g_str_has_prefix (evicted, "HTTP/1.1 503"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (idle_reserve); i++)
    g_object_unref (idle_reserve[i]);

  /* Another address has its own count. */
  {
    g_autoptr(GSocketConnection) other = raw_connect_from (daemon, "127.0.0.2");
    g_autofree char *answer = NULL;

    send_text (other, env_request);
    answer = read_response (other);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
  }

  /* The connections within the cap were never touched. */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      g_autofree char *answer = NULL;

      send_text (held[i], env_request);
      answer = read_response (held[i]);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
      g_object_unref (held[i]);
    }

  porthole_test_rm_rf (dir);
}

/* A health check the daemon accepted before its request arrived lost
 * its reserve place to the next loopback connection past the caps while
 * its request waited to be read: the newcomer took the place of the
 * oldest reserve connection still waiting for its first request, and
 * /health answered 503 under 1000 slow bodies with a token
 * (bench/hostile). A request that has arrived for a public route keeps
 * its place now; what makes room is a connection that sent nothing, or a
 * request the reserve refuses anyway. The daemon is stopped while the
 * requests and the newcomer arrive, so that it accepts the newcomer
 * before it reads them. */
static void
test_reserve_keeps_health_check (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config (dir, "[portholed]\nmax-connections-per-address=2\n"
                                                                  "header-timeout=60s\nidle-timeout=60s\n");
  g_autofree char *slow_body = g_strdup_printf ("POST /commands/run HTTP/1.1\r\nHost: x\r\n"
                                                "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                                                "Content-Length: 65536\r\n\r\n{", daemon->token);
  const char *health_request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  GPid pid = porthole_test_daemon_get_pid (daemon);
  GSocketConnection *held[2];
  /* The reserve (LOOPBACK_RESERVE places): a health check, then bodies. */
  GSocketConnection *bodies[7];
  g_autoptr(GSocketConnection) health = NULL;
  g_autoptr(GSocketConnection) newcomer = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *newcomer_answer = NULL;
  guint baseline;

  soup_session_abort (daemon->session);
  g_usleep (200000);

  /* The cap, full of kept-alive connections the daemon has served. */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      g_autofree char *served = NULL;

      held[i] = raw_connect (daemon);
      send_text (held[i], health_request);
      served = read_response (held[i]);
      g_assert_true (g_str_has_prefix (served, "HTTP/1.1 200"));
    }

  /* The reserve, full of connections accepted before their requests. */
  baseline = porthole_test_count_sockets (pid);
  health = raw_connect (daemon);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    bodies[i] = raw_connect (daemon);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_count_sockets (pid) >= baseline + 1 + G_N_ELEMENTS (bodies));

  g_assert_no_errno (kill (pid, SIGSTOP));
  send_text (health, health_request);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    send_text (bodies[i], slow_body);
  newcomer = raw_connect (daemon);
  send_text (newcomer, health_request);
  g_assert_no_errno (kill (pid, SIGCONT));

  answer = read_until_closed (health, 30);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
  /* A body the reserve would refuse made room for the newcomer. */
  newcomer_answer = read_until_closed (newcomer, 30);
  g_assert_true (g_str_has_prefix (newcomer_answer, "HTTP/1.1 200"));
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *refused = read_until_closed (bodies[i], 30);

      g_assert_true (g_str_has_prefix (refused, "HTTP/1.1 503"));
      g_object_unref (bodies[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_object_unref (held[i]);

  porthole_test_rm_rf (dir);
}

/* A refused request's body was drained so its client got the answer, at
 * whatever pace the client sent it: 1 100 unauthenticated POSTs with
 * Content-Length: 100000 and a byte every 5 s kept /health at 503
 * (issue 16, item 8). The answer now comes before the body, and the
 * connection ends. */
static void
test_refused_before_body (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config (dir, "[portholed]\nmax-connections=20\n"
                                                                  "max-connections-per-address=20\n");
  g_autofree char *too_big = g_strdup_printf ("PUT /env HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                              "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{",
                                              daemon->token);
  const char *unauthenticated = "POST /execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 100000\r\n\r\n{";
  const char *expecting = "POST /commands/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n";
  GSocketConnection *slow[20];

  soup_session_abort (daemon->session);
  g_usleep (200000);

  {
    const struct { const char *request; const char *status; const char *code; } cases[] = {
      { unauthenticated, "HTTP/1.1 401", "TOKEN_INVALID" },
      { expecting, "HTTP/1.1 401", "TOKEN_INVALID" },
      { too_big, "HTTP/1.1 413", "PAYLOAD_TOO_LARGE" },
      { "POST /no/such/route HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{", "HTTP/1.1 404", "NOT_FOUND" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GSocketConnection) conn = raw_connect (daemon);
        g_autofree char *answer = NULL;
        g_autofree char *rest = NULL;

        send_text (conn, cases[i].request);
        /* All of it, with the body still to come: */
        answer = read_response (conn);
        g_assert_true (g_str_has_prefix (answer, cases[i].status));
        g_assert_nonnull (strstr (answer, cases[i].code));
        g_assert_nonnull (strstr (answer, "Connection: close"));
        g_assert_nonnull (strstr (answer, "X-Request-ID: "));
        /* and the daemon ends the connection. */
        rest = read_until_closed (conn, 30);
        g_assert_cmpstr (rest, ==, "");
      }
  }

  /* Every connection the daemon has, held that way: each is answered
   * (401, or 503 while the connections above still linger) and ended by
   * the daemon while its client still holds it open, so capacity comes
   * back. */
  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    {
      slow[i] = raw_connect (daemon);
      send_text (slow[i], unauthenticated);
    }
  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    {
      g_autofree char *answer = read_until_closed (slow[i], 30);

      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 401") || g_str_has_prefix (answer, "HTTP/1.1 503"));
    }
  /* They linger a moment for their clients to close; then a route that
   * needs the token (no reserve place) answers again. */
  for (guint i = 0;; i++)
    {
      g_autoptr(GSocketConnection) conn = raw_connect (daemon);
      g_autofree char *answer = NULL;
      g_autofree char *request = g_strdup_printf ("GET /env HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                                  "Connection: close\r\n\r\n", daemon->token);

      send_text (conn, request);
      answer = read_until_closed (conn, 30);
      if (g_str_has_prefix (answer, "HTTP/1.1 200"))
        break;
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 503"));
      g_assert_cmpuint (i, <, 100);
      g_usleep (200000);
    }
  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    g_object_unref (slow[i]);

  porthole_test_rm_rf (dir);
}

/* The body deadline was reset by every chunk, so a byte now and then
 * kept a connection forever. It is a total now: body-timeout, plus a
 * second per body-min-rate bytes received. */
static void
test_body_deadline_is_total (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config (dir, "[portholed]\nbody-timeout=2s\nbody-min-rate=1000\n");
  g_autofree char *head = g_strdup_printf ("POST /commands/run HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                           "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
                                           daemon->token);
  g_autoptr(GSocketConnection) conn = raw_connect (daemon);
  GSocket *socket = g_socket_connection_get_socket (conn);
  gboolean closed = FALSE;
  guint sent = 0;

  send_text (conn, head);
  /* A byte every 250 ms, for up to 30 s: the daemon ends it well before. */
  while (!closed && sent < 120)
    {
      char buf[256];
      gssize n;

      if (g_socket_condition_timed_wait (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, 250000, NULL, NULL))
        {
          n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
          closed = n <= 0;
          continue;
        }
      closed = g_socket_send (socket, " ", 1, NULL, NULL) < 0;
      sent++;
    }
  g_test_message ("the daemon closed the slow body after %u bytes", sent);
  g_assert_true (closed);

  porthole_test_rm_rf (dir);
}

/* soup reset a connection whose header block passed 64 KiB; it is
 * answered 431 now (issue 16, item 4). */
static void
test_header_block_too_large (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(GString) request = g_string_new ("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ");
  g_autoptr(GString) fits = g_string_new ("GET /health HTTP/1.1\r\nHost: x\r\nX-Fits: ");
  g_autoptr(GSocketConnection) conn = raw_connect (daemon);
  g_autoptr(GSocketConnection) fitting = raw_connect (daemon);
  g_autofree char *answer = NULL;
  g_autofree char *fine = NULL;

  for (guint i = 0; i < 200 * 1024 / 64; i++)
    g_string_append (request, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append (request, "\r\n\r\n");
  while (fits->len < 60 * 1024)
    g_string_append (fits, "bbbbbbbbbbbbbbbb");
  g_string_append (fits, "\r\n\r\n");

  /* The daemon may have answered before it all went. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request->str, request->len,
                             NULL, NULL, NULL);
  answer = read_until_closed (conn, 30);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 431 Request Header Fields Too Large"));
  g_assert_nonnull (strstr (answer, "PAYLOAD_TOO_LARGE"));

  send_text (fitting, fits->str);
  fine = read_response (fitting);
  g_assert_true (g_str_has_prefix (fine, "HTTP/1.1 200"));
}

/* One connection's exchange: @length bytes of @data (-1: a string),
 * the client's end of sending if @shut_write, then what the daemon says
 * until it closes. */
static char *
exchange (PortholeTestDaemon *daemon,
          const char         *data,
          gssize              length,
          gboolean            shut_write)
{
  g_autoptr(GSocketConnection) conn = raw_connect (daemon);

  g_test_message ("%s", data);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), data,
                             length < 0 ? strlen (data) : (gsize) length, NULL, NULL, NULL);
  if (shut_write)
    g_socket_shutdown (g_socket_connection_get_socket (conn), FALSE, TRUE, NULL);
  return read_until_closed (conn, 30);
}

static guint
count_ok (const char *answers)
{
  guint n = 0;

  for (const char *at = answers; (at = strstr (at, "HTTP/1.1 200")) != NULL; at++)
    n++;
  return n;
}

/* The daemon's own 400, not soup's (which has no body). */
static void
assert_framing_refused (const char *answer)
{
  g_assert_nonnull (answer);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400"));
  g_assert_nonnull (strstr (answer, "INVALID_REQUEST"));
}

/* libsoup 3.2.3 leaked each request's path when it could not read the
 * body's framing (found by fuzz/fuzz-http); such requests are answered
 * 400 before soup sees them, and so are the ambiguous ones a proxy in
 * front could frame differently. Good framing still passes, keep-alive
 * included. */
static void
test_framing (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  const char *refused[] = {
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\nx",
    "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\nx",
    "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    "POST /health HTTP/1.1\r\nHost: x\r\ncontent-length: 1\r\n 2\r\n\r\nx",
    "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTRANSFER-ENCODING: chunked\r\n\r\n0\r\n\r\n",
    /* Chunked bodies in any form but the strict one. */
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n",
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX\r\n0\r\n\r\n",
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n",
    /* Two Hosts, which soup 3.2.3 joined into one (CVE-2025-14523),
     * whatever their case or values. */
    "GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    "GET /health HTTP/1.1\r\nhost: x\r\nX-Other: 1\r\nHOST: x\r\n\r\n",
  };
  /* The same refusals behind a good request on a kept-alive connection:
   * soup reads ahead, so the second request went to soup unchecked. */
  const char *pipelined[] = {
    "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length:u 5\r\n\r\nhello",
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=1\r\n{}\r\n0\r\n\r\n"
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello",
    "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    "GET /health HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n\r\n",
  };
  const char *accepted =
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length:  2 \r\n\r\n{}"
    "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    "GET /health HTTP/1.1\r\nHost: x\r\nX-Content-Length: nope\r\nConnection: close\r\n\r\n";
  g_autofree char *answers = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *answer = exchange (daemon, refused[i], -1, FALSE);

      assert_framing_refused (answer);
    }

  for (guint i = 0; i < G_N_ELEMENTS (pipelined); i++)
    {
      g_autofree char *answer = exchange (daemon, pipelined[i], -1, FALSE);

      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
      assert_framing_refused (strstr (answer + 1, "HTTP/1.1 "));
    }

  answers = exchange (daemon, accepted, -1, FALSE);
  g_assert_cmpuint (count_ok (answers), ==, 3);
}

/* Two more ways a request's framing reached soup unchecked (found by
 * fuzz/fuzz-http): soup drops NUL bytes from header lines, and takes a
 * header block cut short by the client's end of sending for a whole one,
 * its unfinished last line included. Under ASan the daemon's leak check
 * at exit fails the test if soup still sees such a request. */
static void
test_framing_cut_short (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  static const char with_nul[] = "GET /health HTTP/1.1\r\nHost: x\r\nContent-Len\0gth: x\r\n\r\n";
  const char *cut_short[] = {
    "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: x",
    "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nContent-Length: x",
  };
  g_autofree char *nul_answer = exchange (daemon, with_nul, sizeof with_nul - 1, FALSE);

  assert_framing_refused (nul_answer);

  /* The whole request is answered; the cut one is not run. */
  for (guint i = 0; i < G_N_ELEMENTS (cut_short); i++)
    {
      g_autofree char *answer = exchange (daemon, cut_short[i], -1, TRUE);

      g_assert_cmpuint (count_ok (answer), ==, i);
    }

  /* The daemon goes on serving. */
  {
    g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }
}

/* /execute took a built-in 16 MiB whatever max-body-size said; it has
 * its own key now (issue 16, item 5). */
static void
test_execute_body_limit (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = daemon_with_config (dir, "[portholed]\nmax-body-size=16K\n"
                                                                  "execute-max-body-size=64K\n");
  g_autofree char *pad32 = g_strnfill (32 * 1024, 'x');
  g_autofree char *pad80 = g_strnfill (80 * 1024, 'x');
  g_autofree char *fits = g_strdup_printf ("{\"code\":\"print(7)\",\"language\":\"bash\",\"pad\":\"%s\"}", pad32);
  g_autofree char *too_big = g_strdup_printf ("{\"code\":\"print(7)\",\"pad\":\"%s\"}", pad80);
  g_autofree char *env = g_strdup_printf ("{\"env_vars\":{\"PAD\":\"%s\"}}", pad32);
  g_autoptr(PortholeTestResponse) ok = porthole_test_request (daemon, "POST", "/execute", NULL, fits);
  g_autoptr(PortholeTestResponse) refused = porthole_test_request (daemon, "POST", "/execute", NULL, too_big);
  g_autoptr(PortholeTestResponse) env_refused = porthole_test_request (daemon, "PUT", "/env", NULL, env);

  g_assert_cmpuint (ok->status, ==, 200);
  porthole_test_assert_error_body (refused, 413, "PAYLOAD_TOO_LARGE");
  porthole_test_assert_error_body (env_refused, 413, "PAYLOAD_TOO_LARGE");

  porthole_test_rm_rf (dir);
}

static void
test_sighup_rotates_key (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autofree char *old_token = g_strdup (daemon->token);
  g_autofree char *new_token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  g_file_set_contents_full (daemon->secret_file, "a-brand-new-secret-of-at-least-32-bytes", -1,
                            G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  new_token = porthole_test_daemon_mint_token (daemon, 600);

  kill (porthole_test_daemon_get_pid (daemon), SIGHUP);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/env", new_token, NULL);

      if (r->status == 200)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }

  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/env", old_token, NULL);

    porthole_test_assert_error_body (r, 401, "TOKEN_INVALID");
  }

  /* A broken key file on the next SIGHUP keeps the current key. */
  g_file_set_contents (daemon->secret_file, "short", -1, NULL);
  kill (porthole_test_daemon_get_pid (daemon), SIGHUP);
  g_usleep (300000);
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/env", new_token, NULL);

    g_assert_cmpuint (r->status, ==, 200);
  }
}

static void
test_token_subcommand (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *secret = g_build_filename (dir, "secret", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *bad_ttl[] = { porthole_test_get_daemon_path (), "token", "--secret-file", secret, "--ttl", "soon", NULL };
  const char *no_secret[] = { porthole_test_get_daemon_path (), "token", NULL };

  g_file_set_contents (secret, "0123456789abcdef0123456789abcdef", -1, NULL);
  g_spawn_sync (NULL, (char **) bad_ttl, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_spawn_sync (NULL, (char **) no_secret, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "--secret-file"));

  porthole_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/limits/header-and-idle-deadlines", test_header_and_idle_deadlines);
  g_test_add_func ("/limits/connection-cap", test_connection_cap);
  g_test_add_func ("/limits/closed-keepalive-connections-are-released", test_closed_keepalive_connections_are_released);
  g_test_add_func ("/limits/per-address-cap", test_per_address_cap);
  g_test_add_func ("/limits/reserve-keeps-health-check", test_reserve_keeps_health_check);
  g_test_add_func ("/limits/refused-before-body", test_refused_before_body);
  g_test_add_func ("/limits/body-deadline-is-total", test_body_deadline_is_total);
  g_test_add_func ("/limits/header-block-too-large", test_header_block_too_large);
  g_test_add_func ("/limits/framing", test_framing);
  g_test_add_func ("/limits/framing-cut-short", test_framing_cut_short);
  g_test_add_func ("/limits/execute-body-limit", test_execute_body_limit);
  g_test_add_func ("/limits/sighup-rotates-key", test_sighup_rotates_key);
  g_test_add_func ("/limits/token-subcommand", test_token_subcommand);

  return g_test_run ();
}
