/* porthole-process-ledger.h — what the daemon runs, written down in its
 * state directory, so that the next one ends what a crash left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void porthole_process_ledger_open   (const char *state_dir);
void porthole_process_ledger_add    (GPid        pid);
void porthole_process_ledger_remove (GPid        pid);
void porthole_process_ledger_close  (void);
void porthole_process_ledger_start_guardian (void);
void porthole_process_ledger_set_guardian (gboolean wanted);

int  porthole_process_ledger_guard  (const char *state_dir,
                                     const char *identity);

G_END_DECLS
