/* test-inspector-processes.c — the Processes page against the real
 * daemon: processes the test starts show up, refreshes keep selection
 * and scroll position, End Process ends them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <X11/keysym.h>

#include "inspector-test-utils.h"
#include "porthole-processes-page.h"

typedef struct
{
  PortholeTestDaemon *daemon;
  PortholeWindow *window;
  PortholeProcessesPage *page;
  PortholeSandbox *sandbox;
  GPtrArray *sleepers;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->daemon = porthole_test_daemon_new (NULL);
  fixture->window = porthole_inspector_test_window_new ();
  porthole_window_show_page (fixture->window, "processes");
  fixture->page = PORTHOLE_PROCESSES_PAGE (porthole_window_get_page (fixture->window, "processes"));
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url,
                                                          fixture->daemon->token, "Processes test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (porthole_processes_page_get_n_refreshes (fixture->page) > 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; fixture->sleepers && i < fixture->sleepers->len; i++)
    {
      g_subprocess_force_exit (g_ptr_array_index (fixture->sleepers, i));
      g_subprocess_wait (g_ptr_array_index (fixture->sleepers, i), NULL, NULL);
    }
  g_clear_pointer (&fixture->sleepers, g_ptr_array_unref);
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_daemon_free (fixture->daemon);
}

/* Where the process @pid is in the list, or G_MAXUINT. */
static guint
position_of (Fixture *fixture,
             gint64   pid)
{
  GListModel *model = porthole_processes_page_get_model (fixture->page);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PortholeProcessItem) item = g_list_model_get_item (model, i);

      if (porthole_process_item_get_pid (item) == pid)
        return i;
    }

  return G_MAXUINT;
}

static PortholeProcessItem *
find_pid (Fixture *fixture,
          gint64   pid)
{
  guint position = position_of (fixture, pid);
  g_autoptr(PortholeProcessItem) item = NULL;

  if (position == G_MAXUINT)
    return NULL;

  /* The store keeps it alive. */
  item = g_list_model_get_item (porthole_processes_page_get_model (fixture->page), position);
  return item;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Forty sleeps, gone with the test whatever happens to it. */
static void
start_sleepers (Fixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->sleepers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GError) error = NULL;
      GSubprocess *sleeper = g_subprocess_launcher_spawn (launcher, &error, "sleep", "3600", NULL);

      g_assert_no_error (error);
      g_ptr_array_add (fixture->sleepers, sleeper);
    }
}

static guint
count_named (Fixture    *fixture,
             const char *name)
{
  GListModel *model = porthole_processes_page_get_model (fixture->page);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PortholeProcessItem) item = g_list_model_get_item (model, i);

      n += g_strcmp0 (porthole_process_item_get_name (item), name) == 0;
    }

  return n;
}

static AdwMessageDialog *
message_dialog (void)
{
  return (AdwMessageDialog *) porthole_inspector_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
}

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *exited = TRUE;
}

static void
test_list_and_kill (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSubprocess) sleeper = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  AdwMessageDialog *dialog;
  gboolean exited = FALSE;
  gint64 pid;

  sleeper = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sleep", "3600", NULL);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (sleeper));
  g_subprocess_wait_async (sleeper, NULL, on_exited, &exited);

  PORTHOLE_INSPECTOR_WAIT (find_pid (fixture, pid) != NULL);
  g_assert_cmpstr (porthole_process_item_get_name (find_pid (fixture, pid)), ==, "sleep");
  g_assert_cmpstr (porthole_process_item_get_command (find_pid (fixture, pid)), ==, "sleep 3600");
  g_assert_true (porthole_processes_page_select_pid (fixture->page, pid));
  g_assert_true (porthole_processes_page_get_selected (fixture->page) == find_pid (fixture, pid));

  /* The picture shows the test's processes, not the whole machine's. */
  porthole_processes_page_set_search (fixture->page, "sleep");
  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-processes.png");
  porthole_processes_page_set_search (fixture->page, NULL);

  /* End Process asks first; cancelling does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "processes.kill", NULL));
  PORTHOLE_INSPECTOR_WAIT ((dialog = message_dialog ()) != NULL);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  porthole_inspector_test_spin (500);
  g_assert_false (exited);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "processes.kill", NULL));
  PORTHOLE_INSPECTOR_WAIT ((dialog = message_dialog ()) != NULL);
  adw_message_dialog_response (dialog, "kill");
  gtk_window_destroy (GTK_WINDOW (dialog));

  PORTHOLE_INSPECTOR_WAIT (exited);
  g_assert_true (g_subprocess_get_if_signaled (sleeper));
  g_assert_cmpint (g_subprocess_get_term_sig (sleeper), ==, SIGTERM);
  PORTHOLE_INSPECTOR_WAIT (find_pid (fixture, pid) == NULL);
  g_assert_null (porthole_processes_page_get_selected (fixture->page));
  /* Said once the daemon answered (the row may go first). */
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (porthole_window_get_last_toast (fixture->window), "Process ended") == 0);
}

