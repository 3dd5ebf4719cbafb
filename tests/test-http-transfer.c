/* test-http-transfer.c — large uploads and downloads stream: the
 * daemon's memory stays flat (API.md §5.7, §5.8; SECURITY.md G8)
 *
 * Runs with 256 MiB in the http suite and with --size-mib=1024 in the
 * slow suite. RSS is sampled from /proc/<pid>/status while the bytes
 * flow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "test-utils.h"

#define BOUNDARY "PortholeTransferBoundary7f3e"
#define CHUNK (1024 * 1024)
/* SECURITY.md G8: a 1 GiB upload grows the daemon by less than this. */
#define MAX_GROWTH (32 * 1024 * 1024)

static PortholeTestDaemon *daemon_under_test;
static goffset transfer_size = (goffset) 256 * 1024 * 1024;
static gsize baseline_rss;
static gsize peak_rss;

static void
sample_rss (void)
{
  gsize rss = porthole_test_daemon_get_rss (daemon_under_test);

  peak_rss = MAX (peak_rss, rss);
}

/* Deterministic bytes: no boundary can appear in them by chance. */
static void
fill_pattern (guint8  *buffer,
              goffset  offset,
              gsize    length)
{
  for (gsize i = 0; i < length; i++)
    {
      guint64 n = offset + i;

      buffer[i] = (guint8) ((n * 2654435761u) >> 13 ^ (n >> 20));
    }
}

/* A request body made on the fly: multipart head, pattern, tail. */

#define TYPE_BODY_STREAM (body_stream_get_type ())
G_DECLARE_FINAL_TYPE (BodyStream, body_stream, TEST, BODY_STREAM, GInputStream)

struct _BodyStream
{
  GInputStream parent_instance;
  GBytes *head;
  GBytes *tail;
  goffset size;
  goffset position;
  goffset next_sample;
};

G_DEFINE_FINAL_TYPE (BodyStream, body_stream, G_TYPE_INPUT_STREAM)

static gsize
copy_part (GBytes  *part,
           goffset  offset,
           guint8  *buffer,
           gsize    count)
{
  gsize length = g_bytes_get_size (part);
  gsize n = MIN (count, length - offset);

  memcpy (buffer, (const guint8 *) g_bytes_get_data (part, NULL) + offset, n);
  return n;
}

static gssize
body_stream_read (GInputStream  *stream,
                  void          *buffer,
                  gsize          count,
                  GCancellable  *cancellable,
                  GError       **error)
{
  BodyStream *self = TEST_BODY_STREAM (stream);
  goffset head = g_bytes_get_size (self->head);
  goffset end = head + self->size;
  goffset total = end + g_bytes_get_size (self->tail);
  gsize n;

  if (self->position >= total)
    return 0;

  if (self->position < head)
    n = copy_part (self->head, self->position, buffer, count);
  else if (self->position < end)
    {
      n = MIN ((goffset) count, end - self->position);
      fill_pattern (buffer, self->position - head, n);
    }
  else
    n = copy_part (self->tail, self->position - end, buffer, count);

  self->position += n;
  if (self->position >= self->next_sample)
    {
      sample_rss ();
      self->next_sample += 16 * 1024 * 1024;
    }

  return n;
}

static void
body_stream_finalize (GObject *object)
{
  BodyStream *self = TEST_BODY_STREAM (object);

  g_bytes_unref (self->head);
  g_bytes_unref (self->tail);
  G_OBJECT_CLASS (body_stream_parent_class)->finalize (object);
}

static void
body_stream_class_init (BodyStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = body_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = body_stream_read;
}

static void
body_stream_init (BodyStream *self)
{
}

