/* porthole-window-actions.c — the window's actions and their keys
 *
 * Shortcuts are the window's own bindings, not application accelerators:
 * those run before any widget sees the key, and while the Screen page
 * has control every key must reach the sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-connection-dialog.h"
#include "porthole-window-private.h"

/**
 * _porthole_window_lookup_sandbox:
 * @id: the sandbox id, or "" for the one shown
 *
 * Returns: (transfer none) (nullable): the sandbox
 */
PortholeSandbox *
_porthole_window_lookup_sandbox (PortholeWindow *self,
                                 GVariant       *id)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *text = id ? g_variant_get_string (id, NULL) : "";

  if (*text == '\0')
    return self->sandbox;

  return porthole_sandbox_list_find (porthole_application_get_sandbox_list (PORTHOLE_APPLICATION (app)), text);
}

static void
dialog_done_cb (PortholeConnectionDialog *dialog,
                PortholeConnectionInfo   *info,
                PortholeWindow           *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  PortholeSandbox *sandbox = porthole_connection_dialog_get_sandbox (dialog);

  if (sandbox != NULL)
    {
      porthole_sandbox_list_update (porthole_application_get_sandbox_list (PORTHOLE_APPLICATION (app)),
                                    sandbox, info);
      porthole_window_select_sandbox (self, sandbox);
    }
  else
    porthole_application_open_connection (PORTHOLE_APPLICATION (app), info);
}

/**
 * _porthole_window_edit_sandbox:
 * @sandbox: (nullable): the sandbox to edit, %NULL to add one
 * @prefill: (nullable): what to fill the dialog with
 */
void
_porthole_window_edit_sandbox (PortholeWindow         *self,
                               PortholeSandbox        *sandbox,
                               PortholeConnectionInfo *prefill)
{
  PortholeConnectionDialog *dialog = porthole_connection_dialog_new (GTK_WINDOW (self), sandbox);

  if (prefill != NULL)
    porthole_connection_dialog_set_info (dialog, prefill);
  g_signal_connect_object (dialog, "done", G_CALLBACK (dialog_done_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_sandbox_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  _porthole_window_edit_sandbox (PORTHOLE_WINDOW (widget), NULL, NULL);
}

static void
edit_sandbox_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PortholeWindow *self = PORTHOLE_WINDOW (widget);
  PortholeSandbox *sandbox = _porthole_window_lookup_sandbox (self, parameter);

  if (sandbox != NULL)
    _porthole_window_edit_sandbox (self, sandbox, NULL);
}

static void
check_sandbox_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PortholeSandbox *sandbox = _porthole_window_lookup_sandbox (PORTHOLE_WINDOW (widget), parameter);

  if (sandbox != NULL)
    porthole_sandbox_check_now (sandbox);
}

static void
copy_sandbox_link_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PortholeWindow *self = PORTHOLE_WINDOW (widget);
  PortholeSandbox *sandbox = _porthole_window_lookup_sandbox (self, parameter);
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autofree char *uri = NULL;

  if (sandbox == NULL)
    return;

  /* No token in it: links get pasted into chats. */
  info = porthole_connection_info_new (porthole_sandbox_get_url (sandbox), NULL,
                                       porthole_sandbox_get_name (sandbox), NULL);
  if (info == NULL)
    return;
  uri = porthole_connection_info_to_uri (info, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), uri);
  porthole_window_show_toast (self, _("Link copied (without the token)"));
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PortholeWindow   *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  PortholeSandbox *sandbox = g_object_get_data (G_OBJECT (dialog), "sandbox");

  if (g_strcmp0 (response, "remove") == 0 && sandbox != NULL)
    porthole_sandbox_list_remove (porthole_application_get_sandbox_list (PORTHOLE_APPLICATION (app)), sandbox);
}

static void
remove_sandbox_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PortholeWindow *self = PORTHOLE_WINDOW (widget);
  PortholeSandbox *sandbox = _porthole_window_lookup_sandbox (self, parameter);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (sandbox == NULL)
    return;

  heading = g_strdup_printf (_("Remove “%s”?"), porthole_sandbox_get_name (sandbox));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Porthole forgets the sandbox and removes its token "
                                                         "from the keyring. The sandbox itself is not touched.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sandbox", g_object_ref (sandbox), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connection_file_loaded_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(PortholeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The connection file could not be read: %s"), error->message);

      porthole_window_show_toast (self, message);
      return;
    }

  porthole_window_open_connection_data (self, contents, length);
}

static void
connection_file_chosen_cb (GtkNativeDialog *chooser,
                           int              response,
                           PortholeWindow  *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    g_file_load_contents_async (file, NULL, connection_file_loaded_cb, g_object_ref (self));

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_connection_file_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Connection File"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Connection files"));
  gtk_file_filter_add_suffix (filter, "porthole");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (connection_file_chosen_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  porthole_window_show_page (PORTHOLE_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_page_at_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  porthole_window_show_page_at (PORTHOLE_WINDOW (widget), g_variant_get_uint32 (parameter));
}

static void
show_sidebar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PortholeWindow *self = PORTHOLE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

static void
show_toast_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  porthole_window_show_toast (PORTHOLE_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
_porthole_window_class_actions_init (PortholeWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.add-sandbox", NULL, add_sandbox_action);
  gtk_widget_class_install_action (widget_class, "win.open-connection-file", NULL, open_connection_file_action);
  gtk_widget_class_install_action (widget_class, "win.edit-sandbox", "s", edit_sandbox_action);
  gtk_widget_class_install_action (widget_class, "win.check-sandbox", "s", check_sandbox_action);
  gtk_widget_class_install_action (widget_class, "win.copy-sandbox-link", "s", copy_sandbox_link_action);
  gtk_widget_class_install_action (widget_class, "win.remove-sandbox", "s", remove_sandbox_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-page-at", "u", show_page_at_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_property_action (widget_class, "win.fullscreen", "fullscreened");
  gtk_widget_class_install_property_action (widget_class, "win.show-wall", "show-wall");
  /* How pages and dialogs inside the window say something. */
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", show_toast_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-sandbox", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-connection-file", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.show-wall", NULL);
  /* Alt+1…9 by position, so the pages to come get theirs too. */
  for (guint i = 0; i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-page-at", "u", i);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_q, GDK_CONTROL_MASK, "app.quit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "app.preferences", NULL);
}

void
_porthole_window_actions_init (PortholeWindow *self)
{
  _porthole_window_actions_update (self);
}

void
_porthole_window_actions_update (PortholeWindow *self)
{
  gboolean has_sandbox = self->sandbox != NULL;

  g_assert (PORTHOLE_IS_WINDOW (self));

  /* With a target, the actions name their sandbox; "" needs one shown. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", has_sandbox);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page-at", has_sandbox);
}
