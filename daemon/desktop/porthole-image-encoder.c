/* porthole-image-encoder.c
 *
 * The image formats of the screenshot routes and the call into the
 * image-encoder plugin (porthole-image-encoder-av.c), loaded by the
 * first screenshot: libavcodec stays out of an idle portholed. Encoding
 * a 1920x1080 screen takes tens of milliseconds: callers use the async
 * variant, which runs in a GTask thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-image-encoder.h"
#include "porthole-plugin.h"

gboolean
porthole_image_format_from_string (const char          *text,
                                   PortholeImageFormat *format)
{
  if (text == NULL || g_ascii_strcasecmp (text, "png") == 0)
    *format = PORTHOLE_IMAGE_FORMAT_PNG;
  else if (g_ascii_strcasecmp (text, "jpeg") == 0 || g_ascii_strcasecmp (text, "jpg") == 0)
    *format = PORTHOLE_IMAGE_FORMAT_JPEG;
  else
    return FALSE;

  return TRUE;
}

const char *
porthole_image_format_to_string (PortholeImageFormat format)
{
  return format == PORTHOLE_IMAGE_FORMAT_JPEG ? "jpeg" : "png";
}

const char *
porthole_image_format_get_mime_type (PortholeImageFormat format)
{
  return format == PORTHOLE_IMAGE_FORMAT_JPEG ? "image/jpeg" : "image/png";
}

/**
 * porthole_image_encode:
 *
 * Thread-safe. Loads the image-encoder plugin the first time; without
 * it, fails with PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE.
 *
 * Returns: (transfer full): the encoded image
 */
GBytes *
porthole_image_encode (PortholeFrame               *frame,
                       const PortholeImageOptions  *options,
                       GError                     **error)
{
  const PortholeImageEncoderPlugin *plugin;

  plugin = porthole_plugin_load (PORTHOLE_PLUGIN_IMAGE_ENCODER, error);
  if (plugin == NULL)
    return NULL;

  return plugin->encode (frame, options, error);
}

typedef struct
{
  PortholeFrame *frame;
  PortholeImageOptions options;
} EncodeData;

static void
encode_data_free (EncodeData *data)
{
  porthole_frame_unref (data->frame);
  g_free (data);
}

static void
encode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  EncodeData *data = task_data;
  GError *error = NULL;
  GBytes *bytes;

  if (g_task_return_error_if_cancelled (task))
    return;

  bytes = porthole_image_encode (data->frame, &data->options, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
porthole_image_encode_async (PortholeFrame              *frame,
                             const PortholeImageOptions *options,
                             GCancellable               *cancellable,
                             GAsyncReadyCallback         callback,
                             gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  EncodeData *data;

  g_return_if_fail (frame != NULL);
  g_return_if_fail (options != NULL);

  data = g_new0 (EncodeData, 1);
  data->frame = porthole_frame_ref (frame);
  data->options = *options;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_image_encode_async);
  g_task_set_task_data (task, data, (GDestroyNotify) encode_data_free);
  g_task_run_in_thread (task, encode_thread);
}

GBytes *
porthole_image_encode_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
