/* porthole-terminal-page.c
 *
 * Tabs of shells on the shown sandbox, with GNOME Console's keys:
 * Ctrl+Shift+T/W new and close tab, Ctrl+Shift+C/V copy and paste,
 * Ctrl+plus/minus/0 zoom, Ctrl+Shift+F find.
 *
 * Unlike the other pages, the shells outlive the page being hidden: a
 * terminal is state the user built (a directory, a running program), and
 * an open WebSocket with nothing to say costs nothing. They end when the
 * page leaves the sandbox (another one is shown, or it went away).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-terminal-page.h"

struct _PortholeTerminalPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkStack *stack;
  AdwTabView *tab_view;

  /* Owned references */
  GSimpleActionGroup *actions;
  /* The sandbox the tabs' shells run on. */
  PortholeSandbox *tabs_sandbox;
};

G_DEFINE_FINAL_TYPE (PortholeTerminalPage, porthole_terminal_page, PORTHOLE_TYPE_PAGE)

static void
update_stack (PortholeTerminalPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, adw_tab_view_get_n_pages (self->tab_view) > 0 ? "tabs" : "empty");
}

static void
on_window_title (PortholeTerminalTab *tab,
                 AdwTabPage          *page)
{
  const char *title = vte_terminal_get_window_title (porthole_terminal_tab_get_terminal (tab));

  adw_tab_page_set_title (page, title && *title ? title : _("Terminal"));
}

static void
on_tab_state (PortholeTerminalTab *tab,
              GParamSpec          *pspec,
              AdwTabPage          *page)
{
  PortholeTerminalState state = porthole_terminal_tab_get_state (tab);

  adw_tab_page_set_loading (page, state == PORTHOLE_TERMINAL_CONNECTING);
  adw_tab_page_set_needs_attention (page, state == PORTHOLE_TERMINAL_LOST);
}

/**
 * porthole_terminal_page_new_tab:
 *
 * Opens a tab with a new shell, and shows it.
 *
 * Returns: (transfer none) (nullable): the tab, %NULL while the page
 *   does not run
 */
PortholeTerminalTab *
porthole_terminal_page_new_tab (PortholeTerminalPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));
  PortholeTerminalTab *tab;
  AdwTabPage *page;

  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_PAGE (self), NULL);

  if (sandbox == NULL || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return NULL;

  g_set_object (&self->tabs_sandbox, sandbox);
  tab = porthole_terminal_tab_new (porthole_sandbox_get_client (sandbox));
  page = adw_tab_view_append (self->tab_view, GTK_WIDGET (tab));
  adw_tab_page_set_title (page, _("Terminal"));
  g_signal_connect_object (porthole_terminal_tab_get_terminal (tab), "window-title-changed",
                           G_CALLBACK (on_window_title), page, G_CONNECT_SWAPPED);
  g_signal_connect_object (tab, "notify::state", G_CALLBACK (on_tab_state), page, 0);
  adw_tab_view_set_selected_page (self->tab_view, page);
  porthole_terminal_tab_connect (tab);
  on_tab_state (tab, NULL, page);
  gtk_widget_grab_focus (GTK_WIDGET (tab));

  return tab;
}

static void
close_all (PortholeTerminalPage *self)
{
  while (adw_tab_view_get_n_pages (self->tab_view) > 0)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, 0);

      porthole_terminal_tab_disconnect (PORTHOLE_TERMINAL_TAB (adw_tab_page_get_child (page)));
      adw_tab_view_close_page (self->tab_view, page);
    }
  g_clear_object (&self->tabs_sandbox);
}

static gboolean
close_page_cb (PortholeTerminalPage *self,
               AdwTabPage           *page)
{
  porthole_terminal_tab_disconnect (PORTHOLE_TERMINAL_TAB (adw_tab_page_get_child (page)));
  adw_tab_view_close_page_finish (self->tab_view, page, TRUE);

  return GDK_EVENT_STOP;
}

static void
selected_page_cb (PortholeTerminalPage *self)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (self);

  if (tab != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (tab));
}

static void
porthole_terminal_page_start (PortholePage    *page,
                              PortholeSandbox *sandbox,
                              GCancellable    *cancellable)
{
  PortholeTerminalPage *self = PORTHOLE_TERMINAL_PAGE (page);

  /* Back on the same sandbox (it answers again): the tabs that lost
   * their connection get a new shell; those whose shell exited wait for
   * the user's Reconnect. */
  if (self->tabs_sandbox != NULL)
    {
      if (self->tabs_sandbox != sandbox)
        close_all (self);
      else
        for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
          {
            PortholeTerminalTab *tab = porthole_terminal_page_get_tab (self, i);

            if (porthole_terminal_tab_get_state (tab) == PORTHOLE_TERMINAL_LOST)
              porthole_terminal_tab_connect (tab);
          }
    }

  if (adw_tab_view_get_n_pages (self->tab_view) == 0)
    porthole_terminal_page_new_tab (self);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "new-tab")),
                               TRUE);
}

