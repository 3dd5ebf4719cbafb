/* porthole-video-encoder.c
 *
 * The names of the recording formats and qualities (API.md §8.6); the
 * encoding itself is the recording plugin's (porthole-video-encoder-av.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-video-encoder.h"

gboolean
porthole_video_format_from_string (const char          *text,
                                   PortholeVideoFormat *format)
{
  if (g_ascii_strcasecmp (text, "mp4") == 0)
    *format = PORTHOLE_VIDEO_FORMAT_MP4;
  else if (g_ascii_strcasecmp (text, "webm") == 0)
    *format = PORTHOLE_VIDEO_FORMAT_WEBM;
  else
    return FALSE;

  return TRUE;
}

const char *
porthole_video_format_to_string (PortholeVideoFormat format)
{
  return format == PORTHOLE_VIDEO_FORMAT_WEBM ? "webm" : "mp4";
}

const char *
porthole_video_format_get_mime_type (PortholeVideoFormat format)
{
  return format == PORTHOLE_VIDEO_FORMAT_WEBM ? "video/webm" : "video/mp4";
}

static const char *const quality_names[] = {
  [PORTHOLE_VIDEO_QUALITY_LOW] = "low",
  [PORTHOLE_VIDEO_QUALITY_MEDIUM] = "medium",
  [PORTHOLE_VIDEO_QUALITY_HIGH] = "high",
};

gboolean
porthole_video_quality_from_string (const char           *text,
                                    PortholeVideoQuality *quality)
{
  for (guint i = 0; i < G_N_ELEMENTS (quality_names); i++)
    if (g_ascii_strcasecmp (text, quality_names[i]) == 0)
      {
        *quality = i;
        return TRUE;
      }

  return FALSE;
}

const char *
porthole_video_quality_to_string (PortholeVideoQuality quality)
{
  return quality_names[quality];
}
