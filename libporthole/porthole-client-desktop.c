/* porthole-client-desktop.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-client-desktop.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

/* A full-screen update in one RFB message can be large; the bridge
 * carries whatever the VNC server wrote in one frame. */
#define VNC_MAX_MESSAGE (64 * 1024 * 1024)

static void
screenshot_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *bytes;

  bytes = porthole_client_send_finish (PORTHOLE_CLIENT (object), result, NULL, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

/**
 * porthole_client_screenshot_async:
 * @format: `png` or `jpeg`
 * @quality: 1 to 100 for JPEG, 0 for the daemon's default
 *
 * The whole screen, as the encoded image (POST /desktop/screenshot).
 */
void
porthole_client_screenshot_async (PortholeClient      *self,
                                  const char          *format,
                                  int                  quality,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (format != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_screenshot_async);

  msg = porthole_client_new_message (self, "POST", PORTHOLE_ROUTE_DESKTOP_SCREENSHOT, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  json_object_set_string_member (body, "format", format);
  if (quality > 0)
    json_object_set_int_member (body, "quality", quality);
  bytes = porthole_json_object_to_bytes (body);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  /* Not application/json: that asks for the base64 form (API.md §8.5). */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "image/*");

  porthole_client_send_async (self, msg, cancellable, screenshot_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_screenshot_finish:
 *
 * Returns: (transfer full): the PNG or JPEG bytes
 */
GBytes *
porthole_client_screenshot_finish (PortholeClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
read_size (JsonObject   *object,
           PortholeSize *size)
{
  gint64 width, height;

  if (object == NULL ||
      !porthole_json_node_get_int (json_object_get_member (object, "width"), &width) ||
      !porthole_json_node_get_int (json_object_get_member (object, "height"), &height) ||
      width <= 0 || height <= 0 || width > G_MAXINT || height > G_MAXINT)
    return FALSE;

  size->width = width;
  size->height = height;

  return TRUE;
}

void
porthole_client_get_display_async (PortholeClient      *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_DESKTOP_DISPLAY_CURRENT, NULL,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_get_display_finish:
 * @size: (out): the screen's size
 */
gboolean
porthole_client_get_display_finish (PortholeClient  *self,
                                    GAsyncResult    *result,
                                    PortholeSize    *size,
                                    GError         **error)
{
  g_autoptr(JsonObject) reply = porthole_client_call_finish (self, result, error);

  if (reply == NULL)
    return FALSE;

  if (!read_size (reply, size))
    {
      g_set_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL, "The display has no size");
      return FALSE;
    }

  return TRUE;
}

void
porthole_client_list_resolutions_async (PortholeClient      *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_DESKTOP_DISPLAY_AVAILABLE, NULL,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_list_resolutions_finish:
 * @current: (out) (optional): the size in force
 *
 * Returns: (transfer full) (element-type PortholeSize): the sizes
 *   /desktop/display/set accepts, in the daemon's order
 */
GArray *
porthole_client_list_resolutions_finish (PortholeClient  *self,
                                         GAsyncResult    *result,
                                         PortholeSize    *current,
                                         GError         **error)
{
  g_autoptr(JsonObject) reply = porthole_client_call_finish (self, result, error);
  g_autoptr(GArray) sizes = NULL;
  JsonNode *node;

  if (reply == NULL)
    return NULL;

  node = json_object_get_member (reply, "resolutions");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL, "No resolutions in the answer");
      return NULL;
    }

  sizes = g_array_new (FALSE, FALSE, sizeof (PortholeSize));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
      gint64 width, height;
      PortholeSize size;

      if (pair == NULL || json_array_get_length (pair) != 2 ||
          !porthole_json_node_get_int (json_array_get_element (pair, 0), &width) ||
          !porthole_json_node_get_int (json_array_get_element (pair, 1), &height) ||
          width <= 0 || height <= 0 || width > G_MAXINT || height > G_MAXINT)
        continue;

      size.width = width;
      size.height = height;
      g_array_append_val (sizes, size);
    }

  if (current != NULL && !read_size (porthole_json_object_get_object (reply, "current"), current))
    current->width = current->height = 0;

  return g_steal_pointer (&sizes);
}

void
porthole_client_set_resolution_async (PortholeClient      *self,
                                      int                  width,
                                      int                  height,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_int_member (body, "width", width);
  json_object_set_int_member (body, "height", height);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_DISPLAY_SET, body,
                              cancellable, callback, user_data);
}

gboolean
porthole_client_set_resolution_finish (PortholeClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return porthole_client_call_finish_boolean (self, result, error);
}

void
porthole_client_get_clipboard_async (PortholeClient      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_DESKTOP_CLIPBOARD_GET, NULL,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_get_clipboard_finish:
 *
 * Returns: (transfer full): the CLIPBOARD text of the remote desktop
 */
char *
porthole_client_get_clipboard_finish (PortholeClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_autoptr(JsonObject) reply = porthole_client_call_finish (self, result, error);
  const char *text;

  if (reply == NULL)
    return NULL;

  text = porthole_json_object_get_string (reply, "text");
  if (text == NULL)
    text = porthole_json_object_get_string (reply, "content");

  return g_strdup (text ? text : "");
}

void
porthole_client_set_clipboard_async (PortholeClient      *self,
                                     const char          *text,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (text != NULL);

  json_object_set_string_member (body, "text", text);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_CLIPBOARD_SET, body,
                              cancellable, callback, user_data);
}

gboolean
porthole_client_set_clipboard_finish (PortholeClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return porthole_client_call_finish_boolean (self, result, error);
}

static const char *
button_name (PortholeMouseButton button)
{
  switch (button)
    {
    case PORTHOLE_MOUSE_BUTTON_MIDDLE:
      return "middle";
    case PORTHOLE_MOUSE_BUTTON_RIGHT:
      return "right";
    case PORTHOLE_MOUSE_BUTTON_LEFT:
    default:
      return "left";
    }
}

void
porthole_client_mouse_click_async (PortholeClient      *self,
                                   int                  x,
                                   int                  y,
                                   PortholeMouseButton  button,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_int_member (body, "x", x);
  json_object_set_int_member (body, "y", y);
  json_object_set_string_member (body, "button", button_name (button));
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_MOUSE_CLICK, body,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_mouse_scroll_async:
 * @delta_x: clicks to the right (negative: left)
 * @delta_y: clicks down (negative: up)
 */
void
porthole_client_mouse_scroll_async (PortholeClient      *self,
                                    int                  x,
                                    int                  y,
                                    int                  delta_x,
                                    int                  delta_y,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_int_member (body, "x", x);
  json_object_set_int_member (body, "y", y);
  json_object_set_int_member (body, "delta_x", delta_x);
  json_object_set_int_member (body, "delta_y", delta_y);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_MOUSE_SCROLL, body,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_key_press_async:
 * @key: an X keysym name, an alias or a `+` chord (API.md §8.0)
 */
void
porthole_client_key_press_async (PortholeClient      *self,
                                 const char          *key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (key != NULL);

  json_object_set_string_member (body, "key", key);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_KEYBOARD_PRESS, body,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_key_combination_async:
 * @keys: (array zero-terminated=1): key names, pressed in order and
 *   released in reverse
 */
void
porthole_client_key_combination_async (PortholeClient      *self,
                                       const char * const  *keys,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *array = json_array_new ();

  g_return_if_fail (keys != NULL && keys[0] != NULL);

  for (guint i = 0; keys[i] != NULL; i++)
    json_array_add_string_element (array, keys[i]);
  json_object_set_array_member (body, "keys", array);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_KEYBOARD_COMBINATION, body,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_start_vnc_async:
 *
 * Starts the daemon's VNC server (POST /desktop/vnc/start); starting a
 * running one is fine and changes nothing.
 */
void
porthole_client_start_vnc_async (PortholeClient      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_VNC_START, body,
                              cancellable, callback, user_data);
}

gboolean
porthole_client_start_vnc_finish (PortholeClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return porthole_client_call_finish_boolean (self, result, error);
}

/**
 * porthole_client_open_vnc_async:
 *
 * Opens the daemon's VNC bridge: a WebSocket (subprotocol
 * %PORTHOLE_VNC_WEBSOCKET_PROTOCOL) whose binary frames carry RFB,
 * already authenticated by the token. The VNC server must be running
 * (porthole_client_start_vnc_async()); the daemon closes the socket at
 * once otherwise.
 */
void
porthole_client_open_vnc_async (PortholeClient      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  const char *protocols[] = { PORTHOLE_VNC_WEBSOCKET_PROTOCOL, NULL };

  porthole_client_websocket_connect_full_async (self, PORTHOLE_ROUTE_DESKTOP_VNC_WEBSOCKIFY, protocols,
                                                VNC_MAX_MESSAGE, cancellable, callback, user_data);
}

/**
 * porthole_client_open_vnc_finish:
 *
 * Returns: (transfer full): the bridge's WebSocket, or %NULL
 */
SoupWebsocketConnection *
porthole_client_open_vnc_finish (PortholeClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return porthole_client_websocket_connect_finish (self, result, error);
}
