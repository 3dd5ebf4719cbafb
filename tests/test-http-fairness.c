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

/* Input frames of a terminal's paste flood: 256 MiB in all, far more
 * than the daemon takes in while it answers one request. */
#define FLOOD_FRAME_DATA (32 * 1024)
#define FLOOD_FRAMES 8192

typedef struct
{
  GSocketConnection *conn;
  gint stop;
  gint done;
  gint sent;
} Flood;

static gpointer
write_flood (gpointer data)
{
  Flood *flood = data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (flood->conn));
  g_autoptr(GString) message = g_string_new ("{\"type\":\"input\",\"data\":\"");
  g_autoptr(GByteArray) frame = g_byte_array_new ();

  for (guint i = 0; i < FLOOD_FRAME_DATA; i++)
    g_string_append_c (message, 'a');
  g_string_append (message, "\"}");
  porthole_test_ws_frame_append_data (frame, TRUE, 1, message->str, message->len);

  while (g_atomic_int_get (&flood->sent) < FLOOD_FRAMES && !g_atomic_int_get (&flood->stop))
    {
      g_autoptr(GError) error = NULL;

      /* The test shuts the socket down to stop a write in progress. */
      if (!g_output_stream_write_all (out, frame->data, frame->len, NULL, NULL, &error) &&
          g_atomic_int_get (&flood->stop))
        break;
      g_assert_no_error (error);
      g_atomic_int_inc (&flood->sent);
    }
  g_atomic_int_set (&flood->done, TRUE);
  return NULL;
}

/* A terminal's output and frames go at a raised priority (its keys at
 * soup's): a client pasting without end, its echo included, must not
 * keep other requests waiting until it stops. */
static void
test_terminal_flood_does_not_starve (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(PortholeTestResponse) health = NULL;
  Flood flood = { 0 };
  GThread *writer;
  gboolean flooding;
  gint sent;

  flood.conn = porthole_test_raw_websocket (daemon, "/terminal?shell=/bin/sh", NULL);
  writer = g_thread_new ("flood-writer", write_flood, &flood);
  PORTHOLE_TEST_WAIT_UNTIL (g_atomic_int_get (&flood.sent) >= 16);

  health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
  flooding = !g_atomic_int_get (&flood.done);
  sent = g_atomic_int_get (&flood.sent);
  g_atomic_int_set (&flood.stop, TRUE);
  g_socket_shutdown (g_socket_connection_get_socket (flood.conn), FALSE, TRUE, NULL);
  g_thread_join (writer);
  g_object_unref (flood.conn);

  g_test_message ("/health answered after %d of %d flood frames of %d KiB", sent, FLOOD_FRAMES,
                  FLOOD_FRAME_DATA / 1024);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_true (flooding);
}

int
main (int   argc,
      char *argv[])
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/fairness/deferred-work-under-load", test_deferred_work_under_load);
  g_test_add_func ("/fairness/terminal-flood", test_terminal_flood_does_not_starve);

  return g_test_run ();
}
