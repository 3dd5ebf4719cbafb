/* porthole-daemon.h — the context every part of portholed hangs from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_DAEMON (porthole_daemon_get_type ())

G_DECLARE_FINAL_TYPE (PortholeDaemon, porthole_daemon, PORTHOLE, DAEMON, GObject)

/* Work in progress, for /health, /metrics and Prometheus gauges. Each
 * area calls begin/end around what it runs. */
typedef enum
{
  PORTHOLE_ACTIVITY_EXECUTIONS,  /* code and command runs, any route */
  PORTHOLE_ACTIVITY_TERMINALS,   /* open /terminal sessions */
  PORTHOLE_ACTIVITY_VNC_CLIENTS, /* connected VNC viewers */
  PORTHOLE_ACTIVITY_RECORDINGS,  /* screen recordings in progress */
  PORTHOLE_N_ACTIVITIES
} PortholeActivity;

PortholeDaemon     *porthole_daemon_new              (PortholeConfig  *config);
gboolean            porthole_daemon_start            (PortholeDaemon  *self,
                                                      GError         **error);
void                porthole_daemon_stop             (PortholeDaemon  *self);
void                porthole_daemon_drain            (PortholeDaemon  *self);
void                porthole_daemon_reload           (PortholeDaemon  *self);

PortholeConfig     *porthole_daemon_get_config       (PortholeDaemon  *self);
PortholeAuth       *porthole_daemon_get_auth         (PortholeDaemon  *self);
PortholeHttpServer *porthole_daemon_get_http_server  (PortholeDaemon  *self);
PortholeEnvStore   *porthole_daemon_get_env_store    (PortholeDaemon  *self);
PortholeSysinfo    *porthole_daemon_get_sysinfo      (PortholeDaemon  *self);
PortholeDesktop    *porthole_daemon_get_desktop      (PortholeDaemon  *self);
PortholeRunTable   *porthole_daemon_get_run_table    (PortholeDaemon  *self);
PortholeFsPolicy   *porthole_daemon_get_fs_policy    (PortholeDaemon  *self);
PortholeFileWatcher *porthole_daemon_get_file_watcher (PortholeDaemon *self);
PortholeMetrics    *porthole_daemon_get_metrics      (PortholeDaemon  *self);
PortholeUpdater    *porthole_daemon_get_updater      (PortholeDaemon  *self);
PortholeExecutor   *porthole_daemon_get_executor     (PortholeDaemon  *self);
PortholeMcpServer  *porthole_daemon_get_mcp_server   (PortholeDaemon  *self);

const char         *porthole_daemon_get_workspace    (PortholeDaemon  *self);
const char         *porthole_daemon_get_state_dir    (PortholeDaemon  *self);
const char         *porthole_daemon_get_vm_id        (PortholeDaemon  *self);
gint64              porthole_daemon_get_start_time   (PortholeDaemon  *self);
double              porthole_daemon_get_uptime       (PortholeDaemon  *self);
gboolean            porthole_daemon_is_stopping      (PortholeDaemon  *self);

void                porthole_daemon_activity_begin   (PortholeDaemon  *self,
                                                      PortholeActivity activity);
void                porthole_daemon_activity_end     (PortholeDaemon  *self,
                                                      PortholeActivity activity);
guint               porthole_daemon_get_activity     (PortholeDaemon  *self,
                                                      PortholeActivity activity);
guint64             porthole_daemon_get_activity_total (PortholeDaemon *self,
                                                        PortholeActivity activity);
guint               porthole_daemon_get_max_terminals (PortholeDaemon *self);

/* Open WebSocket sessions, for /health "active_streams". */
guint               porthole_daemon_get_active_streams (PortholeDaemon *self);
void                porthole_daemon_stream_opened    (PortholeDaemon  *self);
void                porthole_daemon_stream_closed    (PortholeDaemon  *self);

G_END_DECLS
