/* porthole-application.c
 *
 * One process, one window; a second `porthole URL` hands its URL (and
 * the token read from --token-file) to the running instance.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-application.h"
#include "porthole-preferences-window.h"
#include "porthole-window.h"

struct _PortholeApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  PortholeTokenStore *token_store;
  PortholeSandboxList *sandboxes;
};

G_DEFINE_FINAL_TYPE (PortholeApplication, porthole_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "token-file", 't', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the sandbox’s token from FILE"), N_("FILE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    NULL, N_("[URL]") },
  { NULL }
};

static gboolean
style_variant_to_color_scheme (GValue   *value,
                               GVariant *variant,
                               gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  if (g_strcmp0 (style, "dark") == 0)
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_DARK);
  else if (g_strcmp0 (style, "light") == 0)
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else
    g_value_set_enum (value, ADW_COLOR_SCHEME_DEFAULT);

  return TRUE;
}

static void
on_sandbox_list_problem (PortholeApplication *self,
                         const char          *message)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (PORTHOLE_IS_WINDOW (window))
    porthole_window_show_toast (PORTHOLE_WINDOW (window), message);
  else
    g_warning ("%s", message);
}

static void
porthole_application_startup (GApplication *application)
{
  PortholeApplication *self = PORTHOLE_APPLICATION (application);

  G_APPLICATION_CLASS (porthole_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  g_settings_bind_with_mapping (self->settings, "style-variant",
                                adw_style_manager_get_default (), "color-scheme",
                                G_SETTINGS_BIND_GET,
                                style_variant_to_color_scheme, NULL, NULL, NULL);

  self->token_store = porthole_token_store_new ();
  self->sandboxes = porthole_sandbox_list_new (self->settings, self->token_store);
  g_signal_connect_object (self->sandboxes, "problem",
                           G_CALLBACK (on_sandbox_list_problem), self, G_CONNECT_SWAPPED);
  porthole_sandbox_list_load (self->sandboxes);
}

static void
porthole_application_shutdown (GApplication *application)
{
  PortholeApplication *self = PORTHOLE_APPLICATION (application);

  if (self->sandboxes != NULL)
    g_object_run_dispose (G_OBJECT (self->sandboxes));

  G_APPLICATION_CLASS (porthole_application_parent_class)->shutdown (application);
}

/**
 * porthole_application_present:
 *
 * Returns: (transfer none): the window, created if needed, presented
 */
GtkWindow *
porthole_application_present (PortholeApplication *self)
{
  GtkWindow *window;

  g_return_val_if_fail (PORTHOLE_IS_APPLICATION (self), NULL);

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (porthole_window_new (self));

  gtk_window_present (window);

  return window;
}

static void
porthole_application_activate (GApplication *application)
{
  porthole_application_present (PORTHOLE_APPLICATION (application));
}

static int
porthole_application_handle_local_options (GApplication *application,
                                           GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      g_print ("  GTK %u.%u.%u, libadwaita %u.%u.%u\n",
               gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
               adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version ());
      return EXIT_SUCCESS;
    }

  return G_APPLICATION_CLASS (porthole_application_parent_class)->handle_local_options (application, options);
}

static char *
read_token_file (GApplicationCommandLine  *command_line,
                 const char               *path,
                 GError                  **error)
{
  g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, path);
  g_autofree char *contents = NULL;
  gsize length;

  /* A few hundred bytes on a local disk: reading it here is fine. */
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;

  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The token file is not text"));
      return NULL;
    }

  return g_strstrip (g_steal_pointer (&contents));
}

