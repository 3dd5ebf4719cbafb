/* porthole-json.h — JSON and timestamp helpers shared by daemon and clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char       *porthole_timestamp_now         (void);
char       *porthole_timestamp_from_unix   (gint64        unix_usec);
gboolean    porthole_timestamp_parse       (const char   *text,
                                            gint64       *unix_usec);

/* How deeply arrays and objects may nest in parsed JSON, unless
 * porthole_json_set_max_depth() says otherwise. */
#define PORTHOLE_JSON_DEFAULT_MAX_DEPTH 64

void        porthole_json_set_max_depth    (guint         depth);
guint       porthole_json_get_max_depth    (void);
gboolean    porthole_json_check_depth      (const char   *data,
                                            gsize         length,
                                            guint         max,
                                            GError      **error);
JsonNode   *porthole_json_parse            (const char   *data,
                                            gssize        length,
                                            GError      **error);
char       *porthole_json_to_string        (JsonNode     *node,
                                            gsize        *length);
GBytes     *porthole_json_object_to_bytes  (JsonObject   *object);

/* Lenient conversions of API.md §1.3: "12" and 12.0 are the integer 12,
 * "true"/"1"/1 are TRUE. They return FALSE when @node cannot be read as
 * the type; a JSON null counts as absent and also returns FALSE. */
gboolean    porthole_json_node_get_int     (JsonNode     *node,
                                            gint64       *value);
gboolean    porthole_json_node_get_double  (JsonNode     *node,
                                            double       *value);
gboolean    porthole_json_node_get_boolean (JsonNode     *node,
                                            gboolean     *value);
gboolean    porthole_string_get_int        (const char   *text,
                                            gint64       *value);
gboolean    porthole_string_get_double     (const char   *text,
                                            double       *value);
gboolean    porthole_string_get_boolean    (const char   *text,
                                            gboolean     *value);

/* Typed members that are simply NULL when absent or of another type. */
const char *porthole_json_object_get_string (JsonObject  *object,
                                             const char  *name);
/* FALSE when @name is there, not null, and not a string. */
gboolean    porthole_json_object_lookup_string (JsonObject  *object,
                                                const char  *name,
                                                const char **value);
JsonObject *porthole_json_object_get_object (JsonObject  *object,
                                             const char  *name);
JsonObject *porthole_json_parse_message    (GBytes      *bytes,
                                            const char **type);

G_END_DECLS
