/* test-http-metrics.c — /system, /processes, /metrics[/snapshot] and
 * /metrics/prometheus (API.md §2, §9), checked against /proc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "porthole-client-metrics.h"
#include "porthole-json.h"
#include "porthole-procfs.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static JsonObject *
get_json (const char *path)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", path, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  return json_object_ref (r->json);
}

/* Type checks: json-glib keeps integers and reals apart. */
static void
assert_int (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    g_error ("missing member %s", member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpuint (json_node_get_value_type (node), ==, G_TYPE_INT64);
}

static void
assert_double (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    g_error ("missing member %s", member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpuint (json_node_get_value_type (node), ==, G_TYPE_DOUBLE);
}

static void
assert_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    g_error ("missing member %s", member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpuint (json_node_get_value_type (node), ==, G_TYPE_STRING);
}

static void
assert_timestamp (JsonObject *object,
                  const char *member)
{
  gint64 when;

  assert_string (object, member);
  g_assert_true (porthole_timestamp_parse (json_object_get_string_member (object, member), &when));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, member), "Z"));
}

static guint64
meminfo (const char *key)
{
  g_autofree char *contents = NULL;
  g_autofree char *prefix = g_strconcat ("\n", key, ":", NULL);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL));
  text = g_strconcat ("\n", contents, NULL);
  line = strstr (text, prefix);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (prefix), NULL, 10) * 1024;
}

/* The shape of /system (also metrics' `system`), and its figures against
 * what this process reads itself. */
static void
check_system (JsonObject *system)
{
  JsonObject *cpu = json_object_get_object_member (system, "cpu");
  JsonObject *memory = json_object_get_object_member (system, "memory");
  JsonObject *disk = json_object_get_object_member (system, "disk");
  JsonArray *load = json_object_get_array_member (cpu, "load_average");
  g_autofree char *uptime_text = NULL;
  struct statvfs st;
  double uptime;
  guint64 total;

  assert_double (cpu, "usage_percent");
  assert_int (cpu, "cores");
  g_assert_cmpint (json_object_get_int_member (cpu, "cores"), ==, sysconf (_SC_NPROCESSORS_ONLN));
  g_assert_cmpuint (json_array_get_length (load), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (cpu, "usage_percent"), >=, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (cpu, "usage_percent"), <=, 100.0);

  assert_int (memory, "total");
  assert_int (memory, "used");
  assert_int (memory, "free");
  assert_int (memory, "available");
  assert_double (memory, "usage_percent");
  g_assert_cmpint (json_object_get_int_member (memory, "total"), ==, meminfo ("MemTotal"));
  /* Memory moves between two readings: within 5 % of the total. */
  total = meminfo ("MemTotal");
  g_assert_cmpfloat (ABS ((double) json_object_get_int_member (memory, "available") - meminfo ("MemAvailable")), <, total * 0.05);
  g_assert_cmpint (json_object_get_int_member (memory, "used") + json_object_get_int_member (memory, "available"), ==, total);

  assert_string (disk, "path");
  g_assert_cmpstr (json_object_get_string_member (disk, "path"), ==, daemon_under_test->workspace);
  g_assert_cmpint (statvfs (daemon_under_test->workspace, &st), ==, 0);
  g_assert_cmpint (json_object_get_int_member (disk, "total"), ==, (gint64) st.f_blocks * st.f_frsize);
  assert_int (disk, "total");
  assert_int (disk, "used");
  assert_int (disk, "free");
  assert_double (disk, "usage_percent");

  g_assert_true (g_file_get_contents ("/proc/uptime", &uptime_text, NULL, NULL));
  uptime = g_ascii_strtod (uptime_text, NULL);
  assert_double (system, "uptime");
  g_assert_cmpfloat (ABS (json_object_get_double_member (system, "uptime") - uptime), <, 5.0);

  assert_double (system, "cpu_percent");
  assert_double (system, "memory_percent");
  assert_double (system, "disk_percent");
  g_assert_cmpfloat (json_object_get_double_member (system, "cpu_percent"), ==,
                     json_object_get_double_member (cpu, "usage_percent"));
  g_assert_cmpfloat (json_object_get_double_member (system, "memory_percent"), ==,
                     json_object_get_double_member (memory, "usage_percent"));
  assert_string (system, "hostname");
  g_assert_cmpstr (json_object_get_string_member (system, "hostname"), ==, g_get_host_name ());

  /* portholed's additions */
  assert_int (json_object_get_object_member (system, "network"), "rx_bytes");
  assert_double (json_object_get_object_member (system, "network"), "rx_bytes_per_second");
  assert_int (json_object_get_object_member (system, "limits"), "cgroup_version");
  g_assert_true (json_object_has_member (json_object_get_object_member (system, "limits"), "memory_limit"));
}

