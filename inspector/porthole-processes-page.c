/* porthole-processes-page.c
 *
 * GET /processes every processes-interval seconds. The rows are
 * PortholeProcessItems kept by pid and updated in place, so selection
 * and scroll position survive a refresh: only processes that appeared
 * are added and only those that ended are removed.
 *
 * Sorting is the column view's (click a header). GTK 4.8 has no way to
 * ask a GtkColumnView which column it sorts by, so the page keeps its
 * own record of it (saved in GSettings, restored at start): when the
 * view's sorter changes, one probe comparison tells which column
 * sorter the view consults first, and in which direction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "porthole-client-metrics.h"
#include "porthole-error.h"
#include "porthole-processes-page.h"

typedef enum
{
  COLUMN_PID,
  COLUMN_NAME,
  COLUMN_USER,
  COLUMN_CPU,
  COLUMN_MEMORY,
  COLUMN_THREADS,
  COLUMN_STARTED,
  COLUMN_RUN,
  COLUMN_COMMAND,
  N_COLUMNS
} Column;

static const struct {
  const char *key;
  const char *title;
  const char *property;
  float xalign;
  gboolean expand;
} columns[N_COLUMNS] = {
  [COLUMN_PID] = { "pid", N_("PID"), "pid", 1.0, FALSE },
  [COLUMN_NAME] = { "name", N_("Name"), "name", 0.0, FALSE },
  [COLUMN_USER] = { "user", N_("User"), "user", 0.0, FALSE },
  [COLUMN_CPU] = { "cpu", N_("CPU %"), "cpu", 1.0, FALSE },
  [COLUMN_MEMORY] = { "memory", N_("Memory"), "memory-mb", 1.0, FALSE },
  [COLUMN_THREADS] = { "threads", N_("Threads"), "threads", 1.0, FALSE },
  [COLUMN_STARTED] = { "started", N_("Started"), "started", 0.0, FALSE },
  [COLUMN_RUN] = { "run", N_("Run"), "process-id", 0.0, FALSE },
  [COLUMN_COMMAND] = { "command", N_("Command"), "command", 0.0, TRUE },
};

typedef struct
{
  PortholeProcessesPage *page;
  Column column;
} ColumnSort;

struct _PortholeProcessesPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkLabel *count_label;
  GtkScrolledWindow *scroller;
  GtkColumnView *column_view;

  /* Owned references */
  GSettings *settings;
  GSimpleActionGroup *actions;
  GListStore *store;
  GHashTable *by_pid;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  char *search;
  ColumnSort sorts[N_COLUMNS];
  GtkColumnViewColumn *view_columns[N_COLUMNS];

  /* Borrowed: the sandbox the rows belong to. */
  PortholeSandbox *shown_sandbox;

  guint refresh_id;
  GCancellable *refresh_cancellable;
  guint64 n_refreshes;
  char *last_error;

  gboolean probing;
  int probed_column;
  gboolean resorting;
};

G_DEFINE_FINAL_TYPE (PortholeProcessesPage, porthole_processes_page, PORTHOLE_TYPE_PAGE)

static void refresh (PortholeProcessesPage *self);

static char *
format_started (gint64 started)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (started <= 0 || (when = g_date_time_new_from_unix_local (started / G_USEC_PER_SEC)) == NULL)
    return g_strdup ("");

  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (now) == g_date_time_get_year (when) &&
      g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (when))
    return g_date_time_format (when, "%X");

  return g_date_time_format (when, "%x %X");
}

