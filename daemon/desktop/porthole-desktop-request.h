/* porthole-desktop-request.h — what every desktop route does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <X11/Xlib.h>

#include "porthole-desktop.h"
#include "porthole-frame.h"
#include "porthole-request.h"

G_BEGIN_DECLS

PortholeDesktop *porthole_desktop_request_begin            (PortholeRequest     *req);
PortholeDesktop *porthole_desktop_request_begin_offline    (PortholeRequest     *req);
PortholeDesktop *porthole_desktop_request_begin_with_plugin (PortholeRequest    *req,
                                                             const char         *plugin);
void             porthole_desktop_request_reply_unavailable (PortholeRequest    *req,
                                                             const char         *message,
                                                             const char *const  *missing);
void             porthole_desktop_request_reply_error      (PortholeRequest     *req,
                                                            const GError        *error);
void             porthole_desktop_request_reply_success    (PortholeRequest     *req,
                                                            JsonObject          *reply);
gboolean         porthole_desktop_request_get_window       (PortholeRequest     *req,
                                                            gboolean             required,
                                                            Window              *window);
gboolean         porthole_desktop_request_get_area         (PortholeRequest     *req,
                                                            JsonObject          *object,
                                                            gboolean             required,
                                                            gboolean            *present,
                                                            PortholeRect        *area);
gboolean         porthole_desktop_request_get_point        (PortholeRequest     *req,
                                                            const char          *x_name,
                                                            const char          *y_name,
                                                            int                 *x,
                                                            int                 *y);
gboolean         porthole_desktop_request_get_text         (PortholeRequest     *req,
                                                            const char          *names,
                                                            const char         **text);
gboolean         porthole_parse_window_id                  (const char          *text,
                                                            Window              *window);

G_END_DECLS
