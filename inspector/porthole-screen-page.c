/* porthole-screen-page.c
 *
 * The live view is an RFB session through the daemon's VNC WebSocket
 * (PortholeVncSession). When the daemon has no such bridge, or the
 * session fails, the page shows JPEG screenshots every
 * screenshot-interval milliseconds instead and says so; a dropped
 * session is retried with back-off while screenshots fill in.
 *
 * View only by default. "Take Control" forwards pointer, wheel and
 * keyboard: over RFB when live, through the HTTP input routes
 * (clicks, wheel, key presses) on screenshots. The clipboard always
 * goes through the HTTP routes: RFB's cut text is Latin-1 only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "porthole-application.h"
#include "porthole-client-desktop.h"
#include "porthole-error.h"
#include "porthole-screen-page.h"
#include "porthole-screenshot-poller.h"
#include "porthole-vnc-session.h"

#define MAX_RETRY_SECONDS 60
#define RESIZE_DELAY_MS 500

struct _PortholeScreenPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkToggleButton *control_button;
  GtkMenuButton *keys_button;
  GtkMenuButton *resolution_button;
  GtkLabel *mode_label;
  GtkRevealer *control_revealer;
  GtkStack *stack;
  AdwStatusPage *status_page;
  GtkScrolledWindow *scroller;
  PortholeScreenView *view;
  GMenu *resolution_section;

  /* Owned references */
  GSettings *settings;
  GSimpleActionGroup *actions;
  PortholeFramebuffer *framebuffer;
  PortholeVncSession *session;
  PortholeScreenshotPoller *poller;
  GArray *resolutions;
  char *live_problem;

  /* Borrowed: the sandbox whose screen the framebuffer holds. */
  PortholeSandbox *shown_sandbox;

  PortholeScreenMode mode;
  gboolean controlling;
  guint retry_id;
  guint retry_failures;
  guint resize_id;
  /* Modifier keysyms held, for key chords over HTTP. */
  GArray *held_modifiers;
  guint8 last_buttons;
};

enum {
  PROP_0,
  PROP_CONTROLLING,
  PROP_MODE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PortholeScreenPage, porthole_screen_page, PORTHOLE_TYPE_PAGE)

static GParamSpec *properties[N_PROPS];

static void open_live (PortholeScreenPage *self);

static PortholeClient *
get_client (PortholeScreenPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));

  return sandbox ? porthole_sandbox_get_client (sandbox) : NULL;
}

static void
set_action_enabled (PortholeScreenPage *self,
                    const char         *name,
                    gboolean            enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_mode_label (PortholeScreenPage *self)
{
  g_autofree char *text = NULL;

  switch (self->mode)
    {
    case PORTHOLE_SCREEN_CONNECTING:
      text = g_strdup (_("Connecting…"));
      break;
    case PORTHOLE_SCREEN_LIVE:
      text = g_strdup (self->controlling ? _("Live · you are in control") : _("Live · view only"));
      break;
    case PORTHOLE_SCREEN_SCREENSHOTS:
      /* Translators: the first %s says why, the number is seconds */
      text = g_strdup_printf (_("No live view (%s): a screenshot every %.1f s"),
                              self->live_problem ? self->live_problem : _("not available"),
                              g_settings_get_uint (self->settings, "screenshot-interval") / 1000.0);
      break;
    case PORTHOLE_SCREEN_NO_DESKTOP:
    case PORTHOLE_SCREEN_IDLE:
    default:
      text = g_strdup ("");
      break;
    }

  gtk_label_set_label (self->mode_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mode_label), text);
}

static void
set_mode (PortholeScreenPage *self,
          PortholeScreenMode  mode)
{
  gboolean usable = mode == PORTHOLE_SCREEN_LIVE || mode == PORTHOLE_SCREEN_SCREENSHOTS;

  if (self->mode != mode)
    {
      g_debug ("Screen: mode %d → %d", self->mode, mode);
      self->mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
    }

  if (!usable)
    porthole_screen_page_set_controlling (self, FALSE);

  if (mode == PORTHOLE_SCREEN_NO_DESKTOP)
    {
      adw_status_page_set_title (self->status_page, _("No Desktop"));
      adw_status_page_set_description (self->status_page,
                                       _("This sandbox’s agent has no desktop: it runs without an X "
                                         "display, or its desktop support is not installed."));
      gtk_stack_set_visible_child_name (self->stack, "status");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "screen");

  set_action_enabled (self, "take-control", usable);
  set_action_enabled (self, "send-keys", usable && self->controlling);
  set_action_enabled (self, "push-clipboard", usable);
  set_action_enabled (self, "pull-clipboard", usable);
  set_action_enabled (self, "save-screenshot", usable);
  set_action_enabled (self, "resolution", usable && self->resolutions != NULL && self->resolutions->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resolution_button), usable);

  update_mode_label (self);
}

