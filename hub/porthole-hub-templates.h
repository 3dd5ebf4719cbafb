/* porthole-hub-templates.h — what a sandbox is made from: built-ins and
 * key files in the templates directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *id;              /* decimal digits (CONTROL-PLANE.md §2.2) */
  char *name;            /* slug */
  char *display_name;
  char *description;
  char *category;
  char *language;
  char *root;            /* the read-only root the sandbox sees */
  guint vcpu;
  guint memory_mb;
  guint disk_gb;
  guint pids_max;
  gboolean desktop;      /* portholed starts its embedded Xvfb */
  char *display_size;    /* (nullable) WxHxD, portholed's --display-size */
  gboolean builtin;
  char **environment;    /* KEY=VALUE */
  gint64 created_at;     /* µs */
} PortholeHubTemplate;

#define PORTHOLE_TYPE_HUB_TEMPLATES (porthole_hub_templates_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHubTemplates, porthole_hub_templates, PORTHOLE, HUB_TEMPLATES, GObject)

PortholeHubTemplates      *porthole_hub_templates_new      (const char            *dir,
                                                            GError               **error);
const PortholeHubTemplate *porthole_hub_templates_find     (PortholeHubTemplates  *self,
                                                            const char            *name_or_id);
GPtrArray                 *porthole_hub_templates_list     (PortholeHubTemplates  *self);
JsonObject                *porthole_hub_template_to_json   (const PortholeHubTemplate *template);

G_END_DECLS