static BodyStream *
body_stream_new (const char *path,
                 goffset     size)
{
  BodyStream *self = g_object_new (TYPE_BODY_STREAM, NULL);
  g_autofree char *head = g_strdup_printf ("--" BOUNDARY "\r\n"
                                           "Content-Disposition: form-data; name=\"path\"\r\n\r\n%s\r\n"
                                           "--" BOUNDARY "\r\n"
                                           "Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                                           "Content-Type: application/octet-stream\r\n\r\n", path);

  self->head = g_bytes_new (head, strlen (head));
  self->tail = g_bytes_new_static ("\r\n--" BOUNDARY "--\r\n", strlen ("\r\n--" BOUNDARY "--\r\n"));
  self->size = size;

  return self;
}

static goffset
body_stream_get_length (BodyStream *self)
{
  return g_bytes_get_size (self->head) + self->size + g_bytes_get_size (self->tail);
}

/* Compares what @stream gives with the pattern, sampling RSS on the way. */
static void
assert_pattern (GInputStream *stream,
                goffset       expected)
{
  g_autofree guint8 *got = g_malloc (CHUNK);
  g_autofree guint8 *want = g_malloc (CHUNK);
  goffset offset = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gsize n = 0;

      g_input_stream_read_all (stream, got, CHUNK, &n, NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        break;
      fill_pattern (want, offset, n);
      if (memcmp (got, want, n) != 0)
        g_error ("bytes differ in the chunk at %" G_GOFFSET_FORMAT, offset);
      offset += n;
      if (offset % (16 * CHUNK) == 0)
        sample_rss ();
    }

  g_assert_cmpint (offset, ==, expected);
}

static void
check_growth (const char *what)
{
  g_test_message ("%s of %" G_GOFFSET_FORMAT " MiB: daemon RSS %zu KiB before, peak %zu KiB (+%zu KiB)",
                  what, transfer_size >> 20, baseline_rss / 1024, peak_rss / 1024,
                  (peak_rss - MIN (peak_rss, baseline_rss)) / 1024);

  /* Under AddressSanitizer memory figures mean nothing. */
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    g_assert_cmpuint (peak_rss, <, baseline_rss + MAX_GROWTH);
}

static void
test_upload_then_download (void)
{
  g_autofree char *path = g_build_filename (daemon_under_test->workspace, "transfer", "big.bin", NULL);
  g_autofree char *upload_url = g_strconcat (daemon_under_test->url, "/files/upload", NULL);
  g_autofree char *download_url = g_strconcat (daemon_under_test->url, "/files/download?path=transfer/big.bin", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autoptr(BodyStream) body = body_stream_new (path, transfer_size);
  g_autoptr(SoupMessage) upload = soup_message_new ("POST", upload_url);
  g_autoptr(SoupMessage) download = soup_message_new ("GET", download_url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) on_disk = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Warm up: one small request of each kind. */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/files/write", NULL,
                                                               "{\"path\":\"transfer/warm\",\"content\":\"w\"}");
    g_autoptr(PortholeTestResponse) d = porthole_test_request (daemon_under_test, "GET",
                                                               "/files/download?path=transfer/warm", NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (d->status, ==, 200);
  }

  baseline_rss = peak_rss = porthole_test_daemon_get_rss (daemon_under_test);
  soup_message_headers_replace (soup_message_get_request_headers (upload), "Authorization", bearer);
  soup_message_set_request_body (upload, "multipart/form-data; boundary=" BOUNDARY, G_INPUT_STREAM (body),
                                 body_stream_get_length (body));
  answer = soup_session_send_and_read (daemon_under_test->session, upload, NULL, &error);
  g_assert_no_error (error);
  sample_rss ();
  g_assert_cmpuint (soup_message_get_status (upload), ==, 200);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "size"), ==, transfer_size);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "path"), ==, path);
  check_growth ("upload");

  /* Every byte landed, in order. */
  on_disk = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  assert_pattern (G_INPUT_STREAM (on_disk), transfer_size);

  baseline_rss = peak_rss = porthole_test_daemon_get_rss (daemon_under_test);
  soup_message_headers_replace (soup_message_get_request_headers (download), "Authorization", bearer);
  stream = soup_session_send (daemon_under_test->session, download, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (download), ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (soup_message_get_response_headers (download)), ==,
                   transfer_size);
  assert_pattern (stream, transfer_size);
  check_growth ("download");
}

