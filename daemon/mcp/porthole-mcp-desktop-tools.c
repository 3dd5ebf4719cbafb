/* porthole-mcp-desktop-tools.c
 *
 * The desktop tools: the screen, the clipboard, windows and OCR here;
 * input (porthole-mcp-input-tools.c), computer_batch, accessibility and
 * waiting in files of their own. Each calls what the REST routes call:
 * the capture and image encoder, the X clipboard, the window list, the
 * OCR engine.
 *
 * Every coordinate in and out goes through porthole-mcp-space.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-clipboard-history.h"
#include "porthole-daemon.h"
#include "porthole-desktop-request.h"
#include "porthole-json.h"
#include "porthole-mcp-action.h"
#include "porthole-mcp-capture.h"
#include "porthole-mcp-desktop.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"
#include "porthole-ocr.h"
#include "porthole-plugin.h"
#include "porthole-x11-windows.h"

#define FOCUS_SETTLE_MS 1000
/* Recognition budget of find_text. */
#define OCR_DEADLINE_MS 10000

/**
 * porthole_mcp_desktop_begin:
 *
 * Returns: (transfer none) (nullable): the desktop, connected, and the
 *   coordinate space; %NULL after answering the call with the error
 */
PortholeDesktop *
porthole_mcp_desktop_begin (PortholeMcpCall  *call,
                            JsonObject       *arguments,
                            PortholeMcpSpace *space)
{
  g_autoptr(GError) error = NULL;
  PortholeDesktop *desktop = porthole_mcp_space_begin (call, arguments, space, &error);

  if (desktop == NULL)
    porthole_mcp_call_fail_tool (call, error);

  return desktop;
}

gboolean
porthole_mcp_desktop_parse_button (const char *name,
                                   guint      *button)
{
  if (name == NULL || g_str_equal (name, "left"))
    *button = PORTHOLE_BUTTON_LEFT;
  else if (g_str_equal (name, "right"))
    *button = PORTHOLE_BUTTON_RIGHT;
  else if (g_str_equal (name, "middle"))
    *button = PORTHOLE_BUTTON_MIDDLE;
  else
    return FALSE;

  return TRUE;
}

static const char action_properties[] =
  "{"
  "\"settle\":{\"type\":\"boolean\",\"default\":true,"
  "  \"description\":\"Wait for the screen to stop changing before answering (settle_ms without change)\"},"
  "\"settle_ms\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":10000,\"default\":200},"
  "\"settle_timeout_ms\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":60000,\"default\":3000},"
  "\"screenshot\":{\"type\":\"boolean\",\"default\":false,\"description\":\"Answer with a screenshot taken after the action\"},"
  "\"format\":{\"type\":\"string\",\"enum\":[\"png\",\"jpeg\"],\"default\":\"png\"},"
  "\"quality\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":80},"
  "\"show_pointer\":{\"type\":\"boolean\",\"default\":true},"
  "\"screen_coordinates\":{\"type\":\"boolean\",\"default\":false,"
  "  \"description\":\"Coordinates in and out are X pixels, not the screenshot's space\"}"
  "}";

static const char action_results[] =
  "{"
  "\"changed\":{\"type\":[\"boolean\",\"null\"],"
  "  \"description\":\"Whether the screen changed after the action (null: not waited for)\"},"
  "\"settled\":{\"type\":\"boolean\",\"description\":\"The screen stopped changing in time\"},"
  "\"screenshot\":{\"type\":\"object\",\"description\":\"What the screenshot in the content shows\"}"
  "}";

static void
merge_properties (JsonObject *schema,
                  const char *json)
{
  g_autoptr(JsonNode) extra = json_from_string (json, NULL);
  JsonObject *properties = porthole_json_object_get_object (schema, "properties");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_assert (extra != NULL && properties != NULL);
  json_object_iter_init (&iter, json_node_get_object (extra));
  while (json_object_iter_next (&iter, &name, &value))
    if (!json_object_has_member (properties, name))
      json_object_set_member (properties, name, json_node_copy (value));
}

