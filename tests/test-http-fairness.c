/* test-http-fairness.c — work the daemon defers is not starved by load
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "test-utils.h"

/* Enough to keep the daemon busy for a second or more. */
#define PIPELINED 5000

static const char request[] = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char status_line[] = "HTTP/1.1 200";

typedef struct
{
  GSocketConnection *conn;
  const char *marker;
  gint answered;
  gboolean marker_at_end;
} Pipeline;

static gpointer
write_pipeline (gpointer data)
{
  Pipeline *pipeline = data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (pipeline->conn));
  g_autoptr(GString) all = g_string_sized_new (PIPELINED * (sizeof request - 1));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < PIPELINED; i++)
    g_string_append_len (all, request, sizeof request - 1);
  g_output_stream_write_all (out, all->str, all->len, NULL, NULL, &error);
  g_assert_no_error (error);
  return NULL;
}

/* Counts the answers; a status line may be cut between two reads. */
static gpointer
read_pipeline (gpointer data)
{
  Pipeline *pipeline = data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (pipeline->conn));
  g_autofree char *buffer = g_malloc (65536 + sizeof status_line);
  gsize kept = 0;

  while (g_atomic_int_get (&pipeline->answered) < PIPELINED)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (in, buffer + kept, 65536, NULL, &error);
      const char *at = buffer;
      const char *end;

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      end = buffer + kept + n;
      while ((at = memmem (at, end - at, status_line, sizeof status_line - 1)) != NULL)
        {
          g_atomic_int_inc (&pipeline->answered);
          at += sizeof status_line - 1;
        }
      kept = MIN ((gsize) (end - buffer), sizeof status_line - 2);
      memmove (buffer, end - kept, kept);
    }
  pipeline->marker_at_end = g_file_test (pipeline->marker, G_FILE_TEST_EXISTS);
  return NULL;
}

/* An /execute/async run is started by deferred work (the request is
 * answered first). A client pipelining requests keeps its socket
 * readable, so the main loop always has default-priority work: the run
 * must start while the pipeline is still being answered, not after. */
static void
test_deferred_work_under_load (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autofree char *marker = g_build_filename (daemon->workspace, "async-ran", NULL);
  g_autofree char *body = g_strdup_printf ("{\"language\":\"bash\",\"code\":\"touch %s\","
                                           "\"callback_url\":\"http://127.0.0.1:9/\"}", marker);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeTestResponse) queued = NULL;
  Pipeline pipeline = { .marker = marker };
  GThread *writer, *reader;
  gint at_post;

  pipeline.conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  writer = g_thread_new ("pipeline-writer", write_pipeline, &pipeline);
  reader = g_thread_new ("pipeline-reader", read_pipeline, &pipeline);
  PORTHOLE_TEST_WAIT_UNTIL (g_atomic_int_get (&pipeline.answered) >= 100);

  queued = porthole_test_request (daemon, "POST", "/execute/async", NULL, body);
  at_post = g_atomic_int_get (&pipeline.answered);
  g_assert_cmpuint (queued->status, ==, 200);

  g_thread_join (writer);
  g_thread_join (reader);
  g_test_message ("%d of %d pipelined answers had come when /execute/async was answered; "
                  "the run %s before the last one",
                  at_post, PIPELINED, pipeline.marker_at_end ? "had run" : "had not run");
  g_assert_cmpint (at_post, <, PIPELINED);
  g_assert_true (pipeline.marker_at_end);

  g_object_unref (pipeline.conn);
}

int
main (int   argc,
      char *argv[])
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/fairness/deferred-work-under-load", test_deferred_work_under_load);

  return g_test_run ();
}
