/* porthole-exec-result.h — what a code execution produced, in the shape of
 * API.md §3.1–3.2 (fields, rich outputs) and §3.9 (`display` messages)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Appended to stderr when a run hits its timeout. */
#define PORTHOLE_EXEC_TIMEOUT_NOTICE "Execution timed out after %u seconds\n"

/* Rich outputs in Jupyter's terms: `execute_result` and `display_data`
 * messages, each a MIME bundle ({data, metadata}) with a source. */
typedef struct _PortholeRichOutputs PortholeRichOutputs;

PortholeRichOutputs *porthole_rich_outputs_new      (void);
void                 porthole_rich_outputs_free     (PortholeRichOutputs *self);
void                 porthole_rich_outputs_add      (PortholeRichOutputs *self,
                                                     const char          *msg_type,
                                                     JsonObject          *content,
                                                     const char          *source);
const char          *porthole_rich_outputs_get_result (PortholeRichOutputs *self);
const char          *porthole_rich_outputs_guess_source (JsonObject        *data);
GPtrArray           *porthole_rich_outputs_display_messages (const char *msg_type,
                                                             JsonObject *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeRichOutputs, porthole_rich_outputs_free)

/* Everything the result of one execution says. */
typedef struct
{
  const char *language;
  const char *stdout_text;
  const char *stderr_text;
  /* Said by the daemon after the program's stderr (timeout, missing
   * runtime, dead kernel); may be NULL. */
  const char *notice;
  int exit_code;
  gboolean timed_out;
  gboolean oom_killed;
  gboolean truncated;
  double execution_time;
  PortholeRichOutputs *rich;
} PortholeExecFacts;

JsonObject          *porthole_exec_result_to_json   (const PortholeExecFacts *facts,
                                                     gboolean                 with_rich_list);
char                *porthole_exec_result_dup_stderr (const PortholeExecFacts *facts);

G_END_DECLS