typedef struct
{
  GPid pid;
  const char *path;
} FilePosition;

static gint64
file_position (gpointer data)
{
  FilePosition *position = data;

  return porthole_test_fd_position (position->pid, position->path);
}

/* Downloads the first @length bytes of @path (a Range request). */
static void
download_start (PortholeTestDaemon *daemon,
                const char         *path,
                gsize               length)
{
  g_autofree char *escaped = g_uri_escape_string (path, NULL, TRUE);
  g_autofree char *url = g_strconcat (daemon->url, "/files/download?path=", escaped, NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_message_headers_set_range (soup_message_get_request_headers (msg), 0, length - 1);
  body = soup_session_send_and_read (daemon->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 206);
  g_assert_cmpuint (g_bytes_get_size (body), ==, length);
}

/* A sparse file of @size at @path (its directory made): bytes that cost
 * no disk. Returns it open for writing. */
static int
create_sparse (const char *path,
               goffset     size)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);

  return fd;
}

/* A client of its own that asks for the workspace's @relative and has
 * read nothing yet. */
static GSocketConnection *
send_raw_download (PortholeTestDaemon *daemon,
                   const char         *relative)
{
  g_autofree char *request = g_strdup_printf ("GET /files/download?path=%s HTTP/1.1\r\n"
                                              "Host: x\r\nAuthorization: Bearer %s\r\n\r\n",
                                              relative, daemon->token);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&connection);
}

/* A download whose client never reads (SECURITY.md G11): the daemon
 * reads the file only as soup writes what it has (two chunks of 256 KiB
 * at most, porthole-request.c), so it stops reading it and its memory
 * grows by no more than those chunks, twice over for the allocator's
 * slack; other clients are served meanwhile. */
#define UNREAD_SIZE ((goffset) 1024 * 1024 * 1024)
#define UNREAD_MAX_GROWTH (2 * 1024 * 1024)

