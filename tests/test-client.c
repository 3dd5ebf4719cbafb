/* test-client.c — PortholeClient against an in-process daemon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "porthole-auth.h"
#include "porthole-client.h"
#include "porthole-client-metrics.h"
#include "porthole-error.h"
#include "porthole-health.h"
#include "porthole-protocol.h"
#include "test-utils.h"

static PortholeHealth *
check_health (PortholeClient *client,
              guint           timeout)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  PortholeHealth *health;

  porthole_client_check_health_async (client, timeout, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  health = porthole_client_check_health_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (health);

  return health;
}

/* A loopback port nobody listens on (bound, then closed). */
static char *
closed_port_url (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  g_assert_no_errno (getsockname (fd, (struct sockaddr *) &addr, &len));
  close (fd);

  return g_strdup_printf ("http://127.0.0.1:%u", ntohs (addr.sin_port));
}

static void
test_health_and_info (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) health = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  porthole_client_get_health_async (server->client, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  health = porthole_client_get_health_finish (server->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (health, PORTHOLE_MEMBER_STATUS), ==,
                   PORTHOLE_HEALTH_STATUS_HEALTHY);

  g_clear_object (&result);
  porthole_client_get_info_async (server->client, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  info = porthole_client_get_info_finish (server->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, PORTHOLE_MEMBER_API_VERSION), ==, PORTHOLE_API_VERSION);
}

static void
test_errors_map_to_codes (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(PortholeClient) anonymous = porthole_client_new (server->url, NULL);
  struct {
    PortholeClient *client;
    const char *method;
    const char *path;
    PortholeErrorCode code;
  } cases[] = {
    { anonymous, "GET", PORTHOLE_ROUTE_ENV, PORTHOLE_ERROR_TOKEN_INVALID },
    { server->client, "GET", "/nowhere", PORTHOLE_ERROR_NOT_FOUND },
    { server->client, "POST", PORTHOLE_ROUTE_HEALTH, PORTHOLE_ERROR_METHOD_NOT_ALLOWED },
    { server->client, "PUT", PORTHOLE_ROUTE_ENV, PORTHOLE_ERROR_MISSING_PARAMETER },
    /* Every route is built: a 503 of its own (the server has no display). */
    { server->client, "GET", PORTHOLE_ROUTE_DESKTOP_VNC_START, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(GError) error = NULL;
      GAsyncResult *slot = NULL;

      porthole_client_call_async (cases[i].client, cases[i].method, cases[i].path, NULL, NULL,
                                  porthole_test_store_result, &slot);
      result = porthole_test_wait_result (&slot);
      object = porthole_client_call_finish (cases[i].client, result, &error);
      g_assert_null (object);
      g_assert_error (error, PORTHOLE_CLIENT_ERROR, cases[i].code);
    }
}

static void
test_json_body (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *vars = json_object_new ();
  GAsyncResult *slot = NULL;

  json_object_set_string_member (vars, "FROM_CLIENT", "yes");
  json_object_set_object_member (body, PORTHOLE_MEMBER_ENV_VARS, vars);
  porthole_client_call_async (server->client, "PATCH", PORTHOLE_ROUTE_ENV, body, NULL,
                              porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  reply = porthole_client_call_finish (server->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, PORTHOLE_MEMBER_ENV_VARS),
                                                  "FROM_CLIENT"), ==, "yes");
}

