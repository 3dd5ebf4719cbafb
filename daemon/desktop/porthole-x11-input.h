/* porthole-x11-input.h — pointer and keyboard input through XTest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-input-script.h"
#include "porthole-x11-display.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_X11_INPUT (porthole_x11_input_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Input, porthole_x11_input, PORTHOLE, X11_INPUT, GObject)

PortholeX11Input *porthole_x11_input_new            (PortholeX11Display   *display);

/* Single events, as a remote-desktop protocol delivers them, sent in
 * order: once one waits for its keycode, those after it wait too. */
void              porthole_x11_input_pointer_motion (PortholeX11Input     *self,
                                                     int                   x,
                                                     int                   y);
void              porthole_x11_input_pointer_button (PortholeX11Input     *self,
                                                     guint                 button,
                                                     gboolean              pressed);
gboolean          porthole_x11_input_keysym         (PortholeX11Input     *self,
                                                     guint32               keysym,
                                                     gboolean              pressed);
void              porthole_x11_input_release_all    (PortholeX11Input     *self);

/* Scripts run one after the other; whatever a script pressed is
 * released when it ends, fails or is cancelled. */
void              porthole_x11_input_run_async      (PortholeX11Input     *self,
                                                     PortholeInputScript  *script,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean          porthole_x11_input_run_finish     (PortholeX11Input     *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
