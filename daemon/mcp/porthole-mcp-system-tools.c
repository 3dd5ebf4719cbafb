/* porthole-mcp-system-tools.c
 *
 * system_info: the figures of GET /system (the same sampler), plus what
 * an agent plans with: the languages, and the screen in the coordinate
 * space of the desktop tools.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-daemon.h"
#include "porthole-env-store.h"
#include "porthole-json.h"
#include "porthole-language.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-tools.h"
#include "porthole-sysinfo.h"
#include "porthole-version.h"
#if HAVE_DESKTOP
#include "porthole-mcp-space.h"
#endif

static void
tool_system_info (PortholeMcpCall *call,
                  JsonObject      *arguments,
                  gpointer         user_data)
{
  PortholeDaemon *daemon = porthole_mcp_call_get_daemon (call);
  g_autoptr(JsonObject) info = porthole_sysinfo_build_system (porthole_daemon_get_sysinfo (daemon));
  g_auto(GStrv) envp = porthole_env_store_build_envp (porthole_daemon_get_env_store (daemon), NULL);
  JsonObject *desktop = json_object_new ();
  JsonObject *memory = porthole_json_object_get_object (info, "memory");
  JsonObject *disk = porthole_json_object_get_object (info, "disk");
  g_autofree char *summary = NULL;

  json_object_set_string_member (info, "version", porthole_version_get ());
  json_object_set_string_member (info, "workspace", porthole_daemon_get_workspace (daemon));
  json_object_set_array_member (info, "languages", porthole_language_dup_available ((const char *const *) envp));

#if HAVE_DESKTOP
  porthole_mcp_space_describe (call, desktop);
#else
  json_object_set_boolean_member (desktop, "available", FALSE);
#endif
  json_object_set_object_member (info, "desktop", desktop);

  summary = g_strdup_printf ("%s: %d CPUs, %.0f%% CPU busy; memory %.1f of %.1f GiB used; disk %.1f of %.1f GiB used; %s",
                             json_object_get_string_member (info, "hostname"),
                             (int) json_object_get_int_member (json_object_get_object_member (info, "cpu"), "cores"),
                             json_object_get_double_member (info, "cpu_percent"),
                             json_object_get_int_member (memory, "used") / 1073741824.0,
                             json_object_get_int_member (memory, "total") / 1073741824.0,
                             json_object_get_int_member (disk, "used") / 1073741824.0,
                             json_object_get_int_member (disk, "total") / 1073741824.0,
                             json_object_get_boolean_member (desktop, "available") ? "desktop available" : "no desktop");
  porthole_mcp_call_add_text (call, summary);
  porthole_mcp_call_set_structured (call, info);
  porthole_mcp_call_finish_tool (call);
}

void
porthole_mcp_system_tools_register (PortholeMcpRegistry *registry,
                                    PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "system_info", tool_system_info },
  };

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-system-tools.json",
                                   entries, G_N_ELEMENTS (entries), server);
}
