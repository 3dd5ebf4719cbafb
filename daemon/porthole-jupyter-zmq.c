/* porthole-jupyter-zmq.c — the zmq plugin
 *
 * The ZeroMQ sockets of the Jupyter channels (porthole-jupyter-channel.c),
 * built as a module (porthole-plugin.h): libzmq and what it pulls in
 * (libstdc++, libsodium, OpenPGM, NORM) are only mapped once a kernel
 * starts. DEALER sockets for shell and control, a SUB socket subscribed
 * to everything for iopub; LINGER 0: a socket closes at once, whatever
 * is unsent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <gmodule.h>
#include <zmq.h>

#include "porthole-jupyter-channel.h"
#include "porthole-plugin.h"

static gpointer
context_new (void)
{
  return zmq_ctx_new ();
}

static void
context_free (gpointer context)
{
  zmq_ctx_term (context);
}

static PortholeZmqSocket *
socket_new (gpointer     context,
            gboolean     subscriber,
            const char  *endpoint,
            int         *fd,
            GError     **error)
{
  void *socket = zmq_socket (context, subscriber ? ZMQ_SUB : ZMQ_DEALER);
  int linger = 0;
  size_t size = sizeof *fd;

  if (socket == NULL ||
      zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
      (subscriber && zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0) != 0) ||
      zmq_connect (socket, endpoint) != 0 ||
      zmq_getsockopt (socket, ZMQ_FD, fd, &size) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot connect to the kernel at %s: %s",
                   endpoint, zmq_strerror (zmq_errno ()));
      if (socket != NULL)
        zmq_close (socket);
      return NULL;
    }

  return socket;
}

static void
socket_free (PortholeZmqSocket *socket)
{
  zmq_close (socket);
}

/* One whole multipart message, or NULL when there is none. */
static GPtrArray *
socket_receive (PortholeZmqSocket *socket)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  int more;

  do
    {
      zmq_msg_t part;

      zmq_msg_init (&part);
      if (zmq_msg_recv (&part, socket, ZMQ_DONTWAIT) < 0)
        {
          zmq_msg_close (&part);
          return NULL;
        }
      g_ptr_array_add (frames, g_bytes_new (zmq_msg_data (&part), zmq_msg_size (&part)));
      more = zmq_msg_more (&part);
      zmq_msg_close (&part);
    }
  while (more);

  return g_steal_pointer (&frames);
}

static gboolean
socket_has_input (PortholeZmqSocket *socket)
{
  int events = 0;
  size_t size = sizeof events;

  return zmq_getsockopt (socket, ZMQ_EVENTS, &events, &size) == 0 && (events & ZMQ_POLLIN);
}

static gboolean
socket_send (PortholeZmqSocket  *socket,
             GPtrArray          *frames,
             GError            **error)
{
  for (guint i = 0; i < frames->len; i++)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (g_ptr_array_index (frames, i), &size);

      if (zmq_send (socket, data, size, ZMQ_DONTWAIT | (i + 1 < frames->len ? ZMQ_SNDMORE : 0)) < 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, zmq_strerror (zmq_errno ()));
          return FALSE;
        }
    }

  return TRUE;
}

static const PortholeZmqPlugin vtable = {
  .context_new = context_new,
  .context_free = context_free,
  .socket_new = socket_new,
  .socket_free = socket_free,
  .socket_has_input = socket_has_input,
  .socket_receive = socket_receive,
  .socket_send = socket_send,
};

static const PortholePluginInfo info = {
  .abi_version = PORTHOLE_PLUGIN_ABI_VERSION,
  .name = PORTHOLE_PLUGIN_ZMQ,
  .vtable = &vtable,
};

G_MODULE_EXPORT const PortholePluginInfo *
porthole_plugin_query (void)
{
  return &info;
}
