/* porthole-mcp-space.c
 *
 * Peers' most reported desktop bug is a click landing away from where
 * the model pointed, because screenshots are scaled and clicks are not.
 * Here every coordinate a desktop tool takes or returns goes through
 * these functions, with the scale of the screenshot tool's image; a
 * caller that wants X pixels says so per call (screen_coordinates).
 *
 * A pixel of the scaled image covers a block of screen pixels: a point
 * maps to the block's middle, so a click on a 1-pixel-wide line in the
 * image lands on the line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-json.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-space.h"

static void
compute (PortholeMcpSpace *space,
         int               width,
         int               height,
         guint             max_side)
{
  int longer = MAX (width, height);
  double scale = longer > (int) max_side ? (double) max_side / longer : 1.0;

  space->native_width = width;
  space->native_height = height;
  space->max_side = max_side;
  space->width = MAX (1, (int) lround (width * scale));
  space->height = MAX (1, (int) lround (height * scale));
}

/**
 * porthole_mcp_space_begin:
 * @arguments: (nullable): the tool's arguments (screen_coordinates)
 *
 * Connects to the desktop and reads the screen's size.
 *
 * Returns: (transfer none) (nullable): the desktop, or %NULL with @error
 */
PortholeDesktop *
porthole_mcp_space_begin (PortholeMcpCall   *call,
                          JsonObject        *arguments,
                          PortholeMcpSpace  *space,
                          GError           **error)
{
  PortholeDaemon *daemon = porthole_mcp_call_get_daemon (call);
  PortholeDesktop *desktop = porthole_daemon_get_desktop (daemon);
  int width, height;

  if (desktop == NULL || !porthole_desktop_ensure (desktop, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INTERNAL_ERROR, "No desktop");
      g_prefix_error (error, "The desktop is not available: ");
      return NULL;
    }

  porthole_x11_display_get_size (porthole_desktop_get_display (desktop), &width, &height);
  compute (space, width, height, porthole_config_get_mcp_screenshot_max_side (porthole_daemon_get_config (daemon)));
  space->native = arguments != NULL && json_object_get_boolean_member_with_default (arguments, "screen_coordinates", FALSE);

  return desktop;
}

/**
 * porthole_mcp_space_describe:
 * @desktop: where available, display, width, height (tools' space),
 *   native_width, native_height go
 */
void
porthole_mcp_space_describe (PortholeMcpCall *call,
                             JsonObject      *desktop)
{
  PortholeMcpSpace space = { 0 };
  PortholeDesktop *object = porthole_mcp_space_begin (call, NULL, &space, NULL);

  json_object_set_boolean_member (desktop, "available", object != NULL);
  if (object == NULL)
    return;

  json_object_set_string_member (desktop, "display", porthole_desktop_get_display_name (object));
  json_object_set_int_member (desktop, "width", space.width);
  json_object_set_int_member (desktop, "height", space.height);
  json_object_set_int_member (desktop, "native_width", space.native_width);
  json_object_set_int_member (desktop, "native_height", space.native_height);
}

/**
 * porthole_mcp_space_get_scale:
 *
 * Returns: image pixels per screen pixel (at most 1)
 */
double
porthole_mcp_space_get_scale (const PortholeMcpSpace *space)
{
  return (double) space->width / space->native_width;
}

void
porthole_mcp_space_to_native (const PortholeMcpSpace *space,
                              double                  x,
                              double                  y,
                              int                    *native_x,
                              int                    *native_y)
{
  double nx, ny;

  if (space->native)
    {
      nx = floor (x);
      ny = floor (y);
    }
  else
    {
      nx = floor ((floor (x) + 0.5) * space->native_width / space->width);
      ny = floor ((floor (y) + 0.5) * space->native_height / space->height);
    }

  *native_x = (int) CLAMP (nx, 0, space->native_width - 1);
  *native_y = (int) CLAMP (ny, 0, space->native_height - 1);
}

void
porthole_mcp_space_from_native (const PortholeMcpSpace *space,
                                int                     native_x,
                                int                     native_y,
                                int                    *x,
                                int                    *y)
{
  if (space->native)
    {
      *x = native_x;
      *y = native_y;
      return;
    }

  *x = (int) CLAMP (floor ((native_x + 0.5) * space->width / space->native_width), 0, space->width - 1);
  *y = (int) CLAMP (floor ((native_y + 0.5) * space->height / space->native_height), 0, space->height - 1);
}

/**
 * porthole_mcp_space_rect_to_native:
 * @region: {x, y, width, height} in the tools' space (schema-checked)
 * @native: (out): the screen area it covers, clipped to the screen
 *
 * Returns: %FALSE with @error if nothing of it is on the screen
 */
gboolean
porthole_mcp_space_rect_to_native (const PortholeMcpSpace  *space,
                                   JsonObject              *region,
                                   PortholeRect            *native,
                                   GError                 **error)
{
  double x = json_object_get_double_member_with_default (region, "x", 0);
  double y = json_object_get_double_member_with_default (region, "y", 0);
  double width = json_object_get_double_member_with_default (region, "width", 0);
  double height = json_object_get_double_member_with_default (region, "height", 0);
  double sx = space->native ? 1.0 : (double) space->native_width / space->width;
  double sy = space->native ? 1.0 : (double) space->native_height / space->height;
  double x0 = MAX (0, floor (x * sx)), y0 = MAX (0, floor (y * sy));
  double x1 = MIN (space->native_width, ceil ((x + width) * sx));
  double y1 = MIN (space->native_height, ceil ((y + height) * sy));

  if (width <= 0 || height <= 0 || x1 <= x0 || y1 <= y0)
    {
      g_set_error (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS,
                   "The region %g,%g %gx%g is not on the %dx%d screen", x, y, width, height,
                   space->native ? space->native_width : space->width,
                   space->native ? space->native_height : space->height);
      return FALSE;
    }

  *native = (PortholeRect) { x0, y0, x1 - x0, y1 - y0 };
  return TRUE;
}

void
porthole_mcp_space_rect_from_native (const PortholeMcpSpace *space,
                                     const PortholeRect     *native,
                                     PortholeRect           *rect)
{
  double sx, sy;
  int x0, y0, x1, y1;

  if (space->native)
    {
      *rect = *native;
      return;
    }

  sx = (double) space->width / space->native_width;
  sy = (double) space->height / space->native_height;
  x0 = floor (native->x * sx);
  y0 = floor (native->y * sy);
  x1 = ceil ((native->x + native->width) * sx);
  y1 = ceil ((native->y + native->height) * sy);
  *rect = (PortholeRect) { x0, y0, MAX (1, x1 - x0), MAX (1, y1 - y0) };
}

/**
 * porthole_mcp_space_rect_to_json:
 *
 * Returns: (transfer full): {x, y, width, height}
 */
JsonObject *
porthole_mcp_space_rect_to_json (const PortholeRect *rect)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "x", rect->x);
  json_object_set_int_member (object, "y", rect->y);
  json_object_set_int_member (object, "width", rect->width);
  json_object_set_int_member (object, "height", rect->height);
  return object;
}
