/* test-hub-http-framer.c — the hub proxy's request framing: X-API-Key
 * taken out of every request head (never out of a body), bodies and
 * WebSocket tunnels passed byte for byte, the smuggling cases refused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-hub-http-framer.h"
#include "test-utils.h"

/* Feeds @input in pieces of @step bytes (the proxy's reads split
 * anywhere) and returns what would go on to the agent. */
static char *
feed (PortholeHubHttpFramer  *framer,
      const char             *input,
      gsize                   step,
      guint                  *status,
      GError                **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize length = strlen (input);

  for (gsize i = 0; i < length; i += step)
    if (!porthole_hub_http_framer_feed (framer, (const guint8 *) input + i, MIN (step, length - i),
                                        out, status, error))
      return NULL;
  g_byte_array_append (out, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&out), FALSE);
}

static void
test_api_key_removed (void)
{
  const char *input =
    "GET /files/read?path=/a HTTP/1.1\r\nHost: h\r\nX-API-Key: secret-1\r\nAuthorization: Bearer t\r\n\r\n"
    "POST /files/write HTTP/1.1\r\nx-api-key: secret-2\r\nContent-Length: 31\r\n\r\n"
    "{\"content\":\"X-API-Key: keep\"}\r\n"
    "\r\n"
    "GET /health HTTP/1.1\r\nX-Api-Key:secret-3\r\n\r\n";
  const char *expected =
    "GET /files/read?path=/a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n"
    "POST /files/write HTTP/1.1\r\nContent-Length: 31\r\n\r\n"
    "{\"content\":\"X-API-Key: keep\"}\r\n"
    "GET /health HTTP/1.1\r\n\r\n";
  gsize steps[] = { 1, 2, 3, 7, 64, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      guint status = 0;

      out = feed (framer, input, steps[i], &status, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expected);
      g_assert_cmpuint (porthole_hub_http_framer_get_requests (framer), ==, 3);
      g_assert_false (porthole_hub_http_framer_is_tunnel (framer));
    }
}

static void
test_chunked_body_untouched (void)
{
  const char *input =
    "POST /files/upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-API-Key: k\r\n\r\n"
    "1c;ext=1\r\n\r\n\r\nX-API-Key: in the body\r\n\r\n"
    "0\r\nTrailer: yes\r\n\r\n"
    "GET /ping HTTP/1.1\r\nX-API-Key: k\r\n\r\n";
  const char *expected =
    "POST /files/upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    "1c;ext=1\r\n\r\n\r\nX-API-Key: in the body\r\n\r\n"
    "0\r\nTrailer: yes\r\n\r\n"
    "GET /ping HTTP/1.1\r\n\r\n";

  for (gsize step = 1; step <= 9; step += 4)
    {
      g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      guint status = 0;

      out = feed (framer, input, step, &status, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expected);
      g_assert_cmpuint (porthole_hub_http_framer_get_requests (framer), ==, 2);
    }
}

static void
test_upgrade_tunnel (void)
{
  g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  guint status = 0;
  /* After the handshake: frames, whatever they look like. */
  const char *input =
    "GET /terminal HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nX-API-Key: k\r\n\r\n"
    "\x81\x05hello GET / HTTP/1.1\r\nX-API-Key: k\r\n\r\n";

  out = feed (framer, input, 5, &status, &error);
  g_assert_no_error (error);
  g_assert_true (porthole_hub_http_framer_is_tunnel (framer));
  g_assert_cmpstr (out, ==,
                   "GET /terminal HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n"
                   "\x81\x05hello GET / HTTP/1.1\r\nX-API-Key: k\r\n\r\n");
}

static void
test_refused (void)
{
  g_autofree char *huge = NULL;
  struct { const char *input; guint status; } cases[] = {
    { "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400 },
    { "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", 400 },
    { "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400 },
    { "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501 },
    { "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501 },
    { "GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", 400 },
    { "GET / HTTP/1.1\r\nX-API-Key : k\r\n\r\n", 400 },
    { "GET / HTTP/1.1\r\nno colon\r\n\r\n", 400 },
    { "SSH-2.0-OpenSSH\r\n\r\n", 400 },
    { "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400 },
    { "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY\r\n", 400 },
    { NULL, 431 },
  };
  GString *big = g_string_new ("GET / HTTP/1.1\r\n");

  while (big->len <= PORTHOLE_HUB_HTTP_MAX_HEAD)
    g_string_append (big, "X-Filler: 0123456789abcdef0123456789abcdef\r\n");
  huge = g_string_free (big, FALSE);
  cases[G_N_ELEMENTS (cases) - 1].input = huge;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      guint status = 0;

      out = feed (framer, cases[i].input, 1000, &status, &error);
      g_assert_null (out);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpuint (status, ==, cases[i].status);
    }
}

/* The first request's Host routes a connection (wildcard domains);
 * pinned, a later request for another host is refused. */
static void
test_host (void)
{
  const char *same = "GET /a HTTP/1.1\r\nHOST: 8000-ID.Sbx.Test:9\r\n\r\nGET /b HTTP/1.1\r\nHost: 8000-id.sbx.test:9\r\n\r\n";
  const char *other = "GET /a HTTP/1.1\r\nHost: one.sbx.test\r\n\r\nGET /b HTTP/1.1\r\nHost: two.sbx.test\r\n\r\n";
  const char *missing = "GET /a HTTP/1.1\r\nHost: one.sbx.test\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
  const char *twice = "GET /a HTTP/1.1\r\nHost: one.sbx.test\r\nHost: two.sbx.test\r\n\r\n";

  {
    g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    guint status = 0;

    g_assert_null (porthole_hub_http_framer_get_host (framer));
    porthole_hub_http_framer_pin_host (framer);
    out = feed (framer, same, 5, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (porthole_hub_http_framer_get_host (framer), ==, "8000-id.sbx.test:9");
    g_assert_cmpuint (porthole_hub_http_framer_get_requests (framer), ==, 2);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      guint status = 0;

      porthole_hub_http_framer_pin_host (framer);
      out = feed (framer, i == 0 ? other : missing, 4096, &status, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpuint (status, ==, 421);
      g_assert_cmpstr (porthole_hub_http_framer_get_host (framer), ==, "one.sbx.test");
    }
  {
    g_autoptr(PortholeHubHttpFramer) framer = porthole_hub_http_framer_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    guint status = 0;

    out = feed (framer, other, 4096, &status, &error);
    g_assert_no_error (error);
    g_clear_pointer (&out, g_free);
    out = feed (framer, twice, 4096, &status, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_cmpuint (status, ==, 400);
  }
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/hub/http-framer/api-key-removed", test_api_key_removed);
  g_test_add_func ("/hub/http-framer/chunked-body-untouched", test_chunked_body_untouched);
  g_test_add_func ("/hub/http-framer/upgrade-tunnel", test_upgrade_tunnel);
  g_test_add_func ("/hub/http-framer/refused", test_refused);
  g_test_add_func ("/hub/http-framer/host", test_host);

  return g_test_run ();
}
