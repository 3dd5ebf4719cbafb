/* test-http-mcp.c — the transport contract of /mcp (issue 20), on the
 * wire: the token (header only, a Bearer challenge), sessions (400, 404,
 * DELETE, the bound), protocol versions, DNS rebinding (Host, Origin),
 * notifications (202), event streams, a client that does not read one
 * (SECURITY.md G11), and the stateless 2026-07-28 revision (headers
 * checked against the body, server/discover).
 *
 * The official SDK and conformance suite drive the protocol itself
 * (tests/sdk/); this checks what they cannot see or send.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "test-utils.h"

#define LEGACY "2025-11-25"
#define MODERN "2026-07-28"

#define INITIALIZE \
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" LEGACY "\"," \
  "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"
#define TOOLS_LIST "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"

/* A POST of @body to /mcp; each header a "Name: value" pair, NULL ends
 * them. @token as porthole_test_request(). */
static PortholeTestResponse *
post (PortholeTestDaemon *daemon,
      const char         *path,
      const char         *token,
      const char         *accept,
      const char         *body,
      ...)
{
  g_autofree char *url = g_strconcat (daemon->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  const char *header;
  va_list args;

  if (token == NULL)
    token = daemon->token;
  if (*token != '\0')
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  soup_message_headers_replace (headers, "Accept", accept);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);

  va_start (args, body);
  while ((header = va_arg (args, const char *)) != NULL)
    {
      g_auto(GStrv) pair = g_strsplit (header, ": ", 2);

      soup_message_headers_replace (headers, pair[0], pair[1]);
    }
  va_end (args);

  return porthole_test_send (daemon, msg);
}

#define JSON_ONLY "application/json, text/event-stream;q=0.1"
#define BOTH "application/json, text/event-stream"

/* initialize, then notifications/initialized: the session's id. */
static char *
open_session (PortholeTestDaemon *daemon)
{
  g_autoptr(PortholeTestResponse) response = post (daemon, "/mcp", NULL, "application/json", INITIALIZE, NULL);
  g_autoptr(PortholeTestResponse) initialized = NULL;
  g_autofree char *header = NULL;
  const char *id;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->json);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (response->json, "result"),
                                                  "protocolVersion"), ==, LEGACY);
  id = soup_message_headers_get_one (response->headers, "MCP-Session-Id");
  g_assert_nonnull (id);
  g_assert_cmpuint (strlen (id), >=, 16);

  header = g_strconcat ("MCP-Session-Id: ", id, NULL);
  initialized = post (daemon, "/mcp", NULL, "application/json",
                      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                      header, "MCP-Protocol-Version: " LEGACY, NULL);
  /* A notification: 202, no body. */
  g_assert_cmpuint (initialized->status, ==, 202);
  g_assert_cmpuint (g_bytes_get_size (initialized->body), ==, 0);

  return g_strdup (id);
}

/* tools/list in session @id: the status. */
static guint
list_in_session (PortholeTestDaemon *daemon,
                 const char         *id)
{
  g_autofree char *header = g_strconcat ("MCP-Session-Id: ", id, NULL);
  g_autoptr(PortholeTestResponse) response = post (daemon, "/mcp", NULL, "application/json", TOOLS_LIST, header,
                                                   "MCP-Protocol-Version: " LEGACY, NULL);

  if (response->status == 200)
    g_assert_true (json_object_has_member (json_object_get_object_member (response->json, "result"), "tools"));
  return response->status;
}

static gint64
error_code (PortholeTestResponse *response)
{
  g_assert_nonnull (response->json);
  return json_object_get_int_member (json_object_get_object_member (response->json, "error"), "code");
}

