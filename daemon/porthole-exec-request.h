/* porthole-exec-request.h — what a code execution asks for: the fields
 * every execution route shares (API.md §3), and the MCP run_code tool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-kernel.h"
#include "porthole-kernel-execution.h"
#include "porthole-language.h"
#include "porthole-run-options.h"
#include "porthole-types.h"

G_BEGIN_DECLS

typedef struct
{
  char *code;
  PortholeLanguage language;
  PortholeRunOptions options;
  /* The kernel session to run in, if any. */
  char *session;
  /* Why the request is invalid, when it is about the language. */
  JsonObject *details;
} PortholeExecRequest;

gboolean                 porthole_exec_request_parse        (PortholeExecRequest  *request,
                                                             PortholeDaemon       *daemon,
                                                             JsonObject           *fields,
                                                             guint                 default_timeout,
                                                             gboolean              zero_is_unlimited,
                                                             gboolean              python_only,
                                                             GError              **error);
gboolean                 porthole_exec_request_starts_stream (JsonObject          *message);
gboolean                 porthole_exec_request_parse_stream (PortholeExecRequest  *request,
                                                             PortholeDaemon       *daemon,
                                                             JsonObject           *message,
                                                             guint                 default_timeout,
                                                             gboolean              python_only,
                                                             GError              **error);
void                     porthole_exec_request_clear        (PortholeExecRequest  *request);
PortholeKernelExecution *porthole_exec_request_prepare_cell (PortholeExecRequest  *request,
                                                             PortholeDaemon       *daemon,
                                                             PortholeKernel      **kernel,
                                                             GError              **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeExecRequest, porthole_exec_request_clear)

G_END_DECLS
