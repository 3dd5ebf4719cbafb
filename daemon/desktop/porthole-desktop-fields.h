/* porthole-desktop-fields.h — typed members of a request's fields
 * (porthole_request_dup_fields(), or an MCP tool's arguments), for
 * parsers that REST routes and MCP tools share
 *
 * @names lists synonyms separated by '|', canonical first. A member
 * absent or null gives the fallback; one of the wrong type a 400-class
 * PORTHOLE_ERROR naming it. Conversions are API.md §1.3's ("12" is 12).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean porthole_desktop_fields_get_string  (JsonObject   *fields,
                                              const char   *names,
                                              const char  **value,
                                              GError      **error);
gboolean porthole_desktop_fields_get_int     (JsonObject   *fields,
                                              const char   *names,
                                              gint64        fallback,
                                              gint64        min,
                                              gint64        max,
                                              gint64       *value,
                                              GError      **error);
gboolean porthole_desktop_fields_get_boolean (JsonObject   *fields,
                                              const char   *names,
                                              gboolean      fallback,
                                              gboolean     *value,
                                              GError      **error);
gboolean porthole_desktop_fields_get_window  (JsonObject   *fields,
                                              const char   *names,
                                              guint64      *window,
                                              GError      **error);
JsonObject *porthole_desktop_fields_get_object (JsonObject *fields,
                                              const char   *names,
                                              gboolean     *present,
                                              GError      **error);

G_END_DECLS
