/* porthole-video-encoder-av.c — the recording plugin
 *
 * libswscale turns the BGRX screen into YUV 4:2:0, libavcodec encodes
 * it (libx264 or libvpx, PLATFORM.md §4: VP9 realtime dropped frames in
 * the probe, VP8 kept up), libavformat muxes it into MP4 or WebM. The
 * file is portholed's descriptor (a temporary file the policy opened),
 * written through our own AVIOContext: no path is ever opened here. The
 * MP4 muxer's +faststart reads the file back to move the index to the
 * front; io_open gives it a reader on the same descriptor.
 *
 * Built as a module (porthole-plugin.h): these libraries are mapped
 * once the first recording starts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gmodule.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

#include "porthole-error.h"
#include "porthole-plugin.h"
#include "porthole-video-encoder.h"

#define IO_BUFFER_SIZE (256 * 1024)
/* A key frame at least this often: seeking stays cheap. */
#define KEYFRAME_SECONDS 5
/* What SIMD code may read past the end of a picture. */
#define PICTURE_PADDING 64

struct _PortholeVideoEncoder
{
  PortholeVideoOptions options;
  int fd;

  AVFormatContext *muxer;
  AVCodecContext *codec;
  AVStream *stream;
  AVPacket *packet;
  AVBufferPool *pool;
  int picture_size;

  /* The converting thread's */
  struct SwsContext *sws;
  int sws_width;
  int sws_height;
  /* The rows swscale reads: the screen's, or one less when odd. */
  int source_height;
  /* Where the picture goes in the frame (the frame's size, or less
   * with black bars when the screen changed shape). */
  int target_x;
  int target_y;
  int target_width;
  int target_height;

  /* The encoding thread's */
  gint64 position;
  /* Any thread: the file's size so far. */
  gsize end;
};

static void
set_av_error (GError     **error,
              int          code,
              const char  *what)
{
  char text[AV_ERROR_MAX_STRING_SIZE] = "";

  av_strerror (code, text, sizeof text);
  /* Out of space is the files routes' error (507, not retried), and so
   * is a failed write (500 FILE_OPERATION_FAILED): the encoders do not
   * return EIO, only our output's write_packet() does. */
  if (code == AVERROR (ENOSPC) || code == AVERROR (EDQUOT))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "%s: %s", what, text);
  else if (code == AVERROR (EIO))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, text);
  else
    g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR, "%s: %s", what, text);
}

/* Output: our descriptor, written at our own position. */

static int
write_packet (void    *opaque,
              uint8_t *data,
              int      size)
{
  PortholeVideoEncoder *self = opaque;
  int left = size;

  while (left > 0)
    {
      ssize_t n = pwrite (self->fd, data, left, self->position);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return AVERROR (errno);
      data += n;
      left -= n;
      self->position += n;
    }

  if ((gsize) self->position > g_atomic_pointer_get (&self->end))
    g_atomic_pointer_set (&self->end, (gsize) self->position);

  return size;
}

static int64_t
seek_output (void    *opaque,
             int64_t  offset,
             int      whence)
{
  PortholeVideoEncoder *self = opaque;

  switch (whence & ~AVSEEK_FORCE)
    {
    case AVSEEK_SIZE:
      return g_atomic_pointer_get (&self->end);
    case SEEK_SET:
      self->position = offset;
      break;
    case SEEK_CUR:
      self->position += offset;
      break;
    case SEEK_END:
      self->position = g_atomic_pointer_get (&self->end) + offset;
      break;
    default:
      return AVERROR (EINVAL);
    }

  return self->position;
}

/* Input, for +faststart's second pass: the same descriptor, read at
 * the reader's own position. */

typedef struct
{
  int fd;
  gint64 position;
} Reader;

static int
read_packet (void    *opaque,
             uint8_t *data,
             int      size)
{
  Reader *reader = opaque;
  ssize_t n;

  do
    n = pread (reader->fd, data, size, reader->position);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    return AVERROR (errno);
  if (n == 0)
    return AVERROR_EOF;

  reader->position += n;
  return n;
}

