/* test-http-auth.c — who gets in, over HTTP and WebSocket handshakes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "porthole-auth.h"
#include "porthole-protocol.h"
#include "porthole-route.h"
#include "test-tokens.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;
static TestKeys *keys;

static GBytes *
daemon_secret (PortholeTestDaemon *daemon)
{
  g_autoptr(GError) error = NULL;
  GBytes *secret = porthole_auth_load_secret (daemon->secret_file, &error);

  g_assert_no_error (error);
  return secret;
}

static SoupMessage *
websocket_handshake (PortholeTestDaemon *daemon,
                     const char         *path,
                     const char         *token)
{
  g_autofree char *url = g_strconcat (daemon->url, path, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Connection", "Upgrade");
  soup_message_headers_replace (headers, "Upgrade", "websocket");
  soup_message_headers_replace (headers, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  soup_message_headers_replace (headers, "Sec-WebSocket-Version", "13");
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }

  return msg;
}

/* The status line of a handshake made by hand: soup's client cannot
 * read a successful upgrade of a plain message (it waits for a body). */
static guint
handshake_status (const char *path,
                  const char *token)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  char answer[64] = { 0 };
  guint status = 0;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon_under_test->port, NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                             "%s%s%s\r\n", path, token ? "Authorization: Bearer " : "", token ? token : "",
                             token ? "\r\n" : "");
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), answer, sizeof answer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sscanf (answer, "HTTP/1.1 %u", &status), ==, 1);

  return status;
}

/* Every hostile token, on a public route, a JSON route and a WebSocket
 * upgrade: only the public route answers, and never with the token. */
static void
test_hostile_matrix (void)
{
  g_autoptr(GBytes) secret = daemon_secret (daemon_under_test);
  g_autoptr(GPtrArray) tokens = test_tokens_hostile (secret, keys, g_get_real_time () / G_USEC_PER_SEC);

  g_assert_cmpuint (tokens->len, >=, 30);
  for (guint i = 0; i < tokens->len; i++)
    {
      TestToken *t = g_ptr_array_index (tokens, i);
      g_autoptr(PortholeTestResponse) pub = NULL;
      g_autoptr(PortholeTestResponse) json = NULL;
      g_autoptr(PortholeTestResponse) ws = NULL;
      g_autoptr(SoupMessage) upgrade = NULL;
      /* An empty Bearer credential is still a credential. */
      const char *token = t->token[0] ? t->token : " ";

      g_test_message ("hostile token: %s", t->name);
      pub = porthole_test_request (daemon_under_test, "GET", "/health", token, NULL);
      g_assert_cmpuint (pub->status, ==, 200);

      json = porthole_test_request (daemon_under_test, "GET", "/env", token, NULL);
      porthole_test_assert_error_body (json, 401, t->expected_code);

      upgrade = websocket_handshake (daemon_under_test, "/terminal", token);
      ws = porthole_test_send (daemon_under_test, upgrade);
      porthole_test_assert_error_body (ws, 401, t->expected_code);
      g_assert_cmpstr (soup_message_headers_get_one (ws->headers, "WWW-Authenticate"), ==, "Bearer");
    }
}

static void
test_good_token (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/env", NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  /* Past authentication: whatever the route answers, it is not 401. */
  g_assert_cmpuint (handshake_status ("/terminal", daemon_under_test->token), !=, 401);
}

