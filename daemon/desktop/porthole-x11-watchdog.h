/* porthole-x11-watchdog.h — a deadline on every Xlib round trip to a
 * local X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTHOLE_X11_WATCHDOG_DEFAULT_TIMEOUT 5

typedef enum
{
  PORTHOLE_X11_PROBE_ANSWERED,
  PORTHOLE_X11_PROBE_UNREACHABLE,       /* no server, or it hung up */
  PORTHOLE_X11_PROBE_SILENT,            /* connected, but no answer */
} PortholeX11Probe;

typedef struct _PortholeX11Watch PortholeX11Watch;

PortholeX11Probe    porthole_x11_probe                 (int                 number,
                                                        guint               timeout_ms);

void                porthole_x11_watchdog_set_timeout  (guint               seconds);
guint               porthole_x11_watchdog_get_timeout  (void);

PortholeX11Watch   *porthole_x11_watch_new             (int                 number,
                                                        int                 fd);
gboolean            porthole_x11_watch_has_fired       (PortholeX11Watch   *watch);
void                porthole_x11_watch_free            (PortholeX11Watch   *watch);

G_END_DECLS
