/* test-http-run-as.c — `user=`: children and file operations as an
 * unprivileged user (issue 23, "Files as a target user"; SECURITY.md
 * §6.6 and §7.2)
 *
 * A root daemon runs with --user set to a throwaway system user made for
 * this test (with a supplementary group) and removed at the end. Its
 * commands, programs and terminals must run as that user with exactly
 * its groups, and neither they nor the file routes may read what only
 * root may; what the file routes make belongs to the user, and so does
 * the workspace the daemon made. The daemon itself still reads its key
 * file (every request here carries a token it verifies with it).
 *
 * Needs root (to make the user and to switch to it): skipped otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-utils.h"

/* A group every Debian system has, for the supplementary one. */
#define EXTRA_GROUP "users"

static const char *skip_reason;
static PortholeTestUser *user;
static const char *user_name;
static uid_t user_uid;
static gid_t user_gid;
static gid_t extra_gid;
static PortholeTestDaemon *daemon_under_test;
/* Root's alone (0600), outside every deny list. */
static char *root_file;
/* Root's (0755): only root may write in it. */
static char *root_dir;
/* Root's alone (0700): only root may list it. */
static char *private_dir;

#define SKIP_UNLESS_READY()                     \
  G_STMT_START {                                \
    if (skip_reason != NULL)                    \
      {                                         \
        g_test_skip (skip_reason);              \
        return;                                 \
      }                                         \
  } G_STMT_END

static gboolean
make_user (void)
{
  user = porthole_test_user_new (EXTRA_GROUP);
  if (user == NULL)
    return FALSE;
  user_name = user->name;
  user_uid = user->uid;
  user_gid = user->gid;
  extra_gid = user->extra_gid;
  return TRUE;
}

static char *
ws (const char *relative)
{
  return g_build_filename (daemon_under_test->workspace, relative, NULL);
}

static void
assert_owner (const char *path)
{
  porthole_test_assert_owned_by (path, user);
}

/* POST /commands/run of @command; its stdout, and its exit code. */
static char *
run_command (const char *command,
             gint64     *exit_code)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PortholeTestResponse) response = NULL;

  json_object_set_string_member (body, "command", command);
  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  response = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL, text);
  g_assert_cmpuint (response->status, ==, 200);
  *exit_code = json_object_get_int_member (response->json, "exit_code");
  return g_strdup (json_object_get_string_member (response->json, "stdout"));
}

/* What `id -u; id -g; id -G` prints for the user. */
static char *
expected_ids (void)
{
  return extra_gid != user_gid ? g_strdup_printf ("%u\n%u\n%u %u\n", user_uid, user_gid, user_gid, extra_gid)
                               : g_strdup_printf ("%u\n%u\n%u\n", user_uid, user_gid, user_gid);
}

static void
test_command (void)
{
  g_autofree char *ids = NULL;
  g_autofree char *env = NULL;
  g_autofree char *denied = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_env = NULL;
  g_autofree char *cat = NULL;
  gint64 code;

  SKIP_UNLESS_READY ();

  expected = expected_ids ();
  ids = run_command ("id -u; id -g; id -G", &code);
  g_assert_cmpint (code, ==, 0);
  g_assert_cmpstr (ids, ==, expected);

  /* HOME, USER and LOGNAME are the user's, not the daemon's. */
  expected_env = g_strdup_printf ("%s %s %s\n", getpwnam (user_name)->pw_dir, user_name, user_name);
  env = run_command ("echo \"$HOME $USER $LOGNAME\"", &code);
  g_assert_cmpstr (env, ==, expected_env);

  /* Neither root's file nor the daemon's key file can be read. */
  cat = g_strdup_printf ("cat '%s' || echo denied; cat '%s' || echo denied",
                         root_file, daemon_under_test->secret_file);
  denied = run_command (cat, &code);
  g_assert_cmpstr (denied, ==, "denied\ndenied\n");
}

/* POST /execute of @code in @language, with ROOT_FILE set. */
static void
assert_execute (const char *language,
                const char *code)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) env = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *ids = expected_ids ();
  g_autofree char *expected = g_strconcat (ids, "denied\n", NULL);
  g_autoptr(PortholeTestResponse) response = NULL;

  json_object_set_string_member (body, "language", language);
  json_object_set_string_member (body, "code", code);
  json_object_set_string_member (env, "ROOT_FILE", root_file);
  json_object_set_object_member (body, "env", g_steal_pointer (&env));
  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  response = porthole_test_request (daemon_under_test, "POST", "/execute", NULL, text);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (response->json, "stderr"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (response->json, "stdout"), ==, expected);
}

