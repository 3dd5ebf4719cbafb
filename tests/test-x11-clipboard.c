/* test-x11-clipboard.c — the clipboard through real X selections
 * (API.md §8.4), both ways, with the test client as the other side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-x11-utils.h"

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { 640, 480, "Clipboard test", 10, 10, 200, 100, NULL };

static char *
json_body (const char *member,
           const char *text,
           const char *selection)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
  if (selection != NULL)
    {
      json_builder_set_member_name (builder, "selection");
      json_builder_add_string_value (builder, selection);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return json_to_string (node, FALSE);
}

static void
api_set (Fixture    *fixture,
         const char *member,
         const char *text,
         const char *selection)
{
  g_autofree char *body = json_body (member, text, selection);
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/clipboard/set", body);

  g_assert_cmpint (json_object_get_int_member (reply, "length"), ==, g_utf8_strlen (text, -1));
}

static char *
api_get (Fixture    *fixture,
         const char *path)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "GET", path, NULL);
  const char *text = json_object_get_string_member (reply, "text");

  /* py reads "text", JS reads "content". */
  g_assert_cmpstr (json_object_get_string_member (reply, "content"), ==, text);
  g_assert_cmpint (json_object_get_int_member (reply, "length"), ==, g_utf8_strlen (text, -1));
  g_assert_nonnull (json_object_get_string_member (reply, "timestamp"));

  return g_strdup (text);
}

static char *
client_paste (Fixture    *fixture,
              const char *command)
{
  const char *line;
  guchar *decoded;
  gsize length;

  porthole_test_client_send (fixture->client, command);
  line = porthole_test_client_wait_line (fixture->client, "clipboard ");
  decoded = g_base64_decode (line + strlen ("clipboard "), &length);
  decoded = g_realloc (decoded, length + 1);
  decoded[length] = '\0';

  return (char *) decoded;
}

static void
client_copy (Fixture    *fixture,
             const char *text)
{
  g_autofree char *base64 = g_base64_encode ((const guchar *) text, strlen (text));
  g_autofree char *command = g_strconcat ("copy ", base64, NULL);

  porthole_test_client_send (fixture->client, command);
  porthole_test_client_wait_line (fixture->client, "copied ");
}

static GStrv
api_history (Fixture *fixture)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "GET", "/desktop/clipboard/history", NULL);
  JsonArray *history = json_object_get_array_member (reply, "history");
  GStrv entries = g_new0 (char *, json_array_get_length (history) + 1);

  g_assert_cmpint (json_object_get_int_member (reply, "count"), ==, json_array_get_length (history));
  for (guint i = 0; i < json_array_get_length (history); i++)
    entries[i] = g_strdup (json_array_get_string_element (history, i));

  return entries;
}

static gboolean
history_ends_with (Fixture    *fixture,
                   const char *text)
{
  g_auto(GStrv) entries = api_history (fixture);
  guint n = g_strv_length (entries);

  return n > 0 && g_str_equal (entries[n - 1], text);
}

static void
test_api_to_client (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *text = "Grüße, 日本, 😀\nsecond line\twith a tab";
  g_autofree char *pasted = NULL;
  g_autofree char *got = NULL;

  api_set (fixture, "text", text, NULL);
  pasted = client_paste (fixture, "paste");
  g_assert_cmpstr (pasted, ==, text);
  /* Exactly what was set, no newline added. */
  got = api_get (fixture, "/desktop/clipboard/get");
  g_assert_cmpstr (got, ==, text);
}

