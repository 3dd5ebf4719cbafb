/* test-sysinfo.c — container limits from cgroup v1 and v2 trees, /proc
 * readers, request accounting and Prometheus text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <time.h>

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "porthole-cgroup-limits.h"
#include "porthole-procfs.h"
#include "porthole-prometheus.h"
#include "porthole-request-stats.h"
#include "porthole-sysinfo.h"
#include "test-utils.h"

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* A cgroup v2 tree: the limit of an ancestor applies, the tightest wins,
 * "max" is no limit. */
static void
test_cgroup_v2 (void)
{
  g_autofree char *root = porthole_test_make_tmpdir ();
  g_autofree char *parent = g_build_filename (root, "sandbox", NULL);
  g_autofree char *own = g_build_filename (root, "sandbox", "agent", NULL);
  g_autofree char *mountinfo = g_strdup_printf ("30 23 0:26 / %s rw,nosuid - cgroup2 cgroup2 rw\n", root);
  PortholeCgroupLimits limits;

  write_file (root, "cgroup.controllers", "cpuset cpu io memory pids\n");
  write_file (parent, "memory.max", "536870912\n");
  write_file (parent, "cpu.max", "150000 100000\n");
  write_file (parent, "pids.max", "max\n");
  write_file (own, "memory.max", "max\n");
  write_file (own, "memory.current", "12345678\n");
  write_file (own, "cpu.max", "max 100000\n");
  write_file (own, "pids.max", "512\n");

  porthole_cgroup_limits_read_from ("0::/sandbox/agent\n", mountinfo, &limits);
  g_assert_cmpint (limits.version, ==, 2);
  g_assert_cmpint (limits.memory_limit, ==, 536870912);
  g_assert_cmpint (limits.memory_usage, ==, 12345678);
  g_assert_cmpfloat_with_epsilon (limits.cpu_limit, 1.5, 1e-9);
  g_assert_cmpint (limits.pids_limit, ==, 512);

  /* Everything unlimited. */
  write_file (parent, "memory.max", "max\n");
  write_file (parent, "cpu.max", "max 100000\n");
  write_file (own, "pids.max", "max\n");
  porthole_cgroup_limits_read_from ("0::/sandbox/agent\n", mountinfo, &limits);
  g_assert_cmpint (limits.memory_limit, ==, -1);
  g_assert_cmpfloat (limits.cpu_limit, <, 0.0);
  g_assert_cmpint (limits.pids_limit, ==, -1);

  porthole_test_rm_rf (root);
}

/* A v1 (hybrid) tree as PLATFORM.md §11 describes this machine: v1
 * controllers, a v2 mount without the memory controller, and v1's
 * "no limit" values. */
