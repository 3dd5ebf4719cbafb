/* test-x11-a11y.c — the accessibility tree (issue 20): a GTK 4 window
 * (porthole-a11y-test-app.c) started through the daemon on its embedded
 * display, read and acted on through the /desktop/accessibility routes
 *
 * The embedded display brings a D-Bus session and the AT-SPI bus; the
 * application gets their addresses from the daemon's environment, so it
 * is started as any program would be (/commands/background), its
 * stdout going to a file the test reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "test-x11-utils.h"

/* A GTK application starting, and its tree showing: slow under ASan on
 * a loaded machine. A guard against a hang only. */
#define APP_START_SECONDS 120

typedef struct
{
  PortholeTestDaemon *daemon;
  char *output;
  GPtrArray *windows_seen;
} Fixture;

static const char *
env_of (Fixture    *fixture,
        const char *name)
{
  g_autoptr(PortholeTestResponse) env = porthole_test_request (fixture->daemon, "GET", "/env", NULL, NULL);
  static char value[1024];

  g_assert_cmpuint (env->status, ==, 200);
  g_strlcpy (value, json_object_get_string_member_with_default (json_object_get_object_member (env->json, "env_vars"),
                                                                name, ""), sizeof value);
  return value;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *args[] = { "--display=auto", "--display-size=1024x768x24", NULL };

  /* No $DISPLAY: the daemon starts its own server, and the buses. */
  g_unsetenv ("DISPLAY");
  fixture->daemon = porthole_test_daemon_new (args);
  fixture->output = g_build_filename (fixture->daemon->tmpdir, "app.out", NULL);

  PORTHOLE_TEST_X11_WAIT (porthole_test_running_pid (fixture->daemon, "at-spi-bus-launcher") != 0 &&
                          *env_of (fixture, "DBUS_SESSION_BUS_ADDRESS") != '\0');
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_test_daemon_free (fixture->daemon);
  g_free (fixture->output);
}

/* Starts the test application through the daemon, stdout to @output. */
static void
start_app (Fixture    *fixture,
           const char *title,
           const char *output)
{
  /* GSK_RENDERER=cairo: no GL shaders to build in software, which
   * takes long under ASan.
   * The test daemon gives its children XDG_*=/dev/null; with such a
   * cache directory GTK 4.8 does not register with the accessibility
   * bus, so the application gets one of its own. */
  g_autofree char *cache = g_build_filename (fixture->daemon->tmpdir, "cache", NULL);
  g_autofree char *command = g_strdup_printf ("mkdir -p %s && XDG_CACHE_HOME=%s GSK_RENDERER=cairo exec %s '%s' > %s 2>&1",
                                              cache, cache, g_getenv ("PORTHOLE_TEST_A11Y_APP"), title, output);
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(PortholeTestResponse) response = NULL;

  json_object_set_string_member (request, "command", command);
  json_object_set_int_member (request, "timeout", 0);
  node = json_node_init_object (json_node_alloc (), request);
  body = json_to_string (node, FALSE);
  response = porthole_test_request (fixture->daemon, "POST", "/commands/background", NULL, body);
  g_assert_cmpuint (response->status, ==, 200);
}

/* How many times the application said @line. */
static guint
output_count (const char *output,
              const char *line)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint count = 0;

  if (!g_file_get_contents (output, &contents, NULL, NULL))
    return 0;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_equal (lines[i], line))
      count++;

  return count;
}

static gboolean
output_has (const char *output,
            const char *line)
{
  return output_count (output, line) > 0;
}

static gboolean
has_state (JsonObject *node,
           const char *state)
{
  JsonArray *states = json_object_get_array_member (node, "states");

  for (guint i = 0; i < json_array_get_length (states); i++)
    if (g_str_equal (json_array_get_string_element (states, i), state))
      return TRUE;

  return FALSE;
}

static JsonObject *
find_node (JsonArray  *nodes,
           const char *role,
           const char *name)
{
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      JsonObject *found;

      if (g_str_equal (json_object_get_string_member (node, "role"), role) &&
          (name == NULL || g_str_equal (json_object_get_string_member (node, "name"), name)))
        return node;
      if (json_object_has_member (node, "children") &&
          (found = find_node (json_object_get_array_member (node, "children"), role, name)) != NULL)
        return found;
    }

  return NULL;
}