static int64_t
seek_input (void    *opaque,
            int64_t  offset,
            int      whence)
{
  Reader *reader = opaque;
  struct stat st;

  switch (whence & ~AVSEEK_FORCE)
    {
    case AVSEEK_SIZE:
      return fstat (reader->fd, &st) == 0 ? st.st_size : AVERROR (errno);
    case SEEK_SET:
      reader->position = offset;
      break;
    case SEEK_CUR:
      reader->position += offset;
      break;
    default:
      return AVERROR (EINVAL);
    }

  return reader->position;
}

static AVIOContext *
io_context_new (gpointer   opaque,
                gboolean   write)
{
  guint8 *buffer = av_malloc (IO_BUFFER_SIZE);
  AVIOContext *io;

  if (buffer == NULL)
    return NULL;

  io = avio_alloc_context (buffer, IO_BUFFER_SIZE, write, opaque,
                           write ? NULL : read_packet,
                           write ? write_packet : NULL,
                           write ? seek_output : seek_input);
  if (io == NULL)
    av_free (buffer);

  return io;
}

static void
io_context_free (AVIOContext **io)
{
  if (*io == NULL)
    return;

  av_freep (&(*io)->buffer);
  avio_context_free (io);
}

static int
io_open (AVFormatContext  *muxer,
         AVIOContext     **io,
         const char       *url,
         int               flags,
         AVDictionary    **options)
{
  PortholeVideoEncoder *self = muxer->opaque;
  Reader *reader;

  /* Only the muxer's own file, and only to read it back. */
  if (flags & AVIO_FLAG_WRITE)
    return AVERROR (EPERM);

  reader = g_new0 (Reader, 1);
  reader->fd = self->fd;
  *io = io_context_new (reader, FALSE);
  if (*io == NULL)
    {
      g_free (reader);
      return AVERROR (ENOMEM);
    }

  return 0;
}

static int
io_close (AVFormatContext *muxer,
          AVIOContext     *io)
{
  g_free (io->opaque);
  io_context_free (&io);
  return 0;
}

/* Codec settings per format and quality. */

static void
configure_x264 (AVCodecContext       *codec,
                PortholeVideoQuality  quality)
{
  /* Screen content is mostly still: ultrafast keeps up at 1080p on two
   * cores (PLATFORM.md §4); high quality spends more per frame. */
  static const struct { const char *preset; const char *crf; } settings[] = {
    [PORTHOLE_VIDEO_QUALITY_LOW] = { "ultrafast", "30" },
    [PORTHOLE_VIDEO_QUALITY_MEDIUM] = { "ultrafast", "23" },
    [PORTHOLE_VIDEO_QUALITY_HIGH] = { "superfast", "18" },
  };

  av_opt_set (codec->priv_data, "preset", settings[quality].preset, 0);
  av_opt_set (codec->priv_data, "crf", settings[quality].crf, 0);
}

static void
configure_vp8 (AVCodecContext       *codec,
               PortholeVideoQuality  quality)
{
  static const struct { int cpu_used; int crf; } settings[] = {
    [PORTHOLE_VIDEO_QUALITY_LOW] = { 16, 40 },
    [PORTHOLE_VIDEO_QUALITY_MEDIUM] = { 8, 20 },
    [PORTHOLE_VIDEO_QUALITY_HIGH] = { 5, 10 },
  };

  av_opt_set (codec->priv_data, "deadline", "realtime", 0);
  av_opt_set_int (codec->priv_data, "cpu-used", settings[quality].cpu_used, 0);
  /* Constrained quality: crf, with a ceiling of about 0.1 bit per pixel. */
  av_opt_set_int (codec->priv_data, "crf", settings[quality].crf, 0);
  codec->bit_rate = (gint64) codec->width * codec->height * codec->framerate.num / 10;
  /* libvpx's worker threads wait by spinning: on a busy machine two of
   * them cost ten times the CPU of one (1280x800: 100 ms a frame against
   * 10), and the encoder falls behind. */
  codec->thread_count = 1;
}

