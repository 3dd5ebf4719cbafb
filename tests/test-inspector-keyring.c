/* test-inspector-keyring.c — tokens in a real Secret Service:
 * gnome-keyring-daemon on the private session bus dbus-run-session gives
 * this test (no SECRET_BACKEND here)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "inspector-test-utils.h"
#include "porthole-sandbox-list.h"

static gboolean have_keyring;

static char *
secret_tool_lookup (const char *sandbox_id)
{
  const char *argv[] = { "secret-tool", "lookup", "sandbox-id", sandbox_id, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);

  return g_spawn_check_wait_status (status, NULL) ? g_steal_pointer (&out) : NULL;
}

static void
test_tokens_in_gnome_keyring (void)
{
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) sandboxes = NULL;
  g_autoptr(PortholeTokenStore) store = NULL;
  g_autoptr(PortholeSandboxList) reloaded = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *settings_text = NULL;
  g_autofree char *id = NULL;
  PortholeSandboxList *list;
  PortholeWindow *window;
  PortholeSandbox *sandbox;
  PortholeSandbox *again;

  if (!have_keyring)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  daemon = porthole_test_daemon_new (NULL);
  window = porthole_inspector_test_window_new ();
  list = porthole_application_get_sandbox_list (porthole_inspector_test_get_app ());

  sandbox = porthole_inspector_test_add_sandbox (window, daemon->url, daemon->token, "In the keyring");
  porthole_inspector_test_wait_state (sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_list_get_n_pending (list) == 0);
  id = g_strdup (porthole_sandbox_get_id (sandbox));

  /* Another Secret Service client finds it (libsecret-tools). */
  stored = secret_tool_lookup (id);
  g_assert_cmpstr (stored, ==, daemon->token);

  /* And nothing of it is in the settings. */
  settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  sandboxes = g_settings_get_value (settings, "sandboxes");
  settings_text = g_variant_print (sandboxes, FALSE);
  g_assert_null (strstr (settings_text, daemon->token));

  /* The next start reads it back. */
  store = porthole_token_store_new ();
  reloaded = porthole_sandbox_list_new (settings, store);
  porthole_sandbox_list_load (reloaded);
  again = porthole_sandbox_list_find (reloaded, id);
  g_assert_nonnull (again);
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_has_token (again));
  g_assert_cmpstr (porthole_sandbox_get_token (again), ==, daemon->token);
  g_object_run_dispose (G_OBJECT (reloaded));

  /* Removing the sandbox removes the secret. */
  porthole_inspector_test_remove_all ();
  g_clear_pointer (&stored, g_free);
  stored = secret_tool_lookup (id);
  g_assert_null (stored);

  porthole_inspector_test_window_close (window);
}

int
main (int    argc,
      char **argv)
{
  /* No SECRET_BACKEND in this test's environment: the inspector test
   * setup starts gnome-keyring-daemon (in the private XDG directories). */
  porthole_inspector_test_init (&argc, &argv);
  have_keyring = g_getenv ("GNOME_KEYRING_CONTROL") != NULL;

  g_test_add_func ("/inspector/keyring/tokens-in-gnome-keyring", test_tokens_in_gnome_keyring);

  return g_test_run ();
}
