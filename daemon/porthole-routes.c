/* porthole-routes.c — the route table: every (method, path) portholed serves
 *
 * Rows follow ../shared/api/endpoints.tsv (tests/data/endpoints.tsv keeps
 * a copy and a test checks that each row is routed), then the optional
 * aliases of API.md §13 and portholed's own routes. A NULL handler means
 * "not built yet": 501 NOT_IMPLEMENTED. Handlers live in
 * porthole-<area>-routes.c, one file per area.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-commands-routes.h"
#if HAVE_DESKTOP
#include "porthole-desktop-a11y-routes.h"
#include "porthole-desktop-clipboard-routes.h"
#include "porthole-desktop-display-routes.h"
#include "porthole-desktop-input-routes.h"
#include "porthole-desktop-ocr-routes.h"
#include "porthole-desktop-recording-routes.h"
#include "porthole-desktop-screen-routes.h"
#include "porthole-desktop-status-routes.h"
#include "porthole-desktop-vnc-routes.h"
#include "porthole-desktop-wait-routes.h"
#include "porthole-desktop-window-routes.h"
/* Desktop handlers exist only in builds with the desktop. */
#define DESKTOP(handler) porthole_desktop_handle_##handler
#else
#define DESKTOP(handler) NULL
#endif
#include "porthole-env-routes.h"
#include "porthole-files-routes.h"
#include "porthole-execute-routes.h"
#include "porthole-health-routes.h"
#include "porthole-mcp-server.h"
#include "porthole-metrics-routes.h"
#include "porthole-route.h"
#include "porthole-runs-routes.h"
#include "porthole-terminal-routes.h"
#include "porthole-update-routes.h"

/* The file routes act as the target user (`user=`). */
#define AS_USER PORTHOLE_ROUTE_FLAGS_AS_USER

/* noVNC asked for "binary" until 1.2; 1.3 asks for nothing. */
static const char *const vnc_protocols[] = { "binary", NULL };

