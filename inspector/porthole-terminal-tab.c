/* porthole-terminal-tab.c
 *
 * The VTE widget has no PTY of its own: what the shell writes arrives as
 * "output" messages and is fed to it, what the user types or pastes
 * leaves through its "commit" signal as "input", and every change of its
 * grid (the widget was resized, the font zoomed) is sent as "resize".
 * When the shell ends, a bar says how and offers to start a new one in
 * the same tab (the scrollback stays).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-terminal-session.h"
#include "porthole-terminal-tab.h"
#include "porthole-terminal-view.h"

/* PCRE2_CASELESS | PCRE2_MULTILINE, as GNOME Console searches. */
#define SEARCH_FLAGS (VTE_REGEX_FLAGS_DEFAULT | 0x00000008u | 0x00000400u)
#define MIN_FONT_SCALE 0.5
#define MAX_FONT_SCALE 4.0

struct _PortholeTerminalTab
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkRevealer *exit_revealer;
  GtkLabel *exit_label;
  VteTerminal *terminal;

  /* Owned references */
  PortholeClient *client;
  PortholeTerminalSession *session;
  GCancellable *cancellable;

  PortholeTerminalState state;
  int exit_status;
  guint sent_columns;
  guint sent_rows;
};

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PortholeTerminalTab, porthole_terminal_tab, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
set_state (PortholeTerminalTab   *self,
           PortholeTerminalState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  gtk_revealer_set_reveal_child (self->exit_revealer,
                                 state == PORTHOLE_TERMINAL_EXITED || state == PORTHOLE_TERMINAL_LOST);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
send_size (PortholeTerminalTab *self)
{
  guint columns = vte_terminal_get_column_count (self->terminal);
  guint rows = vte_terminal_get_row_count (self->terminal);

  if (self->state != PORTHOLE_TERMINAL_CONNECTED || (columns == self->sent_columns && rows == self->sent_rows))
    return;

  self->sent_columns = columns;
  self->sent_rows = rows;
  porthole_terminal_session_resize (self->session, columns, rows);
}

static void
on_output (PortholeTerminalTab *self,
           const char          *text)
{
  vte_terminal_feed (self->terminal, text, -1);
}

static void
on_shell_exit (PortholeTerminalTab *self,
         int                  status)
{
  g_autofree char *text = NULL;

  self->exit_status = status;
  if (status > 128)
    text = g_strdup_printf (_("The shell was ended by signal %d."), status - 128);
  else
    text = g_strdup_printf (_("The shell exited with status %d."), status);
  gtk_label_set_label (self->exit_label, text);
  set_state (self, PORTHOLE_TERMINAL_EXITED);
}

static void
on_error (PortholeTerminalTab *self,
          const char          *message)
{
  g_autofree char *text = g_strdup_printf (_("The shell could not start: %s"), message);

  gtk_label_set_label (self->exit_label, text);
}

static void
on_closed (PortholeTerminalTab *self)
{
  if (self->state == PORTHOLE_TERMINAL_EXITED)
    return;

  gtk_label_set_label (self->exit_label, _("The connection to the sandbox was lost."));
  set_state (self, PORTHOLE_TERMINAL_LOST);
}

static void
clear_session (PortholeTerminalTab *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      porthole_ws_object_close (PORTHOLE_WS_OBJECT (self->session));
      g_clear_object (&self->session);
    }
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PortholeTerminalTab) self = user_data;
  g_autoptr(PortholeTerminalSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  session = porthole_client_open_terminal_finish (PORTHOLE_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  if (session == NULL)
    {
      text = g_strdup_printf (_("Could not open a terminal: %s"), error->message);
      gtk_label_set_label (self->exit_label, text);
      set_state (self, PORTHOLE_TERMINAL_LOST);
      return;
    }

  self->session = g_steal_pointer (&session);
  g_signal_connect_swapped (self->session, "output", G_CALLBACK (on_output), self);
  g_signal_connect_swapped (self->session, "exit", G_CALLBACK (on_shell_exit), self);
  g_signal_connect_swapped (self->session, "error", G_CALLBACK (on_error), self);
  g_signal_connect_swapped (self->session, "closed", G_CALLBACK (on_closed), self);
  set_state (self, PORTHOLE_TERMINAL_CONNECTED);
  /* The size may have changed while the shell was starting. */
  send_size (self);
}

/**
 * porthole_terminal_tab_connect:
 *
 * Starts a shell for the tab, unless one runs or is starting.
 */
void
porthole_terminal_tab_connect (PortholeTerminalTab *self)
{
  g_return_if_fail (PORTHOLE_IS_TERMINAL_TAB (self));

  if (self->state == PORTHOLE_TERMINAL_CONNECTED || self->cancellable != NULL)
    return;

  clear_session (self);
  if (self->state != PORTHOLE_TERMINAL_CONNECTING)
    vte_terminal_feed (self->terminal, "\r\n", -1);
  self->sent_columns = vte_terminal_get_column_count (self->terminal);
  self->sent_rows = vte_terminal_get_row_count (self->terminal);
  self->state = PORTHOLE_TERMINAL_CONNECTING;
  gtk_revealer_set_reveal_child (self->exit_revealer, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  self->cancellable = g_cancellable_new ();
  porthole_client_open_terminal_async (self->client, self->sent_columns, self->sent_rows, self->cancellable,
                                       opened_cb, g_object_ref (self));
}

/**
 * porthole_terminal_tab_disconnect:
 *
 * Hangs up (the daemon ends the shell).
 */
void
porthole_terminal_tab_disconnect (PortholeTerminalTab *self)
{
  g_return_if_fail (PORTHOLE_IS_TERMINAL_TAB (self));

  if (self->session == NULL && self->cancellable == NULL)
    return;

  clear_session (self);
  if (self->state != PORTHOLE_TERMINAL_EXITED)
    {
      gtk_label_set_label (self->exit_label, _("The terminal was disconnected from the sandbox."));
      set_state (self, PORTHOLE_TERMINAL_LOST);
    }
}

static void
commit_cb (PortholeTerminalTab *self,
           const char          *text,
           guint                size)
{
  if (self->state != PORTHOLE_TERMINAL_CONNECTED)
    return;

  /* The shell knows the grid before it reads what was typed (a grid
   * change outside an allocation would otherwise wait for the next). */
  send_size (self);
  porthole_terminal_session_send_input (self->session, text, size);
}

static void
reconnect_cb (PortholeTerminalTab *self)
{
  porthole_terminal_tab_connect (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
search_changed_cb (PortholeTerminalTab *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(VteRegex) regex = NULL;
  g_autofree char *escaped = NULL;

  if (text != NULL && *text != '\0')
    {
      escaped = g_regex_escape_string (text, -1);
      regex = vte_regex_new_for_search (escaped, -1, SEARCH_FLAGS, NULL);
    }
  vte_terminal_search_set_regex (self->terminal, regex, 0);
  if (regex != NULL)
    vte_terminal_search_find_previous (self->terminal);
}

static void
search_next_cb (PortholeTerminalTab *self)
{
  vte_terminal_search_find_next (self->terminal);
}

static void
search_previous_cb (PortholeTerminalTab *self)
{
  vte_terminal_search_find_previous (self->terminal);
}

static void
stop_search_cb (PortholeTerminalTab *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
grid_changed_cb (PortholeTerminalTab *self)
{
  send_size (self);
}

static gboolean
porthole_terminal_tab_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (PORTHOLE_TERMINAL_TAB (widget)->terminal));
}

static void
porthole_terminal_tab_dispose (GObject *object)
{
  PortholeTerminalTab *self = (PortholeTerminalTab *)object;

  clear_session (self);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_TERMINAL_TAB);

  G_OBJECT_CLASS (porthole_terminal_tab_parent_class)->dispose (object);
}

static void
porthole_terminal_tab_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PortholeTerminalTab *self = PORTHOLE_TERMINAL_TAB (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_terminal_tab_class_init (PortholeTerminalTabClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_terminal_tab_dispose;
  object_class->get_property = porthole_terminal_tab_get_property;
  widget_class->grab_focus = porthole_terminal_tab_grab_focus;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      PORTHOLE_TERMINAL_CONNECTING, PORTHOLE_TERMINAL_LOST, PORTHOLE_TERMINAL_CONNECTING,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PORTHOLE_TYPE_TERMINAL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-terminal-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalTab, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalTab, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalTab, exit_revealer);
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalTab, exit_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeTerminalTab, terminal);
  gtk_widget_class_bind_template_callback (widget_class, commit_cb);
  gtk_widget_class_bind_template_callback (widget_class, grid_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reconnect_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_next_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_previous_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
}

static void
porthole_terminal_tab_init (PortholeTerminalTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  vte_terminal_search_set_wrap_around (self->terminal, TRUE);
}

PortholeTerminalTab *
porthole_terminal_tab_new (PortholeClient *client)
{
  PortholeTerminalTab *self;

  g_return_val_if_fail (PORTHOLE_IS_CLIENT (client), NULL);

  self = g_object_new (PORTHOLE_TYPE_TERMINAL_TAB, NULL);
  self->client = g_object_ref (client);

  return self;
}

/**
 * porthole_terminal_tab_get_terminal:
 *
 * Returns: (transfer none): the VTE widget
 */
VteTerminal *
porthole_terminal_tab_get_terminal (PortholeTerminalTab *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_TAB (self), NULL);

  return self->terminal;
}

PortholeTerminalState
porthole_terminal_tab_get_state (PortholeTerminalTab *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_TAB (self), PORTHOLE_TERMINAL_LOST);

  return self->state;
}

