/* test-http-transport.c — TLS, and the WebSocket limits of SECURITY.md G9
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-utils.h"

static void
test_tls (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert_arg = g_strconcat ("--tls-cert=", cert, NULL);
  g_autofree char *key_arg = g_strconcat ("--tls-key=", key, NULL);
  const char *openssl[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                            "-days", "1", "-keyout", key, "-out", cert, NULL };
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) openssl, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* The fixture speaks https:// to a daemon given --tls-cert. */
  daemon = porthole_test_daemon_new_full (NULL, (const char *[]) { cert_arg, key_arg, NULL }, TRUE);
  g_assert_true (g_str_has_prefix (daemon->url, "https://"));

  r = porthole_test_request (daemon, "GET", "/env", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (json_object_get_object_member (r->json, "env_vars"));

  porthole_test_rm_rf (dir);
}

static void
test_websocket_no_deflate (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  char buf[1024];

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  /* What py websockets and JS ws offer by default. */
  request = g_strdup_printf ("GET /commands/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                             "Authorization: Bearer %s\r\n\r\n", daemon->token);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  while (strstr (answer->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (answer, buf, n);
    }

  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 101"));
  g_assert_nonnull (strstr (answer->str, "X-Request-ID: "));
  g_assert_null (strstr (answer->str, "Sec-WebSocket-Extensions"));
  g_assert_null (strstr (answer->str, "deflate"));
}

static void
test_websocket_oversize_message (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon, "/commands/stream", NULL);
  g_autoptr(GString) big = g_string_new ("{\"command\":\"echo ran > ");
  g_autofree char *marker = g_build_filename (daemon->tmpdir, "ran", NULL);
  g_autoptr(PortholeTestResponse) health = NULL;

  /* 2 MiB: over the 1 MiB default. */
  g_string_append (big, marker);
  g_string_append (big, "\",\"pad\":\"");
  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  porthole_test_socket_send (ws, big->str);
  porthole_test_socket_wait_closed (ws);

  /* The connection is gone, nothing ran, and the daemon serves on. */
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/transport/tls", test_tls);
  g_test_add_func ("/transport/websocket-no-deflate", test_websocket_no_deflate);
  g_test_add_func ("/transport/websocket-oversize-message", test_websocket_oversize_message);

  return g_test_run ();
}
