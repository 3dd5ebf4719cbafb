/* porthole-run-page.c
 *
 * Code runs through /stream (libporthole's PortholeExecution): stdout
 * and stderr are appended to the console as their frames arrive, rich
 * outputs become widgets below it (porthole-rich-output.c), and the end
 * shows the exit code and the duration. "Keep state" runs Python as a
 * cell of the kernel session KERNEL_SESSION, so variables outlive the
 * run; the shell mode sends the text to /commands/stream.
 *
 * Every run is a PortholeRunRecord in the history, with its outputs:
 * selecting one shows it as it was, "Re-run" runs it again. A run the
 * user started goes on while the page is hidden, like an upload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "porthole-client-execute.h"
#include "porthole-rich-output.h"
#include "porthole-run-page.h"

#define KERNEL_SESSION "porthole-inspector"
/* Seconds a run may take; the daemon kills it after that. */
#define RUN_TIMEOUT 600
/* Runs kept in the history. */
#define MAX_HISTORY 50

static const struct {
  const char *id;
  const char *source_language;
} languages[] = {
  { "python", "python3" },
  { "javascript", "js" },
  { "bash", "sh" },
  { "go", "go" },
};

struct _PortholeRunPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkDropDown *language_dropdown;
  GtkToggleButton *shell_button;
  GtkCheckButton *keep_state_check;
  GtkLabel *status_label;
  GtkSourceView *editor;
  GtkScrolledWindow *output_scroller;
  GtkBox *outputs_box;
  GtkListBox *history_box;

  /* Owned references */
  GSimpleActionGroup *actions;
  GListStore *history;
  GtkTextView *console;
  PortholeRunRecord *shown;
  PortholeRunRecord *running;
  PortholeExecution *execution;
  GCancellable *connect_cancellable;
  GtkTextTag *stderr_tag;
  GtkTextTag *note_tag;
};

G_DEFINE_FINAL_TYPE (PortholeRunPage, porthole_run_page, PORTHOLE_TYPE_PAGE)

static void update_actions (PortholeRunPage *self);

static PortholeClient *
get_client (PortholeRunPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));

  return sandbox ? porthole_sandbox_get_client (sandbox) : NULL;
}

static gboolean
is_shell (PortholeRunPage *self)
{
  return gtk_toggle_button_get_active (self->shell_button);
}

/* Output */

static gboolean
scroll_to_end (gpointer user_data)
{
  GtkScrolledWindow *scroller = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return G_SOURCE_REMOVE;
}

static void
follow_output (PortholeRunPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->output_scroller);

  /* Only when the reader is at the end already. */
  if (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
      gtk_adjustment_get_upper (adjustment) - 20)
    g_idle_add_full (G_PRIORITY_LOW, scroll_to_end, g_object_ref (self->output_scroller), g_object_unref);
}

static void
show_output (PortholeRunOutputKind  kind,
             const char            *text,
             const char            *mime,
             JsonNode              *data,
             gpointer               user_data)
{
  PortholeRunPage *self = user_data;

  if (kind == PORTHOLE_RUN_OUTPUT_RICH)
    {
      GtkWidget *widget = porthole_rich_output_new (mime, data);

      if (widget != NULL)
        {
          gtk_widget_set_halign (widget, GTK_ALIGN_FILL);
          gtk_box_append (self->outputs_box, widget);
        }
    }
  else
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->console);
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert_with_tags (buffer, &end, text, -1,
                                        kind == PORTHOLE_RUN_OUTPUT_STDERR ? self->stderr_tag
                                        : kind == PORTHOLE_RUN_OUTPUT_NOTE ? self->note_tag : NULL,
                                        NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->console), TRUE);
    }

  follow_output (self);
}

