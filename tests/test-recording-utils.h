/* test-recording-utils.h — screen recordings in tests: their status,
 * and their files read back with libavformat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libavcodec/avcodec.h>

#include "test-x11-utils.h"

G_BEGIN_DECLS

/* What a file holds. */
typedef struct
{
  enum AVCodecID codec;
  double duration;
  guint packets;
  int width;
  int height;
  guint8 *first;                /* RGB24 */
  guint8 *last;
} PortholeTestVideo;

void                porthole_test_video_clear           (PortholeTestVideo  *video);
void                porthole_test_read_video            (const char         *path,
                                                         PortholeTestVideo  *video);

JsonObject         *porthole_test_recording_status      (PortholeTestDaemon *daemon,
                                                         const char         *id);
JsonObject         *porthole_test_wait_recording_status (PortholeTestDaemon *daemon,
                                                         const char         *id,
                                                         const char         *status);
gint64              porthole_test_active_recordings     (PortholeTestDaemon *daemon);
PortholeTestDaemon *porthole_test_recording_daemon_new  (PortholeTestX11    *x11,
                                                         const char         *dir,
                                                         const char         *settings);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeTestVideo, porthole_test_video_clear)

G_END_DECLS
