/* porthole-client-execute.h — streamed runs: code through /stream (rich
 * outputs included), shell commands through /commands/stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"
#include "porthole-execution.h"

G_BEGIN_DECLS

void               porthole_client_execute_stream_async  (PortholeClient      *self,
                                                          const char          *code,
                                                          const char          *language,
                                                          const char          *session,
                                                          guint                timeout,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
void               porthole_client_command_stream_async  (PortholeClient      *self,
                                                          const char          *command,
                                                          guint                timeout,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
PortholeExecution *porthole_client_execute_stream_finish (PortholeClient      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
