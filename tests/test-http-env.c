/* test-http-env.c — GET/PUT/PATCH/DELETE /env (API.md §6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "porthole-json.h"
#include "test-utils.h"

static JsonObject *
env_call (PortholeTestDaemon *daemon,
          const char         *method,
          const char         *path,
          const char         *body,
          guint               expected_status)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL, body);

  g_assert_cmpuint (r->status, ==, expected_status);
  g_assert_nonnull (r->json);
  return json_object_ref (r->json);
}

static const char *
var (JsonObject *reply,
     const char *name)
{
  JsonObject *vars = json_object_get_object_member (reply, "env_vars");

  g_assert_nonnull (vars);
  return json_object_get_string_member_with_default (vars, name, NULL);
}

static void
assert_view_shape (JsonObject *reply)
{
  JsonObject *vars = json_object_get_object_member (reply, "env_vars");

  g_assert_nonnull (vars);
  g_assert_cmpint (json_object_get_int_member (reply, "count"), ==, json_object_get_size (vars));
  g_assert_nonnull (json_object_get_string_member (reply, "timestamp"));
}

static void
test_get_is_never_empty (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(JsonObject) reply = env_call (daemon, "GET", "/env", NULL, 200);

  assert_view_shape (reply);
  g_assert_cmpint (json_object_get_int_member (reply, "count"), >, 0);
  g_assert_nonnull (var (reply, "HOME"));
  g_assert_nonnull (var (reply, "PATH"));
  /* The daemon's own settings never show (SECURITY.md §6.6): the
   * fixture sets both in the daemon's environment. */
  g_assert_null (var (reply, "PORTHOLE_TEST_MARKER"));
  g_assert_null (var (reply, "G_DEBUG"));
  g_assert_cmpstr (var (reply, "PORTHOLE_VISIBLE_MARKER"), ==, NULL);
  g_assert_cmpstr (var (reply, "TEST_VISIBLE_MARKER"), ==, "visible");
}

static void
test_put_patch_delete (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(JsonObject) put = env_call (daemon, "PUT", "/env", "{\"env_vars\":{\"VAR1\":\"value1\",\"VAR2\":\"value2\"}}", 200);
  g_autoptr(JsonObject) patch = NULL;
  g_autoptr(JsonObject) replaced = NULL;
  g_autoptr(JsonObject) removed = NULL;
  g_autoptr(JsonObject) cleared = NULL;
  g_autoptr(JsonObject) bare = NULL;

  assert_view_shape (put);
  g_assert_true (json_object_get_boolean_member (put, "success"));
  g_assert_cmpstr (var (put, "VAR1"), ==, "value1");
  g_assert_cmpstr (var (put, "VAR2"), ==, "value2");

  /* PATCH merges, values are verbatim (no masking), scalars become text. */
  patch = env_call (daemon, "PATCH", "/env",
                    "{\"env_vars\":{\"API_KEY\":\"sk-secret\",\"N\":42,\"B\":true,\"EMPTY\":\"\"},\"merge\":true}", 200);
  g_assert_cmpstr (var (patch, "VAR1"), ==, "value1");
  g_assert_cmpstr (var (patch, "API_KEY"), ==, "sk-secret");
  g_assert_cmpstr (var (patch, "N"), ==, "42");
  g_assert_cmpstr (var (patch, "B"), ==, "true");
  g_assert_cmpstr (var (patch, "EMPTY"), ==, "");

  /* PUT replaces the managed set; the base stays. */
  replaced = env_call (daemon, "PUT", "/env", "{\"env_vars\":{\"ONLY\":\"1\"}}", 200);
  g_assert_null (var (replaced, "VAR1"));
  g_assert_cmpstr (var (replaced, "ONLY"), ==, "1");
  g_assert_nonnull (var (replaced, "PATH"));

  /* PUT with merge:true merges; a bare map is accepted too. */
  bare = env_call (daemon, "PUT", "/env", "{\"BARE\":\"yes\",\"merge\":true}", 200);
  g_assert_cmpstr (var (bare, "BARE"), ==, "yes");
  g_assert_cmpstr (var (bare, "ONLY"), ==, "1");

  removed = env_call (daemon, "DELETE", "/env?key=ONLY", NULL, 200);
  g_assert_null (var (removed, "ONLY"));
  g_assert_cmpstr (var (removed, "BARE"), ==, "yes");

  cleared = env_call (daemon, "DELETE", "/env", NULL, 200);
  g_assert_null (var (cleared, "BARE"));
  g_assert_nonnull (var (cleared, "PATH"));
}

