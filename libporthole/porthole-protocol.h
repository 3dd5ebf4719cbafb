/* porthole-protocol.h — routes, JSON members and message types of the
 * portholed protocol (the HopX VM agent API plus portholed's own routes).
 *
 * One source of truth for the daemon, the tests and the inspector.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTHOLE_DEFAULT_PORT 7777

/* Health and information (public) */
#define PORTHOLE_ROUTE_ROOT                    "/"
#define PORTHOLE_ROUTE_HEALTH                  "/health"
#define PORTHOLE_ROUTE_PING                    "/ping"
#define PORTHOLE_ROUTE_INFO                    "/info"
#define PORTHOLE_ROUTE_SYSTEM                  "/system"

/* Code execution */
#define PORTHOLE_ROUTE_EXECUTE                 "/execute"
#define PORTHOLE_ROUTE_EXECUTE_RICH            "/execute/rich"
#define PORTHOLE_ROUTE_EXECUTE_IPYTHON         "/execute/ipython"
#define PORTHOLE_ROUTE_EXECUTE_BACKGROUND      "/execute/background"
#define PORTHOLE_ROUTE_EXECUTE_ASYNC           "/execute/async"
#define PORTHOLE_ROUTE_EXECUTE_PROCESSES       "/execute/processes"
#define PORTHOLE_ROUTE_EXECUTE_KILL            "/execute/kill"
#define PORTHOLE_ROUTE_EXECUTE_KILL_ID         "/execute/kill/{id}"
#define PORTHOLE_ROUTE_PROCESSES_KILL_ID       "/processes/{id}/kill"
#define PORTHOLE_ROUTE_EXECUTE_STREAM          "/execute/stream"
#define PORTHOLE_ROUTE_STREAM                  "/stream"
#define PORTHOLE_ROUTE_STREAM_IPYTHON          "/stream/ipython"
#define PORTHOLE_ROUTE_JUPYTER_SESSIONS        "/jupyter/sessions"
#define PORTHOLE_ROUTE_JUPYTER_STATUS          "/jupyter/status"
#define PORTHOLE_ROUTE_CACHE                   "/cache"
#define PORTHOLE_ROUTE_CACHE_STATS             "/cache/stats"
#define PORTHOLE_ROUTE_CACHE_CLEAR             "/cache/clear"

/* Shell commands */
#define PORTHOLE_ROUTE_COMMANDS_RUN            "/commands/run"
#define PORTHOLE_ROUTE_COMMANDS_BACKGROUND     "/commands/background"
#define PORTHOLE_ROUTE_COMMANDS_STREAM         "/commands/stream"

/* Files */
#define PORTHOLE_ROUTE_FILES_READ              "/files/read"
#define PORTHOLE_ROUTE_FILES_WRITE             "/files/write"
#define PORTHOLE_ROUTE_FILES_LIST              "/files/list"
#define PORTHOLE_ROUTE_FILES_EXISTS            "/files/exists"
#define PORTHOLE_ROUTE_FILES_REMOVE            "/files/remove"
#define PORTHOLE_ROUTE_FILES_MKDIR             "/files/mkdir"
#define PORTHOLE_ROUTE_FILES_UPLOAD            "/files/upload"
#define PORTHOLE_ROUTE_FILES_DOWNLOAD          "/files/download"
#define PORTHOLE_ROUTE_FILES_WATCH             "/files/watch"

/* Environment */
#define PORTHOLE_ROUTE_ENV                     "/env"