static void
test_system (void)
{
  g_autoptr(JsonObject) system = NULL;
  g_autoptr(PortholeTestResponse) with_bad_token = NULL;

  /* Public: no token needed, a bad one is ignored (API.md §1.2). */
  system = get_json ("/system");
  check_system (system);
  assert_timestamp (system, "timestamp");

  with_bad_token = porthole_test_request (daemon_under_test, "GET", "/system", "not-a-token", NULL);
  g_assert_cmpuint (with_bad_token->status, ==, 200);
}

static gboolean
comm_is (gint64      pid,
         const char *name)
{
  g_autofree char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/comm", pid);
  g_autofree char *comm = NULL;

  return g_file_get_contents (path, &comm, NULL, NULL) && g_str_equal (g_strstrip (comm), name);
}

static JsonObject *
find_process (JsonArray *processes,
              gint64     pid)
{
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *p = json_array_get_object_element (processes, i);

      if (json_object_get_int_member (p, "pid") == pid)
        return p;
    }

  return NULL;
}

static void
test_processes (void)
{
  g_autoptr(PortholeTestResponse) started = NULL;
  g_autoptr(PortholeTestResponse) unauthorized = NULL;
  g_autoptr(PortholeTestResponse) bad_limit = NULL;
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(JsonObject) limited = NULL;
  g_autoptr(JsonObject) by_name = NULL;
  g_autoptr(JsonObject) by_user = NULL;
  g_autoptr(JsonObject) nobody = NULL;
  g_autofree char *own_user = NULL;
  g_auto(GStrv) wrapper = porthole_test_get_daemon_wrapper ();
  JsonArray *processes;
  JsonObject *sleeper, *self;
  const char *process_id;
  gint64 sleeper_pid;
  gint64 previous = G_MAXINT64;

  started = porthole_test_request (daemon_under_test, "POST", "/commands/background", NULL,
                                   "{\"command\":\"exec sleep 300\",\"name\":\"sleeper\"}");
  g_assert_cmpuint (started->status, ==, 200);
  process_id = json_object_get_string_member (started->json, "process_id");
  g_assert_nonnull (process_id);
  sleeper_pid = json_object_get_int_member (started->json, "pid");
  /* sh execs sleep: list once it has. */
  PORTHOLE_TEST_WAIT_UNTIL (comm_is (sleeper_pid, "sleep"));

  all = get_json ("/processes");
  processes = json_object_get_array_member (all, "processes");
  assert_int (all, "count");
  assert_timestamp (all, "timestamp");
  g_assert_cmpint (json_object_get_int_member (all, "count"), ==, json_array_get_length (processes));
  g_assert_cmpuint (json_array_get_length (processes), >, 2);

  /* Every field of §9.1, newest first. */
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *p = json_array_get_object_element (processes, i);
      gint64 start;

      assert_int (p, "pid");
      assert_int (p, "ppid");
      assert_string (p, "name");
      assert_string (p, "command");
      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (p, "cmdline")));
      assert_string (p, "status");
      g_assert_true (g_strv_contains ((const char *[]) { "running", "sleeping", "stopped", "zombie", "idle", "disk-sleep", NULL },
                                      json_object_get_string_member (p, "status")));
      assert_string (p, "user");
      assert_double (p, "cpu_percent");
      assert_double (p, "memory_percent");
      assert_double (p, "memory_mb");
      assert_int (p, "threads");
      assert_timestamp (p, "start_time");
      g_assert_true (porthole_timestamp_parse (json_object_get_string_member (p, "start_time"), &start));
      g_assert_cmpint (start, <=, previous);
      previous = start;
    }

  /* The daemon itself, as /proc shows it. */
  self = find_process (processes, porthole_test_daemon_get_pid (daemon_under_test));
  g_assert_nonnull (self);
  if (wrapper == NULL)
    g_assert_cmpstr (json_object_get_string_member (self, "name"), ==, "portholed");
  else
    {
      /* Under valgrind /proc names the tool, whose process it is. */
      g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", porthole_test_daemon_get_pid (daemon_under_test));
      g_autofree char *comm = NULL;

      g_assert_true (g_file_get_contents (comm_path, &comm, NULL, NULL));
      g_assert_cmpstr (json_object_get_string_member (self, "name"), ==, g_strstrip (comm));
    }
  g_assert_cmpint (json_object_get_int_member (self, "ppid"), ==, getpid ());
  g_assert_false (json_object_has_member (self, "process_id"));
  own_user = g_strdup (json_object_get_string_member (self, "user"));

  /* The background run carries its process_id. */
  g_assert_true (porthole_test_pid_exists (sleeper_pid));
  sleeper = find_process (processes, sleeper_pid);
  g_assert_nonnull (sleeper);
  g_assert_cmpstr (json_object_get_string_member (sleeper, "name"), ==, "sleep");
  g_assert_cmpstr (json_object_get_string_member (sleeper, "process_id"), ==, process_id);
  g_assert_cmpstr (json_object_get_string_member (sleeper, "command"), ==, "sleep 300");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (sleeper, "cmdline")), ==, 2);

  /* Filters. */
  limited = get_json ("/processes?limit=2");
  g_assert_cmpint (json_object_get_int_member (limited, "count"), ==, 2);
  by_name = get_json ("/processes?name=SLEE");
  processes = json_object_get_array_member (by_name, "processes");
  g_assert_nonnull (find_process (processes, sleeper_pid));
  for (guint i = 0; i < json_array_get_length (processes); i++)
    g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (processes, i), "name"), "slee"));
  {
    g_autofree char *path = g_strdup_printf ("/processes?user=%s", own_user);

    by_user = get_json (path);
  }
  g_assert_nonnull (find_process (json_object_get_array_member (by_user, "processes"), sleeper_pid));
  nobody = get_json ("/processes?user=no-such-user-here");
  g_assert_cmpint (json_object_get_int_member (nobody, "count"), ==, 0);

  bad_limit = porthole_test_request (daemon_under_test, "GET", "/processes?limit=-1", NULL, NULL);
  porthole_test_assert_error_body (bad_limit, 400, "INVALID_REQUEST");
  unauthorized = porthole_test_request (daemon_under_test, "GET", "/processes", "", NULL);
  porthole_test_assert_error_body (unauthorized, 401, "TOKEN_INVALID");

  {
    g_autofree char *kill_path = g_strdup_printf ("/execute/kill/%s", process_id);
    g_autoptr(PortholeTestResponse) killed = porthole_test_request (daemon_under_test, "POST", kill_path, NULL, NULL);

    g_assert_cmpuint (killed->status, ==, 200);
  }
}