static char *
format_cell (Column               column,
             PortholeProcessItem *item)
{
  switch (column)
    {
    case COLUMN_PID:
      return g_strdup_printf ("%" G_GINT64_FORMAT, porthole_process_item_get_pid (item));
    case COLUMN_NAME:
      return g_strdup (porthole_process_item_get_name (item));
    case COLUMN_USER:
      return g_strdup (porthole_process_item_get_user (item));
    case COLUMN_CPU:
      return g_strdup_printf ("%.1f", porthole_process_item_get_cpu (item));
    case COLUMN_MEMORY:
      return g_format_size ((guint64) (porthole_process_item_get_memory_mb (item) * 1024 * 1024));
    case COLUMN_THREADS:
      return g_strdup_printf ("%" G_GINT64_FORMAT, porthole_process_item_get_threads (item));
    case COLUMN_STARTED:
      return format_started (porthole_process_item_get_started (item));
    case COLUMN_RUN:
      return g_strdup (porthole_process_item_get_process_id (item));
    case COLUMN_COMMAND:
      return g_strdup (porthole_process_item_get_command (item));
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkLabel *label)
{
  PortholeProcessItem *item = g_object_get_data (G_OBJECT (label), "item");
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "column"));
  g_autofree char *text = NULL;

  if (item == NULL)
    return;

  text = format_cell (column, item);
  gtk_label_set_label (label, text ? text : "");
  if (column == COLUMN_COMMAND || column == COLUMN_RUN)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label),
                                 column == COLUMN_RUN && text && *text
                                 ? _("Started by portholed as a background run")
                                 : text);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[column].xalign);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column == COLUMN_COMMAND || column == COLUMN_NAME)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (columns[column].xalign > 0.5)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_RUN)
    gtk_widget_add_css_class (label, "accent");
  g_object_set_data (G_OBJECT (label), "column", user_data);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  PortholeProcessItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *signal = g_strconcat ("notify::", columns[column].property, NULL);

  g_object_set_data (G_OBJECT (label), "item", item);
  g_signal_connect_object (item, signal, G_CALLBACK (update_cell), label, G_CONNECT_SWAPPED);
  update_cell (GTK_LABEL (label));
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  PortholeProcessItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_data (item, label);
  g_object_set_data (G_OBJECT (label), "item", NULL);
}

