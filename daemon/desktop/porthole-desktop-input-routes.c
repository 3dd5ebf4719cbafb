/* porthole-desktop-input-routes.c
 *
 * Each route turns its body into a PortholeInputScript and answers when
 * the script has run (whatever it pressed is released by then, also on
 * failure). Unknown keys and bad values are refused before anything is
 * sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-desktop-input-routes.h"
#include "porthole-desktop-request.h"
#include "porthole-protocol.h"
#include "porthole-x11-keymap.h"

#define DEFAULT_CLICK_DELAY_MS 100
#define DEFAULT_TYPE_DELAY_MS 10
#define DEFAULT_DRAG_DURATION_MS 300
#define MAX_DELAY_MS 10000
#define MAX_DRAG_DURATION_MS 60000
#define MAX_REPEAT 1000
#define MAX_CHORD_KEYS 16

typedef struct
{
  PortholeRequest *req;
  JsonObject *reply;
} InputCall;

static void
input_call_free (InputCall *call)
{
  g_object_unref (call->req);
  json_object_unref (call->reply);
  g_free (call);
}

static void
on_script_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  InputCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_x11_input_run_finish (PORTHOLE_X11_INPUT (object), result, &error))
    porthole_desktop_request_reply_error (call->req, error);
  else
    porthole_desktop_request_reply_success (call->req, call->reply);

  input_call_free (call);
}

/* Runs @script and answers @reply (taken) when it is done. */
static void
run_script (PortholeRequest     *req,
            PortholeDesktop     *desktop,
            PortholeInputScript *script,
            JsonObject          *reply)
{
  InputCall *call = g_new0 (InputCall, 1);

  call->req = g_object_ref (req);
  call->reply = reply;
  porthole_x11_input_run_async (porthole_desktop_get_input (desktop), script,
                                porthole_request_get_cancellable (req), on_script_done, call);
}

static gboolean
get_button (PortholeRequest *req,
            guint           *button,
            const char     **name)
{
  static const struct { const char *name; const char *number; guint button; } buttons[] = {
    { "left", "1", PORTHOLE_BUTTON_LEFT },
    { "middle", "2", PORTHOLE_BUTTON_MIDDLE },
    { "right", "3", PORTHOLE_BUTTON_RIGHT },
  };
  const char *text;

  if (!porthole_request_get_string (req, "button", "left", &text))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (g_ascii_strcasecmp (text, buttons[i].name) == 0 || g_str_equal (text, buttons[i].number))
      {
        *button = buttons[i].button;
        *name = buttons[i].name;
        return TRUE;
      }

  porthole_request_reply_invalid (req, "button", "Invalid button \"%s\": expected left, middle or right", text);
  return FALSE;
}