static void
check_snapshot (JsonObject *snapshot)
{
  static const char *const ints[] = { "total_requests", "total_errors", "error_count", "total_executions",
                                      "active_executions", "active_streams" };
  static const char *const doubles[] = { "uptime_seconds", "cpu_percent", "memory_percent", "disk_percent" };
  JsonObject *process = json_object_get_object_member (snapshot, "process");
  JsonObject *cache = json_object_get_object_member (snapshot, "cache");
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  assert_timestamp (snapshot, "timestamp");
  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    assert_int (snapshot, ints[i]);
  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    assert_double (snapshot, doubles[i]);
  g_assert_cmpint (json_object_get_int_member (snapshot, "error_count"), ==,
                   json_object_get_int_member (snapshot, "total_errors"));

  /* Per-route dicts keyed "METHOD /template". */
  json_object_iter_init (&iter, json_object_get_object_member (snapshot, "requests_total"));
  while (json_object_iter_next (&iter, &key, &value))
    {
      g_assert_true (strchr (key, ' ') != NULL);
      assert_int (json_node_get_object (value), "success");
      assert_int (json_node_get_object (value), "error");
      assert_double (json_object_get_object_member (snapshot, "avg_duration_ms"), key);
      assert_double (json_object_get_object_member (snapshot, "p95_duration_ms"), key);
    }

  check_system (json_object_get_object_member (snapshot, "system"));
  g_assert_cmpfloat (json_object_get_double_member (snapshot, "memory_percent"), ==,
                     json_object_get_double_member (json_object_get_object_member (snapshot, "system"), "memory_percent"));

  assert_int (process, "count");
  assert_int (process, "running");
  assert_int (process, "background");
  g_assert_cmpint (json_object_get_int_member (process, "count"), >, 2);

  assert_int (cache, "size");
  assert_int (cache, "hits");
  assert_int (cache, "misses");
  assert_double (cache, "hit_rate");
}

