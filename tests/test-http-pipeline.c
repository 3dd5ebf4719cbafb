/* test-http-pipeline.c — routing, error bodies, request ids, limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-protocol.h"
#include "porthole-route.h"
#include "test-tokens.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static void
test_unknown_route (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/no/such/route", NULL, NULL);
  JsonObject *details;

  porthole_test_assert_error_body (r, 404, "NOT_FOUND");
  details = json_object_get_object_member (r->json, "details");
  g_assert_cmpstr (json_object_get_string_member (details, "resource"), ==, "route");
  /* JS keys FileNotFoundError on lower-case "not found", and never on
   * "sandbox" with it (SandboxExpiredError). */
  g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "not found"));
  g_assert_null (strstr (json_object_get_string_member (r->json, "message"), "sandbox"));
}

static void
test_method_not_allowed (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/health", NULL, "{}");

  porthole_test_assert_error_body (r, 405, "METHOD_NOT_ALLOWED");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Allow"), ==, "GET");
}

static void
test_request_id (void)
{
  const char *cases[][2] = {
    { "abc-123_X.y:z", "abc-123_X.y:z" },
    { "has space", NULL },
    { "semi;colon", NULL },
  };
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/health", NULL);
  g_autofree char *long_id = g_strnfill (129, 'a');
  g_autofree char *ok_long = g_strnfill (128, 'b');

  for (guint i = 0; i < G_N_ELEMENTS (cases) + 2; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(PortholeTestResponse) r = NULL;
      const char *sent = i < G_N_ELEMENTS (cases) ? cases[i][0] : i == G_N_ELEMENTS (cases) ? long_id : ok_long;
      const char *echo = i < G_N_ELEMENTS (cases) ? cases[i][1] : i == G_N_ELEMENTS (cases) ? NULL : ok_long;
      const char *got;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Request-ID", sent);
      r = porthole_test_send (daemon_under_test, msg);
      got = soup_message_headers_get_one (r->headers, "X-Request-ID");
      g_assert_nonnull (got);
      if (echo != NULL)
        g_assert_cmpstr (got, ==, echo);
      else
        {
          /* A fresh UUIDv4 replaces an unusable one. */
          g_assert_true (g_uuid_string_is_valid (got));
          g_assert_cmpint (got[14], ==, '4');
        }
    }
}

static void
test_request_id_on_errors (void)
{
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/env", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(PortholeTestResponse) r = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Request-ID", "trace-401");
  r = porthole_test_send (daemon_under_test, msg);
  porthole_test_assert_error_body (r, 401, "TOKEN_INVALID");
  g_assert_cmpstr (json_object_get_string_member (r->json, "request_id"), ==, "trace-401");
}

static void
test_unauthorized (void)
{
  g_autoptr(PortholeTestResponse) none = porthole_test_request (daemon_under_test, "GET", "/env", "", NULL);
  g_autoptr(PortholeTestResponse) expired = NULL;
  g_autofree char *old = NULL;
  gsize key_length;
  g_autofree char *key = NULL;
  g_autofree char *payload = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", g_get_real_time () / G_USEC_PER_SEC - 600);

  porthole_test_assert_error_body (none, 401, "TOKEN_INVALID");
  g_assert_cmpstr (soup_message_headers_get_one (none->headers, "WWW-Authenticate"), ==, "Bearer");

  g_assert_true (g_file_get_contents (daemon_under_test->secret_file, &key, &key_length, NULL));
  g_strchomp (key);
  old = test_token_hs256 ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, (const guint8 *) key, strlen (key));
  expired = porthole_test_request (daemon_under_test, "GET", "/env", old, NULL);
  porthole_test_assert_error_body (expired, 401, "TOKEN_EXPIRED");
  {
    g_autofree char *message = g_ascii_strdown (json_object_get_string_member (expired->json, "message"), -1);

    g_assert_nonnull (strstr (message, "token expired"));
  }
}

static void
test_public_routes_ignore_tokens (void)
{
  const char *paths[] = { "/", "/health", "/ping", "/info", "/system" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(PortholeTestResponse) none = porthole_test_request (daemon_under_test, "GET", paths[i], "", NULL);
      g_autoptr(PortholeTestResponse) bad = porthole_test_request (daemon_under_test, "GET", paths[i], "bad.token.here", NULL);

      g_assert_cmpuint (none->status, ==, 200);
      g_assert_cmpuint (bad->status, ==, 200);
      g_assert_nonnull (none->json);
    }
}

static void
test_trailing_slash_and_head (void)
{
  g_autoptr(PortholeTestResponse) slash = porthole_test_request (daemon_under_test, "GET", "/health/", NULL, NULL);
  g_autoptr(PortholeTestResponse) head = porthole_test_request (daemon_under_test, "HEAD", "/health", NULL, NULL);
  g_autoptr(PortholeTestResponse) env = porthole_test_request (daemon_under_test, "GET", "/env/", NULL, NULL);

  g_assert_cmpuint (slash->status, ==, 200);
  g_assert_cmpuint (env->status, ==, 200);
  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
}

