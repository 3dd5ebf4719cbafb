/* porthole-kernel-execution.h — one cell run in a Jupyter kernel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-process.h"

G_BEGIN_DECLS

/* Exit code of a cell whose run was cancelled (as after SIGTERM). */
#define PORTHOLE_KERNEL_EXIT_CANCELLED 143

#define PORTHOLE_TYPE_KERNEL_EXECUTION (porthole_kernel_execution_get_type ())

G_DECLARE_FINAL_TYPE (PortholeKernelExecution, porthole_kernel_execution, PORTHOLE, KERNEL_EXECUTION, GObject)

PortholeKernelExecution *porthole_kernel_execution_new           (const char              *code,
                                                                  const char              *preamble,
                                                                  guint                    timeout);
const char              *porthole_kernel_execution_get_code      (PortholeKernelExecution *self);
const char              *porthole_kernel_execution_get_preamble  (PortholeKernelExecution *self);
guint                    porthole_kernel_execution_get_timeout   (PortholeKernelExecution *self);
gboolean                 porthole_kernel_execution_is_finished   (PortholeKernelExecution *self);
int                      porthole_kernel_execution_get_exit_code (PortholeKernelExecution *self);
gboolean                 porthole_kernel_execution_get_timed_out (PortholeKernelExecution *self);
gboolean                 porthole_kernel_execution_get_oom_killed (PortholeKernelExecution *self);
void                     porthole_kernel_execution_set_oom_killed (PortholeKernelExecution *self);
double                   porthole_kernel_execution_get_duration  (PortholeKernelExecution *self);
const char              *porthole_kernel_execution_get_notice    (PortholeKernelExecution *self);
const char              *porthole_kernel_execution_get_result    (PortholeKernelExecution *self);
void                     porthole_kernel_execution_cancel        (PortholeKernelExecution *self);
JsonObject              *porthole_kernel_execution_to_json       (PortholeKernelExecution *self,
                                                                  gboolean                 with_rich_list);

/* For the kernel running it. */
void                     porthole_kernel_execution_add_output    (PortholeKernelExecution *self,
                                                                  PortholeProcessStream    stream,
                                                                  const char              *text);
void                     porthole_kernel_execution_add_rich      (PortholeKernelExecution *self,
                                                                  const char              *msg_type,
                                                                  JsonObject              *content);
void                     porthole_kernel_execution_finish        (PortholeKernelExecution *self,
                                                                  int                      exit_code,
                                                                  gboolean                 timed_out,
                                                                  const char              *notice);

G_END_DECLS