/**
 * porthole_mcp_desktop_add_action_arguments:
 *
 * Gives the tool @name the arguments and results every action tool has
 * (settle, screenshot, changed...), defined once here.
 */
void
porthole_mcp_desktop_add_action_arguments (PortholeMcpRegistry *registry,
                                           const char          *name)
{
  PortholeMcpToolFunc func;
  gpointer user_data;
  JsonObject *definition = porthole_mcp_registry_lookup_tool (registry, name, &func, &user_data);

  g_assert (definition != NULL);
  merge_properties (porthole_json_object_get_object (definition, "inputSchema"), action_properties);
  merge_properties (porthole_json_object_get_object (definition, "outputSchema"), action_results);
}

/* screen_size */

static void
tool_screen_size (PortholeMcpCall *call,
                  JsonObject      *arguments,
                  gpointer         user_data)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *text = NULL;
  PortholeMcpSpace space;

  if (porthole_mcp_desktop_begin (call, arguments, &space) == NULL)
    return;

  json_object_set_int_member (result, "width", space.width);
  json_object_set_int_member (result, "height", space.height);
  json_object_set_int_member (result, "native_width", space.native_width);
  json_object_set_int_member (result, "native_height", space.native_height);
  json_object_set_double_member (result, "scale", porthole_mcp_space_get_scale (&space));
  json_object_set_int_member (result, "max_side", space.max_side);
  text = g_strdup_printf ("The screen is %dx%d in the tools' coordinates (%dx%d X pixels)",
                          space.width, space.height, space.native_width, space.native_height);
  porthole_mcp_call_add_text (call, text);
  porthole_mcp_call_set_structured (call, result);
  porthole_mcp_call_finish_tool (call);
}

/* screenshot, zoom */

typedef struct
{
  PortholeMcpCall *call;
  PortholeMcpSpace space;
  gboolean zoom;
  PortholeRect native;
} ShotCall;

static void
on_shot (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ShotCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeMcpShot) shot = porthole_mcp_capture_finish (result, &error);
  g_autoptr(JsonObject) structured = NULL;
  g_autofree char *text = NULL;

  if (shot == NULL)
    porthole_mcp_call_fail_tool (call->call, error);
  else
    {
      structured = porthole_mcp_shot_to_json (shot);
      if (call->zoom)
        {
          json_object_set_object_member (structured, "native_region", porthole_mcp_space_rect_to_json (&shot->native));
          text = g_strdup_printf ("%dx%d X pixels at %d,%d (%d,%d %dx%d in the tools' space), not scaled",
                                  shot->native.width, shot->native.height, shot->native.x, shot->native.y,
                                  shot->rect.x, shot->rect.y, shot->rect.width, shot->rect.height);
        }
      else
        {
          json_object_set_int_member (structured, "screen_width", call->space.width);
          json_object_set_int_member (structured, "screen_height", call->space.height);
          text = g_strdup_printf ("Screenshot %dx%d of %d,%d %dx%d; the screen is %dx%d in these coordinates",
                                  shot->width, shot->height, shot->rect.x, shot->rect.y, shot->rect.width,
                                  shot->rect.height, call->space.width, call->space.height);
        }
      porthole_mcp_call_add_text (call->call, text);
      porthole_mcp_call_add_image (call->call, shot->data, porthole_image_format_get_mime_type (shot->format));
      porthole_mcp_call_set_structured (call->call, structured);
      porthole_mcp_call_finish_tool (call->call);
    }

  g_object_unref (call->call);
  g_free (call);
}