static JsonObject *
route_counts (JsonObject *snapshot,
              const char *key)
{
  JsonObject *requests = json_object_get_object_member (snapshot, "requests_total");

  return json_object_has_member (requests, key) ? json_object_get_object_member (requests, key) : NULL;
}

static void
test_snapshot (void)
{
  g_autoptr(JsonObject) before = get_json ("/metrics/snapshot");
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) alias = NULL;
  g_autoptr(PortholeTestResponse) run = NULL;
  g_autoptr(PortholeTestResponse) unauthorized = NULL;
  gint64 executions = json_object_get_int_member (before, "total_executions");
  gint64 requests = json_object_get_int_member (before, "total_requests");
  gint64 errors = json_object_get_int_member (before, "total_errors");
  JsonObject *counts;

  check_snapshot (before);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/execute/kill/no-such-run", NULL, NULL);

      g_assert_cmpuint (r->status, ==, 405);
    }
  run = porthole_test_request (daemon_under_test, "POST", "/commands/run", NULL, "{\"command\":\"true\"}");
  g_assert_cmpuint (run->status, ==, 200);

  after = get_json ("/metrics");
  alias = get_json ("/metrics/snapshot");
  check_snapshot (after);
  check_snapshot (alias);

  /* The snapshot request itself counts: 3 refused, 1 run, 1 snapshot. */
  g_assert_cmpint (json_object_get_int_member (after, "total_requests"), ==, requests + 5);
  g_assert_cmpint (json_object_get_int_member (after, "total_errors"), ==, errors + 3);
  g_assert_cmpint (json_object_get_int_member (after, "total_executions"), ==, executions + 1);
  counts = route_counts (after, "POST /commands/run");
  g_assert_nonnull (counts);
  g_assert_cmpint (json_object_get_int_member (counts, "success"), >=, 1);
  counts = route_counts (after, "GET /metrics/snapshot");
  g_assert_nonnull (counts);
  g_assert_cmpint (json_object_get_int_member (counts, "success"), ==, 1);
  /* 405s match no route: counted under the one unmatched key. */
  counts = route_counts (after, "* (unmatched)");
  g_assert_nonnull (counts);
  g_assert_cmpint (json_object_get_int_member (counts, "error"), >=, 3);

  unauthorized = porthole_test_request (daemon_under_test, "GET", "/metrics", "", NULL);
  porthole_test_assert_error_body (unauthorized, 401, "TOKEN_INVALID");
}

/* The kernel's count of @pid's CPU time, utime + stime in ticks: what
 * the daemon reads too. */
static guint64
cpu_ticks_of (gint64 pid)
{
  PortholeProcStat stat;

  g_assert_true (porthole_procfs_read_stat (pid, &stat));
  return stat.cpu_ticks;
}

/* One /processes listing's figure for @pid, between readings of the
 * clock and of the kernel's count taken just before and just after it. */
typedef struct
{
  guint64 ticks_before;
  gint64 before;
  double percent;
  gint64 after;
  guint64 ticks_after;
} Listing;

static void
list_process (gint64   pid,
              Listing *listing)
{
  g_autoptr(JsonObject) list = NULL;
  JsonObject *p;

  listing->ticks_before = cpu_ticks_of (pid);
  listing->before = g_get_monotonic_time ();
  list = get_json ("/processes");
  listing->after = g_get_monotonic_time ();
  listing->ticks_after = cpu_ticks_of (pid);
  p = find_process (json_object_get_array_member (list, "processes"), pid);
  g_assert_nonnull (p);
  listing->percent = json_object_get_double_member (p, "cpu_percent");
}

/* Whether @pid had @ticks of CPU time and @ms went by since @listing;
 * polled every 10 ms. */
static gboolean
ran_since (gint64         pid,
           const Listing *listing,
           guint64        ticks,
           guint          ms)
{
  g_usleep (10 * 1000);
  return cpu_ticks_of (pid) - listing->ticks_after >= ticks
         && g_get_monotonic_time () - listing->after >= ms * 1000;
}

static double
percent_of (guint64 ticks,
            gint64  usec)
{
  return 100.0 * ticks / porthole_procfs_ticks_per_second () / (usec / (double) G_USEC_PER_SEC);
}

