/* porthole-recorder.h — the screen recordings of the desktop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-recording.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_RECORDER (porthole_recorder_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRecorder, porthole_recorder, PORTHOLE, RECORDER, GObject)

PortholeRecorder  *porthole_recorder_new          (PortholeConfig                *config,
                                                   PortholeLogBuffer             *log);
PortholeRecording *porthole_recorder_start        (PortholeRecorder              *self,
                                                   const char                    *display_name,
                                                   PortholeRecordingOptions      *options,
                                                   const PortholeRecordingTarget *target,
                                                   GError                       **error);
PortholeRecording *porthole_recorder_lookup       (PortholeRecorder              *self,
                                                   const char                    *id);
PortholeRecording *porthole_recorder_get_latest   (PortholeRecorder              *self,
                                                   gboolean                       active_only);
void               porthole_recorder_stop_all     (PortholeRecorder              *self);

G_END_DECLS
