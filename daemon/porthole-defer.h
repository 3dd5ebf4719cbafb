/* porthole-defer.h — work for the next turn of the main loop
 *
 * g_idle_add() runs at G_PRIORITY_DEFAULT_IDLE: only when nothing of
 * default priority is ready. Under a steady stream of requests (a
 * pipelining client keeps its socket readable for seconds) that is
 * never, and deferred work — an /execute/async run, the end of a
 * recording, a VNC copy, an input script's next step — waited until the
 * load stopped. Deferred work runs at default priority instead, in the
 * turn after the one that asked for it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Above default: someone waits on the other end of a terminal. Each
 * turn of the main loop serves every ready source of the best ready
 * priority, and under load a default turn serves hundreds of requests
 * (tens of milliseconds); a terminal's steps at this priority run
 * between two such turns instead of each waiting for a whole one. */
#define PORTHOLE_PRIORITY_INTERACTIVE (G_PRIORITY_DEFAULT - 10)

static inline guint
porthole_defer (GSourceFunc function,
                gpointer    data)
{
  return g_idle_add_full (G_PRIORITY_DEFAULT, function, data, NULL);
}

static inline guint
porthole_defer_full (GSourceFunc    function,
                     gpointer       data,
                     GDestroyNotify notify)
{
  return g_idle_add_full (G_PRIORITY_DEFAULT, function, data, notify);
}

static inline GSource *
porthole_defer_source_new (void)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  return source;
}

G_END_DECLS
