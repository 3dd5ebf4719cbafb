/* porthole-self-test.c
 *
 * `portholed --self-test`, run on an update candidate before it may
 * replace the daemon: in the current directory (a scratch directory), it
 * starts a daemon of its own on an ephemeral loopback port, with a
 * random verification key nobody knows, asks it for /health and /info,
 * checks the answers and stops it. Exit status 0 means the binary loads,
 * serves HTTP and reports its own version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <ftw.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-http-server.h"
#include "porthole-json.h"
#include "porthole-process-ledger.h"
#include "porthole-protocol.h"
#include "porthole-self-test.h"
#include "porthole-version.h"

#define SELF_TEST_TIMEOUT_SECONDS 20

typedef struct
{
  GMainLoop *loop;
  char *failure;
  gboolean done;
} SelfTest;

static gboolean
timeout_cb (gpointer user_data)
{
  SelfTest *test = user_data;

  test->failure = g_strdup ("timed out");
  g_main_loop_quit (test->loop);

  return G_SOURCE_REMOVE;
}

/* GET @path, expecting 200 and a JSON object whose @member is @value. */
static gboolean
check (SoupSession *session,
       guint        port,
       const char  *path,
       const char  *member,
       const char  *value,
       char       **failure)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (body == NULL)
    {
      *failure = g_strdup_printf ("%s: %s", path, error->message);
      return FALSE;
    }

  data = g_bytes_get_data (body, &length);
  node = porthole_json_parse (data, length, NULL);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK || node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      g_strcmp0 (porthole_json_object_get_string (json_node_get_object (node), member), value) != 0)
    {
      *failure = g_strdup_printf ("%s: status %u, expected %s \"%s\"", path,
                                  soup_message_get_status (msg), member, value);
      return FALSE;
    }

  return TRUE;
}

static void
run_checks (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  guint port = GPOINTER_TO_UINT (task_data);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  char *failure = NULL;

  if (check (session, port, PORTHOLE_ROUTE_HEALTH, PORTHOLE_MEMBER_STATUS, PORTHOLE_HEALTH_STATUS_HEALTHY, &failure) &&
      check (session, port, PORTHOLE_ROUTE_INFO, PORTHOLE_MEMBER_VERSION, porthole_version_get (), &failure))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", failure);
  g_free (failure);
}

static void
checks_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SelfTest *test = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    test->failure = g_strdup (error->message);
  test->done = TRUE;
  g_main_loop_quit (test->loop);
}

static gboolean
write_secret (const char  *path,
              GError     **error)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", g_random_int_range (0, 256));

  return g_file_set_contents_full (path, hex->str, hex->len, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

/* What the scratch daemon made goes, so the caller can remove the
 * directory it gave us. */
static void
remove_tree (const char *path)
{
  nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
porthole_self_test_run (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *workspace = g_build_filename (cwd, "self-test-workspace", NULL);
  g_autofree char *state = g_build_filename (cwd, "self-test-state", NULL);
  g_autofree char *secret = g_build_filename (cwd, "self-test-secret", NULL);
  g_autoptr(GKeyFile) settings = g_key_file_new ();
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(PortholeDaemon) daemon = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SelfTest test = { loop, NULL, FALSE };
  guint timeout_id;

  /* Only public routes are asked for: the key is never used. */
  if (!write_secret (secret, &error))
    {
      g_printerr ("portholed self-test: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "listen", "127.0.0.1:0");
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "workspace", workspace);
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "state-dir", state);
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "display", "none");
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "jwt-secret-file", secret);

  if (!(config = porthole_config_new (NULL, settings, &error)) ||
      !porthole_daemon_start ((daemon = porthole_daemon_new (config)), &error))
    {
      g_printerr ("portholed self-test: %s\n", error->message);
      remove_tree (workspace);
      remove_tree (state);
      g_unlink (secret);
      return EXIT_FAILURE;
    }

  /* The checks block, so they run in a thread while the daemon serves. */
  task = g_task_new (NULL, NULL, checks_done, &test);
  g_task_set_task_data (task, GUINT_TO_POINTER (porthole_http_server_get_port (porthole_daemon_get_http_server (daemon))), NULL);
  g_task_run_in_thread (task, run_checks);
  timeout_id = g_timeout_add_seconds (SELF_TEST_TIMEOUT_SECONDS, timeout_cb, &test);
  g_main_loop_run (loop);
  g_clear_handle_id (&timeout_id, g_source_remove);

  /* A timed-out check still holds the task's thread: wait it out. */
  while (!test.done)
    g_main_context_iteration (NULL, TRUE);

  g_signal_connect_swapped (daemon, "stopped", G_CALLBACK (g_main_loop_quit), loop);
  porthole_daemon_stop (daemon);
  g_main_loop_run (loop);
  porthole_process_ledger_close ();

  remove_tree (workspace);
  remove_tree (state);
  g_unlink (secret);

  if (test.failure != NULL)
    {
      g_printerr ("portholed self-test failed: %s\n", test.failure);
      g_free (test.failure);
      return EXIT_FAILURE;
    }

  g_print ("portholed %s: self-test passed\n", porthole_version_get ());
  return EXIT_SUCCESS;
}
