/* porthole-cgroup-limits.c
 *
 * In a container, /proc/meminfo shows the host; the real ceilings are
 * the cgroup's. Both hierarchies exist in the wild: v2 (memory.max,
 * cpu.max, pids.max, "max" for none) and v1 (memory.limit_in_bytes,
 * where "none" is a huge page-aligned number, cpu.cfs_quota_us of -1).
 * Hybrid systems mount v1 controllers and an almost empty v2 tree, so
 * each controller is looked up where it really is (PLATFORM.md §11).
 * A limit set on any ancestor applies, so the tightest along the path
 * from the mount's root to our cgroup wins.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "porthole-cgroup-hierarchy.h"
#include "porthole-cgroup-limits.h"

/* v1 reports "no memory limit" as LONG_MAX rounded down to a page. */
#define V1_UNLIMITED_THRESHOLD (G_GINT64_CONSTANT (1) << 62)

/* Reads a file of @dir holding one value (or two, for cpu.max). */
static char *
read_value (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  return g_strstrip (contents);
}

/* "max" or a non-negative number; -1 for no limit, -2 when unreadable. */
static gint64
parse_limit (const char *text)
{
  gint64 value;

  if (text == NULL)
    return -2;
  if (g_str_equal (text, "max"))
    return -1;
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    return -2;
  if (value < 0 || value >= V1_UNLIMITED_THRESHOLD)
    return -1;

  return value;
}

/* The tightest of @current and @value (each -1 for none, -2 unknown). */
static gint64
tighter (gint64 current,
         gint64 value)
{
  if (value < 0)
    return current;
  if (current < 0)
    return value;
  return MIN (current, value);
}

static double
tighter_cpu (double current,
             double value)
{
  if (value <= 0.0)
    return current;
  if (current <= 0.0)
    return value;
  return MIN (current, value);
}

static void
read_v2 (const PortholeCgroupHierarchy *h,
         PortholeCgroupLimits          *limits)
{
  g_autoptr(GPtrArray) dirs = porthole_cgroup_hierarchy_directories (h);
  const char *own = g_ptr_array_index (dirs, dirs->len - 1);
  g_autofree char *current = read_value (own, "memory.current");

  for (guint i = 0; i < dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (dirs, i);
      g_autofree char *memory = read_value (dir, "memory.max");
      g_autofree char *pids = read_value (dir, "pids.max");
      g_autofree char *cpu = read_value (dir, "cpu.max");

      limits->memory_limit = tighter (limits->memory_limit, parse_limit (memory));
      limits->pids_limit = tighter (limits->pids_limit, parse_limit (pids));
      if (cpu != NULL)
        {
          g_auto(GStrv) quota_period = g_strsplit (cpu, " ", 2);
          gint64 quota = parse_limit (quota_period[0]);
          gint64 period = quota_period[1] ? parse_limit (quota_period[1]) : 100000;

          if (quota > 0 && period > 0)
            limits->cpu_limit = tighter_cpu (limits->cpu_limit, (double) quota / period);
        }
    }

  if (current != NULL)
    limits->memory_usage = MAX (parse_limit (current), -1);
}

static void
read_v1 (const PortholeCgroupHierarchy *memory,
         const PortholeCgroupHierarchy *cpu,
         const PortholeCgroupHierarchy *pids,
         PortholeCgroupLimits          *limits)
{
  if (memory->mount_point != NULL)
    {
      g_autoptr(GPtrArray) dirs = porthole_cgroup_hierarchy_directories (memory);
      g_autofree char *usage = read_value (g_ptr_array_index (dirs, dirs->len - 1),
                                           "memory.usage_in_bytes");

      for (guint i = 0; i < dirs->len; i++)
        {
          g_autofree char *limit = read_value (g_ptr_array_index (dirs, i), "memory.limit_in_bytes");

          limits->memory_limit = tighter (limits->memory_limit, parse_limit (limit));
        }
      if (usage != NULL)
        limits->memory_usage = MAX (parse_limit (usage), -1);
    }

  if (cpu->mount_point != NULL)
    {
      g_autoptr(GPtrArray) dirs = porthole_cgroup_hierarchy_directories (cpu);

      for (guint i = 0; i < dirs->len; i++)
        {
          g_autofree char *quota_text = read_value (g_ptr_array_index (dirs, i), "cpu.cfs_quota_us");
          g_autofree char *period_text = read_value (g_ptr_array_index (dirs, i), "cpu.cfs_period_us");
          gint64 quota, period;

          /* -1 is "no quota"; parse_limit maps every negative to -1. */
          quota = parse_limit (quota_text);
          period = parse_limit (period_text);
          if (quota > 0 && period > 0)
            limits->cpu_limit = tighter_cpu (limits->cpu_limit, (double) quota / period);
        }
    }

  if (pids->mount_point != NULL)
    {
      g_autoptr(GPtrArray) dirs = porthole_cgroup_hierarchy_directories (pids);

      for (guint i = 0; i < dirs->len; i++)
        {
          g_autofree char *limit = read_value (g_ptr_array_index (dirs, i), "pids.max");

          limits->pids_limit = tighter (limits->pids_limit, parse_limit (limit));
        }
    }
}

