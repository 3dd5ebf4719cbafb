/* porthole-window.c
 *
 * The sidebar lists the sandboxes (the application's
 * PortholeSandboxList); the content shows the selected one: its pages
 * while its agent answers, its problem in plain words while it does not
 * (the sandbox keeps checking, so the pages come back by themselves).
 * Only the visible page runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-sandbox-row.h"
#include "porthole-window-private.h"

G_DEFINE_FINAL_TYPE (PortholeWindow, porthole_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SHOW_WALL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static PortholeSandboxList *
get_sandbox_list (PortholeWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return app ? porthole_application_get_sandbox_list (PORTHOLE_APPLICATION (app)) : NULL;
}

/* Every PortholePage of the view stack, in order: a page the .ui adds
 * (with its type ensured in class_init) is driven like the others. */
static GPtrArray *
list_pages (PortholeWindow *self)
{
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
  GPtrArray *result = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      if (PORTHOLE_IS_PAGE (child))
        g_ptr_array_add (result, child);
    }

  return result;
}

static void
set_pages_sandbox (PortholeWindow  *self,
                   PortholeSandbox *sandbox)
{
  g_autoptr(GPtrArray) pages = list_pages (self);

  for (guint i = 0; i < pages->len; i++)
    porthole_page_set_sandbox (g_ptr_array_index (pages, i), sandbox);
}

static void
update_pages_activity (PortholeWindow *self)
{
  gboolean shown = g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "pages") == 0;
  GtkWidget *visible = adw_view_stack_get_visible_child (self->view_stack);
  g_autoptr(GPtrArray) pages = list_pages (self);

  for (guint i = 0; i < pages->len; i++)
    porthole_page_set_active (g_ptr_array_index (pages, i), shown && visible == g_ptr_array_index (pages, i));
  porthole_wall_set_active (self->wall, g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "wall") == 0);
}

static void
update_content (PortholeWindow *self)
{
  PortholeSandboxState state;
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;
  const char *icon;

  /* The page switcher only makes sense with a sandbox to show. */
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), self->sandbox != NULL);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, !self->show_wall);
  gtk_widget_set_visible (self->switcher_bar, !self->show_wall);

  if (self->show_wall && self->sandbox != NULL)
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("All Sandboxes"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, "");
      gtk_stack_set_visible_child_name (self->content_stack, "wall");
      update_pages_activity (self);
      _porthole_window_actions_update (self);
      return;
    }

  if (self->sandbox == NULL)
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Porthole"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, "");
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      update_pages_activity (self);
      _porthole_window_actions_update (self);
      return;
    }

  adw_view_switcher_title_set_title (self->switcher_title, porthole_sandbox_get_name (self->sandbox));
  adw_view_switcher_title_set_subtitle (self->switcher_title, porthole_sandbox_get_url (self->sandbox));

  state = porthole_sandbox_get_state (self->sandbox);
  if (state == PORTHOLE_SANDBOX_ONLINE || state == PORTHOLE_SANDBOX_CONNECTING)
    gtk_stack_set_visible_child_name (self->content_stack, "pages");
  else
    {
      title = porthole_sandbox_dup_status_title (self->sandbox);
      details = porthole_sandbox_dup_status_details (self->sandbox);
      switch (state)
        {
        case PORTHOLE_SANDBOX_TOKEN_INVALID:
        case PORTHOLE_SANDBOX_TOKEN_EXPIRED:
        case PORTHOLE_SANDBOX_NO_TOKEN:
          icon = "dialog-password-symbolic";
          break;
        case PORTHOLE_SANDBOX_UNHEALTHY:
          icon = "dialog-warning-symbolic";
          break;
        case PORTHOLE_SANDBOX_UNREACHABLE:
        default:
          icon = "network-offline-symbolic";
          break;
        }
      adw_status_page_set_icon_name (self->problem_page, icon);
      adw_status_page_set_title (self->problem_page, title);
      adw_status_page_set_description (self->problem_page, details);
      gtk_stack_set_visible_child_name (self->content_stack, "problem");
    }

  update_pages_activity (self);
  _porthole_window_actions_update (self);
}