static gboolean
get_bounded_int (PortholeRequest *req,
                 const char      *names,
                 gint64           fallback,
                 gint64           min,
                 gint64           max,
                 gint64          *value)
{
  if (!porthole_request_get_int (req, names, fallback, value))
    return FALSE;

  if (*value < min || *value > max)
    {
      g_auto(GStrv) alternatives = g_strsplit (names, "|", 2);

      porthole_request_reply_invalid (req, alternatives[0], "Invalid %s %" G_GINT64_FORMAT
                                      ": expected %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                                      alternatives[0], *value, min, max);
      return FALSE;
    }

  return TRUE;
}

/* Mouse */

void
porthole_desktop_handle_mouse_click (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  JsonObject *reply;
  const char *button_name;
  gboolean is_double;
  gint64 clicks, delay_ms;
  guint button;
  int x, y;

  if (desktop == NULL ||
      !porthole_desktop_request_get_point (req, "x", "y", &x, &y) ||
      !get_button (req, &button, &button_name) ||
      !porthole_request_get_boolean (req, "double|double_click", FALSE, &is_double) ||
      !get_bounded_int (req, "clicks|count", is_double ? 2 : 1, 1, 100, &clicks) ||
      !get_bounded_int (req, "delay_ms|delay", DEFAULT_CLICK_DELAY_MS, 0, MAX_DELAY_MS, &delay_ms))
    return;

  script = porthole_input_script_new ();
  porthole_input_script_add_motion (script, x, y);
  porthole_input_script_add_click (script, button, clicks, delay_ms);

  reply = json_object_new ();
  json_object_set_int_member (reply, "x", x);
  json_object_set_int_member (reply, "y", y);
  json_object_set_string_member (reply, "button", button_name);
  json_object_set_int_member (reply, "clicks", clicks);
  run_script (req, desktop, script, reply);
}

void
porthole_desktop_handle_mouse_move (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  JsonObject *reply;
  int x, y;

  if (desktop == NULL || !porthole_desktop_request_get_point (req, "x", "y", &x, &y))
    return;

  script = porthole_input_script_new ();
  porthole_input_script_add_motion (script, x, y);

  reply = json_object_new ();
  json_object_set_int_member (reply, "x", x);
  json_object_set_int_member (reply, "y", y);
  run_script (req, desktop, script, reply);
}

static void
handle_drag (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  JsonObject *reply;
  const char *button_name;
  gint64 duration_ms;
  guint button;
  int from_x, from_y, to_x, to_y;

  if (desktop == NULL ||
      !porthole_desktop_request_get_point (req, "from_x", "from_y", &from_x, &from_y) ||
      !porthole_desktop_request_get_point (req, "to_x", "to_y", &to_x, &to_y) ||
      !get_button (req, &button, &button_name) ||
      !get_bounded_int (req, "duration_ms|duration", DEFAULT_DRAG_DURATION_MS, 0,
                        MAX_DRAG_DURATION_MS, &duration_ms))
    return;

  script = porthole_input_script_new ();
  porthole_input_script_add_drag (script, button, from_x, from_y, to_x, to_y, duration_ms);

  reply = json_object_new ();
  json_object_set_int_member (reply, "from_x", from_x);
  json_object_set_int_member (reply, "from_y", from_y);
  json_object_set_int_member (reply, "to_x", to_x);
  json_object_set_int_member (reply, "to_y", to_y);
  json_object_set_string_member (reply, "button", button_name);
  run_script (req, desktop, script, reply);
}

void
porthole_desktop_handle_mouse_drag (PortholeRequest *req)
{
  handle_drag (req);
}

void
porthole_desktop_handle_drag_drop (PortholeRequest *req)
{
  handle_drag (req);
}

static const struct
{
  const char *name;
  guint button;
} scroll_directions[] = {
  { "up", PORTHOLE_BUTTON_SCROLL_UP },
  { "down", PORTHOLE_BUTTON_SCROLL_DOWN },
  { "left", PORTHOLE_BUTTON_SCROLL_LEFT },
  { "right", PORTHOLE_BUTTON_SCROLL_RIGHT },
};

/* Two bodies (API.md §8.2): {amount, direction} (py) or {delta_x,
 * delta_y} (js; positive is down/right, the magnitude counts clicks). */
void
porthole_desktop_handle_mouse_scroll (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  JsonObject *reply;
  const char *direction = NULL;
  gint64 amount = 0;
  gboolean has_x, has_y;
  int x = 0, y = 0;

  if (desktop == NULL)
    return;

  has_x = porthole_request_has_field (req, "x");
  has_y = porthole_request_has_field (req, "y");
  if ((has_x || has_y) && !porthole_desktop_request_get_point (req, "x", "y", &x, &y))
    return;

  script = porthole_input_script_new ();
  if (has_x || has_y)
    porthole_input_script_add_motion (script, x, y);

  reply = json_object_new ();

  if (porthole_request_has_field (req, "delta_x|delta_y|deltaX|deltaY") &&
      !porthole_request_has_field (req, "direction|amount"))
    {
      gint64 delta_x, delta_y;

      if (!get_bounded_int (req, "delta_y|deltaY", 0, -1000, 1000, &delta_y) ||
          !get_bounded_int (req, "delta_x|deltaX", 0, -1000, 1000, &delta_x))
        {
          json_object_unref (reply);
          return;
        }

      porthole_input_script_add_click (script, delta_y > 0 ? PORTHOLE_BUTTON_SCROLL_DOWN : PORTHOLE_BUTTON_SCROLL_UP,
                                       ABS (delta_y), 0);
      porthole_input_script_add_click (script, delta_x > 0 ? PORTHOLE_BUTTON_SCROLL_RIGHT : PORTHOLE_BUTTON_SCROLL_LEFT,
                                       ABS (delta_x), 0);

      /* Report the main axis the way the other body would say it. */
      if (delta_y != 0 || delta_x == 0)
        {
          direction = delta_y < 0 ? "up" : "down";
          amount = ABS (delta_y);
        }
      else
        {
          direction = delta_x < 0 ? "left" : "right";
          amount = ABS (delta_x);
        }
      json_object_set_int_member (reply, "delta_x", delta_x);
      json_object_set_int_member (reply, "delta_y", delta_y);
    }
  else
    {
      const char *text;
      guint button = 0;

      if (!porthole_request_get_string (req, "direction", "down", &text) ||
          !get_bounded_int (req, "amount|clicks", 1, 1, 1000, &amount))
        {
          json_object_unref (reply);
          return;
        }

      for (guint i = 0; i < G_N_ELEMENTS (scroll_directions); i++)
        if (g_ascii_strcasecmp (text, scroll_directions[i].name) == 0)
          {
            direction = scroll_directions[i].name;
            button = scroll_directions[i].button;
          }
      if (direction == NULL)
        {
          json_object_unref (reply);
          porthole_request_reply_invalid (req, "direction",
                                          "Invalid direction \"%s\": expected up, down, left or right", text);
          return;
        }
      porthole_input_script_add_click (script, button, amount, 0);
    }

  json_object_set_string_member (reply, "direction", direction);
  json_object_set_int_member (reply, "amount", amount);
  if (has_x || has_y)
    {
      json_object_set_int_member (reply, "x", x);
      json_object_set_int_member (reply, "y", y);
    }
  run_script (req, desktop, script, reply);
}

typedef struct
{
  const char *action;
  PortholeRouteHandler handler;
  /* Fields whose presence means this action when none is named. */
  const char *implied_by;
} SeedAction;

/* The seed's single routes (/desktop/mouse, /desktop/keyboard): "action"
 * names the route, or the fields give it away; the last entry is the
 * default. */
static void
dispatch_seed_action (PortholeRequest  *req,
                      const SeedAction *actions,
                      guint             n_actions,
                      const char       *expected)
{
  const char *action;

  if (!porthole_request_get_string (req, "action", NULL, &action))
    return;

  for (guint i = 0; i < n_actions; i++)
    {
      gboolean named = action != NULL && g_ascii_strcasecmp (action, actions[i].action) == 0;
      gboolean implied = action == NULL &&
                         (actions[i].implied_by == NULL || porthole_request_has_field (req, actions[i].implied_by));

      if (named || implied)
        {
          actions[i].handler (req);
          return;
        }
    }

  porthole_request_reply_invalid (req, "action", "Invalid action \"%s\": expected %s", action, expected);
}

void
porthole_desktop_handle_mouse (PortholeRequest *req)
{
  static const SeedAction actions[] = {
    { "drag", porthole_desktop_handle_mouse_drag, "from_x" },
    { "scroll", porthole_desktop_handle_mouse_scroll, "amount|direction|delta_x|delta_y|deltaX|deltaY" },
    { "click", porthole_desktop_handle_mouse_click, "button|clicks|double" },
    { "move", porthole_desktop_handle_mouse_move, NULL },
  };

  dispatch_seed_action (req, actions, G_N_ELEMENTS (actions), "click, move, drag or scroll");
}

/* Keyboard */

/* Adds each chord's keysyms to @keysyms; 400 on an unknown key. */
static gboolean
resolve_keys (PortholeRequest    *req,
              const char         *parameter,
              const char *const  *names,
              GArray             *keysyms)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; names[i]; i++)
    if (!porthole_keysyms_from_chord (names[i], keysyms, &error))
      {
        porthole_request_reply_invalid (req, parameter, "%s", error->message);
        return FALSE;
      }

  if (keysyms->len > MAX_CHORD_KEYS)
    {
      porthole_request_reply_invalid (req, parameter, "Too many keys in one chord");
      return FALSE;
    }

  return TRUE;
}

