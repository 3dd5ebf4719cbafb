/* test-http-watch.c — GET /files/watch (API.md §5.9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "porthole-json.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static char *
in_workspace (const char *relative)
{
  return g_build_filename (daemon_under_test->workspace, relative, NULL);
}

static void
call (const char *method,
      const char *route,
      const char *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, method, route, NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
}

static void
run (const char *command)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, command);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = porthole_json_to_string (root, NULL);
  r = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL, body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (r->json, "exit_code"), ==, 0);
}

static PortholeTestSocket *
watch (const char *relative)
{
  g_autofree char *path = in_workspace (relative);
  g_autofree char *escaped = g_uri_escape_string (path, NULL, TRUE);
  g_autofree char *route = g_strdup_printf ("/files/watch?path=%s", escaped);
  PortholeTestSocket *socket = porthole_test_socket_open (daemon_under_test, route, NULL);
  JsonObject *ack = porthole_test_socket_wait_type (socket, "watching");

  g_assert_cmpstr (json_object_get_string_member (ack, "path"), ==, path);
  return socket;
}

static JsonObject *
find_change (PortholeTestSocket *socket,
             const char         *event,
             const char         *path)
{
  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), "change") == 0 &&
          (event == NULL || g_strcmp0 (json_object_get_string_member (message, "event"), event) == 0) &&
          g_strcmp0 (json_object_get_string_member (message, "path"), path) == 0)
        return message;
    }

  return NULL;
}

static JsonObject *
wait_change (PortholeTestSocket *socket,
             const char         *event,
             const char         *path)
{
  JsonObject *change;
  gint64 when;

  PORTHOLE_TEST_WAIT_UNTIL (find_change (socket, event, path) != NULL || socket->closed);
  change = find_change (socket, event, path);
  g_assert_nonnull (change);
  g_assert_true (json_object_has_member (change, "is_directory"));
  g_assert_true (porthole_timestamp_parse (json_object_get_string_member (change, "timestamp"), &when));
  return change;
}

static guint
count_changes (PortholeTestSocket *socket,
               const char         *path)
{
  guint n = 0;

  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "path"), path) == 0 &&
          g_strcmp0 (json_object_get_string_member (message, "type"), "change") == 0)
        n++;
    }

  return n;
}

/* A marker written last: once its event is in, earlier ones are too. */
static void
sync_with (PortholeTestSocket *socket,
           const char         *relative)
{
  g_autofree char *path = in_workspace (relative);
  g_autofree char *body = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"sync\"}", path);

  call ("POST", "/files/write", body);
  wait_change (socket, NULL, path);
}

static void
test_events (void)
{
  g_autoptr(PortholeTestSocket) socket = NULL;
  g_autofree char *file = in_workspace ("w/file.txt");
  g_autofree char *renamed = in_workspace ("w/renamed.txt");
  g_autofree char *subdir = in_workspace ("w/later");
  g_autofree char *nested = in_workspace ("w/later/inner.txt");
  g_autofree char *deep = in_workspace ("w/a/b/c/deep.txt");
  g_autofree char *sibling = in_workspace ("not-watched/x.txt");
  JsonObject *change;

  call ("POST", "/files/mkdir", "{\"path\":\"w\"}");
  socket = watch ("w");

  /* A write: created (new file), then modified. */
  call ("POST", "/files/write", "{\"path\":\"w/file.txt\",\"content\":\"one\"}");
  change = wait_change (socket, "created", file);
  g_assert_false (json_object_get_boolean_member (change, "is_directory"));
  call ("POST", "/files/write", "{\"path\":\"w/file.txt\",\"content\":\"two\"}");
  wait_change (socket, "modified", file);

  /* A directory made after the watch began is watched too. */
  call ("POST", "/files/mkdir", "{\"path\":\"w/later\"}");
  change = wait_change (socket, "created", subdir);
  g_assert_true (json_object_get_boolean_member (change, "is_directory"));
  call ("POST", "/files/write", "{\"path\":\"w/later/inner.txt\",\"content\":\"x\"}");
  wait_change (socket, NULL, nested);

  /* A whole tree made at once: what it held before it was watched is
   * reported too. */
  run ("mkdir -p w/a/b/c && echo deep > w/a/b/c/deep.txt");
  wait_change (socket, "created", deep);

  /* A rename inside the tree is one event with both names. */
  run ("mv w/file.txt w/renamed.txt");
  change = wait_change (socket, "renamed", renamed);
  g_assert_cmpstr (json_object_get_string_member (change, "old_path"), ==, file);
  g_assert_cmpstr (json_object_get_string_member (change, "new_path"), ==, renamed);

  /* A renamed directory keeps being watched under its new name. */
  run ("mv w/later w/moved && echo again > w/moved/inner.txt");
  {
    g_autofree char *moved = in_workspace ("w/moved/inner.txt");

    wait_change (socket, NULL, moved);
  }

  call ("DELETE", "/files/remove?path=w/renamed.txt", NULL);
  wait_change (socket, "deleted", renamed);

  /* Nothing from outside the watched tree; the daemon's temporary files
   * never show. */
  call ("POST", "/files/write", "{\"path\":\"not-watched/x.txt\",\"content\":\"x\"}");
  sync_with (socket, "w/sync-1");
  g_assert_null (find_change (socket, NULL, sibling));
  for (guint i = 0; i < socket->messages->len; i++)
    {
      const char *path = json_object_get_string_member_with_default (g_ptr_array_index (socket->messages, i), "path", "");

      g_assert_null (strstr (path, ".porthole-tmp"));
    }
  g_assert_false (socket->closed);
}

