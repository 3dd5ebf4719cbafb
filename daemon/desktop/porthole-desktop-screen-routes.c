/* porthole-desktop-screen-routes.c
 *
 * The pixels are taken on the main thread (MIT-SHM: about a millisecond)
 * and encoded in a GTask thread. What comes back is negotiated (API.md
 * §8.5, §14 #5, #6):
 *  - raw image bytes by default (py reads response.content);
 *  - full screenshot, `Accept: application/json` (axios) or
 *    encoding=base64: {image (base64), format, width, height, size, ...};
 *  - region, the same cases: {"type": "Buffer", "data": [bytes...], ...}
 *    so that the JS SDK's Buffer.from(body) gets the bytes back. That
 *    object must not have "length" or "buffer" members.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-buffer-json.h"
#include "porthole-desktop-request.h"
#include "porthole-desktop-screen-routes.h"
#include "porthole-image-encoder.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

typedef enum
{
  REPLY_RAW,
  REPLY_BASE64_JSON,
  REPLY_BUFFER_JSON,
} ReplyForm;

typedef struct
{
  PortholeRequest *req;
  PortholeImageOptions options;
  ReplyForm form;
} ScreenCall;

static void
screen_call_free (ScreenCall *call)
{
  g_object_unref (call->req);
  g_free (call);
}

static void
set_image_members (JsonObject   *reply,
                   ScreenCall   *call,
                   GBytes       *bytes)
{
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_string_member (reply, "image", base64);
  json_object_set_string_member (reply, "format", porthole_image_format_to_string (call->options.format));
  json_object_set_string_member (reply, "encoding", "base64");
  json_object_set_int_member (reply, "width", call->options.width);
  json_object_set_int_member (reply, "height", call->options.height);
  json_object_set_int_member (reply, "size", g_bytes_get_size (bytes));
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
}

/* {"type":"Buffer","data":[...], <members>} (porthole-buffer-json.c). */
static void
reply_buffer_json (ScreenCall *call,
                   GBytes     *bytes)
{
  g_autoptr(JsonObject) members = json_object_new ();
  g_autoptr(GInputStream) data = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) stream = NULL;
  gsize size;
  const guint8 *image = g_bytes_get_data (bytes, &size);

  set_image_members (members, call, bytes);
  stream = porthole_buffer_json_stream_new (data, size, porthole_buffer_json_count_digits (image, size), members);
  porthole_request_reply_stream (call->req, SOUP_STATUS_OK, "application/json", stream,
                                 porthole_buffer_json_stream_get_length (PORTHOLE_BUFFER_JSON_STREAM (stream)));
}

static void
on_encoded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ScreenCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = porthole_image_encode_finish (result, &error);

  if (bytes == NULL)
    porthole_desktop_request_reply_error (call->req, error);
  else if (call->form == REPLY_RAW)
    porthole_request_reply_bytes (call->req, SOUP_STATUS_OK,
                                  porthole_image_format_get_mime_type (call->options.format), bytes);
  else if (call->form == REPLY_BUFFER_JSON)
    reply_buffer_json (call, bytes);
  else
    {
      g_autoptr(JsonObject) reply = json_object_new ();

      set_image_members (reply, call, bytes);
      porthole_request_reply_json (call->req, SOUP_STATUS_OK, reply);
    }

  screen_call_free (call);
}

/* What the client asked of the image. */
typedef struct
{
  PortholeImageOptions options;
  double scale;
  int max_width;
  int max_height;
} ImageRequest;

/* format, quality, scale, max_width, max_height. */
static gboolean
get_image_request (PortholeRequest *req,
                   ImageRequest    *image)
{
  const char *format;
  gint64 quality, max_width, max_height;

  if (!porthole_request_get_string (req, "format", "png", &format) ||
      !porthole_request_get_int (req, "quality", 85, &quality) ||
      !porthole_request_get_double (req, "scale", 1.0, &image->scale) ||
      !porthole_request_get_int (req, "max_width", 0, &max_width) ||
      !porthole_request_get_int (req, "max_height", 0, &max_height))
    return FALSE;

  if (!porthole_image_format_from_string (format, &image->options.format))
    {
      porthole_request_reply_invalid (req, "format", "Invalid format \"%s\": expected png or jpeg", format);
      return FALSE;
    }
  if (quality < 1 || quality > 100)
    {
      porthole_request_reply_invalid (req, "quality", "quality must be 1 to 100");
      return FALSE;
    }
  if (!(image->scale > 0 && image->scale <= 1))
    {
      porthole_request_reply_invalid (req, "scale", "scale must be above 0 and at most 1");
      return FALSE;
    }
  if (max_width < 0 || max_height < 0 || max_width > G_MAXINT16 || max_height > G_MAXINT16)
    {
      porthole_request_reply_invalid (req, "max_width", "max_width and max_height must be 0 to 32767");
      return FALSE;
    }

  image->options.quality = quality;
  image->max_width = max_width;
  image->max_height = max_height;

  return TRUE;
}

