/* test-http-health.c — /, /health, /ping, /info, /system (API.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "porthole-json.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static JsonObject *
get_ok (const char *path)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", path, "", NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  return json_object_ref (r->json);
}

static void
assert_type (JsonObject *object,
             const char *member,
             GType       type)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    g_error ("member %s is missing", member);
  if (type == JSON_TYPE_OBJECT)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  else if (type == JSON_TYPE_ARRAY)
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  else
    {
      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      /* A float member may happen to be integral; ints must never be floats. */
      if (type == G_TYPE_DOUBLE)
        g_assert_true (json_node_get_value_type (node) == G_TYPE_DOUBLE ||
                       json_node_get_value_type (node) == G_TYPE_INT64);
      else if (json_node_get_value_type (node) != type)
        g_error ("member %s is a %s, not a %s", member,
                 g_type_name (json_node_get_value_type (node)), g_type_name (type));
    }
}

static void
assert_features (JsonObject *features)
{
  const char *flags[] = { "code_execution", "file_operations", "terminal_access", "websocket_streaming",
                          "rich_output", "background_jobs", "ipython_kernel", "system_metrics", "desktop" };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    assert_type (features, flags[i], G_TYPE_BOOLEAN);
  assert_type (features, "languages", JSON_TYPE_ARRAY);
  g_assert_true (json_object_get_boolean_member (features, "system_metrics"));
}

static void
test_root (void)
{
  g_autoptr(JsonObject) root = get_ok ("/");

  assert_type (root, "agent", G_TYPE_STRING);
  assert_type (root, "version", G_TYPE_STRING);
  g_assert_cmpstr (json_object_get_string_member (root, "api_version"), ==, "3.2.8");
  g_assert_cmpstr (json_object_get_string_member (root, "status"), ==, "running");
  assert_type (root, "message", G_TYPE_STRING);
  assert_type (root, "endpoints", JSON_TYPE_OBJECT);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "endpoints"), "health"),
                   ==, "GET /health");
  porthole_test_assert_timestamp (root, "timestamp");
}

static void
test_health (void)
{
  g_autoptr(JsonObject) health = get_ok ("/health");

  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "healthy");
  assert_type (health, "agent", G_TYPE_STRING);
  g_assert_cmpstr (json_object_get_string_member (health, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (health, "api_version"), ==, "3.2.8");
  assert_type (health, "uptime", G_TYPE_STRING);
  g_assert_true (g_regex_match_simple ("^([0-9]+h)?([0-9]+m)?[0-9]+s$",
                                       json_object_get_string_member (health, "uptime"), 0, 0));
  assert_type (health, "uptime_seconds", G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (health, "uptime_seconds"), >=, 0.0);
  assert_type (health, "vm_id", G_TYPE_STRING);
  assert_type (health, "go_version", G_TYPE_STRING);
  assert_features (json_object_get_object_member (health, "features"));
  assert_type (health, "active_streams", G_TYPE_INT64);
  porthole_test_assert_timestamp (health, "timestamp");
}

static void
test_ping (void)
{
  g_autoptr(JsonObject) ping = get_ok ("/ping");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_assert_cmpstr (json_object_get_string_member (ping, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (ping, "message"), ==, "pong");
  porthole_test_assert_timestamp (ping, "timestamp");
  json_object_iter_init (&iter, ping);
  while (json_object_iter_next (&iter, &name, &value))
    g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_STRING);
}

static void
test_info (void)
{
  g_autoptr(JsonObject) info = get_ok ("/info");
  g_autofree char *port = g_strdup_printf ("%u", daemon_under_test->port);
  const char *strings[] = { "agent", "version", "agent_version", "go_version", "api_version", "vm_id",
                            "os", "arch", "platform", "vm_ip", "ip", "vm_port", "port" };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    assert_type (info, strings[i], G_TYPE_STRING);
  g_assert_cmpstr (json_object_get_string_member (info, "version"), ==,
                   json_object_get_string_member (info, "agent_version"));
  g_assert_cmpstr (json_object_get_string_member (info, "os"), ==, "linux");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (info, "platform"), "linux/"));
  /* The port is a string in both schemas. */
  g_assert_cmpstr (json_object_get_string_member (info, "vm_port"), ==, port);
  g_assert_cmpstr (json_object_get_string_member (info, "port"), ==, port);
  porthole_test_assert_timestamp (info, "start_time");
  assert_type (info, "uptime", G_TYPE_DOUBLE);
  assert_type (info, "uptime_seconds", G_TYPE_DOUBLE);
  assert_type (info, "endpoints", JSON_TYPE_OBJECT);
  assert_features (json_object_get_object_member (info, "features"));
}

static guint64
meminfo (const char *field)
{
  g_autofree char *contents = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL));
  line = strstr (contents, field);
  g_assert_nonnull (line);
  line = strchr (line, ':');
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 1, NULL, 10) * 1024;
}

static void
test_system_matches_proc (void)
{
  g_autoptr(JsonObject) system = get_ok ("/system");
  JsonObject *cpu = json_object_get_object_member (system, "cpu");
  JsonObject *memory = json_object_get_object_member (system, "memory");
  JsonObject *disk = json_object_get_object_member (system, "disk");
  g_autofree char *uptime_text = NULL;
  struct statvfs st;
  double uptime;

  assert_type (cpu, "usage_percent", G_TYPE_DOUBLE);
  g_assert_cmpint (json_object_get_int_member (cpu, "cores"), ==, sysconf (_SC_NPROCESSORS_ONLN));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (cpu, "load_average")), ==, 3);

  g_assert_cmpint (json_object_get_int_member (memory, "total"), ==, meminfo ("MemTotal"));
  for (const char *const *m = (const char *[]) { "total", "used", "free", "available", NULL }; *m; m++)
    assert_type (memory, *m, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (memory, "used"), <=, json_object_get_int_member (memory, "total"));

  g_assert_cmpstr (json_object_get_string_member (disk, "path"), ==, daemon_under_test->workspace);
  g_assert_no_errno (statvfs (daemon_under_test->workspace, &st));
  g_assert_cmpint (json_object_get_int_member (disk, "total"), ==, (gint64) st.f_blocks * st.f_frsize);

  g_assert_true (g_file_get_contents ("/proc/uptime", &uptime_text, NULL, NULL));
  uptime = g_ascii_strtod (uptime_text, NULL);
  g_assert_cmpfloat (fabs (json_object_get_double_member (system, "uptime") - uptime), <, 5.0);

  for (const char *const *m = (const char *[]) { "cpu_percent", "memory_percent", "disk_percent", NULL }; *m; m++)
    {
      double v = json_object_get_double_member (system, *m);

      g_assert_cmpfloat (v, >=, 0.0);
      g_assert_cmpfloat (v, <=, 100.0);
    }
  g_assert_cmpstr (json_object_get_string_member (system, "hostname"), ==, g_get_host_name ());
  porthole_test_assert_timestamp (system, "timestamp");
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/health/root", test_root);
  g_test_add_func ("/health/health", test_health);
  g_test_add_func ("/health/ping", test_ping);
  g_test_add_func ("/health/info", test_info);
  g_test_add_func ("/health/system-matches-proc", test_system_matches_proc);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