/**
 * porthole_terminal_tab_get_exit_status:
 *
 * Returns: the shell's status once it exited, 128+signal if killed
 */
int
porthole_terminal_tab_get_exit_status (PortholeTerminalTab *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_TAB (self), -1);

  return self->exit_status;
}

/**
 * porthole_terminal_tab_get_sent_size:
 *
 * The grid the shell was last told about.
 */
void
porthole_terminal_tab_get_sent_size (PortholeTerminalTab *self,
                                     guint               *columns,
                                     guint               *rows)
{
  g_return_if_fail (PORTHOLE_IS_TERMINAL_TAB (self));

  *columns = self->sent_columns;
  *rows = self->sent_rows;
}

void
porthole_terminal_tab_show_search (PortholeTerminalTab *self)
{
  g_return_if_fail (PORTHOLE_IS_TERMINAL_TAB (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * porthole_terminal_tab_zoom:
 * @step: 1 larger, -1 smaller, 0 back to normal
 */
void
porthole_terminal_tab_zoom (PortholeTerminalTab *self,
                            int                  step)
{
  double scale;

  g_return_if_fail (PORTHOLE_IS_TERMINAL_TAB (self));

  scale = step == 0 ? 1.0 : vte_terminal_get_font_scale (self->terminal) * (step > 0 ? 1.1 : 1 / 1.1);
  vte_terminal_set_font_scale (self->terminal, CLAMP (scale, MIN_FONT_SCALE, MAX_FONT_SCALE));
}

/**
 * porthole_terminal_tab_dup_text:
 *
 * Returns: (transfer full): the text on the terminal's screen
 */
char *
porthole_terminal_tab_dup_text (PortholeTerminalTab *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TERMINAL_TAB (self), NULL);

  return vte_terminal_get_text (self->terminal, NULL, NULL, NULL);
}