void
porthole_desktop_handle_keyboard_type (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  JsonObject *reply;
  const char *text;
  gint64 delay_ms, length = 0;

  if (desktop == NULL ||
      !porthole_desktop_request_get_text (req, "text|content", &text) ||
      !get_bounded_int (req, "delay_ms|delay", DEFAULT_TYPE_DELAY_MS, 0, MAX_DELAY_MS, &delay_ms))
    return;

  script = porthole_input_script_new ();
  length = porthole_input_script_add_text (script, text, delay_ms);

  reply = json_object_new ();
  json_object_set_int_member (reply, "length", length);
  run_script (req, desktop, script, reply);
}

void
porthole_desktop_handle_keyboard_press (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  g_autoptr(GArray) keysyms = g_array_new (FALSE, FALSE, sizeof (guint32));
  JsonObject *reply;
  const char *key;
  gint64 repeat;

  if (desktop == NULL ||
      !porthole_request_require_string (req, "key|keys", &key) ||
      !get_bounded_int (req, "repeat|count|times", 1, 1, MAX_REPEAT, &repeat) ||
      !resolve_keys (req, "key", (const char *[]) { key, NULL }, keysyms))
    return;

  script = porthole_input_script_new ();
  for (gint64 i = 0; i < repeat; i++)
    porthole_input_script_add_chord (script, (guint32 *) keysyms->data, keysyms->len);

  reply = json_object_new ();
  json_object_set_string_member (reply, "key", key);
  if (repeat > 1)
    json_object_set_int_member (reply, "repeat", repeat);
  run_script (req, desktop, script, reply);
}

