/* porthole-mcp-batch-tool.c
 *
 * computer_batch: agents built for Anthropic's computer-use tool send its
 * actions as they are, several per round trip. Every action is checked
 * before anything runs. Consecutive input actions (waits and held keys
 * included) become one input script, so that left_mouse_down, mouse_move
 * and left_mouse_up drag; screenshot, zoom and cursor_position run
 * between scripts. Whatever the batch pressed is released at its end.
 * The batch then settles and answers with one screenshot
 * (PortholeMcpAction), unless screenshot is false.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "porthole-json.h"
#include "porthole-mcp-action.h"
#include "porthole-mcp-capture.h"
#include "porthole-mcp-desktop.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"
#include "porthole-x11-cursor.h"
#include "porthole-x11-keymap.h"

#define CLICK_DELAY_MS 80
#define DRAG_DURATION_MS 300
#define DEFAULT_SCROLL_AMOUNT 3
/* How long a click's release may stay queued behind a window manager's
 * grab before the batch goes on anyway, and how often to look. */
#define RELEASE_WAIT_MS 500
#define RELEASE_CHECK_MS 2

typedef enum
{
  OP_SCRIPT,
  OP_SCREENSHOT,
  OP_ZOOM,
  OP_CURSOR,
  OP_RELEASED,
} OpKind;

typedef struct
{
  OpKind kind;
  PortholeInputScript *script;
  /* zoom: screen pixels */
  PortholeRect area;
  /* Index of the action in results. */
  guint result;
} Op;

typedef struct
{
  PortholeMcpAction *action;
  PortholeMcpSpace space;
  GArray *ops;
  guint next;
  JsonArray *results;
  guint n_images;
  guint release_id;
  gint64 release_deadline;
} Batch;

static void
op_clear (Op *op)
{
  g_clear_pointer (&op->script, porthole_input_script_unref);
}

static void
batch_free (Batch *batch)
{
  g_clear_handle_id (&batch->release_id, g_source_remove);
  g_clear_object (&batch->action);
  g_clear_pointer (&batch->ops, g_array_unref);
  g_clear_pointer (&batch->results, json_array_unref);
  g_free (batch);
}

static gboolean
fail_action (GError     **error,
             guint        index,
             const char  *name,
             const char  *what)
{
  g_set_error (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS, "actions[%u] (%s): %s", index, name, what);
  return FALSE;
}

/* The script the next input action goes to. */
static PortholeInputScript *
current_script (Batch *batch)
{
  Op *last = batch->ops->len > 0 ? &g_array_index (batch->ops, Op, batch->ops->len - 1) : NULL;
  Op op = { OP_SCRIPT };

  if (last != NULL && last->kind == OP_SCRIPT)
    return last->script;

  op.script = porthole_input_script_new ();
  g_array_append_val (batch->ops, op);
  return op.script;
}

static void
add_op (Batch  *batch,
        OpKind  kind,
        guint   result)
{
  Op op = { kind, NULL, { 0 }, result };

  g_array_append_val (batch->ops, op);
}

/* After a click: a window manager that focuses on click holds the
 * pointer's events until it has looked at them, but not the keyboard's,
 * so keys typed at once would reach the window before the click did
 * (and the old focus). The batch goes on once the release is through. */
static void
add_released (Batch *batch)
{
  add_op (batch, OP_RELEASED, 0);
}

static gboolean
get_point (Batch       *batch,
           JsonObject  *item,
           const char  *member,
           int         *x,
           int         *y)
{
  JsonArray *point = json_object_has_member (item, member) ? json_object_get_array_member (item, member) : NULL;

  if (point == NULL)
    return FALSE;

  porthole_mcp_space_to_native (&batch->space, json_array_get_double_element (point, 0),
                                json_array_get_double_element (point, 1), x, y);
  return TRUE;
}

/* Space-separated keys, each a chord ("ctrl+a Delete"), xdotool's way. */
static gboolean
get_chords (const char  *text,
            GPtrArray   *chords,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", " \t", -1);

  for (guint i = 0; parts[i]; i++)
    {
      GArray *keysyms;

      if (*parts[i] == '\0')
        continue;
      keysyms = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_ptr_array_add (chords, keysyms);
      if (!porthole_keysyms_from_chord (parts[i], keysyms, error))
        return FALSE;
    }

  return TRUE;
}