static void
test_token (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autoptr(PortholeTestResponse) none = post (daemon, "/mcp", "", BOTH, INITIALIZE, NULL);
  g_autoptr(PortholeTestResponse) wrong = post (daemon, "/mcp", "not-a-token", BOTH, INITIALIZE, NULL);
  g_autofree char *query = g_strconcat ("/mcp?token=", daemon->token, NULL);
  g_autoptr(PortholeTestResponse) in_query = post (daemon, query, "", BOTH, INITIALIZE, NULL);
  g_autoptr(PortholeTestResponse) good = post (daemon, "/mcp", NULL, BOTH, INITIALIZE, NULL);
  const char *challenge;

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpuint (wrong->status, ==, 401);
  challenge = soup_message_headers_get_one (wrong->headers, "WWW-Authenticate");
  g_assert_nonnull (challenge);
  g_assert_true (g_str_has_prefix (challenge, "Bearer"));
  /* No authorization server configured: nothing that starts OAuth. */
  g_assert_null (strstr (challenge, "resource_metadata"));
  /* Never from the query string. */
  g_assert_cmpuint (in_query->status, ==, 401);
  g_assert_cmpuint (good->status, ==, 200);

  /* The metadata names no authorization server either. */
  {
    g_autoptr(PortholeTestResponse) metadata = porthole_test_request (daemon, "GET",
                                                                       "/.well-known/oauth-protected-resource/mcp",
                                                                       "", NULL);

    g_assert_cmpuint (metadata->status, ==, 200);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (metadata->json, "resource"), "/mcp"));
    g_assert_false (json_object_has_member (metadata->json, "authorization_servers"));
  }

  /* Every method. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PortholeTestResponse) refused = porthole_test_request (daemon, i == 0 ? "GET" : "DELETE", "/mcp", "",
                                                                       NULL);

      g_assert_cmpuint (refused->status, ==, 401);
      g_assert_true (g_str_has_prefix (soup_message_headers_get_one (refused->headers, "WWW-Authenticate"), "Bearer"));
    }
}

static void
test_resource_metadata (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new_files (dir, "[portholed]\n"
                                                                         "mcp-authorization-servers=https://auth.example.com\n",
                                                                         FALSE);
  g_autoptr(PortholeTestResponse) refused = post (daemon, "/mcp", "", BOTH, INITIALIZE, NULL);
  g_autoptr(PortholeTestResponse) metadata = porthole_test_request (daemon, "GET",
                                                                     "/.well-known/oauth-protected-resource/mcp",
                                                                     "", NULL);
  const char *challenge = soup_message_headers_get_one (refused->headers, "WWW-Authenticate");
  JsonArray *servers;

  g_assert_cmpuint (refused->status, ==, 401);
  g_assert_nonnull (challenge);
  g_assert_nonnull (strstr (challenge, "resource_metadata=\""));
  g_assert_nonnull (strstr (challenge, "/.well-known/oauth-protected-resource/mcp\""));

  g_assert_cmpuint (metadata->status, ==, 200);
  servers = json_object_get_array_member (metadata->json, "authorization_servers");
  g_assert_cmpstr (json_array_get_string_element (servers, 0), ==, "https://auth.example.com");
  porthole_test_rm_rf (dir);
}

static void
test_sessions (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autofree char *id = open_session (daemon);
  g_autofree char *header = g_strconcat ("MCP-Session-Id: ", id, NULL);
  g_autoptr(PortholeTestResponse) missing = NULL;
  g_autoptr(PortholeTestResponse) bad_version = NULL;
  g_autoptr(PortholeTestResponse) ended = NULL;
  g_autoptr(SoupMessage) delete = NULL;
  g_autofree char *url = g_strconcat (daemon->url, "/mcp", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon->token, NULL);

  g_assert_cmpuint (list_in_session (daemon, id), ==, 200);
  missing = post (daemon, "/mcp", NULL, "application/json", TOOLS_LIST, "MCP-Protocol-Version: " LEGACY, NULL);
  g_assert_cmpuint (missing->status, ==, 400);
  g_assert_cmpuint (list_in_session (daemon, "0123456789abcdef0123456789abcdef"), ==, 404);
  bad_version = post (daemon, "/mcp", NULL, "application/json", TOOLS_LIST, header,
                      "MCP-Protocol-Version: 1999-01-01", NULL);
  g_assert_cmpuint (bad_version->status, ==, 400);

  delete = soup_message_new ("DELETE", url);
  soup_message_headers_replace (soup_message_get_request_headers (delete), "Authorization", bearer);
  soup_message_headers_replace (soup_message_get_request_headers (delete), "MCP-Session-Id", id);
  ended = porthole_test_send (daemon, delete);
  g_assert_cmpuint (ended->status, ==, 200);
  g_assert_cmpuint (list_in_session (daemon, id), ==, 404);
}

static void
test_session_bound (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new_files (dir, "[portholed]\nmcp-max-sessions=2\n",
                                                                         FALSE);
  g_autofree char *first = open_session (daemon);
  g_autofree char *second = open_session (daemon);
  g_autofree char *third = NULL;

  /* The least recently active session makes way. */
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (list_in_session (daemon, second), ==, 200);
  third = open_session (daemon);
  g_assert_cmpuint (list_in_session (daemon, first), ==, 404);
  g_assert_cmpuint (list_in_session (daemon, second), ==, 200);
  g_assert_cmpuint (list_in_session (daemon, third), ==, 200);
  porthole_test_rm_rf (dir);
}