static const PortholeRoute routes[] = {
  /* method, path, name in /info "endpoints" (NULL for aliases), handler */
  /* health */
  { "GET", "/", "root", porthole_health_handle_root, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/health", "health", porthole_health_handle_health, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/ping", "ping", porthole_health_handle_ping, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/info", "info", porthole_health_handle_info, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/system", "system", porthole_health_handle_system, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },

  /* execute */
  { "POST", "/execute", "execute", porthole_execute_handle_execute, .get_body_limit = porthole_execute_body_limit },
  { "POST", "/execute/rich", "execute_rich", porthole_execute_handle_rich, .get_body_limit = porthole_execute_body_limit },
  { "POST", "/execute/ipython", "execute_ipython", porthole_execute_handle_ipython, .get_body_limit = porthole_execute_body_limit },
  { "POST", "/execute/background", "execute_background", porthole_execute_handle_background, .get_body_limit = porthole_execute_body_limit },
  { "POST", "/execute/async", "execute_async", porthole_execute_handle_async, .get_body_limit = porthole_execute_body_limit },
  { "GET", "/execute/processes", "execute_processes", porthole_runs_handle_list },
  { "DELETE", "/execute/kill", "execute_kill", porthole_runs_handle_kill },
  { "POST", "/execute/kill/{id}", NULL, porthole_runs_handle_kill },
  { "POST", "/processes/{id}/kill", NULL, porthole_runs_handle_kill },
  { "GET", "/execute/stream", "execute_stream", NULL, .websocket = porthole_execute_handle_stream, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },
  { "GET", "/stream", "stream", NULL, .websocket = porthole_execute_handle_rich_stream, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },
  { "GET", "/stream/ipython", "stream_ipython", NULL, .websocket = porthole_execute_handle_ipython_stream, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },
  { "GET", "/jupyter/sessions", "jupyter_sessions", porthole_execute_handle_jupyter_sessions },
  { "GET", "/cache", NULL, porthole_execute_handle_cache_stats },
  { "GET", "/cache/stats", "cache_stats", porthole_execute_handle_cache_stats },
  { "POST", "/cache/clear", "cache_clear", porthole_execute_handle_cache_clear },
  { "POST", "/execute/kill", NULL, porthole_runs_handle_kill },
  { "DELETE", "/execute/kill/{id}", NULL, porthole_runs_handle_kill },
  { "GET", "/jupyter/status", NULL, porthole_execute_handle_jupyter_sessions },

  /* commands */
  { "POST", "/commands/run", "commands_run", porthole_commands_handle_run },
  { "POST", "/commands/background", "commands_background", porthole_commands_handle_background },
  { "GET", "/commands/stream", "commands_stream", NULL, .websocket = porthole_commands_handle_stream, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },

  /* files */
  { "GET", "/files/read", "files_read", porthole_files_handle_read, .flags = AS_USER },
  { "POST", "/files/write", "files_write", porthole_files_handle_write, .get_body_limit = porthole_files_write_limit,
    .flags = AS_USER },
  { "GET", "/files/list", "files_list", porthole_files_handle_list, .flags = AS_USER },
  { "GET", "/files/exists", "files_exists", porthole_files_handle_exists, .flags = AS_USER },
  { "DELETE", "/files/remove", "files_remove", porthole_files_handle_remove, .flags = AS_USER },
  { "POST", "/files/mkdir", "files_mkdir", porthole_files_handle_mkdir, .flags = AS_USER },
  { "POST", "/files/upload", "files_upload", porthole_files_handle_upload, .open_body = porthole_files_open_upload,
    .flags = PORTHOLE_ROUTE_FLAGS_STREAM_BODY | AS_USER, .get_body_limit = porthole_files_upload_limit },
  { "GET", "/files/download", "files_download", porthole_files_handle_download, .flags = AS_USER },
  { "GET", "/files/watch", "files_watch", NULL, .websocket = porthole_files_handle_watch,
    .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET | AS_USER },

  /* env */
  { "GET", "/env", "env_get", porthole_env_handle_get },
  { "PUT", "/env", "env_replace", porthole_env_handle_replace },
  { "PATCH", "/env", "env_update", porthole_env_handle_merge },
  { "DELETE", "/env", "env_clear", porthole_env_handle_clear },

  /* desktop */
  { "POST", "/desktop/vnc", NULL, DESKTOP (vnc) },
  { "POST", "/desktop/vnc/start", "desktop_vnc_start", DESKTOP (vnc_start) },
  { "GET", "/desktop/vnc/start", NULL, DESKTOP (vnc_start) },
  { "POST", "/desktop/vnc/stop", "desktop_vnc_stop", DESKTOP (vnc_stop) },
  { "GET", "/desktop/vnc/stop", NULL, DESKTOP (vnc_stop) },
  { "GET", "/desktop/vnc/status", "desktop_vnc_status", DESKTOP (vnc_status) },
  { "GET", "/desktop/vnc/info", NULL, DESKTOP (vnc_status) },
  /* portholed's own: RFB for noVNC, behind the token (API.md preamble) */
  { "GET", "/desktop/vnc/websockify", "desktop_vnc_websockify", NULL,
    .websocket = DESKTOP (vnc_websocket), .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET,
    .websocket_protocols = vnc_protocols },
  { "POST", "/desktop/mouse", NULL, DESKTOP (mouse) },
  { "POST", "/desktop/mouse/click", "desktop_mouse_click", DESKTOP (mouse_click) },
  { "POST", "/desktop/mouse/move", "desktop_mouse_move", DESKTOP (mouse_move) },
  { "POST", "/desktop/mouse/drag", "desktop_mouse_drag", DESKTOP (mouse_drag) },
  { "POST", "/desktop/mouse/scroll", "desktop_mouse_scroll", DESKTOP (mouse_scroll) },
  { "POST", "/desktop/keyboard", NULL, DESKTOP (keyboard) },
  { "POST", "/desktop/keyboard/type", "desktop_keyboard_type", DESKTOP (keyboard_type) },
  { "POST", "/desktop/keyboard/press", "desktop_keyboard_press", DESKTOP (keyboard_press) },
  { "POST", "/desktop/keyboard/combination", "desktop_keyboard_combination", DESKTOP (keyboard_combination) },
  { "GET", "/desktop/clipboard", NULL, DESKTOP (clipboard_get) },
  { "POST", "/desktop/clipboard", NULL, DESKTOP (clipboard_set) },
  { "GET", "/desktop/clipboard/get", "desktop_clipboard_get", DESKTOP (clipboard_get) },
  { "POST", "/desktop/clipboard/set", "desktop_clipboard_set", DESKTOP (clipboard_set) },
  { "GET", "/desktop/clipboard/history", "desktop_clipboard_history", DESKTOP (clipboard_history) },
  { "POST", "/desktop/screenshot", "desktop_screenshot", DESKTOP (screenshot) },
  { "GET", "/desktop/screenshot", NULL, DESKTOP (screenshot) },
  { "POST", "/desktop/screenshot/region", "desktop_screenshot_region", DESKTOP (screenshot_region) },
  { "POST", "/desktop/recording", NULL, DESKTOP (recording) },
  { "POST", "/desktop/recording/start", "desktop_recording_start", DESKTOP (recording_start) },
  { "POST", "/desktop/recording/stop", "desktop_recording_stop", DESKTOP (recording_stop) },
  { "GET", "/desktop/recording/status", "desktop_recording_status", DESKTOP (recording_status) },
  { "GET", "/desktop/recording/download", "desktop_recording_download", DESKTOP (recording_download) },
  { "GET", "/desktop/recording/{id}/download", NULL, DESKTOP (recording_id_download) },
  { "GET", "/desktop/windows/list", "desktop_windows_list", DESKTOP (windows_list) },
  { "GET", "/desktop/windows", NULL, DESKTOP (windows_list) },
  { "POST", "/desktop/windows/focus", "desktop_windows_focus", DESKTOP (windows_focus) },
  { "POST", "/desktop/windows/close", "desktop_windows_close", DESKTOP (windows_close) },
  { "POST", "/desktop/windows/resize", "desktop_windows_resize", DESKTOP (windows_resize) },
  { "POST", "/desktop/windows/minimize", "desktop_windows_minimize", DESKTOP (windows_minimize) },
  { "GET", "/desktop/display/current", "desktop_display_current", DESKTOP (display_current) },
  { "GET", "/desktop/display", NULL, DESKTOP (display_current) },
  { "GET", "/desktop/display/info", NULL, DESKTOP (display_current) },
  { "POST", "/desktop/display/set", "desktop_display_set", DESKTOP (display_set) },
  { "POST", "/desktop/display", NULL, DESKTOP (display_set) },
  { "POST", "/desktop/display/resolution", NULL, DESKTOP (display_set) },
  { "GET", "/desktop/display/available", "desktop_display_available", DESKTOP (display_available) },
  { "GET", "/desktop/display/resolutions", NULL, DESKTOP (display_available) },
  { "POST", "/desktop/x11/hotkey", "desktop_x11_hotkey", DESKTOP (keyboard_combination) },
  { "POST", "/desktop/x11/drag-drop", "desktop_x11_drag_drop", DESKTOP (drag_drop) },
  { "POST", "/desktop/x11/drag_drop", NULL, DESKTOP (drag_drop) },
  { "POST", "/desktop/x11/ocr", "desktop_x11_ocr", DESKTOP (ocr) },
  { "POST", "/desktop/x11/find_element", "desktop_x11_find_element", DESKTOP (find_element) },
  { "POST", "/desktop/x11/wait_for", "desktop_x11_wait_for", DESKTOP (wait_for) },
  { "POST", "/desktop/x11/get_bounds", "desktop_x11_get_bounds", DESKTOP (get_bounds) },
  { "GET", "/desktop/x11/capture_window", "desktop_x11_capture_window", DESKTOP (capture_window) },
  { "GET", "/desktop/debug/logs", "desktop_debug_logs", DESKTOP (debug_logs) },
  { "GET", "/desktop/debug/processes", "desktop_debug_processes", DESKTOP (debug_processes) },
  { "POST", "/desktop/windows/move", "desktop_windows_move", DESKTOP (windows_move) },
  /* portholed's own (issue 20): widgets through AT-SPI, waiting for change */
  { "GET", "/desktop/accessibility/tree", "desktop_accessibility_tree", DESKTOP (accessibility_tree) },
  { "POST", "/desktop/accessibility/tree", NULL, DESKTOP (accessibility_tree) },
  { "POST", "/desktop/accessibility/action", "desktop_accessibility_action", DESKTOP (accessibility_action) },
  { "POST", "/desktop/accessibility/find", "desktop_accessibility_find", DESKTOP (accessibility_find) },
  { "POST", "/desktop/wait", "desktop_wait", DESKTOP (wait) },

  /* metrics */
  { "GET", "/processes", "processes", porthole_metrics_handle_processes },
  { "GET", "/metrics/snapshot", "metrics_snapshot", porthole_metrics_handle_snapshot },
  { "GET", "/metrics", NULL, porthole_metrics_handle_snapshot },
  { "GET", "/metrics/prometheus", "metrics_prometheus", porthole_metrics_handle_prometheus },
  /* Server-Sent Events, or a WebSocket when upgraded */
  { "GET", "/metrics/stream", "metrics_stream", porthole_metrics_handle_stream,
    .websocket = porthole_metrics_handle_stream_websocket, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },

  /* terminal */
  { "GET", "/terminal", "terminal", NULL, .websocket = porthole_terminal_handle,
    .websocket_admit = porthole_terminal_admit, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },

  /* mcp (portholed's own): Streamable HTTP, README "MCP" */
  { "POST", "/mcp", "mcp", porthole_mcp_handle_post, .get_body_limit = porthole_mcp_body_limit },
  { "GET", "/mcp", NULL, porthole_mcp_handle_get },
  { "DELETE", "/mcp", NULL, porthole_mcp_handle_delete },
  /* RFC 9728, for MCP clients: names authorization servers only when
   * mcp-authorization-servers is set */
  { "GET", "/.well-known/oauth-protected-resource", NULL, porthole_mcp_handle_resource_metadata,
    .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/.well-known/oauth-protected-resource/mcp", NULL, porthole_mcp_handle_resource_metadata,
    .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },

  /* update */
  { "POST", "/update/upload", "update_upload", porthole_update_handle_upload,
    .open_body = porthole_update_open_upload, .flags = PORTHOLE_ROUTE_FLAGS_STREAM_BODY,
    .body_limit = PORTHOLE_UPDATE_BODY_LIMIT },
  { "POST", "/update/apply", "update_apply", porthole_update_handle_apply },
  { "POST", "/update/restart", "update_restart", porthole_update_handle_restart },
  { "GET", "/update/backups", "update_backups", porthole_update_handle_backups },
  { "POST", "/agent/update/upload", NULL, porthole_update_handle_upload,
    .open_body = porthole_update_open_upload, .flags = PORTHOLE_ROUTE_FLAGS_STREAM_BODY,
    .body_limit = PORTHOLE_UPDATE_BODY_LIMIT },
  { "POST", "/agent/update/apply", NULL, porthole_update_handle_apply },
  { "POST", "/agent/update/restart", NULL, porthole_update_handle_restart },
  { "GET", "/agent/update/backups", NULL, porthole_update_handle_backups },
  /* portholed's own: put a backup back (then restart) */
  { "POST", "/update/rollback", "update_rollback", porthole_update_handle_rollback },
  { "POST", "/agent/update/rollback", NULL, porthole_update_handle_rollback },
};

/**
 * porthole_routes_get:
 * @n_routes: (out): the number of routes
 *
 * Returns: (array length=n_routes): the route table
 */
const PortholeRoute *
porthole_routes_get (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}
