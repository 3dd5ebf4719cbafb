/* porthole-plugin-path.c
 *
 * One rule for portholed (which loads its plugins and helpers from
 * there) and the hub (which must make the same directories visible
 * inside a sandbox): $PORTHOLE_PLUGIN_DIR when set (directories
 * separated by ':'); the build tree's when the agent binary lies in it
 * (tests, tools/run); the installed directory otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-plugin-path.h"

/**
 * porthole_plugin_path_for:
 * @agent: (nullable): the agent binary's absolute path, links resolved
 *
 * Returns: (transfer full): the directories plugins are looked for in,
 *   separated by ':'
 */
char *
porthole_plugin_path_for (const char *agent)
{
  const char *env = g_getenv ("PORTHOLE_PLUGIN_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (agent != NULL && g_str_has_prefix (agent, PORTHOLE_BUILD_ROOT G_DIR_SEPARATOR_S))
    return g_strdup (PORTHOLE_BUILD_PLUGINDIR);
  return g_strdup (PORTHOLE_PLUGINDIR);
}