static void
test_idle_timeout (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new_files (dir, "[portholed]\nmcp-session-idle-timeout=1s\n",
                                                                         FALSE);
  g_autofree char *id = open_session (daemon);

  /* Idle for over a second, and the check runs every second. */
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_cmpuint (list_in_session (daemon, id), ==, 404);
  porthole_test_rm_rf (dir);
}

static void
test_rebinding (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new_files (dir, "[portholed]\n"
                                                                         "mcp-allowed-hosts=sandbox.example.com\n", FALSE);
  g_autoptr(PortholeTestResponse) evil_host = post (daemon, "/mcp", NULL, BOTH, INITIALIZE,
                                                    "Host: attacker.example.com", NULL);
  g_autoptr(PortholeTestResponse) listed_host = post (daemon, "/mcp", NULL, BOTH, INITIALIZE,
                                                      "Host: sandbox.example.com:7777", NULL);
  g_autoptr(PortholeTestResponse) evil_origin = post (daemon, "/mcp", NULL, BOTH, INITIALIZE,
                                                      "Origin: http://attacker.example.com", NULL);

  g_assert_cmpuint (evil_host->status, ==, 403);
  g_assert_cmpuint (listed_host->status, ==, 200);
  g_assert_cmpuint (evil_origin->status, ==, 403);
  porthole_test_rm_rf (dir);
}

static void
test_event_stream (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autofree char *id = open_session (daemon);
  g_autofree char *header = g_strconcat ("MCP-Session-Id: ", id, NULL);
  g_autoptr(PortholeTestResponse) streamed = NULL;
  g_autoptr(PortholeTestResponse) refused = NULL;
  g_autofree char *text = NULL;
  const char *call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
                     "\"arguments\":{\"command\":\"echo streamed-output\"},\"_meta\":{\"progressToken\":\"p1\"}}}";

  /* Accepting both, with progress: an event stream, a priming event
   * (an id, no data) first, then progress, then the response. */
  streamed = post (daemon, "/mcp", NULL, BOTH, call, header, "MCP-Protocol-Version: " LEGACY, NULL);
  g_assert_cmpuint (streamed->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (streamed->headers, NULL), ==, "text/event-stream");
  text = g_strndup (g_bytes_get_data (streamed->body, NULL), g_bytes_get_size (streamed->body));
  g_assert_true (g_str_has_prefix (text, "id: "));
  g_assert_nonnull (strstr (text, "notifications/progress"));
  g_assert_nonnull (strstr (text, "streamed-output"));
  g_assert_nonnull (strstr (text, "\"id\":7"));
  g_assert_true (strstr (text, "notifications/progress") < strstr (text, "\"id\":7"));

  /* Accepting neither: 406. */
  refused = post (daemon, "/mcp", NULL, "text/html", TOOLS_LIST, header, "MCP-Protocol-Version: " LEGACY, NULL);
  g_assert_cmpuint (refused->status, ==, 406);
}

static void
test_modern (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  const char *discover = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
                         "\"io.modelcontextprotocol/protocolVersion\":\"" MODERN "\","
                         "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
  const char *call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"system_info\","
                     "\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" MODERN "\","
                     "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
  g_autoptr(PortholeTestResponse) discovered = NULL;
  g_autoptr(PortholeTestResponse) called = NULL;
  g_autoptr(PortholeTestResponse) mismatch = NULL;
  g_autoptr(PortholeTestResponse) wrong_name = NULL;
  JsonObject *result;

  /* No initialize, no session. */
  discovered = post (daemon, "/mcp", NULL, "application/json", discover, "MCP-Protocol-Version: " MODERN,
                     "Mcp-Method: server/discover", NULL);
  g_assert_cmpuint (discovered->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (discovered->headers, "MCP-Session-Id"));
  result = json_object_get_object_member (discovered->json, "result");
  g_assert_nonnull (result);
  g_assert_true (json_object_has_member (result, "capabilities"));

  called = post (daemon, "/mcp", NULL, "application/json", call, "MCP-Protocol-Version: " MODERN,
                 "Mcp-Method: tools/call", "Mcp-Name: system_info", NULL);
  g_assert_cmpuint (called->status, ==, 200);
  result = json_object_get_object_member (called->json, "result");
  g_assert_cmpstr (json_object_get_string_member (result, "resultType"), ==, "complete");

  /* Headers that say something else than the body. */
  mismatch = post (daemon, "/mcp", NULL, "application/json", call, "MCP-Protocol-Version: " MODERN,
                   "Mcp-Method: tools/list", "Mcp-Name: system_info", NULL);
  g_assert_cmpuint (mismatch->status, ==, 400);
  g_assert_cmpint (error_code (mismatch), !=, 0);
  wrong_name = post (daemon, "/mcp", NULL, "application/json", call, "MCP-Protocol-Version: " MODERN,
                     "Mcp-Method: tools/call", "Mcp-Name: run_code", NULL);
  g_assert_cmpuint (wrong_name->status, ==, 400);
}

