/* porthole-execution.h — one run streamed over /stream or
 * /commands/stream: its output as it comes, its rich outputs, its end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-ws-object.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_EXECUTION (porthole_execution_get_type ())

G_DECLARE_FINAL_TYPE (PortholeExecution, porthole_execution, PORTHOLE, EXECUTION, PortholeWsObject)

PortholeExecution *porthole_execution_new               (SoupWebsocketConnection *connection,
                                                         JsonObject              *request);
void               porthole_execution_cancel            (PortholeExecution       *self);
gboolean           porthole_execution_is_finished       (PortholeExecution       *self);
gboolean           porthole_execution_get_success       (PortholeExecution       *self);
int                porthole_execution_get_exit_code     (PortholeExecution       *self);
double             porthole_execution_get_duration      (PortholeExecution       *self);
gboolean           porthole_execution_get_timed_out     (PortholeExecution       *self);
const char        *porthole_execution_get_error         (PortholeExecution       *self);
const char        *porthole_execution_get_result        (PortholeExecution       *self);

G_END_DECLS
