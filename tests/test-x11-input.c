/* test-x11-input.c — mouse and keyboard through XTest (API.md §8.2,
 * §8.3, §8.9 hotkey and drag-drop), checked by what a real X client
 * receives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/keysym.h>

#include "test-x11-utils.h"

/* The client's window is at (WIN_X, WIN_Y) with no window manager. */
#define WIN_X 100
#define WIN_Y 120

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { 1280, 800, "Input test", WIN_X, WIN_Y, 500, 400, NULL };

static void
call (Fixture    *fixture,
      const char *path,
      const char *body)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (fixture->daemon, "POST", path, body);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  porthole_test_desktop_setup (fixture, data);

  /* Keys go to the window under the pointer (no window manager). */
  call (fixture, "/desktop/mouse/move", "{\"x\": 300, \"y\": 300}");
  porthole_test_client_skip (fixture->client);
}

static void
assert_typed (Fixture    *fixture,
              const char *text)
{
  g_autofree char *body = NULL;
  g_autofree char *typed = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "delay_ms");
  json_builder_add_int_value (builder, 0);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = json_to_string (node, FALSE);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/keyboard/type", body);
  g_assert_cmpint (json_object_get_int_member (reply, "length"), ==, g_utf8_strlen (text, -1));

  typed = porthole_test_client_wait_chars (fixture->client, g_utf8_strlen (text, -1));
  g_assert_cmpstr (typed, ==, text);
}

static void
test_type_text (Fixture       *fixture,
                gconstpointer  data)
{
  assert_typed (fixture, "Hello, World! 123 ~`!@#$%^&*()_+-={}[]|:;\"'<>,.?/");
  assert_typed (fixture, "é ß à ñ ü");
  assert_typed (fixture, "日本");
  assert_typed (fixture, "😀 ok");
  /* More distinct missing characters than spare keycodes: bindings are
   * recycled without corrupting what was typed. */
  assert_typed (fixture, "αβγδεζηθικλμνξοπρστυφχψω");
  assert_typed (fixture, "line one\nline\ttwo");
}

/* The X server time at the end of a "key ..." line. */
static guint64
event_time (const char *line)
{
  return g_ascii_strtoull (strrchr (line, ' ') + 1, NULL, 10);
}

static void
test_type_delay_and_aliases (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *typed = NULL;
  guint64 first, last;

  /* The pause between characters shows in the server's event times. */
  call (fixture, "/desktop/keyboard/type", "{\"text\": \"abc\", \"delay\": 50}");
  first = event_time (porthole_test_client_wait_line (fixture->client, "key press a "));
  last = event_time (porthole_test_client_wait_line (fixture->client, "key press c "));
  g_assert_cmpuint (last - first, >=, 100);
  porthole_test_client_skip (fixture->client);

  call (fixture, "/desktop/keyboard", "{\"action\": \"type\", \"text\": \"xy\"}");
  typed = porthole_test_client_wait_chars (fixture->client, 2);
  g_assert_cmpstr (typed, ==, "xy");
  g_clear_pointer (&typed, g_free);

  call (fixture, "/desktop/keyboard", "{\"text\": \"z\"}");
  typed = porthole_test_client_wait_chars (fixture->client, 1);
  g_assert_cmpstr (typed, ==, "z");
}

/* The next key press the client saw: its keysym name and state. */
static void
wait_key_press (Fixture    *fixture,
                const char *name,
                guint       state_mask)
{
  g_autofree char *prefix = g_strdup_printf ("key press %s ", name);
  const char *line = porthole_test_client_wait_line (fixture->client, prefix);
  guint state = strtoul (line + strlen (prefix), NULL, 10);

  g_assert_cmpuint (state & state_mask, ==, state_mask);
}