static void
update_status (PortholeRunPage *self)
{
  g_autofree char *status = self->shown ? porthole_run_record_dup_status (self->shown) : NULL;

  gtk_label_set_label (self->status_label, status ? status : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (self->shown != NULL && porthole_run_record_get_finished (self->shown) &&
      porthole_run_record_get_exit_code (self->shown) != 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
}

/**
 * porthole_run_page_show_record:
 * @record: (nullable): a run of the history
 *
 * Shows @record's outputs as they were (or are, while it runs).
 */
void
porthole_run_page_show_record (PortholeRunPage   *self,
                               PortholeRunRecord *record)
{
  GtkWidget *child;

  g_return_if_fail (PORTHOLE_IS_RUN_PAGE (self));

  g_set_object (&self->shown, record);
  while ((child = gtk_widget_get_last_child (GTK_WIDGET (self->outputs_box))) != GTK_WIDGET (self->console))
    gtk_box_remove (self->outputs_box, child);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->console), "", 0);
  gtk_widget_set_visible (GTK_WIDGET (self->console), FALSE);
  if (record != NULL)
    porthole_run_record_foreach (record, show_output, self);
  update_status (self);
}

/* Running */

static void
on_output (PortholeRunPage   *self,
           const char        *stream,
           const char        *text,
           PortholeExecution *execution)
{
  PortholeRunOutputKind kind = g_str_equal (stream, "stderr") ? PORTHOLE_RUN_OUTPUT_STDERR : PORTHOLE_RUN_OUTPUT_STDOUT;

  porthole_run_record_add_text (self->running, kind, text);
  if (self->shown == self->running)
    show_output (kind, text, NULL, NULL, self);
}

static void
on_display (PortholeRunPage   *self,
            const char        *mime,
            JsonNode          *data,
            PortholeExecution *execution)
{
  porthole_run_record_add_rich (self->running, mime, data);
  if (self->shown == self->running)
    show_output (PORTHOLE_RUN_OUTPUT_RICH, NULL, mime, data, self);
}

static void
add_note (PortholeRunPage *self,
          const char      *text)
{
  porthole_run_record_add_text (self->running, PORTHOLE_RUN_OUTPUT_NOTE, text);
  if (self->shown == self->running)
    show_output (PORTHOLE_RUN_OUTPUT_NOTE, text, NULL, NULL, self);
}

static void
end_run (PortholeRunPage *self,
         int              exit_code,
         double           duration)
{
  g_autoptr(PortholeRunRecord) record = g_steal_pointer (&self->running);

  if (self->execution != NULL)
    g_signal_handlers_disconnect_by_data (self->execution, self);
  g_clear_object (&self->execution);
  g_clear_object (&self->connect_cancellable);
  porthole_run_record_finish (record, exit_code, duration);
  if (self->shown == record)
    update_status (self);
  update_actions (self);
}

static void
on_finished (PortholeRunPage   *self,
             PortholeExecution *execution)
{
  const char *error = porthole_execution_get_error (execution);
  const char *result = porthole_execution_get_result (execution);

  if (result != NULL && *result != '\0')
    {
      g_autofree char *line = g_strconcat (result, "\n", NULL);

      porthole_run_record_add_text (self->running, PORTHOLE_RUN_OUTPUT_STDOUT, line);
      if (self->shown == self->running)
        show_output (PORTHOLE_RUN_OUTPUT_STDOUT, line, NULL, NULL, self);
    }
  if (error != NULL)
    {
      g_autofree char *line = g_strconcat ("\n", error, "\n", NULL);

      add_note (self, line);
    }

  end_run (self, porthole_execution_get_exit_code (execution), porthole_execution_get_duration (execution));
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeRunPage) self = user_data;
  g_autoptr(PortholeExecution) execution = NULL;
  g_autoptr(GError) error = NULL;

  execution = porthole_client_execute_stream_finish (PORTHOLE_CLIENT (object), result, &error);
  if (self->running == NULL)
    return;
  if (execution == NULL)
    {
      g_autofree char *line = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        ? g_strdup (_("Cancelled\n")) : g_strdup_printf (_("Could not start: %s\n"), error->message);

      add_note (self, line);
      end_run (self, -1, 0);
      return;
    }

  self->execution = g_steal_pointer (&execution);
  g_signal_connect_object (self->execution, "output", G_CALLBACK (on_output), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->execution, "display", G_CALLBACK (on_display), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->execution, "finished", G_CALLBACK (on_finished), self, G_CONNECT_SWAPPED);
}

