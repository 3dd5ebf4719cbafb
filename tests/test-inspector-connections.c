/* test-inspector-connections.c — sandboxes in the sidebar: health in
 * plain words, bad tokens, a daemon that goes away and comes back,
 * tokens kept out of GSettings, connections dropped or opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "inspector-test-utils.h"
#include "porthole-auth.h"
#include "porthole-connection-dialog.h"
#include "porthole-processes-page.h"
#include "porthole-sandbox-list.h"
#include "porthole-sandbox-row.h"
#include "porthole-screen-page.h"

typedef struct
{
  PortholeTestDaemon *daemon;
  PortholeWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->daemon = porthole_test_daemon_new (NULL);
  fixture->window = porthole_inspector_test_window_new ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_daemon_free (fixture->daemon);
}

static PortholeSandboxList *
sandbox_list (void)
{
  return porthole_application_get_sandbox_list (porthole_inspector_test_get_app ());
}

/* The sidebar row of @sandbox. */
static PortholeSandboxRow *
find_row (Fixture         *fixture,
          PortholeSandbox *sandbox)
{
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (fixture->window)); child != NULL;)
    {
      if (PORTHOLE_IS_SANDBOX_ROW (child) && porthole_sandbox_row_get_sandbox (PORTHOLE_SANDBOX_ROW (child)) == sandbox)
        return PORTHOLE_SANDBOX_ROW (child);

      /* Depth first through the whole window. */
      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
            {
              child = gtk_widget_get_parent (child);
              if (child == GTK_WIDGET (fixture->window))
                return NULL;
            }
          if (child != NULL)
            child = gtk_widget_get_next_sibling (child);
        }
    }

  return NULL;
}

static void
test_online_row (Fixture       *fixture,
                 gconstpointer  data)
{
  PortholeSandbox *sandbox;
  g_autofree char *expected = NULL;

  sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url, fixture->daemon->token,
                                                 "Online");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "pages");

  /* Version and desktop: this daemon has none (--display=none). */
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_get_desktop (sandbox) == PORTHOLE_DESKTOP_UNAVAILABLE);
  expected = g_strdup_printf ("%s · no desktop", PACKAGE_VERSION);
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (porthole_sandbox_row_get_subtitle (find_row (fixture, sandbox)), expected) == 0);

  /* The Screen page says so instead of trying. */
  porthole_window_show_page (fixture->window, "screen");
  PORTHOLE_INSPECTOR_WAIT (porthole_screen_page_get_mode (PORTHOLE_SCREEN_PAGE (porthole_window_get_page (fixture->window, "screen")))
                           == PORTHOLE_SCREEN_NO_DESKTOP);
}

static void
test_bad_token (Fixture       *fixture,
                gconstpointer  data)
{
  PortholeSandbox *sandbox;
  g_autofree char *png = NULL;

  sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url, "not.a.token", "Bad token");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_TOKEN_INVALID);

  /* Said in plain words, in the page and in the sidebar. */
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "problem");
  g_assert_cmpstr (porthole_sandbox_row_get_subtitle (find_row (fixture, sandbox)), ==, "Token Refused");
  /* /health is public: the version is known all the same. */
  g_assert_cmpstr (porthole_sandbox_get_version (sandbox), ==, PACKAGE_VERSION);

  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-bad-token.png");

  /* Editing the sandbox with the right token mends it. */
  {
    g_autoptr(PortholeConnectionInfo) info = porthole_connection_info_new (fixture->daemon->url, fixture->daemon->token,
                                                                           "Bad token", NULL);

    porthole_sandbox_list_update (sandbox_list (), sandbox, info);
  }
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "pages");
}