static void
test_press_keys (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/keyboard/press", "{\"key\": \"Return\"}");
  g_assert_cmpstr (json_object_get_string_member (reply, "key"), ==, "Return");
  wait_key_press (fixture, "Return", 0);

  call (fixture, "/desktop/keyboard/press", "{\"key\": \"esc\"}");
  wait_key_press (fixture, "Escape", 0);
  call (fixture, "/desktop/keyboard/press", "{\"key\": \"PageDown\"}");
  wait_key_press (fixture, "Next", 0);
  call (fixture, "/desktop/keyboard/press", "{\"key\": \"f5\"}");
  wait_key_press (fixture, "F5", 0);
  call (fixture, "/desktop/keyboard/press", "{\"key\": \"BackSpace\", \"repeat\": 3}");
  wait_key_press (fixture, "BackSpace", 0);
  wait_key_press (fixture, "BackSpace", 0);
  wait_key_press (fixture, "BackSpace", 0);

  /* Chords: the modifier is down when the key arrives. */
  call (fixture, "/desktop/keyboard/press", "{\"key\": \"ctrl+c\"}");
  wait_key_press (fixture, "c", ControlMask);
  call (fixture, "/desktop/keyboard/press", "{\"key\": \"Control_L+Shift_L+t\"}");
  wait_key_press (fixture, "T", ControlMask | ShiftMask);
  call (fixture, "/desktop/keyboard", "{\"key\": \"alt+Tab\"}");
  wait_key_press (fixture, "Tab", Mod1Mask);
  call (fixture, "/desktop/keyboard/press", "{\"key\": \"ctrl++\"}");
  wait_key_press (fixture, "plus", ControlMask);
}

static void
test_combinations (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;

  /* py: modifiers + key */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/keyboard/combination",
                                      "{\"modifiers\": [\"ctrl\", \"shift\"], \"key\": \"a\"}");
  g_assert_cmpstr (json_object_get_string_member (reply, "keys"), ==, "ctrl+shift+a");
  wait_key_press (fixture, "A", ControlMask | ShiftMask);
  g_clear_pointer (&reply, json_object_unref);

  /* js: keys, last is the main key */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/keyboard/combination",
                                      "{\"keys\": [\"ctrl\", \"v\"]}");
  g_assert_cmpstr (json_object_get_string_member (reply, "keys"), ==, "ctrl+v");
  wait_key_press (fixture, "v", ControlMask);

  call (fixture, "/desktop/x11/hotkey", "{\"modifiers\": [\"alt\"], \"key\": \"F4\"}");
  wait_key_press (fixture, "F4", Mod1Mask);
  call (fixture, "/desktop/x11/hotkey", "{\"keys\": [\"super\", \"e\"]}");
  wait_key_press (fixture, "e", Mod4Mask);
  call (fixture, "/desktop/keyboard", "{\"keys\": [\"ctrl\", \"z\"]}");
  wait_key_press (fixture, "z", ControlMask);
}

static gboolean
any_key_down (Display *xdisplay)
{
  char keys[32];

  XQueryKeymap (xdisplay, keys);
  for (guint i = 0; i < sizeof keys; i++)
    if (keys[i] != 0)
      return TRUE;

  return FALSE;
}

static void
test_bad_keys (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) r = NULL;

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/keyboard/press", "{\"key\": \"NoSuchKey\"}", 400, "INVALID_REQUEST");

  /* Nothing is pressed when part of a chord is unknown. */
  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/keyboard/combination", "{\"modifiers\": [\"ctrl\"], \"key\": \"bogus\"}", 400, "INVALID_REQUEST");
  g_assert_false (any_key_down (fixture->x11->xdisplay));

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/keyboard/press", "{}", 400, "MISSING_PARAMETER");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/keyboard/type", "{}", 400, "MISSING_PARAMETER");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/keyboard", "{\"action\": \"dance\"}", 400, "INVALID_REQUEST");

  /* Modifiers are released after every chord. */
  call (fixture, "/desktop/keyboard/combination", "{\"keys\": [\"ctrl\", \"shift\", \"alt\", \"x\"]}");
  g_assert_false (any_key_down (fixture->x11->xdisplay));
}

