/* porthole-mcp-code-tools.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-mcp-tools.h"

void
porthole_mcp_code_tools_register (PortholeMcpRegistry *registry,
                                  PortholeMcpServer   *server)
{
}