static double
system_cpu_after (guint delay_ms)
{
  g_autoptr(JsonObject) system = NULL;

  g_usleep (delay_ms * 1000);
  system = get_json ("/system");
  return json_object_get_double_member (system, "cpu_percent");
}

/* A busy loop started through the API shows in both the machine's CPU
 * and its own process's. */
static void
test_cpu_busy_loop (void)
{
  g_autoptr(PortholeTestResponse) started = NULL;
  g_autoptr(JsonObject) snapshot = NULL;
  double machine_share = 100.0 / sysconf (_SC_NPROCESSORS_ONLN);
  guint64 hz = porthole_procfs_ticks_per_second ();
  Listing first, second;
  double lowest, highest;
  gint64 pid;

  started = porthole_test_request (daemon_under_test, "POST", "/commands/background", NULL,
                                   "{\"command\":\"bash\",\"args\":[\"-c\",\"while :; do :; done\"],\"timeout\":60}");
  g_assert_cmpuint (started->status, ==, 200);
  pid = json_object_get_int_member (started->json, "pid");

  /* Its own figure is the CPU time the kernel gave it between two
   * listings over the time between them: on a busy machine a loop gets
   * what the scheduler gives it, not a CPU, so the figure is checked
   * against the kernel's count over the same window, not against a
   * share. The first listing starts the daemon's window; the second
   * comes after half a second of the loop's CPU time, past the
   * daemon's shortest window (500 ms). */
  list_process (pid, &first);
  PORTHOLE_TEST_WAIT_UNTIL (ran_since (pid, &first, hz / 2, 600));
  list_process (pid, &second);

  /* The daemon read the clock and the count inside each listing: its
   * window and its count lie between the shortest and the longest the
   * readings around the listings allow. */
  lowest = percent_of (second.ticks_before - first.ticks_after, second.after - first.before);
  highest = percent_of (second.ticks_after - first.ticks_before, second.before - first.after);
  g_test_message ("busy loop: daemon %.1f %%, the kernel's count over the window %.1f to %.1f %%",
                  second.percent, lowest, highest);
  g_assert_cmpfloat (lowest, >, 0.0);
  g_assert_cmpfloat (second.percent, >=, lowest);
  g_assert_cmpfloat (second.percent, <=, highest);
  /* The machine's: at least half of what one CPU adds. */
  PORTHOLE_TEST_WAIT_UNTIL (system_cpu_after (300) > machine_share / 2);

  snapshot = get_json ("/metrics");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (snapshot, "process"), "background"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (snapshot, "active_executions"), >=, 1);

  {
    g_autofree char *kill_path = g_strdup_printf ("/execute/kill/%s", json_object_get_string_member (started->json, "process_id"));
    g_autoptr(PortholeTestResponse) killed = porthole_test_request (daemon_under_test, "POST", kill_path, NULL, NULL);

    g_assert_cmpuint (killed->status, ==, 200);
  }
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_exists (pid));
}

static char *
scrape (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/metrics/prometheus", NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Content-Type"), ==,
                   "text/plain; version=0.0.4; charset=utf-8");
  return g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
}

/* The value of the series whose line starts with @series. */
static double
series_value (const char *text,
              const char *series)
{
  g_autofree char *needle = g_strconcat ("\n", series, " ", NULL);
  const char *line = strstr (text, needle);

  if (line == NULL)
    return -1.0;
  return g_ascii_strtod (line + strlen (needle), NULL);
}

static const char *const families[] = {
  "hopx_agent_uptime_seconds", "hopx_agent_http_requests_total", "hopx_agent_http_request_duration_seconds",
  "hopx_agent_executions_total", "hopx_agent_active_executions", "hopx_agent_active_streams",
  "hopx_agent_cpu_usage_percent", "hopx_agent_memory_usage_bytes", "hopx_agent_disk_usage_bytes",
  "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
  "hopx_agent_active_terminals", "hopx_agent_active_vnc_clients", "hopx_agent_active_recordings",
};

