/* porthole-sandbox-list.h — the sandboxes in the sidebar, kept in
 * GSettings (without tokens) and their tokens in the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-connection-info.h"
#include "porthole-sandbox.h"
#include "porthole-token-store.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SANDBOX_LIST (porthole_sandbox_list_get_type ())

G_DECLARE_FINAL_TYPE (PortholeSandboxList, porthole_sandbox_list, PORTHOLE, SANDBOX_LIST, GObject)

PortholeSandboxList *porthole_sandbox_list_new             (GSettings              *settings,
                                                            PortholeTokenStore     *token_store);
void                 porthole_sandbox_list_load            (PortholeSandboxList    *self);
PortholeSandbox     *porthole_sandbox_list_find            (PortholeSandboxList    *self,
                                                            const char             *id);
PortholeSandbox     *porthole_sandbox_list_find_by_url     (PortholeSandboxList    *self,
                                                            const char             *url);
guint                porthole_sandbox_list_get_position    (PortholeSandboxList    *self,
                                                            PortholeSandbox        *sandbox);
PortholeSandbox     *porthole_sandbox_list_add             (PortholeSandboxList    *self,
                                                            PortholeConnectionInfo *info);
void                 porthole_sandbox_list_update          (PortholeSandboxList    *self,
                                                            PortholeSandbox        *sandbox,
                                                            PortholeConnectionInfo *info);
void                 porthole_sandbox_list_remove          (PortholeSandboxList    *self,
                                                            PortholeSandbox        *sandbox);
guint                porthole_sandbox_list_get_n_pending   (PortholeSandboxList    *self);

G_END_DECLS
