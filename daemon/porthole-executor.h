/* porthole-executor.h — the code-execution subsystem: runtime files, the
 * execution cache, Jupyter kernels and webhook delivery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "porthole-exec-cache.h"
#include "porthole-types.h"

G_BEGIN_DECLS

typedef struct _PortholeKernelManager PortholeKernelManager;

#define PORTHOLE_TYPE_EXECUTOR (porthole_executor_get_type ())

G_DECLARE_FINAL_TYPE (PortholeExecutor, porthole_executor, PORTHOLE, EXECUTOR, GObject)

PortholeExecutor      *porthole_executor_new                (PortholeDaemon   *daemon);
PortholeDaemon        *porthole_executor_get_daemon         (PortholeExecutor *self);
const char            *porthole_executor_get_python_runner  (PortholeExecutor *self);
const char            *porthole_executor_get_go_directory   (PortholeExecutor *self);
const char            *porthole_executor_get_scratch_directory (PortholeExecutor *self);
PortholeExecCache     *porthole_executor_get_cache          (PortholeExecutor *self);
PortholeKernelManager *porthole_executor_get_kernels        (PortholeExecutor *self);
SoupSession           *porthole_executor_get_http_session   (PortholeExecutor *self);
GCancellable          *porthole_executor_get_cancellable    (PortholeExecutor *self);
gboolean               porthole_executor_has_ipykernel      (PortholeExecutor *self);

G_END_DECLS
