/* porthole-mcp-input-tools.c
 *
 * click, double_click, move, drag, scroll, type_text, press_keys: input
 * scripts built with the functions the REST input routes build theirs
 * with, run through the same PortholeX11Input, then settled and
 * reported by PortholeMcpAction (changed, settled, a screenshot).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-mcp-action.h"
#include "porthole-mcp-desktop.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"
#include "porthole-x11-keymap.h"

#define CLICK_DELAY_MS 80
#define MAX_CHORD_KEYS 16

static const char *
button_name (JsonObject *arguments)
{
  return json_object_get_string_member_with_default (arguments, "button", "left");
}

/* Holds the keys of @modifiers (["ctrl", "shift"]) down; their release
 * is added by release_modifiers(). */
static gboolean
press_modifiers (PortholeInputScript  *script,
                 JsonObject           *arguments,
                 GArray               *keysyms,
                 GError              **error)
{
  JsonNode *node = json_object_get_member (arguments, "modifiers");
  JsonArray *names = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    if (!porthole_keysyms_from_chord (json_array_get_string_element (names, i), keysyms, error))
      return FALSE;

  for (guint i = 0; i < keysyms->len; i++)
    porthole_input_script_add_key (script, g_array_index (keysyms, guint32, i), TRUE);

  return TRUE;
}

static void
release_modifiers (PortholeInputScript *script,
                   GArray              *keysyms)
{
  for (guint i = keysyms->len; i > 0; i--)
    porthole_input_script_add_key (script, g_array_index (keysyms, guint32, i - 1), FALSE);
}

/* What each tool adds: its input to @script and what it did to
 * @structured, in @space's coordinates. Returns the tool's sentence, or
 * NULL with @error set when the arguments cannot be acted on (then
 * nothing is sent). */
typedef char *(*InputBuild) (JsonObject           *arguments,
                             PortholeMcpSpace     *space,
                             PortholeInputScript  *script,
                             JsonObject           *structured,
                             GError              **error);

/* The part every input tool shares: the desktop and its coordinate
 * space, the script, then the action that runs, settles and reports. */
static void
run_input_tool (PortholeMcpCall *call,
                JsonObject      *arguments,
                InputBuild       build)
{
  g_autoptr(PortholeInputScript) script = porthole_input_script_new ();
  g_autoptr(PortholeMcpAction) action = NULL;
  g_autoptr(JsonObject) structured = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_desktop_begin (call, arguments, &space);

  if (desktop == NULL)
    return;

  text = build (arguments, &space, script, structured, &error);
  if (text == NULL)
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  action = porthole_mcp_action_new (call, desktop, &space, arguments);
  porthole_mcp_action_run (action, script, structured, text);
}

static char *
build_clicks (JsonObject           *arguments,
              PortholeMcpSpace     *space,
              PortholeInputScript  *script,
              JsonObject           *structured,
              guint                 clicks,
              GError              **error)
{
  g_autoptr(GArray) modifiers = g_array_new (FALSE, FALSE, sizeof (guint32));
  const char *name = button_name (arguments);
  int x = json_object_get_double_member (arguments, "x");
  int y = json_object_get_double_member (arguments, "y");
  guint button;
  int nx, ny;

  porthole_mcp_desktop_parse_button (name, &button);
  porthole_mcp_space_to_native (space, json_object_get_double_member (arguments, "x"),
                                json_object_get_double_member (arguments, "y"), &nx, &ny);

  if (!press_modifiers (script, arguments, modifiers, error))
    return NULL;
  porthole_input_script_add_motion (script, nx, ny);
  porthole_input_script_add_click (script, button, clicks, CLICK_DELAY_MS);
  release_modifiers (script, modifiers);

  json_object_set_int_member (structured, "x", x);
  json_object_set_int_member (structured, "y", y);
  json_object_set_int_member (structured, "native_x", nx);
  json_object_set_int_member (structured, "native_y", ny);
  json_object_set_string_member (structured, "button", name);
  json_object_set_int_member (structured, "clicks", clicks);

  return g_strdup_printf ("%s %s at %d,%d",
                          clicks == 1 ? "Clicked" : clicks == 2 ? "Double-clicked" : "Triple-clicked",
                          name, x, y);
}