/* {modifiers: [..], key: ".."} (py), {keys: [..]} (js), or a chord
 * string in "keys" or "key". */
void
porthole_desktop_handle_keyboard_combination (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(PortholeInputScript) script = NULL;
  g_autoptr(GArray) keysyms = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) modifiers = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *chord = NULL;
  JsonObject *reply;
  JsonNode *keys_node;
  const char *key = NULL;

  if (desktop == NULL)
    return;

  keys_node = porthole_request_get_member (req, "keys");
  if (porthole_request_is_replied (req))
    return;

  if ((keys_node != NULL && JSON_NODE_HOLDS_ARRAY (keys_node)) || porthole_request_has_field (req, "modifiers"))
    {
      if (!porthole_request_get_string_list (req, "modifiers", &modifiers) ||
          (keys_node != NULL && JSON_NODE_HOLDS_ARRAY (keys_node) &&
           !porthole_request_get_string_list (req, "keys", &keys)) ||
          !porthole_request_get_string (req, "key", NULL, &key))
        return;
    }
  else if (!porthole_request_get_string (req, "keys|key", NULL, &key))
    return;

  for (guint i = 0; modifiers && modifiers[i]; i++)
    g_ptr_array_add (names, g_strdup (modifiers[i]));
  for (guint i = 0; keys && keys[i]; i++)
    g_ptr_array_add (names, g_strdup (keys[i]));
  if (key != NULL && *key != '\0')
    g_ptr_array_add (names, g_strdup (key));

  if (names->len == 0)
    {
      porthole_request_reply_missing (req, "keys");
      return;
    }
  g_ptr_array_add (names, NULL);

  if (!resolve_keys (req, "keys", (const char *const *) names->pdata, keysyms))
    return;

  script = porthole_input_script_new ();
  porthole_input_script_add_chord (script, (guint32 *) keysyms->data, keysyms->len);

  chord = g_strjoinv ("+", (char **) names->pdata);
  reply = json_object_new ();
  json_object_set_string_member (reply, "keys", chord);
  run_script (req, desktop, script, reply);
}

void
porthole_desktop_handle_keyboard (PortholeRequest *req)
{
  static const SeedAction actions[] = {
    { "type", porthole_desktop_handle_keyboard_type, "text" },
    { "combination", porthole_desktop_handle_keyboard_combination, "keys|modifiers" },
    { "hotkey", porthole_desktop_handle_keyboard_combination, "keys|modifiers" },
    { "press", porthole_desktop_handle_keyboard_press, NULL },
  };

  dispatch_seed_action (req, actions, G_N_ELEMENTS (actions), "type, press or combination");
}
