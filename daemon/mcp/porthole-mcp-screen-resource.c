/* porthole-mcp-screen-resource.c
 *
 * screen://current: the screen as the screenshot tool shows it (the
 * tools' coordinate space, the pointer drawn in), PNG. While a client
 * subscribes, the shared XDamage notifier watches the screen; changes
 * become notifications/resources/updated, the first at once, then at
 * most one per COALESCE_MS however fast the screen changes (a video
 * would otherwise flood every subscriber). Nobody subscribed: no
 * damage subscription, no cost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-daemon.h"
#include "porthole-mcp-capture.h"
#include "porthole-mcp-desktop.h"
#include "porthole-mcp-message.h"
#include "porthole-x11-damage.h"

#define SCREEN_URI "screen://current"
#define COALESCE_MS 250

typedef struct
{
  PortholeMcpServer *server;     /* owns this */
  PortholeDesktop *desktop;      /* held while watching */
  guint damage_id;
  guint timeout_id;
  gboolean pending;
} ScreenWatch;

static void
stop_watching (ScreenWatch *watch)
{
  PortholeX11Damage *damage = watch->desktop ? porthole_desktop_get_damage (watch->desktop) : NULL;

  if (watch->damage_id != 0 && damage != NULL)
    porthole_x11_damage_unsubscribe (damage, watch->damage_id);
  watch->damage_id = 0;
  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  watch->pending = FALSE;
  g_clear_object (&watch->desktop);
}

static void
screen_watch_free (ScreenWatch *watch)
{
  stop_watching (watch);
  g_free (watch);
}

static gboolean
coalesce_cb (gpointer user_data)
{
  ScreenWatch *watch = user_data;

  if (!watch->pending)
    {
      watch->timeout_id = 0;
      return G_SOURCE_REMOVE;
    }

  watch->pending = FALSE;
  porthole_mcp_server_resource_updated (watch->server, SCREEN_URI);
  return G_SOURCE_CONTINUE;
}

static void
on_damage (PortholeX11Damage  *damage,
           const PortholeRect *areas,
           guint               n_areas,
           gint64              when,
           gpointer            user_data)
{
  ScreenWatch *watch = user_data;

  if (watch->timeout_id != 0)
    {
      watch->pending = TRUE;
      return;
    }

  porthole_mcp_server_resource_updated (watch->server, SCREEN_URI);
  watch->timeout_id = g_timeout_add (COALESCE_MS, coalesce_cb, watch);
}

static void
on_subscriptions_changed (PortholeMcpServer *server,
                          ScreenWatch       *watch)
{
  PortholeDesktop *desktop = porthole_daemon_get_desktop (porthole_mcp_server_get_daemon (server));
  g_autoptr(GError) error = NULL;
  PortholeX11Damage *damage;

  if (!porthole_mcp_server_is_watched (server, SCREEN_URI))
    {
      stop_watching (watch);
      return;
    }
  if (watch->damage_id != 0 || desktop == NULL)
    return;

  if (!porthole_desktop_ensure (desktop, &error))
    {
      g_message ("Cannot watch the screen for %s: %s", SCREEN_URI, error->message);
      return;
    }
  damage = porthole_desktop_get_damage (desktop);
  if (damage == NULL || !porthole_x11_damage_is_available (damage))
    {
      g_message ("Cannot watch the screen for %s: no XDamage", SCREEN_URI);
      return;
    }

  watch->desktop = g_object_ref (desktop);
  watch->damage_id = porthole_x11_damage_subscribe (damage, NULL, on_damage, watch, NULL);
}

static void
on_captured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortholeMcpCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeMcpShot) shot = porthole_mcp_capture_finish (result, &error);
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *base64 = NULL;
  JsonObject *content;
  JsonArray *contents;

  if (shot == NULL)
    {
      porthole_mcp_call_return_gerror (call, error);
      return;
    }

  base64 = g_base64_encode (g_bytes_get_data (shot->data, NULL), g_bytes_get_size (shot->data));
  content = json_object_new ();
  json_object_set_string_member (content, "uri", SCREEN_URI);
  json_object_set_string_member (content, "mimeType", porthole_image_format_get_mime_type (shot->format));
  json_object_set_string_member (content, "blob", base64);
  json_object_set_object_member (content, "_meta", porthole_mcp_shot_to_json (shot));
  contents = json_array_new ();
  json_array_add_object_element (contents, content);
  reply = json_object_new ();
  json_object_set_array_member (reply, "contents", contents);
  porthole_mcp_call_return_result (call, reply);
}

static void
read_screen (PortholeMcpCall *call,
             const char      *uri,
             gpointer         user_data)
{
  PortholeMcpShotOptions options = { PORTHOLE_IMAGE_FORMAT_PNG, 80, TRUE, FALSE };
  g_autoptr(GError) error = NULL;
  PortholeMcpSpace space;
  PortholeDesktop *desktop = porthole_mcp_space_begin (call, NULL, &space, &error);

  if (desktop == NULL)
    {
      porthole_mcp_call_return_gerror (call, error);
      return;
    }

  porthole_mcp_capture_async (desktop, &space, NULL, &options, porthole_mcp_call_get_cancellable (call),
                              on_captured, g_object_ref (call));
}

void
porthole_mcp_screen_resource_register (PortholeMcpRegistry *registry,
                                       PortholeMcpServer   *server)
{
  g_autoptr(JsonObject) resource = json_object_new ();
  ScreenWatch *watch = g_new0 (ScreenWatch, 1);

  json_object_set_string_member (resource, "uri", SCREEN_URI);
  json_object_set_string_member (resource, "name", "screen");
  json_object_set_string_member (resource, "title", "The screen");
  json_object_set_string_member (resource, "description",
                                 "The whole screen as the screenshot tool shows it (PNG, the tools' coordinate "
                                 "space, the pointer drawn in); subscribe to hear when it changes");
  json_object_set_string_member (resource, "mimeType", "image/png");
  porthole_mcp_registry_add_resource (registry, resource, read_screen, NULL);

  /* The watch lives as long as the server that owns it. */
  watch->server = server;
  g_object_set_data_full (G_OBJECT (server), "porthole-mcp-screen-watch", watch,
                          (GDestroyNotify) screen_watch_free);
  g_signal_connect (server, "subscriptions-changed", G_CALLBACK (on_subscriptions_changed), watch);
}