static char *
build_click (JsonObject           *arguments,
             PortholeMcpSpace     *space,
             PortholeInputScript  *script,
             JsonObject           *structured,
             GError              **error)
{
  return build_clicks (arguments, space, script, structured,
                       json_object_get_int_member_with_default (arguments, "clicks", 1), error);
}

static char *
build_double_click (JsonObject           *arguments,
                    PortholeMcpSpace     *space,
                    PortholeInputScript  *script,
                    JsonObject           *structured,
                    GError              **error)
{
  return build_clicks (arguments, space, script, structured, 2, error);
}

static char *
build_move (JsonObject           *arguments,
            PortholeMcpSpace     *space,
            PortholeInputScript  *script,
            JsonObject           *structured,
            GError              **error)
{
  int x = json_object_get_double_member (arguments, "x");
  int y = json_object_get_double_member (arguments, "y");
  int nx, ny;

  porthole_mcp_space_to_native (space, x, y, &nx, &ny);
  porthole_input_script_add_motion (script, nx, ny);

  json_object_set_int_member (structured, "x", x);
  json_object_set_int_member (structured, "y", y);
  json_object_set_int_member (structured, "native_x", nx);
  json_object_set_int_member (structured, "native_y", ny);

  return g_strdup_printf ("Moved the pointer to %d,%d", x, y);
}

static char *
build_drag (JsonObject           *arguments,
            PortholeMcpSpace     *space,
            PortholeInputScript  *script,
            JsonObject           *structured,
            GError              **error)
{
  int from_x = json_object_get_double_member (arguments, "from_x");
  int from_y = json_object_get_double_member (arguments, "from_y");
  int to_x = json_object_get_double_member (arguments, "to_x");
  int to_y = json_object_get_double_member (arguments, "to_y");
  const char *name = button_name (arguments);
  int nfx, nfy, ntx, nty;
  guint button;

  porthole_mcp_desktop_parse_button (name, &button);
  porthole_mcp_space_to_native (space, from_x, from_y, &nfx, &nfy);
  porthole_mcp_space_to_native (space, to_x, to_y, &ntx, &nty);
  porthole_input_script_add_drag (script, button, nfx, nfy, ntx, nty,
                                  json_object_get_int_member_with_default (arguments, "duration_ms", 300));

  json_object_set_int_member (structured, "from_x", from_x);
  json_object_set_int_member (structured, "from_y", from_y);
  json_object_set_int_member (structured, "to_x", to_x);
  json_object_set_int_member (structured, "to_y", to_y);
  json_object_set_string_member (structured, "button", name);

  return g_strdup_printf ("Dragged from %d,%d to %d,%d", from_x, from_y, to_x, to_y);
}

static guint
scroll_button (const char *direction)
{
  if (g_strcmp0 (direction, "up") == 0)
    return PORTHOLE_BUTTON_SCROLL_UP;
  if (g_strcmp0 (direction, "left") == 0)
    return PORTHOLE_BUTTON_SCROLL_LEFT;
  if (g_strcmp0 (direction, "right") == 0)
    return PORTHOLE_BUTTON_SCROLL_RIGHT;
  return PORTHOLE_BUTTON_SCROLL_DOWN;
}

