/* test-http-update.c — self-update (API.md §12): disabled by default,
 * refusals that leave the binary alone, and the round trip: upload,
 * apply, restart without refusing a connection, rollback. Also systemd
 * socket activation, the other way sockets are handed over.
 *
 * The daemon replaces a copy of the build tree's portholed in the test's
 * directory (--update-self-path), never the build tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-json.h"
#include "porthole-procfs.h"
#include "test-utils.h"

#define NEXT_VERSION PACKAGE_VERSION "-next"

static const char *const update_routes[][2] = {
  { "POST", "/update/upload" },
  { "POST", "/update/apply" },
  { "POST", "/update/restart" },
  { "GET", "/update/backups" },
  { "POST", "/update/rollback" },
  { "POST", "/agent/update/upload" },
  { "POST", "/agent/update/apply" },
  { "POST", "/agent/update/restart" },
  { "GET", "/agent/update/backups" },
  { "POST", "/agent/update/rollback" },
};

static GBytes *
read_bytes (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static char *
sha256_of_file (const char *path)
{
  g_autoptr(GBytes) bytes = read_bytes (path);

  return sha256_of (bytes);
}

/* A daemon that may update a copy of portholed in its directory. */
static PortholeTestDaemon *
updatable_daemon_new (char       **target,
                      const char  *extra)
{
  g_autofree char *tmpdir = porthole_test_make_tmpdir ();
  g_autofree char *bin = g_build_filename (tmpdir, "bin", NULL);
  g_autofree char *self_path = NULL;
  g_autoptr(GBytes) original = read_bytes (porthole_test_get_daemon_path ());
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--update-enabled", NULL, extra, NULL };

  g_assert_cmpint (g_mkdir_with_parents (bin, 0755), ==, 0);
  *target = g_build_filename (bin, "portholed", NULL);
  g_file_set_contents_full (*target, g_bytes_get_data (original, NULL), g_bytes_get_size (original),
                            G_FILE_SET_CONTENTS_NONE, 0755, &error);
  g_assert_no_error (error);
  args[1] = self_path = g_strconcat ("--update-self-path=", *target, NULL);

  return porthole_test_daemon_new_full (tmpdir, args, TRUE);
}

/* POST a multipart body: `file` (and `version`, `sha256` when given). */
static PortholeTestResponse *
upload (PortholeTestDaemon *daemon,
        const char         *path,
        GBytes             *file,
        const char         *version,
        const char         *sha256)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autofree char *url = g_strconcat (daemon->url, path, NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", daemon->token, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;

  /* Fields after the file, as the JS SDK orders them. */
  soup_multipart_append_form_file (multipart, "file", "portholed", "application/octet-stream", file);
  if (version != NULL)
    soup_multipart_append_form_string (multipart, "version", version);
  if (sha256 != NULL)
    soup_multipart_append_form_string (multipart, "sha256", sha256);

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_multipart_to_message (multipart, headers, &body);
  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, soup_message_headers_get_one (headers, "Content-Type"), body);

  return porthole_test_send (daemon, msg);
}

static PortholeTestResponse *
apply (PortholeTestDaemon *daemon,
       const char         *body)
{
  return porthole_test_request (daemon, "POST", "/update/apply", NULL, body);
}

static gint64
count_backups (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/update/backups", NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (r->json, "count"), ==,
                   json_array_get_length (json_object_get_array_member (r->json, "backups")));
  return json_object_get_int_member (r->json, "count");
}

/* Off by default: every route, both prefixes, 503 FEATURE_DISABLED, and
 * an upload is refused before its body is kept. */