static void
test_empty_body_is_empty_object (void)
{
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/env", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autoptr(SoupMessage) get = soup_message_new ("GET", url);
  g_autoptr(SoupMessage) put = soup_message_new ("PUT", url);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(PortholeTestResponse) got = NULL;
  g_autoptr(PortholeTestResponse) put_r = NULL;

  /* What the JS SDK sends on GET: a JSON content type, no body. */
  soup_message_headers_replace (soup_message_get_request_headers (get), "Authorization", auth);
  soup_message_set_request_body_from_bytes (get, "application/json", empty);
  got = porthole_test_send (daemon_under_test, get);
  g_assert_cmpuint (got->status, ==, 200);

  /* An empty PUT body is {}: env_vars is missing. */
  soup_message_headers_replace (soup_message_get_request_headers (put), "Authorization", auth);
  put_r = porthole_test_send (daemon_under_test, put);
  porthole_test_assert_error_body (put_r, 400, "MISSING_PARAMETER");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (put_r->json, "details"), "parameter"),
                   ==, "env_vars");
}

static void
test_content_type_not_required (void)
{
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/env", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PATCH", url);
  static const char json[] = "{\"env_vars\":{\"CT_TEST\":\"1\"}}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  g_autoptr(PortholeTestResponse) r = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, NULL, body);
  r = porthole_test_send (daemon_under_test, msg);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "application/json");
}

static void
test_invalid_json (void)
{
  const char *bodies[] = { "{\"env_vars\":", "[1,2]", "\"text\"", "nul\x01l" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "PATCH", "/env", NULL, bodies[i]);

      porthole_test_assert_error_body (r, 400, "INVALID_JSON");
    }
}

static void
test_body_too_large (void)
{
  /* The default JSON cap is 1 MiB. */
  gsize size = 2 * 1024 * 1024;
  g_autofree char *body = g_malloc (size + 1);
  g_autoptr(PortholeTestResponse) r = NULL;

  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  body[size] = '\0';
  r = porthole_test_request (daemon_under_test, "PATCH", "/env", NULL, body);
  porthole_test_assert_error_body (r, 413, "PAYLOAD_TOO_LARGE");
}

static void
test_chunked_body_too_large (void)
{
  gsize size = 3 * 1024 * 1024;
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/env", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PATCH", url);
  g_autofree char *data = g_malloc0 (size);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_steal_pointer (&data), size, g_free);
  g_autoptr(PortholeTestResponse) r = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  /* Unknown length: sent chunked, so only counting can stop it. */
  soup_message_set_request_body (msg, "application/json", stream, -1);
  r = porthole_test_send (daemon_under_test, msg);
  porthole_test_assert_error_body (r, 413, "PAYLOAD_TOO_LARGE");
}

static void
test_not_implemented_is_501 (void)
{
  guint n_routes;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);

  for (guint i = 0; i < n_routes; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(PortholeTestResponse) r = NULL;

      if (routes[i].handler != NULL || routes[i].websocket != NULL)
        continue;

      path = g_strdup (routes[i].path);
      if (strstr (path, "{id}"))
        {
          g_autofree char *tmp = path;
          g_auto(GStrv) parts = g_strsplit (tmp, "{id}", 2);

          path = g_strjoinv ("test-id", parts);
        }

      r = porthole_test_request (daemon_under_test, routes[i].method, path, NULL, NULL);
      porthole_test_assert_error_body (r, 501, "NOT_IMPLEMENTED");
    }
}

/* Every (method, path) of the contract reaches a route: never 405, and
 * never the router's own 404. */
static void
test_every_endpoint_routed (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "endpoints.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint checked = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);

  for (guint i = 1; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      g_autoptr(PortholeTestResponse) r = NULL;
      g_auto(GStrv) parts = NULL;
      g_autofree char *route = NULL;

      if (g_strv_length (fields) < 6)
        continue;

      parts = g_strsplit (fields[1], "{id}", -1);
      route = g_strjoinv ("test-id", parts);
      r = porthole_test_request (daemon_under_test, fields[0], route, NULL, NULL);

      g_test_message ("%s %s -> %u", fields[0], route, r->status);
      g_assert_cmpuint (r->status, !=, 405);
      if (r->status == 404)
        {
          JsonObject *details = json_object_get_object_member (r->json, "details");

          g_assert_cmpstr (json_object_get_string_member_with_default (details, "resource", ""), !=, "route");
        }
      g_assert_nonnull (soup_message_headers_get_one (r->headers, "X-Request-ID"));
      checked++;
    }

  g_assert_cmpuint (checked, ==, 100);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/pipeline/unknown-route", test_unknown_route);
  g_test_add_func ("/pipeline/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/pipeline/request-id", test_request_id);
  g_test_add_func ("/pipeline/request-id-on-errors", test_request_id_on_errors);
  g_test_add_func ("/pipeline/unauthorized", test_unauthorized);
  g_test_add_func ("/pipeline/public-routes-ignore-tokens", test_public_routes_ignore_tokens);
  g_test_add_func ("/pipeline/trailing-slash-and-head", test_trailing_slash_and_head);
  g_test_add_func ("/pipeline/empty-body-is-empty-object", test_empty_body_is_empty_object);
  g_test_add_func ("/pipeline/content-type-not-required", test_content_type_not_required);
  g_test_add_func ("/pipeline/invalid-json", test_invalid_json);
  g_test_add_func ("/pipeline/body-too-large", test_body_too_large);
  g_test_add_func ("/pipeline/chunked-body-too-large", test_chunked_body_too_large);
  g_test_add_func ("/pipeline/not-implemented-is-501", test_not_implemented_is_501);
  g_test_add_func ("/pipeline/every-endpoint-routed", test_every_endpoint_routed);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