/**
 * porthole_cgroup_limits_read_from:
 * @proc_self_cgroup: the text of /proc/self/cgroup
 * @mountinfo: the text of /proc/self/mountinfo
 *
 * Reads the limit files where those two say they are.
 */
void
porthole_cgroup_limits_read_from (const char           *proc_self_cgroup,
                                  const char           *mountinfo,
                                  PortholeCgroupLimits *limits)
{
  g_auto(PortholeCgroupHierarchy) v2 = { 0 };
  g_auto(PortholeCgroupHierarchy) memory = { 0 };
  g_auto(PortholeCgroupHierarchy) cpu = { 0 };
  g_auto(PortholeCgroupHierarchy) pids = { 0 };
  gboolean v2_has_memory = FALSE;

  limits->version = 0;
  limits->memory_limit = -1;
  limits->memory_usage = -1;
  limits->cpu_limit = -1.0;
  limits->pids_limit = -1;

  /* v2 counts only when it holds the memory controller: on hybrid
   * systems its tree exists but carries next to nothing. */
  if (porthole_cgroup_hierarchy_find (&v2, proc_self_cgroup, mountinfo, NULL))
    {
      g_autoptr(GPtrArray) dirs = porthole_cgroup_hierarchy_directories (&v2);
      g_autofree char *controllers = read_value (g_ptr_array_index (dirs, 0), "cgroup.controllers");

      if (controllers != NULL)
        {
          g_auto(GStrv) names = g_strsplit (controllers, " ", -1);

          v2_has_memory = g_strv_contains ((const char *const *) names, "memory");
        }
    }

  if (v2_has_memory)
    {
      limits->version = 2;
      read_v2 (&v2, limits);
      return;
    }

  porthole_cgroup_hierarchy_find (&memory, proc_self_cgroup, mountinfo, "memory");
  porthole_cgroup_hierarchy_find (&cpu, proc_self_cgroup, mountinfo, "cpu");
  porthole_cgroup_hierarchy_find (&pids, proc_self_cgroup, mountinfo, "pids");

  if (memory.mount_point != NULL || cpu.mount_point != NULL || pids.mount_point != NULL)
    {
      limits->version = 1;
      read_v1 (&memory, &cpu, &pids, limits);
    }
}

void
porthole_cgroup_limits_read (PortholeCgroupLimits *limits)
{
  g_autofree char *cgroup = NULL;
  g_autofree char *mountinfo = NULL;

  if (!g_file_get_contents ("/proc/self/cgroup", &cgroup, NULL, NULL))
    cgroup = g_strdup ("");
  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    mountinfo = g_strdup ("");

  porthole_cgroup_limits_read_from (cgroup, mountinfo, limits);
}

/**
 * porthole_cgroup_limits_to_json:
 *
 * Returns: (transfer full): `cgroup_version`, `memory_limit`,
 *   `memory_usage`, `cpu_limit`, `pids_limit`; null where there is no
 *   limit
 */
JsonObject *
porthole_cgroup_limits_to_json (const PortholeCgroupLimits *limits)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "cgroup_version", limits->version);
  if (limits->memory_limit >= 0)
    json_object_set_int_member (object, "memory_limit", limits->memory_limit);
  else
    json_object_set_null_member (object, "memory_limit");
  if (limits->memory_usage >= 0)
    json_object_set_int_member (object, "memory_usage", limits->memory_usage);
  else
    json_object_set_null_member (object, "memory_usage");
  if (limits->cpu_limit > 0.0)
    json_object_set_double_member (object, "cpu_limit", limits->cpu_limit);
  else
    json_object_set_null_member (object, "cpu_limit");
  if (limits->pids_limit >= 0)
    json_object_set_int_member (object, "pids_limit", limits->pids_limit);
  else
    json_object_set_null_member (object, "pids_limit");

  return object;
}