static void
test_cgroup_v1 (void)
{
  g_autofree char *root = porthole_test_make_tmpdir ();
  g_autofree char *memory = g_build_filename (root, "memory", NULL);
  g_autofree char *memory_own = g_build_filename (root, "memory", "box", "agent", NULL);
  g_autofree char *memory_parent = g_build_filename (root, "memory", "box", NULL);
  g_autofree char *cpu = g_build_filename (root, "cpu", NULL);
  g_autofree char *unified = g_build_filename (root, "unified", NULL);
  g_autofree char *mountinfo = g_strdup_printf (
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / %s rw,relatime - cgroup cgroup rw,cpu\n"
    "35 31 0:32 / %s rw,relatime - cgroup cgroup rw,memory\n"
    "41 31 0:38 / %s rw,relatime - cgroup2 cgroup2 rw\n",
    cpu, memory, unified);
  const char *proc_cgroup = "4:memory:/box/agent\n1:cpu:/\n0::/\n";
  PortholeCgroupLimits limits;

  write_file (unified, "cgroup.controllers", "hugetlb\n");
  write_file (memory, "memory.limit_in_bytes", "9223372036854771712\n");
  write_file (memory_parent, "memory.limit_in_bytes", "9223372036854771712\n");
  write_file (memory_own, "memory.limit_in_bytes", "9223372036854771712\n");
  write_file (memory_own, "memory.usage_in_bytes", "4096000\n");
  write_file (cpu, "cpu.cfs_quota_us", "-1\n");
  write_file (cpu, "cpu.cfs_period_us", "100000\n");

  porthole_cgroup_limits_read_from (proc_cgroup, mountinfo, &limits);
  g_assert_cmpint (limits.version, ==, 1);
  g_assert_cmpint (limits.memory_limit, ==, -1);
  g_assert_cmpint (limits.memory_usage, ==, 4096000);
  g_assert_cmpfloat (limits.cpu_limit, <, 0.0);
  g_assert_cmpint (limits.pids_limit, ==, -1);

  /* A limit on the parent, a quota on the root. */
  write_file (memory_parent, "memory.limit_in_bytes", "268435456\n");
  write_file (cpu, "cpu.cfs_quota_us", "50000\n");
  porthole_cgroup_limits_read_from (proc_cgroup, mountinfo, &limits);
  g_assert_cmpint (limits.memory_limit, ==, 268435456);
  g_assert_cmpfloat_with_epsilon (limits.cpu_limit, 0.5, 1e-9);

  porthole_test_rm_rf (root);
}

/* Whatever this machine is, its own cgroup reads without error. */
static void
test_cgroup_here (void)
{
  PortholeCgroupLimits limits;
  g_autoptr(JsonObject) json = NULL;

  porthole_cgroup_limits_read (&limits);
  g_assert_cmpint (limits.version, >=, 0);
  g_assert_cmpint (limits.version, <=, 2);
  json = porthole_cgroup_limits_to_json (&limits);
  g_assert_true (json_object_has_member (json, "memory_limit"));
  g_assert_true (json_object_has_member (json, "cpu_limit"));
  g_assert_cmpint (json_object_get_int_member (json, "cgroup_version"), ==, limits.version);
}

static void
test_procfs_self (void)
{
  PortholeProcStat stat;
  g_auto(GStrv) argv = porthole_procfs_read_cmdline (getpid ());
  g_autoptr(GArray) pids = porthole_procfs_list_pids (NULL);
  gint64 start;
  guint uid;
  gboolean found = FALSE;

  g_assert_true (porthole_procfs_read_stat (getpid (), &stat));
  g_assert_cmpint (stat.pid, ==, getpid ());
  g_assert_cmpint (stat.ppid, ==, getppid ());
  g_assert_cmpstr (porthole_procfs_state_name (stat.state), ==, "running");
  g_assert_cmpuint (stat.rss_bytes, >, 0);
  g_assert_cmpuint (stat.vsize_bytes, >=, stat.rss_bytes);
  g_assert_cmpuint (stat.threads, >=, 1);

  /* Started within the last hour, by the clock. */
  start = porthole_procfs_start_time (&stat);
  g_assert_cmpint (start, <=, g_get_real_time () + G_USEC_PER_SEC);
  g_assert_cmpint (start, >, g_get_real_time () - (gint64) 3600 * G_USEC_PER_SEC);

  g_assert_nonnull (argv);
  g_assert_nonnull (strstr (argv[0], "test-sysinfo"));
  g_assert_true (porthole_procfs_read_uid (getpid (), &uid));
  g_assert_cmpuint (uid, ==, geteuid ());
  g_assert_cmpuint (porthole_procfs_count_fds (getpid ()), >=, 3);

  for (guint i = 0; i < pids->len && !found; i++)
    found = g_array_index (pids, int, i) == getpid ();
  g_assert_true (found);

  g_assert_false (porthole_procfs_read_stat (G_MAXINT - 1, &stat));
  g_assert_cmpstr (porthole_procfs_state_name ('Z'), ==, "zombie");
  g_assert_cmpstr (porthole_procfs_state_name ('D'), ==, "disk-sleep");
  g_assert_cmpstr (porthole_procfs_state_name ('T'), ==, "stopped");
  g_assert_cmpstr (porthole_procfs_state_name ('I'), ==, "idle");
}

