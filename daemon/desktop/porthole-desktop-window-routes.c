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
#define SETTLE_POLL_MSEC 10
#define UNSET G_MININT

typedef gboolean (*SettledFunc) (PortholeX11Windows *windows,
                                 Window              window,
                                 const PortholeRect *wanted);

typedef struct
{
  PortholeRequest *req;
  PortholeX11Windows *windows;
  Window window;
  PortholeRect wanted;
  SettledFunc settled;
  JsonObject *reply;
  gint64 deadline;
} SettleCall;

static void
settle_call_free (SettleCall *call)
{
  g_object_unref (call->req);
  g_object_unref (call->windows);
  json_object_unref (call->reply);
  g_free (call);
}

static gboolean
settle_cb (gpointer user_data)
{
  SettleCall *call = user_data;

  if (!call->settled (call->windows, call->window, &call->wanted) &&
      g_get_monotonic_time () < call->deadline &&
      !g_cancellable_is_cancelled (porthole_request_get_cancellable (call->req)))
    return G_SOURCE_CONTINUE;

  porthole_desktop_request_reply_success (call->req, call->reply);
  settle_call_free (call);

  return G_SOURCE_REMOVE;
}

/* Answers @reply (taken) once @settled holds or time is up. */
static void
reply_when_settled (PortholeRequest    *req,
                    PortholeDesktop    *desktop,
                    Window              window,
                    const PortholeRect *wanted,
                    SettledFunc         settled,
                    JsonObject         *reply)
{
  SettleCall *call = g_new0 (SettleCall, 1);

  call->req = g_object_ref (req);
  call->windows = g_object_ref (porthole_desktop_get_windows (desktop));
  call->window = window;
  if (wanted != NULL)
    call->wanted = *wanted;
  call->settled = settled;
  call->reply = reply;
  call->deadline = g_get_monotonic_time () + SETTLE_MSEC * 1000;

  if (settle_cb (call) == G_SOURCE_CONTINUE)
    g_timeout_add (SETTLE_POLL_MSEC, settle_cb, call);
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

static gboolean
is_active (PortholeX11Windows *windows,
           Window              window,
           const PortholeRect *wanted)
{
  return porthole_x11_windows_get_active (windows) == window;
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

  reply_when_settled (req, desktop, window, NULL, is_active, new_action_reply (window));
}

static gboolean
is_gone (PortholeX11Windows *windows,
         Window              window,
         const PortholeRect *wanted)
{
  g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (windows, window, NULL);

  return info == NULL;
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
  reply_when_settled (req, desktop, window, NULL, force ? is_gone : is_settled_now,
                      new_action_reply (window));
}

static gboolean
has_geometry (PortholeX11Windows *windows,
              Window              window,
              const PortholeRect *wanted)
{
  g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (windows, window, NULL);

  if (info == NULL)
    return TRUE;

  /* Fields left at UNSET are not checked. */
  return (wanted->x == UNSET || info->geometry.x == wanted->x) &&
         (wanted->y == UNSET || info->geometry.y == wanted->y) &&
         (wanted->width == UNSET || info->geometry.width == wanted->width) &&
         (wanted->height == UNSET || info->geometry.height == wanted->height);
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
  reply_when_settled (req, desktop, window, &wanted, has_geometry, reply);
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

static gboolean
is_minimized (PortholeX11Windows *windows,
              Window              window,
              const PortholeRect *wanted)
{
  g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (windows, window, NULL);

  return info == NULL || info->minimized;
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

  reply_when_settled (req, desktop, window, NULL, is_minimized, new_action_reply (window));
}