static void
test_expired_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expired = NULL;
  PortholeSandbox *sandbox;

  /* Issued two hours ago for ten minutes, with the daemon's own secret
   * (well past the verifier's leeway). */
  secret = porthole_auth_load_secret (fixture->daemon->secret_file, &error);
  g_assert_no_error (error);
  expired = porthole_auth_mint_token (secret, g_get_real_time () / G_USEC_PER_SEC - 7200, 600, NULL, NULL, &error);
  g_assert_no_error (error);

  sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url, expired, "Expired");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_TOKEN_EXPIRED);
  g_assert_cmpstr (porthole_sandbox_row_get_subtitle (find_row (fixture, sandbox)), ==, "Token Expired");
}

static void
test_unreachable_and_back (Fixture       *fixture,
                           gconstpointer  data)
{
  PortholeProcessesPage *processes = PORTHOLE_PROCESSES_PAGE (porthole_window_get_page (fixture->window, "processes"));
  PortholeSandbox *sandbox;
  g_autofree char *png = NULL;
  guint64 refreshes;

  porthole_window_show_page (fixture->window, "processes");
  sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url, fixture->daemon->token,
                                                 "Comes and goes");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (porthole_processes_page_get_n_refreshes (processes) > 0);

  /* The daemon goes away: unreachable, said in the page and the row. */
  porthole_test_daemon_stop (fixture->daemon);
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_UNREACHABLE);
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "problem");
  g_assert_cmpstr (porthole_sandbox_row_get_subtitle (find_row (fixture, sandbox)), ==, "Unreachable");
  g_assert_false (porthole_page_get_running (PORTHOLE_PAGE (processes)));
  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-unreachable.png");

  /* It comes back on the same port: found again by the back-off, and
   * the page runs again without a click. */
  refreshes = porthole_processes_page_get_n_refreshes (processes);
  porthole_test_daemon_restart (fixture->daemon);
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "pages");
  PORTHOLE_INSPECTOR_WAIT (porthole_processes_page_get_n_refreshes (processes) > refreshes);
}

static void
test_tokens_stay_out_of_settings (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  g_autoptr(PortholeTokenStore) store = porthole_token_store_new ();
  g_autoptr(PortholeSandboxList) reloaded = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *token = NULL;
  PortholeSandbox *sandbox;
  PortholeSandbox *again;
  GAsyncResult *slot = NULL;

  sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url, fixture->daemon->token,
                                                 "Keyring");
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_list_get_n_pending (sandbox_list ()) == 0);

  /* GSettings has the id, name and URL, and nothing of the token. */
  value = g_settings_get_value (settings, "sandboxes");
  text = g_variant_print (value, FALSE);
  g_assert_nonnull (strstr (text, fixture->daemon->url));
  g_assert_null (strstr (text, fixture->daemon->token));

  /* The keyring (libsecret's file backend here) has it. */
  porthole_token_store_lookup_async (store, porthole_sandbox_get_id (sandbox), NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  token = porthole_token_store_lookup_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, fixture->daemon->token);

  /* What the next start of Porthole does: read the settings, ask the
   * keyring, and find the sandbox online. */
  reloaded = porthole_sandbox_list_new (settings, store);
  porthole_sandbox_list_load (reloaded);
  again = porthole_sandbox_list_find (reloaded, porthole_sandbox_get_id (sandbox));
  g_assert_nonnull (again);
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_has_token (again));
  g_assert_cmpstr (porthole_sandbox_get_token (again), ==, fixture->daemon->token);
  porthole_inspector_test_wait_state (again, PORTHOLE_SANDBOX_ONLINE);
  g_object_run_dispose (G_OBJECT (reloaded));

  /* Removing forgets the token too. */
  porthole_sandbox_list_remove (sandbox_list (), sandbox);
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_list_get_n_pending (sandbox_list ()) == 0);
  g_clear_object (&result);
  g_clear_pointer (&token, g_free);
  porthole_token_store_lookup_async (store, porthole_sandbox_get_id (again), NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  token = porthole_token_store_lookup_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_null (token);
}

static PortholeConnectionDialog *
connection_dialog (void)
{
  return (PortholeConnectionDialog *) porthole_inspector_test_find_window (PORTHOLE_TYPE_CONNECTION_DIALOG);
}

