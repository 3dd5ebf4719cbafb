/* porthole-kernel-manager.h — the daemon's Jupyter kernels, by session name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-executor.h"
#include "porthole-kernel.h"

G_BEGIN_DECLS

/* The session of /execute/ipython and /stream/ipython. */
#define PORTHOLE_KERNEL_DEFAULT_SESSION "default"
/* Kernels kept at once (about 70 MB each); the least recently used idle
 * one makes room. */
#define PORTHOLE_KERNEL_MANAGER_MAX_KERNELS 8

#define PORTHOLE_TYPE_KERNEL_MANAGER (porthole_kernel_manager_get_type ())

G_DECLARE_FINAL_TYPE (PortholeKernelManager, porthole_kernel_manager, PORTHOLE, KERNEL_MANAGER, GObject)

PortholeKernelManager *porthole_kernel_manager_new      (PortholeExecutor      *executor,
                                                         const char            *directory);
PortholeKernel        *porthole_kernel_manager_get      (PortholeKernelManager *self,
                                                         const char            *name,
                                                         GError               **error);
JsonArray             *porthole_kernel_manager_list     (PortholeKernelManager *self);
void                   porthole_kernel_manager_shutdown (PortholeKernelManager *self);

G_END_DECLS