static void
stop_poller (PortholeScreenPage *self)
{
  if (self->poller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->poller, self);
      porthole_screenshot_poller_stop (self->poller);
      g_clear_object (&self->poller);
    }
}

static void
close_session (PortholeScreenPage *self)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      porthole_vnc_session_close (self->session);
      g_clear_object (&self->session);
    }
  porthole_screen_view_set_remote_cursor (self->view, NULL);
}

static void
on_poller_updated (PortholeScreenPage *self)
{
  if (self->mode == PORTHOLE_SCREEN_NO_DESKTOP || self->mode == PORTHOLE_SCREEN_CONNECTING)
    set_mode (self, PORTHOLE_SCREEN_SCREENSHOTS);
}

static void
on_poller_failed (PortholeScreenPage *self,
                  GError             *error)
{
  g_debug ("Screen: screenshot failed: %s", error->message);

  if (g_error_matches (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE))
    set_mode (self, PORTHOLE_SCREEN_NO_DESKTOP);
  /* Other failures (the daemon going away) are the sandbox's health
   * check's to report; the poller keeps trying meanwhile. */
}

static void
start_screenshots (PortholeScreenPage *self)
{
  PortholeClient *client = get_client (self);

  if (self->poller != NULL || client == NULL)
    return;

  self->poller = porthole_screenshot_poller_new (client, self->framebuffer);
  porthole_screenshot_poller_set_interval (self->poller, g_settings_get_uint (self->settings, "screenshot-interval"));
  g_signal_connect_swapped (self->poller, "updated", G_CALLBACK (on_poller_updated), self);
  g_signal_connect_swapped (self->poller, "failed", G_CALLBACK (on_poller_failed), self);
  porthole_screenshot_poller_start (self->poller);
  set_mode (self, PORTHOLE_SCREEN_SCREENSHOTS);
}

