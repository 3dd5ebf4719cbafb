/* porthole-health.h — what a sandbox's agent says about itself: reachable,
 * token accepted, version, desktop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_HEALTH_ONLINE,
  /* No answer: refused, timed out, name not resolved. */
  PORTHOLE_HEALTH_UNREACHABLE,
  PORTHOLE_HEALTH_TOKEN_INVALID,
  PORTHOLE_HEALTH_TOKEN_EXPIRED,
  /* Something answered, but not a healthy agent. */
  PORTHOLE_HEALTH_UNHEALTHY,
} PortholeHealthStatus;

typedef enum
{
  PORTHOLE_DESKTOP_UNKNOWN,
  PORTHOLE_DESKTOP_AVAILABLE,
  PORTHOLE_DESKTOP_UNAVAILABLE,
} PortholeDesktopState;

#define PORTHOLE_TYPE_HEALTH (porthole_health_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHealth, porthole_health, PORTHOLE, HEALTH, GObject)

PortholeHealthStatus  porthole_health_get_status               (PortholeHealth      *self);
const char           *porthole_health_get_message              (PortholeHealth      *self);
const char           *porthole_health_get_agent                (PortholeHealth      *self);
const char           *porthole_health_get_version              (PortholeHealth      *self);
const char           *porthole_health_get_api_version          (PortholeHealth      *self);
double                porthole_health_get_uptime               (PortholeHealth      *self);
PortholeDesktopState  porthole_health_get_desktop              (PortholeHealth      *self);

void                  porthole_client_check_health_async       (PortholeClient      *client,
                                                                guint                timeout_seconds,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
PortholeHealth       *porthole_client_check_health_finish      (PortholeClient      *client,
                                                                GAsyncResult        *result,
                                                                GError             **error);

G_END_DECLS
