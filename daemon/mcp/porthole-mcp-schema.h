/* porthole-mcp-schema.h — checks tool arguments against the tools' own
 * input schemas, so handlers read values of the types they declared
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean porthole_mcp_schema_validate (JsonObject  *schema,
                                       JsonNode    *instance,
                                       const char  *name,
                                       GError     **error);

G_END_DECLS
