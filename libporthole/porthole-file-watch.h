/* porthole-file-watch.h — the /files/watch stream, one "changed" signal
 * per event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-ws-object.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_FILE_WATCH (porthole_file_watch_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFileWatch, porthole_file_watch, PORTHOLE, FILE_WATCH, PortholeWsObject)

PortholeFileWatch *porthole_file_watch_new        (SoupWebsocketConnection *connection,
                                                   const char              *path);
const char        *porthole_file_watch_get_path   (PortholeFileWatch       *self);
gboolean           porthole_file_watch_is_watching (PortholeFileWatch      *self);
guint64            porthole_file_watch_get_n_events (PortholeFileWatch     *self);

G_END_DECLS
