/* porthole-x11-windows.h — top-level windows: EWMH with a window
 * manager, ICCCM without
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-frame.h"
#include "porthole-x11-display.h"

G_BEGIN_DECLS

typedef struct
{
  Window id;
  char *title;
  char *wm_class;
  PortholeRect geometry;  /* the client area, root coordinates */
  int pid;                /* -1: unknown */
  int desktop;
  gboolean active;
  gboolean minimized;
} PortholeWindowInfo;

void porthole_window_info_free (PortholeWindowInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeWindowInfo, porthole_window_info_free)

#define PORTHOLE_TYPE_X11_WINDOWS (porthole_x11_windows_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Windows, porthole_x11_windows, PORTHOLE, X11_WINDOWS, GObject)

PortholeX11Windows *porthole_x11_windows_new          (PortholeX11Display  *display);
gboolean            porthole_x11_windows_has_wm       (PortholeX11Windows  *self);
GPtrArray          *porthole_x11_windows_list         (PortholeX11Windows  *self);
PortholeWindowInfo *porthole_x11_windows_get_info     (PortholeX11Windows  *self,
                                                       Window               window,
                                                       GError             **error);
Window              porthole_x11_windows_get_active   (PortholeX11Windows  *self);

/* While watched, "changed" says that windows may have appeared,
 * disappeared or been renamed (list again to see). */
void                porthole_x11_windows_watch        (PortholeX11Windows  *self);
void                porthole_x11_windows_unwatch      (PortholeX11Windows  *self);

gboolean            porthole_x11_windows_focus        (PortholeX11Windows  *self,
                                                       Window               window,
                                                       GError             **error);
gboolean            porthole_x11_windows_close        (PortholeX11Windows  *self,
                                                       Window               window,
                                                       gboolean             force,
                                                       GError             **error);
gboolean            porthole_x11_windows_move_resize  (PortholeX11Windows  *self,
                                                       Window               window,
                                                       gboolean             move,
                                                       int                  x,
                                                       int                  y,
                                                       gboolean             resize,
                                                       int                  width,
                                                       int                  height,
                                                       GError             **error);
gboolean            porthole_x11_windows_minimize     (PortholeX11Windows  *self,
                                                       Window               window,
                                                       GError             **error);

/* Whether an action on @window took effect (@wanted: what the action
 * asked for, when it matters). */
typedef gboolean (*PortholeX11WindowsCheck) (PortholeX11Windows *self,
                                             Window              window,
                                             const PortholeRect *wanted);

gboolean            porthole_x11_windows_is_active    (PortholeX11Windows  *self,
                                                       Window               window,
                                                       const PortholeRect  *wanted);
gboolean            porthole_x11_windows_is_gone      (PortholeX11Windows  *self,
                                                       Window               window,
                                                       const PortholeRect  *wanted);
gboolean            porthole_x11_windows_is_minimized (PortholeX11Windows  *self,
                                                       Window               window,
                                                       const PortholeRect  *wanted);
gboolean            porthole_x11_windows_has_geometry (PortholeX11Windows  *self,
                                                       Window               window,
                                                       const PortholeRect  *wanted);
void                porthole_x11_windows_wait_async   (PortholeX11Windows  *self,
                                                       Window               window,
                                                       PortholeX11WindowsCheck check,
                                                       const PortholeRect  *wanted,
                                                       guint                timeout_ms,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            porthole_x11_windows_wait_finish  (PortholeX11Windows  *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
