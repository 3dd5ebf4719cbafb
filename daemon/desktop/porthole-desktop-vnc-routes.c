/* porthole-desktop-vnc-routes.c
 *
 * Start, stop and status of the built-in VNC server (API.md §8.1), and
 * its WebSocket bridge. GET /desktop/vnc/status is also the SDKs'
 * desktop probe (API.md §8.0): 200 whenever the desktop works, fast,
 * never starting anything and never loading the vnc plugin.
 *
 * The server serves portholed's one desktop: a `display` in a request
 * is accepted, and the reply names the display really served.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-desktop-request.h"
#include "porthole-desktop-vnc-routes.h"
#include "porthole-plugin.h"
#include "porthole-protocol.h"
#include "porthole-vnc.h"
#include "porthole-vnc-server.h"

#define WEBSOCKIFY_PATH "/desktop/vnc/websockify"

/* The Host the client used, without the port: what it reaches us by. */
static char *
dup_request_host (PortholeRequest *req,
                  gboolean         with_port)
{
  const char *host = porthole_request_get_header (req, "Host");
  const char *end;

  if (host == NULL || *host == '\0')
    return g_strdup ("localhost");
  if (with_port)
    return g_strdup (host);

  if (host[0] == '[')
    end = strchr (host, ']') ? strchr (host, ']') + 1 : host + strlen (host);
  else
    end = strchr (host, ':') ? strchr (host, ':') : host + strlen (host);

  return g_strndup (host, end - host);
}

static JsonObject *
describe (PortholeRequest *req,
          PortholeDesktop *desktop,
          gboolean         disclose_password)
{
  PortholeVncServer *vnc = porthole_desktop_get_vnc (desktop);
  PortholeX11Display *display = porthole_desktop_get_display (desktop);
  PortholeConfig *config = porthole_daemon_get_config (porthole_request_get_daemon (req));
  JsonObject *reply = json_object_new ();
  gboolean running = porthole_vnc_server_is_running (vnc);
  int number = porthole_x11_display_get_number (display);
  int port = porthole_vnc_server_get_port (vnc);
  g_autofree char *websocket_url = NULL;

  if (running)
    {
      g_autofree char *host = dup_request_host (req, TRUE);

      websocket_url = g_strdup_printf ("%s://%s%s", porthole_config_get_tls_cert (config) ? "wss" : "ws",
                                       host, WEBSOCKIFY_PATH);
    }

  json_object_set_boolean_member (reply, "running", running);
  if (number >= 0)
    json_object_set_int_member (reply, "display", number);
  else
    json_object_set_null_member (reply, "display");
  if (running && port > 0)
    {
      g_autofree char *host = dup_request_host (req, FALSE);
      g_autofree char *url = g_strdup_printf ("vnc://%s:%d", host, port);

      json_object_set_int_member (reply, "port", port);
      json_object_set_string_member (reply, "url", url);
    }
  else
    {
      json_object_set_null_member (reply, "port");
      /* The bridge is then the only way in, and "vnc" is in its URL. */
      if (websocket_url != NULL)
        json_object_set_string_member (reply, "url", websocket_url);
      else
        json_object_set_null_member (reply, "url");
    }
  if (websocket_url != NULL)
    json_object_set_string_member (reply, "websocket_url", websocket_url);
  else
    json_object_set_null_member (reply, "websocket_url");
  json_object_set_boolean_member (reply, "password_protected",
                                  running && porthole_vnc_server_get_password (vnc) != NULL);
  if (disclose_password && running && porthole_vnc_server_get_password (vnc) != NULL)
    json_object_set_string_member (reply, "password", porthole_vnc_server_get_password (vnc));
  else
    json_object_set_null_member (reply, "password");
  json_object_set_boolean_member (reply, "view_only", running && porthole_vnc_server_get_view_only (vnc));
  json_object_set_int_member (reply, "viewers", porthole_vnc_server_get_n_viewers (vnc));
  json_object_set_boolean_member (reply, "desktop_available", TRUE);
  json_object_set_string_member (reply, "display_name", porthole_x11_display_get_name (display));

  return reply;
}