/* This process burns CPU between two passes: the second pass sees it. */
static gint64
process_cpu_usec (void)
{
  struct timespec now;

  g_assert_no_errno (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now));
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* The tracker's figure for this process, spinning, against the CPU time
 * the kernel counted for it over the same wall time: on a busy machine
 * the spin gets less than a CPU, and the figure must say so. */
static void
test_cpu_tracker (void)
{
  g_autoptr(PortholeCpuTracker) tracker = porthole_cpu_tracker_new ();
  PortholeProcStat stat;
  gint64 wall, cpu, deadline;
  double percent, expected;
  volatile guint64 spin = 0;

  porthole_cpu_tracker_begin (tracker);
  g_assert_true (porthole_procfs_read_stat (getpid (), &stat));
  wall = g_get_monotonic_time ();
  cpu = process_cpu_usec ();
  porthole_cpu_tracker_update (tracker, &stat);
  porthole_cpu_tracker_end (tracker);

  /* 500 ms of CPU: /proc counts in ticks of 10 ms. */
  deadline = wall + 120 * G_USEC_PER_SEC;
  while (process_cpu_usec () - cpu < 500 * 1000 && g_get_monotonic_time () < deadline)
    spin++;

  porthole_cpu_tracker_begin (tracker);
  g_assert_true (porthole_procfs_read_stat (getpid (), &stat));
  expected = 100.0 * (process_cpu_usec () - cpu) / (g_get_monotonic_time () - wall);
  percent = porthole_cpu_tracker_update (tracker, &stat);
  porthole_cpu_tracker_end (tracker);

  g_test_message ("tracker %.1f %%, the kernel's CPU time over the wall time %.1f %%", percent, expected);
  /* Two ticks of rounding over at least 500 ms of CPU, and the moments
   * between the tracker's reads and ours. */
  g_assert_cmpfloat (fabs (percent - expected), <=, 5.0 + expected * 0.1);
  g_assert_cmpfloat (percent, <=, 100.0 * porthole_sysinfo_get_n_cpus () + 10.0);
}

static void
test_network_and_memory (void)
{
  PortholeMemoryInfo memory;
  guint64 rx, tx;

  g_assert_true (porthole_sysinfo_read_memory (&memory));
  g_assert_cmpuint (memory.total, >, 0);
  g_assert_cmpuint (memory.used + memory.available, ==, memory.total);
  g_assert_true (porthole_sysinfo_read_network (&rx, &tx));
}

