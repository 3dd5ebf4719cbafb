/* porthole-run-record.h — one run of the Run page: what was run, what
 * it printed and displayed, how it ended
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_RUN_RECORD (porthole_run_record_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRunRecord, porthole_run_record, PORTHOLE, RUN_RECORD, GObject)

typedef enum
{
  PORTHOLE_RUN_OUTPUT_STDOUT,
  PORTHOLE_RUN_OUTPUT_STDERR,
  PORTHOLE_RUN_OUTPUT_NOTE,
  PORTHOLE_RUN_OUTPUT_RICH,
} PortholeRunOutputKind;

/* Called for each output in order; @text for text, @mime and @data for
 * a rich output. */
typedef void (*PortholeRunOutputFunc) (PortholeRunOutputKind  kind,
                                       const char            *text,
                                       const char            *mime,
                                       JsonNode              *data,
                                       gpointer               user_data);

PortholeRunRecord *porthole_run_record_new           (const char            *code,
                                                      const char            *language,
                                                      gboolean               shell,
                                                      gboolean               keep_state);
const char        *porthole_run_record_get_code      (PortholeRunRecord     *self);
const char        *porthole_run_record_get_language  (PortholeRunRecord     *self);
gboolean           porthole_run_record_get_shell     (PortholeRunRecord     *self);
gboolean           porthole_run_record_get_keep_state (PortholeRunRecord    *self);
char              *porthole_run_record_dup_title     (PortholeRunRecord     *self);
void               porthole_run_record_add_text      (PortholeRunRecord     *self,
                                                      PortholeRunOutputKind  kind,
                                                      const char            *text);
void               porthole_run_record_add_rich      (PortholeRunRecord     *self,
                                                      const char            *mime,
                                                      JsonNode              *data);
void               porthole_run_record_foreach       (PortholeRunRecord     *self,
                                                      PortholeRunOutputFunc  func,
                                                      gpointer               user_data);
gboolean           porthole_run_record_get_finished  (PortholeRunRecord     *self);
void               porthole_run_record_finish        (PortholeRunRecord     *self,
                                                      int                    exit_code,
                                                      double                 duration);
int                porthole_run_record_get_exit_code (PortholeRunRecord     *self);
double             porthole_run_record_get_duration  (PortholeRunRecord     *self);
char              *porthole_run_record_dup_status    (PortholeRunRecord     *self);

G_END_DECLS
