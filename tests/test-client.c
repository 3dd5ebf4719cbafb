/* test-client.c — PortholeClient against an in-process daemon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-client.h"
#include "porthole-error.h"
#include "porthole-protocol.h"
#include "test-utils.h"

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

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/client/health-and-info", test_health_and_info);
  g_test_add_func ("/client/errors-map-to-codes", test_errors_map_to_codes);
  g_test_add_func ("/client/json-body", test_json_body);
  g_test_add_func ("/client/websocket-refused-without-token", test_websocket_refused_without_token);

  return g_test_run ();
}
