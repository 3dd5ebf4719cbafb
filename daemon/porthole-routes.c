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
#include "porthole-env-routes.h"
#include "porthole-execute-routes.h"
#include "porthole-health-routes.h"
#include "porthole-route.h"
#include "porthole-runs-routes.h"

static const PortholeRoute routes[] = {
  /* method, path, name in /info "endpoints" (NULL for aliases), handler */
  /* health */
  { "GET", "/", "root", porthole_health_handle_root, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/health", "health", porthole_health_handle_health, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/ping", "ping", porthole_health_handle_ping, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/info", "info", porthole_health_handle_info, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },
  { "GET", "/system", "system", porthole_health_handle_system, .flags = PORTHOLE_ROUTE_FLAGS_PUBLIC },

  /* execute */
  { "POST", "/execute", "execute", porthole_execute_handle_execute, .body_limit = PORTHOLE_EXECUTE_BODY_LIMIT },
  { "POST", "/execute/rich", "execute_rich", porthole_execute_handle_rich, .body_limit = PORTHOLE_EXECUTE_BODY_LIMIT },
  { "POST", "/execute/ipython", "execute_ipython", porthole_execute_handle_ipython, .body_limit = PORTHOLE_EXECUTE_BODY_LIMIT },
  { "POST", "/execute/background", "execute_background", porthole_execute_handle_background, .body_limit = PORTHOLE_EXECUTE_BODY_LIMIT },
  { "POST", "/execute/async", "execute_async", porthole_execute_handle_async, .body_limit = PORTHOLE_EXECUTE_BODY_LIMIT },
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
  { "GET", "/files/read", "files_read", NULL },
  { "POST", "/files/write", "files_write", NULL },
  { "GET", "/files/list", "files_list", NULL },
  { "GET", "/files/exists", "files_exists", NULL },
  { "DELETE", "/files/remove", "files_remove", NULL },
  { "POST", "/files/mkdir", "files_mkdir", NULL },
  { "POST", "/files/upload", "files_upload", NULL },
  { "GET", "/files/download", "files_download", NULL },
  { "GET", "/files/watch", "files_watch", NULL, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },

  /* env */
  { "GET", "/env", "env_get", porthole_env_handle_get },
  { "PUT", "/env", "env_replace", porthole_env_handle_replace },
  { "PATCH", "/env", "env_update", porthole_env_handle_merge },
  { "DELETE", "/env", "env_clear", porthole_env_handle_clear },

  /* desktop */
  { "POST", "/desktop/vnc", NULL, NULL },
  { "POST", "/desktop/vnc/start", "desktop_vnc_start", NULL },
  { "GET", "/desktop/vnc/start", NULL, NULL },
  { "POST", "/desktop/vnc/stop", "desktop_vnc_stop", NULL },
  { "GET", "/desktop/vnc/stop", NULL, NULL },
  { "GET", "/desktop/vnc/status", "desktop_vnc_status", NULL },
  { "GET", "/desktop/vnc/info", NULL, NULL },
  { "POST", "/desktop/mouse", NULL, NULL },
  { "POST", "/desktop/mouse/click", "desktop_mouse_click", NULL },
  { "POST", "/desktop/mouse/move", "desktop_mouse_move", NULL },
  { "POST", "/desktop/mouse/drag", "desktop_mouse_drag", NULL },
  { "POST", "/desktop/mouse/scroll", "desktop_mouse_scroll", NULL },
  { "POST", "/desktop/keyboard", NULL, NULL },
  { "POST", "/desktop/keyboard/type", "desktop_keyboard_type", NULL },
  { "POST", "/desktop/keyboard/press", "desktop_keyboard_press", NULL },
  { "POST", "/desktop/keyboard/combination", "desktop_keyboard_combination", NULL },
  { "GET", "/desktop/clipboard", NULL, NULL },
  { "POST", "/desktop/clipboard", NULL, NULL },
  { "GET", "/desktop/clipboard/get", "desktop_clipboard_get", NULL },
  { "POST", "/desktop/clipboard/set", "desktop_clipboard_set", NULL },
  { "GET", "/desktop/clipboard/history", "desktop_clipboard_history", NULL },
  { "POST", "/desktop/screenshot", "desktop_screenshot", NULL },
  { "GET", "/desktop/screenshot", NULL, NULL },
  { "POST", "/desktop/screenshot/region", "desktop_screenshot_region", NULL },
  { "POST", "/desktop/recording", NULL, NULL },
  { "POST", "/desktop/recording/start", "desktop_recording_start", NULL },
  { "POST", "/desktop/recording/stop", "desktop_recording_stop", NULL },
  { "GET", "/desktop/recording/status", "desktop_recording_status", NULL },
  { "GET", "/desktop/recording/download", "desktop_recording_download", NULL },
  { "GET", "/desktop/recording/{id}/download", NULL, NULL },
  { "GET", "/desktop/windows/list", "desktop_windows_list", NULL },
  { "GET", "/desktop/windows", NULL, NULL },
  { "POST", "/desktop/windows/focus", "desktop_windows_focus", NULL },
  { "POST", "/desktop/windows/close", "desktop_windows_close", NULL },
  { "POST", "/desktop/windows/resize", "desktop_windows_resize", NULL },
  { "POST", "/desktop/windows/minimize", "desktop_windows_minimize", NULL },
  { "GET", "/desktop/display/current", "desktop_display_current", NULL },
  { "GET", "/desktop/display", NULL, NULL },
  { "GET", "/desktop/display/info", NULL, NULL },
  { "POST", "/desktop/display/set", "desktop_display_set", NULL },
  { "POST", "/desktop/display", NULL, NULL },
  { "POST", "/desktop/display/resolution", NULL, NULL },
  { "GET", "/desktop/display/available", "desktop_display_available", NULL },
  { "GET", "/desktop/display/resolutions", NULL, NULL },
  { "POST", "/desktop/x11/hotkey", "desktop_x11_hotkey", NULL },
  { "POST", "/desktop/x11/drag-drop", "desktop_x11_drag_drop", NULL },
  { "POST", "/desktop/x11/drag_drop", NULL, NULL },
  { "POST", "/desktop/x11/ocr", "desktop_x11_ocr", NULL },
  { "POST", "/desktop/x11/find_element", "desktop_x11_find_element", NULL },
  { "POST", "/desktop/x11/wait_for", "desktop_x11_wait_for", NULL },
  { "POST", "/desktop/x11/get_bounds", "desktop_x11_get_bounds", NULL },
  { "GET", "/desktop/x11/capture_window", "desktop_x11_capture_window", NULL },
  { "GET", "/desktop/debug/logs", "desktop_debug_logs", NULL },
  { "GET", "/desktop/debug/processes", "desktop_debug_processes", NULL },
  { "POST", "/desktop/windows/move", "desktop_windows_move", NULL },

  /* metrics */
  { "GET", "/processes", "processes", NULL },
  { "GET", "/metrics/snapshot", "metrics_snapshot", NULL },
  { "GET", "/metrics", NULL, NULL },
  { "GET", "/metrics/prometheus", "metrics_prometheus", NULL },
  { "GET", "/metrics/stream", "metrics_stream", NULL, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },

  /* terminal */
  { "GET", "/terminal", "terminal", NULL, .flags = PORTHOLE_ROUTE_FLAGS_WEBSOCKET },

  /* update */
  { "POST", "/update/upload", "update_upload", NULL },
  { "POST", "/update/apply", "update_apply", NULL },
  { "POST", "/update/restart", "update_restart", NULL },
  { "GET", "/update/backups", "update_backups", NULL },
  { "POST", "/agent/update/upload", NULL, NULL },
  { "POST", "/agent/update/apply", NULL, NULL },
  { "POST", "/agent/update/restart", NULL, NULL },
  { "GET", "/agent/update/backups", NULL, NULL },
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
