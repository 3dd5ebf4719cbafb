/* porthole-hub-error.h — the hub's errors and the HTTP answers they become
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTHOLE_HUB_ERROR (porthole_hub_error_quark ())

/* One per row of CONTROL-PLANE.md §1.6 "What the hub sends". */
typedef enum
{
  PORTHOLE_HUB_ERROR_VALIDATION,
  PORTHOLE_HUB_ERROR_UNAUTHORIZED,
  PORTHOLE_HUB_ERROR_RESOURCE_LIMIT,
  PORTHOLE_HUB_ERROR_FORBIDDEN,
  PORTHOLE_HUB_ERROR_NOT_FOUND,
  PORTHOLE_HUB_ERROR_SANDBOX_NOT_FOUND,
  PORTHOLE_HUB_ERROR_SANDBOX_EXPIRED,
  PORTHOLE_HUB_ERROR_TEMPLATE_NOT_FOUND,
  PORTHOLE_HUB_ERROR_METHOD_NOT_ALLOWED,
  PORTHOLE_HUB_ERROR_INVALID_STATE,
  PORTHOLE_HUB_ERROR_PAYLOAD_TOO_LARGE,
  PORTHOLE_HUB_ERROR_INTERNAL,
  PORTHOLE_HUB_ERROR_NOT_IMPLEMENTED,
  PORTHOLE_HUB_ERROR_CAPACITY,
} PortholeHubErrorCode;

GQuark      porthole_hub_error_quark       (void);
guint       porthole_hub_error_status      (PortholeHubErrorCode code);
const char *porthole_hub_error_code_name   (PortholeHubErrorCode code);

G_END_DECLS