static gboolean
on_retry_live (gpointer user_data)
{
  PortholeScreenPage *self = user_data;

  self->retry_id = 0;
  open_live (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_live_retry (PortholeScreenPage *self)
{
  guint delay = MIN (1u << MIN (self->retry_failures, 6), MAX_RETRY_SECONDS);

  self->retry_failures++;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (delay, on_retry_live, self);
}

static char *
describe_live_error (const GError *error)
{
  if (error->domain == PORTHOLE_CLIENT_ERROR)
    {
      switch (error->code)
        {
        case PORTHOLE_ERROR_NOT_FOUND:
        case PORTHOLE_ERROR_NOT_IMPLEMENTED:
          return g_strdup (_("the agent has no VNC bridge"));
        case PORTHOLE_ERROR_SERVICE_UNAVAILABLE:
        case PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE:
        case PORTHOLE_ERROR_FEATURE_DISABLED:
          return g_strdup (_("the agent’s VNC server is not available"));
        case PORTHOLE_ERROR_TOKEN_INVALID:
        case PORTHOLE_ERROR_TOKEN_EXPIRED:
          return g_strdup (_("the token was refused"));
        default:
          break;
        }
    }

  return g_strdup (error->message);
}

static void
on_session_disconnected (PortholeScreenPage *self,
                         const char         *message)
{
  g_autofree char *text = g_strdup_printf (_("The live view ended: %s"), message ? message : _("the connection closed"));

  close_session (self);
  g_free (self->live_problem);
  self->live_problem = g_strdup (_("reconnecting"));
  start_screenshots (self);
  schedule_live_retry (self);
  porthole_page_show_toast (PORTHOLE_PAGE (self), text);
}

static void
on_session_cursor_changed (PortholeScreenPage *self,
                           GdkCursor          *cursor)
{
  porthole_screen_view_set_remote_cursor (self->view, cursor);
}

static void
open_live_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  PortholeVncSession *session = PORTHOLE_VNC_SESSION (object);
  g_autoptr(GError) error = NULL;

  if (!porthole_vnc_session_open_finish (session, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session != session)
        return;

      g_debug ("Screen: no live view: %s", error->message);
      close_session (self);
      g_free (self->live_problem);
      self->live_problem = describe_live_error (error);
      start_screenshots (self);

      /* An agent without the route will not grow one: wait for the
       * page to start again. Anything else may pass. */
      if (!g_error_matches (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_NOT_FOUND) &&
          !g_error_matches (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_NOT_IMPLEMENTED))
        schedule_live_retry (self);
      return;
    }

  if (self->session != session)
    return;

  self->retry_failures = 0;
  g_clear_pointer (&self->live_problem, g_free);
  stop_poller (self);
  set_mode (self, PORTHOLE_SCREEN_LIVE);
}

static void
open_live (PortholeScreenPage *self)
{
  PortholeClient *client = get_client (self);
  GCancellable *cancellable = porthole_page_get_cancellable (PORTHOLE_PAGE (self));

  if (client == NULL || cancellable == NULL || self->session != NULL)
    return;

  if (self->poller == NULL)
    set_mode (self, PORTHOLE_SCREEN_CONNECTING);

  self->session = porthole_vnc_session_new (self->framebuffer, GTK_WIDGET (self->view));
  g_signal_connect_swapped (self->session, "disconnected", G_CALLBACK (on_session_disconnected), self);
  g_signal_connect_swapped (self->session, "cursor-changed", G_CALLBACK (on_session_cursor_changed), self);
  porthole_vnc_session_open_async (self->session, client, cancellable, open_live_cb, g_object_ref (self));
}

static void
update_resolution_state (PortholeScreenPage *self)
{
  int width = porthole_framebuffer_get_width (self->framebuffer);
  int height = porthole_framebuffer_get_height (self->framebuffer);
  g_autofree char *state = g_strdup_printf ("%dx%d", width, height);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "resolution");

  if (width > 0 && height > 0)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (state));
}

static void
resolutions_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GError) error = NULL;

  sizes = porthole_client_list_resolutions_finish (PORTHOLE_CLIENT (object), result, NULL, &error);
  if (sizes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Screen: no resolutions: %s", error->message);
      return;
    }

  g_clear_pointer (&self->resolutions, g_array_unref);
  self->resolutions = g_steal_pointer (&sizes);

  g_menu_remove_all (self->resolution_section);
  for (guint i = 0; i < self->resolutions->len; i++)
    {
      PortholeSize *size = &g_array_index (self->resolutions, PortholeSize, i);
      g_autofree char *label = g_strdup_printf ("%d × %d", size->width, size->height);
      g_autofree char *target = g_strdup_printf ("%dx%d", size->width, size->height);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "screen.resolution", g_variant_new_string (target));
      g_menu_append_item (self->resolution_section, item);
    }

  update_resolution_state (self);
  set_mode (self, self->mode);
}

static void
on_sandbox_desktop (PortholeScreenPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));

  /* The desktop came back (or appeared): try again from the start. */
  if (self->mode == PORTHOLE_SCREEN_NO_DESKTOP &&
      porthole_sandbox_get_desktop (sandbox) == PORTHOLE_DESKTOP_AVAILABLE)
    {
      stop_poller (self);
      self->retry_failures = 0;
      open_live (self);
    }
}

static void
porthole_screen_page_start (PortholePage    *page,
                            PortholeSandbox *sandbox,
                            GCancellable    *cancellable)
{
  PortholeScreenPage *self = PORTHOLE_SCREEN_PAGE (page);

  if (self->shown_sandbox != sandbox)
    {
      porthole_framebuffer_clear (self->framebuffer);
      g_menu_remove_all (self->resolution_section);
      g_clear_pointer (&self->resolutions, g_array_unref);
      self->shown_sandbox = sandbox;
    }

  self->retry_failures = 0;
  g_signal_connect_object (sandbox, "notify::desktop", G_CALLBACK (on_sandbox_desktop), self, G_CONNECT_SWAPPED);

  if (porthole_sandbox_get_desktop (sandbox) == PORTHOLE_DESKTOP_UNAVAILABLE)
    {
      set_mode (self, PORTHOLE_SCREEN_NO_DESKTOP);
      return;
    }

  porthole_client_list_resolutions_async (porthole_sandbox_get_client (sandbox), cancellable,
                                          resolutions_cb, g_object_ref (self));
  open_live (self);
}

