/* test-json.c — lenient field conversions, timestamps, durations, sizes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-config.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-json-nul.h"
#include "porthole-ws-channel.h"
#include "test-utils.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = porthole_json_parse (json, -1, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_int_coercion (void)
{
  struct { const char *json; gboolean ok; gint64 value; } cases[] = {
    { "12", TRUE, 12 },
    { "12.0", TRUE, 12 },
    { "\"12\"", TRUE, 12 },
    { "\"12.0\"", TRUE, 12 },
    { "-3", TRUE, -3 },
    { "12.5", FALSE, 0 },
    { "\"12abc\"", FALSE, 0 },
    { "\"\"", FALSE, 0 },
    { "true", FALSE, 0 },
    { "null", FALSE, 0 },
    { "1e300", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      gint64 value = 0;

      g_assert_cmpint (porthole_json_node_get_int (node, &value), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (value, ==, cases[i].value);
    }
}

static void
test_boolean_coercion (void)
{
  struct { const char *json; gboolean ok; gboolean value; } cases[] = {
    { "true", TRUE, TRUE }, { "false", TRUE, FALSE }, { "1", TRUE, TRUE }, { "0", TRUE, FALSE },
    { "\"true\"", TRUE, TRUE }, { "\"False\"", TRUE, FALSE }, { "2", FALSE, FALSE }, { "\"maybe\"", FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      gboolean value = !cases[i].value;

      g_assert_cmpint (porthole_json_node_get_boolean (node, &value), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (value, ==, cases[i].value);
    }
}

static void
test_timestamps (void)
{
  g_autofree char *text = porthole_timestamp_from_unix (G_GINT64_CONSTANT (1737973800123456));
  g_autofree char *now = porthole_timestamp_now ();
  gint64 parsed;

  g_assert_cmpstr (text, ==, "2025-01-27T10:30:00.123Z");
  g_assert_true (porthole_timestamp_parse (text, &parsed));
  g_assert_cmpint (parsed, ==, G_GINT64_CONSTANT (1737973800123000));
  g_assert_true (porthole_timestamp_parse (now, &parsed));
  g_assert_true (porthole_timestamp_parse ("2025-01-27T11:30:00+01:00", &parsed));
  g_assert_cmpint (parsed, ==, G_GINT64_CONSTANT (1737973800000000));
  /* A naive timestamp has no zone: refused. */
  g_assert_false (porthole_timestamp_parse ("2025-01-27T10:30:00", &parsed));
}

static void
test_invalid_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = porthole_json_parse ("{\"a\":", -1, &error);

  g_assert_null (node);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON);
}

/* An empty GBytes may have no data at all: the WebSocket frame parse
 * gave that NULL to json-glib, which refused it without an error that
 * was then read (found by fuzz/fuzz-ws-messages). Empty text is invalid
 * JSON, from a daemon's client or to a daemon's route. */
static void
test_empty_frames (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) cut = g_bytes_new ("{}\0{\"a\":1}", 10);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = porthole_json_parse (NULL, 0, &error);
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;
  const char *type = "unset";

  g_assert_null (g_bytes_get_data (empty, NULL));
  g_assert_null (node);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON);
  g_clear_error (&error);
  node = porthole_json_parse ("", 0, &error);
  g_assert_null (node);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON);

  object = porthole_json_parse_message (empty, &type);
  g_assert_null (object);
  g_assert_null (type);

  object = porthole_ws_channel_parse_frame (empty, &text);
  g_assert_null (object);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);

  /* A NUL ends the text; such a frame is not JSON. */
  object = porthole_ws_channel_parse_frame (cut, &text);
  g_assert_null (object);
  g_assert_cmpstr (text, ==, "{}");
}

/* json-glib reads 1e400 as an infinity, which would print back as "inf"
 * (found by fuzz/fuzz-json): such numbers are refused, while the
 * smallest and largest finite ones and underflow to 0 are not. */