static char *
build_scroll (JsonObject           *arguments,
              PortholeMcpSpace     *space,
              PortholeInputScript  *script,
              JsonObject           *structured,
              GError              **error)
{
  const char *direction = json_object_get_string_member_with_default (arguments, "direction", "down");
  gint64 amount = json_object_get_int_member_with_default (arguments, "amount", 3);

  if (json_object_has_member (arguments, "x") || json_object_has_member (arguments, "y"))
    {
      int x = json_object_get_double_member_with_default (arguments, "x", 0);
      int y = json_object_get_double_member_with_default (arguments, "y", 0);
      int nx, ny;

      porthole_mcp_space_to_native (space, x, y, &nx, &ny);
      porthole_input_script_add_motion (script, nx, ny);
      json_object_set_int_member (structured, "x", x);
      json_object_set_int_member (structured, "y", y);
    }
  porthole_input_script_add_click (script, scroll_button (direction), amount, 0);

  json_object_set_string_member (structured, "direction", direction);
  json_object_set_int_member (structured, "amount", amount);

  return g_strdup_printf ("Scrolled %s by %" G_GINT64_FORMAT, direction, amount);
}

static char *
build_type_text (JsonObject           *arguments,
                 PortholeMcpSpace     *space,
                 PortholeInputScript  *script,
                 JsonObject           *structured,
                 GError              **error)
{
  guint length = porthole_input_script_add_text (script, json_object_get_string_member (arguments, "text"),
                                                 json_object_get_int_member_with_default (arguments, "delay_ms", 10));

  json_object_set_int_member (structured, "length", length);

  return g_strdup_printf ("Typed %u characters", length);
}

static char *
build_press_keys (JsonObject           *arguments,
                  PortholeMcpSpace     *space,
                  PortholeInputScript  *script,
                  JsonObject           *structured,
                  GError              **error)
{
  g_autoptr(GString) text = g_string_new ("Pressed");
  g_autoptr(GPtrArray) chords = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  JsonArray *keys = json_object_get_array_member (arguments, "keys");
  gint64 repeat = json_object_get_int_member_with_default (arguments, "repeat", 1);

  /* Every chord resolves, or nothing is pressed. */
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      const char *chord = json_array_get_string_element (keys, i);
      GArray *keysyms = g_array_new (FALSE, FALSE, sizeof (guint32));

      g_ptr_array_add (chords, keysyms);
      if (!porthole_keysyms_from_chord (chord, keysyms, error))
        return NULL;
      if (keysyms->len > MAX_CHORD_KEYS)
        {
          g_set_error (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS, "Too many keys in one chord: %s", chord);
          return NULL;
        }
      g_string_append_printf (text, "%s %s", i > 0 ? "," : "", chord);
    }

  for (gint64 r = 0; r < repeat; r++)
    for (guint i = 0; i < chords->len; i++)
      {
        GArray *keysyms = g_ptr_array_index (chords, i);

        porthole_input_script_add_chord (script, (const guint32 *) keysyms->data, keysyms->len);
      }
  if (repeat > 1)
    g_string_append_printf (text, " (%" G_GINT64_FORMAT " times)", repeat);

  json_object_set_array_member (structured, "keys", json_array_ref (keys));
  json_object_set_int_member (structured, "repeat", repeat);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The registry's tool functions, one line each. */
#define INPUT_TOOL(name) \
  static void \
  tool_##name (PortholeMcpCall *call, \
               JsonObject      *arguments, \
               gpointer         user_data) \
  { \
    run_input_tool (call, arguments, build_##name); \
  }

INPUT_TOOL (click)
INPUT_TOOL (double_click)
INPUT_TOOL (move)
INPUT_TOOL (drag)
INPUT_TOOL (scroll)
INPUT_TOOL (type_text)
INPUT_TOOL (press_keys)

void
porthole_mcp_input_tools_register (PortholeMcpRegistry *registry,
                                   PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "click", tool_click },
    { "double_click", tool_double_click },
    { "move", tool_move },
    { "drag", tool_drag },
    { "scroll", tool_scroll },
    { "type_text", tool_type_text },
    { "press_keys", tool_press_keys },
  };

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-input-tools.json",
                                   entries, G_N_ELEMENTS (entries), server);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    porthole_mcp_desktop_add_action_arguments (registry, entries[i].name);
}