static void
encoder_free (PortholeVideoEncoder *self)
{
  if (self == NULL)
    return;

  if (self->muxer != NULL)
    {
      io_context_free (&self->muxer->pb);
      avformat_free_context (self->muxer);
    }
  avcodec_free_context (&self->codec);
  av_packet_free (&self->packet);
  av_buffer_pool_uninit (&self->pool);
  sws_freeContext (self->sws);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeVideoEncoder, encoder_free)

static PortholeVideoEncoder *
encoder_new (const PortholeVideoOptions  *options,
             int                          fd,
             GError                     **error)
{
  g_autoptr(PortholeVideoEncoder) self = g_new0 (PortholeVideoEncoder, 1);
  gboolean mp4 = options->format == PORTHOLE_VIDEO_FORMAT_MP4;
  const char *codec_name = mp4 ? "libx264" : "libvpx";
  AVDictionary *muxer_options = NULL;
  const AVCodec *codec;
  int ret;

  g_return_val_if_fail (options->width > 0 && options->width % 2 == 0, NULL);
  g_return_val_if_fail (options->height > 0 && options->height % 2 == 0, NULL);
  g_return_val_if_fail (options->fps > 0, NULL);

  self->options = *options;
  self->fd = fd;

  codec = avcodec_find_encoder_by_name (codec_name);
  if (codec == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "libavcodec has no %s encoder", codec_name);
      return NULL;
    }

  ret = avformat_alloc_output_context2 (&self->muxer, NULL, mp4 ? "mp4" : "webm", NULL);
  if (ret < 0)
    {
      set_av_error (error, ret, "Cannot create the muxer");
      return NULL;
    }
  self->muxer->opaque = self;
  self->muxer->io_open = io_open;
  self->muxer->io_close2 = io_close;
  /* Only for messages: the file is our descriptor. */
  self->muxer->url = av_strdup ("recording");
  self->muxer->pb = io_context_new (self, TRUE);
  if (self->muxer->pb == NULL)
    {
      set_av_error (error, AVERROR (ENOMEM), "Cannot create the output");
      return NULL;
    }

  self->codec = avcodec_alloc_context3 (codec);
  self->codec->width = options->width;
  self->codec->height = options->height;
  self->codec->pix_fmt = AV_PIX_FMT_YUV420P;
  self->codec->time_base = (AVRational) { 1, options->fps };
  self->codec->framerate = (AVRational) { options->fps, 1 };
  self->codec->gop_size = options->fps * KEYFRAME_SECONDS;
  /* sRGB pixels through swscale's default (BT.601, limited range):
   * say so, or players guess BT.709 for HD sizes. */
  self->codec->color_range = AVCOL_RANGE_MPEG;
  self->codec->colorspace = AVCOL_SPC_SMPTE170M;
  self->codec->color_primaries = AVCOL_PRI_BT709;
  self->codec->color_trc = AVCOL_TRC_IEC61966_2_1;
  if (self->muxer->oformat->flags & AVFMT_GLOBALHEADER)
    self->codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (mp4)
    configure_x264 (self->codec, options->quality);
  else
    configure_vp8 (self->codec, options->quality);

  if ((ret = avcodec_open2 (self->codec, codec, NULL)) < 0)
    {
      set_av_error (error, ret, "Cannot open the video encoder");
      return NULL;
    }

  self->stream = avformat_new_stream (self->muxer, NULL);
  if (self->stream == NULL ||
      (ret = avcodec_parameters_from_context (self->stream->codecpar, self->codec)) < 0)
    {
      set_av_error (error, self->stream ? ret : AVERROR (ENOMEM), "Cannot create the video stream");
      return NULL;
    }
  self->stream->time_base = self->codec->time_base;
  self->stream->avg_frame_rate = self->codec->framerate;

  if (mp4)
    av_dict_set (&muxer_options, "movflags", "+faststart", 0);
  ret = avformat_write_header (self->muxer, &muxer_options);
  av_dict_free (&muxer_options);
  if (ret < 0)
    {
      set_av_error (error, ret, "Cannot write the file header");
      return NULL;
    }

  self->picture_size = av_image_get_buffer_size (AV_PIX_FMT_YUV420P, options->width, options->height, 32);
  self->pool = av_buffer_pool_init (self->picture_size + PICTURE_PADDING, NULL);
  self->packet = av_packet_alloc ();
  self->target_width = options->width;
  self->target_height = options->height;

  return g_steal_pointer (&self);
}