/* Where @item's row is, in pixels from the top of the view. */
static double
row_offset (Fixture       *fixture,
            GtkAdjustment *adjustment,
            gpointer       item)
{
  GListModel *model = porthole_processes_page_get_model (fixture->page);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (model, i);

      if (row == item)
        return i * (gtk_adjustment_get_upper (adjustment) / n) - gtk_adjustment_get_value (adjustment);
    }

  g_assert_not_reached ();
}

static void
test_refresh_in_place (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkColumnView *view = porthole_processes_page_get_column_view (fixture->page);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GListModel *model = porthole_processes_page_get_model (fixture->page);
  g_autoptr(PortholeProcessItem) selected = NULL;
  guint64 refreshes;
  double before, after;

  start_sleepers (fixture);

  /* Only the sleeps: a list nothing else on the machine changes,
   * while everything else refreshes underneath. */
  porthole_processes_page_set_search (fixture->page, "sleep 3600");
  PORTHOLE_INSPECTOR_WAIT (g_list_model_get_n_items (model) >= 40);
  g_assert_cmpuint (count_named (fixture, "sleep"), ==, g_list_model_get_n_items (model));

  /* A row in the middle, and the scroll position. */
  selected = g_list_model_get_item (model, 20);
  g_assert_true (porthole_processes_page_select_pid (fixture->page, porthole_process_item_get_pid (selected)));
  PORTHOLE_INSPECTOR_WAIT (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 100);
  gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment)) / 2);
  porthole_inspector_test_spin (200);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  before = row_offset (fixture, adjustment, selected);

  /* Two refreshes later: the same object is selected (updated in
   * place, not replaced) and its row is where it was on the screen. */
  refreshes = porthole_processes_page_get_n_refreshes (fixture->page);
  PORTHOLE_INSPECTOR_WAIT (porthole_processes_page_get_n_refreshes (fixture->page) >= refreshes + 2);
  porthole_inspector_test_spin (200);
  g_assert_true (porthole_processes_page_get_selected (fixture->page) == selected);
  after = row_offset (fixture, adjustment, selected);
  g_test_message ("Selected row %.1f px from the top before two refreshes, %.1f after", before, after);
  g_assert_cmpfloat (ABS (after - before), <=, 1);

  porthole_processes_page_set_search (fixture->page, NULL);
}

static void
test_daemon_runs_marked (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(PortholeTestResponse) response = NULL;
  const char *process_id;
  gint64 pid;

  response = porthole_test_request (fixture->daemon, "POST", "/commands/background", NULL,
                                    "{\"command\": \"sleep 3600\"}");
  g_assert_cmpuint (response->status, ==, 200);
  process_id = json_object_get_string_member (response->json, "process_id");
  pid = json_object_get_int_member (response->json, "pid");
  g_assert_cmpint (pid, >, 0);

  PORTHOLE_INSPECTOR_WAIT (find_pid (fixture, pid) != NULL &&
                           porthole_process_item_get_process_id (find_pid (fixture, pid)) != NULL);
  g_assert_cmpstr (porthole_process_item_get_process_id (find_pid (fixture, pid)), ==, process_id);

  /* Ended through the daemon's own run id. */
  g_assert_true (porthole_processes_page_select_pid (fixture->page, pid));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "processes.kill", NULL));
  PORTHOLE_INSPECTOR_WAIT (message_dialog () != NULL);
  adw_message_dialog_response (message_dialog (), "kill");
  gtk_window_destroy (GTK_WINDOW (message_dialog ()));
  PORTHOLE_INSPECTOR_WAIT (find_pid (fixture, pid) == NULL);
}

static void
test_sorting (Fixture       *fixture,
              gconstpointer  data)
{
  GtkColumnView *view = porthole_processes_page_get_column_view (fixture->page);
  GListModel *columns = gtk_column_view_get_columns (view);
  GListModel *model = porthole_processes_page_get_model (fixture->page);
  g_autoptr(GtkColumnViewColumn) pid_column = g_list_model_get_item (columns, 0);
  g_autoptr(GtkColumnViewColumn) cpu_column = g_list_model_get_item (columns, 3);
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);

  /* The default, and what the page records of a sort it did not make. */
  g_autofree char *sort = g_settings_get_string (settings, "processes-sort");

  g_assert_cmpstr (sort, ==, "started:descending");

  gtk_column_view_sort_by_column (view, cpu_column, GTK_SORT_DESCENDING);
  g_free (sort);
  sort = g_settings_get_string (settings, "processes-sort");
  g_assert_cmpstr (sort, ==, "cpu:descending");
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PortholeProcessItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr(PortholeProcessItem) b = g_list_model_get_item (model, i);

      g_assert_cmpfloat (porthole_process_item_get_cpu (a), >=, porthole_process_item_get_cpu (b));
    }

  gtk_column_view_sort_by_column (view, pid_column, GTK_SORT_ASCENDING);
  g_free (sort);
  sort = g_settings_get_string (settings, "processes-sort");
  g_assert_cmpstr (sort, ==, "pid:ascending");
  /* Kept across refreshes. */
  PORTHOLE_INSPECTOR_WAIT (porthole_processes_page_get_n_refreshes (fixture->page) >= 2);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PortholeProcessItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr(PortholeProcessItem) b = g_list_model_get_item (model, i);

      g_assert_cmpint (porthole_process_item_get_pid (a), <, porthole_process_item_get_pid (b));
    }

  g_settings_reset (settings, "processes-sort");
}


