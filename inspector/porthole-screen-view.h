/* porthole-screen-view.h — the widget showing a remote screen, and
 * turning pointer and keyboard events into remote ones while input is on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SCREEN_VIEW (porthole_screen_view_get_type ())

G_DECLARE_FINAL_TYPE (PortholeScreenView, porthole_screen_view, PORTHOLE, SCREEN_VIEW, GtkWidget)

GtkWidget    *porthole_screen_view_new               (void);
GdkPaintable *porthole_screen_view_get_paintable     (PortholeScreenView *self);
void          porthole_screen_view_set_paintable     (PortholeScreenView *self,
                                                      GdkPaintable       *paintable);
const char   *porthole_screen_view_get_scale_mode    (PortholeScreenView *self);
void          porthole_screen_view_set_scale_mode    (PortholeScreenView *self,
                                                      const char         *scale_mode);
gboolean      porthole_screen_view_get_input_enabled (PortholeScreenView *self);
void          porthole_screen_view_set_input_enabled (PortholeScreenView *self,
                                                      gboolean            input_enabled);
void          porthole_screen_view_set_remote_cursor (PortholeScreenView *self,
                                                      GdkCursor          *cursor);
void          porthole_screen_view_release_all       (PortholeScreenView *self);
gboolean      porthole_screen_view_widget_to_remote  (PortholeScreenView *self,
                                                      double              x,
                                                      double              y,
                                                      int                *remote_x,
                                                      int                *remote_y);
void          porthole_screen_view_remote_to_widget  (PortholeScreenView *self,
                                                      int                 remote_x,
                                                      int                 remote_y,
                                                      double             *x,
                                                      double             *y);

G_END_DECLS