static void
take_shot (PortholeMcpCall  *call,
           JsonObject       *arguments,
           gboolean          zoom)
{
  PortholeMcpShotOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *region = porthole_json_object_get_object (arguments, "region");
  JsonNode *window = json_object_get_member (arguments, "window_id");
  PortholeDesktop *desktop;
  gboolean has_area = FALSE;
  ShotCall *shot;

  shot = g_new0 (ShotCall, 1);
  desktop = porthole_mcp_desktop_begin (call, arguments, &shot->space);
  if (desktop == NULL)
    {
      g_free (shot);
      return;
    }

  if (region != NULL)
    {
      if (!porthole_mcp_space_rect_to_native (&shot->space, region, &shot->native, &error))
        {
          porthole_mcp_call_fail_tool (call, error);
          g_free (shot);
          return;
        }
      has_area = TRUE;
    }
  else if (window != NULL && !JSON_NODE_HOLDS_NULL (window))
    {
      g_autofree char *text = JSON_NODE_HOLDS_VALUE (window) && json_node_get_value_type (window) == G_TYPE_STRING
                              ? g_strdup (json_node_get_string (window))
                              : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (window));
      g_autoptr(PortholeWindowInfo) info = NULL;
      Window id;

      if (!porthole_parse_window_id (text, &id) ||
          (info = porthole_x11_windows_get_info (porthole_desktop_get_windows (desktop), id, &error)) == NULL)
        {
          if (error == NULL)
            g_set_error (&error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS, "Invalid window_id %s", text);
          porthole_mcp_call_fail_tool (call, error);
          g_free (shot);
          return;
        }
      shot->native = info->geometry;
      has_area = TRUE;
    }

  porthole_mcp_shot_options_from_arguments (&options, arguments);
  options.native = zoom;
  shot->call = g_object_ref (call);
  shot->zoom = zoom;
  porthole_mcp_capture_async (desktop, &shot->space, has_area ? &shot->native : NULL, &options,
                              porthole_mcp_call_get_cancellable (call), on_shot, shot);
}

static void
tool_screenshot (PortholeMcpCall *call,
                 JsonObject      *arguments,
                 gpointer         user_data)
{
  take_shot (call, arguments, FALSE);
}

static void
tool_zoom (PortholeMcpCall *call,
           JsonObject      *arguments,
           gpointer         user_data)
{
  take_shot (call, arguments, TRUE);
}

/* Clipboard */

static const char *
selection_name (PortholeSelection selection)
{
  return selection == PORTHOLE_SELECTION_PRIMARY ? "primary" : "clipboard";
}

typedef struct
{
  PortholeMcpCall *call;
  PortholeDesktop *desktop;
  PortholeSelection selection;
} ClipboardCall;

static void
on_clipboard_read (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = porthole_x11_clipboard_get_text_finish (PORTHOLE_X11_CLIPBOARD (object), result, &error);
  g_autoptr(JsonObject) structured = json_object_new ();
  PortholeClipboardHistory *history = porthole_desktop_get_clipboard_history (call->desktop);
  const char *value = porthole_clipboard_history_resolve (history, text);

  json_object_set_string_member (structured, "text", value);
  json_object_set_string_member (structured, "selection", selection_name (call->selection));
  porthole_mcp_call_add_text (call->call, value);
  porthole_mcp_call_set_structured (call->call, structured);
  porthole_mcp_call_finish_tool (call->call);

  g_object_unref (call->call);
  g_object_unref (call->desktop);
  g_free (call);
}

static void
tool_clipboard_get (PortholeMcpCall *call,
                    JsonObject      *arguments,
                    gpointer         user_data)
{
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_desktop_begin (call, arguments, &space);
  ClipboardCall *read;

  if (desktop == NULL)
    return;

  read = g_new0 (ClipboardCall, 1);
  read->call = g_object_ref (call);
  read->desktop = g_object_ref (desktop);
  porthole_selection_from_string (json_object_get_string_member_with_default (arguments, "selection", NULL),
                                  &read->selection);
  porthole_x11_clipboard_get_text_async (porthole_desktop_get_clipboard (desktop), read->selection,
                                         porthole_mcp_call_get_cancellable (call), on_clipboard_read, read);
}