static void
set_sandbox (PortholeWindow  *self,
             PortholeSandbox *sandbox)
{
  if (self->sandbox == sandbox)
    return;

  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_func (self->sandbox, update_content, self);
  g_set_object (&self->sandbox, sandbox);
  if (sandbox != NULL)
    {
      g_signal_connect_object (sandbox, "notify::state", G_CALLBACK (update_content), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sandbox, "notify::name", G_CALLBACK (update_content), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sandbox, "notify::url", G_CALLBACK (update_content), self, G_CONNECT_SWAPPED);
      g_settings_set_string (self->settings, "selected-sandbox", porthole_sandbox_get_id (sandbox));
    }

  /* Pages let go of the old sandbox before the new one is shown. */
  set_pages_sandbox (self, sandbox);
  update_content (self);
}

/**
 * porthole_window_set_show_wall:
 * @show_wall: whether the content shows every sandbox (the wall)
 *   rather than the selected one
 */
void
porthole_window_set_show_wall (PortholeWindow *self,
                               gboolean        show_wall)
{
  g_return_if_fail (PORTHOLE_IS_WINDOW (self));

  show_wall = !!show_wall;
  if (self->show_wall == show_wall)
    return;

  self->show_wall = show_wall;
  update_content (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_WALL]);
}

gboolean
porthole_window_get_show_wall (PortholeWindow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), FALSE);

  return self->show_wall;
}

/**
 * porthole_window_get_wall:
 *
 * Returns: (transfer none): the wall of sandboxes
 */
PortholeWall *
porthole_window_get_wall (PortholeWindow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), NULL);

  return self->wall;
}

static void
wall_sandbox_activated_cb (PortholeWindow  *self,
                           PortholeSandbox *sandbox)
{
  porthole_window_select_sandbox (self, sandbox);
  porthole_window_set_show_wall (self, FALSE);
}

static void
sandbox_row_selected_cb (PortholeWindow *self,
                         GtkListBoxRow  *row)
{
  /* Picking a sandbox in the sidebar leaves the wall for it. */
  if (row != NULL)
    porthole_window_set_show_wall (self, FALSE);
  set_sandbox (self, row ? porthole_sandbox_row_get_sandbox (PORTHOLE_SANDBOX_ROW (row)) : NULL);
}

static void
sandbox_row_activated_cb (PortholeWindow *self,
                          GtkListBoxRow  *row)
{
  porthole_window_set_show_wall (self, FALSE);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return porthole_sandbox_row_new (PORTHOLE_SANDBOX (item));
}

static void
select_first_if_none (PortholeWindow *self)
{
  GtkListBoxRow *row;

  if (gtk_list_box_get_selected_row (self->sandbox_list_box) != NULL)
    return;

  if ((row = gtk_list_box_get_row_at_index (self->sandbox_list_box, 0)) != NULL)
    gtk_list_box_select_row (self->sandbox_list_box, row);
  else
    set_sandbox (self, NULL);
}

static void
on_sandboxes_changed (PortholeWindow *self,
                      guint           position,
                      guint           removed,
                      guint           added)
{
  /* The selected row may have gone with the removed ones. */
  if (self->sandbox != NULL &&
      porthole_sandbox_list_get_position (get_sandbox_list (self), self->sandbox) == G_MAXUINT)
    set_sandbox (self, NULL);
  select_first_if_none (self);
  update_content (self);
}

static void
on_visible_page_changed (PortholeWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (name != NULL)
    g_settings_set_string (self->settings, "visible-page", name);
  update_pages_activity (self);
}