/* Activating a row (what a double click or Return does) shows the full
 * command line and the status. */
static void
test_details (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GSubprocess) sleeper = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_heading = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *command;
  gint64 pid;

  sleeper = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sleep", "3599", "1", NULL);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (sleeper));
  PORTHOLE_INSPECTOR_WAIT (find_pid (fixture, pid) != NULL);

  g_signal_emit_by_name (porthole_processes_page_get_column_view (fixture->page), "activate",
                         position_of (fixture, pid));
  PORTHOLE_INSPECTOR_WAIT ((dialog = message_dialog ()) != NULL);
  g_assert_true (porthole_processes_page_get_selected (fixture->page) == find_pid (fixture, pid));

  expected_heading = g_strdup_printf ("sleep (%" G_GINT64_FORMAT ")", pid);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, expected_heading);
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), "Status: "));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Threads: 1"));
  command = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_LABEL (command));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (command)), ==, "sleep 3599 1");

  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_subprocess_force_exit (sleeper);
  g_assert_true (g_subprocess_wait (sleeper, NULL, NULL));
}

static gboolean
page_active (Fixture    *fixture,
             const char *name)
{
  return porthole_page_get_active (PORTHOLE_PAGE (porthole_window_get_page (fixture->window, name)));
}

/* The switcher drives every page of the window's view stack: only the
 * visible one runs, and Alt+<n> picks the n-th (real keys, through GTK). */
static void
test_page_switcher (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(GStrv) names = porthole_window_get_page_names (fixture->window);
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  g_autofree char *visible = NULL;
  guint refreshes;

  g_assert_cmpuint (g_strv_length (names), ==, 7);
  g_assert_cmpstr (names[0], ==, "screen");
  g_assert_cmpstr (names[1], ==, "processes");
  g_assert_cmpstr (names[2], ==, "files");
  g_assert_cmpstr (names[3], ==, "run");
  g_assert_cmpstr (names[4], ==, "terminal");
  g_assert_cmpstr (names[5], ==, "metrics");
  g_assert_cmpstr (names[6], ==, "windows");
  g_assert_true (page_active (fixture, "processes"));
  g_assert_false (page_active (fixture, "screen"));

  /* The keyboard goes where the pointer is (no window manager). */
  porthole_inspector_test_wait_stable (GTK_WIDGET (fixture->window));
  porthole_inspector_test_pointer (GTK_WIDGET (fixture->window), 20, 20);
  porthole_inspector_test_spin (50);

  porthole_inspector_test_key_event (XK_Alt_L, TRUE);
  porthole_inspector_test_key (XK_1);
  porthole_inspector_test_key_event (XK_Alt_L, FALSE);
  PORTHOLE_INSPECTOR_WAIT (page_active (fixture, "screen"));
  g_assert_false (page_active (fixture, "processes"));
  visible = g_settings_get_string (settings, "visible-page");
  g_assert_cmpstr (visible, ==, "screen");

  /* A hidden page does no network work: no refresh while it is hidden. */
  refreshes = porthole_processes_page_get_n_refreshes (fixture->page);
  porthole_inspector_test_spin (2500);
  g_assert_cmpuint (porthole_processes_page_get_n_refreshes (fixture->page), ==, refreshes);

  /* Past the last page: nothing changes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page-at", "u", 8));
  g_assert_true (page_active (fixture, "screen"));

  porthole_inspector_test_key_event (XK_Alt_L, TRUE);
  porthole_inspector_test_key (XK_2);
  porthole_inspector_test_key_event (XK_Alt_L, FALSE);
  PORTHOLE_INSPECTOR_WAIT (page_active (fixture, "processes"));
  g_assert_false (page_active (fixture, "screen"));
  PORTHOLE_INSPECTOR_WAIT (porthole_processes_page_get_n_refreshes (fixture->page) > refreshes);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/processes/list-and-kill", test_list_and_kill);
  ADD ("/inspector/processes/refresh-in-place", test_refresh_in_place);
  ADD ("/inspector/processes/daemon-runs-marked", test_daemon_runs_marked);
  ADD ("/inspector/processes/sorting", test_sorting);
  ADD ("/inspector/processes/page-switcher", test_page_switcher);
  ADD ("/inspector/processes/details", test_details);
#undef ADD

  return g_test_run ();
}
