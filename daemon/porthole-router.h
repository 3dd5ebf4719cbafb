/* porthole-router.h — finds the route of a request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "porthole-route.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_ROUTER (porthole_router_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRouter, porthole_router, PORTHOLE, ROUTER, GObject)

typedef enum
{
  PORTHOLE_ROUTER_FOUND,
  PORTHOLE_ROUTER_NO_PATH,
  PORTHOLE_ROUTER_NO_METHOD,
} PortholeRouterResult;

PortholeRouter       *porthole_router_new    (const PortholeRoute  *routes,
                                              guint                 n_routes);
PortholeRouterResult  porthole_router_lookup (PortholeRouter       *self,
                                              const char           *method,
                                              const char           *path,
                                              const PortholeRoute **route,
                                              GHashTable          **params,
                                              char                **allowed);

G_END_DECLS