static void
porthole_screen_page_stop (PortholePage *page)
{
  PortholeScreenPage *self = PORTHOLE_SCREEN_PAGE (page);
  PortholeSandbox *sandbox = porthole_page_get_sandbox (page);

  porthole_screen_page_set_controlling (self, FALSE);
  if (sandbox != NULL)
    g_signal_handlers_disconnect_by_func (sandbox, on_sandbox_desktop, self);
  if (self->shown_sandbox != sandbox)
    self->shown_sandbox = NULL;
  close_session (self);
  stop_poller (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->resize_id, g_source_remove);
  set_mode (self, PORTHOLE_SCREEN_IDLE);
}

/* Input */

static PortholeMouseButton
http_button (guint8 bit)
{
  switch (bit)
    {
    case PORTHOLE_VNC_BUTTON_MIDDLE:
      return PORTHOLE_MOUSE_BUTTON_MIDDLE;
    case PORTHOLE_VNC_BUTTON_RIGHT:
      return PORTHOLE_MOUSE_BUTTON_RIGHT;
    default:
      return PORTHOLE_MOUSE_BUTTON_LEFT;
    }
}

static void
http_input_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_call_finish_boolean (PORTHOLE_CLIENT (object), result, &error))
    porthole_page_show_error (PORTHOLE_PAGE (self), _("The input did not reach the sandbox"), error);
  else if (self->poller != NULL)
    porthole_screenshot_poller_poll_now (self->poller);
}

/* On screenshots there is no pointer stream: a press is a click where
 * it happened, a wheel step a scroll. */
static void
forward_pointer_http (PortholeScreenPage *self,
                      int                 x,
                      int                 y,
                      guint8              buttons)
{
  PortholeClient *client = get_client (self);
  GCancellable *cancellable = porthole_page_get_cancellable (PORTHOLE_PAGE (self));
  guint8 pressed = buttons & ~self->last_buttons;
  const guint8 clicks[] = { PORTHOLE_VNC_BUTTON_LEFT, PORTHOLE_VNC_BUTTON_MIDDLE, PORTHOLE_VNC_BUTTON_RIGHT };

  self->last_buttons = buttons;
  if (client == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (clicks); i++)
    if (pressed & clicks[i])
      porthole_client_mouse_click_async (client, x, y, http_button (clicks[i]), cancellable,
                                         http_input_cb, g_object_ref (self));

  if (pressed & (PORTHOLE_VNC_BUTTON_SCROLL_UP | PORTHOLE_VNC_BUTTON_SCROLL_DOWN |
                 PORTHOLE_VNC_BUTTON_SCROLL_LEFT | PORTHOLE_VNC_BUTTON_SCROLL_RIGHT))
    porthole_client_mouse_scroll_async (client, x, y,
                                        (pressed & PORTHOLE_VNC_BUTTON_SCROLL_RIGHT) ? 1 :
                                        (pressed & PORTHOLE_VNC_BUTTON_SCROLL_LEFT) ? -1 : 0,
                                        (pressed & PORTHOLE_VNC_BUTTON_SCROLL_DOWN) ? 1 :
                                        (pressed & PORTHOLE_VNC_BUTTON_SCROLL_UP) ? -1 : 0,
                                        cancellable, http_input_cb, g_object_ref (self));
}

static void
view_pointer_cb (PortholeScreenPage *self,
                 int                 x,
                 int                 y,
                 guint               buttons)
{
  if (!self->controlling)
    return;

  if (self->mode == PORTHOLE_SCREEN_LIVE)
    porthole_vnc_session_pointer (self->session, x, y, buttons);
  else if (self->mode == PORTHOLE_SCREEN_SCREENSHOTS)
    forward_pointer_http (self, x, y, buttons);
}