static JsonObject *
window_titled (Fixture    *fixture,
               const char *title)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "GET", "/desktop/windows", NULL);
  JsonArray *windows = json_object_get_array_member (reply, "windows");

  for (guint i = 0; i < json_array_get_length (windows); i++)
    {
      JsonObject *window = json_array_get_object_element (windows, i);

      if (g_str_equal (json_object_get_string_member (window, "title"), title))
        return json_object_ref (window);
    }

  return NULL;
}

static void
assert_inside (JsonObject *bounds,
               JsonObject *window)
{
  gint64 x = json_object_get_int_member (bounds, "x");
  gint64 y = json_object_get_int_member (bounds, "y");
  gint64 wx = json_object_get_int_member (window, "x");
  gint64 wy = json_object_get_int_member (window, "y");

  g_assert_cmpint (json_object_get_int_member (bounds, "width"), >, 0);
  g_assert_cmpint (json_object_get_int_member (bounds, "height"), >, 0);
  g_assert_cmpint (x, >=, wx);
  g_assert_cmpint (y, >=, wy);
  g_assert_cmpint (x + json_object_get_int_member (bounds, "width"), <=, wx + json_object_get_int_member (window, "width"));
  g_assert_cmpint (y + json_object_get_int_member (bounds, "height"), <=, wy + json_object_get_int_member (window, "height"));
}

static char *
action_body (const char *ref,
             const char *action,
             const char *text)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (object, "ref", ref);
  json_object_set_string_member (object, "action", action);
  if (text != NULL)
    json_object_set_string_member (object, "text", text);
  node = json_node_init_object (json_node_alloc (), object);
  return json_to_string (node, FALSE);
}

static JsonObject *
act (Fixture    *fixture,
     const char *ref,
     const char *action,
     const char *text)
{
  g_autofree char *body = action_body (ref, action, text);

  return porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/accessibility/action", body);
}

static JsonObject *
tree_of (Fixture    *fixture,
         const char *query)
{
  g_autofree char *path = g_strconcat ("/desktop/accessibility/tree", query, NULL);

  return porthole_test_desktop_call (fixture->daemon, "GET", path, NULL);
}

/* The tree, if it holds @title's frame yet: an application registers
 * its widgets on its own, after its window shows. */
static JsonObject *
tree_with_frame (Fixture    *fixture,
                 const char *title)
{
  g_autoptr(JsonObject) tree = tree_of (fixture, "");

  if (find_node (json_object_get_array_member (tree, "nodes"), "frame", title) == NULL)
    return NULL;

  return g_steal_pointer (&tree);
}