static void
tool_clipboard_set (PortholeMcpCall *call,
                    JsonObject      *arguments,
                    gpointer         user_data)
{
  g_autoptr(JsonObject) structured = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  const char *text = json_object_get_string_member (arguments, "text");
  PortholeSelection selection;
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_desktop_begin (call, arguments, &space);

  if (desktop == NULL)
    return;

  porthole_selection_from_string (json_object_get_string_member_with_default (arguments, "selection", NULL), &selection);
  if (!porthole_x11_clipboard_set_text (porthole_desktop_get_clipboard (desktop), selection, text, &error))
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }
  porthole_clipboard_history_set_last_set (porthole_desktop_get_clipboard_history (desktop), text);

  json_object_set_int_member (structured, "length", g_utf8_strlen (text, -1));
  json_object_set_string_member (structured, "selection", selection_name (selection));
  summary = g_strdup_printf ("Put %ld characters on the %s", g_utf8_strlen (text, -1), selection_name (selection));
  porthole_mcp_call_add_text (call, summary);
  porthole_mcp_call_set_structured (call, structured);
  porthole_mcp_call_finish_tool (call);
}

/* Windows */

static void
tool_list_windows (PortholeMcpCall *call,
                   JsonObject      *arguments,
                   gpointer         user_data)
{
  g_autoptr(JsonObject) structured = json_object_new ();
  g_autoptr(GPtrArray) windows = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_desktop_begin (call, arguments, &space);
  JsonArray *array;

  if (desktop == NULL)
    return;

  windows = porthole_x11_windows_list (porthole_desktop_get_windows (desktop));
  array = json_array_new ();
  for (guint i = 0; i < windows->len; i++)
    {
      PortholeWindowInfo *info = g_ptr_array_index (windows, i);
      JsonObject *object = json_object_new ();
      PortholeRect rect;

      porthole_mcp_space_rect_from_native (&space, &info->geometry, &rect);
      json_object_set_int_member (object, "id", info->id);
      json_object_set_string_member (object, "title", info->title ? info->title : "");
      json_object_set_string_member (object, "class", info->wm_class ? info->wm_class : "");
      if (info->pid > 0)
        json_object_set_int_member (object, "pid", info->pid);
      else
        json_object_set_null_member (object, "pid");
      json_object_set_int_member (object, "x", rect.x);
      json_object_set_int_member (object, "y", rect.y);
      json_object_set_int_member (object, "width", rect.width);
      json_object_set_int_member (object, "height", rect.height);
      json_object_set_boolean_member (object, "focused", info->active);
      json_object_set_boolean_member (object, "minimized", info->minimized);
      json_array_add_object_element (array, object);

      g_string_append_printf (text, "%lu \"%s\" (%s) at %d,%d %dx%d%s%s\n", info->id,
                              info->title ? info->title : "", info->wm_class ? info->wm_class : "",
                              rect.x, rect.y, rect.width, rect.height,
                              info->active ? ", focused" : "", info->minimized ? ", minimized" : "");
    }

  json_object_set_array_member (structured, "windows", array);
  json_object_set_int_member (structured, "count", windows->len);
  porthole_mcp_call_add_text (call, windows->len > 0 ? text->str : "No windows");
  porthole_mcp_call_set_structured (call, structured);
  porthole_mcp_call_finish_tool (call);
}

static gboolean
get_window_argument (JsonObject  *arguments,
                     Window      *window,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (arguments, "window_id");
  g_autofree char *text = json_node_get_value_type (node) == G_TYPE_STRING
                          ? g_strdup (json_node_get_string (node))
                          : g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) json_node_get_double (node));

  if (porthole_parse_window_id (text, window))
    return TRUE;

  g_set_error (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS,
               "Invalid window_id %s: expected a window of list_windows", text);
  return FALSE;
}

typedef struct
{
  PortholeMcpAction *action;
  Window window;
} FocusCall;