static void
test_scheme_variants (void)
{
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/env", NULL);
  const struct { const char *prefix; guint status; } cases[] = {
    { "Bearer ", 200 },
    { "bearer ", 200 },
    { "BEARER  ", 200 },
    { "Basic ", 401 },
    { "Token ", 401 },
    { "", 401 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autofree char *value = g_strconcat (cases[i].prefix, daemon_under_test->token, NULL);
      g_autoptr(PortholeTestResponse) r = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
      r = porthole_test_send (daemon_under_test, msg);
      g_assert_cmpuint (r->status, ==, cases[i].status);
    }
}

static void
test_query_token_only_for_websockets (void)
{
  g_autofree char *env_path = g_strconcat ("/env?token=", daemon_under_test->token, NULL);
  g_autofree char *ws_path = g_strconcat ("/terminal?token=", daemon_under_test->token, NULL);
  g_autofree char *ws_path2 = g_strconcat ("/terminal?access_token=", daemon_under_test->token, NULL);
  g_autoptr(PortholeTestResponse) env = porthole_test_request (daemon_under_test, "GET", env_path, "", NULL);
  g_autoptr(SoupMessage) up3 = websocket_handshake (daemon_under_test, "/terminal?token=nope", NULL);
  g_autoptr(PortholeTestResponse) ws3 = porthole_test_send (daemon_under_test, up3);

  /* A bearer in a URL lands in logs: plain routes refuse it. */
  porthole_test_assert_error_body (env, 401, "TOKEN_INVALID");
  g_assert_cmpuint (handshake_status (ws_path, NULL), !=, 401);
  g_assert_cmpuint (handshake_status (ws_path2, NULL), !=, 401);
  porthole_test_assert_error_body (ws3, 401, "TOKEN_INVALID");
}

static void
test_fail_closed_without_key (void)
{
  g_autoptr(PortholeTestDaemon) keyless = porthole_test_daemon_new_full (NULL, NULL, FALSE);
  g_autoptr(PortholeTestResponse) health = porthole_test_request (keyless, "GET", "/health", "", NULL);
  g_autoptr(PortholeTestResponse) env = porthole_test_request (keyless, "GET", "/env", "", NULL);
  g_autoptr(PortholeTestResponse) forged = porthole_test_request (keyless, "GET", "/env", daemon_under_test->token, NULL);

  g_assert_cmpuint (health->status, ==, 200);
  porthole_test_assert_error_body (env, 401, "TOKEN_INVALID");
  porthole_test_assert_error_body (forged, 401, "TOKEN_INVALID");
}

/* The daemon's own clock decides, with 60 s of leeway either way
 * (SECURITY.md G3): daemons run under libfaketime, their clocks 120 s
 * behind and ahead of the client's, take the client's tokens that are
 * within the leeway by their clock and refuse those past it. */
static PortholeTestDaemon *
daemon_with_clock_offset (const char *library,
                          const char *offset)
{
  g_autofree char *asan_options = g_strdup (g_getenv ("ASAN_OPTIONS"));
  PortholeTestDaemon *daemon;

  g_setenv ("LD_PRELOAD", library, TRUE);
  g_setenv ("FAKETIME", offset, TRUE);
  g_setenv ("FAKETIME_DONT_FAKE_MONOTONIC", "1", TRUE);
  /* ASan wants its runtime first; the preload only moves the clock. */
  if (asan_options != NULL)
    {
      g_autofree char *more = g_strconcat (asan_options, ":verify_asan_link_order=0", NULL);

      g_setenv ("ASAN_OPTIONS", more, TRUE);
    }
  daemon = porthole_test_daemon_new (NULL);
  g_unsetenv ("LD_PRELOAD");
  g_unsetenv ("FAKETIME");
  g_unsetenv ("FAKETIME_DONT_FAKE_MONOTONIC");
  if (asan_options != NULL)
    g_setenv ("ASAN_OPTIONS", asan_options, TRUE);

  return daemon;
}

static void
test_daemon_clock (void)
{
  const char *library = g_getenv ("PORTHOLE_TEST_FAKETIME");
  /* Claims relative to the client's now. */
  const struct { const char *offset; gint64 iat, exp; const char *expected; } cases[] = {
    /* 120 s behind: issued 90 s ago is 30 s in its future, now is 120 s. */
    { "-120", -90, 3600, NULL },
    { "-120", 0, 3600, "TOKEN_INVALID" },
    /* 120 s ahead: expiring in 90 s expired 30 s ago for it, in 30 s 90 s ago. */
    { "+120", -60, 90, NULL },
    { "+120", -60, 30, "TOKEN_EXPIRED" },
  };
  g_autoptr(PortholeTestDaemon) behind = NULL;
  g_autoptr(PortholeTestDaemon) ahead = NULL;

  if (library == NULL)
    {
      g_test_skip ("libfaketime is not installed");
      return;
    }
  behind = daemon_with_clock_offset (library, "-120");
  ahead = daemon_with_clock_offset (library, "+120");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PortholeTestDaemon *daemon = cases[i].offset[0] == '-' ? behind : ahead;
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *payload = g_strdup_printf ("{\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                                                  now + cases[i].iat, now + cases[i].exp);
      g_autofree char *token = NULL;
      g_autoptr(GBytes) secret = daemon_secret (daemon);
      g_autoptr(PortholeTestResponse) env = NULL;
      gsize key_length;
      const guint8 *key = g_bytes_get_data (secret, &key_length);

      token = test_token_hs256 ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, key, key_length);
      g_test_message ("daemon clock %s s, token %s", cases[i].offset, payload);
      env = porthole_test_request (daemon, "GET", "/env", token, NULL);
      if (cases[i].expected == NULL)
        g_assert_cmpuint (env->status, ==, 200);
      else
        porthole_test_assert_error_body (env, 401, cases[i].expected);
    }
}

