/* porthole-connection-info.h — how to reach a sandbox: agent URL, token,
 * name; read from a porthole:// URI or a connection file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PORTHOLE_URI_SCHEME "porthole"
/* Connection files: a key file with this group (URL, Token, Name). */
#define PORTHOLE_CONNECTION_GROUP "Porthole Connection"
#define PORTHOLE_CONNECTION_FILE_SUFFIX ".porthole"

#define PORTHOLE_TYPE_CONNECTION_INFO (porthole_connection_info_get_type ())

G_DECLARE_FINAL_TYPE (PortholeConnectionInfo, porthole_connection_info, PORTHOLE, CONNECTION_INFO, GObject)

PortholeConnectionInfo *porthole_connection_info_new            (const char              *url,
                                                                 const char              *token,
                                                                 const char              *name,
                                                                 GError                 **error);
PortholeConnectionInfo *porthole_connection_info_new_from_uri   (const char              *uri,
                                                                 GError                 **error);
PortholeConnectionInfo *porthole_connection_info_new_from_data  (const char              *data,
                                                                 gsize                    length,
                                                                 GError                 **error);
const char             *porthole_connection_info_get_url        (PortholeConnectionInfo  *self);
const char             *porthole_connection_info_get_token      (PortholeConnectionInfo  *self);
void                    porthole_connection_info_set_token      (PortholeConnectionInfo  *self,
                                                                 const char              *token);
const char             *porthole_connection_info_get_name       (PortholeConnectionInfo  *self);
char                   *porthole_connection_info_to_uri         (PortholeConnectionInfo  *self,
                                                                 gboolean                 with_token);
char                   *porthole_connection_info_to_data        (PortholeConnectionInfo  *self);
char                   *porthole_normalize_agent_url            (const char              *url,
                                                                 GError                 **error);

G_END_DECLS
