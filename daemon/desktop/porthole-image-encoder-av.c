/* porthole-image-encoder-av.c — the image-encoder plugin
 *
 * libavcodec's png and mjpeg encoders, no other image library. Neither
 * takes BGRX (PLATFORM.md §4), so swscale converts, and scales in the
 * same pass when a smaller image was asked for. Built as a module
 * (porthole-plugin.h) so that libavcodec is only mapped once a
 * screenshot is asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <gmodule.h>
#include <libswscale/swscale.h>

#include "porthole-error.h"
#include "porthole-image-encoder.h"
#include "porthole-plugin.h"

/* zlib level: flat desktops compress well even at low levels, and the
 * default (6) costs several times more time for a few percent. */
#define PNG_COMPRESSION_LEVEL 1

static void
set_av_error (GError     **error,
              int          code,
              const char  *what)
{
  char text[AV_ERROR_MAX_STRING_SIZE] = "";

  av_strerror (code, text, sizeof text);
  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR, "%s: %s", what, text);
}

static void
free_codec_context (AVCodecContext *context)
{
  avcodec_free_context (&context);
}

static void
free_frame (AVFrame *frame)
{
  av_frame_free (&frame);
}

static void
free_packet (AVPacket *packet)
{
  av_packet_free (&packet);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AVCodecContext, free_codec_context)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AVFrame, free_frame)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AVPacket, free_packet)

static void
packet_free_notify (gpointer data)
{
  AVPacket *packet = data;

  av_packet_free (&packet);
}

/* Thread-safe. */
static GBytes *
encode (PortholeFrame               *frame,
        const PortholeImageOptions  *options,
        GError                     **error)
{
  gboolean jpeg = options->format == PORTHOLE_IMAGE_FORMAT_JPEG;
  enum AVPixelFormat pix_fmt = jpeg ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_RGB24;
  int src_width = porthole_frame_get_width (frame);
  int src_height = porthole_frame_get_height (frame);
  int width = options->width > 0 ? options->width : src_width;
  int height = options->height > 0 ? options->height : src_height;
  g_autoptr(AVCodecContext) context = NULL;
  g_autoptr(AVFrame) picture = NULL;
  g_autoptr(AVPacket) packet = NULL;
  const AVCodec *codec;
  struct SwsContext *sws;
  const guint8 *src_planes[4] = { porthole_frame_get_data (frame) };
  int src_strides[4] = { porthole_frame_get_stride (frame) };
  int ret;

  codec = avcodec_find_encoder (jpeg ? AV_CODEC_ID_MJPEG : AV_CODEC_ID_PNG);
  if (codec == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "libavcodec has no %s encoder", jpeg ? "mjpeg" : "png");
      return NULL;
    }

  context = avcodec_alloc_context3 (codec);
  context->width = width;
  context->height = height;
  context->pix_fmt = pix_fmt;
  context->time_base = (AVRational) { 1, 1 };
  if (jpeg)
    {
      int quality = CLAMP (options->quality > 0 ? options->quality : 85, 1, 100);
      /* qscale 2 (best) .. 31 (worst) */
      int qscale = 2 + (100 - quality) * 29 / 99;

      context->flags |= AV_CODEC_FLAG_QSCALE;
      context->global_quality = FF_QP2LAMBDA * qscale;
      context->color_range = AVCOL_RANGE_JPEG;
    }
  else
    context->compression_level = PNG_COMPRESSION_LEVEL;

  if ((ret = avcodec_open2 (context, codec, NULL)) < 0)
    {
      set_av_error (error, ret, "Cannot open the image encoder");
      return NULL;
    }

  picture = av_frame_alloc ();
  picture->format = pix_fmt;
  picture->width = width;
  picture->height = height;
  if (jpeg)
    {
      picture->quality = context->global_quality;
      picture->color_range = AVCOL_RANGE_JPEG;
    }
  if ((ret = av_frame_get_buffer (picture, 0)) < 0)
    {
      set_av_error (error, ret, "Cannot allocate the picture");
      return NULL;
    }

  sws = sws_getContext (src_width, src_height, AV_PIX_FMT_BGR0, width, height, pix_fmt,
                        (width == src_width && height == src_height) ? SWS_POINT : SWS_AREA,
                        NULL, NULL, NULL);
  if (sws == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot convert %dx%d to %dx%d", src_width, src_height, width, height);
      return NULL;
    }
  sws_scale (sws, src_planes, src_strides, 0, src_height, picture->data, picture->linesize);
  sws_freeContext (sws);

  packet = av_packet_alloc ();
  if ((ret = avcodec_send_frame (context, picture)) < 0 ||
      (ret = avcodec_receive_packet (context, packet)) < 0)
    {
      set_av_error (error, ret, "Cannot encode the image");
      return NULL;
    }

  {
    AVPacket *owned = g_steal_pointer (&packet);

    return g_bytes_new_with_free_func (owned->data, owned->size, packet_free_notify, owned);
  }
}

static const PortholeImageEncoderPlugin vtable = {
  .encode = encode,
};

static const PortholePluginInfo info = {
  .abi_version = PORTHOLE_PLUGIN_ABI_VERSION,
  .name = PORTHOLE_PLUGIN_IMAGE_ENCODER,
  .vtable = &vtable,
};

G_MODULE_EXPORT const PortholePluginInfo *
porthole_plugin_query (void)
{
  return &info;
}