static void
on_fullscreened (PortholeWindow *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  /* Fullscreen is for the screen: no sidebar, no header bar. */
  gtk_widget_set_visible (self->sidebar, !fullscreen);
  gtk_widget_set_visible (GTK_WIDGET (self->content_header), !fullscreen);
  if (fullscreen)
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static gboolean
porthole_window_close_request (GtkWindow *window)
{
  PortholeWindow *self = PORTHOLE_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  /* Stop the pages now: nothing should run for a window going away. */
  set_pages_sandbox (self, NULL);
  porthole_wall_set_active (self->wall, FALSE);

  if (GTK_WINDOW_CLASS (porthole_window_parent_class)->close_request)
    return GTK_WINDOW_CLASS (porthole_window_parent_class)->close_request (window);

  return FALSE;
}

/* Once the window has its application (not a construct property of
 * GtkWindow: it is set after constructed()). */
static void
bind_sandbox_list (PortholeWindow *self)
{
  PortholeSandboxList *list;
  g_autofree char *selected = NULL;
  g_autofree char *page = NULL;
  PortholeSandbox *sandbox;

  list = get_sandbox_list (self);
  g_return_if_fail (list != NULL);

  gtk_list_box_bind_model (self->sandbox_list_box, G_LIST_MODEL (list), create_row, self, NULL);
  porthole_wall_set_model (self->wall, G_LIST_MODEL (list));
  g_signal_connect_object (list, "items-changed", G_CALLBACK (on_sandboxes_changed), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  page = g_settings_get_string (self->settings, "visible-page");
  adw_view_stack_set_visible_child_name (self->view_stack, page);

  selected = g_settings_get_string (self->settings, "selected-sandbox");
  if ((sandbox = porthole_sandbox_list_find (list, selected)) != NULL)
    porthole_window_select_sandbox (self, sandbox);
  select_first_if_none (self);
  update_content (self);
}

static void
porthole_window_dispose (GObject *object)
{
  PortholeWindow *self = (PortholeWindow *)object;

  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_func (self->sandbox, update_content, self);
  g_clear_object (&self->sandbox);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_WINDOW);

  G_OBJECT_CLASS (porthole_window_parent_class)->dispose (object);
}

static void
porthole_window_finalize (GObject *object)
{
  PortholeWindow *self = (PortholeWindow *)object;

  g_clear_object (&self->settings);
  g_free (self->last_toast);

  G_OBJECT_CLASS (porthole_window_parent_class)->finalize (object);
}

static void
porthole_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PortholeWindow *self = PORTHOLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_WALL:
      g_value_set_boolean (value, self->show_wall);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_window_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PortholeWindow *self = PORTHOLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_WALL:
      porthole_window_set_show_wall (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_window_class_init (PortholeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = porthole_window_dispose;
  object_class->finalize = porthole_window_finalize;
  object_class->get_property = porthole_window_get_property;
  object_class->set_property = porthole_window_set_property;

  properties[PROP_SHOW_WALL] =
    g_param_spec_boolean ("show-wall", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  window_class->close_request = porthole_window_close_request;

  /* The pages the template's view stack holds. */
  g_type_ensure (PORTHOLE_TYPE_SCREEN_PAGE);
  g_type_ensure (PORTHOLE_TYPE_PROCESSES_PAGE);
  g_type_ensure (PORTHOLE_TYPE_FILES_PAGE);
  g_type_ensure (PORTHOLE_TYPE_RUN_PAGE);
  g_type_ensure (PORTHOLE_TYPE_TERMINAL_PAGE);
  g_type_ensure (PORTHOLE_TYPE_METRICS_PAGE);
  g_type_ensure (PORTHOLE_TYPE_WINDOWS_PAGE);
  g_type_ensure (PORTHOLE_TYPE_WALL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, content);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, sandbox_list_box);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindow, wall);
  gtk_widget_class_bind_template_callback (widget_class, sandbox_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sandbox_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, wall_sandbox_activated_cb);

  _porthole_window_class_actions_init (klass);
}

static void
porthole_window_init (PortholeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_swapped (self->view_stack, "notify::visible-child", G_CALLBACK (on_visible_page_changed), self);
  g_signal_connect_swapped (self->content_stack, "notify::visible-child", G_CALLBACK (update_pages_activity), self);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened), NULL);

  _porthole_window_actions_init (self);
  _porthole_window_dnd_init (self);
}

PortholeWindow *
porthole_window_new (PortholeApplication *application)
{
  PortholeWindow *self;

  g_return_val_if_fail (PORTHOLE_IS_APPLICATION (application), NULL);

  self = g_object_new (PORTHOLE_TYPE_WINDOW,
                       "application", application,
                       NULL);
  bind_sandbox_list (self);

  return self;
}

/**
 * porthole_window_get_sandbox:
 *
 * Returns: (transfer none) (nullable): the sandbox shown
 */
