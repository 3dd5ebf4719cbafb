/* porthole-desktop-window-routes.c
 *
 * With a window manager, actions are requests it carries out a moment
 * later; we answer once the effect is visible (or after SETTLE_MSEC), so
 * a screenshot taken right after shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-request.h"
#include "porthole-desktop-window-routes.h"
#include "porthole-protocol.h"

#define SETTLE_MSEC 1000
#define UNSET G_MININT

typedef struct
{
  PortholeRequest *req;
  JsonObject *reply;
} SettleCall;

static void
on_settled (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SettleCall *call = user_data;

  /* Settled or not: the action was done, the window manager is late. */
  porthole_x11_windows_wait_finish (PORTHOLE_X11_WINDOWS (object), result, NULL);
  porthole_desktop_request_reply_success (call->req, call->reply);
  g_object_unref (call->req);
  json_object_unref (call->reply);
  g_free (call);
}

/* Answers @reply (taken) once @settled holds or time is up. */
static void
reply_when_settled (PortholeRequest         *req,
                    PortholeDesktop         *desktop,
                    Window                   window,
                    const PortholeRect      *wanted,
                    PortholeX11WindowsCheck  settled,
                    JsonObject              *reply)
{
  SettleCall *call = g_new0 (SettleCall, 1);

  call->req = g_object_ref (req);
  call->reply = reply;
  porthole_x11_windows_wait_async (porthole_desktop_get_windows (desktop), window, settled, wanted, SETTLE_MSEC,
                                   porthole_request_get_cancellable (req), on_settled, call);
}

static JsonObject *
window_to_json (PortholeWindowInfo *info)
{
  JsonObject *object = json_object_new ();
  g_autofree char *hex = g_strdup_printf ("0x%08lx", info->id);

  json_object_set_int_member (object, "id", info->id);
  json_object_set_string_member (object, "window_id", hex);
  json_object_set_string_member (object, "title", info->title);
  json_object_set_int_member (object, "x", info->geometry.x);
  json_object_set_int_member (object, "y", info->geometry.y);
  json_object_set_int_member (object, "width", info->geometry.width);
  json_object_set_int_member (object, "height", info->geometry.height);
  if (info->pid > 0)
    json_object_set_int_member (object, "pid", info->pid);
  else
    json_object_set_null_member (object, "pid");
  json_object_set_int_member (object, "desktop", info->desktop);
  json_object_set_string_member (object, "class", info->wm_class);
  json_object_set_boolean_member (object, "is_active", info->active);
  json_object_set_boolean_member (object, "focused", info->active);
  json_object_set_boolean_member (object, "isActive", info->active);
  json_object_set_boolean_member (object, "is_minimized", info->minimized);
  json_object_set_boolean_member (object, "isMinimized", info->minimized);

  return object;
}

void
porthole_desktop_handle_windows_list (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(GPtrArray) windows = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *array;

  if (desktop == NULL)
    return;

  windows = porthole_x11_windows_list (porthole_desktop_get_windows (desktop));
  array = json_array_new ();
  for (guint i = 0; i < windows->len; i++)
    json_array_add_object_element (array, window_to_json (g_ptr_array_index (windows, i)));

  reply = json_object_new ();
  json_object_set_array_member (reply, "windows", array);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, windows->len);
  porthole_desktop_request_reply_success (req, reply);
}

static JsonObject *
new_action_reply (Window window)
{
  JsonObject *reply = json_object_new ();

  json_object_set_int_member (reply, "window_id", window);
  json_object_set_int_member (reply, "id", window);

  return reply;
}

void
porthole_desktop_handle_windows_focus (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(GError) error = NULL;
  Window window;

  if (desktop == NULL || !porthole_desktop_request_get_window (req, TRUE, &window))
    return;

  if (!porthole_x11_windows_focus (porthole_desktop_get_windows (desktop), window, &error))
    {
      porthole_desktop_request_reply_error (req, error);
      return;
    }

  reply_when_settled (req, desktop, window, NULL, porthole_x11_windows_is_active, new_action_reply (window));
}

static gboolean
is_settled_now (PortholeX11Windows *windows,
                Window              window,
                const PortholeRect *wanted)
{
  return TRUE;
}

void
porthole_desktop_handle_windows_close (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(GError) error = NULL;
  gboolean force;
  Window window;

  if (desktop == NULL ||
      !porthole_desktop_request_get_window (req, TRUE, &window) ||
      !porthole_request_get_boolean (req, "force", FALSE, &force))
    return;

  if (!porthole_x11_windows_close (porthole_desktop_get_windows (desktop), window, force, &error))
    {
      porthole_desktop_request_reply_error (req, error);
      return;
    }

  /* A polite close is up to the application, which may ask the user:
   * do not wait for it. */
  reply_when_settled (req, desktop, window, NULL, force ? porthole_x11_windows_is_gone : is_settled_now,
                      new_action_reply (window));
}

static void
move_resize (PortholeRequest *req,
             gboolean         move_wanted,
             gboolean         resize_wanted)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(GError) error = NULL;
  PortholeRect wanted = { UNSET, UNSET, UNSET, UNSET };
  JsonObject *reply;
  gboolean move = move_wanted, resize = resize_wanted;
  gint64 width = 0, height = 0;
  int x = 0, y = 0;
  Window window;

  if (desktop == NULL || !porthole_desktop_request_get_window (req, TRUE, &window))
    return;

  if (resize_wanted)
    {
      if (!porthole_request_require_int (req, "width", &width) ||
          !porthole_request_require_int (req, "height", &height))
        return;
      if (width <= 0 || height <= 0 || width > G_MAXINT16 || height > G_MAXINT16)
        {
          porthole_request_reply_invalid (req, width <= 0 ? "width" : "height",
                                          "width and height must be 1 to 32767");
          return;
        }
      /* Resize also moves when x and y are given. */
      move = porthole_request_has_field (req, "x") || porthole_request_has_field (req, "y");
    }

  if (move && !porthole_desktop_request_get_point (req, "x", "y", &x, &y))
    return;

  if (!porthole_x11_windows_move_resize (porthole_desktop_get_windows (desktop), window,
                                         move, x, y, resize, width, height, &error))
    {
      porthole_desktop_request_reply_error (req, error);
      return;
    }

  reply = new_action_reply (window);
  if (move)
    {
      json_object_set_int_member (reply, "x", x);
      json_object_set_int_member (reply, "y", y);
      wanted.x = x;
      wanted.y = y;
    }
  if (resize)
    {
      json_object_set_int_member (reply, "width", width);
      json_object_set_int_member (reply, "height", height);
      wanted.width = width;
      wanted.height = height;
    }
  reply_when_settled (req, desktop, window, &wanted, porthole_x11_windows_has_geometry, reply);
}

void
porthole_desktop_handle_windows_resize (PortholeRequest *req)
{
  move_resize (req, FALSE, TRUE);
}

void
porthole_desktop_handle_windows_move (PortholeRequest *req)
{
  move_resize (req, TRUE, FALSE);
}

void
porthole_desktop_handle_windows_minimize (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(GError) error = NULL;
  Window window;

  if (desktop == NULL || !porthole_desktop_request_get_window (req, TRUE, &window))
    return;

  if (!porthole_x11_windows_minimize (porthole_desktop_get_windows (desktop), window, &error))
    {
      porthole_desktop_request_reply_error (req, error);
      return;
    }

  reply_when_settled (req, desktop, window, NULL, porthole_x11_windows_is_minimized, new_action_reply (window));
}
