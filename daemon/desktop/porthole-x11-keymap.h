/* porthole-x11-keymap.h — keysyms to keycodes, with spare keycodes
 * bound on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-x11-display.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_X11_KEYMAP (porthole_x11_keymap_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Keymap, porthole_x11_keymap, PORTHOLE, X11_KEYMAP, GObject)

PortholeX11Keymap *porthole_x11_keymap_new             (PortholeX11Display *display);
gboolean           porthole_x11_keymap_lookup          (PortholeX11Keymap  *self,
                                                        KeySym              keysym,
                                                        KeyCode            *keycode,
                                                        gboolean           *needs_shift,
                                                        gint64             *ready_at);
gboolean           porthole_x11_keymap_can_type        (PortholeX11Keymap  *self,
                                                        KeySym              keysym);
void               porthole_x11_keymap_key_pressed     (PortholeX11Keymap  *self,
                                                        KeyCode             keycode,
                                                        gboolean            pressed);
void               porthole_x11_keymap_restore_later   (PortholeX11Keymap  *self);
void               porthole_x11_keymap_restore         (PortholeX11Keymap  *self);

/* Names and characters to keysyms; no connection needed. */
gboolean           porthole_keysym_from_name           (const char         *name,
                                                        KeySym             *keysym);
KeySym             porthole_keysym_from_unichar        (gunichar            c);
gboolean           porthole_keysym_is_modifier         (KeySym              keysym);
gboolean           porthole_keysyms_from_chord         (const char         *chord,
                                                        GArray             *keysyms,
                                                        GError            **error);

G_END_DECLS
