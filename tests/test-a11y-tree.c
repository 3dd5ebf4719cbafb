/* test-a11y-tree.c — accessibility trees as JSON: pruning to the
 * interesting nodes, the text form, queries (porthole-a11y-tree.c), on
 * a tree shaped like what GTK 4 gives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-a11y-tree.h"
#include "porthole-error.h"
#include "porthole-json.h"

/* application > frame > panel > (button > label, entry, check box >
 * (filler, label), hidden label) */
static const char tree_json[] =
  "[{\"ref\": \"e1\", \"role\": \"application\", \"name\": \"demo\", \"pid\": 42, \"children\": ["
  "  {\"ref\": \"e2\", \"role\": \"frame\", \"name\": \"Demo\", \"window_id\": 6291460,"
  "   \"states\": [\"active\", \"showing\", \"visible\", \"sensitive\"],"
  "   \"bounds\": {\"x\": 100, \"y\": 50, \"width\": 320, \"height\": 200}, \"children\": ["
  "    {\"ref\": \"e3\", \"role\": \"panel\", \"name\": \"\", \"states\": [\"visible\", \"sensitive\"], \"children\": ["
  "      {\"ref\": \"e4\", \"role\": \"push button\", \"name\": \"Press me\", \"actions\": [\"click\"],"
  "       \"states\": [\"focusable\", \"focused\", \"visible\", \"sensitive\"],"
  "       \"bounds\": {\"x\": 110, \"y\": 60, \"width\": 80, \"height\": 24}, \"children\": ["
  "         {\"ref\": \"e5\", \"role\": \"label\", \"name\": \"Press me\", \"states\": [\"visible\", \"sensitive\"]}]},"
  "      {\"ref\": \"e6\", \"role\": \"text\", \"name\": \"\", \"text\": \"typed \\\"here\\\"\","
  "       \"states\": [\"editable\", \"focusable\", \"visible\", \"sensitive\"]},"
  "      {\"ref\": \"e7\", \"role\": \"check box\", \"name\": \"Check me\","
  "       \"states\": [\"focusable\", \"checked\", \"visible\", \"sensitive\"], \"children\": ["
  "         {\"ref\": \"e8\", \"role\": \"filler\", \"name\": \"GtkBuiltinIcon\", \"states\": [\"visible\"]},"
  "         {\"ref\": \"e9\", \"role\": \"label\", \"name\": \"Check me\", \"states\": [\"visible\"]}]},"
  "      {\"ref\": \"e10\", \"role\": \"label\", \"name\": \"Secret\", \"states\": [\"sensitive\"]},"
  "      {\"ref\": \"e11\", \"role\": \"slider\", \"name\": \"Volume\", \"value\": 7,"
  "       \"states\": [\"focusable\", \"visible\"]}]}]}]}]";

static JsonArray *
load_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = porthole_json_parse (tree_json, -1, &error);

  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (node));
}

static JsonObject *
child (JsonObject *node,
       guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (node, "children"), index);
}

static void
test_prune (void)
{
  g_autoptr(JsonArray) tree = load_tree ();
  g_autoptr(JsonArray) pruned = porthole_a11y_tree_prune (tree);
  JsonObject *frame, *button, *check;

  g_assert_cmpuint (porthole_a11y_tree_count (tree), ==, 11);
  /* Gone: the panel (its children move up), the button's label (it
   * repeats the button's name), the filler, the check box's label, the
   * hidden label. */
  g_assert_cmpuint (porthole_a11y_tree_count (pruned), ==, 6);

  frame = child (json_array_get_object_element (pruned, 0), 0);
  g_assert_cmpstr (json_object_get_string_member (frame, "ref"), ==, "e2");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "children")), ==, 4);
  button = child (frame, 0);
  g_assert_cmpstr (json_object_get_string_member (button, "ref"), ==, "e4");
  g_assert_false (json_object_has_member (button, "children"));
  g_assert_cmpstr (json_object_get_string_member (child (frame, 1), "ref"), ==, "e6");
  check = child (frame, 2);
  g_assert_cmpstr (json_object_get_string_member (check, "ref"), ==, "e7");
  g_assert_false (json_object_has_member (check, "children"));
  g_assert_cmpstr (json_object_get_string_member (child (frame, 3), "ref"), ==, "e11");

  /* The tree given is left alone. */
  g_assert_cmpuint (porthole_a11y_tree_count (tree), ==, 11);
}

