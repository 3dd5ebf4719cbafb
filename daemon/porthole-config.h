/* porthole-config.h — portholed's settings: key file, then command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The key file group; command-line options use the same key names. */
#define PORTHOLE_CONFIG_GROUP "portholed"

#define PORTHOLE_TYPE_CONFIG (porthole_config_get_type ())

G_DECLARE_FINAL_TYPE (PortholeConfig, porthole_config, PORTHOLE, CONFIG, GObject)

PortholeConfig     *porthole_config_new                    (const char      *path,
                                                            GKeyFile        *overrides,
                                                            GError         **error);
gboolean            porthole_config_reload                 (PortholeConfig  *self,
                                                            GError         **error);
const char         *porthole_config_get_path               (PortholeConfig  *self);

const char *const  *porthole_config_get_listen             (PortholeConfig  *self);
gboolean            porthole_config_get_listen_is_default  (PortholeConfig  *self);
const int          *porthole_config_get_listen_fds         (PortholeConfig  *self,
                                                            guint           *n_fds);
const char         *porthole_config_get_workspace          (PortholeConfig  *self);
const char         *porthole_config_get_state_dir          (PortholeConfig  *self);
const char         *porthole_config_get_user               (PortholeConfig  *self);
const char         *porthole_config_get_display            (PortholeConfig  *self);
void                porthole_config_get_display_size       (PortholeConfig  *self,
                                                            guint           *width,
                                                            guint           *height,
                                                            guint           *depth);
guint               porthole_config_get_display_timeout    (PortholeConfig  *self);
const char         *porthole_config_get_window_manager     (PortholeConfig  *self);
const char         *porthole_config_get_vnc_listen         (PortholeConfig  *self);
guint               porthole_config_get_vnc_max_viewers    (PortholeConfig  *self);
const char         *porthole_config_get_sandbox_id         (PortholeConfig  *self);
gboolean            porthole_config_get_verbose            (PortholeConfig  *self);

/* Authentication */
gboolean            porthole_config_get_insecure_no_auth   (PortholeConfig  *self);
gboolean            porthole_config_get_child_subreaper   (PortholeConfig  *self);
gboolean            porthole_config_get_process_guardian  (PortholeConfig  *self);
const char         *porthole_config_get_jwt_secret_file    (PortholeConfig  *self);
const char         *porthole_config_get_jwt_public_key_file (PortholeConfig *self);
const char         *porthole_config_get_jwt_alg            (PortholeConfig  *self);
const char         *porthole_config_get_jwt_audience       (PortholeConfig  *self);
const char         *porthole_config_get_jwt_issuer         (PortholeConfig  *self);
gint64              porthole_config_get_jwt_max_lifetime   (PortholeConfig  *self);
const char         *porthole_config_get_api_key_file       (PortholeConfig  *self);
const char *const  *porthole_config_get_ws_allowed_origins (PortholeConfig  *self);

/* TLS (optional; production terminates TLS at the proxy) */
const char         *porthole_config_get_tls_cert           (PortholeConfig  *self);
const char         *porthole_config_get_tls_key            (PortholeConfig  *self);

/* Limits (SECURITY.md §4) */
guint               porthole_config_get_max_connections    (PortholeConfig  *self);
guint               porthole_config_get_max_connections_per_address (PortholeConfig *self);
guint               porthole_config_get_max_terminals      (PortholeConfig  *self);
guint               porthole_config_get_header_timeout     (PortholeConfig  *self);
guint               porthole_config_get_body_timeout       (PortholeConfig  *self);
guint               porthole_config_get_body_min_rate      (PortholeConfig  *self);
guint               porthole_config_get_idle_timeout       (PortholeConfig  *self);
gsize               porthole_config_get_max_body_size      (PortholeConfig  *self);
gsize               porthole_config_get_execute_max_body_size (PortholeConfig *self);
guint               porthole_config_get_max_json_depth     (PortholeConfig  *self);
gsize               porthole_config_get_ws_max_message_size (PortholeConfig *self);
guint               porthole_config_get_ws_frame_interval_ms (PortholeConfig *self);
guint               porthole_config_get_ws_keepalive_interval (PortholeConfig *self);
gboolean            porthole_config_get_ws_output_mirror   (PortholeConfig  *self);

/* File API (API.md §5) */
const char *const  *porthole_config_get_files_allowed_roots (PortholeConfig *self);
const char *const  *porthole_config_get_files_deny      (PortholeConfig  *self);
guint64             porthole_config_get_files_max_read_size (PortholeConfig *self);
guint64             porthole_config_get_files_max_write_size (PortholeConfig *self);
guint64             porthole_config_get_files_max_upload_size (PortholeConfig *self);
/* Self-update (API.md §12) */
gboolean            porthole_config_get_update_enabled     (PortholeConfig  *self);
const char         *porthole_config_get_update_self_path   (PortholeConfig  *self);
gsize               porthole_config_get_update_max_size    (PortholeConfig  *self);
guint               porthole_config_get_update_max_backups (PortholeConfig  *self);
/* Screen recording (API.md §8.6) */
const char         *porthole_config_get_recordings_dir     (PortholeConfig  *self);
guint               porthole_config_get_recording_max_duration (PortholeConfig *self);
guint64             porthole_config_get_recording_max_size (PortholeConfig  *self);
guint               porthole_config_get_recording_max_concurrent (PortholeConfig *self);
guint               porthole_config_get_recording_max_kept (PortholeConfig  *self);

/* The MCP endpoint */
guint               porthole_config_get_mcp_max_sessions   (PortholeConfig  *self);
guint               porthole_config_get_mcp_session_idle_timeout (PortholeConfig *self);
guint               porthole_config_get_mcp_screenshot_max_side (PortholeConfig *self);
const char *const  *porthole_config_get_mcp_allowed_hosts  (PortholeConfig  *self);
const char *const  *porthole_config_get_mcp_authorization_servers (PortholeConfig *self);

/* Every file the daemon reads secrets or settings from; the file API
 * refuses them (API.md §5). */
GStrv               porthole_config_dup_private_files      (PortholeConfig  *self);

gboolean            porthole_parse_duration                (const char      *text,
                                                            gint64          *seconds);
gboolean            porthole_parse_size                    (const char      *text,
                                                            guint64         *bytes);

G_END_DECLS
