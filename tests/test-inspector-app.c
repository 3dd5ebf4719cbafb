/* test-inspector-app.c — `porthole [URL] [--token-file F]`: help, bad
 * arguments, opening straight into a sandbox, and a second `porthole`
 * handing its URL to the running one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "inspector-test-utils.h"
#include "porthole-sandbox-list.h"

static const char *
inspector_path (void)
{
  const char *path = g_getenv ("PORTHOLE_INSPECTOR");

  g_assert_nonnull (path);
  return path;
}

static void
run_porthole (const char * const  *args,
              int                 *status,
              char               **out,
              char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) inspector_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, status, &error);
  g_assert_no_error (error);
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  run_porthole ((const char *[]) { "--help", NULL }, &status, &out, &err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "[URL]"));
  g_assert_nonnull (strstr (out, "--token-file=FILE"));
  g_assert_nonnull (strstr (out, "porthole://"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  run_porthole ((const char *[]) { "--version", NULL }, &status, &out, &err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "porthole " PACKAGE_VERSION "\n"));
}

static void
test_bad_arguments (void)
{
  struct {
    const char *args[4];
    const char *message;
  } cases[] = {
    { { "gopher://nowhere", NULL }, "gopher://nowhere: Not a porthole:// URI or an agent URL" },
    { { "--token-file", "/nonexistent/token", NULL }, "--token-file needs the URL of a sandbox" },
    { { "http://127.0.0.1:1", "--token-file", "/nonexistent/token", NULL }, "/nonexistent/token: " },
    { { "http://127.0.0.1:1", "http://127.0.0.1:2", NULL }, "Give one URL at most" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      run_porthole (cases[i].args, &status, &out, &err);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, cases[i].message));
    }
}

typedef struct
{
  PortholeApplication *app;
  PortholeTestDaemon *daemon;
  char *second_uri;
  gboolean done;
  GSubprocess *second;
  gboolean second_exited;
  gboolean second_succeeded;
} OpenTest;

static void
second_exited_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OpenTest *test = user_data;

  test->second_succeeded = g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, NULL);
  test->second_exited = TRUE;
}

static gboolean
check_opened (gpointer user_data)
{
  OpenTest *test = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (test->app));
  PortholeSandboxList *list = porthole_application_get_sandbox_list (test->app);
  PortholeSandbox *sandbox;
  g_autoptr(GError) error = NULL;

  if (!PORTHOLE_IS_WINDOW (window) || (sandbox = porthole_window_get_sandbox (PORTHOLE_WINDOW (window))) == NULL)
    return G_SOURCE_CONTINUE;

  /* First: the command line of this process, with its token file. */
  if (test->second == NULL)
    {
      if (!porthole_sandbox_is_online (sandbox))
        return G_SOURCE_CONTINUE;

      g_assert_cmpstr (porthole_sandbox_get_url (sandbox), ==, test->daemon->url);
      g_assert_cmpstr (porthole_sandbox_get_token (sandbox), ==, test->daemon->token);

      /* Then a second `porthole` with a porthole:// link: it hands it
       * over to this one (single instance) and exits. */
      test->second = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, inspector_path (), test->second_uri, NULL);
      g_assert_no_error (error);
      /* Not a blocking wait: its exit status comes from this process's
       * main loop (the command line's D-Bus reply). */
      g_subprocess_wait_check_async (test->second, NULL, second_exited_cb, test);
      return G_SOURCE_CONTINUE;
    }

  /* The same agent: the same sandbox, renamed by the link. */
  if (g_strcmp0 (porthole_sandbox_get_name (sandbox), "Second") != 0 || !test->second_exited)
    return G_SOURCE_CONTINUE;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (porthole_sandbox_is_online (sandbox));

  g_assert_true (test->second_succeeded);

  test->done = TRUE;
  gtk_window_close (window);

  return G_SOURCE_REMOVE;
}

static void
test_open_from_command_line (void)
{
  OpenTest test = { 0 };
  g_autofree char *token_file = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[5];
  int status;

  test.daemon = porthole_test_daemon_new (NULL);
  token_file = g_build_filename (test.daemon->tmpdir, "token", NULL);
  g_file_set_contents (token_file, test.daemon->token, -1, &error);
  g_assert_no_error (error);
  test.second_uri = g_strdup_printf ("porthole://127.0.0.1:%u/?token=%s&name=Second", test.daemon->port,
                                     test.daemon->token);

  argv[0] = "porthole";
  argv[1] = test.daemon->url;
  argv[2] = "--token-file";
  argv[3] = token_file;
  argv[4] = NULL;

  /* The application as main() runs it, in this process: it opens the
   * window straight into the sandbox, and quits when it is closed. */
  test.app = porthole_application_new ();
  g_timeout_add (50, check_opened, &test);
  status = g_application_run (G_APPLICATION (test.app), 4, (char **) argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (test.done);

  g_clear_object (&test.second);
  g_clear_object (&test.app);
  g_free (test.second_uri);
  porthole_test_daemon_free (test.daemon);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

  /* Separate processes first: this one becomes the registered instance. */
  g_test_add_func ("/inspector/app/help", test_help);
  g_test_add_func ("/inspector/app/bad-arguments", test_bad_arguments);
  g_test_add_func ("/inspector/app/open-from-command-line", test_open_from_command_line);

  return g_test_run ();
}