static void
test_execute (void)
{
  SKIP_UNLESS_READY ();

  assert_execute ("bash", "id -u; id -g; id -G; cat \"$ROOT_FILE\" 2>/dev/null || echo denied");
  /* The groups as `id -G` shows them: the primary one first. */
  assert_execute ("python",
                  "import os\n"
                  "g = os.getgid()\n"
                  "print(os.getuid()); print(g)\n"
                  "print(' '.join(map(str, [g] + sorted(x for x in os.getgroups() if x != g))))\n"
                  "try:\n"
                  "    open(os.environ['ROOT_FILE']).read()\n"
                  "except PermissionError:\n"
                  "    print('denied')\n");
}

/* A Jupyter kernel is a child like any other. */
static void
test_kernel (void)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(PortholeTestResponse) response = NULL;

  SKIP_UNLESS_READY ();

  code = g_strdup_printf ("import os\n"
                          "try:\n"
                          "    open('%s').read()\n"
                          "    denied = False\n"
                          "except PermissionError:\n"
                          "    denied = True\n"
                          "f'{os.getuid()}/{os.getgid()}/{denied}'", root_file);
  json_object_set_string_member (body, "code", code);
  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  response = porthole_test_request (daemon_under_test, "POST", "/execute/ipython", NULL, text);
  g_assert_cmpuint (response->status, ==, 200);
  expected = g_strdup_printf ("'%u/%u/True'", user_uid, user_gid);
  g_assert_cmpstr (json_object_get_string_member (response->json, "result"), ==, expected);
}

static gboolean
output_has (PortholeTestSocket *socket,
            const char         *text)
{
  g_autoptr(GString) all = porthole_test_socket_collect (socket, "output");

  return strstr (all->str, text) != NULL;
}

static void
test_terminal (void)
{
  g_autoptr(PortholeTestSocket) socket = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *message = NULL;
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  SKIP_UNLESS_READY ();

  socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);
  /* Printed as one line the input's echo cannot match. */
  line = g_strdup_printf ("echo \"ids=$(id -u)/$(id -g)/$(id -G | tr ' ' ,)/$(cat '%s' 2>/dev/null || echo denied).\"\n",
                          root_file);
  json_object_set_string_member (input, "type", "input");
  json_object_set_string_member (input, "data", line);
  node = json_node_init_object (json_node_alloc (), input);
  message = json_to_string (node, FALSE);
  porthole_test_socket_send (socket, message);
  expected = extra_gid != user_gid ? g_strdup_printf ("ids=%u/%u/%u,%u/denied.", user_uid, user_gid, user_gid, extra_gid)
                                   : g_strdup_printf ("ids=%u/%u/%u/denied.", user_uid, user_gid, user_gid);
  PORTHOLE_TEST_WAIT_UNTIL (output_has (socket, expected) || socket->closed);
  g_assert_true (output_has (socket, expected));
}

static void
test_files (void)
{
  g_autofree char *written = ws ("written.txt");
  g_autofree char *made = ws ("made/deeper");
  g_autofree char *uploaded = ws ("uploaded.txt");
  g_autofree char *in_root_dir = g_build_filename (root_dir, "nope.txt", NULL);
  g_autofree char *body = NULL;
  const char *routes[] = { "/files/read", "/files/download" };

  SKIP_UNLESS_READY ();

  /* Root's file: the OS refuses the user (API.md §5). */
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr(PortholeTestResponse) response = porthole_test_files_get (daemon_under_test, routes[i], root_file, NULL);

      porthole_test_assert_error_body (response, 403, "PERMISSION_DENIED");
    }
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_files_get (daemon_under_test, "/files/list", root_dir, NULL);

    /* 0755: the user may list it, not write in it. */
    g_assert_cmpuint (response->status, ==, 200);
  }

  /* What the routes make is the user's. */
  body = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"hello\"}", written);
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_request (daemon_under_test, "POST", "/files/write", NULL, body);

    g_assert_cmpuint (response->status, ==, 200);
    assert_owner (written);
  }
  g_free (body);
  body = g_strdup_printf ("{\"path\":\"%s\"}", made);
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_request (daemon_under_test, "POST", "/files/mkdir", NULL, body);
    g_autofree char *parent = g_path_get_dirname (made);

    g_assert_cmpuint (response->status, ==, 200);
    assert_owner (made);
    assert_owner (parent);
  }
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_files_upload (daemon_under_test, uploaded, "up");

    g_assert_cmpuint (response->status, ==, 200);
    assert_owner (uploaded);
  }

  /* Where only root may write, the user may not: neither a write, an
   * upload nor a mkdir happens there. */
  g_free (body);
  body = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"x\"}", in_root_dir);
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_request (daemon_under_test, "POST", "/files/write", NULL, body);

    porthole_test_assert_error_body (response, 403, "PERMISSION_DENIED");
  }
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_files_upload (daemon_under_test, in_root_dir, "x");

    porthole_test_assert_error_body (response, 403, "PERMISSION_DENIED");
  }
  g_free (body);
  body = g_strdup_printf ("{\"path\":\"%s\"}", in_root_dir);
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_request (daemon_under_test, "POST", "/files/mkdir", NULL, body);

    porthole_test_assert_error_body (response, 403, "PERMISSION_DENIED");
  }
  g_assert_false (g_file_test (in_root_dir, G_FILE_TEST_EXISTS));
  {
    g_autoptr(PortholeTestResponse) response = porthole_test_files_get (daemon_under_test, "/files/remove", root_file, NULL);

    porthole_test_assert_error_body (response, 403, "PERMISSION_DENIED");
    g_assert_true (g_file_test (root_file, G_FILE_TEST_EXISTS));
  }
}