static void
test_text (void)
{
  g_autoptr(JsonArray) tree = load_tree ();
  g_autoptr(JsonArray) pruned = porthole_a11y_tree_prune (tree);
  g_autofree char *text = porthole_a11y_tree_to_text (pruned);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_cmpstr (lines[0], ==, "- application \"demo\" [ref=e1] pid=42");
  g_assert_cmpstr (lines[1], ==, "  - frame \"Demo\" [ref=e2] window=0x600004 @100,50 320x200");
  g_assert_cmpstr (lines[2], ==, "    - push button \"Press me\" [ref=e4] [focused] @110,60 80x24 actions=click");
  g_assert_cmpstr (lines[3], ==, "    - text [ref=e6] [editable] text=\"typed \\\"here\\\"\"");
  g_assert_cmpstr (lines[4], ==, "    - check box \"Check me\" [ref=e7] [checked]");
  /* Neither enabled nor sensitive: disabled. */
  g_assert_cmpstr (lines[5], ==, "    - slider \"Volume\" [ref=e11] [disabled] value=7");
  g_assert_cmpstr (lines[6], ==, "");
}

static void
parse_query (const char        *json,
             PortholeA11yQuery *query,
             GError           **error)
{
  g_autoptr(JsonNode) node = porthole_json_parse (json, -1, NULL);

  g_assert_nonnull (node);
  porthole_a11y_query_parse (query, json_node_get_object (node), error);
}

static guint
count_matches (const char *json,
               const char *first_ref)
{
  g_autoptr(JsonArray) tree = load_tree ();
  g_auto(PortholeA11yQuery) query = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) matches = NULL;
  gboolean more;

  parse_query (json, &query, &error);
  g_assert_no_error (error);
  matches = porthole_a11y_query_run (&query, tree, &more);
  if (first_ref != NULL)
    {
      JsonObject *match = json_array_get_object_element (matches, 0);

      g_assert_cmpstr (json_object_get_string_member (match, "ref"), ==, first_ref);
      /* Flat, with where it is. */
      g_assert_false (json_object_has_member (match, "children"));
      g_assert_cmpstr (json_object_get_string_member (match, "application"), ==, "demo");
      g_assert_cmpint (json_object_get_int_member (match, "window_id"), ==, 6291460);
    }

  return json_array_get_length (matches);
}

static void
test_query (void)
{
  /* "button" is the end of "push button"; names are substrings, any case. */
  g_assert_cmpuint (count_matches ("{\"role\": \"button\"}", "e4"), ==, 1);
  g_assert_cmpuint (count_matches ("{\"role\": \"Push_Button\", \"name\": \"PRESS\"}", "e4"), ==, 1);
  g_assert_cmpuint (count_matches ("{\"role\": \"checkbox\"}", "e7"), ==, 1);
  g_assert_cmpuint (count_matches ("{\"role\": \"textbox\"}", "e6"), ==, 1);
  /* Text: the name, the text, the value. */
  g_assert_cmpuint (count_matches ("{\"text\": \"here\"}", "e6"), ==, 1);
  g_assert_cmpuint (count_matches ("{\"text\": \"7\"}", "e11"), ==, 1);
  /* The button and its label. */
  g_assert_cmpuint (count_matches ("{\"name\": \"Press me\", \"exact\": true}", "e4"), ==, 2);
  g_assert_cmpuint (count_matches ("{\"name\": \"press me\", \"exact\": true}", NULL), ==, 0);
  /* Hidden nodes only when asked. */
  g_assert_cmpuint (count_matches ("{\"name\": \"Secret\"}", NULL), ==, 0);
  g_assert_cmpuint (count_matches ("{\"name\": \"Secret\", \"include_hidden\": true}", "e10"), ==, 1);
  g_assert_cmpuint (count_matches ("{\"role\": \"label\", \"max_results\": 2}", NULL), ==, 2);
}

static void
test_query_errors (void)
{
  static const struct { const char *json; PortholeErrorCode code; } cases[] = {
    { "{}", PORTHOLE_ERROR_MISSING_PARAMETER },
    { "{\"role\": \"\"}", PORTHOLE_ERROR_MISSING_PARAMETER },
    { "{\"role\": 3}", PORTHOLE_ERROR_INVALID_REQUEST },
    { "{\"name\": \"x\", \"exact\": \"maybe\"}", PORTHOLE_ERROR_INVALID_REQUEST },
    { "{\"name\": \"x\", \"max_results\": 0}", PORTHOLE_ERROR_INVALID_REQUEST },
    { "{\"name\": \"x\", \"window_id\": \"0xzz\"}", PORTHOLE_ERROR_INVALID_REQUEST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(PortholeA11yQuery) query = { 0 };
      g_autoptr(GError) error = NULL;

      parse_query (cases[i].json, &query, &error);
      g_assert_error (error, PORTHOLE_ERROR, cases[i].code);
    }

  {
    g_auto(PortholeA11yQuery) query = { 0 };
    g_autoptr(GError) error = NULL;

    parse_query ("{\"name\": \"x\", \"window_id\": \"0x600004\"}", &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (query.window, ==, 0x600004);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/a11y-tree/prune", test_prune);
  g_test_add_func ("/a11y-tree/text", test_text);
  g_test_add_func ("/a11y-tree/query", test_query);
  g_test_add_func ("/a11y-tree/query-errors", test_query_errors);

  return g_test_run ();
}