/* Desktop */
#define PORTHOLE_ROUTE_DESKTOP_VNC             "/desktop/vnc"
#define PORTHOLE_ROUTE_DESKTOP_VNC_START       "/desktop/vnc/start"
#define PORTHOLE_ROUTE_DESKTOP_VNC_STOP        "/desktop/vnc/stop"
#define PORTHOLE_ROUTE_DESKTOP_VNC_STATUS      "/desktop/vnc/status"
#define PORTHOLE_ROUTE_DESKTOP_VNC_INFO        "/desktop/vnc/info"
/* portholed's own: the built-in VNC server through a WebSocket (RFB in binary frames) */
#define PORTHOLE_ROUTE_DESKTOP_VNC_WEBSOCKIFY  "/desktop/vnc/websockify"
#define PORTHOLE_ROUTE_DESKTOP_MOUSE           "/desktop/mouse"
#define PORTHOLE_ROUTE_DESKTOP_MOUSE_CLICK     "/desktop/mouse/click"
#define PORTHOLE_ROUTE_DESKTOP_MOUSE_MOVE      "/desktop/mouse/move"
#define PORTHOLE_ROUTE_DESKTOP_MOUSE_DRAG      "/desktop/mouse/drag"
#define PORTHOLE_ROUTE_DESKTOP_MOUSE_SCROLL    "/desktop/mouse/scroll"
#define PORTHOLE_ROUTE_DESKTOP_KEYBOARD        "/desktop/keyboard"
#define PORTHOLE_ROUTE_DESKTOP_KEYBOARD_TYPE   "/desktop/keyboard/type"
#define PORTHOLE_ROUTE_DESKTOP_KEYBOARD_PRESS  "/desktop/keyboard/press"
#define PORTHOLE_ROUTE_DESKTOP_KEYBOARD_COMBINATION "/desktop/keyboard/combination"
#define PORTHOLE_ROUTE_DESKTOP_CLIPBOARD       "/desktop/clipboard"
#define PORTHOLE_ROUTE_DESKTOP_CLIPBOARD_GET   "/desktop/clipboard/get"
#define PORTHOLE_ROUTE_DESKTOP_CLIPBOARD_SET   "/desktop/clipboard/set"
#define PORTHOLE_ROUTE_DESKTOP_CLIPBOARD_HISTORY "/desktop/clipboard/history"
#define PORTHOLE_ROUTE_DESKTOP_SCREENSHOT      "/desktop/screenshot"
#define PORTHOLE_ROUTE_DESKTOP_SCREENSHOT_REGION "/desktop/screenshot/region"
#define PORTHOLE_ROUTE_DESKTOP_RECORDING       "/desktop/recording"
#define PORTHOLE_ROUTE_DESKTOP_RECORDING_START "/desktop/recording/start"
#define PORTHOLE_ROUTE_DESKTOP_RECORDING_STOP  "/desktop/recording/stop"
#define PORTHOLE_ROUTE_DESKTOP_RECORDING_STATUS "/desktop/recording/status"
#define PORTHOLE_ROUTE_DESKTOP_RECORDING_DOWNLOAD "/desktop/recording/download"
#define PORTHOLE_ROUTE_DESKTOP_RECORDING_ID_DOWNLOAD "/desktop/recording/{id}/download"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS         "/desktop/windows"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS_LIST    "/desktop/windows/list"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS_FOCUS   "/desktop/windows/focus"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS_CLOSE   "/desktop/windows/close"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS_RESIZE  "/desktop/windows/resize"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS_MINIMIZE "/desktop/windows/minimize"
#define PORTHOLE_ROUTE_DESKTOP_WINDOWS_MOVE    "/desktop/windows/move"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY         "/desktop/display"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY_CURRENT "/desktop/display/current"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY_INFO    "/desktop/display/info"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY_SET     "/desktop/display/set"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY_RESOLUTION "/desktop/display/resolution"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY_AVAILABLE "/desktop/display/available"
#define PORTHOLE_ROUTE_DESKTOP_DISPLAY_RESOLUTIONS "/desktop/display/resolutions"
#define PORTHOLE_ROUTE_DESKTOP_X11_HOTKEY      "/desktop/x11/hotkey"
#define PORTHOLE_ROUTE_DESKTOP_X11_DRAG_DROP   "/desktop/x11/drag-drop"
#define PORTHOLE_ROUTE_DESKTOP_X11_DRAG_DROP_ALIAS "/desktop/x11/drag_drop"
#define PORTHOLE_ROUTE_DESKTOP_X11_OCR         "/desktop/x11/ocr"
#define PORTHOLE_ROUTE_DESKTOP_X11_FIND_ELEMENT "/desktop/x11/find_element"
#define PORTHOLE_ROUTE_DESKTOP_X11_WAIT_FOR    "/desktop/x11/wait_for"
#define PORTHOLE_ROUTE_DESKTOP_X11_GET_BOUNDS  "/desktop/x11/get_bounds"
#define PORTHOLE_ROUTE_DESKTOP_X11_CAPTURE_WINDOW "/desktop/x11/capture_window"
#define PORTHOLE_ROUTE_DESKTOP_DEBUG_LOGS      "/desktop/debug/logs"
#define PORTHOLE_ROUTE_DESKTOP_DEBUG_PROCESSES "/desktop/debug/processes"

/* Observability */
#define PORTHOLE_ROUTE_PROCESSES               "/processes"
#define PORTHOLE_ROUTE_METRICS                 "/metrics"
#define PORTHOLE_ROUTE_METRICS_SNAPSHOT        "/metrics/snapshot"
#define PORTHOLE_ROUTE_METRICS_PROMETHEUS      "/metrics/prometheus"
/* portholed's own: Server-Sent Events, or a WebSocket when upgraded */
#define PORTHOLE_ROUTE_METRICS_STREAM          "/metrics/stream"

/* Terminal */
#define PORTHOLE_ROUTE_TERMINAL                "/terminal"

/* Self-update (also under /agent/update/...) */
#define PORTHOLE_ROUTE_UPDATE_UPLOAD           "/update/upload"
#define PORTHOLE_ROUTE_UPDATE_APPLY            "/update/apply"
#define PORTHOLE_ROUTE_UPDATE_RESTART          "/update/restart"
#define PORTHOLE_ROUTE_UPDATE_BACKUPS          "/update/backups"
#define PORTHOLE_ROUTE_AGENT_UPDATE_UPLOAD     "/agent/update/upload"
#define PORTHOLE_ROUTE_AGENT_UPDATE_APPLY      "/agent/update/apply"
#define PORTHOLE_ROUTE_AGENT_UPDATE_RESTART    "/agent/update/restart"
#define PORTHOLE_ROUTE_AGENT_UPDATE_BACKUPS    "/agent/update/backups"
/* portholed's own */
#define PORTHOLE_ROUTE_UPDATE_ROLLBACK         "/update/rollback"
#define PORTHOLE_ROUTE_AGENT_UPDATE_ROLLBACK   "/agent/update/rollback"