static int
compare_numbers (double a,
                 double b)
{
  return a < b ? GTK_ORDERING_SMALLER : a > b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_strings (const char *a,
                 const char *b)
{
  int result = g_utf8_collate (a ? a : "", b ? b : "");

  return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ColumnSort *sort = user_data;
  PortholeProcessItem *x = PORTHOLE_PROCESS_ITEM ((gpointer) a);
  PortholeProcessItem *y = PORTHOLE_PROCESS_ITEM ((gpointer) b);
  int result;

  /* The probe: the view asks its first column's sorter first. */
  if (sort->page->probing)
    {
      if (sort->page->probed_column < 0)
        sort->page->probed_column = sort->column;
      return GTK_ORDERING_LARGER;
    }

  switch (sort->column)
    {
    case COLUMN_PID:
      result = compare_numbers (porthole_process_item_get_pid (x), porthole_process_item_get_pid (y));
      break;
    case COLUMN_NAME:
      result = compare_strings (porthole_process_item_get_name (x), porthole_process_item_get_name (y));
      break;
    case COLUMN_USER:
      result = compare_strings (porthole_process_item_get_user (x), porthole_process_item_get_user (y));
      break;
    case COLUMN_CPU:
      result = compare_numbers (porthole_process_item_get_cpu (x), porthole_process_item_get_cpu (y));
      break;
    case COLUMN_MEMORY:
      result = compare_numbers (porthole_process_item_get_memory_mb (x), porthole_process_item_get_memory_mb (y));
      break;
    case COLUMN_THREADS:
      result = compare_numbers (porthole_process_item_get_threads (x), porthole_process_item_get_threads (y));
      break;
    case COLUMN_STARTED:
      result = compare_numbers (porthole_process_item_get_started (x), porthole_process_item_get_started (y));
      break;
    case COLUMN_RUN:
      result = compare_strings (porthole_process_item_get_process_id (x), porthole_process_item_get_process_id (y));
      break;
    case COLUMN_COMMAND:
      result = compare_strings (porthole_process_item_get_command (x), porthole_process_item_get_command (y));
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  /* Ties in a stable order, whatever the column. */
  if (result == GTK_ORDERING_EQUAL)
    result = compare_numbers (porthole_process_item_get_pid (x), porthole_process_item_get_pid (y));

  return result;
}

static void
on_view_sorter_changed (PortholeProcessesPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(PortholeProcessItem) a = porthole_process_item_new (1);
  g_autoptr(PortholeProcessItem) b = porthole_process_item_new (2);
  g_autofree char *state = NULL;
  GtkOrdering order;

  if (self->resorting)
    return;

  self->probing = TRUE;
  self->probed_column = -1;
  order = gtk_sorter_compare (sorter, a, b);
  self->probing = FALSE;

  /* The probe's sorter said "larger"; a descending view turns it round. */
  if (self->probed_column >= 0)
    state = g_strdup_printf ("%s:%s", columns[self->probed_column].key,
                             order == GTK_ORDERING_SMALLER ? "descending" : "ascending");

  g_settings_set_string (self->settings, "processes-sort", state ? state : "");
}

static void
restore_sort (PortholeProcessesPage *self)
{
  g_autofree char *state = g_settings_get_string (self->settings, "processes-sort");
  g_auto(GStrv) parts = g_strsplit (state, ":", 2);

  if (parts[0] == NULL)
    return;

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (g_str_equal (parts[0], columns[i].key))
        {
          gtk_column_view_sort_by_column (self->column_view, self->view_columns[i],
                                          g_strcmp0 (parts[1], "descending") == 0
                                          ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
          return;
        }
    }
}

static gboolean
filter_item (gpointer item,
             gpointer user_data)
{
  PortholeProcessesPage *self = user_data;
  PortholeProcessItem *process = item;
  g_autofree char *pid = NULL;
  const char *fields[3];

  if (self->search == NULL || *self->search == '\0')
    return TRUE;

  pid = g_strdup_printf ("%" G_GINT64_FORMAT, porthole_process_item_get_pid (process));
  if (g_str_has_prefix (pid, self->search))
    return TRUE;

  fields[0] = porthole_process_item_get_name (process);
  fields[1] = porthole_process_item_get_command (process);
  fields[2] = porthole_process_item_get_user (process);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = fields[i] ? g_utf8_casefold (fields[i], -1) : NULL;

      if (folded != NULL && strstr (folded, self->search) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
update_count (PortholeProcessesPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (ngettext ("%u process", "%u processes", total), total);
  else
    /* Translators: "12 of 230 processes" */
    text = g_strdup_printf (ngettext ("%u of %u process", "%u of %u processes", total), shown, total);

  gtk_label_set_label (self->count_label, text);
}

void
porthole_processes_page_set_search (PortholeProcessesPage *self,
                                    const char            *text)
{
  g_return_if_fail (PORTHOLE_IS_PROCESSES_PAGE (self));

  /* Typed, or set from outside: the entry shows it either way. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");

  g_free (self->search);
  self->search = text && *text ? g_utf8_casefold (text, -1) : NULL;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);
}

static void
search_changed_cb (PortholeProcessesPage *self,
                   GtkSearchEntry        *entry)
{
  porthole_processes_page_set_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
update_actions (PortholeProcessesPage *self)
{
  gboolean selected = porthole_processes_page_get_selected (self) != NULL;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "kill")),
                               selected && porthole_page_get_running (PORTHOLE_PAGE (self)));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "details")),
                               selected);
}

static gboolean
is_still_sorted (PortholeProcessesPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GListModel *model = G_LIST_MODEL (self->sorted);
  g_autoptr(GObject) previous = NULL;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (previous != NULL && gtk_sorter_compare (sorter, previous, item) == GTK_ORDERING_LARGER)
        return FALSE;
      g_set_object (&previous, item);
    }

  return TRUE;
}

static void
apply_listing (PortholeProcessesPage *self,
               JsonArray             *processes)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean appended = FALSE;
  guint n, run_end;

  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonNode *node = json_array_get_element (processes, i);
      JsonObject *process = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 pid = process ? json_object_get_int_member_with_default (process, "pid", 0) : 0;
      PortholeProcessItem *item;

      if (pid <= 0 || g_hash_table_contains (seen, &pid))
        continue;
      g_hash_table_add (seen, g_memdup2 (&pid, sizeof pid));

      item = g_hash_table_lookup (self->by_pid, &pid);
      if (item == NULL)
        {
          item = porthole_process_item_new (pid);
          g_ptr_array_add (added, item);
        }
      porthole_process_item_update (item, process);
    }

  for (guint i = 0; i < added->len; i++)
    {
      PortholeProcessItem *item = g_ptr_array_index (added, i);
      gint64 *key = g_new (gint64, 1);

      *key = porthole_process_item_get_pid (item);
      g_hash_table_insert (self->by_pid, key, item);
    }

  /* Ended processes go in runs, from the end so positions stay valid;
   * new ones are appended. Each splice is an items-changed the column
   * view follows, keeping its rows and its anchor; the short-lived
   * processes are the newest, at the end of the store, so most of the
   * churn is one splice that also brings the new ones. (One splice of
   * the whole store would be fewer signals, but GTK 4.8's list view
   * loses its scroll anchor on it.) */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  run_end = n;
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PortholeProcessItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i - 1);
      gint64 pid = porthole_process_item_get_pid (item);

      if (!g_hash_table_contains (seen, &pid))
        {
          g_hash_table_remove (self->by_pid, &pid);
          continue;
        }

      /* Item i - 1 stays: items i .. run_end - 1 ended. */
      if (i < run_end)
        {
          g_list_store_splice (self->store, i, run_end - i,
                               run_end == n ? added->pdata : NULL, run_end == n ? added->len : 0);
          appended |= run_end == n;
        }
      run_end = i - 1;
    }
  if (run_end > 0)
    {
      g_list_store_splice (self->store, 0, run_end,
                           run_end == n ? added->pdata : NULL, run_end == n ? added->len : 0);
      appended |= run_end == n;
    }
  if (!appended && added->len > 0)
    g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                         added->pdata, added->len);

  if (!is_still_sorted (self))
    {
      self->resorting = TRUE;
      gtk_sorter_changed (gtk_column_view_get_sorter (self->column_view), GTK_SORTER_CHANGE_DIFFERENT);
      self->resorting = FALSE;
    }
}

static gboolean
on_refresh_timeout (gpointer user_data)
{
  PortholeProcessesPage *self = user_data;

  self->refresh_id = 0;
  refresh (self);

  return G_SOURCE_REMOVE;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PortholeProcessesPage) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *processes;

  reply = porthole_client_list_processes_finish (PORTHOLE_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->refresh_cancellable);

  if (reply != NULL && (processes = json_object_get_member (reply, "processes")) != NULL &&
      JSON_NODE_HOLDS_ARRAY (processes))
    {
      apply_listing (self, json_node_get_array (processes));
      self->n_refreshes++;
      g_clear_pointer (&self->last_error, g_free);
      update_count (self);
      update_actions (self);
    }
  else if (error != NULL && error->domain == PORTHOLE_CLIENT_ERROR &&
           g_strcmp0 (self->last_error, error->message) != 0)
    {
      /* Say it once, not every refresh. Transport failures are the
       * sandbox's health check's to report. */
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The process list did not come"), error);
    }

  if (porthole_page_get_running (PORTHOLE_PAGE (self)))
    self->refresh_id = g_timeout_add_seconds (g_settings_get_uint (self->settings, "processes-interval"),
                                              on_refresh_timeout, self);
}

