/* porthole-restart.h — re-executing the daemon without refusing a
 * connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "porthole-types.h"

G_BEGIN_DECLS

void     porthole_restart_set_command_line (const char *const *argv);
void     porthole_restart_begin            (PortholeDaemon    *daemon,
                                            const char        *path);
gboolean porthole_restart_is_pending       (void);
void     porthole_restart_cancel           (void);
void     porthole_restart_exec             (void);

G_END_DECLS