static gboolean
is_modifier (guint keysym)
{
  switch (keysym)
    {
    case GDK_KEY_Shift_L: case GDK_KEY_Shift_R:
    case GDK_KEY_Control_L: case GDK_KEY_Control_R:
    case GDK_KEY_Alt_L: case GDK_KEY_Alt_R:
    case GDK_KEY_Meta_L: case GDK_KEY_Meta_R:
    case GDK_KEY_Super_L: case GDK_KEY_Super_R:
    case GDK_KEY_ISO_Level3_Shift:
      return TRUE;
    default:
      return FALSE;
    }
}

/* On screenshots, keys go as "/desktop/keyboard/press" chords: the
 * modifiers held, then the key. */
static void
forward_key_http (PortholeScreenPage *self,
                  gboolean            down,
                  guint               keysym)
{
  PortholeClient *client = get_client (self);
  g_autoptr(GString) chord = g_string_new (NULL);
  const char *name;

  if (is_modifier (keysym))
    {
      for (guint i = 0; i < self->held_modifiers->len; i++)
        if (g_array_index (self->held_modifiers, guint, i) == keysym)
          g_array_remove_index (self->held_modifiers, i--);
      if (down)
        g_array_append_val (self->held_modifiers, keysym);
      return;
    }

  if (!down || client == NULL || (name = gdk_keyval_name (keysym)) == NULL)
    return;

  for (guint i = 0; i < self->held_modifiers->len; i++)
    g_string_append_printf (chord, "%s+", gdk_keyval_name (g_array_index (self->held_modifiers, guint, i)));
  g_string_append (chord, name);

  porthole_client_key_press_async (client, chord->str, porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                   http_input_cb, g_object_ref (self));
}

static void
view_key_cb (PortholeScreenPage *self,
             gboolean            down,
             guint               keysym)
{
  if (!self->controlling)
    return;

  if (self->mode == PORTHOLE_SCREEN_LIVE)
    porthole_vnc_session_key (self->session, down, keysym);
  else if (self->mode == PORTHOLE_SCREEN_SCREENSHOTS)
    forward_key_http (self, down, keysym);
}

static void
view_release_requested_cb (PortholeScreenPage *self)
{
  porthole_screen_page_set_controlling (self, FALSE);
}

/* Actions */

static void
give_back_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  porthole_screen_page_set_controlling (PORTHOLE_SCREEN_PAGE (user_data), FALSE);
}

static void
send_keys_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  PortholeScreenPage *self = user_data;
  g_auto(GStrv) names = g_strsplit (g_variant_get_string (parameter, NULL), "+", -1);
  guint n = g_strv_length (names);
  g_autofree guint *keysyms = g_new0 (guint, n);
  PortholeClient *client = get_client (self);

  if (!self->controlling || n == 0)
    return;

  for (guint i = 0; i < n; i++)
    if ((keysyms[i] = gdk_keyval_from_name (names[i])) == GDK_KEY_VoidSymbol)
      return;

  if (self->mode == PORTHOLE_SCREEN_LIVE)
    {
      for (guint i = 0; i < n; i++)
        porthole_vnc_session_key (self->session, TRUE, keysyms[i]);
      for (guint i = n; i > 0; i--)
        porthole_vnc_session_key (self->session, FALSE, keysyms[i - 1]);
    }
  else if (client != NULL)
    porthole_client_key_combination_async (client, (const char * const *) names,
                                           porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                           http_input_cb, g_object_ref (self));
}

static void
set_clipboard_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_set_clipboard_finish (PORTHOLE_CLIENT (object), result, &error))
    porthole_page_show_error (PORTHOLE_PAGE (self), _("The clipboard was not sent"), error);
  else
    porthole_page_show_toast (PORTHOLE_PAGE (self), _("Your clipboard is now the sandbox’s"));
}

static void
read_local_clipboard_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PortholeClient *client = get_client (self);

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (text == NULL)
    {
      if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        porthole_page_show_toast (PORTHOLE_PAGE (self), _("Your clipboard holds no text"));
      return;
    }

  if (client != NULL)
    porthole_client_set_clipboard_async (client, text, porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                         set_clipboard_cb, g_object_ref (self));
}

static void
push_clipboard_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PortholeScreenPage *self = user_data;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                                 porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                 read_local_clipboard_cb, g_object_ref (self));
}