static void
test_messages (void)
{
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/files/watch", NULL);
  g_autofree char *one = in_workspace ("m1");
  g_autofree char *two = in_workspace ("m2");
  g_autofree char *file_two = in_workspace ("m2/f.txt");
  g_autofree char *watch_one = g_strdup_printf ("{\"action\":\"watch\",\"path\":\"%s\"}", one);
  g_autofree char *watch_two = g_strdup_printf ("{\"action\":\"watch\",\"path\":\"%s\"}", two);
  g_autofree char *unwatch_two = g_strdup_printf ("{\"action\":\"unwatch\",\"path\":\"%s\"}", two);

  call ("POST", "/files/mkdir", "{\"path\":\"m1\"}");
  call ("POST", "/files/mkdir", "{\"path\":\"m2\"}");

  /* The SDKs' first message. */
  porthole_test_socket_send (socket, watch_one);
  porthole_test_socket_wait_type (socket, "watching");
  porthole_test_socket_send (socket, watch_two);
  PORTHOLE_TEST_WAIT_UNTIL (socket->messages->len >= 2);
  call ("POST", "/files/write", "{\"path\":\"m2/f.txt\",\"content\":\"x\"}");
  wait_change (socket, NULL, file_two);

  porthole_test_socket_send (socket, unwatch_two);
  porthole_test_socket_wait_type (socket, "unwatched");

  /* Bad messages get an error; the connection stays. */
  porthole_test_socket_send (socket, "not json");
  porthole_test_socket_send (socket, "{\"action\":\"dance\"}");
  porthole_test_socket_send (socket, "{\"action\":\"watch\"}");
  porthole_test_socket_send (socket, "{\"action\":\"watch\",\"path\":\"/no/such/dir\"}");
  porthole_test_socket_send (socket, "{\"action\":\"watch\",\"path\":\"/proc\"}");
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_socket_count_type (socket, "error") >= 5);
  {
    const char *codes[] = { "INVALID_JSON", "INVALID_REQUEST", "MISSING_PARAMETER", "FILE_NOT_FOUND", "PATH_NOT_ALLOWED" };
    guint seen = 0;

    for (guint i = 0; i < socket->messages->len; i++)
      {
        JsonObject *message = g_ptr_array_index (socket->messages, i);

        if (g_strcmp0 (json_object_get_string_member (message, "type"), "error") != 0)
          continue;
        g_assert_cmpstr (json_object_get_string_member (message, "code"), ==, codes[seen]);
        g_assert_nonnull (json_object_get_string_member (message, "error"));
        seen++;
      }
  }

  /* Unwatched: m2 is quiet; m1 still reports. */
  call ("POST", "/files/write", "{\"path\":\"m2/g.txt\",\"content\":\"x\"}");
  {
    g_autofree char *g = in_workspace ("m2/g.txt");
    g_autofree char *h = in_workspace ("m1/h.txt");

    call ("POST", "/files/write", "{\"path\":\"m1/h.txt\",\"content\":\"x\"}");
    wait_change (socket, NULL, h);
    g_assert_null (find_change (socket, NULL, g));
  }
  g_assert_false (socket->closed);
}

static void
test_coalescing_and_many_clients (void)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_test_socket_free);
  g_autofree char *burst = in_workspace ("many/burst.txt");

  call ("POST", "/files/mkdir", "{\"path\":\"many\"}");
  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (sockets, watch ("many"));

  /* 300 appends in a row: far fewer events than writes. */
  run ("for i in $(seq 300); do echo $i >> many/burst.txt; done");
  for (guint i = 0; i < sockets->len; i++)
    {
      PortholeTestSocket *socket = g_ptr_array_index (sockets, i);

      wait_change (socket, NULL, burst);
      sync_with (socket, "many/sync");
      g_test_message ("client %u: %u events for 300 writes", i, count_changes (socket, burst));
      g_assert_cmpuint (count_changes (socket, burst), <, 100);
      g_assert_false (socket->closed);
    }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/watch/events", test_events);
  g_test_add_func ("/watch/messages", test_messages);
  g_test_add_func ("/watch/coalescing-and-many-clients", test_coalescing_and_many_clients);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
