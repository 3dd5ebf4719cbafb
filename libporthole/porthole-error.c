/* porthole-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-error.h"

G_DEFINE_QUARK (porthole-error-quark, porthole_error)
G_DEFINE_QUARK (porthole-client-error-quark, porthole_client_error)

static const struct {
  const char *name;
  guint status;
} codes[] = {
  [PORTHOLE_ERROR_INVALID_JSON] = { "INVALID_JSON", 400 },
  [PORTHOLE_ERROR_MISSING_PARAMETER] = { "MISSING_PARAMETER", 400 },
  [PORTHOLE_ERROR_INVALID_REQUEST] = { "INVALID_REQUEST", 400 },
  [PORTHOLE_ERROR_INVALID_PATH] = { "INVALID_PATH", 400 },
  [PORTHOLE_ERROR_METHOD_NOT_ALLOWED] = { "METHOD_NOT_ALLOWED", 405 },
  [PORTHOLE_ERROR_PATH_NOT_ALLOWED] = { "PATH_NOT_ALLOWED", 403 },
  [PORTHOLE_ERROR_PERMISSION_DENIED] = { "PERMISSION_DENIED", 403 },
  [PORTHOLE_ERROR_FILE_NOT_FOUND] = { "FILE_NOT_FOUND", 404 },
  [PORTHOLE_ERROR_DIRECTORY_NOT_FOUND] = { "DIRECTORY_NOT_FOUND", 404 },
  [PORTHOLE_ERROR_PROCESS_NOT_FOUND] = { "PROCESS_NOT_FOUND", 404 },
  [PORTHOLE_ERROR_FILE_ALREADY_EXISTS] = { "FILE_ALREADY_EXISTS", 409 },
  [PORTHOLE_ERROR_FILE_OPERATION_FAILED] = { "FILE_OPERATION_FAILED", 500 },
  [PORTHOLE_ERROR_COMMAND_FAILED] = { "COMMAND_FAILED", 500 },
  [PORTHOLE_ERROR_EXECUTION_FAILED] = { "EXECUTION_FAILED", 500 },
  [PORTHOLE_ERROR_EXECUTION_TIMEOUT] = { "EXECUTION_TIMEOUT", 408 },
  [PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE] = { "DESKTOP_NOT_AVAILABLE", 503 },
  [PORTHOLE_ERROR_INTERNAL_ERROR] = { "INTERNAL_ERROR", 500 },
  [PORTHOLE_ERROR_TOKEN_INVALID] = { "TOKEN_INVALID", 401 },
  [PORTHOLE_ERROR_TOKEN_EXPIRED] = { "TOKEN_EXPIRED", 401 },
  [PORTHOLE_ERROR_NOT_FOUND] = { "NOT_FOUND", 404 },
  [PORTHOLE_ERROR_PAYLOAD_TOO_LARGE] = { "PAYLOAD_TOO_LARGE", 413 },
  [PORTHOLE_ERROR_FEATURE_DISABLED] = { "FEATURE_DISABLED", 503 },
  /* 501 is what the JS SDK reads as "desktop not available"; API.md §1.5
   * reserves it for routes that are not built. */
  [PORTHOLE_ERROR_NOT_IMPLEMENTED] = { "NOT_IMPLEMENTED", 501 },
  [PORTHOLE_ERROR_SERVICE_UNAVAILABLE] = { "SERVICE_UNAVAILABLE", 503 },
  [PORTHOLE_ERROR_CONFLICT] = { "CONFLICT", 409 },
  [PORTHOLE_ERROR_PROTOCOL] = { "PROTOCOL_ERROR", 502 },
};

/**
 * porthole_error_code_to_string:
 * @code: a #PortholeErrorCode
 *
 * Returns: (transfer none): the UPPER_SNAKE name used in error bodies.
 */
const char *
porthole_error_code_to_string (PortholeErrorCode code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (codes), "INTERNAL_ERROR");

  return codes[code].name;
}

/**
 * porthole_error_code_from_string:
 * @string: (nullable): a code as found in an error body
 * @code: (out): where to store the code
 *
 * Returns: %TRUE if @string names a known code.
 */
gboolean
porthole_error_code_from_string (const char        *string,
                                 PortholeErrorCode *code)
{
  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      if (g_str_equal (codes[i].name, string))
        {
          *code = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * porthole_error_code_get_status:
 * @code: a #PortholeErrorCode
 *
 * Returns: the HTTP status the daemon answers with for @code, unless a
 *   route overrides it (ENOSPC answers 507 with FILE_OPERATION_FAILED).
 */
guint
porthole_error_code_get_status (PortholeErrorCode code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (codes), 500);

  return codes[code].status;
}