static int
porthole_application_command_line (GApplication            *application,
                                   GApplicationCommandLine *command_line)
{
  PortholeApplication *self = PORTHOLE_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autofree const char **remaining = NULL;
  g_autofree char *token_path = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &remaining);
  g_variant_dict_lookup (options, "token-file", "^ay", &token_path);

  if (remaining != NULL && remaining[0] != NULL && remaining[1] != NULL)
    {
      g_application_command_line_printerr (command_line, _("Give one URL at most\n"));
      return EXIT_FAILURE;
    }

  if (token_path != NULL && (remaining == NULL || remaining[0] == NULL))
    {
      g_application_command_line_printerr (command_line, _("--token-file needs the URL of a sandbox\n"));
      return EXIT_FAILURE;
    }

  if (remaining == NULL || remaining[0] == NULL)
    {
      porthole_application_present (self);
      return EXIT_SUCCESS;
    }

  info = porthole_connection_info_new_from_uri (remaining[0], &error);
  if (info == NULL)
    {
      g_application_command_line_printerr (command_line, "%s: %s\n", remaining[0], error->message);
      return EXIT_FAILURE;
    }

  if (token_path != NULL)
    {
      token = read_token_file (command_line, token_path, &error);
      if (token == NULL)
        {
          g_application_command_line_printerr (command_line, "%s: %s\n", token_path, error->message);
          return EXIT_FAILURE;
        }
      porthole_connection_info_set_token (info, token);
    }

  porthole_application_open_connection (self, info);

  return EXIT_SUCCESS;
}

/**
 * porthole_application_open_connection:
 *
 * Adds the sandbox of @info (or updates the one with its URL), and shows
 * it in the window.
 *
 * Returns: (transfer none): the sandbox
 */
PortholeSandbox *
porthole_application_open_connection (PortholeApplication    *self,
                                      PortholeConnectionInfo *info)
{
  PortholeSandbox *sandbox;
  GtkWindow *window;

  g_return_val_if_fail (PORTHOLE_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (PORTHOLE_IS_CONNECTION_INFO (info), NULL);

  sandbox = porthole_sandbox_list_add (self->sandboxes, info);
  window = porthole_application_present (self);
  porthole_window_select_sandbox (PORTHOLE_WINDOW (window), sandbox);

  return sandbox;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  PortholeApplication *self = user_data;
  const char *developers[] = { "The Porthole authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Porthole"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", "The Porthole authors",
                        "developers", developers,
                        "comments", _("Watch and control sandboxes running portholed"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/porthole/porthole",
                        "issue-url", "https://github.com/porthole/porthole/issues",
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  PortholeApplication *self = user_data;
  GtkWidget *window;

  window = porthole_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                            self->settings);
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing saves the window's state; quit once the last is gone. */
  for (GList *l = windows; l != NULL; l = windows)
    {
      windows = l->next;
      gtk_window_close (l->data);
    }
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
porthole_application_finalize (GObject *object)
{
  PortholeApplication *self = (PortholeApplication *)object;

  g_clear_object (&self->sandboxes);
  g_clear_object (&self->token_store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (porthole_application_parent_class)->finalize (object);
}

static void
porthole_application_class_init (PortholeApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = porthole_application_finalize;

  app_class->startup = porthole_application_startup;
  app_class->shutdown = porthole_application_shutdown;
  app_class->activate = porthole_application_activate;
  app_class->handle_local_options = porthole_application_handle_local_options;
  app_class->command_line = porthole_application_command_line;
}

static void
porthole_application_init (PortholeApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Watch and control sandboxes running portholed.\n\n"
                                              "URL is an agent URL (http://HOST:7777) or a porthole:// URI;\n"
                                              "Porthole opens straight into that sandbox, adding it if needed."));
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
}

PortholeApplication *
porthole_application_new (void)
{
  return g_object_new (PORTHOLE_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/porthole/Porthole",
                       NULL);
}

/**
 * porthole_application_get_settings:
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
porthole_application_get_settings (PortholeApplication *self)
{
  g_return_val_if_fail (PORTHOLE_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * porthole_application_get_sandbox_list:
 *
 * Returns: (transfer none): the sandboxes
 */
PortholeSandboxList *
porthole_application_get_sandbox_list (PortholeApplication *self)
{
  g_return_val_if_fail (PORTHOLE_IS_APPLICATION (self), NULL);

  return self->sandboxes;
}
