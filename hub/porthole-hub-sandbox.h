/* porthole-hub-sandbox.h — one sandbox's record, as the hub keeps it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* CONTROL-PLANE.md §2.1; DELETED and EXPIRED are tombstones, never shown. */
typedef enum
{
  PORTHOLE_HUB_STATUS_CREATING,
  PORTHOLE_HUB_STATUS_RUNNING,
  PORTHOLE_HUB_STATUS_PAUSED,
  PORTHOLE_HUB_STATUS_STOPPED,
  PORTHOLE_HUB_STATUS_ERROR,
  PORTHOLE_HUB_STATUS_DELETED,
  PORTHOLE_HUB_STATUS_EXPIRED,
} PortholeHubStatus;

typedef struct
{
  char *id;
  char *tenant;
  char *template_id;
  char *template_name;
  PortholeHubStatus status;
  gint64 created_at;          /* µs since the epoch */
  gint64 started_at;          /* µs, 0 = never */
  gint64 timeout_seconds;     /* 0 = none */
  gint64 expires_at;          /* µs, 0 = never */
  gboolean internet_access;
  guint vcpu;
  guint memory_mb;
  guint disk_mb;
  guint port;                 /* on the hub, for public_host */
  JsonObject *env;            /* env_vars of the create request */
  gint64 token_exp;           /* s, the latest issued token's exp */
  char *runtime;              /* the backend's own notes (JSON), opaque here */
} PortholeHubSandbox;

PortholeHubSandbox *porthole_hub_sandbox_new            (void);
PortholeHubSandbox *porthole_hub_sandbox_ref            (PortholeHubSandbox *sandbox);
void                porthole_hub_sandbox_unref          (PortholeHubSandbox *sandbox);
const char         *porthole_hub_status_to_string       (PortholeHubStatus   status);
gboolean            porthole_hub_status_from_string     (const char         *text,
                                                         PortholeHubStatus  *status);
gboolean            porthole_hub_sandbox_is_live        (PortholeHubSandbox *sandbox);
char               *porthole_hub_sandbox_new_id         (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeHubSandbox, porthole_hub_sandbox_unref)

G_END_DECLS