static void
test_api_key (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *key_file = g_build_filename (dir, "api-key", NULL);
  g_autofree char *arg = NULL;
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autofree char *url = NULL;
  struct { const char *api_key; const char *bearer; guint status; } cases[] = {
    { "the-api-key-of-this-sandbox", NULL, 200 },
    { "the-api-key-of-this-sandboX", NULL, 401 },
    { "the-api-key-of-this-sandbox", "bad.bad.bad", 401 },
  };

  g_file_set_contents_full (key_file, "the-api-key-of-this-sandbox\n", -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL);
  arg = g_strconcat ("--api-key-file=", key_file, NULL);
  daemon = porthole_test_daemon_new ((const char *[]) { arg, NULL });
  url = g_strconcat (daemon->url, "/env", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(PortholeTestResponse) r = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "X-API-Key", cases[i].api_key);
      if (cases[i].bearer)
        {
          g_autofree char *value = g_strconcat ("Bearer ", cases[i].bearer, NULL);

          /* A Bearer header alone decides (API.md §1.2). */
          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
        }
      r = porthole_test_send (daemon, msg);
      g_assert_cmpuint (r->status, ==, cases[i].status);
    }

  porthole_test_rm_rf (dir);
}

static void
test_insecure_mode (void)
{
  const char *argv[] = { porthole_test_get_daemon_path (), "--insecure-no-auth", "--listen", "0.0.0.0:0",
                         "--display=none", "--workspace", NULL, "--state-dir", NULL, NULL };
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *workspace = g_build_filename (dir, "ws", NULL);
  g_autofree char *state = g_build_filename (dir, "state", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  argv[6] = workspace;
  argv[8] = state;

  /* Refused on a non-loopback address. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "loopback"));

  /* Loopback: no token needed, and a warning says so. */
  {
    g_autoptr(PortholeTestDaemon) open = porthole_test_daemon_new_full (NULL, (const char *[]) { "--insecure-no-auth", NULL }, FALSE);
    g_autoptr(PortholeTestResponse) r = porthole_test_request (open, "GET", "/env", "", NULL);

    g_assert_cmpuint (r->status, ==, 200);
  }

  porthole_test_rm_rf (dir);
}

/* A 64 MiB upload without a token is refused without being kept. */
static void
test_unauthenticated_upload_memory (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree guint8 *chunk = g_malloc0 (64 * 1024);
  GOutputStream *out;
  GInputStream *in;
  char response[512] = { 0 };
  gsize before, after;
  const gsize total = 64 * 1024 * 1024;

  if (porthole_test_skip_if_sanitized ())
    return;

  /* Warm up allocations of an ordinary refused request first. */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", "/files/upload", "", "{}");
    g_assert_cmpuint (r->status, ==, 401);
  }
  before = porthole_test_daemon_get_peak_rss (daemon_under_test);

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon_under_test->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));

  head = g_strdup_printf ("POST /files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: multipart/form-data; boundary=x\r\n"
                          "Content-Length: %zu\r\n\r\n", total);
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  for (gsize sent = 0; sent < total; sent += 64 * 1024)
    if (!g_output_stream_write_all (out, chunk, 64 * 1024, NULL, NULL, NULL))
      break;

  g_input_stream_read (in, response, sizeof response - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 401"));

  after = porthole_test_daemon_get_peak_rss (daemon_under_test);
  g_test_message ("daemon peak RSS before %zu KiB, after %zu KiB", before / 1024, after / 1024);
  g_assert_cmpuint (after, <, before + 2 * 1024 * 1024);
}

/* A concrete path for a route's template: every {parameter} is "x". */
static char *
concrete_path (const char *template)
{
  GString *path = g_string_new (NULL);

  for (const char *p = template; *p; p++)
    {
      const char *end;

      if (*p == '{' && (end = strchr (p, '}')) != NULL)
        {
          g_string_append_c (path, 'x');
          p = end;
        }
      else
        g_string_append_c (path, *p);
    }

  return g_string_free (path, FALSE);
}

/* Every route of the route table, aliases and WebSockets included: the
 * public ones answer without a token, every other refuses a missing,
 * expired, wrong-key and alg:none token with 401 before doing any work
 * (the request would create, write or remove files; nothing changes). */