static void
on_focused (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  FocusCall *focus = user_data;
  g_autoptr(JsonObject) structured = json_object_new ();
  g_autoptr(GError) error = NULL;
  gboolean focused = porthole_x11_windows_wait_finish (PORTHOLE_X11_WINDOWS (object), result, &error);
  g_autofree char *text = g_strdup_printf (focused ? "Window %lu has the focus" : "Window %lu did not get the focus",
                                           focus->window);

  if (error != NULL)
    porthole_mcp_action_fail (focus->action, error);
  else
    {
      json_object_set_int_member (structured, "window_id", focus->window);
      json_object_set_boolean_member (structured, "focused", focused);
      porthole_mcp_action_complete (focus->action, structured, text);
    }

  g_object_unref (focus->action);
  g_free (focus);
}

static void
tool_focus_window (PortholeMcpCall *call,
                   JsonObject      *arguments,
                   gpointer         user_data)
{
  g_autoptr(GError) error = NULL;
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_desktop_begin (call, arguments, &space);
  PortholeX11Windows *windows;
  FocusCall *focus;
  Window window;

  if (desktop == NULL)
    return;

  windows = porthole_desktop_get_windows (desktop);
  if (!get_window_argument (arguments, &window, &error))
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  focus = g_new0 (FocusCall, 1);
  focus->action = porthole_mcp_action_new (call, desktop, &space, arguments);
  focus->window = window;
  if (!porthole_x11_windows_focus (windows, window, &error))
    {
      porthole_mcp_action_fail (focus->action, error);
      g_object_unref (focus->action);
      g_free (focus);
      return;
    }

  porthole_x11_windows_wait_async (windows, window, porthole_x11_windows_is_active, NULL, FOCUS_SETTLE_MS,
                                   porthole_mcp_call_get_cancellable (call), on_focused, focus);
}

/* find_text */

typedef struct
{
  PortholeMcpCall *call;
  PortholeMcpSpace space;
  char *text;
  gboolean exact;
} OcrCall;

static void
ocr_call_free (OcrCall *ocr)
{
  g_object_unref (ocr->call);
  g_free (ocr->text);
  g_free (ocr);
}

static JsonObject *
box_to_json (const PortholeMcpSpace *space,
             const PortholeRect     *native,
             const char             *text,
             double                  confidence)
{
  PortholeRect rect;
  JsonObject *object;
  int cx, cy;

  porthole_mcp_space_rect_from_native (space, native, &rect);
  porthole_mcp_space_from_native (space, native->x + native->width / 2, native->y + native->height / 2, &cx, &cy);
  object = porthole_mcp_space_rect_to_json (&rect);
  json_object_set_int_member (object, "center_x", cx);
  json_object_set_int_member (object, "center_y", cy);
  json_object_set_string_member (object, "text", text);
  json_object_set_double_member (object, "confidence", confidence);
  return object;
}

