/* test-slow-terminals.c — 200 terminals held at once by one daemon, every
 * line echoed by its own shell and every exit reported (issue 4,
 * SECURITY.md G5)
 *
 * Every terminal gets a line in each round, all at once; the time from
 * sending it to the first output message carrying its echo is one
 * sample, printed as p50/p99/max. The p99 target of G5 is measured by
 * bench/terminals: a test on a shared, loaded machine asserts no time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-utils.h"

#define N_TERMINALS 200
#define N_ROUNDS 5

typedef struct
{
  PortholeTestSocket *socket;
  char *marker;
  gint64 sent;
  gint64 received;
} Terminal;

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *bytes,
            Terminal                *term)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (term->marker != NULL && term->received == 0 && strstr (text, term->marker) != NULL)
    term->received = g_get_monotonic_time ();
}

static void
send_line (Terminal   *term,
           const char *line,
           const char *marker)
{
  g_autofree char *message = g_strdup_printf ("{\"type\":\"input\",\"data\":\"%s\\n\"}", line);

  g_free (term->marker);
  term->marker = g_strdup (marker);
  term->received = 0;
  term->sent = g_get_monotonic_time ();
  porthole_test_socket_send (term->socket, message);
}

static gboolean
all_received (Terminal *terms)
{
  for (guint i = 0; i < N_TERMINALS; i++)
    if (terms[i].received == 0)
      return FALSE;

  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
test_many_terminals (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  Terminal *terms = g_new0 (Terminal, N_TERMINALS);
  double p50, p99, max;

  for (guint i = 0; i < N_TERMINALS; i++)
    {
      terms[i].socket = porthole_test_socket_open (daemon, "/terminal", NULL);
      g_signal_connect (terms[i].socket->connection, "message", G_CALLBACK (on_message), &terms[i]);
    }

  /* Every shell is up: its output (not its echo) came back. */
  for (guint i = 0; i < N_TERMINALS; i++)
    {
      g_autofree char *line = g_strdup_printf ("echo up-$((%u+1000))", i);
      g_autofree char *marker = g_strdup_printf ("up-%u", i + 1000);

      send_line (&terms[i], line, marker);
    }
  PORTHOLE_TEST_WAIT_UNTIL (all_received (terms));

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      for (guint i = 0; i < N_TERMINALS; i++)
        {
          g_autofree char *marker = g_strdup_printf ("r%ut%u", round, i);
          g_autofree char *line = g_strdup_printf (": %s", marker);

          send_line (&terms[i], line, marker);
        }
      PORTHOLE_TEST_WAIT_UNTIL (all_received (terms));
      for (guint i = 0; i < N_TERMINALS; i++)
        {
          double ms = (terms[i].received - terms[i].sent) / 1000.0;

          g_array_append_val (samples, ms);
        }
    }

  g_array_sort (samples, compare_doubles);
  p50 = g_array_index (samples, double, samples->len / 2);
  p99 = g_array_index (samples, double, samples->len * 99 / 100);
  max = g_array_index (samples, double, samples->len - 1);
  g_test_message ("%u terminals, %u echo round trips: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                  N_TERMINALS, samples->len, p50, p99, max);

  /* All of them end cleanly. */
  for (guint i = 0; i < N_TERMINALS; i++)
    porthole_test_socket_send (terms[i].socket, "{\"type\":\"input\",\"data\":\"exit 7\\n\"}");
  for (guint i = 0; i < N_TERMINALS; i++)
    {
      JsonObject *exit_message;

      porthole_test_socket_wait_closed (terms[i].socket);
      exit_message = porthole_test_socket_wait_type (terms[i].socket, "exit");
      g_assert_cmpint (json_object_get_int_member (exit_message, "code"), ==, 7);
    }

  for (guint i = 0; i < N_TERMINALS; i++)
    {
      g_signal_handlers_disconnect_by_data (terms[i].socket->connection, &terms[i]);
      porthole_test_socket_free (terms[i].socket);
      g_free (terms[i].marker);
    }
  g_free (terms);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/terminals/two-hundred", test_many_terminals);

  return g_test_run ();
}
