/* porthole-hub.h — the control plane: sandbox records, their life cycle,
 * ports, tokens and quotas, over a backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-hub-config.h"
#include "porthole-hub-sandbox.h"
#include "porthole-hub-store.h"
#include "porthole-hub-templates.h"

G_BEGIN_DECLS

/* What a create request asks for (CONTROL-PLANE.md §3.2). */
typedef struct
{
  const PortholeHubTemplate *template;
  gint64 timeout_seconds;       /* 0 = none */
  gboolean internet_access;
  JsonObject *env;              /* (nullable) string values only */
} PortholeHubCreateParams;

#define PORTHOLE_TYPE_HUB (porthole_hub_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHub, porthole_hub, PORTHOLE, HUB, GObject)

PortholeHub          *porthole_hub_new               (PortholeHubConfig        *config,
                                                      const char               *config_path,
                                                      GError                  **error);
const PortholeHubConfig *porthole_hub_get_config     (PortholeHub              *self);
PortholeHubTemplates *porthole_hub_get_templates     (PortholeHub              *self);
PortholeHubTenant    *porthole_hub_authenticate      (PortholeHub              *self,
                                                      const char               *api_key);
PortholeHubSandbox   *porthole_hub_lookup            (PortholeHub              *self,
                                                      PortholeHubTenant        *tenant,
                                                      const char               *id,
                                                      GError                  **error);
GPtrArray            *porthole_hub_list              (PortholeHub              *self,
                                                      PortholeHubTenant        *tenant,
                                                      const char               *status,
                                                      const char               *region,
                                                      guint                     limit,
                                                      const char               *cursor,
                                                      char                    **next_cursor,
                                                      GError                  **error);
gboolean              porthole_hub_check_quota       (PortholeHub              *self,
                                                      PortholeHubTenant        *tenant,
                                                      const PortholeHubTemplate *template,
                                                      JsonObject              **details,
                                                      GError                  **error);
void                  porthole_hub_create_async      (PortholeHub              *self,
                                                      PortholeHubTenant        *tenant,
                                                      const PortholeHubCreateParams *params,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
PortholeHubSandbox   *porthole_hub_create_finish     (PortholeHub              *self,
                                                      GAsyncResult             *result,
                                                      GError                  **error);
gboolean              porthole_hub_pause             (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      GError                  **error);
void                  porthole_hub_resume_async      (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
gboolean              porthole_hub_resume_finish     (PortholeHub              *self,
                                                      GAsyncResult             *result,
                                                      GError                  **error);
gboolean              porthole_hub_stop              (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      GError                  **error);
void                  porthole_hub_kill              (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      PortholeHubStatus         tombstone);
gboolean              porthole_hub_set_timeout       (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      gint64                    seconds,
                                                      GError                  **error);
char                 *porthole_hub_issue_token       (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      gint64                   *exp,
                                                      GError                  **error);
char                 *porthole_hub_get_public_host   (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox);
char                 *porthole_hub_get_preview_url  (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox,
                                                      guint                     port,
                                                      GError                  **error);
JsonObject           *porthole_hub_sandbox_to_json   (PortholeHub              *self,
                                                      PortholeHubSandbox       *sandbox);
void                  porthole_hub_shutdown          (PortholeHub              *self);

G_END_DECLS
