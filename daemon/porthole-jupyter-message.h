/* porthole-jupyter-message.h — Jupyter messaging protocol 5.3 messages, as
 * ZeroMQ frames signed with HMAC-SHA256 (PLATFORM.md §7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_JUPYTER_DELIMITER "<IDS|MSG>"
#define PORTHOLE_JUPYTER_PROTOCOL_VERSION "5.3"

typedef struct
{
  JsonObject *header;
  JsonObject *parent_header;
  JsonObject *metadata;
  JsonObject *content;
} PortholeJupyterMessage;

PortholeJupyterMessage *porthole_jupyter_message_new       (const char                    *session,
                                                            const char                    *msg_type,
                                                            JsonObject                    *content);
void                    porthole_jupyter_message_free      (PortholeJupyterMessage        *message);
const char             *porthole_jupyter_message_get_id    (const PortholeJupyterMessage  *message);
const char             *porthole_jupyter_message_get_msg_type (const PortholeJupyterMessage *message);
const char             *porthole_jupyter_message_get_parent_id (const PortholeJupyterMessage *message);
GPtrArray              *porthole_jupyter_message_to_frames (const PortholeJupyterMessage  *message,
                                                            const char                    *key);
PortholeJupyterMessage *porthole_jupyter_message_parse     (GPtrArray                     *frames,
                                                            const char                    *key,
                                                            GError                       **error);
char                   *porthole_jupyter_sign              (const char                    *key,
                                                            GBytes                *const  *parts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeJupyterMessage, porthole_jupyter_message_free)

G_END_DECLS