static void
start_record (PortholeRunPage   *self,
              PortholeRunRecord *record)
{
  PortholeClient *client = get_client (self);
  const char *code = porthole_run_record_get_code (record);

  self->running = g_object_ref (record);
  self->connect_cancellable = g_cancellable_new ();
  g_list_store_insert (self->history, 0, record);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->history)) > MAX_HISTORY)
    g_list_store_remove (self->history, MAX_HISTORY);
  gtk_list_box_select_row (self->history_box, gtk_list_box_get_row_at_index (self->history_box, 0));
  porthole_run_page_show_record (self, record);

  if (porthole_run_record_get_shell (record))
    porthole_client_command_stream_async (client, code, RUN_TIMEOUT, self->connect_cancellable,
                                          started_cb, g_object_ref (self));
  else
    porthole_client_execute_stream_async (client, code, porthole_run_record_get_language (record),
                                          porthole_run_record_get_keep_state (record) ? KERNEL_SESSION : NULL,
                                          RUN_TIMEOUT, self->connect_cancellable, started_cb, g_object_ref (self));
  update_actions (self);
}

/**
 * porthole_run_page_run:
 *
 * Runs the editor's text (what Ctrl+Enter does).
 *
 * Returns: %TRUE if a run started
 */
gboolean
porthole_run_page_run (PortholeRunPage *self)
{
  g_autoptr(PortholeRunRecord) record = NULL;
  g_autofree char *code = NULL;
  gboolean shell;

  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), FALSE);

  if (self->running != NULL || get_client (self) == NULL || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return FALSE;

  code = porthole_run_page_dup_code (self);
  shell = is_shell (self);
  record = porthole_run_record_new (code, porthole_run_page_get_language (self), shell,
                                    !shell && gtk_check_button_get_active (self->keep_state_check) &&
                                    g_str_equal (porthole_run_page_get_language (self), "python"));
  start_record (self, record);
  return TRUE;
}

/**
 * porthole_run_page_cancel:
 *
 * Asks the daemon to stop the current run.
 */
void
porthole_run_page_cancel (PortholeRunPage *self)
{
  g_return_if_fail (PORTHOLE_IS_RUN_PAGE (self));

  if (self->execution != NULL)
    porthole_execution_cancel (self->execution);
  else if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
}

/* Actions */

static void
update_actions (PortholeRunPage *self)
{
  gboolean running = porthole_page_get_running (PORTHOLE_PAGE (self));
  gboolean busy = self->running != NULL;
  gboolean selected = gtk_list_box_get_selected_row (self->history_box) != NULL;
  gboolean python = g_str_equal (porthole_run_page_get_language (self), "python") && !is_shell (self);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "run")),
                               running && !busy);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "rerun")),
                               running && !busy && selected);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "cancel")),
                               busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keep_state_check), python);
  gtk_widget_set_sensitive (GTK_WIDGET (self->language_dropdown), !is_shell (self));
}

static void
run_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  porthole_run_page_run (PORTHOLE_RUN_PAGE (user_data));
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  porthole_run_page_cancel (PORTHOLE_RUN_PAGE (user_data));
}

static void
rerun_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  PortholeRunPage *self = user_data;
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->history_box);
  g_autoptr(PortholeRunRecord) old = NULL;
  g_autoptr(PortholeRunRecord) record = NULL;

  if (row == NULL || self->running != NULL || get_client (self) == NULL)
    return;

  old = g_list_model_get_item (G_LIST_MODEL (self->history), gtk_list_box_row_get_index (row));
  porthole_run_page_set_code (self, porthole_run_record_get_code (old));
  porthole_run_page_set_shell_mode (self, porthole_run_record_get_shell (old));
  if (!porthole_run_record_get_shell (old))
    porthole_run_page_set_language (self, porthole_run_record_get_language (old));
  record = porthole_run_record_new (porthole_run_record_get_code (old), porthole_run_record_get_language (old),
                                    porthole_run_record_get_shell (old), porthole_run_record_get_keep_state (old));
  start_record (self, record);
}

static const GActionEntry page_actions[] = {
  { "run", run_action },
  { "cancel", cancel_action },
  { "rerun", rerun_action },
};

