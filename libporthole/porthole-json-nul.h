/* porthole-json-nul.h — U+0000 in JSON strings, which C strings cannot hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib takes and gives strings as C strings, which end at a NUL
 * byte. Porthole's text holds U+0000 as this overlong pair instead, as
 * Java's "modified UTF-8" does (valid UTF-8 never contains it): process
 * output is decoded that way, porthole_json_to_string() writes the pair
 * as \u0000, and porthole_json_parse() reads \u0000 back into it. */
#define PORTHOLE_JSON_NUL "\xC0\x80"
#define PORTHOLE_JSON_NUL_LENGTH 2

GBytes   *porthole_json_text_to_bytes   (const char *text,
                                         gssize      length);

/* For porthole-json.c. */
char     *porthole_json_nul_escape      (char       *json,
                                         gsize      *length);
char     *porthole_json_nul_prepare     (const char *data,
                                         gsize       length,
                                         gsize      *prepared_length);
JsonNode *porthole_json_nul_restore     (JsonNode   *root);

G_END_DECLS