static void
test_client_to_api (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *text = "copied in an X client: ümlaut ✓";
  g_autofree char *got = NULL;
  g_autofree char *got_seed = NULL;

  client_copy (fixture, text);
  got = api_get (fixture, "/desktop/clipboard/get");
  g_assert_cmpstr (got, ==, text);
  got_seed = api_get (fixture, "/desktop/clipboard");
  g_assert_cmpstr (got_seed, ==, text);

  /* Setting through the API takes the selection from the client. */
  api_set (fixture, "content", "from the API", NULL);
  porthole_test_client_wait_line (fixture->client, "owner lost");
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(GStrv) entries = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  guint n;

  api_set (fixture, "text", "first from the API", NULL);
  client_copy (fixture, "copied by the client");
  /* XFixes tells the daemon; it reads the client's text. */
  PORTHOLE_TEST_X11_WAIT (history_ends_with (fixture, "copied by the client"));
  api_set (fixture, "text", "third", NULL);

  entries = api_history (fixture);
  n = g_strv_length (entries);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpstr (entries[n - 3], ==, "first from the API");
  g_assert_cmpstr (entries[n - 2], ==, "copied by the client");
  g_assert_cmpstr (entries[n - 1], ==, "third");

  r = porthole_test_request (fixture->daemon, "GET", "/desktop/clipboard/history?limit=2", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (r->json, "count"), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (r->json, "history"), 0), ==,
                   "copied by the client");
}

static char *
make_large_text (gsize size)
{
  GString *text = g_string_sized_new (size);

  while (text->len < size)
    g_string_append_printf (text, "line %zu: the quick brown fox jumps over the lazy dög\n", text->len);

  return g_string_free (text, FALSE);
}

static void
test_large_incr (Fixture       *fixture,
                 gconstpointer  data)
{
  /* Above the daemon's 256 KiB piece, below the 1 MiB body limit. */
  g_autofree char *big = make_large_text (600 * 1024);
  g_autofree char *pasted = NULL;
  g_autofree char *medium = make_large_text (100 * 1024);
  g_autofree char *got = NULL;

  /* Larger than one piece: the daemon serves it with INCR. */
  api_set (fixture, "text", big, NULL);
  pasted = client_paste (fixture, "paste");
  g_assert_cmpuint (strlen (pasted), ==, strlen (big));
  g_assert_true (g_str_equal (pasted, big));

  /* The client answers with INCR above 4 KiB. */
  client_copy (fixture, medium);
  got = api_get (fixture, "/desktop/clipboard/get");
  g_assert_cmpuint (strlen (got), ==, strlen (medium));
  g_assert_true (g_str_equal (got, medium));
}

static void
test_primary_and_fallback (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *primary = NULL;
  g_autofree char *fallback = NULL;

  api_set (fixture, "text", "in PRIMARY", "primary");
  pasted = client_paste (fixture, "paste PRIMARY");
  g_assert_cmpstr (pasted, ==, "in PRIMARY");
  primary = api_get (fixture, "/desktop/clipboard/get?selection=primary");
  g_assert_cmpstr (primary, ==, "in PRIMARY");

  /* Seed path; then the client takes CLIPBOARD and goes away: nobody
   * owns it, and the last text set through the API is returned. */
  {
    g_autofree char *body = json_body ("text", "set last", NULL);
    g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/clipboard", body);
  }
  client_copy (fixture, "owned by a client that leaves");
  g_clear_pointer (&fixture->client, porthole_test_client_free);
  fallback = api_get (fixture, "/desktop/clipboard/get");
  g_assert_cmpstr (fallback, ==, "set last");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/clipboard/set", "{}", 400, "MISSING_PARAMETER");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/clipboard/set", "{\"text\": \"x\", \"selection\": \"secondary\"}", 400, "INVALID_REQUEST");
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, porthole_test_desktop_setup, func, porthole_test_desktop_teardown)
  ADD ("/x11/clipboard/api-to-client", test_api_to_client);
  ADD ("/x11/clipboard/client-to-api", test_client_to_api);
  ADD ("/x11/clipboard/history", test_history);
  ADD ("/x11/clipboard/large-incr", test_large_incr);
  ADD ("/x11/clipboard/primary-and-fallback", test_primary_and_fallback);
#undef ADD

  return g_test_run ();
}
