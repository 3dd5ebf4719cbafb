/* porthole-mcp-a11y-tools.c
 *
 * accessibility_snapshot, act and wait_for wrap what the REST routes
 * /desktop/accessibility/... and /desktop/wait call (porthole-a11y.c,
 * porthole-desktop-wait.c); their answers' geometry (bounds, regions,
 * windows, boxes) comes back in the tools' coordinate space.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-a11y.h"
#include "porthole-desktop-wait.h"
#include "porthole-json.h"
#include "porthole-mcp-action.h"
#include "porthole-mcp-capture.h"
#include "porthole-mcp-desktop.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"

/* Every {x, y, width, height} and {center_x, center_y} in @node, from
 * screen pixels to the tools' space. */
static void
convert_geometry (const PortholeMcpSpace *space,
                  JsonNode               *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        convert_geometry (space, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      if (json_object_has_member (object, "x") && json_object_has_member (object, "y") &&
          json_object_has_member (object, "width") && json_object_has_member (object, "height"))
        {
          PortholeRect native = {
            json_object_get_int_member (object, "x"), json_object_get_int_member (object, "y"),
            json_object_get_int_member (object, "width"), json_object_get_int_member (object, "height"),
          };
          PortholeRect rect;

          porthole_mcp_space_rect_from_native (space, &native, &rect);
          json_object_set_int_member (object, "x", rect.x);
          json_object_set_int_member (object, "y", rect.y);
          json_object_set_int_member (object, "width", rect.width);
          json_object_set_int_member (object, "height", rect.height);
        }
      if (json_object_has_member (object, "center_x") && json_object_has_member (object, "center_y"))
        {
          int x, y;

          porthole_mcp_space_from_native (space, json_object_get_int_member (object, "center_x"),
                                          json_object_get_int_member (object, "center_y"), &x, &y);
          json_object_set_int_member (object, "center_x", x);
          json_object_set_int_member (object, "center_y", y);
        }

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &member, &value))
        if (!JSON_NODE_HOLDS_VALUE (value))
          convert_geometry (space, value);
    }
}

static PortholeA11y *
get_a11y (PortholeMcpCall *call,
          PortholeDesktop *desktop)
{
  PortholeA11y *a11y = porthole_desktop_get_a11y (desktop);

  if (a11y == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INTERNAL_ERROR,
                                                     "Accessibility (AT-SPI) is not available on this desktop");

      porthole_mcp_call_fail_tool (call, error);
    }
  return a11y;
}

/* accessibility_snapshot */

typedef struct
{
  PortholeMcpCall *call;
  PortholeMcpSpace space;
} SnapshotCall;

static void
on_snapshot (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SnapshotCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = porthole_a11y_snapshot_finish (PORTHOLE_A11Y (object), result, &error);

  if (reply == NULL)
    porthole_mcp_call_fail_tool (call->call, error);
  else
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), reply);
      JsonArray *nodes = json_object_get_array_member (reply, "nodes");
      g_autofree char *text = NULL;

      convert_geometry (&call->space, node);
      text = porthole_a11y_tree_to_text (nodes);
      json_object_set_string_member (reply, "text", text);
      porthole_mcp_call_add_text (call->call, *text ? text : "No accessible widgets");
      porthole_mcp_call_set_structured (call->call, reply);
      porthole_mcp_call_finish_tool (call->call);
    }

  g_object_unref (call->call);
  g_free (call);
}

static void
tool_accessibility_snapshot (PortholeMcpCall *call,
                             JsonObject      *arguments,
                             gpointer         user_data)
{
  PortholeA11yTreeOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  PortholeDesktop *desktop;
  PortholeA11y *a11y;
  SnapshotCall *snapshot = g_new0 (SnapshotCall, 1);

  desktop = porthole_mcp_desktop_begin (call, arguments, &snapshot->space);
  if (desktop == NULL || (a11y = get_a11y (call, desktop)) == NULL)
    {
      g_free (snapshot);
      return;
    }

  if (!porthole_a11y_tree_options_parse (&options, arguments, &error))
    {
      porthole_mcp_call_fail_tool (call, error);
      g_free (snapshot);
      return;
    }

  snapshot->call = g_object_ref (call);
  porthole_a11y_snapshot_async (a11y, &options, porthole_mcp_call_get_cancellable (call), on_snapshot, snapshot);
}

/* act */

static void
on_acted (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeMcpAction) action = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = porthole_a11y_act_finish (PORTHOLE_A11Y (object), result, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (reply == NULL)
    {
      porthole_mcp_action_fail (action, error);
      return;
    }

  node = json_node_init_object (json_node_alloc (), reply);
  convert_geometry (porthole_mcp_action_get_space (action), node);
  text = g_strdup_printf ("Did %s on %s", porthole_json_object_get_string (reply, "action") ?: "the action",
                          porthole_json_object_get_string (reply, "ref") ?: "the widget");
  porthole_mcp_action_complete (action, reply, text);
}

