/* porthole-mcp-desktop.h — the desktop tools' files, and what they share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-desktop.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-registry.h"
#include "porthole-mcp-server.h"
#include "porthole-mcp-space.h"

G_BEGIN_DECLS

void             porthole_mcp_input_tools_register     (PortholeMcpRegistry *registry,
                                                        PortholeMcpServer   *server);
void             porthole_mcp_batch_tool_register      (PortholeMcpRegistry *registry,
                                                        PortholeMcpServer   *server);
void             porthole_mcp_a11y_tools_register      (PortholeMcpRegistry *registry,
                                                        PortholeMcpServer   *server);
void             porthole_mcp_screen_resource_register (PortholeMcpRegistry *registry,
                                                        PortholeMcpServer   *server);

PortholeDesktop *porthole_mcp_desktop_begin            (PortholeMcpCall     *call,
                                                        JsonObject          *arguments,
                                                        PortholeMcpSpace    *space);
void             porthole_mcp_desktop_add_action_arguments (PortholeMcpRegistry *registry,
                                                        const char          *name);
gboolean         porthole_mcp_desktop_parse_button     (const char          *name,
                                                        guint               *button);

G_END_DECLS