static void
test_prometheus_promtool (void)
{
  g_autofree char *text = scrape ();
  g_autofree char *promtool = g_find_program_in_path ("promtool");
  g_autofree char *path = g_build_filename (daemon_under_test->tmpdir, "metrics.prom", NULL);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* Package prometheus, role "test" in tools/debian-packages.txt. */
  g_assert_nonnull (promtool);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  command = g_strdup_printf ("sh -c '\"%s\" check metrics < \"%s\"'", promtool, path);
  g_spawn_command_line_sync (command, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("promtool check metrics failed: %s%s", out, err);

  /* The families the issue and API.md §9.3 name. */
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      g_autofree char *type_line = g_strdup_printf ("\n# TYPE %s ", families[i]);

      if (strstr (text, type_line) == NULL)
        g_error ("no %s in the exposition", families[i]);
    }

  g_assert_cmpfloat (series_value (text, "hopx_agent_memory_total_bytes"), ==, (double) meminfo ("MemTotal"));
  g_assert_cmpfloat (series_value (text, "process_resident_memory_bytes"), >, 1024 * 1024);
}

/* Histogram counts equal the requests made; ids in URLs never become
 * labels. */
static void
test_prometheus_histograms (void)
{
  g_autofree char *text = NULL;
  g_autofree char *before = scrape ();
  double pings_before = MAX (series_value (before, "hopx_agent_http_requests_total{method=\"GET\",path=\"/ping\",status=\"2xx\"}"), 0);
  double kills_before = MAX (series_value (before, "hopx_agent_http_requests_total{method=\"POST\",path=\"/execute/kill/{id}\",status=\"4xx\"}"), 0);
  const char *le[] = { "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf" };
  double previous = 0.0;

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/ping", NULL, NULL);

      g_assert_cmpuint (r->status, ==, 200);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("/execute/kill/proc_missing%u", i);
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", path, NULL, NULL);

      g_assert_cmpuint (r->status, ==, 404);
    }

  text = scrape ();
  g_assert_cmpfloat (series_value (text, "hopx_agent_http_requests_total{method=\"GET\",path=\"/ping\",status=\"2xx\"}"), ==, pings_before + 7);
  g_assert_cmpfloat (series_value (text, "hopx_agent_http_request_duration_seconds_count{method=\"GET\",path=\"/ping\",status=\"2xx\"}"), ==, pings_before + 7);
  g_assert_cmpfloat (series_value (text, "hopx_agent_http_requests_total{method=\"POST\",path=\"/execute/kill/{id}\",status=\"4xx\"}"), ==, kills_before + 3);
  g_assert_null (strstr (text, "proc_missing"));

  /* Buckets are cumulative and end at the count. */
  for (guint i = 0; i < G_N_ELEMENTS (le); i++)
    {
      g_autofree char *series = g_strdup_printf ("hopx_agent_http_request_duration_seconds_bucket{method=\"GET\",path=\"/ping\",status=\"2xx\",le=\"%s\"}", le[i]);
      double value = series_value (text, series);

      g_assert_cmpfloat (value, >=, previous);
      previous = value;
    }
  g_assert_cmpfloat (previous, ==, pings_before + 7);
  g_assert_cmpfloat (series_value (text, "hopx_agent_http_request_duration_seconds_sum{method=\"GET\",path=\"/ping\",status=\"2xx\"}"), >, 0.0);
}

/* libporthole's typed calls reach the same routes. */
static void
test_client_calls (void)
{
  PortholeClient *client = daemon_under_test->client;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) system = NULL;
  g_autoptr(JsonObject) processes = NULL;
  g_autoptr(JsonObject) metrics = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  porthole_client_get_system_async (client, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  system = porthole_client_get_system_finish (client, result, &error);
  g_assert_no_error (error);
  check_system (system);
  g_clear_object (&result);

  porthole_client_list_processes_async (client, NULL, "portholed", 1, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  processes = porthole_client_list_processes_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (processes, "count"), ==, 1);
  g_clear_object (&result);

  porthole_client_get_metrics_async (client, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  metrics = porthole_client_get_metrics_finish (client, result, &error);
  g_assert_no_error (error);
  check_snapshot (metrics);
  g_clear_object (&result);

  porthole_client_get_prometheus_async (client, NULL, porthole_test_store_result, &slot);
  result = porthole_test_wait_result (&slot);
  text = porthole_client_get_prometheus_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "# TYPE process_open_fds gauge\n"));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/metrics/system", test_system);
  g_test_add_func ("/metrics/processes", test_processes);
  g_test_add_func ("/metrics/snapshot", test_snapshot);
  g_test_add_func ("/metrics/cpu-busy-loop", test_cpu_busy_loop);
  g_test_add_func ("/metrics/prometheus-promtool", test_prometheus_promtool);
  g_test_add_func ("/metrics/prometheus-histograms", test_prometheus_histograms);
  g_test_add_func ("/metrics/client-calls", test_client_calls);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