static void
porthole_terminal_page_stop (PortholePage *page)
{
  PortholeTerminalPage *self = PORTHOLE_TERMINAL_PAGE (page);
  PortholeSandbox *sandbox = porthole_page_get_sandbox (page);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "new-tab")),
                               FALSE);

  /* Hidden, the shells stay; another sandbox, or none, ends them. The
   * tabs go when the page next starts: closing them animates the tab
   * bar, which must not happen in a window going away. */
  if (sandbox != self->tabs_sandbox || sandbox == NULL || !porthole_sandbox_is_online (sandbox))
    {
      for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
        porthole_terminal_tab_disconnect (porthole_terminal_page_get_tab (self, i));
    }
}

/* Actions */

static void
new_tab_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  porthole_terminal_page_new_tab (PORTHOLE_TERMINAL_PAGE (user_data));
}

static void
close_tab_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  PortholeTerminalPage *self = user_data;
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);

  if (page != NULL)
    adw_tab_view_close_page (self->tab_view, page);
}

static void
copy_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (user_data);

  if (tab != NULL)
    vte_terminal_copy_clipboard_format (porthole_terminal_tab_get_terminal (tab), VTE_FORMAT_TEXT);
}

static void
paste_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (user_data);

  /* VTE reads the clipboard and commits it: it goes out as input. */
  if (tab != NULL)
    vte_terminal_paste_clipboard (porthole_terminal_tab_get_terminal (tab));
}

static void
zoom_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (user_data);
  const char *name = g_action_get_name (G_ACTION (action));

  if (tab != NULL)
    porthole_terminal_tab_zoom (tab, g_str_equal (name, "zoom-in") ? 1 : g_str_equal (name, "zoom-out") ? -1 : 0);
}

static void
find_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (user_data);

  if (tab != NULL)
    porthole_terminal_tab_show_search (tab);
}

static const GActionEntry page_actions[] = {
  { "new-tab", new_tab_action },
  { "close-tab", close_tab_action },
  { "copy", copy_action },
  { "paste", paste_action },
  { "zoom-in", zoom_action },
  { "zoom-out", zoom_action },
  { "zoom-reset", zoom_action },
  { "find", find_action },
};

static void
porthole_terminal_page_dispose (GObject *object)
{
  PortholeTerminalPage *self = (PortholeTerminalPage *)object;

  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  g_clear_object (&self->tabs_sandbox);
  /* The stack is the bin's child and a template child: one unparent. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_TERMINAL_PAGE);

  G_OBJECT_CLASS (porthole_terminal_page_parent_class)->dispose (object);
}

static void
porthole_terminal_page_finalize (GObject *object)
{
  PortholeTerminalPage *self = (PortholeTerminalPage *)object;

  g_clear_object (&self->actions);

  G_OBJECT_CLASS (porthole_terminal_page_parent_class)->finalize (object);
}

static void
porthole_terminal_page_class_init (PortholeTerminalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_terminal_page_dispose;
  object_class->finalize = porthole_terminal_page_finalize;
  page_class->start = porthole_terminal_page_start;
  page_class->stop = porthole_terminal_page_stop;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-terminal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalPage, tab_view);
  gtk_widget_class_bind_template_callback (widget_class, close_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_page_cb);

#define BIND(key, mods, action) gtk_widget_class_add_binding_action (widget_class, key, mods, action, NULL)
  BIND (GDK_KEY_T, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "terminal.new-tab");
  BIND (GDK_KEY_W, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "terminal.close-tab");
  BIND (GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "terminal.copy");
  BIND (GDK_KEY_V, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "terminal.paste");
  BIND (GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "terminal.find");
  BIND (GDK_KEY_plus, GDK_CONTROL_MASK, "terminal.zoom-in");
  BIND (GDK_KEY_equal, GDK_CONTROL_MASK, "terminal.zoom-in");
  BIND (GDK_KEY_KP_Add, GDK_CONTROL_MASK, "terminal.zoom-in");
  BIND (GDK_KEY_minus, GDK_CONTROL_MASK, "terminal.zoom-out");
  BIND (GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "terminal.zoom-out");
  BIND (GDK_KEY_0, GDK_CONTROL_MASK, "terminal.zoom-reset");
#undef BIND
}

static void
porthole_terminal_page_init (PortholeTerminalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions, G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "terminal", G_ACTION_GROUP (self->actions));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "new-tab")),
                               FALSE);
  g_signal_connect_object (self->tab_view, "notify::n-pages", G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
  update_stack (self);
}

guint
porthole_terminal_page_get_n_tabs (PortholeTerminalPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_PAGE (self), 0);

  return adw_tab_view_get_n_pages (self->tab_view);
}

/**
 * porthole_terminal_page_get_tab:
 *
 * Returns: (transfer none): the tab at @position
 */
PortholeTerminalTab *
porthole_terminal_page_get_tab (PortholeTerminalPage *self,
                                guint                 position)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_PAGE (self), NULL);
  g_return_val_if_fail (position < (guint) adw_tab_view_get_n_pages (self->tab_view), NULL);

  return PORTHOLE_TERMINAL_TAB (adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view, position)));
}

/**
 * porthole_terminal_page_get_current:
 *
 * Returns: (transfer none) (nullable): the tab shown
 */
PortholeTerminalTab *
porthole_terminal_page_get_current (PortholeTerminalPage *self)
{
  AdwTabPage *page;

  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_PAGE (self), NULL);

  page = adw_tab_view_get_selected_page (self->tab_view);

  return page ? PORTHOLE_TERMINAL_TAB (adw_tab_page_get_child (page)) : NULL;
}
