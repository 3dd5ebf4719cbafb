/* porthole-desktop-display-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-display-routes.h"
#include "porthole-desktop-request.h"
#include "porthole-protocol.h"

/* [[w, h], ...]: the JS type, and pairs for py (API.md §8.8). */
static JsonArray *
sizes_to_json (GArray *sizes)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < sizes->len; i++)
    {
      PortholeSize *size = &g_array_index (sizes, PortholeSize, i);
      JsonArray *pair = json_array_new ();

      json_array_add_int_element (pair, size->width);
      json_array_add_int_element (pair, size->height);
      json_array_add_array_element (array, pair);
    }

  return array;
}

static JsonObject *
build_current (PortholeDesktop *desktop)
{
  PortholeX11Display *display = porthole_desktop_get_display (desktop);
  PortholeX11Randr *randr = porthole_desktop_get_randr (desktop);
  g_autoptr(GPtrArray) outputs = porthole_x11_randr_list_outputs (randr);
  JsonObject *reply = json_object_new ();
  g_autofree char *resolution = NULL;
  JsonArray *displays = json_array_new ();
  int width, height;

  porthole_x11_display_get_size (display, &width, &height);
  resolution = g_strdup_printf ("%dx%d", width, height);

  for (guint i = 0; i < outputs->len; i++)
    {
      PortholeOutputInfo *output = g_ptr_array_index (outputs, i);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "id", output->id);
      json_object_set_string_member (object, "name", output->name);
      json_object_set_int_member (object, "x", output->geometry.x);
      json_object_set_int_member (object, "y", output->geometry.y);
      json_object_set_int_member (object, "width", output->geometry.width);
      json_object_set_int_member (object, "height", output->geometry.height);
      json_object_set_boolean_member (object, "primary", output->primary);
      json_array_add_object_element (displays, object);
    }

  json_object_set_int_member (reply, "width", width);
  json_object_set_int_member (reply, "height", height);
  json_object_set_int_member (reply, "depth", porthole_x11_display_get_depth (display));
  json_object_set_int_member (reply, "refresh_rate", porthole_x11_randr_get_refresh_rate (randr));
  json_object_set_string_member (reply, "resolution", resolution);
  json_object_set_string_member (reply, "display", porthole_x11_display_get_name (display));
  json_object_set_array_member (reply, "displays", displays);

  return reply;
}

void
porthole_desktop_handle_display_current (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) reply = NULL;

  if (desktop == NULL)
    return;

  reply = build_current (desktop);
  porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_display_set (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 width, height, depth;

  if (desktop == NULL ||
      !porthole_request_require_int (req, "width", &width) ||
      !porthole_request_require_int (req, "height", &height) ||
      !porthole_request_get_int (req, "depth", 0, &depth))
    return;

  if (depth != 0 && depth != porthole_x11_display_get_depth (porthole_desktop_get_display (desktop)))
    {
      porthole_request_reply_invalid (req, "depth", "The depth of a running X server cannot change (it is %d)",
                                      porthole_x11_display_get_depth (porthole_desktop_get_display (desktop)));
      return;
    }

  if (width < 1 || height < 1 || width > G_MAXINT16 || height > G_MAXINT16 ||
      !porthole_x11_randr_set_size (porthole_desktop_get_randr (desktop), width, height, &error))
    {
      if (error == NULL || g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST))
        {
          g_autoptr(JsonObject) details = json_object_new ();
          g_autoptr(GArray) sizes = porthole_x11_randr_list_sizes (porthole_desktop_get_randr (desktop));

          json_object_set_array_member (details, "available", sizes_to_json (sizes));
          porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_REQUEST, details,
                                        "Unsupported resolution %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
                                        width, height);
        }
      else
        porthole_desktop_request_reply_error (req, error);
      return;
    }

  reply = build_current (desktop);
  porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_display_available (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GArray) sizes = NULL;
  JsonObject *current;
  int width, height;

  if (desktop == NULL)
    return;

  sizes = porthole_x11_randr_list_sizes (porthole_desktop_get_randr (desktop));
  porthole_x11_display_get_size (porthole_desktop_get_display (desktop), &width, &height);
  current = json_object_new ();
  json_object_set_int_member (current, "width", width);
  json_object_set_int_member (current, "height", height);

  reply = json_object_new ();
  json_object_set_array_member (reply, "resolutions", sizes_to_json (sizes));
  json_object_set_object_member (reply, "current", current);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, sizes->len);
  porthole_desktop_request_reply_success (req, reply);
}