static void
refresh (PortholeProcessesPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));
  GCancellable *cancellable = porthole_page_get_cancellable (PORTHOLE_PAGE (self));

  if (sandbox == NULL || cancellable == NULL || self->refresh_cancellable != NULL)
    return;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_cancellable = g_object_ref (cancellable);
  porthole_client_list_processes_async (porthole_sandbox_get_client (sandbox), NULL, NULL, 0, cancellable,
                                        list_cb, g_object_ref (self));
}

static void
porthole_processes_page_start (PortholePage    *page,
                               PortholeSandbox *sandbox,
                               GCancellable    *cancellable)
{
  PortholeProcessesPage *self = PORTHOLE_PROCESSES_PAGE (page);

  if (self->shown_sandbox != sandbox)
    {
      g_hash_table_remove_all (self->by_pid);
      g_list_store_remove_all (self->store);
      self->shown_sandbox = sandbox;
      update_count (self);
    }

  refresh (self);
  update_actions (self);
}

static void
porthole_processes_page_stop (PortholePage *page)
{
  PortholeProcessesPage *self = PORTHOLE_PROCESSES_PAGE (page);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->refresh_cancellable);
  if (self->shown_sandbox != porthole_page_get_sandbox (page))
    self->shown_sandbox = NULL;
  update_actions (self);
}

