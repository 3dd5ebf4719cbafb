/* porthole-mcp-action.h — one action tool's run: the action, then what
 * an agent needs to know without another round trip: whether the screen
 * changed, once it has settled, and a screenshot of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-desktop.h"
#include "porthole-input-script.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-space.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_MCP_ACTION (porthole_mcp_action_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpAction, porthole_mcp_action, PORTHOLE, MCP_ACTION, GObject)

PortholeMcpAction *porthole_mcp_action_new               (PortholeMcpCall        *call,
                                                          PortholeDesktop        *desktop,
                                                          const PortholeMcpSpace *space,
                                                          JsonObject             *arguments);
PortholeMcpCall   *porthole_mcp_action_get_call          (PortholeMcpAction      *self);
PortholeDesktop   *porthole_mcp_action_get_desktop       (PortholeMcpAction      *self);
const PortholeMcpSpace *porthole_mcp_action_get_space    (PortholeMcpAction      *self);
void               porthole_mcp_action_run_script_async  (PortholeMcpAction      *self,
                                                          PortholeInputScript    *script,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean           porthole_mcp_action_run_script_finish (PortholeMcpAction      *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);
void               porthole_mcp_action_run               (PortholeMcpAction      *self,
                                                          PortholeInputScript    *script,
                                                          JsonObject             *structured,
                                                          const char             *text);
void               porthole_mcp_action_complete          (PortholeMcpAction      *self,
                                                          JsonObject             *structured,
                                                          const char             *text);
void               porthole_mcp_action_fail              (PortholeMcpAction      *self,
                                                          const GError           *error);

G_END_DECLS