static void
test_number_range (void)
{
  const char *refused[] = { "[\"\\\\\\614\"]", "\"\\a\"", "[1e400]", "{\"a\":-3e810}", "1E+309", "[1, 2, 0.5e99999]", NULL };
  const char *accepted[] = { "[1.7976931348623157e308]", "-2.2250738585072014e-308", "[1e-400]", "[12345678901234567890]", "\"1e400\"", NULL };
  g_autoptr(GString) long_digits = g_string_new ("[");

  for (guint i = 0; refused[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = porthole_json_parse (refused[i], -1, &error);

      g_test_message ("%s", refused[i]);
      g_assert_null (node);
      g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON);
    }

  for (guint i = 0; accepted[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = porthole_json_parse (accepted[i], -1, &error);
      g_autofree char *text = NULL;

      g_test_message ("%s", accepted[i]);
      g_assert_no_error (error);
      text = porthole_json_to_string (node, NULL);
      g_assert_null (strstr (text, "inf"));
    }

  /* json-glib prints 1e30 as "1e+30.0"; our printer does not. */
  {
    g_autoptr(JsonNode) node = porthole_json_parse ("[-1e30,1e+30,\"1e+30.0\",2.5e-10,1e300,\"\\\"e5.0\"]", -1, NULL);
    g_autofree char *text = porthole_json_to_string (node, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) again = porthole_json_parse (text, -1, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (text, ==, "[-1e+30,1e+30,\"1e+30.0\",2.5000000000000002e-10,1.0000000000000001e+300,\"\\\"e5.0\"]");
    g_assert_true (json_node_equal (node, again));
  }

  /* 400 digits: past any double. */
  for (guint i = 0; i < 400; i++)
    g_string_append_c (long_digits, '9');
  g_string_append_c (long_digits, ']');
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = porthole_json_parse (long_digits->str, -1, &error);

    g_assert_null (node);
    g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON);
  }
}

/* U+0000 through json-glib: NUL pairs out as \u0000, \u0000 in as the
 * pair, and U+FFFF (the parser's helper) and "\\u0000" left alone. */
static void
test_nul_round_trip (void)
{
  const char *text = "{\"o\\u0000ut\":[\"a\\u0000b\\u0000\",\"\\\\u0000\",\"\xEF\xBF\xBF" "0\\uffff\\uFFFF0\",5,null]}";
  g_autoptr(JsonNode) node = parse (text);
  JsonObject *object = json_node_get_object (node);
  JsonArray *array = json_object_get_array_member (object, "o" PORTHOLE_JSON_NUL "ut");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *again = NULL;
  gsize length;

  g_assert_true (json_node_is_immutable (node));
  g_assert_nonnull (array);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "a" PORTHOLE_JSON_NUL "b" PORTHOLE_JSON_NUL);
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "\\u0000");
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "\xEF\xBF\xBF" "0\xEF\xBF\xBF\xEF\xBF\xBF" "0");
  g_assert_cmpint (json_array_get_int_element (array, 3), ==, 5);
  g_assert_true (json_array_get_null_element (array, 4));

  bytes = porthole_json_text_to_bytes (json_array_get_string_element (array, 0), -1);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "a\0b\0", 4);

  again = porthole_json_to_string (node, &length);
  g_assert_cmpuint (strlen (again), ==, length);
  g_assert_cmpstr (again, ==, "{\"o\\u0000ut\":[\"a\\u0000b\\u0000\",\"\\\\u0000\",\"\xEF\xBF\xBF" "0\xEF\xBF\xBF\xEF\xBF\xBF" "0\",5,null]}");

  /* Text without \u0000 is parsed as it is. */
  {
    g_autoptr(JsonNode) plain = parse ("[\"\xEF\xBF\xBF" "0\"]");

    g_assert_cmpstr (json_array_get_string_element (json_node_get_array (plain), 0), ==, "\xEF\xBF\xBF" "0");
  }
}

static void
assert_invalid (const char *json,
                gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = porthole_json_parse (json, length, &error);

  g_assert_null (node);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON);
}

static void
assert_valid (const char *json,
              gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = porthole_json_parse (json, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
}

static char *
nested (guint       depth,
        const char *open,
        const char *inner,
        const char *close)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (text, close);

  return g_string_free (text, FALSE);
}

/* json-glib recurses per level: 100 000 of them overflowed the stack
 * (issue 16). The gate is in porthole_json_parse(), which the daemon and
 * the client library both use. */
static void
test_depth (void)
{
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *at_limit = nested (PORTHOLE_JSON_DEFAULT_MAX_DEPTH, "[", "1", "]");
  g_autofree char *over_limit = nested (PORTHOLE_JSON_DEFAULT_MAX_DEPTH + 1, "{\"a\":", "1", "}");
  g_autofree char *brackets = g_strnfill (100000, '[');
  g_autofree char *in_string = g_strdup_printf ("{\"code\":\"\\\"%s\\\\\"}", brackets);
  g_autofree char *after_string = g_strdup_printf ("[\"\\\"\",%s", brackets);
  g_autofree char *ten = nested (10, "[", "1", "]");

  g_assert_cmpuint (porthole_json_get_max_depth (), ==, PORTHOLE_JSON_DEFAULT_MAX_DEPTH);
  assert_invalid (deep, -1);
  assert_valid (at_limit, -1);
  assert_invalid (over_limit, -1);
  /* Brackets in strings are text, escaped quotes included... */
  assert_valid (in_string, -1);
  /* ...but not once the string has ended. */
  assert_invalid (after_string, -1);

  /* What json-glib would lex differently from JSON is refused, so no
   * string can hide brackets from the count: \u with fewer than four
   * digits or an unpaired surrogate eats the next character (here the
   * closing quote), 'strings' and /comments/ are json-glib extensions. */
  assert_invalid ("[\"\\u12\",\"[[[\"]", -1);
  assert_invalid ("[\"\\uD800\",\"x\"]", -1);
  assert_invalid ("[\"\\uDC00\"]", -1);
  assert_invalid ("['[[[']", -1);
  assert_invalid ("[/\"/1]", -1);
  assert_invalid ("[\"a\\\0b\"]", 7);
  assert_valid ("[\"\\uD83D\\uDE00\",\"\\u00e9\",\"\\/\"]", -1);
  /* json-glib refuses NUL bytes (its UTF-8 check). */
  assert_invalid ("{\"a\":1}\0[[[[", 12);

  porthole_json_set_max_depth (5);
  assert_invalid (ten, -1);
  porthole_json_set_max_depth (PORTHOLE_JSON_DEFAULT_MAX_DEPTH);
  assert_valid (ten, -1);
}