/* History rows */

static void
update_history_row (GtkWidget         *row,
                    GParamSpec        *pspec,
                    PortholeRunRecord *record)
{
  GtkLabel *status = g_object_get_data (G_OBJECT (row), "status");
  g_autofree char *text = porthole_run_record_dup_status (record);

  gtk_label_set_label (status, text);
}

static GtkWidget *
create_history_row (gpointer item,
                    gpointer user_data)
{
  PortholeRunRecord *record = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *title = porthole_run_record_dup_title (record);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *status = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title_label, "monospace");
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_add_css_class (status, "caption");
  gtk_box_append (GTK_BOX (box), title_label);
  gtk_box_append (GTK_BOX (box), status);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, porthole_run_record_get_code (record));

  g_object_set_data (G_OBJECT (row), "status", status);
  g_signal_connect_object (record, "notify::finished", G_CALLBACK (update_history_row), row, G_CONNECT_SWAPPED);
  update_history_row (row, NULL, record);
  return row;
}

/* Template callbacks */

static void
history_activated_cb (PortholeRunPage *self,
                      GtkListBoxRow   *row)
{
  g_autoptr(PortholeRunRecord) record = g_list_model_get_item (G_LIST_MODEL (self->history),
                                                               gtk_list_box_row_get_index (row));

  porthole_run_page_show_record (self, record);
  porthole_run_page_set_code (self, porthole_run_record_get_code (record));
  update_actions (self);
}

static void
apply_editor_language (PortholeRunPage *self)
{
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor)));
  guint selected = gtk_drop_down_get_selected (self->language_dropdown);
  const char *id = is_shell (self) ? "sh"
                   : selected < G_N_ELEMENTS (languages) ? languages[selected].source_language : NULL;

  gtk_source_buffer_set_language (buffer, id ? gtk_source_language_manager_get_language (manager, id) : NULL);
}

static void
language_changed_cb (PortholeRunPage *self)
{
  apply_editor_language (self);
  update_actions (self);
}

static void
mode_changed_cb (PortholeRunPage *self)
{
  apply_editor_language (self);
  update_actions (self);
}

/* PortholePage */

static void
porthole_run_page_start (PortholePage    *page,
                         PortholeSandbox *sandbox,
                         GCancellable    *cancellable)
{
  update_actions (PORTHOLE_RUN_PAGE (page));
}

static void
porthole_run_page_stop (PortholePage *page)
{
  update_actions (PORTHOLE_RUN_PAGE (page));
}

static void
porthole_run_page_dispose (GObject *object)
{
  PortholeRunPage *self = (PortholeRunPage *)object;

  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  if (self->execution != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->execution, self);
      porthole_execution_cancel (self->execution);
    }
  g_clear_object (&self->execution);
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->running);
  g_clear_object (&self->shown);
  /* The list box unselects as it goes: nothing to update then. */
  if (self->history_box != NULL)
    g_signal_handlers_disconnect_by_data (self->history_box, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_RUN_PAGE);

  G_OBJECT_CLASS (porthole_run_page_parent_class)->dispose (object);
}

static void
porthole_run_page_finalize (GObject *object)
{
  PortholeRunPage *self = (PortholeRunPage *)object;

  g_clear_object (&self->actions);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (porthole_run_page_parent_class)->finalize (object);
}

static void
porthole_run_page_class_init (PortholeRunPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_run_page_dispose;
  object_class->finalize = porthole_run_page_finalize;

  page_class->start = porthole_run_page_start;
  page_class->stop = porthole_run_page_stop;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-run-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, shell_button);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, keep_state_check);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, editor);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, output_scroller);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, outputs_box);
  gtk_widget_class_bind_template_child (widget_class, PortholeRunPage, history_box);
  gtk_widget_class_bind_template_callback (widget_class, history_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, language_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "run.cancel", NULL);
}