static void
get_clipboard_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = porthole_client_get_clipboard_finish (PORTHOLE_CLIENT (object), result, &error);
  if (text == NULL)
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The sandbox’s clipboard could not be read"), error);
      return;
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  porthole_page_show_toast (PORTHOLE_PAGE (self), _("The sandbox’s clipboard is now yours"));
}

static void
pull_clipboard_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PortholeScreenPage *self = user_data;
  PortholeClient *client = get_client (self);

  if (client != NULL)
    porthole_client_get_clipboard_async (client, porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                         get_clipboard_cb, g_object_ref (self));
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    porthole_page_show_error (PORTHOLE_PAGE (self), _("The screenshot was not saved"), error);
  else
    porthole_page_show_toast (PORTHOLE_PAGE (self), _("Screenshot saved"));
}

static void
save_dialog_response (GtkNativeDialog    *dialog,
                      int                 response,
                      PortholeScreenPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    porthole_screen_page_save_screenshot (self, file);

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
save_screenshot_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PortholeScreenPage *self = user_data;
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H.%M.%S");
  g_autofree char *name = NULL;
  GtkFileChooserNative *dialog;

  if (porthole_framebuffer_get_texture (self->framebuffer) == NULL)
    return;

  /* Translators: a file name: the sandbox's name and a date */
  name = g_strdup_printf (_("%s %s.png"), sandbox ? porthole_sandbox_get_name (sandbox) : "Porthole", stamp);
  dialog = gtk_file_chooser_native_new (_("Save Screenshot"),
                                        GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (save_dialog_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
set_resolution_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PortholeScreenPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_set_resolution_finish (PORTHOLE_CLIENT (object), result, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The resolution did not change"), error);
      update_resolution_state (self);
      return;
    }

  /* Live, the desktop-resize message brings the new size; on
   * screenshots, the next one does. */
  if (self->poller != NULL)
    porthole_screenshot_poller_poll_now (self->poller);
}

static void
request_resolution (PortholeScreenPage *self,
                    int                 width,
                    int                 height)
{
  PortholeClient *client = get_client (self);

  if (client != NULL)
    porthole_client_set_resolution_async (client, width, height, porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                          set_resolution_cb, g_object_ref (self));
}

static void
resolution_change_state (GSimpleAction *action,
                         GVariant      *value,
                         gpointer       user_data)
{
  PortholeScreenPage *self = user_data;
  int width = 0, height = 0;

  if (sscanf (g_variant_get_string (value, NULL), "%dx%d", &width, &height) != 2 || width <= 0 || height <= 0)
    return;

  g_simple_action_set_state (action, value);
  request_resolution (self, width, height);
}

/* "Resize Sandbox to Window": the largest offered size that fits. */
static gboolean
on_resize_timeout (gpointer user_data)
{
  PortholeScreenPage *self = user_data;
  int width = gtk_widget_get_width (GTK_WIDGET (self->scroller));
  int height = gtk_widget_get_height (GTK_WIDGET (self->scroller));
  PortholeSize best = { 0, 0 };

  self->resize_id = 0;
  if (self->resolutions == NULL || self->mode == PORTHOLE_SCREEN_NO_DESKTOP || self->mode == PORTHOLE_SCREEN_IDLE)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < self->resolutions->len; i++)
    {
      PortholeSize *size = &g_array_index (self->resolutions, PortholeSize, i);

      if (size->width <= width && size->height <= height &&
          (gint64) size->width * size->height > (gint64) best.width * best.height)
        best = *size;
    }

  if (best.width > 0 &&
      (best.width != porthole_framebuffer_get_width (self->framebuffer) ||
       best.height != porthole_framebuffer_get_height (self->framebuffer)))
    request_resolution (self, best.width, best.height);

  return G_SOURCE_REMOVE;
}

static void
queue_remote_resize (PortholeScreenPage *self)
{
  if (!g_settings_get_boolean (self->settings, "resize-remote"))
    return;

  g_clear_handle_id (&self->resize_id, g_source_remove);
  self->resize_id = g_timeout_add (RESIZE_DELAY_MS, on_resize_timeout, self);
}

static void
on_framebuffer_size (PortholeScreenPage *self)
{
  update_resolution_state (self);
}

static void
on_screenshot_interval_changed (PortholeScreenPage *self)
{
  if (self->poller != NULL)
    porthole_screenshot_poller_set_interval (self->poller, g_settings_get_uint (self->settings, "screenshot-interval"));
  update_mode_label (self);
}

static void
take_control_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PortholeScreenPage *self = user_data;

  porthole_screen_page_set_controlling (self, !self->controlling);
}