static void
test_override_base (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(JsonObject) set = env_call (daemon, "PATCH", "/env", "{\"env_vars\":{\"HOME\":\"/elsewhere\"}}", 200);
  g_autoptr(JsonObject) cleared = NULL;

  g_assert_cmpstr (var (set, "HOME"), ==, "/elsewhere");
  cleared = env_call (daemon, "DELETE", "/env", NULL, 200);
  g_assert_cmpstr (var (cleared, "HOME"), !=, "/elsewhere");
  g_assert_nonnull (var (cleared, "HOME"));
}

static void
test_bad_input (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  const struct { const char *method; const char *body; const char *code; } cases[] = {
    { "PUT", "{\"env_vars\":{\"A=B\":\"x\"}}", "INVALID_REQUEST" },
    { "PUT", "{\"env_vars\":{\"\":\"x\"}}", "INVALID_REQUEST" },
    { "PATCH", "{\"env_vars\":\"FOO=bar\"}", "INVALID_REQUEST" },
    { "PATCH", "{\"env_vars\":{\"A\":{\"nested\":1}}}", "INVALID_REQUEST" },
    { "PATCH", "{\"env_vars\":{\"A\":[1]}}", "INVALID_REQUEST" },
    { "PUT", "{}", "MISSING_PARAMETER" },
    { "PATCH", "{\"merge\":true}", "MISSING_PARAMETER" },
    { "PATCH", "{\"env_vars\":{\"A\":\"1\"},\"merge\":\"sometimes\"}", "INVALID_REQUEST" },
    { "PATCH", "{\"env_vars\":{\"A\":\"1\"},\"timestamp\":\"yesterday\"}", "INVALID_REQUEST" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, cases[i].method, "/env", NULL, cases[i].body);

      g_test_message ("%s %s", cases[i].method, cases[i].body);
      porthole_test_assert_error_body (r, 400, cases[i].code);
    }
}

static void
test_stale_change_ignored (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(JsonObject) first = env_call (daemon, "PATCH", "/env", "{\"env_vars\":{\"ORDER\":\"new\"}}", 200);
  g_autoptr(JsonObject) stale = env_call (daemon, "PATCH", "/env",
                                          "{\"env_vars\":{\"ORDER\":\"old\"},\"timestamp\":\"2020-01-01T00:00:00Z\"}", 200);

  g_assert_cmpstr (var (stale, "ORDER"), ==, "new");
}

static void
test_persists_across_restart (void)
{
  g_autoptr(PortholeTestDaemon) first = porthole_test_daemon_new (NULL);
  g_autoptr(PortholeTestDaemon) second = NULL;
  g_autoptr(JsonObject) set = env_call (first, "PATCH", "/env", "{\"env_vars\":{\"SURVIVOR\":\"still here\"}}", 200);
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *tmpdir = g_strdup (first->tmpdir);
  g_autofree char *state_file = g_build_filename (first->state_dir, "env.json", NULL);
  GStatBuf st;

  g_assert_no_errno (g_stat (state_file, &st));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  porthole_test_daemon_stop (first);
  second = porthole_test_daemon_new_full (tmpdir, NULL, TRUE);
  after = env_call (second, "GET", "/env", NULL, 200);
  g_assert_cmpstr (var (after, "SURVIVOR"), ==, "still here");

  /* Both fixtures share the directory; only one may remove it. */
  g_free (first->tmpdir);
  first->tmpdir = porthole_test_make_tmpdir ();
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/env/get-is-never-empty", test_get_is_never_empty);
  g_test_add_func ("/env/put-patch-delete", test_put_patch_delete);
  g_test_add_func ("/env/override-base", test_override_base);
  g_test_add_func ("/env/bad-input", test_bad_input);
  g_test_add_func ("/env/stale-change-ignored", test_stale_change_ignored);
  g_test_add_func ("/env/persists-across-restart", test_persists_across_restart);

  return g_test_run ();
}