static void
test_disabled (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(GBytes) file = g_bytes_new_static ("x", 1);

  for (guint i = 0; i < G_N_ELEMENTS (update_routes); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, update_routes[i][0], update_routes[i][1], NULL, NULL);

      porthole_test_assert_error_body (r, 503, "FEATURE_DISABLED");
    }

  {
    g_autoptr(PortholeTestResponse) r = upload (daemon, "/update/upload", file, NULL, NULL);
    g_autoptr(PortholeTestResponse) unauthorized = porthole_test_request (daemon, "GET", "/update/backups", "", NULL);

    porthole_test_assert_error_body (r, 503, "FEATURE_DISABLED");
    porthole_test_assert_error_body (unauthorized, 401, "TOKEN_INVALID");
  }
}

/* Each refusal leaves the binary in place untouched and no backup. */
static void
test_refusals (void)
{
  g_autofree char *target = NULL;
  g_autoptr(PortholeTestDaemon) daemon = updatable_daemon_new (&target, NULL);
  g_autofree char *original_sha = sha256_of_file (target);
  g_autoptr(GBytes) next = read_bytes (g_getenv ("PORTHOLED_NEXT"));
  g_autofree char *next_sha = sha256_of (next);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (next, 0, 64 * 1024);
  g_autofree char *truncated_sha = sha256_of (truncated);
  g_autoptr(GBytes) script = g_bytes_new_static ("#!/bin/sh\necho portholed 9.9.9\n", 31);
  g_autofree char *script_sha = sha256_of (script);
  const char *wrong_sha = "0000000000000000000000000000000000000000000000000000000000000000";

  {
    g_autoptr(PortholeTestResponse) nothing = apply (daemon, "{\"sha256\":\"00\"}");

    porthole_test_assert_error_body (nothing, 400, "INVALID_REQUEST");
  }

  /* A checksum that does not match the upload. */
  {
    g_autoptr(PortholeTestResponse) r = upload (daemon, "/update/upload", next, NULL, wrong_sha);

    porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
  }

  /* Good upload, but no checksum anywhere, then a wrong one at apply. */
  {
    g_autoptr(PortholeTestResponse) staged = upload (daemon, "/update/upload", next, NULL, NULL);
    g_autoptr(PortholeTestResponse) no_sha = NULL;
    g_autoptr(PortholeTestResponse) bad_sha = NULL;
    g_autofree char *body = g_strdup_printf ("{\"sha256\":\"%s\"}", wrong_sha);

    g_assert_cmpuint (staged->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (staged->json, "sha256"), ==, next_sha);
    no_sha = apply (daemon, NULL);
    porthole_test_assert_error_body (no_sha, 400, "MISSING_PARAMETER");
    bad_sha = apply (daemon, body);
    porthole_test_assert_error_body (bad_sha, 400, "INVALID_REQUEST");
  }

  /* A version other than announced. */
  {
    g_autoptr(PortholeTestResponse) staged = upload (daemon, "/agent/update/upload", next, "7.7.7", next_sha);
    g_autoptr(PortholeTestResponse) r = NULL;

    g_assert_cmpuint (staged->status, ==, 200);
    r = apply (daemon, NULL);
    porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
    g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "7.7.7"));
  }

  /* A corrupt (truncated) binary: its header passes, running it fails. */
  {
    g_autoptr(PortholeTestResponse) staged = upload (daemon, "/update/upload", truncated, NULL, truncated_sha);
    g_autoptr(PortholeTestResponse) r = NULL;

    g_assert_cmpuint (staged->status, ==, 200);
    r = apply (daemon, NULL);
    porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
  }

  /* Not an ELF executable at all. */
  {
    g_autoptr(PortholeTestResponse) staged = upload (daemon, "/update/upload", script, NULL, script_sha);
    g_autoptr(PortholeTestResponse) r = NULL;

    g_assert_cmpuint (staged->status, ==, 200);
    r = apply (daemon, NULL);
    porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
    g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "ELF"));
  }

  /* Nothing to roll back to. */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "POST", "/update/rollback", NULL, NULL);

    porthole_test_assert_error_body (r, 404, "NOT_FOUND");
  }

  {
    g_autofree char *now_sha = sha256_of_file (target);

    g_assert_cmpstr (now_sha, ==, original_sha);
  }
  g_assert_cmpint (count_backups (daemon), ==, 0);
}

