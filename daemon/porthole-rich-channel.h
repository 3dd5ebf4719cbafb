/* porthole-rich-channel.h — rich outputs of a Python run, read from the
 * runner's private pipe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one run may send this way, at most; the rest is dropped. */
#define PORTHOLE_RICH_CHANNEL_LIMIT (64 * 1024 * 1024)

#define PORTHOLE_TYPE_RICH_CHANNEL (porthole_rich_channel_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRichChannel, porthole_rich_channel, PORTHOLE, RICH_CHANNEL, GObject)

PortholeRichChannel *porthole_rich_channel_new           (int                  fd);
void                 porthole_rich_channel_drain         (PortholeRichChannel *self);
gboolean             porthole_rich_channel_get_truncated (PortholeRichChannel *self);

G_END_DECLS
