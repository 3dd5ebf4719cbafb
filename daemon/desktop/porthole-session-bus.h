/* porthole-session-bus.h — the embedded desktop's D-Bus session and
 * AT-SPI accessibility bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-helper-process.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SESSION_BUS (porthole_session_bus_get_type ())

G_DECLARE_FINAL_TYPE (PortholeSessionBus, porthole_session_bus, PORTHOLE, SESSION_BUS, GObject)

PortholeSessionBus *porthole_session_bus_new          (PortholeLogBuffer   *log);
gboolean            porthole_session_bus_start        (PortholeSessionBus  *self,
                                                       const char *const   *envp,
                                                       GError             **error);
void                porthole_session_bus_stop         (PortholeSessionBus  *self);
const char         *porthole_session_bus_get_address  (PortholeSessionBus  *self);
GStrv               porthole_session_bus_dup_missing  (void);
void                porthole_session_bus_add_helpers  (PortholeSessionBus  *self,
                                                       GPtrArray           *helpers);

/* What programs on the desktop need to talk to the session and to
 * expose their widgets: pairs of name and value (NULL: unset). */
const char *const  *porthole_session_bus_get_a11y_environment (void);

G_END_DECLS
