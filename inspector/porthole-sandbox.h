/* porthole-sandbox.h — one sandbox in the sidebar: where its agent is,
 * and what its last health check said
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"
#include "porthole-health.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_SANDBOX_CONNECTING,
  PORTHOLE_SANDBOX_ONLINE,
  PORTHOLE_SANDBOX_UNREACHABLE,
  PORTHOLE_SANDBOX_TOKEN_INVALID,
  PORTHOLE_SANDBOX_TOKEN_EXPIRED,
  PORTHOLE_SANDBOX_NO_TOKEN,
  PORTHOLE_SANDBOX_UNHEALTHY,
} PortholeSandboxState;

#define PORTHOLE_TYPE_SANDBOX_STATE (porthole_sandbox_state_get_type ())
#define PORTHOLE_TYPE_SANDBOX (porthole_sandbox_get_type ())

GType porthole_sandbox_state_get_type (void);

G_DECLARE_FINAL_TYPE (PortholeSandbox, porthole_sandbox, PORTHOLE, SANDBOX, GObject)

PortholeSandbox      *porthole_sandbox_new                (const char      *id,
                                                           const char      *name,
                                                           const char      *url);
const char           *porthole_sandbox_get_id             (PortholeSandbox *self);
const char           *porthole_sandbox_get_name           (PortholeSandbox *self);
void                  porthole_sandbox_set_name           (PortholeSandbox *self,
                                                           const char      *name);
const char           *porthole_sandbox_get_url            (PortholeSandbox *self);
void                  porthole_sandbox_set_url            (PortholeSandbox *self,
                                                           const char      *url);
PortholeClient       *porthole_sandbox_get_client         (PortholeSandbox *self);
gboolean              porthole_sandbox_has_token          (PortholeSandbox *self);
const char           *porthole_sandbox_get_token          (PortholeSandbox *self);
void                  porthole_sandbox_set_token          (PortholeSandbox *self,
                                                           const char      *token);
PortholeSandboxState  porthole_sandbox_get_state          (PortholeSandbox *self);
gboolean              porthole_sandbox_is_online          (PortholeSandbox *self);
const char           *porthole_sandbox_get_version        (PortholeSandbox *self);
PortholeDesktopState  porthole_sandbox_get_desktop        (PortholeSandbox *self);
const char           *porthole_sandbox_get_message        (PortholeSandbox *self);
char                 *porthole_sandbox_dup_status_title   (PortholeSandbox *self);
char                 *porthole_sandbox_dup_status_details (PortholeSandbox *self);
char                 *porthole_sandbox_dup_subtitle       (PortholeSandbox *self);
/* Every class porthole_sandbox_get_status_class() may return. */
#define PORTHOLE_SANDBOX_STATUS_CLASSES "success", "warning", "error"
const char           *porthole_sandbox_get_status_class   (PortholeSandbox *self);
void                  porthole_sandbox_set_check_interval (PortholeSandbox *self,
                                                           guint            seconds);
void                  porthole_sandbox_start_monitoring   (PortholeSandbox *self);
void                  porthole_sandbox_stop_monitoring    (PortholeSandbox *self);
void                  porthole_sandbox_check_now          (PortholeSandbox *self);

G_END_DECLS