/* A request whose client goes away: the closed stream cancels it, and
 * the run it started ends (2026-07-28 makes it the cancel signal;
 * portholed does so in every era). */
static void
test_closed_stream (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autofree char *pid_file = g_build_filename (daemon->workspace, "closed.pid", NULL);
  g_autofree char *body = g_strdup_printf (
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
    "\"arguments\":{\"command\":\"echo $$ > %s; exec sleep 300\"},\"_meta\":{"
    "\"io.modelcontextprotocol/protocolVersion\":\"" MODERN "\","
    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}", pid_file);
  g_autofree char *request = g_strdup_printf ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                                              "Accept: application/json, text/event-stream\r\n"
                                              "MCP-Protocol-Version: " MODERN "\r\nMcp-Method: tools/call\r\n"
                                              "Mcp-Name: run_command\r\nContent-Length: %zu\r\n\r\n%s",
                                              daemon->token, strlen (body), body);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  int pid = 0;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);

  pid = porthole_test_read_pid_file (pid_file);
  g_assert_true (porthole_test_pid_is_running (pid));

  g_io_stream_close (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (porthole_test_pid_is_running (pid) && g_get_monotonic_time () < deadline)
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (porthole_test_pid_is_running (pid));
}

/* What the daemon leaves unsent before it drops a client (MAX_QUEUED_BYTES
 * in porthole-mcp-stream.c). */
#define MAX_QUEUED (32 * 1024 * 1024)
/* What may still reach a dropped client: the kernel's buffers on both
 * ends (the daemon's is 256 KiB), not the daemon's queue. */
#define IN_FLIGHT_BOUND (4 * 1024 * 1024)
/* The daemon's growth for a second client dropped while the first keeps
 * its socket: that stream's replay log (8 MiB of events) and the
 * allocator's slack, not a second queue (32 MiB of text). */
#define UNREAD_MEMORY_BOUND (32 * 1024 * 1024)

static gint64
rss_kib (gpointer data)
{
  return porthole_test_daemon_get_rss (data) / 1024;
}

/* A tools/call in session @id whose progress notifications carry the
 * endless output of `yes`, from a client that reads nothing: returns
 * once the daemon dropped it (its stream closed cancels the call, which
 * ends the run), /health answering meanwhile. */
