/* porthole-video-encoder.h — screen frames to an MP4 or WebM file
 *
 * The table of the recording plugin (porthole-plugin.h,
 * porthole-video-encoder-av.c): libavcodec, libavformat and libswscale
 * stay out of portholed until a recording starts. The threads, the
 * clock, the frame queue and the files are portholed's
 * (porthole-recording.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTHOLE_PLUGIN_RECORDING "recording"

typedef enum
{
  PORTHOLE_VIDEO_FORMAT_MP4,     /* H.264 (libx264) in MP4, +faststart */
  PORTHOLE_VIDEO_FORMAT_WEBM,    /* VP8 (libvpx, realtime) in WebM */
} PortholeVideoFormat;

typedef enum
{
  PORTHOLE_VIDEO_QUALITY_LOW,
  PORTHOLE_VIDEO_QUALITY_MEDIUM,
  PORTHOLE_VIDEO_QUALITY_HIGH,
} PortholeVideoQuality;

typedef struct
{
  PortholeVideoFormat format;
  PortholeVideoQuality quality;
  guint fps;
  /* The size of every frame in the file: even numbers. */
  int width;
  int height;
} PortholeVideoOptions;

gboolean    porthole_video_format_from_string  (const char            *text,
                                                PortholeVideoFormat   *format);
const char *porthole_video_format_to_string    (PortholeVideoFormat    format);
const char *porthole_video_format_get_mime_type (PortholeVideoFormat   format);
gboolean    porthole_video_quality_from_string (const char            *text,
                                                PortholeVideoQuality  *quality);
const char *porthole_video_quality_to_string   (PortholeVideoQuality   quality);

typedef struct _PortholeVideoEncoder PortholeVideoEncoder;
/* One converted frame, ready for the encoder. */
typedef struct _PortholeVideoPicture PortholeVideoPicture;

/* Two threads share an encoder: one converts (convert), one encodes
 * (encode, finish); get_bytes_written may be called from any thread. */
typedef struct
{
  /* Opens the codec and the muxer and writes the file header to @fd
   * (a regular file, written from offset 0; not closed). */
  PortholeVideoEncoder *(*encoder_new)       (const PortholeVideoOptions  *options,
                                              int                          fd,
                                              GError                     **error);
  void                  (*encoder_free)      (PortholeVideoEncoder        *encoder);
  /* 32-bit BGRX pixels of any size: scaled to fit the encoder's size
   * (aspect kept, black bars) when they are not of that size. */
  PortholeVideoPicture *(*convert)           (PortholeVideoEncoder        *encoder,
                                              const guint8                *bgrx,
                                              guint                        stride,
                                              int                          width,
                                              int                          height,
                                              GError                     **error);
  void                  (*picture_free)      (PortholeVideoPicture        *picture);
  /* @pts counts frames since the start (1/fps each); increasing. The
   * same picture may be given again with a later @pts. */
  gboolean              (*encode)            (PortholeVideoEncoder        *encoder,
                                              PortholeVideoPicture        *picture,
                                              gint64                       pts,
                                              GError                     **error);
  /* Drains the codec and writes the trailer (and, for MP4, moves the
   * index to the front). */
  gboolean              (*finish)            (PortholeVideoEncoder        *encoder,
                                              GError                     **error);
  guint64               (*get_bytes_written) (PortholeVideoEncoder        *encoder);
} PortholeVideoEncoderPlugin;

G_END_DECLS
