/* porthole-hub-config.h — porthole-hub's settings: key file, then
 * command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The key file group; command-line options use the same key names. */
#define PORTHOLE_HUB_CONFIG_GROUP "porthole-hub"

typedef struct
{
  char **listen;              /* ADDR:PORT, at least one */
  char *state_dir;
  char *api_key_file;         /* (nullable) */
  char *templates_dir;        /* (nullable) */
  guint port_first;           /* sandbox ports, inclusive */
  guint port_last;
  char *public_host_base;     /* scheme://host, no port */
  char *sandbox_domain;       /* (nullable) DOMAIN[:PORT]: ID.DOMAIN per sandbox */
  char *domain_listen;        /* (nullable) ADDR:PORT for sandbox_domain */
  char *portholed;            /* the agent binary */
  char *bwrap;
  gint64 token_ttl;           /* seconds */
  gint64 max_timeout;         /* seconds; the cap on timeout_seconds */
  gint64 ready_timeout;       /* seconds */
  guint max_sandboxes;        /* per API key, unless the key says otherwise */
  guint max_vcpu;
  guint max_memory_mb;
  guint ws_frame_interval_ms; /* between WebSocket frames to a client */
  gboolean verbose;
} PortholeHubConfig;

PortholeHubConfig *porthole_hub_config_new   (const char         *path,
                                              GKeyFile           *overrides,
                                              GError            **error);
void               porthole_hub_config_free  (PortholeHubConfig  *config);
gboolean           porthole_hub_parse_range  (const char         *text,
                                              guint              *first,
                                              guint              *last);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeHubConfig, porthole_hub_config_free)

G_END_DECLS
