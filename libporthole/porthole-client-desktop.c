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
bytes_cb (GObject      *object,
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

  porthole_client_send_async (self, msg, cancellable, bytes_cb, g_steal_pointer (&task));
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

/**
 * porthole_client_list_windows_async:
 *
 * The desktop's top-level windows (GET /desktop/windows/list).
 */
void
porthole_client_list_windows_async (PortholeClient      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  porthole_client_call_async (self, "GET", PORTHOLE_ROUTE_DESKTOP_WINDOWS_LIST, NULL,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_list_windows_finish:
 *
 * Returns: (transfer full): the window objects (`id`, `title`, `pid`,
 *   `x`, `y`, `width`, `height`, `is_active`, `is_minimized`…)
 */
JsonArray *
porthole_client_list_windows_finish (PortholeClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_autoptr(JsonObject) reply = porthole_client_call_finish (self, result, error);
  JsonNode *windows;

  if (reply == NULL)
    return NULL;

  windows = json_object_get_member (reply, "windows");
  if (windows == NULL || !JSON_NODE_HOLDS_ARRAY (windows))
    {
      g_set_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL,
                   "The window list has no windows array");
      return NULL;
    }

  return json_array_ref (json_node_get_array (windows));
}

/**
 * porthole_client_window_action_async:
 * @action: `focus`, `close` or `minimize`
 * @window_id: the X11 window id
 *
 * POST /desktop/windows/{action}; end with
 * porthole_client_call_finish_boolean().
 */
void
porthole_client_window_action_async (PortholeClient      *self,
                                     const char          *action,
                                     gint64               window_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *path = NULL;

  g_return_if_fail (g_strcmp0 (action, "focus") == 0 || g_strcmp0 (action, "close") == 0 ||
                    g_strcmp0 (action, "minimize") == 0);

  path = g_strconcat (PORTHOLE_ROUTE_DESKTOP_WINDOWS "/", action, NULL);
  json_object_set_int_member (body, "window_id", window_id);
  porthole_client_call_async (self, "POST", path, body, cancellable, callback, user_data);
}

/**
 * porthole_client_capture_window_async:
 * @window_id: the X11 window id
 *
 * One window's picture, as PNG (GET /desktop/x11/capture_window).
 * End with porthole_client_screenshot_finish().
 */
void
porthole_client_capture_window_async (PortholeClient      *self,
                                      gint64               window_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_screenshot_async);

  path = g_strdup_printf (PORTHOLE_ROUTE_DESKTOP_X11_CAPTURE_WINDOW "?window_id=%" G_GINT64_FORMAT, window_id);
  msg = porthole_client_new_message (self, "GET", path, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "image/png");
  porthole_client_send_async (self, msg, cancellable, bytes_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_start_recording_async:
 * @fps: frames per second, 0 for the daemon's default
 * @format: (nullable): `mp4` or `webm`
 * @quality: (nullable): `low`, `medium` or `high`
 *
 * POST /desktop/recording/start; end with porthole_client_call_finish()
 * (`recording_id`, `status`, `start_time`…).
 */
void
porthole_client_start_recording_async (PortholeClient      *self,
                                       guint                fps,
                                       const char          *format,
                                       const char          *quality,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  if (fps > 0)
    json_object_set_int_member (body, "fps", fps);
  if (format != NULL)
    json_object_set_string_member (body, "format", format);
  if (quality != NULL)
    json_object_set_string_member (body, "quality", quality);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_RECORDING_START, body,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_stop_recording_async:
 * @recording_id: the recording to stop
 *
 * POST /desktop/recording/stop, answered once the file is complete; end
 * with porthole_client_call_finish() (`status`, `duration`,
 * `file_size`…).
 */
void
porthole_client_stop_recording_async (PortholeClient      *self,
                                      const char          *recording_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (recording_id != NULL);

  json_object_set_string_member (body, "recording_id", recording_id);
  porthole_client_call_async (self, "POST", PORTHOLE_ROUTE_DESKTOP_RECORDING_STOP, body,
                              cancellable, callback, user_data);
}

/**
 * porthole_client_get_recording_async:
 * @recording_id: a recording's id
 *
 * GET /desktop/recording/status; end with porthole_client_call_finish().
 */
void
porthole_client_get_recording_async (PortholeClient      *self,
                                     const char          *recording_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (recording_id != NULL);

  escaped = g_uri_escape_string (recording_id, NULL, FALSE);
  path = g_strconcat (PORTHOLE_ROUTE_DESKTOP_RECORDING_STATUS "?recording_id=", escaped, NULL);
  porthole_client_call_async (self, "GET", path, NULL, cancellable, callback, user_data);
}

typedef struct
{
  GFile *destination;
  GFileOutputStream *output;
  GInputStream *input;
  SoupMessage *msg;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->destination);
  g_clear_object (&download->output);
  g_clear_object (&download->input);
  g_clear_object (&download->msg);
  g_free (download);
}

static void
download_spliced_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
download_replaced_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  download->output = g_file_replace_finish (G_FILE (object), result, &error);
  if (download->output == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_output_stream_splice_async (G_OUTPUT_STREAM (download->output), download->input,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                download_spliced_cb, g_object_ref (task));
}

static void
download_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  download->input = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (download->input == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  status = soup_message_get_status (download->msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* An error answer is a small JSON body. */
      g_autoptr(GBytes) body = g_input_stream_read_bytes (download->input, 64 * 1024, NULL, NULL);

      g_task_return_error (task, porthole_client_error_from_response (status, body));
      return;
    }

  /* Streamed to the file as it arrives: a recording can be large. */
  g_file_replace_async (download->destination, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                        download_replaced_cb, g_object_ref (task));
}

/**
 * porthole_client_download_recording_async:
 * @recording_id: a finished recording
 * @destination: where the video goes (replaced)
 *
 * GET /desktop/recording/download, written to @destination as it
 * arrives. End with porthole_client_download_recording_finish().
 */
void
porthole_client_download_recording_async (PortholeClient      *self,
                                          const char          *recording_id,
                                          GFile               *destination,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  Download *download;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (recording_id != NULL);
  g_return_if_fail (G_IS_FILE (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_download_recording_async);
  download = g_new0 (Download, 1);
  download->destination = g_object_ref (destination);
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);

  escaped = g_uri_escape_string (recording_id, NULL, FALSE);
  path = g_strconcat (PORTHOLE_ROUTE_DESKTOP_RECORDING_DOWNLOAD "?recording_id=", escaped, NULL);
  download->msg = porthole_client_new_message (self, "GET", path, &error);
  if (download->msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  soup_session_send_async (porthole_client_get_session (self), download->msg, G_PRIORITY_DEFAULT,
                           cancellable, download_sent_cb, g_steal_pointer (&task));
}

gboolean
porthole_client_download_recording_finish (PortholeClient  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
