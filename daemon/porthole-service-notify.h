/* porthole-service-notify.h — telling the service manager how the daemon
 * is (sd_notify(3)'s protocol)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void porthole_service_notify         (const char *state);
void porthole_service_watchdog_start (void);

G_END_DECLS
