/* porthole-hub-store.h — the hub's state in one SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "porthole-hub-sandbox.h"

G_BEGIN_DECLS

/* An API key's tenant and quotas; 0 = the hub's default. */
typedef struct
{
  char *name;
  guint max_sandboxes;
  guint max_vcpu;
  guint max_memory_mb;
} PortholeHubTenant;

void porthole_hub_tenant_free (PortholeHubTenant *tenant);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeHubTenant, porthole_hub_tenant_free)

#define PORTHOLE_TYPE_HUB_STORE (porthole_hub_store_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHubStore, porthole_hub_store, PORTHOLE, HUB_STORE, GObject)

PortholeHubStore  *porthole_hub_store_open           (const char          *path,
                                                      GError             **error);
gboolean           porthole_hub_store_save_sandbox   (PortholeHubStore    *self,
                                                      PortholeHubSandbox  *sandbox,
                                                      GError             **error);
GPtrArray         *porthole_hub_store_load_sandboxes (PortholeHubStore    *self,
                                                      gboolean             live_only,
                                                      GError             **error);
gboolean           porthole_hub_store_add_api_key    (PortholeHubStore    *self,
                                                      const char          *name,
                                                      const char          *hash,
                                                      const PortholeHubTenant *quotas,
                                                      GError             **error);
PortholeHubTenant *porthole_hub_store_find_api_key   (PortholeHubStore    *self,
                                                      const char          *hash);
char              *porthole_hub_store_get_setting    (PortholeHubStore    *self,
                                                      const char          *key);
gboolean           porthole_hub_store_set_setting    (PortholeHubStore    *self,
                                                      const char          *key,
                                                      const char          *value,
                                                      GError             **error);
gboolean           porthole_hub_store_has_expired    (PortholeHubStore    *self,
                                                      const char          *id,
                                                      const char          *tenant);
void               porthole_hub_store_prune          (PortholeHubStore    *self,
                                                      gint64               before_usec);

char              *porthole_hub_api_key_hash         (const char          *key);

G_END_DECLS