/* The encoded size: the frame's, scaled, then fitted in the maxima. */
static void
set_output_size (ImageRequest  *image,
                 PortholeFrame *frame)
{
  double width = porthole_frame_get_width (frame) * image->scale;
  double height = porthole_frame_get_height (frame) * image->scale;

  if (image->max_width > 0 && width > image->max_width)
    {
      height = height * image->max_width / width;
      width = image->max_width;
    }
  if (image->max_height > 0 && height > image->max_height)
    {
      width = width * image->max_height / height;
      height = image->max_height;
    }

  image->options.width = MAX (1, (int) (width + 0.5));
  image->options.height = MAX (1, (int) (height + 0.5));
}

static void
capture_and_reply (PortholeRequest    *req,
                   PortholeDesktop    *desktop,
                   const PortholeRect *area,
                   ImageRequest       *image,
                   ReplyForm           form)
{
  g_autoptr(PortholeFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  ScreenCall *call;

  frame = porthole_x11_capture_grab (porthole_desktop_get_capture (desktop), area, &error);
  if (frame == NULL)
    {
      porthole_desktop_request_reply_error (req, error);
      return;
    }

  set_output_size (image, frame);

  call = g_new0 (ScreenCall, 1);
  call->req = g_object_ref (req);
  call->options = image->options;
  call->form = form;
  porthole_image_encode_async (frame, &call->options, porthole_request_get_cancellable (req),
                               on_encoded, call);
}

static gboolean
wants_json (PortholeRequest *req,
            gboolean        *json)
{
  const char *encoding;

  if (!porthole_request_get_string (req, "encoding", NULL, &encoding))
    return FALSE;

  *json = porthole_request_accepts_json (req) ||
          (encoding != NULL && g_ascii_strcasecmp (encoding, "base64") == 0);
  return TRUE;
}

/* The area of @window on screen; the whole screen when @window is None
 * and nothing is active. */
static gboolean
get_window_area (PortholeRequest  *req,
                 PortholeDesktop  *desktop,
                 Window            window,
                 PortholeRect     *area,
                 gboolean         *whole_screen)
{
  g_autoptr(PortholeWindowInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  PortholeX11Windows *windows = porthole_desktop_get_windows (desktop);

  *whole_screen = FALSE;
  if (window == None)
    {
      window = porthole_x11_windows_get_active (windows);
      if (window == None)
        {
          *whole_screen = TRUE;
          return TRUE;
        }
    }

  info = porthole_x11_windows_get_info (windows, window, &error);
  if (info == NULL)
    {
      porthole_desktop_request_reply_error (req, error);
      return FALSE;
    }

  *area = info->geometry;
  return TRUE;
}

void
porthole_desktop_handle_screenshot (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_with_plugin (req, PORTHOLE_PLUGIN_IMAGE_ENCODER);
  ImageRequest image = { 0 };
  PortholeRect area;
  gboolean json, whole_screen = TRUE;
  Window window;

  if (desktop == NULL ||
      !porthole_desktop_request_get_window (req, FALSE, &window) ||
      !get_image_request (req, &image) ||
      !wants_json (req, &json))
    return;

  if (window != None && !get_window_area (req, desktop, window, &area, &whole_screen))
    return;

  capture_and_reply (req, desktop, whole_screen ? NULL : &area, &image,
                     json ? REPLY_BASE64_JSON : REPLY_RAW);
}

void
porthole_desktop_handle_screenshot_region (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_with_plugin (req, PORTHOLE_PLUGIN_IMAGE_ENCODER);
  ImageRequest image = { 0 };
  PortholeRect area;
  gboolean json, present;

  if (desktop == NULL ||
      !porthole_desktop_request_get_area (req, NULL, TRUE, &present, &area) ||
      !get_image_request (req, &image) ||
      !wants_json (req, &json))
    return;

  if (!porthole_x11_capture_clip (porthole_desktop_get_capture (desktop), &area))
    {
      porthole_request_reply_invalid (req, "x", "The region is outside the screen");
      return;
    }

  capture_and_reply (req, desktop, &area, &image, json ? REPLY_BUFFER_JSON : REPLY_RAW);
}

/* Raw image always: both SDKs read it as bytes (API.md §8.5). */
void
porthole_desktop_handle_capture_window (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_with_plugin (req, PORTHOLE_PLUGIN_IMAGE_ENCODER);
  ImageRequest image = { 0 };
  PortholeRect area;
  gboolean whole_screen;
  Window window;

  if (desktop == NULL ||
      !porthole_desktop_request_get_window (req, FALSE, &window) ||
      !get_image_request (req, &image) ||
      !get_window_area (req, desktop, window, &area, &whole_screen))
    return;

  capture_and_reply (req, desktop, whole_screen ? NULL : &area, &image, REPLY_RAW);
}
