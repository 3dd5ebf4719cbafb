/* porthole-connection-dialog.c
 *
 * Adding: URL and token are required. Editing: an empty token keeps
 * the one stored. A porthole:// link pasted into the URL row fills in
 * the token and the name; so does a connection file. "done" carries
 * the result; the dialog stores nothing itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-connection-dialog.h"

struct _PortholeConnectionDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton *accept_button;
  AdwPreferencesGroup *group;
  AdwEntryRow *url_row;
  AdwPasswordEntryRow *token_row;
  AdwEntryRow *name_row;
  GtkLabel *problem_label;

  /* Owned: the sandbox edited, NULL when adding. */
  PortholeSandbox *sandbox;
  gboolean filling;
};

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeConnectionDialog, porthole_connection_dialog, ADW_TYPE_WINDOW)

static const char *
row_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
show_problem (PortholeConnectionDialog *self,
              const char               *problem)
{
  gtk_label_set_label (self->problem_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
}

/* Returns: (transfer full) (nullable): what the rows say, or NULL with
 * the reason in @problem. */
static PortholeConnectionInfo *
read_rows (PortholeConnectionDialog  *self,
           char                     **problem)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = row_text (self->url_row);
  const char *token = row_text (self->token_row);

  if (*url == '\0')
    {
      *problem = NULL;
      return NULL;
    }

  info = porthole_connection_info_new (url, token, row_text (self->name_row), &error);
  if (info == NULL)
    {
      *problem = g_strdup (error->message);
      return NULL;
    }

  if (porthole_connection_info_get_token (info) == NULL && self->sandbox == NULL)
    {
      *problem = NULL;
      return NULL;
    }

  *problem = NULL;
  return g_steal_pointer (&info);
}

static void
validate_cb (PortholeConnectionDialog *self)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autofree char *problem = NULL;

  info = read_rows (self, &problem);
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), info != NULL);
  show_problem (self, problem);
}

/**
 * porthole_connection_dialog_set_info:
 *
 * Fills the rows from @info (a link, a file); its token, if any.
 */
void
porthole_connection_dialog_set_info (PortholeConnectionDialog *self,
                                     PortholeConnectionInfo   *info)
{
  g_return_if_fail (PORTHOLE_IS_CONNECTION_DIALOG (self));
  g_return_if_fail (PORTHOLE_IS_CONNECTION_INFO (info));

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), porthole_connection_info_get_url (info));
  if (porthole_connection_info_get_token (info) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->token_row), porthole_connection_info_get_token (info));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), porthole_connection_info_get_name (info));
  self->filling = FALSE;

  validate_cb (self);
}

static void
url_changed_cb (PortholeConnectionDialog *self)
{
  const char *text = row_text (self->url_row);

  /* A pasted link: spread it over the rows. */
  if (!self->filling && g_str_has_prefix (text, PORTHOLE_URI_SCHEME ":"))
    {
      g_autoptr(PortholeConnectionInfo) info = porthole_connection_info_new_from_uri (text, NULL);

      if (info != NULL)
        {
          porthole_connection_dialog_set_info (self, info);
          return;
        }
    }

  validate_cb (self);
}

/**
 * porthole_connection_dialog_load_data:
 * @data: a connection file's contents, or a link
 */
void
porthole_connection_dialog_load_data (PortholeConnectionDialog *self,
                                      const char               *data,
                                      gsize                     length)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PORTHOLE_IS_CONNECTION_DIALOG (self));

  info = porthole_connection_info_new_from_data (data, length, &error);
  if (info == NULL)
    {
      g_autofree char *problem = g_strdup_printf (_("Not a connection file: %s"), error->message);

      show_problem (self, problem);
      return;
    }

  porthole_connection_dialog_set_info (self, info);
}

static void
file_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PortholeConnectionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_autofree char *problem = g_strdup_printf (_("The file could not be read: %s"), error->message);

      show_problem (self, problem);
      return;
    }

  porthole_connection_dialog_load_data (self, contents, length);
}

static void
file_chosen_cb (GtkNativeDialog          *chooser,
                int                       response,
                PortholeConnectionDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    g_file_load_contents_async (file, NULL, file_loaded_cb, g_object_ref (self));

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_file_clicked_cb (PortholeConnectionDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Connection File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Connection files"));
  gtk_file_filter_add_suffix (filter, "porthole");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * porthole_connection_dialog_accept:
 *
 * What the Add/Save button does.
 *
 * Returns: %TRUE if the rows were valid ("done" was emitted)
 */
gboolean
porthole_connection_dialog_accept (PortholeConnectionDialog *self)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autofree char *problem = NULL;

  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_DIALOG (self), FALSE);

  info = read_rows (self, &problem);
  if (info == NULL)
    {
      show_problem (self, problem ? problem : _("The agent URL and a token are needed"));
      return FALSE;
    }

  g_signal_emit (self, signals[DONE], 0, info);
  gtk_window_close (GTK_WINDOW (self));

  return TRUE;
}

static void
accept_clicked_cb (PortholeConnectionDialog *self)
{
  porthole_connection_dialog_accept (self);
}

static void
porthole_connection_dialog_dispose (GObject *object)
{
  PortholeConnectionDialog *self = (PortholeConnectionDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_CONNECTION_DIALOG);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (porthole_connection_dialog_parent_class)->dispose (object);
}

static void
porthole_connection_dialog_class_init (PortholeConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_connection_dialog_dispose;

  /**
   * PortholeConnectionDialog::done:
   * @info: the sandbox's URL, name and (when typed) token
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PORTHOLE_TYPE_CONNECTION_INFO);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/porthole/Porthole/porthole-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeConnectionDialog, accept_button);
  gtk_widget_class_bind_template_child (widget_class, PortholeConnectionDialog, group);
  gtk_widget_class_bind_template_child (widget_class, PortholeConnectionDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, PortholeConnectionDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, PortholeConnectionDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, PortholeConnectionDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_file_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
porthole_connection_dialog_init (PortholeConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * porthole_connection_dialog_new:
 * @sandbox: (nullable): the sandbox to edit; %NULL to add one
 */
PortholeConnectionDialog *
porthole_connection_dialog_new (GtkWindow       *parent,
                                PortholeSandbox *sandbox)
{
  PortholeConnectionDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (!sandbox || PORTHOLE_IS_SANDBOX (sandbox), NULL);

  self = g_object_new (PORTHOLE_TYPE_CONNECTION_DIALOG,
                       "transient-for", parent,
                       NULL);

  if (sandbox != NULL)
    {
      self->sandbox = g_object_ref (sandbox);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Sandbox"));
      gtk_button_set_label (self->accept_button, _("_Save"));
      adw_preferences_group_set_description (self->group,
                                             _("Leave the token empty to keep the one in the keyring."));
      self->filling = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), porthole_sandbox_get_url (sandbox));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), porthole_sandbox_get_name (sandbox));
      self->filling = FALSE;
      validate_cb (self);
    }

  return self;
}

/**
 * porthole_connection_dialog_get_sandbox:
 *
 * Returns: (transfer none) (nullable): the sandbox edited
 */
PortholeSandbox *
porthole_connection_dialog_get_sandbox (PortholeConnectionDialog *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_DIALOG (self), NULL);

  return self->sandbox;
}
