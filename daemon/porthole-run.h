/* porthole-run.h — one managed execution: what /execute/processes lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-process.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_RUN_QUEUED,
  PORTHOLE_RUN_RUNNING,
  PORTHOLE_RUN_COMPLETED,
  PORTHOLE_RUN_FAILED,
  PORTHOLE_RUN_KILLED,
  PORTHOLE_RUN_TIMEOUT,
} PortholeRunStatus;

/* Output kept for background runs (API.md §3: the last 64 KiB). */
#define PORTHOLE_RUN_OUTPUT_TAIL (64 * 1024)

#define PORTHOLE_TYPE_RUN (porthole_run_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRun, porthole_run, PORTHOLE, RUN, GObject)

PortholeRun       *porthole_run_new                (const char        *type,
                                                    const char        *name,
                                                    const char        *language,
                                                    const char        *command,
                                                    const char        *workdir);
char              *porthole_run_new_execution_id   (void);
const char        *porthole_run_get_process_id     (PortholeRun       *self);
const char        *porthole_run_get_execution_id   (PortholeRun       *self);
const char        *porthole_run_get_run_type       (PortholeRun       *self);
const char        *porthole_run_get_name           (PortholeRun       *self);
PortholeRunStatus  porthole_run_get_status         (PortholeRun       *self);
const char        *porthole_run_status_to_string   (PortholeRunStatus  status);
gboolean           porthole_run_is_finished        (PortholeRun       *self);
gint64             porthole_run_get_created        (PortholeRun       *self);
gint64             porthole_run_get_end_time       (PortholeRun       *self);
PortholeProcess   *porthole_run_get_process        (PortholeRun       *self);
void               porthole_run_set_command        (PortholeRun       *self,
                                                    const char        *command);
void               porthole_run_attach             (PortholeRun       *self,
                                                    PortholeProcess   *process);
void               porthole_run_fail_to_start      (PortholeRun       *self,
                                                    int                exit_code,
                                                    const char        *message);
void               porthole_run_kill               (PortholeRun       *self);
void               porthole_run_set_extra          (PortholeRun       *self,
                                                    const char        *member,
                                                    JsonNode          *value);
JsonObject        *porthole_run_to_json            (PortholeRun       *self);
JsonObject        *porthole_run_to_started_json    (PortholeRun       *self,
                                                    const char        *message);

G_END_DECLS