static void
test_websocket_refused_without_token (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(PortholeClient) anonymous = porthole_client_new (server->url, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  porthole_client_websocket_connect_async (anonymous, PORTHOLE_ROUTE_TERMINAL, NULL,
                                           porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  conn = porthole_client_websocket_connect_finish (anonymous, result, &error);
  g_assert_null (conn);
  g_assert_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_TOKEN_INVALID);
}

static void
test_health_typed (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(PortholeClient) wrong = porthole_client_new (server->url, "not.a.token");
  g_autoptr(PortholeHealth) online = NULL;
  g_autoptr(PortholeHealth) refused = NULL;
  g_autoptr(PortholeHealth) expired_health = NULL;
  g_autoptr(PortholeClient) expired = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret_file = g_build_filename (server->tmpdir, "secret", NULL);
  g_autofree char *old_token = NULL;

  /* The in-process daemon has no display. */
  online = check_health (server->client, 10);
  g_assert_cmpint (porthole_health_get_status (online), ==, PORTHOLE_HEALTH_ONLINE);
  g_assert_cmpstr (porthole_health_get_version (online), ==, PACKAGE_VERSION);
  g_assert_cmpstr (porthole_health_get_api_version (online), ==, PORTHOLE_API_VERSION);
  g_assert_cmpint (porthole_health_get_desktop (online), ==, PORTHOLE_DESKTOP_UNAVAILABLE);
  g_assert_null (porthole_health_get_message (online));

  refused = check_health (wrong, 10);
  g_assert_cmpint (porthole_health_get_status (refused), ==, PORTHOLE_HEALTH_TOKEN_INVALID);
  /* /health is public: the version is known all the same. */
  g_assert_cmpstr (porthole_health_get_version (refused), ==, PACKAGE_VERSION);
  g_assert_nonnull (porthole_health_get_message (refused));

  secret = porthole_auth_load_secret (secret_file, &error);
  g_assert_no_error (error);
  old_token = porthole_auth_mint_token (secret, g_get_real_time () / G_USEC_PER_SEC - 7200, 600, NULL, NULL, &error);
  g_assert_no_error (error);
  expired = porthole_client_new (server->url, old_token);
  expired_health = check_health (expired, 10);
  g_assert_cmpint (porthole_health_get_status (expired_health), ==, PORTHOLE_HEALTH_TOKEN_EXPIRED);
}

static void
test_health_unreachable (void)
{
  g_autofree char *url = closed_port_url ();
  g_autoptr(PortholeClient) client = porthole_client_new (url, "token");
  g_autoptr(PortholeHealth) health = check_health (client, 10);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  g_autoptr(PortholeClient) silent_client = NULL;
  g_autoptr(PortholeHealth) silent = NULL;
  g_autofree char *silent_url = NULL;
  int fd;

  g_assert_cmpint (porthole_health_get_status (health), ==, PORTHOLE_HEALTH_UNREACHABLE);
  g_assert_null (porthole_health_get_version (health));
  g_assert_nonnull (porthole_health_get_message (health));

  /* A listener that never answers: the check's own deadline ends it. */
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  g_assert_no_errno (listen (fd, 16));
  g_assert_no_errno (getsockname (fd, (struct sockaddr *) &addr, &len));
  silent_url = g_strdup_printf ("http://127.0.0.1:%u", ntohs (addr.sin_port));
  silent_client = porthole_client_new (silent_url, "token");
  silent = check_health (silent_client, 1);
  g_assert_cmpint (porthole_health_get_status (silent), ==, PORTHOLE_HEALTH_UNREACHABLE);
  close (fd);
}

static void
test_health_cancelled (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PortholeHealth) health = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  porthole_client_check_health_async (server->client, 10, cancellable, porthole_test_store_result, &slot);
  g_cancellable_cancel (cancellable);
  result = porthole_test_wait_result (&slot);
  health = porthole_client_check_health_finish (server->client, result, &error);
  g_assert_null (health);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_transport_errors_keep_their_domain (void)
{
  g_autofree char *url = closed_port_url ();
  g_autoptr(PortholeClient) client = porthole_client_new (url, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  porthole_client_get_info_async (client, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  reply = porthole_client_get_info_finish (client, result, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_send_raw (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  GAsyncResult *slot = NULL;

  msg = porthole_client_new_message (server->client, "GET", PORTHOLE_ROUTE_METRICS_PROMETHEUS, &error);
  g_assert_no_error (error);
  porthole_client_send_async (server->client, msg, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  body = porthole_client_send_finish (server->client, result, &content_type, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (content_type, "text/plain"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "# HELP"));
}

static void
test_kill_process (void)
{
  g_autoptr(PortholeTestServer) server = porthole_test_server_new ();
  g_autoptr(GSubprocess) sleeper = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) listing = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  const char *pid_text;
  JsonArray *processes;
  gboolean listed = FALSE;

  sleeper = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sleep", "1000", NULL);
  g_assert_no_error (error);
  pid_text = g_subprocess_get_identifier (sleeper);

  porthole_client_list_processes_async (server->client, NULL, "sleep", 0, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  listing = porthole_client_list_processes_finish (server->client, result, &error);
  g_assert_no_error (error);
  processes = json_object_get_array_member (listing, "processes");
  for (guint i = 0; i < json_array_get_length (processes); i++)
    listed |= json_object_get_int_member (json_array_get_object_element (processes, i), "pid") == atoi (pid_text);
  g_assert_true (listed);

  g_clear_object (&result);
  porthole_client_kill_process_async (server->client, pid_text, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  reply = porthole_client_kill_process_finish (server->client, result, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS));

  g_subprocess_wait (sleeper, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (sleeper));
  g_assert_cmpint (g_subprocess_get_term_sig (sleeper), ==, SIGTERM);

  /* An id that names nothing. */
  g_clear_object (&result);
  g_clear_pointer (&reply, json_object_unref);
  porthole_client_kill_process_async (server->client, "proc_000000000000", NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  reply = porthole_client_kill_process_finish (server->client, result, &error);
  g_assert_null (reply);
  g_assert_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROCESS_NOT_FOUND);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/client/health-and-info", test_health_and_info);
  g_test_add_func ("/client/errors-map-to-codes", test_errors_map_to_codes);
  g_test_add_func ("/client/json-body", test_json_body);
  g_test_add_func ("/client/websocket-refused-without-token", test_websocket_refused_without_token);
  g_test_add_func ("/client/health/typed", test_health_typed);
  g_test_add_func ("/client/health/unreachable", test_health_unreachable);
  g_test_add_func ("/client/health/cancelled", test_health_cancelled);
  g_test_add_func ("/client/transport-errors-keep-their-domain", test_transport_errors_keep_their_domain);
  g_test_add_func ("/client/send-raw", test_send_raw);
  g_test_add_func ("/client/kill-process", test_kill_process);

  return g_test_run ();
}