static void
press_chords (PortholeInputScript *script,
              GPtrArray           *chords,
              gboolean             pressed)
{
  for (guint i = 0; i < chords->len; i++)
    {
      GArray *keysyms = g_ptr_array_index (chords, i);

      for (guint j = 0; j < keysyms->len; j++)
        porthole_input_script_add_key (script, g_array_index (keysyms, guint32,
                                                              pressed ? j : keysyms->len - 1 - j), pressed);
    }
}

/* One action into ops; its result entry into results. */
static gboolean
plan_action (Batch       *batch,
             guint        index,
             JsonObject  *item,
             GError     **error)
{
  const char *name = json_object_get_string_member (item, "action");
  const char *text = json_object_get_string_member_with_default (item, "text", NULL);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  JsonObject *result = json_object_new ();
  PortholeInputScript *script;
  gboolean has_point;
  int x = 0, y = 0;
  guint clicks = 0, button = PORTHOLE_BUTTON_LEFT;

  json_object_set_string_member (result, "action", name);
  json_array_add_object_element (batch->results, result);
  has_point = get_point (batch, item, "coordinate", &x, &y);

  if (g_str_equal (name, "screenshot"))
    {
      add_op (batch, OP_SCREENSHOT, index);
      return TRUE;
    }
  if (g_str_equal (name, "cursor_position"))
    {
      add_op (batch, OP_CURSOR, index);
      return TRUE;
    }
  if (g_str_equal (name, "zoom"))
    {
      JsonArray *region = json_object_has_member (item, "region") ? json_object_get_array_member (item, "region") : NULL;
      g_autoptr(JsonObject) rect = json_object_new ();
      double x1, y1;

      if (region == NULL)
        return fail_action (error, index, name, "region [x1, y1, x2, y2] is needed");
      x1 = json_array_get_double_element (region, 0);
      y1 = json_array_get_double_element (region, 1);
      json_object_set_double_member (rect, "x", x1);
      json_object_set_double_member (rect, "y", y1);
      json_object_set_double_member (rect, "width", json_array_get_double_element (region, 2) - x1);
      json_object_set_double_member (rect, "height", json_array_get_double_element (region, 3) - y1);
      add_op (batch, OP_ZOOM, index);
      return porthole_mcp_space_rect_to_native (&batch->space, rect,
                                                &g_array_index (batch->ops, Op, batch->ops->len - 1).area, error);
    }

  script = current_script (batch);

  if (g_str_equal (name, "type"))
    {
      if (text == NULL)
        return fail_action (error, index, name, "text is needed");
      porthole_input_script_add_text (script, text, 10);
      return TRUE;
    }
  if (g_str_equal (name, "key") || g_str_equal (name, "hold_key"))
    {
      double duration = json_object_get_double_member_with_default (item, "duration", 0);

      if (text == NULL || !get_chords (text, held, error))
        return text == NULL ? fail_action (error, index, name, "text (the keys) is needed") : FALSE;
      if (g_str_equal (name, "key"))
        for (guint i = 0; i < held->len; i++)
          {
            GArray *keysyms = g_ptr_array_index (held, i);

            porthole_input_script_add_chord (script, (const guint32 *) keysyms->data, keysyms->len);
          }
      else
        {
          press_chords (script, held, TRUE);
          porthole_input_script_add_delay (script, (guint) lround (duration * 1000));
          press_chords (script, held, FALSE);
        }
      return TRUE;
    }
  if (g_str_equal (name, "wait"))
    {
      porthole_input_script_add_delay (script,
                                       (guint) lround (json_object_get_double_member_with_default (item, "duration", 1) * 1000));
      return TRUE;
    }
  if (g_str_equal (name, "mouse_move"))
    {
      if (!has_point)
        return fail_action (error, index, name, "coordinate is needed");
      porthole_input_script_add_motion (script, x, y);
      return TRUE;
    }
  if (g_str_equal (name, "left_mouse_down") || g_str_equal (name, "left_mouse_up"))
    {
      if (has_point)
        porthole_input_script_add_motion (script, x, y);
      porthole_input_script_add_button (script, PORTHOLE_BUTTON_LEFT, g_str_equal (name, "left_mouse_down"));
      if (g_str_equal (name, "left_mouse_up"))
        add_released (batch);
      return TRUE;
    }
  if (g_str_equal (name, "left_click_drag"))
    {
      int from_x, from_y;

      if (!has_point || !get_point (batch, item, "start_coordinate", &from_x, &from_y))
        return fail_action (error, index, name, "start_coordinate and coordinate are needed");
      porthole_input_script_add_drag (script, PORTHOLE_BUTTON_LEFT, from_x, from_y, x, y, DRAG_DURATION_MS);
      add_released (batch);
      return TRUE;
    }

  /* Clicks and scrolls: `text` names keys held meanwhile. */
  if (text != NULL && !get_chords (text, held, error))
    return FALSE;

  if (g_str_equal (name, "scroll"))
    {
      const char *direction = json_object_get_string_member_with_default (item, "scroll_direction", "down");
      guint wheel = g_str_equal (direction, "up") ? PORTHOLE_BUTTON_SCROLL_UP
                    : g_str_equal (direction, "left") ? PORTHOLE_BUTTON_SCROLL_LEFT
                    : g_str_equal (direction, "right") ? PORTHOLE_BUTTON_SCROLL_RIGHT : PORTHOLE_BUTTON_SCROLL_DOWN;

      if (has_point)
        porthole_input_script_add_motion (script, x, y);
      press_chords (script, held, TRUE);
      porthole_input_script_add_click (script, wheel,
                                       json_object_get_int_member_with_default (item, "scroll_amount", DEFAULT_SCROLL_AMOUNT),
                                       0);
      press_chords (script, held, FALSE);
      return TRUE;
    }

  if (g_str_equal (name, "left_click"))
    clicks = 1;
  else if (g_str_equal (name, "right_click"))
    clicks = 1, button = PORTHOLE_BUTTON_RIGHT;
  else if (g_str_equal (name, "middle_click"))
    clicks = 1, button = PORTHOLE_BUTTON_MIDDLE;
  else if (g_str_equal (name, "double_click"))
    clicks = 2;
  else if (g_str_equal (name, "triple_click"))
    clicks = 3;
  else
    return fail_action (error, index, name, "unknown action");

  /* Without a coordinate, where the pointer is. */
  if (has_point)
    porthole_input_script_add_motion (script, x, y);
  press_chords (script, held, TRUE);
  porthole_input_script_add_click (script, button, clicks, CLICK_DELAY_MS);
  press_chords (script, held, FALSE);
  add_released (batch);
  return TRUE;
}