static void
test_dropped_connections (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *uri = NULL;
  g_autofree char *file = NULL;
  PortholeConnectionDialog *dialog;
  PortholeSandbox *sandbox;
  GtkWidget *token_row;

  /* A porthole:// link (what a text drop or the command line brings). */
  uri = g_strdup_printf ("porthole://127.0.0.1:%u?token=%s&name=Dropped%%20link", fixture->daemon->port,
                         fixture->daemon->token);
  porthole_window_open_connection_data (fixture->window, uri, strlen (uri));
  sandbox = porthole_window_get_sandbox (fixture->window);
  g_assert_nonnull (sandbox);
  g_assert_cmpstr (porthole_sandbox_get_name (sandbox), ==, "Dropped link");
  g_assert_cmpstr (porthole_window_get_last_toast (fixture->window), ==, "Added “Dropped link”");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);

  /* The same agent again: the same sandbox, not a second one. */
  porthole_window_open_connection_data (fixture->window, uri, strlen (uri));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox_list ())), ==, 1);

  /* A connection file without a token: the dialog opens, filled in,
   * and waits for the token. */
  porthole_inspector_test_remove_all ();
  file = g_strdup_printf ("[Porthole Connection]\nURL=%s\nName=From a file\n", fixture->daemon->url);
  porthole_window_open_connection_data (fixture->window, file, strlen (file));
  PORTHOLE_INSPECTOR_WAIT ((dialog = connection_dialog ()) != NULL);
  g_assert_false (porthole_connection_dialog_accept (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox_list ())), ==, 0);

  token_row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), PORTHOLE_TYPE_CONNECTION_DIALOG, "token_row"));
  gtk_editable_set_text (GTK_EDITABLE (token_row), fixture->daemon->token);
  g_assert_true (porthole_connection_dialog_accept (dialog));
  PORTHOLE_INSPECTOR_WAIT (connection_dialog () == NULL);
  sandbox = porthole_window_get_sandbox (fixture->window);
  g_assert_nonnull (sandbox);
  g_assert_cmpstr (porthole_sandbox_get_name (sandbox), ==, "From a file");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);

  /* Not a connection at all: said, nothing added. */
  porthole_window_open_connection_data (fixture->window, "gopher://nowhere", 16);
  g_assert_true (g_str_has_prefix (porthole_window_get_last_toast (fixture->window), "Not a connection"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox_list ())), ==, 1);
}

static GtkEditable *
dialog_row (PortholeConnectionDialog *dialog,
            const char               *name)
{
  return GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), PORTHOLE_TYPE_CONNECTION_DIALOG, name));
}

/* Add by pasting a link (Ctrl+V, real keys), edit (a new name and the
 * right token), remove (asked first): the sidebar's whole life. */
