/* porthole-mcp-tools.h — what portholed serves over MCP, area by area;
 * each registers its tools and resources with the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-mcp-registry.h"
#include "porthole-mcp-server.h"

G_BEGIN_DECLS

/* Where the tools' definitions are (names, descriptions, JSON
 * Schemas, annotations). */
#define PORTHOLE_MCP_RESOURCES "/io/github/porthole/portholed/mcp"

void porthole_mcp_system_tools_register  (PortholeMcpRegistry *registry,
                                          PortholeMcpServer   *server);
void porthole_mcp_file_tools_register    (PortholeMcpRegistry *registry,
                                          PortholeMcpServer   *server);
void porthole_mcp_code_tools_register    (PortholeMcpRegistry *registry,
                                          PortholeMcpServer   *server);
#if HAVE_DESKTOP
void porthole_mcp_desktop_tools_register (PortholeMcpRegistry *registry,
                                          PortholeMcpServer   *server);
#endif

/* The test fixtures of the official conformance suite: a plugin
 * (porthole-plugin.h) built for the tests only, never installed, loaded
 * when PORTHOLE_MCP_TEST_FIXTURES=1. */
#define PORTHOLE_PLUGIN_MCP_FIXTURES "mcp-fixtures"
#define PORTHOLE_MCP_FIXTURES_ENV "PORTHOLE_MCP_TEST_FIXTURES"

typedef struct
{
  void (*register_fixtures) (PortholeMcpRegistry *registry,
                             PortholeMcpServer   *server);
} PortholeMcpFixturesPlugin;

G_END_DECLS
