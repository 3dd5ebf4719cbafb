/* porthole-types.h — forward declarations shared by the daemon's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PortholeAuth        PortholeAuth;
typedef struct _PortholeConfig      PortholeConfig;
typedef struct _PortholeDaemon      PortholeDaemon;
typedef struct _PortholeDesktop     PortholeDesktop;
typedef struct _PortholeEnvStore    PortholeEnvStore;
typedef struct _PortholeFileWatcher PortholeFileWatcher;
typedef struct _PortholeFsPolicy    PortholeFsPolicy;
typedef struct _PortholeExecutor    PortholeExecutor;
typedef struct _PortholeHttpServer  PortholeHttpServer;
typedef struct _PortholeMcpServer   PortholeMcpServer;
typedef struct _PortholeMetrics     PortholeMetrics;
typedef struct _PortholeMetricsStream PortholeMetricsStream;
typedef struct _PortholeRequest     PortholeRequest;
typedef struct _PortholeRouter      PortholeRouter;
typedef struct _PortholeRunTable    PortholeRunTable;
typedef struct _PortholeSysinfo     PortholeSysinfo;
typedef struct _PortholeUpdater     PortholeUpdater;
typedef struct _PortholeWsChannel   PortholeWsChannel;

G_END_DECLS
