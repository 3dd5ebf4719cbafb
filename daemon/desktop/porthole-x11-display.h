/* porthole-x11-display.h — one Xlib connection in the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <X11/Xlib.h>

#include "porthole-log-buffer.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_X11_DISPLAY (porthole_x11_display_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Display, porthole_x11_display, PORTHOLE, X11_DISPLAY, GObject)

/* Sees every event before the default handling; returns TRUE to stop
 * other filters from seeing it. */
typedef gboolean (*PortholeX11EventFilter) (PortholeX11Display *display,
                                            XEvent             *event,
                                            gpointer            user_data);

typedef enum
{
  PORTHOLE_X11_EXTENSION_SHM    = 1 << 0,
  PORTHOLE_X11_EXTENSION_XTEST  = 1 << 1,
  PORTHOLE_X11_EXTENSION_XFIXES = 1 << 2,
  PORTHOLE_X11_EXTENSION_DAMAGE = 1 << 3,
  PORTHOLE_X11_EXTENSION_RANDR  = 1 << 4,
} PortholeX11Extensions;

PortholeX11Display *porthole_x11_display_open             (const char          *name,
                                                           PortholeLogBuffer   *log,
                                                           GError             **error);
void                porthole_x11_display_close            (PortholeX11Display  *self);
gboolean            porthole_x11_display_is_closed        (PortholeX11Display  *self);

Display            *porthole_x11_display_get_xdisplay     (PortholeX11Display  *self);
const char         *porthole_x11_display_get_name         (PortholeX11Display  *self);
int                 porthole_x11_display_get_number       (PortholeX11Display  *self);
Window              porthole_x11_display_get_root         (PortholeX11Display  *self);
int                 porthole_x11_display_get_depth        (PortholeX11Display  *self);
void                porthole_x11_display_get_size         (PortholeX11Display  *self,
                                                           int                 *width,
                                                           int                 *height);
void                porthole_x11_display_refresh_size     (PortholeX11Display  *self);
PortholeLogBuffer  *porthole_x11_display_get_log          (PortholeX11Display  *self);
int                 porthole_x11_display_get_server_pid   (PortholeX11Display  *self);

gboolean            porthole_x11_display_has_extensions   (PortholeX11Display  *self,
                                                           PortholeX11Extensions extensions);
int                 porthole_x11_display_get_event_base   (PortholeX11Display  *self,
                                                           PortholeX11Extensions extension);

Atom                porthole_x11_display_get_atom         (PortholeX11Display  *self,
                                                           const char          *name);
Time                porthole_x11_display_get_server_time  (PortholeX11Display  *self);
Window              porthole_x11_display_get_helper_window (PortholeX11Display *self);

guint               porthole_x11_display_add_filter       (PortholeX11Display  *self,
                                                           PortholeX11EventFilter filter,
                                                           gpointer             user_data);
void                porthole_x11_display_remove_filter    (PortholeX11Display  *self,
                                                           guint                filter_id);

/* Events on the root window that several parts of the daemon select:
 * each add is undone by one remove with the same mask. */
void                porthole_x11_display_add_root_events  (PortholeX11Display  *self,
                                                           long                 event_mask);
void                porthole_x11_display_remove_root_events (PortholeX11Display *self,
                                                           long                 event_mask);

/* Errors of the requests made between push and pop are caught instead
 * of being logged; pop returns the first error code (0: none). */
void                porthole_x11_display_error_trap_push  (PortholeX11Display  *self);
int                 porthole_x11_display_error_trap_pop   (PortholeX11Display  *self);
void                porthole_x11_display_error_trap_pop_ignored (PortholeX11Display *self);

G_END_DECLS
