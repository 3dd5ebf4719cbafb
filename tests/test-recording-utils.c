/* test-recording-utils.c — screen recordings in tests: their status,
 * and their files read back with libavformat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libavformat/avformat.h>

#include "test-recording-utils.h"

void
porthole_test_video_clear (PortholeTestVideo *video)
{
  g_clear_pointer (&video->first, g_free);
  g_clear_pointer (&video->last, g_free);
}

static void
keep_frame (PortholeTestVideo *video,
            AVFrame           *frame)
{
  g_assert_cmpint (frame->width, ==, video->width);
  g_assert_cmpint (frame->height, ==, video->height);

  if (video->first == NULL)
    video->first = porthole_test_frame_to_rgb (frame);
  g_free (video->last);
  video->last = porthole_test_frame_to_rgb (frame);
}

/**
 * porthole_test_read_video:
 *
 * Decodes every frame of @path: all must decode, at the stream's size,
 * and the file must end where its index says (a playable file).
 */
void
porthole_test_read_video (const char        *path,
                          PortholeTestVideo *video)
{
  AVFormatContext *input = NULL;
  AVCodecContext *decoder;
  AVPacket *packet = av_packet_alloc ();
  AVFrame *frame = av_frame_alloc ();
  const AVCodec *codec;
  AVStream *stream;
  int ret;

  g_assert_cmpint (avformat_open_input (&input, path, NULL, NULL), ==, 0);
  g_assert_cmpint (avformat_find_stream_info (input, NULL), >=, 0);
  g_assert_cmpuint (input->nb_streams, ==, 1);
  stream = input->streams[0];
  g_assert_cmpint (stream->codecpar->codec_type, ==, AVMEDIA_TYPE_VIDEO);

  video->codec = stream->codecpar->codec_id;
  video->width = stream->codecpar->width;
  video->height = stream->codecpar->height;
  video->duration = input->duration / (double) AV_TIME_BASE;

  codec = avcodec_find_decoder (video->codec);
  g_assert_nonnull (codec);
  decoder = avcodec_alloc_context3 (codec);
  g_assert_cmpint (avcodec_parameters_to_context (decoder, stream->codecpar), ==, 0);
  g_assert_cmpint (avcodec_open2 (decoder, codec, NULL), ==, 0);

  while ((ret = av_read_frame (input, packet)) >= 0)
    {
      video->packets++;
      g_assert_cmpint (avcodec_send_packet (decoder, packet), ==, 0);
      av_packet_unref (packet);
      while (avcodec_receive_frame (decoder, frame) == 0)
        keep_frame (video, frame);
    }
  g_assert_cmpint (ret, ==, AVERROR_EOF);
  g_assert_cmpint (avcodec_send_packet (decoder, NULL), ==, 0);
  while (avcodec_receive_frame (decoder, frame) == 0)
    keep_frame (video, frame);
  g_assert_nonnull (video->first);

  av_frame_free (&frame);
  av_packet_free (&packet);
  avcodec_free_context (&decoder);
  avformat_close_input (&input);
}

/* GET /desktop/recording/status of @id, which must answer 200. */
JsonObject *
porthole_test_recording_status (PortholeTestDaemon *daemon,
                                const char         *id)
{
  g_autofree char *path = g_strdup_printf ("/desktop/recording/status?id=%s", id);

  return porthole_test_desktop_call (daemon, "GET", path, NULL);
}

/* Polls status until it is @status (a recording that ends by itself). */
JsonObject *
porthole_test_wait_recording_status (PortholeTestDaemon *daemon,
                                     const char         *id,
                                     const char         *status)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonObject) reply = porthole_test_recording_status (daemon, id);

      if (g_str_equal (json_object_get_string_member (reply, "status"), status))
        return g_steal_pointer (&reply);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }
}

/* Recordings in progress, as /metrics/snapshot counts them. */
gint64
porthole_test_active_recordings (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/metrics/snapshot", NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_get_int_member (json_object_get_object_member (r->json, "activity"), "recordings");
}

/* portholed on @x11, with a key file in @dir holding @settings. */
PortholeTestDaemon *
porthole_test_recording_daemon_new (PortholeTestX11 *x11,
                                    const char      *dir,
                                    const char      *settings)
{
  g_autofree char *config = g_build_filename (dir, "portholed.conf", NULL);
  g_autofree char *contents = g_strconcat ("[portholed]\n", settings, NULL);
  g_autofree char *config_arg = g_strconcat ("--config=", config, NULL);
  g_autofree char *display_arg = g_strdup_printf ("--display=%s", x11->name);
  const char *args[] = { display_arg, config_arg, NULL };

  g_assert_true (g_file_set_contents (config, contents, -1, NULL));
  return porthole_test_daemon_new (args);
}
