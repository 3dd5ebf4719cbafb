/* porthole-run-stream.h — a run's output as WebSocket messages (API.md §3.9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-process.h"
#include "porthole-ws-channel.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_RUN_STREAM (porthole_run_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRunStream, porthole_run_stream, PORTHOLE, RUN_STREAM, GObject)

PortholeRunStream *porthole_run_stream_new            (PortholeWsChannel     *channel,
                                                       const char            *execution_id);
void               porthole_run_stream_send_start     (PortholeRunStream     *self);
void               porthole_run_stream_push           (PortholeRunStream     *self,
                                                       PortholeProcessStream  stream,
                                                       const char            *text,
                                                       gsize                  length);
void               porthole_run_stream_send           (PortholeRunStream     *self,
                                                       JsonObject            *message);
void               porthole_run_stream_finish         (PortholeRunStream     *self,
                                                       int                    exit_code,
                                                       gboolean               timed_out,
                                                       double                 execution_time,
                                                       JsonObject            *result_extra);
void               porthole_run_stream_fail           (PortholeRunStream     *self,
                                                       const GError          *error);
void               porthole_run_stream_attach_process (PortholeRunStream     *self,
                                                       PortholeProcess       *process);
gboolean           porthole_run_stream_is_finished    (PortholeRunStream     *self);
gboolean           porthole_run_stream_is_cancel      (JsonObject            *message);

/**
 * PortholeRunStreamStarter:
 * @channel: the session's channel
 * @message: a message the client sent
 * @user_data: what porthole_run_stream_accept() was given
 *
 * Returns: (transfer full) (nullable): the stream @message started (or
 *   failed), %NULL if it starts none and the next message is to be tried
 */
typedef PortholeRunStream *(*PortholeRunStreamStarter) (PortholeWsChannel *channel,
                                                        JsonObject        *message,
                                                        gpointer           user_data);

void               porthole_run_stream_accept         (PortholeRequest          *req,
                                                       SoupWebsocketConnection  *connection,
                                                       PortholeRunStreamStarter  starter,
                                                       gpointer                  user_data);

G_END_DECLS
