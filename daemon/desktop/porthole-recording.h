/* porthole-recording.h — one screen recording: its threads and its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-log-buffer.h"
#include "porthole-video-encoder.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_RECORDING_STATE_RECORDING,
  /* Stop asked for; the trailer is not written yet. */
  PORTHOLE_RECORDING_STATE_STOPPING,
  PORTHOLE_RECORDING_STATE_STOPPED,
  PORTHOLE_RECORDING_STATE_FAILED,
} PortholeRecordingState;

/* Why a recording ended. */
typedef enum
{
  PORTHOLE_RECORDING_END_NONE,
  PORTHOLE_RECORDING_END_REQUESTED,
  PORTHOLE_RECORDING_END_MAX_DURATION,
  PORTHOLE_RECORDING_END_MAX_SIZE,
  PORTHOLE_RECORDING_END_SHUTDOWN,
  PORTHOLE_RECORDING_END_DISPLAY_LOST,
  PORTHOLE_RECORDING_END_ERROR,
  /* The file system filled up: the file is removed. */
  PORTHOLE_RECORDING_END_NO_SPACE,
  /* Writing the file failed (EIO): the file is removed. */
  PORTHOLE_RECORDING_END_IO_ERROR,
} PortholeRecordingEnd;

typedef struct
{
  /* Width and height are the screen's at the start. */
  PortholeVideoOptions video;
  /* Seconds; 0: none */
  guint max_duration;
  /* Bytes; 0: none */
  guint64 max_size;
} PortholeRecordingOptions;

/* Where the file goes: a name in a directory (opened through the file
 * policy, or the recordings directory). The file appears there, whole,
 * when the recording ends. */
typedef struct
{
  int dirfd;
  const char *name;
  /* What replies show. */
  const char *path;
  /* In the recordings directory: removed with the recording's entry. */
  gboolean owned;
} PortholeRecordingTarget;

#define PORTHOLE_TYPE_RECORDING (porthole_recording_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRecording, porthole_recording, PORTHOLE, RECORDING, GObject)

PortholeRecording     *porthole_recording_start          (const char                     *id,
                                                          const char                     *display_name,
                                                          const PortholeRecordingOptions *options,
                                                          const PortholeRecordingTarget  *target,
                                                          PortholeLogBuffer              *log,
                                                          GError                        **error);
void                   porthole_recording_stop_async     (PortholeRecording              *self,
                                                          GAsyncReadyCallback             callback,
                                                          gpointer                        user_data);
gboolean               porthole_recording_stop_finish    (PortholeRecording              *self,
                                                          GAsyncResult                   *result,
                                                          GError                        **error);
void                   porthole_recording_request_end    (PortholeRecording              *self,
                                                          PortholeRecordingEnd            reason);
void                   porthole_recording_stop_sync      (PortholeRecording              *self,
                                                          PortholeRecordingEnd            reason);

const char            *porthole_recording_get_id         (PortholeRecording              *self);
PortholeRecordingState porthole_recording_get_state      (PortholeRecording              *self);
gboolean               porthole_recording_is_active      (PortholeRecording              *self);
PortholeVideoFormat    porthole_recording_get_format     (PortholeRecording              *self);
int                    porthole_recording_open_file      (PortholeRecording              *self,
                                                          GError                        **error);
void                   porthole_recording_delete_file    (PortholeRecording              *self);
JsonObject            *porthole_recording_to_json        (PortholeRecording              *self);

G_END_DECLS
