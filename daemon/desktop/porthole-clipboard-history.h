/* porthole-clipboard-history.h — recent clipboard texts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_CLIPBOARD_HISTORY (porthole_clipboard_history_get_type ())

G_DECLARE_FINAL_TYPE (PortholeClipboardHistory, porthole_clipboard_history, PORTHOLE, CLIPBOARD_HISTORY, GObject)

PortholeClipboardHistory *porthole_clipboard_history_new      (guint                     max_entries,
                                                               gsize                     max_bytes);
void                      porthole_clipboard_history_add      (PortholeClipboardHistory *self,
                                                               const char               *text);
GStrv                     porthole_clipboard_history_dup_tail (PortholeClipboardHistory *self,
                                                               guint                     limit);
void                      porthole_clipboard_history_set_last_set (PortholeClipboardHistory *self,
                                                               const char               *text);
const char               *porthole_clipboard_history_get_last_set (PortholeClipboardHistory *self);
const char               *porthole_clipboard_history_resolve (PortholeClipboardHistory *self,
                                                              const char               *read);

G_END_DECLS