static void run_next (Batch *batch);

static void
on_script_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_mcp_action_run_script_finish (PORTHOLE_MCP_ACTION (object), result, &error))
    {
      porthole_mcp_action_fail (batch->action, error);
      batch_free (batch);
      return;
    }

  run_next (batch);
}

static void
on_shot (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Batch *batch = user_data;
  Op *op = &g_array_index (batch->ops, Op, batch->next - 1);
  JsonObject *entry = json_array_get_object_element (batch->results, op->result);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeMcpShot) shot = porthole_mcp_capture_finish (result, &error);
  PortholeMcpCall *call = porthole_mcp_action_get_call (batch->action);

  if (shot == NULL)
    {
      porthole_mcp_action_fail (batch->action, error);
      batch_free (batch);
      return;
    }

  json_object_set_int_member (entry, "image", batch->n_images++);
  json_object_set_object_member (entry, "screenshot", porthole_mcp_shot_to_json (shot));
  porthole_mcp_call_add_image (call, shot->data, porthole_image_format_get_mime_type (shot->format));
  run_next (batch);
}

static gboolean
check_released_cb (gpointer user_data)
{
  Batch *batch = user_data;
  PortholeDesktop *desktop = porthole_mcp_action_get_desktop (batch->action);

  if (porthole_x11_cursor_buttons_down (porthole_desktop_get_display (desktop)) &&
      g_get_monotonic_time () < batch->release_deadline &&
      !porthole_mcp_call_is_done (porthole_mcp_action_get_call (batch->action)))
    return G_SOURCE_CONTINUE;

  batch->release_id = 0;
  run_next (batch);
  return G_SOURCE_REMOVE;
}

