/* porthole-cgroup-hierarchy.c
 *
 * /proc/self/mountinfo says where each hierarchy is mounted (and which
 * part of it the mount shows), /proc/self/cgroup where we are in it.
 * Hybrid systems mount v1 controllers and a v2 tree side by side
 * (PLATFORM.md §11), so a hierarchy is looked up by its controller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-cgroup-hierarchy.h"

void
porthole_cgroup_hierarchy_clear (PortholeCgroupHierarchy *h)
{
  g_clear_pointer (&h->mount_point, g_free);
  g_clear_pointer (&h->root, g_free);
  g_clear_pointer (&h->own_path, g_free);
}

/* Finds the mount of a v1 @controller, or of the v2 tree when NULL. */
static gboolean
find_mount (const char              *mountinfo,
            const char              *controller,
            PortholeCgroupHierarchy *h)
{
  g_auto(GStrv) lines = g_strsplit (mountinfo, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (fields);

      /* id parent dev root mount-point options [optional...] - fstype source super-options */
      for (guint j = 6; j + 1 < n; j++)
        {
          if (!g_str_equal (fields[j], "-"))
            continue;
          if (controller == NULL && g_str_equal (fields[j + 1], "cgroup2"))
            {
              h->root = g_strdup (fields[3]);
              h->mount_point = g_strdup (fields[4]);
              return TRUE;
            }
          if (controller != NULL && g_str_equal (fields[j + 1], "cgroup") && j + 3 < n)
            {
              g_auto(GStrv) options = g_strsplit (fields[j + 3], ",", -1);

              if (g_strv_contains ((const char *const *) options, controller))
                {
                  h->root = g_strdup (fields[3]);
                  h->mount_point = g_strdup (fields[4]);
                  return TRUE;
                }
            }
          break;
        }
    }

  return FALSE;
}

/* Our path in the v1 hierarchy holding @controller, or in v2 when NULL. */
static char *
find_own_path (const char *proc_self_cgroup,
               const char *controller)
{
  g_auto(GStrv) lines = g_strsplit (proc_self_cgroup, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ":", 3);

      if (g_strv_length (fields) != 3)
        continue;
      if (controller == NULL && g_str_equal (fields[0], "0") && fields[1][0] == '\0')
        return g_strdup (fields[2]);
      if (controller != NULL)
        {
          g_auto(GStrv) names = g_strsplit (fields[1], ",", -1);

          if (g_strv_contains ((const char *const *) names, controller))
            return g_strdup (fields[2]);
        }
    }

  return NULL;
}

/**
 * porthole_cgroup_hierarchy_find:
 * @proc_self_cgroup: the text of /proc/self/cgroup
 * @mountinfo: the text of /proc/self/mountinfo
 * @controller: (nullable): a v1 controller, or %NULL for the v2 tree
 */
gboolean
porthole_cgroup_hierarchy_find (PortholeCgroupHierarchy *h,
                                const char              *proc_self_cgroup,
                                const char              *mountinfo,
                                const char              *controller)
{
  if (find_mount (mountinfo, controller, h) &&
      (h->own_path = find_own_path (proc_self_cgroup, controller)) != NULL)
    return TRUE;

  porthole_cgroup_hierarchy_clear (h);
  return FALSE;
}

/* porthole_cgroup_hierarchy_find() for this process. */
gboolean
porthole_cgroup_hierarchy_find_own (PortholeCgroupHierarchy *h,
                                    const char              *controller)
{
  g_autofree char *cgroup = NULL;
  g_autofree char *mountinfo = NULL;

  return g_file_get_contents ("/proc/self/cgroup", &cgroup, NULL, NULL) &&
         g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL) &&
         porthole_cgroup_hierarchy_find (h, cgroup, mountinfo, controller);
}

/* Our path below the mount's root, or NULL when a cgroup namespace shows
 * a path that is not under it. */
static const char *
relative_path (const PortholeCgroupHierarchy *h)
{
  if (g_str_equal (h->root, "/"))
    return h->own_path;
  if (!g_str_has_prefix (h->own_path, h->root))
    return NULL;
  return h->own_path + strlen (h->root);
}

/**
 * porthole_cgroup_hierarchy_directories:
 *
 * Returns: (transfer full) (element-type utf8): the directories from the
 *   mount point down to our cgroup, top first; only the mount point when
 *   our path is not under the mount's root
 */
GPtrArray *
porthole_cgroup_hierarchy_directories (const PortholeCgroupHierarchy *h)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *relative = relative_path (h);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) path = g_string_new (h->mount_point);

  g_ptr_array_add (dirs, g_strdup (path->str));
  parts = g_strsplit (relative ? relative : "", "/", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      g_string_append_printf (path, "/%s", parts[i]);
      if (!g_file_test (path->str, G_FILE_TEST_IS_DIR))
        break;
      g_ptr_array_add (dirs, g_strdup (path->str));
    }

  return dirs;
}

/**
 * porthole_cgroup_hierarchy_own_dir:
 *
 * Returns: (transfer full) (nullable): the directory of our cgroup, or
 *   %NULL when it cannot be seen from here
 */
char *
porthole_cgroup_hierarchy_own_dir (const PortholeCgroupHierarchy *h)
{
  const char *relative = relative_path (h);
  g_autofree char *dir = NULL;

  if (relative == NULL)
    return NULL;
  dir = g_build_filename (h->mount_point, relative, NULL);
  return g_file_test (dir, G_FILE_TEST_IS_DIR) ? g_steal_pointer (&dir) : NULL;
}