static void
test_size_cap (void)
{
  g_autofree char *target = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  g_autoptr(PortholeTestDaemon) daemon = NULL;
  g_autoptr(GBytes) next = read_bytes (g_getenv ("PORTHOLED_NEXT"));
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = porthole_test_make_tmpdir ();

  config = g_build_filename (dir, "portholed.conf", NULL);
  g_file_set_contents (config, "[portholed]\nupdate-max-size=64K\n", -1, &error);
  g_assert_no_error (error);
  config_arg = g_strconcat ("--config=", config, NULL);
  daemon = updatable_daemon_new (&target, config_arg);

  r = upload (daemon, "/update/upload", next, NULL, NULL);
  porthole_test_assert_error_body (r, 413, "PAYLOAD_TOO_LARGE");
  porthole_test_rm_rf (dir);
}

/* Polls /health on a new connection every 50 ms, as a client that has
 * no connection to reuse would. */
typedef struct
{
  PortholeTestDaemon *daemon;
  SoupSession *session;
  guint timer;
  guint sent;
  guint ok;
  guint refused;
  guint failed;
  guint pending;
  GHashTable *versions;
  char *last_version;
} Poller;

static void
poll_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Poller *poller = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  poller->pending--;
  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        poller->refused++;
      else
        poller->failed++;
      g_test_message ("poll failed: %s", error->message);
      return;
    }

  if (soup_message_get_status (msg) == SOUP_STATUS_OK)
    {
      g_autoptr(JsonNode) node = porthole_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
      const char *version = json_object_get_string_member (json_node_get_object (node), "version");

      poller->ok++;
      g_free (poller->last_version);
      poller->last_version = g_strdup (version);
    }
  else
    {
      poller->failed++;
      g_test_message ("poll answered %u", soup_message_get_status (msg));
    }
}

static gboolean
poll_cb (gpointer user_data)
{
  Poller *poller = user_data;
  g_autofree char *url = g_strconcat (poller->daemon->url, "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Connection", "close");
  poller->sent++;
  poller->pending++;
  soup_session_send_and_read_async (poller->session, msg, G_PRIORITY_DEFAULT, NULL, poll_done, poller);

  return G_SOURCE_CONTINUE;
}

static void
poller_start (Poller             *poller,
              PortholeTestDaemon *daemon)
{
  memset (poller, 0, sizeof *poller);
  poller->daemon = daemon;
  poller->session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64, NULL);
  poller->timer = g_timeout_add (50, poll_cb, poller);
}

static void
poller_stop (Poller *poller)
{
  g_clear_handle_id (&poller->timer, g_source_remove);
  PORTHOLE_TEST_WAIT_UNTIL (poller->pending == 0);
  g_clear_object (&poller->session);
}

/* Restarts while the poller runs; every poll must be answered. */
static void
restart_and_wait_for (PortholeTestDaemon *daemon,
                      const char         *version)
{
  g_autoptr(PortholeTestResponse) r = NULL;
  GPid pid = porthole_test_daemon_get_pid (daemon);
  Poller poller;
  gint64 until;

  poller_start (&poller, daemon);
  PORTHOLE_TEST_WAIT_UNTIL (poller.ok >= 5);

  r = porthole_test_request (daemon, "POST", "/update/restart", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (r->json, "success"));

  PORTHOLE_TEST_WAIT_UNTIL (g_strcmp0 (poller.last_version, version) == 0);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  PORTHOLE_TEST_WAIT_UNTIL (g_get_monotonic_time () > until);
  poller_stop (&poller);

  g_test_message ("restart: %u polls, %u answered, %u refused, %u failed",
                  poller.sent, poller.ok, poller.refused, poller.failed);
  g_assert_cmpuint (poller.refused, ==, 0);
  g_assert_cmpuint (poller.failed, ==, 0);
  g_assert_cmpuint (poller.ok, ==, poller.sent);
  g_free (poller.last_version);

  /* The same process, re-executed; it never exited. */
  g_assert_false (daemon->exited);
  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
}