static void
run_next (Batch *batch)
{
  PortholeMcpCall *call = porthole_mcp_action_get_call (batch->action);
  PortholeDesktop *desktop = porthole_mcp_action_get_desktop (batch->action);
  PortholeMcpShotOptions options = { PORTHOLE_IMAGE_FORMAT_PNG, 80, TRUE, FALSE };
  g_autoptr(JsonObject) structured = NULL;
  g_autofree char *text = NULL;
  Op *op;

  if (porthole_mcp_call_is_done (call))
    {
      batch_free (batch);
      return;
    }

  if (batch->next >= batch->ops->len)
    {
      structured = json_object_new ();
      json_object_set_array_member (structured, "results", json_array_ref (batch->results));
      json_object_set_int_member (structured, "count", json_array_get_length (batch->results));
      text = g_strdup_printf ("Ran %u actions", json_array_get_length (batch->results));
      porthole_mcp_action_complete (batch->action, structured, text);
      batch_free (batch);
      return;
    }

  op = &g_array_index (batch->ops, Op, batch->next++);
  switch (op->kind)
    {
    case OP_SCRIPT:
      porthole_mcp_action_run_script_async (batch->action, op->script, on_script_done, batch);
      break;

    case OP_SCREENSHOT:
    case OP_ZOOM:
      options.native = op->kind == OP_ZOOM;
      porthole_mcp_capture_async (desktop, &batch->space, op->kind == OP_ZOOM ? &op->area : NULL, &options,
                                  porthole_mcp_call_get_cancellable (call), on_shot, batch);
      break;

    case OP_RELEASED:
      if (!porthole_x11_cursor_buttons_down (porthole_desktop_get_display (desktop)))
        run_next (batch);
      else
        {
          batch->release_deadline = g_get_monotonic_time () + RELEASE_WAIT_MS * G_TIME_SPAN_MILLISECOND;
          batch->release_id = g_timeout_add (RELEASE_CHECK_MS, check_released_cb, batch);
        }
      break;

    case OP_CURSOR:
    default:
      {
        JsonObject *entry = json_array_get_object_element (batch->results, op->result);
        JsonArray *coordinate = json_array_new ();
        int nx = 0, ny = 0, x, y;

        porthole_x11_cursor_get_position (porthole_desktop_get_display (desktop), &nx, &ny);
        porthole_mcp_space_from_native (&batch->space, nx, ny, &x, &y);
        json_array_add_int_element (coordinate, x);
        json_array_add_int_element (coordinate, y);
        json_object_set_array_member (entry, "coordinate", coordinate);
        run_next (batch);
      }
      break;
    }
}

static void
tool_computer_batch (PortholeMcpCall *call,
                     JsonObject      *arguments,
                     gpointer         user_data)
{
  JsonArray *actions = json_object_get_array_member (arguments, "actions");
  g_autoptr(JsonObject) options = NULL;
  g_autoptr(GError) error = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  PortholeDesktop *desktop;
  Batch *batch;

  batch = g_new0 (Batch, 1);
  batch->ops = g_array_new (FALSE, TRUE, sizeof (Op));
  g_array_set_clear_func (batch->ops, (GDestroyNotify) op_clear);
  batch->results = json_array_new ();

  desktop = porthole_mcp_desktop_begin (call, arguments, &batch->space);
  if (desktop == NULL)
    {
      batch_free (batch);
      return;
    }

  for (guint i = 0; i < json_array_get_length (actions); i++)
    if (!plan_action (batch, i, json_array_get_object_element (actions, i), &error))
      {
        porthole_mcp_call_fail_tool (call, error);
        batch_free (batch);
        return;
      }

  /* One screenshot at the end unless told otherwise. */
  options = json_object_new ();
  json_object_iter_init (&iter, arguments);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_str_equal (member, "actions"))
      json_object_set_member (options, member, json_node_copy (value));
  if (!json_object_has_member (options, "screenshot"))
    json_object_set_boolean_member (options, "screenshot", TRUE);

  batch->action = porthole_mcp_action_new (call, desktop, &batch->space, options);
  run_next (batch);
}

void
porthole_mcp_batch_tool_register (PortholeMcpRegistry *registry,
                                  PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "computer_batch", tool_computer_batch },
  };
  PortholeMcpToolFunc func;
  gpointer data;
  JsonObject *definition, *properties, *screenshot;

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-batch-tool.json",
                                   entries, G_N_ELEMENTS (entries), server);
  porthole_mcp_desktop_add_action_arguments (registry, "computer_batch");

  /* A batch answers with a screenshot by default. */
  definition = porthole_mcp_registry_lookup_tool (registry, "computer_batch", &func, &data);
  properties = porthole_json_object_get_object (porthole_json_object_get_object (definition, "inputSchema"),
                                                "properties");
  screenshot = porthole_json_object_get_object (properties, "screenshot");
  json_object_set_boolean_member (screenshot, "default", TRUE);
  json_object_set_string_member (screenshot, "description", "Answer with a screenshot taken after the last action");
}