static void
test_download_unread (void)
{
  PortholeTestDaemon *daemon = daemon_under_test;
  g_autofree char *path = g_build_filename (daemon->workspace, "transfer", "sparse.bin", NULL);
  g_autoptr(GSocketConnection) unread = NULL;
  FilePosition position = { porthole_test_daemon_get_pid (daemon), path };
  gsize rss_before, rss_during, rss_after;
  gint64 read_at, read_later, started;

  close (create_sparse (path, UNREAD_SIZE));

  /* Warm up: a streamed download read to its end. */
  download_start (daemon, "transfer/sparse.bin", 1024 * 1024);
  rss_before = porthole_test_daemon_get_rss (daemon);

  unread = send_raw_download (daemon, "transfer/sparse.bin");
  read_at = porthole_test_wait_still (file_position, &position);
  rss_during = porthole_test_daemon_get_rss (daemon);

  /* Served meanwhile: /health, and 8 MiB of the same file. */
  started = g_get_monotonic_time ();
  {
    g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }
  g_test_message ("/health answered in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - started) / 1000);
  download_start (daemon, "transfer/sparse.bin", 8 * 1024 * 1024);
  g_test_message ("8 MiB downloaded meanwhile in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - started) / 1000);

  read_later = porthole_test_fd_position (position.pid, path);
  rss_after = porthole_test_daemon_get_rss (daemon);
  g_test_message ("file read to %" G_GINT64_FORMAT " KiB of %" G_GOFFSET_FORMAT " MiB and held there (%"
                  G_GINT64_FORMAT " KiB later); daemon RSS %zu KiB before, %zu KiB held up, %zu KiB after",
                  read_at / 1024, UNREAD_SIZE / 1024 / 1024, read_later / 1024,
                  rss_before / 1024, rss_during / 1024, rss_after / 1024);
  g_assert_cmpint (read_later, ==, read_at);
  g_assert_cmpint (read_at, <, UNREAD_SIZE / 16);
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    {
      g_assert_cmpuint (rss_during, <, rss_before + UNREAD_MAX_GROWTH);
      g_assert_cmpuint (rss_after, <, rss_before + UNREAD_MAX_GROWTH);
    }

  /* The client goes: the file is let go. */
  g_io_stream_close (G_IO_STREAM (unread), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_fd_position (position.pid, path) < 0);
  g_unlink (path);
}

/* The file shrinks while it is being downloaded: its length went out
 * already, so the daemon cannot finish the answer honestly and breaks
 * the connection off (porthole_request_reply_stream()). The client must
 * see the end, not wait for bytes that will never come, and the daemon
 * must let the file and the connection go. */
#define SHRINK_SIZE ((goffset) 64 * 1024 * 1024)

static void
test_download_shrinks (void)
{
  PortholeTestDaemon *daemon = daemon_under_test;
  g_autofree char *path = g_build_filename (daemon->workspace, "transfer", "shrinks.bin", NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = g_malloc (CHUNK);
  FilePosition position = { porthole_test_daemon_get_pid (daemon), path };
  GInputStream *input;
  goffset received = 0;
  gint64 read_at;
  const char *head_end = NULL;
  guint sockets_before;
  int fd;

  fd = create_sparse (path, SHRINK_SIZE);
  sockets_before = porthole_test_count_sockets (position.pid);

  connection = send_raw_download (daemon, "transfer/shrinks.bin");
  /* A hang detector, not a timing check: the old code left the client
   * waiting for ever. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 60);
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  /* The head, and the length it promises. */
  {
    g_autoptr(GString) head = g_string_new (NULL);

    while ((head_end = strstr (head->str, "\r\n\r\n")) == NULL)
      {
        gssize n = g_input_stream_read (input, buffer, CHUNK, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpint (n, >, 0);
        g_string_append_len (head, buffer, n);
      }
    g_assert_true (g_str_has_prefix (head->str, "HTTP/1.1 200"));
    g_assert_nonnull (strstr (head->str, "Content-Length: 67108864\r\n"));
    received = head->len - (head_end + 4 - head->str);
  }

  /* The daemon reads no further than the client takes; then the file
   * shrinks under it, below where it has read to. */
  read_at = porthole_test_wait_still (file_position, &position);
  g_assert_cmpint (read_at, >, 0);
  g_assert_cmpint (read_at, <, SHRINK_SIZE);
  g_assert_cmpint (ftruncate (fd, 0), ==, 0);
  close (fd);

  for (;;)
    {
      gssize n = g_input_stream_read (input, buffer, CHUNK, NULL, &error);

      if (n <= 0)
        break;
      received += n;
    }
  g_test_message ("read to %" G_GINT64_FORMAT " KiB when the file shrank; the client got %" G_GOFFSET_FORMAT
                  " KiB of %" G_GOFFSET_FORMAT " MiB, then %s",
                  read_at / 1024, received / 1024, SHRINK_SIZE / 1024 / 1024,
                  error ? error->message : "the end");
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_cmpint (received, <, SHRINK_SIZE);
  g_assert_cmpint (received, <=, read_at);

  /* The daemon lets the file and the connection go. */
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_fd_position (position.pid, path) < 0);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_count_sockets (position.pid) <= sockets_before);
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  transfer_size = (goffset) porthole_test_take_uint_option (&argc, argv, "--size-mib=",
                                                            transfer_size / (1024 * 1024)) * 1024 * 1024;
  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/transfer/upload-then-download", test_upload_then_download);
  g_test_add_func ("/transfer/download-unread", test_download_unread);
  g_test_add_func ("/transfer/download-shrinks", test_download_shrinks);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