/* Conversion */

/* The largest even rectangle of @width x @height's shape that fits the
 * frame, centred. */
static void
fit (PortholeVideoEncoder *self,
     int                   width,
     int                   height)
{
  int frame_width = self->options.width;
  int frame_height = self->options.height;

  if ((gint64) width * frame_height >= (gint64) height * frame_width)
    {
      self->target_width = frame_width;
      self->target_height = MAX (2, (int) ((gint64) height * frame_width / width) & ~1);
    }
  else
    {
      self->target_height = frame_height;
      self->target_width = MAX (2, (int) ((gint64) width * frame_height / height) & ~1);
    }
  self->target_x = ((frame_width - self->target_width) / 2) & ~1;
  self->target_y = ((frame_height - self->target_height) / 2) & ~1;
}

static gboolean
ensure_scaler (PortholeVideoEncoder  *self,
               int                    width,
               int                    height,
               GError               **error)
{
  int source_width = width, source_height = height;
  gboolean same;

  if (self->sws != NULL && width == self->sws_width && height == self->sws_height)
    return TRUE;

  /* The screen's own size, or one more pixel than the frame (odd sizes
   * are cut to even ones): the pixels go through as they are. */
  same = (width == self->options.width || width == self->options.width + 1) &&
         (height == self->options.height || height == self->options.height + 1);
  if (same)
    {
      source_width = self->options.width;
      source_height = self->options.height;
      self->target_x = self->target_y = 0;
      self->target_width = self->options.width;
      self->target_height = self->options.height;
    }
  else
    fit (self, width, height);

  sws_freeContext (self->sws);
  self->sws = sws_getContext (source_width, source_height, AV_PIX_FMT_BGR0,
                              self->target_width, self->target_height, AV_PIX_FMT_YUV420P,
                              same ? SWS_POINT : SWS_BILINEAR, NULL, NULL, NULL);
  if (self->sws == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot convert %dx%d to %dx%d", width, height,
                   self->target_width, self->target_height);
      return FALSE;
    }
  self->sws_width = width;
  self->sws_height = height;
  self->source_height = source_height;

  return TRUE;
}

static void
fill_black (AVFrame *picture)
{
  memset (picture->data[0], 16, (gsize) picture->linesize[0] * picture->height);
  memset (picture->data[1], 128, (gsize) picture->linesize[1] * (picture->height / 2));
  memset (picture->data[2], 128, (gsize) picture->linesize[2] * (picture->height / 2));
}

