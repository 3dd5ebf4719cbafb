/* porthole-error.h — the error codes of the wire protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every code the daemon puts in an error body ("code" member), API.md §1.6.
 * The GError codes of PORTHOLE_ERROR and PORTHOLE_CLIENT_ERROR are these
 * values. Keep porthole-error.c's table in the same order. */
typedef enum
{
  PORTHOLE_ERROR_INVALID_JSON,
  PORTHOLE_ERROR_MISSING_PARAMETER,
  PORTHOLE_ERROR_INVALID_REQUEST,
  PORTHOLE_ERROR_INVALID_PATH,
  PORTHOLE_ERROR_METHOD_NOT_ALLOWED,
  PORTHOLE_ERROR_PATH_NOT_ALLOWED,
  PORTHOLE_ERROR_PERMISSION_DENIED,
  PORTHOLE_ERROR_FILE_NOT_FOUND,
  PORTHOLE_ERROR_DIRECTORY_NOT_FOUND,
  PORTHOLE_ERROR_PROCESS_NOT_FOUND,
  PORTHOLE_ERROR_FILE_ALREADY_EXISTS,
  PORTHOLE_ERROR_FILE_OPERATION_FAILED,
  PORTHOLE_ERROR_COMMAND_FAILED,
  PORTHOLE_ERROR_EXECUTION_FAILED,
  PORTHOLE_ERROR_EXECUTION_TIMEOUT,
  PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
  PORTHOLE_ERROR_INTERNAL_ERROR,
  PORTHOLE_ERROR_TOKEN_INVALID,
  PORTHOLE_ERROR_TOKEN_EXPIRED,
  PORTHOLE_ERROR_NOT_FOUND,
  PORTHOLE_ERROR_PAYLOAD_TOO_LARGE,
  PORTHOLE_ERROR_FEATURE_DISABLED,
  PORTHOLE_ERROR_NOT_IMPLEMENTED,
  PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
  PORTHOLE_ERROR_CONFLICT,
  /* Client side only: the answer was not what the protocol promises
   * (not JSON, no code, transport failure). */
  PORTHOLE_ERROR_PROTOCOL,
} PortholeErrorCode;

#define PORTHOLE_ERROR (porthole_error_quark ())
#define PORTHOLE_CLIENT_ERROR (porthole_client_error_quark ())

GQuark             porthole_error_quark           (void);
GQuark             porthole_client_error_quark    (void);
const char        *porthole_error_code_to_string  (PortholeErrorCode  code);
gboolean           porthole_error_code_from_string (const char        *string,
                                                    PortholeErrorCode *code);
guint              porthole_error_code_get_status (PortholeErrorCode  code);

G_END_DECLS