static GSocketConnection *
flood_unread (PortholeTestDaemon *daemon,
              const char         *id,
              guint               n)
{
  g_autofree char *pid_file = g_strdup_printf ("%s/unread-%u.pid", daemon->workspace, n);
  g_autofree char *body = g_strdup_printf (
    "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
    "\"arguments\":{\"command\":\"echo $$ > %s; exec yes porthole-unread-mcp-client\"},"
    "\"_meta\":{\"progressToken\":\"flood-%u\"}}}", 10 + n, pid_file, n);
  g_autofree char *request = g_strdup_printf ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                                              "Accept: " BOTH "\r\nMCP-Session-Id: %s\r\n"
                                              "MCP-Protocol-Version: " LEGACY "\r\nContent-Length: %zu\r\n\r\n%s",
                                              daemon->token, id, strlen (body), body);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, deadline;
  guint health_checks = 0;
  int pid;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", daemon->port, NULL, &error);
  g_assert_no_error (error);
  /* A small window: what the kernel holds for the client stays small. */
  g_socket_set_option (g_socket_connection_get_socket (connection), SOL_SOCKET, SO_RCVBUF, 64 * 1024, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request, strlen (request),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  started = g_get_monotonic_time ();

  pid = porthole_test_read_pid_file (pid_file);
  deadline = g_get_monotonic_time () + 60 * porthole_test_time_scale () * G_USEC_PER_SEC;
  while (porthole_test_pid_is_running (pid))
    {
      g_autoptr(PortholeTestResponse) health = porthole_test_request (daemon, "GET", "/health", NULL, NULL);

      g_assert_cmpuint (health->status, ==, 200);
      health_checks++;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
  g_test_message ("client %u dropped %" G_GINT64_FORMAT " ms after its call, /health answered %u times meanwhile",
                  n, (g_get_monotonic_time () - started) / 1000, health_checks);

  return g_steal_pointer (&connection);
}

/* Reading now, what @connection gets: what was in the kernel's buffers,
 * then the end (or a reset), not the daemon's queue. Returns that. */
static gsize
read_to_end (GSocketConnection *connection,
             guint              n)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autofree char *buffer = g_malloc (64 * 1024);
  g_autoptr(GError) error = NULL;
  gsize total = 0;
  gssize got;

  /* Not a figure, a guard: a daemon that still holds the queue never
   * closes, and would hand over all of it first. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10 * porthole_test_time_scale ());
  while (total <= IN_FLIGHT_BOUND && (got = g_input_stream_read (input, buffer, 64 * 1024, NULL, &error)) > 0)
    total += got;
  g_test_message ("client %u read %zu KiB after its drop, then %s", n, total / 1024,
                  error != NULL ? error->message : total > IN_FLIGHT_BOUND ? "more" : "the end");
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_cmpuint (total, <=, IN_FLIGHT_BOUND);

  return total;
}

/* Clients that never read the event stream answering their tools/call:
 * past the queue, the daemon drops each one, its connection included
 * (the client does nothing, and reading finds the end), and frees what
 * was queued for it: a second one costs no second queue. Dropping used
 * to end the answer only, so the daemon kept every queued chunk for as
 * long as the client kept its socket open (SECURITY.md G11). */
static void
test_unread_stream (void)
{
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_daemon_new (NULL);
  g_autofree char *id = open_session (daemon);
  g_autoptr(GSocketConnection) first = NULL;
  g_autoptr(GSocketConnection) second = NULL;
  g_autoptr(PortholeTestResponse) metrics = NULL;
  gsize rss_before, rss_first, rss_second, rss_peak;

  rss_before = porthole_test_daemon_get_rss (daemon);
  first = flood_unread (daemon, id, 1);
  rss_first = porthole_test_wait_still (rss_kib, daemon) * 1024;
  /* The first keeps its socket open, unread. */
  second = flood_unread (daemon, id, 2);
  rss_second = porthole_test_wait_still (rss_kib, daemon) * 1024;
  rss_peak = porthole_test_daemon_get_peak_rss (daemon);
  g_test_message ("daemon RSS %zu KiB before, %zu KiB after the first drop, %zu KiB after the second, "
                  "%zu KiB at most (queue limit %u KiB of text)",
                  rss_before / 1024, rss_first / 1024, rss_second / 1024, rss_peak / 1024, MAX_QUEUED / 1024);

  read_to_end (first, 1);
  read_to_end (second, 2);

  /* Counted, and the session still served. */
  metrics = porthole_test_request (daemon, "GET", "/metrics/snapshot", NULL, NULL);
  g_assert_cmpuint (metrics->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (metrics->json, "event_streams"),
                                               "dropped_clients"), ==, 2);
  g_assert_cmpuint (list_in_session (daemon, id), ==, 200);

  if (g_getenv ("PORTHOLE_TEST_SANITIZED") == NULL)
    g_assert_cmpuint (rss_second, <, rss_first + UNREAD_MEMORY_BOUND);
}

int
main (int   argc,
      char *argv[])
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/http/mcp/token", test_token);
  g_test_add_func ("/http/mcp/resource-metadata", test_resource_metadata);
  g_test_add_func ("/http/mcp/sessions", test_sessions);
  g_test_add_func ("/http/mcp/session-bound", test_session_bound);
  g_test_add_func ("/http/mcp/idle-timeout", test_idle_timeout);
  g_test_add_func ("/http/mcp/rebinding", test_rebinding);
  g_test_add_func ("/http/mcp/event-stream", test_event_stream);
  g_test_add_func ("/http/mcp/modern", test_modern);
  g_test_add_func ("/http/mcp/closed-stream", test_closed_stream);
  g_test_add_func ("/http/mcp/unread-stream", test_unread_stream);

  return g_test_run ();
}