/* A stateless MCP tools/call (MCP 2026-07-28) of @tool with @arguments
 * (a JSON object): its result. */
static JsonObject *
mcp_call (const char *tool,
          const char *arguments)
{
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/mcp", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autofree char *body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                                           "{\"name\":\"%s\",\"arguments\":%s,\"_meta\":{"
                                           "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                                           "\"io.modelcontextprotocol/clientCapabilities\":{}}}}", tool, arguments);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(PortholeTestResponse) response = NULL;
  JsonObject *result;

  soup_message_headers_replace (headers, "Authorization", bearer);
  soup_message_headers_replace (headers, "Accept", "application/json, text/event-stream");
  soup_message_headers_replace (headers, "MCP-Protocol-Version", "2026-07-28");
  soup_message_headers_replace (headers, "Mcp-Method", "tools/call");
  soup_message_headers_replace (headers, "Mcp-Name", tool);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  response = porthole_test_send (daemon_under_test, msg);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->json);
  result = json_object_get_object_member (response->json, "result");
  g_assert_nonnull (result);
  return json_object_ref (result);
}

static void
assert_mcp_denied (const char *tool,
                   const char *arguments)
{
  g_autoptr(JsonObject) result = mcp_call (tool, arguments);
  JsonArray *content = json_object_get_array_member (result, "content");
  const char *text;

  g_assert_true (json_object_get_boolean_member_with_default (result, "isError", FALSE));
  text = json_object_get_string_member (json_array_get_object_element (content, 0), "text");
  g_test_message ("%s %s: %s", tool, arguments, text);
  g_assert_nonnull (strstr (text, "ermission denied"));
}

/* The MCP file tools act as the user, as the file routes do. */
static void
test_mcp_files (void)
{
  g_autofree char *in_root_dir = NULL;
  g_autofree char *arguments = NULL;
  g_autofree char *written = NULL;

  SKIP_UNLESS_READY ();

  in_root_dir = g_build_filename (root_dir, "mcp.txt", NULL);
  written = ws ("mcp-written.txt");

  arguments = g_strdup_printf ("{\"path\":\"%s\"}", root_file);
  assert_mcp_denied ("read_file", arguments);
  g_free (arguments);
  arguments = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"x\"}", in_root_dir);
  assert_mcp_denied ("write_file", arguments);
  g_assert_false (g_file_test (in_root_dir, G_FILE_TEST_EXISTS));
  g_free (arguments);
  arguments = g_strdup_printf ("{\"path\":\"%s\"}", private_dir);
  assert_mcp_denied ("list_directory", arguments);

  /* What it writes is the user's. */
  g_free (arguments);
  arguments = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"hello\"}", written);
  {
    g_autoptr(JsonObject) result = mcp_call ("write_file", arguments);

    g_assert_false (json_object_get_boolean_member_with_default (result, "isError", FALSE));
    assert_owner (written);
  }
}

/* /files/watch adds its watches as the user: neither root's private
 * directory nor one below it can be watched, the workspace can. */
static void
test_watch (void)
{
  g_autoptr(PortholeTestSocket) socket = NULL;
  g_autofree char *inner = NULL;
  const char *refused[2];
  guint seen = 0;

  SKIP_UNLESS_READY ();

  inner = g_build_filename (private_dir, "inner", NULL);
  g_assert_no_errno (g_mkdir_with_parents (inner, 0755));
  refused[0] = private_dir;
  refused[1] = inner;
  socket = porthole_test_socket_open (daemon_under_test, "/files/watch", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *message = g_strdup_printf ("{\"action\":\"watch\",\"path\":\"%s\"}", refused[i]);

      porthole_test_socket_send (socket, message);
    }
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_socket_count_type (socket, "error") >= G_N_ELEMENTS (refused) ||
                            socket->closed);
  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      g_assert_cmpstr (json_object_get_string_member (message, "type"), ==, "error");
      g_assert_cmpstr (json_object_get_string_member (message, "code"), ==, "PERMISSION_DENIED");
      seen++;
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (refused));

  /* The same connection watches what the user may read. */
  {
    g_autofree char *message = g_strdup_printf ("{\"action\":\"watch\",\"path\":\"%s\"}",
                                                daemon_under_test->workspace);

    porthole_test_socket_send (socket, message);
    porthole_test_socket_wait_type (socket, "watching");
  }
  g_assert_false (socket->closed);
}

