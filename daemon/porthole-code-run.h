/* porthole-code-run.h — one program run in a fresh process (API.md §3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-executor.h"
#include "porthole-language.h"
#include "porthole-process.h"
#include "porthole-run-options.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_CODE_RUN_FLAGS_NONE     = 0,
  /* Keep stdout and stderr (up to the cap) for the result. */
  PORTHOLE_CODE_RUN_FLAGS_CAPTURE  = 1 << 0,
  /* ...only their last 64 KiB (background runs). */
  PORTHOLE_CODE_RUN_FLAGS_TAIL     = 1 << 1,
  /* Python: rich outputs and the last expression's value ("rich"). */
  PORTHOLE_CODE_RUN_FLAGS_RICH     = 1 << 2,
} PortholeCodeRunFlags;

#define PORTHOLE_TYPE_CODE_RUN (porthole_code_run_get_type ())

G_DECLARE_FINAL_TYPE (PortholeCodeRun, porthole_code_run, PORTHOLE, CODE_RUN, GObject)

PortholeCodeRun  *porthole_code_run_new          (PortholeExecutor     *executor,
                                                  PortholeLanguage      language,
                                                  const char           *code,
                                                  PortholeRunOptions   *options,
                                                  PortholeCodeRunFlags  flags);
gboolean          porthole_code_run_start        (PortholeCodeRun      *self,
                                                  GError              **error);
PortholeProcess  *porthole_code_run_get_process  (PortholeCodeRun      *self);
PortholeLanguage  porthole_code_run_get_language (PortholeCodeRun      *self);
const char       *porthole_code_run_get_command  (PortholeCodeRun      *self);
const char       *porthole_code_run_get_workdir  (PortholeCodeRun      *self);
gboolean          porthole_code_run_is_finished  (PortholeCodeRun      *self);
int               porthole_code_run_get_exit_code (PortholeCodeRun     *self);
gboolean          porthole_code_run_get_timed_out (PortholeCodeRun     *self);
gboolean          porthole_code_run_get_oom_killed (PortholeCodeRun    *self);
double            porthole_code_run_get_duration (PortholeCodeRun      *self);
const char       *porthole_code_run_get_notice   (PortholeCodeRun      *self);
const char       *porthole_code_run_get_result   (PortholeCodeRun      *self);
void              porthole_code_run_kill         (PortholeCodeRun      *self);
JsonObject       *porthole_code_run_to_json      (PortholeCodeRun      *self,
                                                  gboolean              with_rich_list);

G_END_DECLS
