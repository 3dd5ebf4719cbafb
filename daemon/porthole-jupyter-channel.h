/* porthole-jupyter-channel.h — one ZeroMQ socket to a Jupyter kernel (shell,
 * control or iopub), in the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-jupyter-message.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_JUPYTER_CHANNEL_SHELL,
  PORTHOLE_JUPYTER_CHANNEL_CONTROL,
  PORTHOLE_JUPYTER_CHANNEL_IOPUB,
} PortholeJupyterChannelKind;

/* The zmq plugin's table (porthole-plugin.h). */
#define PORTHOLE_PLUGIN_ZMQ "zmq"

typedef struct _PortholeZmqSocket PortholeZmqSocket;

typedef struct
{
  gpointer           (*context_new)      (void);
  void               (*context_free)     (gpointer            context);
  /* A DEALER socket, or a SUB one subscribed to everything; @fd is its
   * ZMQ_FD, to watch for input. */
  PortholeZmqSocket *(*socket_new)       (gpointer            context,
                                          gboolean            subscriber,
                                          const char         *endpoint,
                                          int                *fd,
                                          GError            **error);
  void               (*socket_free)      (PortholeZmqSocket  *socket);
  gboolean           (*socket_has_input) (PortholeZmqSocket  *socket);
  /* One whole multipart message (GBytes frames), or NULL. */
  GPtrArray         *(*socket_receive)   (PortholeZmqSocket  *socket);
  gboolean           (*socket_send)      (PortholeZmqSocket  *socket,
                                          GPtrArray          *frames,
                                          GError            **error);
} PortholeZmqPlugin;

#define PORTHOLE_TYPE_JUPYTER_CHANNEL (porthole_jupyter_channel_get_type ())

G_DECLARE_FINAL_TYPE (PortholeJupyterChannel, porthole_jupyter_channel, PORTHOLE, JUPYTER_CHANNEL, GObject)

gpointer                porthole_jupyter_channel_context_new  (GError          **error);
void                    porthole_jupyter_channel_context_free (gpointer          context);

PortholeJupyterChannel *porthole_jupyter_channel_new  (gpointer                     zmq_context,
                                                       PortholeJupyterChannelKind   kind,
                                                       const char                  *endpoint,
                                                       const char                  *key,
                                                       const char                  *session,
                                                       GError                     **error);
char                   *porthole_jupyter_channel_send (PortholeJupyterChannel      *self,
                                                       const char                  *msg_type,
                                                       JsonObject                  *content);
void                    porthole_jupyter_channel_close (PortholeJupyterChannel     *self);

G_END_DECLS