static void
test_round_trip (void)
{
  g_autofree char *target = NULL;
  g_autoptr(PortholeTestDaemon) daemon = updatable_daemon_new (&target, NULL);
  g_autofree char *original_sha = sha256_of_file (target);
  g_autoptr(GBytes) next = read_bytes (g_getenv ("PORTHOLED_NEXT"));
  g_autofree char *next_sha = sha256_of (next);
  g_autoptr(PortholeTestResponse) staged = NULL;
  g_autoptr(PortholeTestResponse) applied = NULL;
  g_autoptr(PortholeTestResponse) backups = NULL;
  g_autoptr(PortholeTestResponse) background = NULL;
  g_autoptr(PortholeTestResponse) info = NULL;
  g_autoptr(PortholeTestResponse) rolled_back = NULL;
  g_autoptr(PortholeTestResponse) info_again = NULL;
  g_autofree char *installed_sha = NULL;
  g_autofree char *restored_sha = NULL;
  g_autofree char *identity = NULL;
  JsonObject *backup;
  gint64 sleeper;
  int grandchild;

  g_assert_cmpint (count_backups (daemon), ==, 0);

  staged = upload (daemon, "/update/upload", next, NEXT_VERSION, next_sha);
  g_assert_cmpuint (staged->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (staged->json, "success"));
  g_assert_cmpint (json_object_get_int_member (staged->json, "size"), ==, g_bytes_get_size (next));
  g_assert_cmpstr (json_object_get_string_member (staged->json, "sha256"), ==, next_sha);
  g_assert_cmpstr (json_object_get_string_member (staged->json, "version"), ==, NEXT_VERSION);
  g_assert_true (g_file_test (json_object_get_string_member (staged->json, "path"), G_FILE_TEST_IS_REGULAR));

  applied = apply (daemon, NULL);
  g_assert_cmpuint (applied->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (applied->json, "success"));
  g_assert_cmpstr (json_object_get_string_member (applied->json, "version"), ==, NEXT_VERSION);
  g_assert_nonnull (json_object_get_string_member (applied->json, "message"));
  installed_sha = sha256_of_file (target);
  g_assert_cmpstr (installed_sha, ==, next_sha);
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_EXECUTABLE));

  /* The previous binary is kept, with its version. */
  backups = porthole_test_request (daemon, "GET", "/agent/update/backups", NULL, NULL);
  g_assert_cmpuint (backups->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (backups->json, "count"), ==, 1);
  backup = json_array_get_object_element (json_object_get_array_member (backups->json, "backups"), 0);
  g_assert_cmpstr (json_object_get_string_member (backup, "path"), ==, json_object_get_string_member (applied->json, "backup"));
  g_assert_cmpstr (json_object_get_string_member (backup, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (backup, "size"), >, 0);
  g_assert_nonnull (json_object_get_string_member (backup, "name"));
  g_assert_nonnull (json_object_get_string_member (backup, "created_at"));
  {
    g_autofree char *backup_sha = sha256_of_file (json_object_get_string_member (backup, "path"));

    g_assert_cmpstr (backup_sha, ==, original_sha);
  }

  /* Runs end before the restart, with the whole of their trees: it is a
   * stop, the same pid and start time carry on. */
  {
    g_autofree char *pid_file = g_build_filename (daemon->tmpdir, "setsid.pid", NULL);
    g_autofree char *body = g_strdup_printf ("{\"command\":\"setsid sleep 300 & echo $! > %s; exec sleep 300\"}", pid_file);

    background = porthole_test_request (daemon, "POST", "/commands/background", NULL, body);
    g_assert_cmpuint (background->status, ==, 200);
    sleeper = json_object_get_int_member (background->json, "pid");
    grandchild = porthole_test_read_pid_file (pid_file);
  }
  g_assert_true (porthole_test_pid_exists (sleeper));
  g_assert_true (porthole_test_pid_exists (grandchild));
  identity = porthole_procfs_identity (porthole_test_daemon_get_pid (daemon));

  restart_and_wait_for (daemon, NEXT_VERSION);
  g_assert_false (porthole_test_pid_exists (sleeper));
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (grandchild));
  {
    g_autofree char *record = g_build_filename (daemon->state_dir, "process-trees", identity, NULL);
    g_autofree char *after = porthole_procfs_identity (porthole_test_daemon_get_pid (daemon));
    g_autoptr(PortholeTestResponse) run = porthole_test_request (daemon, "POST", "/commands/run", NULL,
                                                                 "{\"command\":\"echo again\"}");

    /* The new image knows it is the same process, and runs as usual. */
    g_assert_cmpstr (after, ==, identity);
    g_assert_true (g_file_test (record, G_FILE_TEST_IS_DIR));
    g_assert_cmpstr (json_object_get_string_member (run->json, "stdout"), ==, "again\n");
  }

  info = porthole_test_request (daemon, "GET", "/info", NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (info->json, "version"), ==, NEXT_VERSION);
  g_assert_cmpint (count_backups (daemon), ==, 1);

  /* Back to the previous binary. */
  rolled_back = porthole_test_request (daemon, "POST", "/update/rollback", NULL, NULL);
  g_assert_cmpuint (rolled_back->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (rolled_back->json, "version"), ==, PACKAGE_VERSION);
  restored_sha = sha256_of_file (target);
  g_assert_cmpstr (restored_sha, ==, original_sha);

  restart_and_wait_for (daemon, PACKAGE_VERSION);
  info_again = porthole_test_request (daemon, "GET", "/info", NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (info_again->json, "version"), ==, PACKAGE_VERSION);
}