/* Actions */

static void
kill_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PortholeProcessesPage) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = porthole_client_kill_process_finish (PORTHOLE_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The process was not ended"), error);
      return;
    }

  porthole_page_show_toast (PORTHOLE_PAGE (self), _("Process ended"));
  refresh (self);
}

static void
kill_answer (PortholePage *page,
             gpointer      pid)
{
  PortholeProcessesPage *self = PORTHOLE_PROCESSES_PAGE (page);
  PortholeSandbox *sandbox = porthole_page_get_sandbox (page);
  g_autofree char *id = NULL;

  if (sandbox == NULL || !porthole_page_get_running (page))
    return;

  /* Not the page's cancellable: the user asked for this once, and hears
   * how it went even if the page paused meanwhile (a slow health check
   * stops the pages; the callback holds the page). */
  id = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) GPOINTER_TO_SIZE (pid));
  porthole_client_kill_process_async (porthole_sandbox_get_client (sandbox), id, NULL,
                                      kill_cb, g_object_ref (self));
}

static void
kill_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeProcessesPage *self = user_data;
  PortholeProcessItem *item = porthole_processes_page_get_selected (self);
  g_autofree char *heading = NULL;

  if (item == NULL)
    return;

  /* Translators: the process name, then its pid. (%lld, not
   * G_GINT64_FORMAT: xgettext cuts a msgid at a macro.) */
  heading = g_strdup_printf (_("End “%s” (%lld)?"),
                             porthole_process_item_get_name (item),
                             (long long) porthole_process_item_get_pid (item));
  porthole_page_ask (PORTHOLE_PAGE (self), heading,
                     _("The process and its process group get SIGTERM, "
                       "then SIGKILL two seconds later if they are still there."),
                     "kill", _("_End Process"), ADW_RESPONSE_DESTRUCTIVE,
                     kill_answer, GSIZE_TO_POINTER (porthole_process_item_get_pid (item)), NULL);
}

static void
details_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  PortholeProcessesPage *self = user_data;
  PortholeProcessItem *item = porthole_processes_page_get_selected (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *started = NULL;
  g_autofree char *memory = NULL;
  GtkWidget *dialog;
  GtkWidget *command;

  if (item == NULL)
    return;

  heading = g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", porthole_process_item_get_name (item),
                             porthole_process_item_get_pid (item));
  started = format_started (porthole_process_item_get_started (item));
  memory = g_format_size ((guint64) (porthole_process_item_get_memory_mb (item) * 1024 * 1024));
  body = g_strdup_printf (_("Status: %s\nUser: %s\nParent: %lld\nStarted: %s\n"
                            "CPU: %.1f %%\nMemory: %s (%.1f %%)\nThreads: %lld%s%s"),
                          porthole_process_item_get_status (item),
                          porthole_process_item_get_user (item),
                          (long long) porthole_process_item_get_ppid (item),
                          started,
                          porthole_process_item_get_cpu (item),
                          memory, porthole_process_item_get_memory_percent (item),
                          (long long) porthole_process_item_get_threads (item),
                          porthole_process_item_get_process_id (item) ? _("\nportholed run: ") : "",
                          porthole_process_item_get_process_id (item) ? porthole_process_item_get_process_id (item) : "");

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  command = gtk_label_new (porthole_process_item_get_command (item));
  gtk_label_set_selectable (GTK_LABEL (command), TRUE);
  gtk_label_set_wrap (GTK_LABEL (command), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (command), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (command), 0);
  gtk_widget_add_css_class (command, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), command);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  refresh (PORTHOLE_PROCESSES_PAGE (user_data));
}