static const GActionEntry page_actions[] = {
  { "take-control", take_control_action, NULL, "false" },
  { "give-back", give_back_action },
  { "send-keys", send_keys_action, "s" },
  { "push-clipboard", push_clipboard_action },
  { "pull-clipboard", pull_clipboard_action },
  { "save-screenshot", save_screenshot_action },
  { "resolution", NULL, "s", "''", resolution_change_state },
};

static void
porthole_screen_page_dispose (GObject *object)
{
  PortholeScreenPage *self = (PortholeScreenPage *)object;

  /* Stop while the template's widgets are still there. */
  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  close_session (self);
  stop_poller (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->resize_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_SCREEN_PAGE);

  G_OBJECT_CLASS (porthole_screen_page_parent_class)->dispose (object);
}

static void
porthole_screen_page_finalize (GObject *object)
{
  PortholeScreenPage *self = (PortholeScreenPage *)object;

  g_clear_object (&self->framebuffer);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->resolutions, g_array_unref);
  g_clear_pointer (&self->held_modifiers, g_array_unref);
  g_free (self->live_problem);

  G_OBJECT_CLASS (porthole_screen_page_parent_class)->finalize (object);
}

static void
porthole_screen_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PortholeScreenPage *self = PORTHOLE_SCREEN_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTROLLING:
      g_value_set_boolean (value, self->controlling);
      break;

    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_screen_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PortholeScreenPage *self = PORTHOLE_SCREEN_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTROLLING:
      porthole_screen_page_set_controlling (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_screen_page_class_init (PortholeScreenPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_screen_page_dispose;
  object_class->finalize = porthole_screen_page_finalize;
  object_class->get_property = porthole_screen_page_get_property;
  object_class->set_property = porthole_screen_page_set_property;

  page_class->start = porthole_screen_page_start;
  page_class->stop = porthole_screen_page_stop;

  properties[PROP_CONTROLLING] =
    g_param_spec_boolean ("controlling", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL, PORTHOLE_SCREEN_IDLE, PORTHOLE_SCREEN_NO_DESKTOP, PORTHOLE_SCREEN_IDLE,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PORTHOLE_TYPE_SCREEN_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-screen-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, control_button);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, keys_button);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, resolution_button);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, mode_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, control_revealer);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, view);
  gtk_widget_class_bind_template_child (widget_class, PortholeScreenPage, resolution_section);
  gtk_widget_class_bind_template_callback (widget_class, view_pointer_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_key_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_release_requested_cb);

  /* Ctrl+Alt+G takes control; while in control the view itself sees
   * it and gives control back. Ctrl+S saves a screenshot. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "screen.take-control", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "screen.save-screenshot", NULL);
}

static void
porthole_screen_page_init (PortholeScreenPage *self)
{
  g_autoptr(GAction) scale = NULL;
  g_autoptr(GAction) resize = NULL;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  self->framebuffer = porthole_framebuffer_new ();
  self->held_modifiers = g_array_new (FALSE, FALSE, sizeof (guint));
  porthole_screen_view_set_paintable (self->view, GDK_PAINTABLE (self->framebuffer));
  g_signal_connect_object (self->framebuffer, "invalidate-size", G_CALLBACK (on_framebuffer_size), self,
                           G_CONNECT_SWAPPED);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions, G_N_ELEMENTS (page_actions), self);
  scale = g_settings_create_action (self->settings, "scale-mode");
  g_action_map_add_action (G_ACTION_MAP (self->actions), scale);
  resize = g_settings_create_action (self->settings, "resize-remote");
  g_action_map_add_action (G_ACTION_MAP (self->actions), resize);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "screen", G_ACTION_GROUP (self->actions));

  g_settings_bind (self->settings, "scale-mode", self->view, "scale-mode", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->settings, "changed::screenshot-interval",
                           G_CALLBACK (on_screenshot_interval_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::resize-remote",
                           G_CALLBACK (queue_remote_resize), self, G_CONNECT_SWAPPED);

  /* The scrolled window's page size is the room the screen has. */
  adjustment = gtk_scrolled_window_get_hadjustment (self->scroller);
  g_signal_connect_object (adjustment, "notify::page-size", G_CALLBACK (queue_remote_resize), self, G_CONNECT_SWAPPED);
  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "notify::page-size", G_CALLBACK (queue_remote_resize), self, G_CONNECT_SWAPPED);

  set_mode (self, PORTHOLE_SCREEN_IDLE);
}