static void
porthole_run_page_init (PortholeRunPage *self)
{
  GtkEventController *shortcuts;
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Ctrl+Enter before the editor takes Enter for a new line. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                                                          gtk_named_action_new ("run.run")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->console = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_editable (self->console, FALSE);
  gtk_text_view_set_monospace (self->console, TRUE);
  gtk_text_view_set_wrap_mode (self->console, GTK_WRAP_CHAR);
  gtk_widget_set_visible (GTK_WIDGET (self->console), FALSE);
  gtk_box_append (self->outputs_box, GTK_WIDGET (self->console));
  buffer = gtk_text_view_get_buffer (self->console);
  self->stderr_tag = gtk_text_buffer_create_tag (buffer, "stderr", "foreground", "#c01c28", NULL);
  self->note_tag = gtk_text_buffer_create_tag (buffer, "note", "style", PANGO_STYLE_ITALIC, NULL);

  self->history = g_list_store_new (PORTHOLE_TYPE_RUN_RECORD);
  gtk_list_box_bind_model (self->history_box, G_LIST_MODEL (self->history), create_history_row, self, NULL);
  g_signal_connect_object (self->history_box, "selected-rows-changed", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions, G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "run", G_ACTION_GROUP (self->actions));

  porthole_run_page_set_code (self, "print('Hello from the sandbox')\n");
  apply_editor_language (self);
  update_actions (self);
}

/* Public API */

void
porthole_run_page_set_code (PortholeRunPage *self,
                            const char      *code)
{
  g_return_if_fail (PORTHOLE_IS_RUN_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor)), code ? code : "", -1);
}

/**
 * porthole_run_page_dup_code:
 *
 * Returns: (transfer full): the editor's text
 */
char *
porthole_run_page_dup_code (PortholeRunPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/**
 * porthole_run_page_set_language:
 * @language: python, javascript, bash or go
 */
void
porthole_run_page_set_language (PortholeRunPage *self,
                                const char      *language)
{
  g_return_if_fail (PORTHOLE_IS_RUN_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (languages[i].id, language) == 0)
      gtk_drop_down_set_selected (self->language_dropdown, i);
}

const char *
porthole_run_page_get_language (PortholeRunPage *self)
{
  guint selected;

  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  selected = gtk_drop_down_get_selected (self->language_dropdown);
  return selected < G_N_ELEMENTS (languages) ? languages[selected].id : languages[0].id;
}

void
porthole_run_page_set_shell_mode (PortholeRunPage *self,
                                  gboolean         shell)
{
  g_return_if_fail (PORTHOLE_IS_RUN_PAGE (self));

  gtk_toggle_button_set_active (self->shell_button, shell);
}

void
porthole_run_page_set_keep_state (PortholeRunPage *self,
                                  gboolean         keep_state)
{
  g_return_if_fail (PORTHOLE_IS_RUN_PAGE (self));

  gtk_check_button_set_active (self->keep_state_check, keep_state);
}

gboolean
porthole_run_page_is_running (PortholeRunPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), FALSE);

  return self->running != NULL;
}

/**
 * porthole_run_page_get_shown:
 *
 * Returns: (transfer none) (nullable): the run whose outputs are shown
 */
PortholeRunRecord *
porthole_run_page_get_shown (PortholeRunPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  return self->shown;
}

/**
 * porthole_run_page_dup_output_text:
 *
 * Returns: (transfer full): the console's text (stdout, stderr, notes)
 */
char *
porthole_run_page_dup_output_text (PortholeRunPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->console);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/**
 * porthole_run_page_get_outputs_box:
 *
 * Returns: (transfer none): the box of outputs: the console first, then
 *   one widget per rich output
 */
GtkWidget *
porthole_run_page_get_outputs_box (PortholeRunPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  return GTK_WIDGET (self->outputs_box);
}

const char *
porthole_run_page_get_status (PortholeRunPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  return gtk_label_get_label (self->status_label);
}

/**
 * porthole_run_page_get_history:
 *
 * Returns: (transfer none): the runs, newest first
 */
GListModel *
porthole_run_page_get_history (PortholeRunPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  return G_LIST_MODEL (self->history);
}

/**
 * porthole_run_page_get_editor:
 *
 * Returns: (transfer none): the code editor
 */
GtkWidget *
porthole_run_page_get_editor (PortholeRunPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_PAGE (self), NULL);

  return GTK_WIDGET (self->editor);
}
