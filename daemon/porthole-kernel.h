/* porthole-kernel.h — one Jupyter kernel, with portholed as its client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-kernel-execution.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_KERNEL (porthole_kernel_get_type ())

G_DECLARE_FINAL_TYPE (PortholeKernel, porthole_kernel, PORTHOLE, KERNEL, GObject)

PortholeKernel *porthole_kernel_new               (PortholeDaemon          *daemon,
                                                   gpointer                 zmq_context,
                                                   const char              *name,
                                                   const char              *directory);
const char     *porthole_kernel_get_id            (PortholeKernel          *self);
const char     *porthole_kernel_get_name          (PortholeKernel          *self);
gboolean        porthole_kernel_is_busy           (PortholeKernel          *self);
gint64          porthole_kernel_get_last_activity (PortholeKernel          *self);
void            porthole_kernel_submit            (PortholeKernel          *self,
                                                   PortholeKernelExecution *execution);
void            porthole_kernel_shutdown          (PortholeKernel          *self);
JsonObject     *porthole_kernel_to_json           (PortholeKernel          *self);

G_END_DECLS