static PortholeVideoPicture *
convert (PortholeVideoEncoder  *self,
         const guint8          *bgrx,
         guint                  stride,
         int                    width,
         int                    height,
         GError               **error)
{
  const guint8 *source[4] = { bgrx };
  int source_strides[4] = { stride };
  guint8 *target[4];
  AVFrame *picture;

  if (!ensure_scaler (self, width, height, error))
    return NULL;

  picture = av_frame_alloc ();
  picture->buf[0] = av_buffer_pool_get (self->pool);
  if (picture->buf[0] == NULL)
    {
      av_frame_free (&picture);
      set_av_error (error, AVERROR (ENOMEM), "Cannot allocate a picture");
      return NULL;
    }
  picture->format = AV_PIX_FMT_YUV420P;
  picture->width = self->options.width;
  picture->height = self->options.height;
  av_image_fill_arrays (picture->data, picture->linesize, picture->buf[0]->data,
                        AV_PIX_FMT_YUV420P, picture->width, picture->height, 32);

  if (self->target_width != picture->width || self->target_height != picture->height)
    fill_black (picture);

  target[0] = picture->data[0] + (gsize) self->target_y * picture->linesize[0] + self->target_x;
  target[1] = picture->data[1] + (gsize) self->target_y / 2 * picture->linesize[1] + self->target_x / 2;
  target[2] = picture->data[2] + (gsize) self->target_y / 2 * picture->linesize[2] + self->target_x / 2;
  target[3] = NULL;
  sws_scale (self->sws, source, source_strides, 0, self->source_height, target, picture->linesize);

  return (PortholeVideoPicture *) picture;
}

static void
picture_free (PortholeVideoPicture *picture)
{
  AVFrame *frame = (AVFrame *) picture;

  av_frame_free (&frame);
}

/* Encoding */

/* Writes what the codec has ready. */
static gboolean
write_packets (PortholeVideoEncoder  *self,
               GError               **error)
{
  for (;;)
    {
      int ret = avcodec_receive_packet (self->codec, self->packet);

      if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
        return TRUE;
      if (ret < 0)
        {
          set_av_error (error, ret, "Cannot encode the video");
          return FALSE;
        }

      av_packet_rescale_ts (self->packet, self->codec->time_base, self->stream->time_base);
      self->packet->stream_index = self->stream->index;
      ret = av_interleaved_write_frame (self->muxer, self->packet);
      if (ret < 0)
        {
          set_av_error (error, ret, "Cannot write the video");
          return FALSE;
        }
    }
}

static gboolean
encode (PortholeVideoEncoder  *self,
        PortholeVideoPicture  *picture,
        gint64                 pts,
        GError               **error)
{
  AVFrame *frame = (AVFrame *) picture;
  int ret;

  frame->pts = pts;
  ret = avcodec_send_frame (self->codec, frame);
  if (ret < 0)
    {
      set_av_error (error, ret, "Cannot encode the video");
      return FALSE;
    }

  return write_packets (self, error);
}

static gboolean
finish (PortholeVideoEncoder  *self,
        GError               **error)
{
  int ret = avcodec_send_frame (self->codec, NULL);

  if (ret < 0)
    {
      set_av_error (error, ret, "Cannot drain the video encoder");
      return FALSE;
    }
  if (!write_packets (self, error))
    return FALSE;

  ret = av_write_trailer (self->muxer);
  if (ret < 0)
    {
      set_av_error (error, ret, "Cannot finish the file");
      return FALSE;
    }
  avio_flush (self->muxer->pb);
  if (self->muxer->pb->error < 0)
    {
      set_av_error (error, self->muxer->pb->error, "Cannot finish the file");
      return FALSE;
    }

  return TRUE;
}

static guint64
get_bytes_written (PortholeVideoEncoder *self)
{
  return g_atomic_pointer_get (&self->end);
}

static const PortholeVideoEncoderPlugin vtable = {
  .encoder_new = encoder_new,
  .encoder_free = encoder_free,
  .convert = convert,
  .picture_free = picture_free,
  .encode = encode,
  .finish = finish,
  .get_bytes_written = get_bytes_written,
};

static const PortholePluginInfo info = {
  .abi_version = PORTHOLE_PLUGIN_ABI_VERSION,
  .name = PORTHOLE_PLUGIN_RECORDING,
  .vtable = &vtable,
};

G_MODULE_EXPORT const PortholePluginInfo *
porthole_plugin_query (void)
{
  /* x264 prints its statistics at every close otherwise. */
  av_log_set_level (AV_LOG_ERROR);

  return &info;
}
