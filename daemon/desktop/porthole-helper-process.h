/* porthole-helper-process.h — a helper program kept running
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-log-buffer.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_HELPER_PROCESS (porthole_helper_process_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHelperProcess, porthole_helper_process, PORTHOLE, HELPER_PROCESS, GObject)

PortholeHelperProcess *porthole_helper_process_new          (const char            *name,
                                                             PortholeLogBuffer     *log);
void                   porthole_helper_process_set_argv     (PortholeHelperProcess *self,
                                                             const char *const     *argv);
void                   porthole_helper_process_set_envp     (PortholeHelperProcess *self,
                                                             const char *const     *envp);
void                   porthole_helper_process_keep_daemon_identity (PortholeHelperProcess *self);
void                   porthole_helper_process_start        (PortholeHelperProcess *self);
void                   porthole_helper_process_stop         (PortholeHelperProcess *self);

const char            *porthole_helper_process_get_name     (PortholeHelperProcess *self);
GPid                   porthole_helper_process_get_pid      (PortholeHelperProcess *self);
const char            *porthole_helper_process_get_status   (PortholeHelperProcess *self);
char                  *porthole_helper_process_dup_command_line (PortholeHelperProcess *self);
guint                  porthole_helper_process_get_restarts (PortholeHelperProcess *self);

G_END_DECLS
