/* porthole-image-encoder.h — frames to PNG or JPEG through libavcodec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-frame.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_IMAGE_FORMAT_PNG,
  PORTHOLE_IMAGE_FORMAT_JPEG,
} PortholeImageFormat;

typedef struct
{
  PortholeImageFormat format;
  /* 1-100, JPEG only */
  int quality;
  /* Output size; 0 keeps the frame's. */
  int width;
  int height;
} PortholeImageOptions;

gboolean    porthole_image_format_from_string (const char                  *text,
                                               PortholeImageFormat         *format);
const char *porthole_image_format_to_string   (PortholeImageFormat          format);
const char *porthole_image_format_get_mime_type (PortholeImageFormat        format);

/* The image-encoder plugin's table (porthole-plugin.h). */
#define PORTHOLE_PLUGIN_IMAGE_ENCODER "image-encoder"

typedef struct
{
  GBytes *(*encode) (PortholeFrame               *frame,
                     const PortholeImageOptions  *options,
                     GError                     **error);
} PortholeImageEncoderPlugin;

GBytes     *porthole_image_encode             (PortholeFrame               *frame,
                                               const PortholeImageOptions  *options,
                                               GError                     **error);
void        porthole_image_encode_async       (PortholeFrame               *frame,
                                               const PortholeImageOptions  *options,
                                               GCancellable                *cancellable,
                                               GAsyncReadyCallback          callback,
                                               gpointer                     user_data);
GBytes     *porthole_image_encode_finish      (GAsyncResult                *result,
                                               GError                     **error);

G_END_DECLS