static void
test_workspace_and_state (void)
{
  g_autofree char *listing = NULL;
  g_autofree char *command = NULL;
  gint64 code;

  SKIP_UNLESS_READY ();

  /* The daemon made the workspace: it is the user's. */
  assert_owner (daemon_under_test->workspace);

  /* The state directory can be passed through (the runs' caches are
   * there), not listed; the daemon's files there cannot be read. */
  {
    g_autoptr(PortholeTestResponse) response =
      porthole_test_request (daemon_under_test, "PUT", "/env", NULL, "{\"env_vars\":{\"A\":\"1\"}}");

    g_assert_cmpuint (response->status, ==, 200);
  }
  command = g_strdup_printf ("ls '%s' >/dev/null 2>&1 || echo unlisted; cat '%s'/* 2>/dev/null || echo unread",
                             daemon_under_test->state_dir, daemon_under_test->state_dir);
  listing = run_command (command, &code);
  g_assert_cmpstr (listing, ==, "unlisted\nunread\n");
}

/* The daemon refuses to start for an unknown user, and, when it is not
 * root, for anyone but itself. */
static void
test_refused (void)
{
  const char *daemon_path = porthole_test_get_daemon_path ();
  struct
  {
    const char *const argv[10];
    const char *message;
  } cases[] = {
    { { daemon_path, "--user=porthole-no-such-user", "--display=none", "--insecure-no-auth",
        "--listen=127.0.0.1:1", NULL }, "no such user" },
    { { "setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", daemon_path, "--user=root",
        "--display=none", NULL }, "only a daemon running as root" },
  };

  SKIP_UNLESS_READY ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;
      int status = 0;

      g_spawn_sync ("/", (char **) cases[i].argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, &status, &error);
      g_assert_no_error (error);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, cases[i].message));
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmpdir = NULL;
  int ret;

  porthole_test_init (&argc, &argv);

  /* Before anything is made: it aborts without the daemon. */
  porthole_test_get_daemon_path ();

  if (geteuid () != 0)
    skip_reason = "needs root: the daemon must be root to run as another user, and the test makes one";
  else if (!make_user ())
    skip_reason = "cannot make a throwaway user (useradd, group " EXTRA_GROUP ")";
  else
    {
      g_autofree char *user_arg = g_strconcat ("--user=", user_name, NULL);

      /* The user passes through to its workspace; the rest is root's. */
      tmpdir = porthole_test_make_tmpdir ();
      g_assert_cmpint (g_chmod (tmpdir, 0711), ==, 0);
      root_file = g_build_filename (tmpdir, "root-only.txt", NULL);
      g_assert_true (g_file_set_contents (root_file, "root's\n", -1, NULL));
      g_assert_cmpint (g_chmod (root_file, 0600), ==, 0);
      root_dir = g_build_filename (tmpdir, "root-dir", NULL);
      g_assert_cmpint (g_mkdir (root_dir, 0755), ==, 0);
      private_dir = g_build_filename (tmpdir, "root-private", NULL);
      g_assert_cmpint (g_mkdir (private_dir, 0700), ==, 0);
      daemon_under_test = porthole_test_daemon_new_full (tmpdir, (const char *const[]) { user_arg, NULL }, TRUE);
    }

  g_test_add_func ("/run-as/command", test_command);
  g_test_add_func ("/run-as/execute", test_execute);
  g_test_add_func ("/run-as/kernel", test_kernel);
  g_test_add_func ("/run-as/terminal", test_terminal);
  g_test_add_func ("/run-as/files", test_files);
  g_test_add_func ("/run-as/mcp-files", test_mcp_files);
  g_test_add_func ("/run-as/watch", test_watch);
  g_test_add_func ("/run-as/workspace-and-state", test_workspace_and_state);
  g_test_add_func ("/run-as/refused", test_refused);

  ret = g_test_run ();

  g_clear_pointer (&daemon_under_test, porthole_test_daemon_free);
  g_clear_pointer (&user, porthole_test_user_free);
  g_free (root_file);
  g_free (root_dir);
  g_free (private_dir);
  return ret;
}
