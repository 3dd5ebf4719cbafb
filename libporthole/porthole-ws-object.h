/* porthole-ws-object.h — the base of the client's typed WebSocket
 * streams (terminal sessions, executions, file watches, metrics
 * subscriptions): one JSON object per frame, "error" frames, the end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_WS_OBJECT (porthole_ws_object_get_type ())

G_DECLARE_DERIVABLE_TYPE (PortholeWsObject, porthole_ws_object, PORTHOLE, WS_OBJECT, GObject)

struct _PortholeWsObjectClass
{
  GObjectClass parent_class;

  /* Every frame that is a JSON object, but "error" frames. */
  void (*message) (PortholeWsObject *self,
                   const char       *type,
                   JsonObject       *object);

  /* Class handlers of the signals. */
  void (*error)   (PortholeWsObject *self,
                   const char       *message);
  void (*closed)  (PortholeWsObject *self);

  gpointer padding[8];
};

SoupWebsocketConnection *porthole_ws_object_get_connection (PortholeWsObject *self);
void                     porthole_ws_object_send           (PortholeWsObject *self,
                                                            JsonObject       *object);
gboolean                 porthole_ws_object_is_open        (PortholeWsObject *self);
gboolean                 porthole_ws_object_is_closed      (PortholeWsObject *self);
void                     porthole_ws_object_close          (PortholeWsObject *self);

G_END_DECLS
