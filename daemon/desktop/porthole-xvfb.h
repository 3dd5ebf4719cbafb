/* porthole-xvfb.h — the embedded X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-helper-process.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_XVFB (porthole_xvfb_get_type ())

G_DECLARE_FINAL_TYPE (PortholeXvfb, porthole_xvfb, PORTHOLE, XVFB, GObject)

PortholeXvfb          *porthole_xvfb_new              (PortholeLogBuffer *log,
                                                       guint              width,
                                                       guint              height,
                                                       guint              depth);
gboolean               porthole_xvfb_start            (PortholeXvfb      *self,
                                                       const char *const *envp,
                                                       GError           **error);
void                   porthole_xvfb_stop             (PortholeXvfb      *self);
gboolean               porthole_xvfb_is_ready         (PortholeXvfb      *self);
const char            *porthole_xvfb_get_display_name (PortholeXvfb      *self);
PortholeHelperProcess *porthole_xvfb_get_helper       (PortholeXvfb      *self);

G_END_DECLS
