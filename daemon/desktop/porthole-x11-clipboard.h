/* porthole-x11-clipboard.h — text through the X selections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-x11-display.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_SELECTION_CLIPBOARD,
  PORTHOLE_SELECTION_PRIMARY,
} PortholeSelection;

gboolean porthole_selection_from_string (const char        *text,
                                         PortholeSelection *selection);

#define PORTHOLE_TYPE_X11_CLIPBOARD (porthole_x11_clipboard_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Clipboard, porthole_x11_clipboard, PORTHOLE, X11_CLIPBOARD, GObject)

PortholeX11Clipboard *porthole_x11_clipboard_new             (PortholeX11Display   *display);
gboolean              porthole_x11_clipboard_set_text        (PortholeX11Clipboard *self,
                                                              PortholeSelection     selection,
                                                              const char           *text,
                                                              GError              **error);
void                  porthole_x11_clipboard_get_text_async  (PortholeX11Clipboard *self,
                                                              PortholeSelection     selection,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
char                 *porthole_x11_clipboard_get_text_finish (PortholeX11Clipboard *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

G_END_DECLS