void
porthole_desktop_handle_vnc_status (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) reply = NULL;

  if (desktop == NULL)
    return;

  reply = describe (req, desktop, FALSE);
  porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_vnc_start (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  PortholeVncServer *vnc;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = NULL;
  gboolean view_only = FALSE;
  gboolean was_running;
  gint64 unused;

  if (desktop == NULL ||
      !porthole_request_get_string (req, "password", NULL, &password) ||
      !porthole_request_get_boolean (req, "view_only", FALSE, &view_only) ||
      !porthole_request_get_int (req, "display", -1, &unused) ||
      !porthole_request_get_int (req, "width", 0, &unused) ||
      !porthole_request_get_int (req, "height", 0, &unused))
    return;

  vnc = porthole_desktop_get_vnc (desktop);
  was_running = porthole_vnc_server_is_running (vnc);
  if (!porthole_vnc_server_start (vnc, porthole_request_get_daemon (req), password, view_only, &error))
    {
      if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE) &&
          porthole_plugin_peek (PORTHOLE_PLUGIN_VNC) == NULL)
        porthole_desktop_request_reply_unavailable (req, error->message,
                                                    porthole_plugin_get_packages (PORTHOLE_PLUGIN_VNC));
      else
        porthole_desktop_request_reply_error (req, error);
      return;
    }

  reply = describe (req, desktop, TRUE);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE,
                                 was_running ? "VNC server already running" : "VNC server started");
  porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_vnc_stop (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_offline (req);
  g_autoptr(JsonObject) reply = NULL;
  gboolean was_running;
  gint64 unused;

  if (desktop == NULL || !porthole_request_get_int (req, "display", -1, &unused))
    return;

  was_running = porthole_vnc_server_is_running (porthole_desktop_get_vnc (desktop));
  porthole_vnc_server_stop (porthole_desktop_get_vnc (desktop));

  reply = json_object_new ();
  json_object_set_boolean_member (reply, "running", FALSE);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE,
                                 was_running ? "VNC server stopped" : "VNC server was not running");
  porthole_desktop_request_reply_success (req, reply);
}

/* POST /desktop/vnc (seed): `action` start (the default) or stop. */
void
porthole_desktop_handle_vnc (PortholeRequest *req)
{
  const char *action;

  if (!porthole_request_get_string (req, "action", "start", &action))
    return;

  if (g_ascii_strcasecmp (action, "start") == 0)
    porthole_desktop_handle_vnc_start (req);
  else if (g_ascii_strcasecmp (action, "stop") == 0)
    porthole_desktop_handle_vnc_stop (req);
  else if (g_ascii_strcasecmp (action, "status") == 0)
    porthole_desktop_handle_vnc_status (req);
  else
    porthole_request_reply_invalid (req, "action", "action must be start, stop or status, not \"%s\"", action);
}

/* GET /desktop/vnc/websockify: RFB over WebSocket, for noVNC and other
 * remote viewers; the token was checked before the upgrade. */
void
porthole_desktop_handle_vnc_websocket (PortholeRequest         *req,
                                       SoupWebsocketConnection *connection)
{
  PortholeDesktop *desktop = porthole_daemon_get_desktop (porthole_request_get_daemon (req));
  g_autoptr(PortholeWsChannel) channel = porthole_ws_channel_new (req, connection);

  if (desktop == NULL)
    {
      porthole_ws_channel_close (channel, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, "No desktop");
      return;
    }

  porthole_log_buffer_append (porthole_desktop_get_log (desktop), "api", "GET %s (WebSocket)",
                              porthole_request_get_path (req));
  porthole_vnc_server_add_websocket (porthole_desktop_get_vnc (desktop), channel);
}
