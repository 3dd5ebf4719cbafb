/* porthole-hub-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-hub-error.h"

G_DEFINE_QUARK (porthole-hub-error-quark, porthole_hub_error)

static const struct
{
  guint status;
  const char *name;
} errors[] = {
  [PORTHOLE_HUB_ERROR_VALIDATION] = { 400, "VALIDATION_ERROR" },
  [PORTHOLE_HUB_ERROR_UNAUTHORIZED] = { 401, "UNAUTHORIZED" },
  [PORTHOLE_HUB_ERROR_RESOURCE_LIMIT] = { 403, "RESOURCE_LIMIT_EXCEEDED" },
  [PORTHOLE_HUB_ERROR_FORBIDDEN] = { 403, "FORBIDDEN" },
  [PORTHOLE_HUB_ERROR_NOT_FOUND] = { 404, "NOT_FOUND" },
  [PORTHOLE_HUB_ERROR_SANDBOX_NOT_FOUND] = { 404, "SANDBOX_NOT_FOUND" },
  [PORTHOLE_HUB_ERROR_SANDBOX_EXPIRED] = { 404, "SANDBOX_EXPIRED" },
  [PORTHOLE_HUB_ERROR_TEMPLATE_NOT_FOUND] = { 404, "TEMPLATE_NOT_FOUND" },
  [PORTHOLE_HUB_ERROR_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED" },
  [PORTHOLE_HUB_ERROR_INVALID_STATE] = { 409, "INVALID_STATE" },
  [PORTHOLE_HUB_ERROR_PAYLOAD_TOO_LARGE] = { 413, "PAYLOAD_TOO_LARGE" },
  [PORTHOLE_HUB_ERROR_INTERNAL] = { 500, "INTERNAL_ERROR" },
  [PORTHOLE_HUB_ERROR_NOT_IMPLEMENTED] = { 501, "NOT_IMPLEMENTED" },
  [PORTHOLE_HUB_ERROR_CAPACITY] = { 503, "CAPACITY_UNAVAILABLE" },
};

guint
porthole_hub_error_status (PortholeHubErrorCode code)
{
  if ((guint) code >= G_N_ELEMENTS (errors))
    return 500;
  return errors[code].status;
}

const char *
porthole_hub_error_code_name (PortholeHubErrorCode code)
{
  if ((guint) code >= G_N_ELEMENTS (errors))
    return "INTERNAL_ERROR";
  return errors[code].name;
}