static void
test_every_route (void)
{
  static const char *const picked[] = { "wrong HMAC key", "expired an hour ago", "alg none, empty signature" };
  g_autoptr(GBytes) secret = daemon_secret (daemon_under_test);
  g_autoptr(GPtrArray) hostile = test_tokens_hostile (secret, keys, g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *marks = g_build_filename (daemon_under_test->workspace, "every-route", NULL);
  g_autofree char *keep = g_build_filename (marks, "keep", NULL);
  g_autofree char *body = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
  g_autoptr(GDir) dir = NULL;
  const PortholeRoute *routes;
  guint n_routes, checked = 0, public = 0;

  g_assert_no_errno (g_mkdir_with_parents (marks, 0755));
  g_assert_true (g_file_set_contents (keep, "kept", -1, NULL));
  body = g_strdup_printf ("{\"path\":\"%s/written\",\"content\":\"x\",\"command\":\"touch %s/ran\","
                          "\"language\":\"python\",\"code\":\"open('%s/ran', 'w')\","
                          "\"source\":\"%s\",\"destination\":\"%s/moved\",\"env_vars\":{\"EVERY_ROUTE\":\"1\"}}",
                          marks, marks, marks, keep, marks);
  query = g_strdup_printf ("?path=%s&recursive=true&force=true", keep);

  g_ptr_array_add (tokens, (gpointer) "");
  for (guint i = 0; i < G_N_ELEMENTS (picked); i++)
    for (guint j = 0; j < hostile->len; j++)
      {
        TestToken *t = g_ptr_array_index (hostile, j);

        if (g_str_equal (t->name, picked[i]))
          g_ptr_array_add (tokens, t->token);
      }
  g_assert_cmpuint (tokens->len, ==, 1 + G_N_ELEMENTS (picked));

  routes = porthole_routes_get (&n_routes);
  for (guint i = 0; i < n_routes; i++)
    {
      const PortholeRoute *route = &routes[i];
      g_autofree char *path = concrete_path (route->path);
      g_autofree char *with_query = g_strconcat (path, query, NULL);

      if (route->flags & PORTHOLE_ROUTE_FLAGS_PUBLIC)
        {
          g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, route->method, path, "", NULL);

          g_assert_cmpuint (r->status, ==, 200);
          public++;
          continue;
        }

      for (guint k = 0; k < tokens->len; k++)
        {
          const char *token = g_ptr_array_index (tokens, k);

          g_test_message ("%s %s, token %u", route->method, route->path, k);
          if (route->flags & PORTHOLE_ROUTE_FLAGS_WEBSOCKET)
            g_assert_cmpuint (handshake_status (with_query, token[0] ? token : NULL), ==, 401);
          else
            {
              g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, route->method,
                                                                         with_query, token, body);

              g_assert_cmpuint (r->status, ==, 401);
              g_assert_cmpstr (soup_message_headers_get_one (r->headers, "WWW-Authenticate"), ==, "Bearer");
            }
        }
      checked++;
    }

  g_test_message ("%u routes refused every bad token, %u public", checked, public);
  /* /, /health, /ping, /info, /system, and the OAuth resource metadata
   * of /mcp (RFC 9728) at its two paths. */
  g_assert_cmpuint (public, ==, 7);
  g_assert_cmpuint (checked, >=, 100);

  /* Nothing was done: only the file put there first. */
  {
    g_autofree char *contents = NULL;
    const char *name;
    guint entries = 0;

    dir = g_dir_open (marks, 0, NULL);
    g_assert_nonnull (dir);
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_assert_cmpstr (name, ==, "keep");
        entries++;
      }
    g_assert_cmpuint (entries, ==, 1);
    g_assert_true (g_file_get_contents (keep, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "kept");
  }
  {
    g_autoptr(PortholeTestResponse) env = porthole_test_request (daemon_under_test, "GET", "/env", NULL, NULL);

    g_assert_cmpuint (env->status, ==, 200);
    g_assert_null (g_strstr_len (g_bytes_get_data (env->body, NULL), g_bytes_get_size (env->body), "EVERY_ROUTE"));
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  keys = test_keys_new ();
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/auth/hostile-matrix", test_hostile_matrix);
  g_test_add_func ("/auth/every-route", test_every_route);
  g_test_add_func ("/auth/good-token", test_good_token);
  g_test_add_func ("/auth/scheme-variants", test_scheme_variants);
  g_test_add_func ("/auth/query-token-only-for-websockets", test_query_token_only_for_websockets);
  g_test_add_func ("/auth/fail-closed-without-key", test_fail_closed_without_key);
  g_test_add_func ("/auth/daemon-clock", test_daemon_clock);
  g_test_add_func ("/auth/api-key", test_api_key);
  g_test_add_func ("/auth/insecure-mode", test_insecure_mode);
  g_test_add_func ("/auth/unauthenticated-upload-memory", test_unauthenticated_upload_memory);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  test_keys_free (keys);
  return ret;
}