static void
test_click (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  const char *line;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/click",
                                      "{\"x\": 150, \"y\": 170}");
  g_assert_cmpint (json_object_get_int_member (reply, "x"), ==, 150);
  g_assert_cmpint (json_object_get_int_member (reply, "y"), ==, 170);
  g_assert_cmpstr (json_object_get_string_member (reply, "button"), ==, "left");
  g_assert_cmpint (json_object_get_int_member (reply, "clicks"), ==, 1);
  line = porthole_test_client_wait_line (fixture->client, "button press ");
  g_assert_cmpstr (line, ==, "button press 1 50 50");
  line = porthole_test_client_wait_line (fixture->client, "button release ");
  g_assert_cmpstr (line, ==, "button release 1 50 50");
  g_clear_pointer (&reply, json_object_unref);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/click",
                                      "{\"x\": 110, \"y\": 130, \"button\": \"right\", \"clicks\": 3, \"delay_ms\": 10}");
  g_assert_cmpint (json_object_get_int_member (reply, "clicks"), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      line = porthole_test_client_wait_line (fixture->client, "button press ");
      g_assert_cmpstr (line, ==, "button press 3 10 10");
    }
  g_clear_pointer (&reply, json_object_unref);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/click",
                                      "{\"x\": 120, \"y\": 140, \"button\": \"middle\", \"double\": true}");
  g_assert_cmpint (json_object_get_int_member (reply, "clicks"), ==, 2);
  for (int i = 0; i < 2; i++)
    {
      line = porthole_test_client_wait_line (fixture->client, "button press ");
      g_assert_cmpstr (line, ==, "button press 2 20 20");
    }

  /* Seed form, inferred from "button". */
  call (fixture, "/desktop/mouse", "{\"x\": 130, \"y\": 150, \"button\": \"left\"}");
  line = porthole_test_client_wait_line (fixture->client, "button press ");
  g_assert_cmpstr (line, ==, "button press 1 30 30");
}

static void
test_click_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) r = NULL;

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/mouse/click", "{\"x\": 5}", 400, "MISSING_PARAMETER");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/mouse/click", "{\"x\": 5, \"y\": 5, \"button\": \"fourth\"}", 400, "INVALID_REQUEST");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/mouse/scroll", "{\"direction\": \"sideways\"}", 400, "INVALID_REQUEST");

  porthole_test_expect_error (fixture->daemon, "POST", "/desktop/mouse/drag", "{\"from_x\": 1, \"from_y\": 1}", 400, "MISSING_PARAMETER");
}

static void
test_move (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  Window root, child;
  int root_x, root_y, x, y;
  unsigned int mask;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/move", "{\"x\": 333, \"y\": 222}");
  g_assert_cmpint (json_object_get_int_member (reply, "x"), ==, 333);
  XQueryPointer (fixture->x11->xdisplay, DefaultRootWindow (fixture->x11->xdisplay),
                 &root, &child, &root_x, &root_y, &x, &y, &mask);
  g_assert_cmpint (root_x, ==, 333);
  g_assert_cmpint (root_y, ==, 222);
  g_assert_cmpstr (porthole_test_client_wait_line (fixture->client, "motion 233 102"), ==, "motion 233 102 0");

  /* Seed form: no action and no other field is a move. */
  call (fixture, "/desktop/mouse", "{\"x\": 150, \"y\": 160}");
  porthole_test_client_wait_line (fixture->client, "motion 50 40 ");
}

static void
assert_drag (Fixture *fixture,
             guint    button,
             int      from_x,
             int      from_y,
             int      to_x,
             int      to_y)
{
  g_autofree char *press = g_strdup_printf ("button press %u %d %d", button, from_x - WIN_X, from_y - WIN_Y);
  g_autofree char *release = g_strdup_printf ("button release %u %d %d", button, to_x - WIN_X, to_y - WIN_Y);
  guint motions_held = 0;
  const char *line;

  g_assert_cmpstr (porthole_test_client_wait_line (fixture->client, "button press "), ==, press);
  for (;;)
    {
      line = porthole_test_client_wait_line (fixture->client, "");
      if (g_str_has_prefix (line, "button release"))
        break;
      if (g_str_has_prefix (line, "motion ") && (strtoul (strrchr (line, ' ') + 1, NULL, 10) & (Button1Mask << (button - 1))))
        motions_held++;
    }
  g_assert_cmpstr (line, ==, release);
  /* Intermediate motion with the button held, not a jump. */
  g_assert_cmpuint (motions_held, >=, 3);
}