static void
search_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  PortholeProcessesPage *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
row_activated_cb (PortholeProcessesPage *self,
                  guint                  position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  details_action (NULL, NULL, self);
}

static const GActionEntry page_actions[] = {
  { "kill", kill_action },
  { "details", details_action },
  { "refresh", refresh_action },
  { "search", search_action },
};

static void
porthole_processes_page_dispose (GObject *object)
{
  PortholeProcessesPage *self = (PortholeProcessesPage *)object;

  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  /* The column view empties its sorter as it goes: not a user's sort. */
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_PROCESSES_PAGE);

  G_OBJECT_CLASS (porthole_processes_page_parent_class)->dispose (object);
}

static void
porthole_processes_page_finalize (GObject *object)
{
  PortholeProcessesPage *self = (PortholeProcessesPage *)object;

  g_clear_object (&self->selection);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->by_pid, g_hash_table_unref);
  g_free (self->search);
  g_free (self->last_error);

  G_OBJECT_CLASS (porthole_processes_page_parent_class)->finalize (object);
}

static void
porthole_processes_page_class_init (PortholeProcessesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_processes_page_dispose;
  object_class->finalize = porthole_processes_page_finalize;

  page_class->start = porthole_processes_page_start;
  page_class->stop = porthole_processes_page_stop;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-processes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeProcessesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PortholeProcessesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeProcessesPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, PortholeProcessesPage, column_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "processes.kill", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "processes.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "processes.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "processes.refresh", NULL);
}

static void
porthole_processes_page_init (PortholeProcessesPage *self)
{
  GtkSorter *view_sorter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  self->by_pid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      GtkCustomSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), GINT_TO_POINTER (i));

      self->sorts[i].page = self;
      self->sorts[i].column = i;
      sorter = gtk_custom_sorter_new (compare_items, &self->sorts[i], NULL);

      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      self->view_columns[i] = column;
      g_object_unref (sorter);
      g_object_unref (column);
    }

  self->store = g_list_store_new (PORTHOLE_TYPE_PROCESS_ITEM);
  self->filter = gtk_custom_filter_new (filter_item, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->store), GTK_FILTER (self->filter));
  view_sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered), g_object_ref (view_sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  restore_sort (self);
  g_signal_connect_object (view_sorter, "changed", G_CALLBACK (on_view_sorter_changed), self, G_CONNECT_SWAPPED);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions, G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "processes", G_ACTION_GROUP (self->actions));

  update_count (self);
  update_actions (self);
}

/**
 * porthole_processes_page_get_model:
 *
 * Returns: (transfer none): the rows as shown (filtered, sorted)
 */
GListModel *
porthole_processes_page_get_model (PortholeProcessesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESSES_PAGE (self), NULL);

  return G_LIST_MODEL (self->selection);
}

/**
 * porthole_processes_page_get_column_view:
 *
 * Returns: (transfer none): the column view
 */
GtkColumnView *
porthole_processes_page_get_column_view (PortholeProcessesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESSES_PAGE (self), NULL);

  return self->column_view;
}

/**
 * porthole_processes_page_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected process
 */
PortholeProcessItem *
porthole_processes_page_get_selected (PortholeProcessesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESSES_PAGE (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * porthole_processes_page_select_pid:
 *
 * Returns: %TRUE if a row of @pid is shown and now selected
 */
gboolean
porthole_processes_page_select_pid (PortholeProcessesPage *self,
                                    gint64                 pid)
{
  guint n;

  g_return_val_if_fail (PORTHOLE_IS_PROCESSES_PAGE (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortholeProcessItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (porthole_process_item_get_pid (item) == pid)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * porthole_processes_page_get_n_refreshes:
 *
 * Returns: how many listings arrived since the page was made
 */
guint64
porthole_processes_page_get_n_refreshes (PortholeProcessesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESSES_PAGE (self), 0);

  return self->n_refreshes;
}