PortholeSandbox *
porthole_window_get_sandbox (PortholeWindow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), NULL);

  return self->sandbox;
}

void
porthole_window_select_sandbox (PortholeWindow  *self,
                                PortholeSandbox *sandbox)
{
  guint position;
  GtkListBoxRow *row;

  g_return_if_fail (PORTHOLE_IS_WINDOW (self));
  g_return_if_fail (PORTHOLE_IS_SANDBOX (sandbox));

  position = porthole_sandbox_list_get_position (get_sandbox_list (self), sandbox);
  if (position == G_MAXUINT || (row = gtk_list_box_get_row_at_index (self->sandbox_list_box, position)) == NULL)
    return;

  gtk_list_box_select_row (self->sandbox_list_box, row);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/**
 * porthole_window_show_page:
 * @name: a page's name in the view stack: "screen", "processes"
 */
void
porthole_window_show_page (PortholeWindow *self,
                           const char     *name)
{
  g_return_if_fail (PORTHOLE_IS_WINDOW (self));

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * porthole_window_show_page_at:
 * @position: the page's place in the switcher, from 0
 *
 * What Alt+1, Alt+2… do: nothing past the last page.
 */
void
porthole_window_show_page_at (PortholeWindow *self,
                              guint           position)
{
  g_autoptr(GPtrArray) pages = NULL;

  g_return_if_fail (PORTHOLE_IS_WINDOW (self));

  pages = list_pages (self);
  if (position < pages->len)
    adw_view_stack_set_visible_child (self->view_stack, g_ptr_array_index (pages, position));
}

/**
 * porthole_window_get_page_names:
 *
 * Returns: (transfer full): the pages' names, in the switcher's order
 */
GStrv
porthole_window_get_page_names (PortholeWindow *self)
{
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), NULL);

  pages = list_pages (self);
  for (guint i = 0; i < pages->len; i++)
    {
      AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, g_ptr_array_index (pages, i));

      g_strv_builder_add (names, adw_view_stack_page_get_name (page));
    }

  return g_strv_builder_end (names);
}

/**
 * porthole_window_get_page:
 *
 * Returns: (transfer none) (nullable): the page called @name
 */
GtkWidget *
porthole_window_get_page (PortholeWindow *self,
                          const char     *name)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), NULL);

  return adw_view_stack_get_child_by_name (self->view_stack, name);
}

/**
 * porthole_window_get_content_name:
 *
 * Returns: what the content shows: "empty", "problem" or "pages"
 */
const char *
porthole_window_get_content_name (PortholeWindow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->content_stack);
}

void
porthole_window_show_toast (PortholeWindow *self,
                            const char     *message)
{
  g_return_if_fail (PORTHOLE_IS_WINDOW (self));

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/**
 * porthole_window_get_last_toast:
 *
 * Returns: (nullable): the text of the last toast the window showed
 */
const char *
porthole_window_get_last_toast (PortholeWindow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOW (self), NULL);

  return self->last_toast;
}

/**
 * porthole_window_open_connection_data:
 * @data: a connection file's contents, or a porthole:// link
 *
 * What dropping or opening a connection does: a complete one (URL and
 * token) is added and shown at once, one without a token opens the
 * dialog filled in.
 */
void
porthole_window_open_connection_data (PortholeWindow *self,
                                      const char     *data,
                                      gsize           length)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GtkApplication *app;

  g_return_if_fail (PORTHOLE_IS_WINDOW (self));

  info = porthole_connection_info_new_from_data (data, length, &error);
  if (info == NULL)
    {
      message = g_strdup_printf (_("Not a connection: %s"), error->message);
      porthole_window_show_toast (self, message);
      return;
    }

  if (porthole_connection_info_get_token (info) == NULL)
    {
      _porthole_window_edit_sandbox (self, NULL, info);
      return;
    }

  app = gtk_window_get_application (GTK_WINDOW (self));
  porthole_application_open_connection (PORTHOLE_APPLICATION (app), info);
  message = g_strdup_printf (_("Added “%s”"), porthole_connection_info_get_name (info));
  porthole_window_show_toast (self, message);
}