static void
tool_act (PortholeMcpCall *call,
          JsonObject      *arguments,
          gpointer         user_data)
{
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_desktop_begin (call, arguments, &space);
  PortholeA11y *a11y;

  if (desktop == NULL || (a11y = get_a11y (call, desktop)) == NULL)
    return;

  porthole_a11y_act_async (a11y, json_object_get_string_member (arguments, "ref"),
                           json_object_get_string_member_with_default (arguments, "action", "click"),
                           json_object_get_string_member_with_default (arguments, "text", NULL),
                           porthole_mcp_call_get_cancellable (call), on_acted,
                           porthole_mcp_action_new (call, desktop, &space, arguments));
}

/* wait_for */

typedef struct
{
  PortholeMcpCall *call;
  PortholeDesktop *desktop;
  PortholeMcpSpace space;
  JsonObject *reply;
  char *text;
} WaitCall;

static void
wait_call_free (WaitCall *wait)
{
  g_object_unref (wait->call);
  g_object_unref (wait->desktop);
  g_clear_pointer (&wait->reply, json_object_unref);
  g_free (wait->text);
  g_free (wait);
}

static void
finish_wait (WaitCall        *wait,
             PortholeMcpShot *shot)
{
  porthole_mcp_call_add_text (wait->call, wait->text);
  if (shot != NULL)
    {
      json_object_set_object_member (wait->reply, "screenshot", porthole_mcp_shot_to_json (shot));
      porthole_mcp_call_add_image (wait->call, shot->data, porthole_image_format_get_mime_type (shot->format));
    }
  porthole_mcp_call_set_structured (wait->call, wait->reply);
  porthole_mcp_call_finish_tool (wait->call);
  wait_call_free (wait);
}

static void
on_wait_shot (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  WaitCall *wait = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeMcpShot) shot = porthole_mcp_capture_finish (result, &error);

  if (shot == NULL)
    {
      porthole_mcp_call_fail_tool (wait->call, error);
      wait_call_free (wait);
      return;
    }

  finish_wait (wait, shot);
}

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  WaitCall *wait = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *arguments;
  PortholeMcpShotOptions options = { 0 };

  wait->reply = porthole_desktop_wait_finish (PORTHOLE_DESKTOP (object), result, &error);
  if (wait->reply == NULL)
    {
      porthole_mcp_call_fail_tool (wait->call, error);
      wait_call_free (wait);
      return;
    }

  node = json_node_init_object (json_node_alloc (), wait->reply);
  convert_geometry (&wait->space, node);
  wait->text = g_strdup_printf ("%s: %s after %" G_GINT64_FORMAT " ms",
                                json_object_get_string_member (wait->reply, "condition"),
                                json_object_get_boolean_member (wait->reply, "matched") ? "happened" : "timed out",
                                json_object_get_int_member (wait->reply, "elapsed_ms"));

  arguments = porthole_json_object_get_object (porthole_mcp_call_get_params (wait->call), "arguments");
  if (arguments == NULL || !json_object_get_boolean_member_with_default (arguments, "screenshot", FALSE))
    {
      finish_wait (wait, NULL);
      return;
    }

  porthole_mcp_shot_options_from_arguments (&options, arguments);
  porthole_mcp_capture_async (wait->desktop, &wait->space, NULL, &options,
                              porthole_mcp_call_get_cancellable (wait->call), on_wait_shot, wait);
}

static void
tool_wait_for (PortholeMcpCall *call,
               JsonObject      *arguments,
               gpointer         user_data)
{
  g_auto(PortholeWaitOptions) options = { 0 };
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *region = porthole_json_object_get_object (arguments, "region");
  PortholeDesktop *desktop;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  WaitCall *wait;

  wait = g_new0 (WaitCall, 1);
  desktop = porthole_mcp_desktop_begin (call, arguments, &wait->space);
  if (desktop == NULL)
    {
      g_free (wait);
      return;
    }
  wait->call = g_object_ref (call);
  wait->desktop = g_object_ref (desktop);

  /* The REST route's fields, with the region in screen pixels and the
   * screenshot ours (in the tools' space). */
  json_object_iter_init (&iter, arguments);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_str_equal (member, "region") && !g_str_equal (member, "screenshot"))
      json_object_set_member (fields, member, json_node_copy (value));
  if (region != NULL)
    {
      PortholeRect native;

      if (!porthole_mcp_space_rect_to_native (&wait->space, region, &native, &error))
        goto failed;
      json_object_set_object_member (fields, "region", porthole_mcp_space_rect_to_json (&native));
    }

  if (!porthole_wait_options_parse (&options, fields, &error))
    goto failed;

  porthole_desktop_wait_async (desktop, &options, porthole_mcp_call_get_cancellable (call), on_waited, wait);
  return;

failed:
  porthole_mcp_call_fail_tool (call, error);
  wait_call_free (wait);
}

void
porthole_mcp_a11y_tools_register (PortholeMcpRegistry *registry,
                                  PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "accessibility_snapshot", tool_accessibility_snapshot },
    { "act", tool_act },
    { "wait_for", tool_wait_for },
  };

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-a11y-tools.json",
                                   entries, G_N_ELEMENTS (entries), server);
  porthole_mcp_desktop_add_action_arguments (registry, "act");
}