/* systemd socket activation: LISTEN_FDS sockets from 3 on, for our pid;
 * the variables do not reach children. */
static void
test_socket_activation (void)
{
  g_autofree char *tmpdir = porthole_test_make_tmpdir ();
  g_autofree char *workspace = g_build_filename (tmpdir, "workspace", NULL);
  g_autofree char *state = g_build_filename (tmpdir, "state", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) health = NULL;
  g_autoptr(SoupMessage) run = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GError) error = NULL;
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const char *argv[] = { "/bin/sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" \"$@\"",
                         porthole_test_get_daemon_path (), "--workspace", workspace, "--state-dir", state,
                         "--display=none", "--insecure-no-auth", NULL };

  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  g_assert_no_errno (listen (fd, 64));
  g_assert_no_errno (getsockname (fd, (struct sockaddr *) &addr, &length));
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  /* The socket listens already: the request waits to be accepted. */
  url = g_strdup_printf ("http://127.0.0.1:%u/health", ntohs (addr.sin_port));
  health = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, health, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (health), ==, 200);

  g_free (url);
  url = g_strdup_printf ("http://127.0.0.1:%u/commands/run", ntohs (addr.sin_port));
  run = soup_message_new ("POST", url);
  {
    g_autoptr(GBytes) request = g_bytes_new_static ("{\"command\":\"env\"}", 17);

    soup_message_set_request_body_from_bytes (run, "application/json", request);
  }
  output = soup_session_send_and_read (session, run, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (run), ==, 200);
  g_assert_null (g_strstr_len (g_bytes_get_data (output, NULL), g_bytes_get_size (output), "LISTEN_FDS"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (output, NULL), g_bytes_get_size (output), "PATH="));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  porthole_test_rm_rf (tmpdir);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/update/disabled", test_disabled);
  g_test_add_func ("/update/refusals", test_refusals);
  g_test_add_func ("/update/size-cap", test_size_cap);
  g_test_add_func ("/update/round-trip", test_round_trip);
  g_test_add_func ("/update/socket-activation", test_socket_activation);

  return g_test_run ();
}