static void
test_add_edit_remove (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *link = NULL;
  PortholeConnectionDialog *dialog;
  AdwMessageDialog *question;
  PortholeSandbox *sandbox;
  GtkEditable *url_row;
  g_autofree char *target = NULL;

  /* A link with a wrong token, pasted into the URL row: it spreads over
   * the rows. */
  link = g_strdup_printf ("porthole://127.0.0.1:%u?token=wrong.token.here&name=Pasted", fixture->daemon->port);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)), link);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-sandbox", NULL));
  PORTHOLE_INSPECTOR_WAIT ((dialog = connection_dialog ()) != NULL);
  url_row = dialog_row (dialog, "url_row");
  porthole_inspector_test_wait_stable (GTK_WIDGET (url_row));
  porthole_inspector_test_pointer (GTK_WIDGET (url_row), 20, 10);
  gtk_widget_grab_focus (GTK_WIDGET (url_row));
  porthole_inspector_test_spin (50);
  porthole_inspector_test_key_event (GDK_KEY_Control_L, TRUE);
  porthole_inspector_test_key (GDK_KEY_v);
  porthole_inspector_test_key_event (GDK_KEY_Control_L, FALSE);
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (gtk_editable_get_text (dialog_row (dialog, "name_row")), "Pasted") == 0);
  g_assert_cmpstr (gtk_editable_get_text (dialog_row (dialog, "token_row")), ==, "wrong.token.here");
  g_assert_cmpstr (gtk_editable_get_text (url_row), ==, fixture->daemon->url);
  /* The rows' animations end before the dialog goes (libadwaita 1.2
   * leaks an AdwEntryRow destroyed in the middle of one). */
  porthole_inspector_test_spin (500);
  g_assert_true (porthole_connection_dialog_accept (dialog));
  PORTHOLE_INSPECTOR_WAIT (connection_dialog () == NULL);

  sandbox = porthole_window_get_sandbox (fixture->window);
  g_assert_nonnull (sandbox);
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_TOKEN_INVALID);

  /* Edit it: the dialog shows what is stored; a new name and token. */
  target = g_strdup (porthole_sandbox_get_id (sandbox));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-sandbox", "s", target));
  PORTHOLE_INSPECTOR_WAIT ((dialog = connection_dialog ()) != NULL);
  g_assert_cmpstr (gtk_editable_get_text (dialog_row (dialog, "url_row")), ==, fixture->daemon->url);
  g_assert_cmpstr (gtk_editable_get_text (dialog_row (dialog, "name_row")), ==, "Pasted");
  gtk_editable_set_text (dialog_row (dialog, "name_row"), "Edited");
  gtk_editable_set_text (dialog_row (dialog, "token_row"), fixture->daemon->token);
  /* The rows' animations end before the dialog goes (libadwaita 1.2
   * leaks an AdwEntryRow destroyed in the middle of one). */
  porthole_inspector_test_spin (500);
  g_assert_true (porthole_connection_dialog_accept (dialog));
  PORTHOLE_INSPECTOR_WAIT (connection_dialog () == NULL);
  g_assert_true (porthole_window_get_sandbox (fixture->window) == sandbox);
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  g_assert_cmpstr (porthole_sandbox_get_name (sandbox), ==, "Edited");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (find_row (fixture, sandbox)),
                                                                                PORTHOLE_TYPE_SANDBOX_ROW,
                                                                                "name_label"))), ==, "Edited");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox_list ())), ==, 1);

  /* Remove asks; "Cancel" keeps it, "Remove" does not. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-sandbox", "s", target));
  PORTHOLE_INSPECTOR_WAIT ((question = (AdwMessageDialog *) porthole_inspector_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  adw_message_dialog_response (question, "cancel");
  gtk_window_destroy (GTK_WINDOW (question));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sandbox_list ())), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-sandbox", "s", target));
  PORTHOLE_INSPECTOR_WAIT ((question = (AdwMessageDialog *) porthole_inspector_test_find_window (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  adw_message_dialog_response (question, "remove");
  gtk_window_destroy (GTK_WINDOW (question));
  PORTHOLE_INSPECTOR_WAIT (g_list_model_get_n_items (G_LIST_MODEL (sandbox_list ())) == 0);
  g_assert_null (porthole_window_get_sandbox (fixture->window));
  g_assert_cmpstr (porthole_window_get_content_name (fixture->window), ==, "empty");
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/connections/online-row", test_online_row);
  ADD ("/inspector/connections/bad-token", test_bad_token);
  ADD ("/inspector/connections/expired-token", test_expired_token);
  ADD ("/inspector/connections/unreachable-and-back", test_unreachable_and_back);
  ADD ("/inspector/connections/tokens-stay-out-of-settings", test_tokens_stay_out_of_settings);
  ADD ("/inspector/connections/dropped-connections", test_dropped_connections);
  ADD ("/inspector/connections/add-edit-remove", test_add_edit_remove);
#undef ADD

  return g_test_run ();
}