static void
test_durations_and_sizes (void)
{
  gint64 seconds;
  guint64 bytes;

  g_assert_true (porthole_parse_duration ("90", &seconds) && seconds == 90);
  g_assert_true (porthole_parse_duration ("24h", &seconds) && seconds == 86400);
  g_assert_true (porthole_parse_duration ("1h30m", &seconds) && seconds == 5400);
  g_assert_true (porthole_parse_duration ("7d", &seconds) && seconds == 7 * 86400);
  g_assert_false (porthole_parse_duration ("", &seconds));
  g_assert_false (porthole_parse_duration ("h", &seconds));
  g_assert_false (porthole_parse_duration ("5x", &seconds));
  g_assert_false (porthole_parse_duration ("-5", &seconds));
  g_assert_false (porthole_parse_duration ("99999999999999999999h", &seconds));

  g_assert_true (porthole_parse_size ("1048576", &bytes) && bytes == 1048576);
  g_assert_true (porthole_parse_size ("64M", &bytes) && bytes == 64 << 20);
  g_assert_true (porthole_parse_size ("2GiB", &bytes) && bytes == G_GUINT64_CONSTANT (2) << 30);
  g_assert_false (porthole_parse_size ("12Q", &bytes));
  g_assert_false (porthole_parse_size ("M", &bytes));
}

static void
test_error_codes (void)
{
  PortholeErrorCode code;

  for (guint i = 0; i <= PORTHOLE_ERROR_PROTOCOL; i++)
    {
      g_assert_true (porthole_error_code_from_string (porthole_error_code_to_string (i), &code));
      g_assert_cmpint (code, ==, i);
    }
  g_assert_cmpuint (porthole_error_code_get_status (PORTHOLE_ERROR_TOKEN_EXPIRED), ==, 401);
  g_assert_cmpuint (porthole_error_code_get_status (PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE), ==, 503);
  g_assert_false (porthole_error_code_from_string ("INVALID_TOKEN", &code));
}

static void
test_config_file_and_overrides (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "portholed.conf", NULL);
  g_autoptr(GKeyFile) overrides = g_key_file_new ();
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  guint w, h, d;

  g_file_set_contents (path,
                       "[portholed]\n"
                       "workspace=/from/file\n"
                       "display-size=1280x720x24\n"
                       "max-connections=7\n"
                       "idle-timeout=2m\n", -1, &error);
  g_assert_no_error (error);
  g_key_file_set_string (overrides, PORTHOLE_CONFIG_GROUP, "workspace", "/from/flag");

  config = porthole_config_new (path, overrides, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (porthole_config_get_workspace (config), ==, "/from/flag");
  porthole_config_get_display_size (config, &w, &h, &d);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);
  g_assert_cmpuint (porthole_config_get_max_connections (config), ==, 7);
  g_assert_cmpuint (porthole_config_get_idle_timeout (config), ==, 120);
  g_assert_true (porthole_config_get_listen_is_default (config));

  /* A reload that fails keeps the previous settings. */
  g_file_set_contents (path, "[portholed]\nmax-connections=zero\n", -1, NULL);
  g_assert_false (porthole_config_reload (config, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (porthole_config_get_max_connections (config), ==, 7);

  porthole_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/json/int-coercion", test_int_coercion);
  g_test_add_func ("/json/boolean-coercion", test_boolean_coercion);
  g_test_add_func ("/json/timestamps", test_timestamps);
  g_test_add_func ("/json/number-range", test_number_range);
  g_test_add_func ("/json/invalid", test_invalid_json);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/nul-round-trip", test_nul_round_trip);
  g_test_add_func ("/json/empty-frames", test_empty_frames);
  g_test_add_func ("/config/durations-and-sizes", test_durations_and_sizes);
  g_test_add_func ("/config/file-and-overrides", test_config_file_and_overrides);
  g_test_add_func ("/error/codes", test_error_codes);

  return g_test_run ();
}