/**
 * porthole_screen_page_save_screenshot:
 * @file: where the PNG goes (replaced if it exists)
 *
 * Saves the screen as shown now, pixel for pixel, and says how it went
 * in a toast: what "Save Screenshot…" does with the file chosen.
 */
void
porthole_screen_page_save_screenshot (PortholeScreenPage *self,
                                      GFile              *file)
{
  g_autoptr(GBytes) png = NULL;
  GdkTexture *texture;

  g_return_if_fail (PORTHOLE_IS_SCREEN_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if ((texture = porthole_framebuffer_get_texture (self->framebuffer)) == NULL)
    return;

  png = gdk_texture_save_to_png_bytes (texture);
  g_file_replace_contents_bytes_async (file, png, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, save_cb, g_object_ref (self));
}

PortholeScreenMode
porthole_screen_page_get_mode (PortholeScreenPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_PAGE (self), PORTHOLE_SCREEN_IDLE);

  return self->mode;
}

/**
 * porthole_screen_page_get_framebuffer:
 *
 * Returns: (transfer none): the paintable showing the remote screen
 */
PortholeFramebuffer *
porthole_screen_page_get_framebuffer (PortholeScreenPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_PAGE (self), NULL);

  return self->framebuffer;
}

/**
 * porthole_screen_page_get_view:
 *
 * Returns: (transfer none): the screen view
 */
PortholeScreenView *
porthole_screen_page_get_view (PortholeScreenPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_PAGE (self), NULL);

  return self->view;
}

gboolean
porthole_screen_page_get_controlling (PortholeScreenPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_PAGE (self), FALSE);

  return self->controlling;
}

/**
 * porthole_screen_page_set_controlling:
 *
 * Takes control (pointer and keyboard go to the sandbox) or gives it
 * back (view only). Control can only be taken while the screen shows.
 */
void
porthole_screen_page_set_controlling (PortholeScreenPage *self,
                                      gboolean            controlling)
{
  g_return_if_fail (PORTHOLE_IS_SCREEN_PAGE (self));

  controlling = !!controlling &&
                (self->mode == PORTHOLE_SCREEN_LIVE || self->mode == PORTHOLE_SCREEN_SCREENSHOTS);
  if (self->controlling == controlling)
    return;

  /* Releases whatever is held while still forwarding. */
  if (!controlling)
    porthole_screen_view_set_input_enabled (self->view, FALSE);

  self->controlling = controlling;
  self->last_buttons = 0;
  g_array_set_size (self->held_modifiers, 0);
  porthole_screen_view_set_input_enabled (self->view, controlling);
  gtk_revealer_set_reveal_child (self->control_revealer, controlling);
  if (controlling)
    gtk_widget_add_css_class (GTK_WIDGET (self), "in-control");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "in-control");

  set_action_enabled (self, "send-keys", controlling);
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "take-control")),
                             g_variant_new_boolean (controlling));
  update_mode_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLING]);
}

/**
 * porthole_screen_page_get_n_resolutions:
 *
 * Returns: how many resolutions the sandbox offers (0 until known)
 */
guint
porthole_screen_page_get_n_resolutions (PortholeScreenPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_PAGE (self), 0);

  return self->resolutions ? self->resolutions->len : 0;
}

/**
 * porthole_screen_page_get_bytes_received:
 *
 * Returns: RFB bytes the live view received in its current session
 */
guint64
porthole_screen_page_get_bytes_received (PortholeScreenPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_PAGE (self), 0);

  return self->session ? porthole_vnc_session_get_bytes_in (self->session) : 0;
}