static void
test_prometheus_labels (void)
{
  g_autofree char *labels = porthole_prometheus_labels ("path", "/a\"b\\c\nd", "le", "+Inf", NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_cmpstr (labels, ==, "{path=\"/a\\\"b\\\\c\\nd\",le=\"+Inf\"}");

  porthole_prometheus_value (out, "x", NULL, 3.0);
  porthole_prometheus_value (out, "y", "{a=\"1\"}", 0.25);
  porthole_prometheus_value (out, "z", NULL, 1.0 / 0.0);
  g_assert_cmpstr (out->str, ==, "x 3\ny{a=\"1\"} 0.25\nz +Inf\n");
}

/* Counts per route template and class; unmatched requests share one key. */
static void
test_request_stats (void)
{
  g_autoptr(PortholeRequestStats) stats = porthole_request_stats_new ();
  g_autoptr(JsonObject) snapshot = json_object_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_routes;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);
  const PortholeRoute *ping = NULL;
  JsonObject *counts;

  for (guint i = 0; i < n_routes; i++)
    if (g_str_equal (routes[i].path, "/ping"))
      ping = &routes[i];
  g_assert_nonnull (ping);

  for (guint i = 0; i < 20; i++)
    porthole_request_stats_record (stats, ping, 200, (i + 1) * 1000);
  porthole_request_stats_record (stats, ping, 503, 2 * G_USEC_PER_SEC);
  porthole_request_stats_record (stats, NULL, 404, 100);
  porthole_request_stats_record (stats, NULL, 405, 100);

  g_assert_cmpuint (porthole_request_stats_get_total (stats), ==, 23);
  g_assert_cmpuint (porthole_request_stats_get_errors (stats), ==, 3);

  porthole_request_stats_add_json (stats, snapshot);
  counts = json_object_get_object_member (json_object_get_object_member (snapshot, "requests_total"), "GET /ping");
  g_assert_cmpint (json_object_get_int_member (counts, "success"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (counts, "error"), ==, 1);
  counts = json_object_get_object_member (json_object_get_object_member (snapshot, "requests_total"), "* (unmatched)");
  g_assert_cmpint (json_object_get_int_member (counts, "error"), ==, 2);
  /* 21 requests of 1..20 ms and 2 s: the mean, and a p95 that is the 20th. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (snapshot, "avg_duration_ms"), "GET /ping"),
                                  (210.0 + 2000.0) / 21.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (snapshot, "p95_duration_ms"), "GET /ping"),
                                  20.0, 1e-6);

  porthole_request_stats_write_prometheus (stats, out);
  g_assert_nonnull (strstr (out->str, "hopx_agent_http_requests_total{method=\"GET\",path=\"/ping\",status=\"2xx\"} 20\n"));
  g_assert_nonnull (strstr (out->str, "hopx_agent_http_requests_total{method=\"GET\",path=\"/ping\",status=\"5xx\"} 1\n"));
  g_assert_nonnull (strstr (out->str, "hopx_agent_http_requests_total{method=\"*\",path=\"(unmatched)\",status=\"4xx\"} 2\n"));
  /* 1 ms is in the 1 ms bucket; 2..2.5 ms in 2.5 ms; 3..5 ms in 5 ms. */
  g_assert_nonnull (strstr (out->str, "_bucket{method=\"GET\",path=\"/ping\",status=\"2xx\",le=\"0.001\"} 1\n"));
  g_assert_nonnull (strstr (out->str, "_bucket{method=\"GET\",path=\"/ping\",status=\"2xx\",le=\"0.0025\"} 2\n"));
  g_assert_nonnull (strstr (out->str, "_bucket{method=\"GET\",path=\"/ping\",status=\"2xx\",le=\"0.005\"} 5\n"));
  g_assert_nonnull (strstr (out->str, "_bucket{method=\"GET\",path=\"/ping\",status=\"2xx\",le=\"+Inf\"} 20\n"));
  g_assert_nonnull (strstr (out->str, "_bucket{method=\"GET\",path=\"/ping\",status=\"5xx\",le=\"1\"} 0\n"));
  g_assert_nonnull (strstr (out->str, "_bucket{method=\"GET\",path=\"/ping\",status=\"5xx\",le=\"2.5\"} 1\n"));
  g_assert_nonnull (strstr (out->str, "_count{method=\"GET\",path=\"/ping\",status=\"2xx\"} 20\n"));
  g_assert_nonnull (strstr (out->str, "_sum{method=\"GET\",path=\"/ping\",status=\"2xx\"} 0.21\n"));
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/sysinfo/cgroup-v2", test_cgroup_v2);
  g_test_add_func ("/sysinfo/cgroup-v1", test_cgroup_v1);
  g_test_add_func ("/sysinfo/cgroup-here", test_cgroup_here);
  g_test_add_func ("/sysinfo/procfs-self", test_procfs_self);
  g_test_add_func ("/sysinfo/cpu-tracker", test_cpu_tracker);
  g_test_add_func ("/sysinfo/network-and-memory", test_network_and_memory);
  g_test_add_func ("/sysinfo/prometheus-labels", test_prometheus_labels);
  g_test_add_func ("/sysinfo/request-stats", test_request_stats);

  return g_test_run ();
}