static void
test_tree_and_actions (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) window = NULL;
  g_autoptr(JsonObject) tree = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *click = NULL;
  g_autofree char *query = NULL;
  JsonArray *nodes;
  JsonObject *frame, *button, *entry, *check;
  const char *text;
  const char *button_ref;

  start_app (fixture, "Porthole A11y Test", fixture->output);
  PORTHOLE_TEST_X11_WAIT_FOR (output_has (fixture->output, "ready"), APP_START_SECONDS);
  PORTHOLE_TEST_X11_WAIT ((window = window_titled (fixture, "Porthole A11y Test")) != NULL);

  /* The widgets, with their roles, names, states and places on screen. */
  PORTHOLE_TEST_X11_WAIT_FOR ((tree = tree_with_frame (fixture, "Porthole A11y Test")) != NULL, APP_START_SECONDS);
  g_assert_true (json_object_get_boolean_member (tree, "interesting_only"));
  nodes = json_object_get_array_member (tree, "nodes");
  frame = find_node (nodes, "frame", "Porthole A11y Test");
  g_assert_nonnull (frame);
  g_assert_cmpint (json_object_get_int_member (frame, "window_id"), ==, json_object_get_int_member (window, "id"));
  button = find_node (nodes, "push button", "Press me");
  g_assert_nonnull (button);
  entry = find_node (nodes, "text", NULL);
  g_assert_nonnull (entry);
  check = find_node (nodes, "check box", "Check me");
  g_assert_nonnull (check);
  assert_inside (json_object_get_object_member (button, "bounds"), window);
  assert_inside (json_object_get_object_member (entry, "bounds"), window);
  assert_inside (json_object_get_object_member (check, "bounds"), window);
  g_assert_true (json_array_get_length (json_object_get_array_member (button, "actions")) > 0);
  /* Top to bottom, as laid out. */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (button, "bounds"), "y"), <,
                   json_object_get_int_member (json_object_get_object_member (entry, "bounds"), "y"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "bounds"), "y"), <,
                   json_object_get_int_member (json_object_get_object_member (check, "bounds"), "y"));
  /* The button's label says nothing the button does not. */
  g_assert_false (json_object_has_member (button, "children"));

  /* The text form names the same refs. */
  text = json_object_get_string_member (tree, "text");
  button_ref = json_object_get_string_member (button, "ref");
  click = g_strdup_printf ("push button \"Press me\" [ref=%s]", button_ref);
  g_assert_nonnull (strstr (text, click));

  /* Refs are stable from one snapshot to the next. */
  {
    g_autoptr(JsonObject) again = tree_of (fixture, "?interesting_only=false");
    JsonObject *same = find_node (json_object_get_array_member (again, "nodes"), "push button", "Press me");

    g_assert_cmpstr (json_object_get_string_member (same, "ref"), ==, button_ref);
    /* Everything, the label and the panel too. */
    g_assert_nonnull (find_node (json_object_get_array_member (again, "nodes"), "label", "Press me"));
    g_assert_cmpint (json_object_get_int_member (again, "count"), >, json_object_get_int_member (tree, "count"));
  }

  /* Bounds are screen pixels: a real click at the centre presses it. */
  {
    JsonObject *bounds = json_object_get_object_member (button, "bounds");
    g_autofree char *body = g_strdup_printf ("{\"x\": %" G_GINT64_FORMAT ", \"y\": %" G_GINT64_FORMAT "}",
                                             json_object_get_int_member (bounds, "x") + json_object_get_int_member (bounds, "width") / 2,
                                             json_object_get_int_member (bounds, "y") + json_object_get_int_member (bounds, "height") / 2);
    g_autoptr(JsonObject) clicked = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/click", body);

    PORTHOLE_TEST_X11_WAIT (output_has (fixture->output, "clicked"));
  }

  /* click on the ref fires the handler (through AT-SPI). */
  reply = act (fixture, button_ref, "click", NULL);
  g_assert_cmpstr (json_object_get_string_member (reply, "ref"), ==, button_ref);
  g_assert_cmpstr (json_object_get_string_member (reply, "method"), ==, "action");
  PORTHOLE_TEST_X11_WAIT (output_count (fixture->output, "clicked") == 2);
  g_clear_pointer (&reply, json_object_unref);

  /* set_text fills the entry. */
  reply = act (fixture, json_object_get_string_member (entry, "ref"), "set_text", "hello porthole");
  PORTHOLE_TEST_X11_WAIT (output_has (fixture->output, "text hello porthole"));
  g_clear_pointer (&reply, json_object_unref);

  /* toggle checks the box (GTK 4's check box has no action: a click). */
  reply = act (fixture, json_object_get_string_member (check, "ref"), "toggle", NULL);
  PORTHOLE_TEST_X11_WAIT (output_has (fixture->output, "toggled 1"));
  g_clear_pointer (&reply, json_object_unref);

  /* The tree says so. */
  {
    g_autoptr(JsonObject) after = tree_of (fixture, "");
    JsonObject *checked = find_node (json_object_get_array_member (after, "nodes"), "check box", "Check me");
    JsonObject *typed = find_node (json_object_get_array_member (after, "nodes"), "text", NULL);

    g_assert_true (has_state (checked, "checked"));
    g_assert_cmpstr (json_object_get_string_member (typed, "text"), ==, "hello porthole");
  }

  /* Unknown actions and refs. */
  {
    g_autofree char *body = action_body (button_ref, "frobnicate", NULL);
    g_autofree char *unknown = action_body ("e999999", "click", NULL);

    porthole_test_expect_error (fixture->daemon, "POST", "/desktop/accessibility/action", body, 400, "INVALID_REQUEST");
    porthole_test_expect_error (fixture->daemon, "POST", "/desktop/accessibility/action", unknown, 404, "NOT_FOUND");
    porthole_test_expect_error (fixture->daemon, "POST", "/desktop/accessibility/action", "{\"ref\": \"e1\"}",
                                400, "MISSING_PARAMETER");
  }

  /* One window's tree. */
  query = g_strdup_printf ("?window_id=%" G_GINT64_FORMAT, json_object_get_int_member (window, "id"));
  {
    g_autoptr(JsonObject) only = tree_of (fixture, query);

    g_assert_cmpint (json_object_get_int_member (only, "window_id"), ==, json_object_get_int_member (window, "id"));
    g_assert_nonnull (find_node (json_object_get_array_member (only, "nodes"), "check box", "Check me"));
  }
  porthole_test_expect_error (fixture->daemon, "GET", "/desktop/accessibility/tree?window_id=0x7fffffff", NULL,
                              404, "NOT_FOUND");
  porthole_test_expect_error (fixture->daemon, "GET", "/desktop/accessibility/tree?max_depth=0", NULL,
                              400, "INVALID_REQUEST");
}