static void
on_recognized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  OcrCall *ocr = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeOcrResult) read = porthole_ocr_recognize_finish (PORTHOLE_OCR (object), result, &error);
  g_autoptr(JsonObject) structured = json_object_new ();
  g_auto(PortholeOcrMatch) match = { 0 };
  g_autofree char *summary = NULL;

  if (read == NULL)
    {
      porthole_mcp_call_fail_tool (ocr->call, error);
      ocr_call_free (ocr);
      return;
    }

  if (ocr->text != NULL)
    {
      gboolean found = porthole_ocr_result_find (read, ocr->text, ocr->exact, &match);

      json_object_set_boolean_member (structured, "found", found);
      if (found)
        {
          JsonObject *box = box_to_json (&ocr->space, &match.box, match.text, match.confidence);

          summary = g_strdup_printf ("Found \"%s\" at %" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                                     " (%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "); its center is %"
                                     G_GINT64_FORMAT ",%" G_GINT64_FORMAT, match.text,
                                     json_object_get_int_member (box, "x"), json_object_get_int_member (box, "y"),
                                     json_object_get_int_member (box, "width"), json_object_get_int_member (box, "height"),
                                     json_object_get_int_member (box, "center_x"),
                                     json_object_get_int_member (box, "center_y"));
          json_object_set_object_member (structured, "match", box);
        }
      else
        {
          summary = g_strdup_printf ("\"%s\" is not on the screen%s", ocr->text, read->timed_out ? " (OCR ran out of time)" : "");
          json_object_set_null_member (structured, "match");
        }
    }
  else
    {
      JsonArray *words = json_array_new ();

      for (guint i = 0; i < read->words->len; i++)
        {
          PortholeOcrWord *word = &g_array_index (read->words, PortholeOcrWord, i);

          json_array_add_object_element (words, box_to_json (&ocr->space, &word->box, word->text, word->confidence));
        }
      json_object_set_boolean_member (structured, "found", read->words->len > 0);
      json_object_set_string_member (structured, "text", read->text ? read->text : "");
      json_object_set_array_member (structured, "words", words);
      summary = g_strdup (read->text && *read->text ? read->text : "No text on the screen");
    }

  porthole_mcp_call_add_text (ocr->call, summary);
  porthole_mcp_call_set_structured (ocr->call, structured);
  porthole_mcp_call_finish_tool (ocr->call);
  ocr_call_free (ocr);
}

static void
tool_find_text (PortholeMcpCall *call,
                JsonObject      *arguments,
                gpointer         user_data)
{
  JsonObject *region = porthole_json_object_get_object (arguments, "region");
  const char *language = json_object_get_string_member_with_default (arguments, "language", "eng");
  g_autoptr(PortholeFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  PortholeRect area;
  PortholeDesktop *desktop;
  OcrCall *ocr;

  ocr = g_new0 (OcrCall, 1);
  ocr->call = g_object_ref (call);
  desktop = porthole_mcp_desktop_begin (call, arguments, &ocr->space);
  if (desktop == NULL)
    {
      ocr_call_free (ocr);
      return;
    }

  if (!porthole_ocr_language_is_valid (language))
    g_set_error (&error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS,
                 "Invalid language \"%s\": expected a tesseract language code such as eng", language);
  else if (porthole_plugin_load (PORTHOLE_PLUGIN_OCR, &error) != NULL &&
           (region == NULL || porthole_mcp_space_rect_to_native (&ocr->space, region, &area, &error)))
    frame = porthole_x11_capture_grab (porthole_desktop_get_capture (desktop), region ? &area : NULL, &error);

  if (frame == NULL)
    {
      porthole_mcp_call_fail_tool (call, error);
      ocr_call_free (ocr);
      return;
    }

  ocr->text = g_strdup (json_object_get_string_member_with_default (arguments, "text", NULL));
  ocr->exact = json_object_get_boolean_member_with_default (arguments, "exact", FALSE);
  porthole_ocr_recognize_async (porthole_desktop_get_ocr (desktop), frame, language, OCR_DEADLINE_MS,
                                porthole_mcp_call_get_cancellable (call), on_recognized, ocr);
}

void
porthole_mcp_desktop_tools_register (PortholeMcpRegistry *registry,
                                     PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "screen_size", tool_screen_size },
    { "screenshot", tool_screenshot },
    { "zoom", tool_zoom },
    { "clipboard_get", tool_clipboard_get },
    { "clipboard_set", tool_clipboard_set },
    { "list_windows", tool_list_windows },
    { "focus_window", tool_focus_window },
    { "find_text", tool_find_text },
  };

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-desktop-tools.json",
                                   entries, G_N_ELEMENTS (entries), server);
  porthole_mcp_desktop_add_action_arguments (registry, "focus_window");

  porthole_mcp_input_tools_register (registry, server);
  porthole_mcp_batch_tool_register (registry, server);
  porthole_mcp_a11y_tools_register (registry, server);
  porthole_mcp_screen_resource_register (registry, server);
}