static void
test_drag (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/drag",
                                      "{\"from_x\": 150, \"from_y\": 150, \"to_x\": 400, \"to_y\": 300}");
  g_assert_cmpint (json_object_get_int_member (reply, "to_x"), ==, 400);
  assert_drag (fixture, 1, 150, 150, 400, 300);

  call (fixture, "/desktop/x11/drag_drop", "{\"from_x\": 200, \"from_y\": 200, \"to_x\": 250, \"to_y\": 350, \"duration_ms\": 100}");
  assert_drag (fixture, 1, 200, 200, 250, 350);
  call (fixture, "/desktop/x11/drag-drop", "{\"from_x\": 300, \"from_y\": 200, \"to_x\": 310, \"to_y\": 210, \"button\": \"right\"}");
  assert_drag (fixture, 3, 300, 200, 310, 210);
  call (fixture, "/desktop/mouse", "{\"from_x\": 160, \"from_y\": 160, \"to_x\": 170, \"to_y\": 170}");
  assert_drag (fixture, 1, 160, 160, 170, 170);
}

static void
assert_scrolls (Fixture *fixture,
                guint    button,
                int      count)
{
  g_autofree char *prefix = g_strdup_printf ("button press %u ", button);

  for (int i = 0; i < count; i++)
    porthole_test_client_wait_line (fixture->client, prefix);
}

static void
test_scroll (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  const char *line;

  /* py body */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/scroll",
                                      "{\"amount\": 3, \"direction\": \"up\"}");
  g_assert_cmpstr (json_object_get_string_member (reply, "direction"), ==, "up");
  g_assert_cmpint (json_object_get_int_member (reply, "amount"), ==, 3);
  assert_scrolls (fixture, 4, 3);
  g_clear_pointer (&reply, json_object_unref);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/scroll", "{}");
  g_assert_cmpstr (json_object_get_string_member (reply, "direction"), ==, "down");
  g_assert_cmpint (json_object_get_int_member (reply, "amount"), ==, 1);
  assert_scrolls (fixture, 5, 1);
  g_clear_pointer (&reply, json_object_unref);

  /* js body: position first, positive delta_y is down */
  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/scroll",
                                      "{\"x\": 140, \"y\": 160, \"delta_y\": 2}");
  g_assert_cmpstr (json_object_get_string_member (reply, "direction"), ==, "down");
  g_assert_cmpint (json_object_get_int_member (reply, "amount"), ==, 2);
  line = porthole_test_client_wait_line (fixture->client, "button press ");
  g_assert_cmpstr (line, ==, "button press 5 40 40");
  assert_scrolls (fixture, 5, 1);
  g_clear_pointer (&reply, json_object_unref);

  reply = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/mouse/scroll", "{\"delta_y\": -4}");
  g_assert_cmpstr (json_object_get_string_member (reply, "direction"), ==, "up");
  g_assert_cmpint (json_object_get_int_member (reply, "amount"), ==, 4);
  assert_scrolls (fixture, 4, 4);

  call (fixture, "/desktop/mouse/scroll", "{\"delta_x\": 2}");
  assert_scrolls (fixture, 7, 2);
  call (fixture, "/desktop/mouse/scroll", "{\"direction\": \"left\", \"amount\": 1}");
  assert_scrolls (fixture, 6, 1);
  call (fixture, "/desktop/mouse", "{\"action\": \"scroll\", \"delta_y\": 1}");
  assert_scrolls (fixture, 5, 1);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, fixture_setup, func, porthole_test_desktop_teardown)
  ADD ("/x11/input/type-text", test_type_text);
  ADD ("/x11/input/type-delay-and-aliases", test_type_delay_and_aliases);
  ADD ("/x11/input/press-keys", test_press_keys);
  ADD ("/x11/input/combinations", test_combinations);
  ADD ("/x11/input/bad-keys", test_bad_keys);
  ADD ("/x11/input/click", test_click);
  ADD ("/x11/input/click-errors", test_click_errors);
  ADD ("/x11/input/move", test_move);
  ADD ("/x11/input/drag", test_drag);
  ADD ("/x11/input/scroll", test_scroll);
#undef ADD

  return g_test_run ();
}