static void
test_find (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) tree = NULL;
  JsonObject *match;

  start_app (fixture, "Porthole Find Test", fixture->output);
  PORTHOLE_TEST_X11_WAIT_FOR (output_has (fixture->output, "ready"), APP_START_SECONDS);
  PORTHOLE_TEST_X11_WAIT_FOR ((tree = tree_with_frame (fixture, "Porthole Find Test")) != NULL, APP_START_SECONDS);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/accessibility/find",
                                      "{\"role\": \"button\", \"name\": \"press\"}");
  g_assert_true (json_object_get_boolean_member (reply, "found"));
  g_assert_cmpint (json_object_get_int_member (reply, "count"), ==, 1);
  match = json_array_get_object_element (json_object_get_array_member (reply, "matches"), 0);
  g_assert_cmpstr (json_object_get_string_member (match, "role"), ==, "push button");
  g_assert_cmpstr (json_object_get_string_member (match, "application"), ==, "porthole-a11y-test-app");
  g_assert_true (json_object_has_member (match, "window_id"));

  /* The same ref as in the tree. */
  g_clear_pointer (&tree, json_object_unref);
  tree = tree_of (fixture, "");
  g_assert_cmpstr (json_object_get_string_member (find_node (json_object_get_array_member (tree, "nodes"),
                                                             "push button", "Press me"), "ref"), ==,
                   json_object_get_string_member (match, "ref"));
  g_clear_pointer (&reply, json_object_unref);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/accessibility/find",
                                      "{\"text\": \"no such widget here\"}");
  g_assert_false (json_object_get_boolean_member (reply, "found"));
  g_assert_cmpint (json_object_get_int_member (reply, "count"), ==, 0);

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/accessibility/find", "{}", 400, "MISSING_PARAMETER");
}

/* A ref taken before its window closes is stale after: 404, saying so. */
static void
test_stale_ref (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonObject) window = NULL;
  g_autoptr(JsonObject) tree = NULL;
  g_autoptr(PortholeTestResponse) response = NULL;
  g_autofree char *close = NULL;
  g_autofree char *body = NULL;
  JsonObject *button;

  start_app (fixture, "Porthole Stale Test", fixture->output);
  PORTHOLE_TEST_X11_WAIT_FOR (output_has (fixture->output, "ready"), APP_START_SECONDS);
  PORTHOLE_TEST_X11_WAIT ((window = window_titled (fixture, "Porthole Stale Test")) != NULL);

  PORTHOLE_TEST_X11_WAIT_FOR ((tree = tree_with_frame (fixture, "Porthole Stale Test")) != NULL, APP_START_SECONDS);
  button = find_node (json_object_get_array_member (tree, "nodes"), "push button", "Press me");
  body = action_body (json_object_get_string_member (button, "ref"), "click", NULL);

  close = g_strdup_printf ("{\"window_id\": %" G_GINT64_FORMAT "}", json_object_get_int_member (window, "id"));
  g_clear_pointer (&window, json_object_unref);
  window = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/windows/close", close);
  /* The application lives on; its window's widgets do not. */
  PORTHOLE_TEST_X11_WAIT (output_has (fixture->output, "closed"));

  response = porthole_test_request (fixture->daemon, "POST", "/desktop/accessibility/action", NULL, body);
  porthole_test_assert_error_body (response, 404, "NOT_FOUND");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (response->json, "details"), "resource"),
                   ==, "element");
  g_assert_nonnull (strstr (json_object_get_string_member (response->json, "message"), "not found"));
  g_assert_nonnull (strstr (json_object_get_string_member (response->json, "message"), "gone"));
  g_assert_false (output_has (fixture->output, "clicked"));
}

