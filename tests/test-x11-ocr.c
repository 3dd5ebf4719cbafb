/* test-x11-ocr.c — reading the screen (API.md §8.9): ocr, find_element,
 * wait_for and get_bounds on text the test client paints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-x11-utils.h"

#define WIN_X 40
#define WIN_Y 60
/* The client paints its text at (10, 80) in its window, 4x the fixed
 * font: words of about 24 px high. */
#define TEXT_X (WIN_X + 10)
#define TEXT_Y (WIN_Y + 80)

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { 1024, 600, "OCR test", WIN_X, WIN_Y, 900, 200, "Porthole reads PIXELS 42" };

static void
test_ocr (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *words;
  gboolean seen = FALSE;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/ocr", "{}");
  g_assert_nonnull (strstr (json_object_get_string_member (reply, "text"), "Porthole reads PIXELS 42"));
  g_assert_cmpstr (json_object_get_string_member (reply, "language"), ==, "eng");
  g_assert_cmpfloat (json_object_get_double_member (reply, "confidence"), >, 50);

  /* Word boxes in screen coordinates, on the painted line. */
  words = json_object_get_array_member (reply, "words");
  for (guint i = 0; i < json_array_get_length (words); i++)
    {
      JsonObject *word = json_array_get_object_element (words, i);

      if (g_str_equal (json_object_get_string_member (word, "text"), "PIXELS"))
        {
          seen = TRUE;
          g_assert_cmpint (json_object_get_int_member (word, "x"), >, TEXT_X);
          g_assert_cmpint (json_object_get_int_member (word, "y"), >=, TEXT_Y);
          g_assert_cmpint (json_object_get_int_member (word, "y"), <, TEXT_Y + 80);
          g_assert_cmpint (json_object_get_int_member (word, "height"), >, 10);
        }
    }
  g_assert_true (seen);
  g_clear_pointer (&reply, json_object_unref);

  /* A region holding only part of the line. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/ocr",
                                      "{\"x\": 40, \"y\": 120, \"width\": 330, \"height\": 100, \"language\": \"eng\"}");
  g_assert_nonnull (strstr (json_object_get_string_member (reply, "text"), "Porthole"));
  g_assert_null (strstr (json_object_get_string_member (reply, "text"), "42"));
}

static void
test_find_element (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *element;

  /* Case-insensitive substring over words. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/find_element",
                                      "{\"text\": \"reads pixels\"}");
  g_assert_true (json_object_get_boolean_member (reply, "found"));
  element = json_object_get_object_member (reply, "element");
  g_assert_cmpstr (json_object_get_string_member (element, "text"), ==, "reads PIXELS");
  g_assert_cmpint (json_object_get_int_member (element, "x"), >, TEXT_X);
  g_assert_cmpint (json_object_get_int_member (element, "y"), >=, TEXT_Y);
  g_assert_cmpint (json_object_get_int_member (element, "center_x"), ==,
                   json_object_get_int_member (element, "x") + json_object_get_int_member (element, "width") / 2);
  g_assert_cmpint (json_object_get_int_member (element, "center_y"), ==,
                   json_object_get_int_member (element, "y") + json_object_get_int_member (element, "height") / 2);
  g_clear_pointer (&reply, json_object_unref);

  /* exact: the case must match. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/find_element",
                                      "{\"text\": \"reads pixels\", \"exact\": true}");
  g_assert_false (json_object_get_boolean_member (reply, "found"));
  g_assert_true (json_object_get_null_member (reply, "element"));
  g_clear_pointer (&reply, json_object_unref);

  /* Within a region that does not hold it. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/find_element",
                                      "{\"text\": \"Porthole\", \"region\": {\"x\": 0, \"y\": 300, \"width\": 500, \"height\": 200}}");
  g_assert_false (json_object_get_boolean_member (reply, "found"));
}

static void
test_get_bounds (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/get_bounds", "{\"text\": \"42\"}");
  g_assert_true (json_object_get_boolean_member (reply, "found"));
  g_assert_cmpint (json_object_get_int_member (reply, "x"), >, TEXT_X + 300);
  g_assert_cmpint (json_object_get_int_member (reply, "width"), >, 0);
  g_clear_pointer (&reply, json_object_unref);

  /* Not found is 200, with null bounds. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/get_bounds", "{\"text\": \"nowhere\"}");
  g_assert_false (json_object_get_boolean_member (reply, "found"));
  g_assert_true (json_object_get_null_member (reply, "x"));
  g_assert_true (json_object_get_null_member (reply, "width"));
}

static void
test_wait_for (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  JsonObject *element;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/wait_for",
                                      "{\"text\": \"PIXELS\", \"timeout\": 10}");
  g_assert_true (json_object_get_boolean_member (reply, "found"));
  element = json_object_get_object_member (reply, "element");
  g_assert_cmpstr (json_object_get_string_member (element, "text"), ==, "PIXELS");
  g_assert_cmpfloat (json_object_get_double_member (reply, "elapsed"), >=, 0);
  g_clear_pointer (&reply, json_object_unref);

  /* Not there when the time is up: 200, found false, element {}. */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/x11/wait_for",
                                      "{\"text\": \"absent words\", \"timeout_seconds\": 1, \"interval_ms\": 100}");
  g_assert_false (json_object_get_boolean_member (reply, "found"));
  element = json_object_get_object_member (reply, "element");
  g_assert_nonnull (element);
  g_assert_cmpuint (json_object_get_size (element), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (reply, "elapsed"), >=, 0.5);

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/x11/wait_for", "{}", 400, "MISSING_PARAMETER");
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) r = NULL;

  /* Language codes only: nothing that could name a file elsewhere. */
  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/x11/ocr", "{\"language\": \"../../etc/passwd\"}", 400, "INVALID_REQUEST");

  /* A language whose data is not installed: that package is missing. */
  r = porthole_test_request (fixture->daemon, "POST", "/desktop/x11/ocr", NULL, "{\"language\": \"qqq\"}");
  porthole_test_assert_error_body (r, 503, "DESKTOP_NOT_AVAILABLE");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (r->json, "missing_dependencies"), 0),
                   ==, "tesseract-ocr-qqq");
  g_clear_pointer (&r, porthole_test_response_free);
  g_clear_pointer (&r, porthole_test_response_free);

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/x11/ocr", "{\"x\": 10, \"y\": 10}", 400, "MISSING_PARAMETER");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/x11/find_element", "{}", 400, "MISSING_PARAMETER");
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, porthole_test_desktop_setup, func, porthole_test_desktop_teardown)
  ADD ("/x11/ocr/ocr", test_ocr);
  ADD ("/x11/ocr/find-element", test_find_element);
  ADD ("/x11/ocr/get-bounds", test_get_bounds);
  ADD ("/x11/ocr/wait-for", test_wait_for);
  ADD ("/x11/ocr/errors", test_errors);
#undef ADD

  return g_test_run ();
}
