/* porthole-mcp-capture.c
 *
 * The pixels come from the capture the REST screenshot routes use (one
 * MIT-SHM grab on the main thread), the pointer from XFixes, and the
 * encoding (scaling included) from the image encoder plugin in a worker
 * thread. The image is exactly the size the tools' coordinates count in,
 * so that a point read off it is a point a click goes to.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "porthole-mcp-capture.h"
#include "porthole-mcp-message.h"
#include "porthole-plugin.h"
#include "porthole-x11-cursor.h"

typedef struct
{
  PortholeMcpShot *shot;
  PortholeImageOptions image;
} Capture;

static void
capture_free (Capture *capture)
{
  g_clear_pointer (&capture->shot, porthole_mcp_shot_free);
  g_free (capture);
}

void
porthole_mcp_shot_free (PortholeMcpShot *shot)
{
  g_clear_pointer (&shot->data, g_bytes_unref);
  g_free (shot);
}

/**
 * porthole_mcp_shot_options_from_arguments:
 *
 * format ("png", "jpeg"), quality, show_pointer (the tools' schemas
 * checked their types).
 */
void
porthole_mcp_shot_options_from_arguments (PortholeMcpShotOptions *options,
                                          JsonObject             *arguments)
{
  const char *format = json_object_get_string_member_with_default (arguments, "format", "png");

  if (!porthole_image_format_from_string (format, &options->format))
    options->format = PORTHOLE_IMAGE_FORMAT_PNG;
  options->quality = json_object_get_int_member_with_default (arguments, "quality", 80);
  options->pointer = json_object_get_boolean_member_with_default (arguments, "show_pointer", TRUE);
}

static void
on_encoded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Capture *capture = g_task_get_task_data (task);
  GError *error = NULL;

  capture->shot->data = porthole_image_encode_finish (result, &error);
  if (capture->shot->data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&capture->shot), (GDestroyNotify) porthole_mcp_shot_free);
}

/**
 * porthole_mcp_capture_async:
 * @native_area: (nullable): screen pixels to show; %NULL for all
 *
 * A screenshot: @native_area (clipped to the screen) scaled to the
 * tools' space, or at screen resolution with options->native or when
 * @space counts in screen pixels (screen_coordinates).
 */
void
porthole_mcp_capture_async (PortholeDesktop              *desktop,
                            const PortholeMcpSpace       *space,
                            const PortholeRect           *native_area,
                            const PortholeMcpShotOptions *options,
                            GCancellable                 *cancellable,
                            GAsyncReadyCallback           callback,
                            gpointer                      user_data)
{
  g_autoptr(GTask) task = g_task_new (desktop, cancellable, callback, user_data);
  g_autoptr(PortholeFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  PortholeRect area = { 0, 0, space->native_width, space->native_height };
  PortholeX11Display *display = porthole_desktop_get_display (desktop);
  Capture *capture;
  /* Screen pixels for zoom, and for a caller who counts in them. */
  gboolean native = options->native || space->native;
  double scale = native ? 1.0 : (double) space->width / space->native_width;
  int x, y;

  g_task_set_source_tag (task, porthole_mcp_capture_async);

  if (porthole_plugin_load (PORTHOLE_PLUGIN_IMAGE_ENCODER, &error) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (native_area != NULL && !porthole_rect_intersect (native_area, &area, &area))
    {
      g_task_return_new_error (task, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS,
                               "The region is not on the screen");
      return;
    }

  frame = porthole_x11_capture_grab (porthole_desktop_get_capture (desktop), native_area ? &area : NULL, &error);
  if (frame == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  capture = g_new0 (Capture, 1);
  capture->shot = g_new0 (PortholeMcpShot, 1);
  capture->shot->format = options->format;
  capture->shot->native = *porthole_frame_get_area (frame);
  capture->shot->pointer_x = capture->shot->pointer_y = -1;
  /* Coordinates in the caller's space, zoomed or not. */
  porthole_mcp_space_rect_from_native (space, &capture->shot->native, &capture->shot->rect);
  g_task_set_task_data (task, capture, (GDestroyNotify) capture_free);

  if (options->pointer)
    {
      g_autoptr(PortholeCursorImage) cursor = porthole_x11_cursor_grab (display);

      if (cursor != NULL)
        {
          frame = porthole_frame_with_cursor (g_steal_pointer (&frame), cursor);
          porthole_mcp_space_from_native (space, cursor->x, cursor->y, &x, &y);
          capture->shot->pointer_x = x;
          capture->shot->pointer_y = y;
        }
    }

  /* The whole screen is exactly the tools' size; a region its share. */
  if (native)
    {
      capture->shot->width = capture->shot->native.width;
      capture->shot->height = capture->shot->native.height;
    }
  else if (native_area == NULL)
    {
      capture->shot->width = space->width;
      capture->shot->height = space->height;
    }
  else
    {
      capture->shot->width = MAX (1, (int) lround (capture->shot->native.width * scale));
      capture->shot->height = MAX (1, (int) lround (capture->shot->native.height * scale));
    }

  capture->image.format = options->format;
  capture->image.quality = CLAMP (options->quality, 1, 100);
  capture->image.width = capture->shot->width;
  capture->image.height = capture->shot->height;
  porthole_image_encode_async (frame, &capture->image, cancellable, on_encoded, g_steal_pointer (&task));
}

/**
 * porthole_mcp_capture_finish:
 *
 * Returns: (transfer full): the screenshot
 */
PortholeMcpShot *
porthole_mcp_capture_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * porthole_mcp_shot_to_json:
 *
 * Returns: (transfer full): what the image is: {width, height, format,
 *   region (tools' space), pointer}
 */
JsonObject *
porthole_mcp_shot_to_json (const PortholeMcpShot *shot)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "width", shot->width);
  json_object_set_int_member (object, "height", shot->height);
  json_object_set_string_member (object, "format", porthole_image_format_to_string (shot->format));
  json_object_set_object_member (object, "region", porthole_mcp_space_rect_to_json (&shot->rect));
  if (shot->pointer_x >= 0)
    {
      JsonObject *pointer = json_object_new ();

      json_object_set_int_member (pointer, "x", shot->pointer_x);
      json_object_set_int_member (pointer, "y", shot->pointer_y);
      json_object_set_object_member (object, "pointer", pointer);
    }
  else
    json_object_set_null_member (object, "pointer");

  return object;
}