/* Waiting for a widget: it is not there, then its application starts. */
static void
test_wait_accessible (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *late_output = g_build_filename (fixture->daemon->tmpdir, "late.out", NULL);
  const char *body = "{\"accessible\": {\"role\": \"frame\", \"name\": \"Porthole Late App\"}, \"timeout_ms\": 20000}";
  guint before = porthole_test_count_log_lines (fixture->daemon, "POST /desktop/wait");
  g_autoptr(PortholeTestResponse) response = NULL;
  g_autoptr(JsonObject) timed_out = NULL;
  PortholeTestPending *pending;
  JsonObject *match;

  /* Nothing of the kind: a timeout. */
  timed_out = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/wait",
                                          "{\"condition\": \"accessible\", \"name\": \"Nothing like it\","
                                          " \"timeout_ms\": 1500}");
  g_assert_true (json_object_get_boolean_member (timed_out, "timed_out"));
  g_assert_cmpint (json_object_get_int_member (timed_out, "queries"), >=, 1);

  pending = porthole_test_pending_new (fixture->daemon, "POST", "/desktop/wait", body);
  PORTHOLE_TEST_X11_WAIT (porthole_test_count_log_lines (fixture->daemon, "POST /desktop/wait") > before + 1);
  g_usleep (300 * 1000);
  g_assert_false (porthole_test_pending_is_done (pending));

  start_app (fixture, "Porthole Late App", late_output);
  response = porthole_test_pending_join (pending, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (response->json, "matched"));
  g_assert_cmpstr (json_object_get_string_member (response->json, "condition"), ==, "accessible");
  match = json_array_get_object_element (json_object_get_array_member (response->json, "matches"), 0);
  g_assert_cmpstr (json_object_get_string_member (match, "name"), ==, "Porthole Late App");
  g_assert_nonnull (json_object_get_string_member (match, "ref"));
}

/* The buses are the daemon's helpers: gone with it. */
static void
test_buses_stop (Fixture       *fixture,
                 gconstpointer  data)
{
  int dbus_pid = porthole_test_running_pid (fixture->daemon, "dbus-daemon");
  int launcher_pid = porthole_test_running_pid (fixture->daemon, "at-spi-bus-launcher");

  g_assert_cmpint (dbus_pid, >, 0);
  g_assert_cmpint (launcher_pid, >, 0);
  g_assert_cmpstr (env_of (fixture, "QT_LINUX_ACCESSIBILITY_ALWAYS_ON"), ==, "1");
  g_assert_cmpstr (env_of (fixture, "NO_AT_BRIDGE"), ==, "");

  porthole_test_daemon_stop (fixture->daemon);
  PORTHOLE_TEST_X11_WAIT (porthole_test_process_is_gone (dbus_pid) && porthole_test_process_is_gone (launcher_pid));
}

int
main (int   argc,
      char *argv[])
{
  porthole_test_init (&argc, &argv);

  if (g_getenv ("PORTHOLE_TEST_A11Y_APP") == NULL)
    {
      g_test_skip ("No GTK 4 test application (PORTHOLE_TEST_A11Y_APP)");
      return g_test_run ();
    }

  g_test_add ("/x11/a11y/tree-and-actions", Fixture, NULL, fixture_setup, test_tree_and_actions, fixture_teardown);
  g_test_add ("/x11/a11y/find", Fixture, NULL, fixture_setup, test_find, fixture_teardown);
  g_test_add ("/x11/a11y/stale-ref", Fixture, NULL, fixture_setup, test_stale_ref, fixture_teardown);
  g_test_add ("/x11/a11y/wait-accessible", Fixture, NULL, fixture_setup, test_wait_accessible, fixture_teardown);
  g_test_add ("/x11/a11y/buses-stop", Fixture, NULL, fixture_setup, test_buses_stop, fixture_teardown);

  return g_test_run ();
}