/* Headers */
#define PORTHOLE_HEADER_REQUEST_ID             "X-Request-ID"
#define PORTHOLE_HEADER_API_KEY                "X-API-Key"
#define PORTHOLE_HEADER_HOPX_TIMESTAMP         "X-HopX-Timestamp"
#define PORTHOLE_HEADER_HOPX_SIGNATURE         "X-HopX-Signature"

/* WebSocket query parameters carrying a token (browser clients) */
#define PORTHOLE_QUERY_TOKEN                   "token"
#define PORTHOLE_QUERY_ACCESS_TOKEN            "access_token"

/* Error body (API.md §1.5) */
#define PORTHOLE_MEMBER_ERROR                  "error"
#define PORTHOLE_MEMBER_MESSAGE                "message"
#define PORTHOLE_MEMBER_CODE                   "code"
#define PORTHOLE_MEMBER_DETAILS                "details"
#define PORTHOLE_MEMBER_PATH                   "path"
#define PORTHOLE_MEMBER_REQUEST_ID             "request_id"
#define PORTHOLE_MEMBER_TIMESTAMP              "timestamp"
#define PORTHOLE_MEMBER_MISSING_DEPENDENCIES   "missing_dependencies"
#define PORTHOLE_MEMBER_EXIT_CODE              "exit_code"
#define PORTHOLE_MEMBER_PARAMETER              "parameter"

/* Common members */
#define PORTHOLE_MEMBER_SUCCESS                "success"
#define PORTHOLE_MEMBER_STATUS                 "status"
#define PORTHOLE_MEMBER_COUNT                  "count"
#define PORTHOLE_MEMBER_TYPE                   "type"
#define PORTHOLE_MEMBER_DATA                   "data"
#define PORTHOLE_MEMBER_VERSION                "version"

/* Health and info */
#define PORTHOLE_MEMBER_AGENT                  "agent"
#define PORTHOLE_MEMBER_API_VERSION            "api_version"
#define PORTHOLE_MEMBER_AGENT_VERSION          "agent_version"
#define PORTHOLE_MEMBER_GO_VERSION             "go_version"
#define PORTHOLE_MEMBER_UPTIME                 "uptime"
#define PORTHOLE_MEMBER_UPTIME_SECONDS         "uptime_seconds"
#define PORTHOLE_MEMBER_VM_ID                  "vm_id"
#define PORTHOLE_MEMBER_FEATURES               "features"
#define PORTHOLE_MEMBER_LANGUAGES              "languages"
#define PORTHOLE_MEMBER_ACTIVE_STREAMS         "active_streams"
#define PORTHOLE_MEMBER_ENDPOINTS              "endpoints"

/* Health "status" while the daemon serves requests: SDKs compare with it. */
#define PORTHOLE_HEALTH_STATUS_HEALTHY         "healthy"

/* Environment */
#define PORTHOLE_MEMBER_ENV_VARS               "env_vars"
#define PORTHOLE_MEMBER_MERGE                  "merge"

/* WebSocket message types (API.md §3.9, §10, §11) */
#define PORTHOLE_WS_TYPE_EXECUTE               "execute"
#define PORTHOLE_WS_TYPE_CANCEL                "cancel"
#define PORTHOLE_WS_TYPE_START                 "start"
#define PORTHOLE_WS_TYPE_STDOUT                "stdout"
#define PORTHOLE_WS_TYPE_STDERR                "stderr"
#define PORTHOLE_WS_TYPE_OUTPUT                "output"
#define PORTHOLE_WS_TYPE_DISPLAY               "display"
#define PORTHOLE_WS_TYPE_RESULT                "result"
#define PORTHOLE_WS_TYPE_ERROR                 "error"
#define PORTHOLE_WS_TYPE_COMPLETE              "complete"
#define PORTHOLE_WS_TYPE_INPUT                 "input"
#define PORTHOLE_WS_TYPE_RESIZE                "resize"
#define PORTHOLE_WS_TYPE_PING                  "ping"
#define PORTHOLE_WS_TYPE_PONG                  "pong"
#define PORTHOLE_WS_TYPE_SIGNAL                "signal"
#define PORTHOLE_WS_TYPE_EXIT                  "exit"
#define PORTHOLE_WS_TYPE_WATCHING              "watching"
#define PORTHOLE_WS_TYPE_UNWATCHED             "unwatched"
#define PORTHOLE_WS_TYPE_CHANGE                "change"
#define PORTHOLE_WS_TYPE_SAMPLE                "sample"

G_END_DECLS
