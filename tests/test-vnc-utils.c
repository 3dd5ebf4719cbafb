/* test-vnc-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "test-vnc-utils.h"

struct _PortholeTestVncBridge
{
  char *url;
  char *token;
  gboolean token_in_query;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  int fds[2];

  GMutex lock;
  GCond cond;
  gboolean ready;
  guint status;

  /* The thread's */
  SoupSession *session;
  SoupMessage *msg;
  SoupWebsocketConnection *ws;
  GSource *source;
};

static void
bridge_signal_ready (PortholeTestVncBridge *bridge,
                     guint                  status)
{
  g_mutex_lock (&bridge->lock);
  bridge->ready = TRUE;
  bridge->status = status;
  g_cond_signal (&bridge->cond);
  g_mutex_unlock (&bridge->lock);
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *bytes,
               PortholeTestVncBridge   *bridge)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  /* Blocking: libvncclient reads in the test's thread. */
  while (length > 0)
    {
      gssize n = write (bridge->fds[0], data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      data += n;
      length -= n;
    }
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              PortholeTestVncBridge   *bridge)
{
  shutdown (bridge->fds[0], SHUT_RDWR);
}

static gboolean
on_viewer_bytes (gint          fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  PortholeTestVncBridge *bridge = user_data;
  char buffer[65536];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      if (soup_websocket_connection_get_state (bridge->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (bridge->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_pointer (&bridge->source, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  if (soup_websocket_connection_get_state (bridge->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_binary (bridge->ws, buffer, n);
  return G_SOURCE_CONTINUE;
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PortholeTestVncBridge *bridge = user_data;
  g_autoptr(GError) error = NULL;

  bridge->ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (bridge->ws == NULL)
    {
      bridge_signal_ready (bridge, soup_message_get_status (bridge->msg));
      return;
    }

  g_signal_connect (bridge->ws, "message", G_CALLBACK (on_ws_message), bridge);
  g_signal_connect (bridge->ws, "closed", G_CALLBACK (on_ws_closed), bridge);
  bridge->source = g_unix_fd_source_new (bridge->fds[0], G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (bridge->source, (GSourceFunc) (GCallback) on_viewer_bytes, bridge, NULL);
  g_source_attach (bridge->source, bridge->context);
  bridge_signal_ready (bridge, SOUP_STATUS_SWITCHING_PROTOCOLS);
}

static gpointer
bridge_thread (gpointer user_data)
{
  PortholeTestVncBridge *bridge = user_data;
  g_autofree char *url = NULL;

  g_main_context_push_thread_default (bridge->context);
  bridge->session = soup_session_new ();
  if (bridge->token_in_query)
    url = g_strdup_printf ("%s/desktop/vnc/websockify?token=%s", bridge->url, bridge->token);
  else
    url = g_strdup_printf ("%s/desktop/vnc/websockify", bridge->url);
  bridge->msg = soup_message_new ("GET", url);
  if (bridge->token != NULL && !bridge->token_in_query)
    {
      g_autofree char *header = g_strdup_printf ("Bearer %s", bridge->token);

      soup_message_headers_replace (soup_message_get_request_headers (bridge->msg), "Authorization", header);
    }
  soup_session_websocket_connect_async (bridge->session, bridge->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_connected, bridge);
  g_main_loop_run (bridge->loop);

  if (bridge->source != NULL)
    {
      g_source_destroy (bridge->source);
      g_clear_pointer (&bridge->source, g_source_unref);
    }
  if (bridge->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (bridge->ws, bridge);
      if (soup_websocket_connection_get_state (bridge->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (bridge->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&bridge->ws);
  g_clear_object (&bridge->msg);
  g_clear_object (&bridge->session);
  /* Let soup finish what it closed. */
  while (g_main_context_iteration (bridge->context, FALSE))
    ;
  g_main_context_pop_thread_default (bridge->context);
  return NULL;
}

/**
 * porthole_test_vnc_bridge_new:
 * @token: (nullable): none sent when %NULL
 * @status: (out): the handshake's HTTP status (101 when connected)
 *
 * Returns: (nullable): the bridge, %NULL when the handshake failed
 */
PortholeTestVncBridge *
porthole_test_vnc_bridge_new (PortholeTestDaemon *daemon,
                              const char         *token,
                              gboolean            token_in_query,
                              guint              *status)
{
  PortholeTestVncBridge *bridge = g_new0 (PortholeTestVncBridge, 1);

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, bridge->fds), ==, 0);
  bridge->url = g_strdup (daemon->url);
  bridge->token = g_strdup (token);
  bridge->token_in_query = token_in_query;
  bridge->context = g_main_context_new ();
  bridge->loop = g_main_loop_new (bridge->context, FALSE);
  g_mutex_init (&bridge->lock);
  g_cond_init (&bridge->cond);
  bridge->thread = g_thread_new ("vnc-bridge", bridge_thread, bridge);

  g_mutex_lock (&bridge->lock);
  while (!bridge->ready)
    g_cond_wait (&bridge->cond, &bridge->lock);
  g_mutex_unlock (&bridge->lock);

  *status = bridge->status;
  if (bridge->status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      porthole_test_vnc_bridge_free (bridge);
      return NULL;
    }

  return bridge;
}

int
porthole_test_vnc_bridge_get_fd (PortholeTestVncBridge *bridge)
{
  return bridge->fds[1];
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* The viewer's fd is the caller's (libvncclient closes it). */
void
porthole_test_vnc_bridge_free (PortholeTestVncBridge *bridge)
{
  g_main_context_invoke (bridge->context, quit_loop, bridge->loop);
  g_thread_join (bridge->thread);
  close (bridge->fds[0]);
  g_main_loop_unref (bridge->loop);
  g_main_context_unref (bridge->context);
  g_mutex_clear (&bridge->lock);
  g_cond_clear (&bridge->cond);
  g_free (bridge->url);
  g_free (bridge->token);
  g_free (bridge);
}

/* libvncclient */

static int state_tag;

/* libvncclient's messages, kept for when a connection fails. */
static void
log_quietly (const char *format,
             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("libvncclient: %s", g_strchomp (text));
}

static char *
get_password (rfbClient *client)
{
  const char *password = rfbClientGetClientData (client, &get_password);

  return strdup (password ? password : "");
}

static void
got_update (rfbClient *client,
            int        x,
            int        y,
            int        width,
            int        height)
{
  porthole_test_vnc_get_state (client)->updates++;
}

static void
got_cut_text (rfbClient  *client,
              const char *text,
              int         length)
{
  PortholeTestVncState *state = porthole_test_vnc_get_state (client);

  g_free (state->cut_text);
  state->cut_text = g_strndup (text, length);
}

rfbClient *
porthole_test_vnc_connect (int         fd,
                           int         port,
                           const char *password)
{
  rfbClient *client = rfbGetClient (8, 3, 4);

  rfbClientLog = rfbClientErr = log_quietly;
  /* The X server's layout, to compare with screenshots. */
  client->format.redShift = 16;
  client->format.greenShift = 8;
  client->format.blueShift = 0;
  /* Lossless, so that pixels can be compared. */
  client->appData.encodingsString = "copyrect zrle hextile raw";
  client->appData.useRemoteCursor = TRUE;
  client->GetPassword = get_password;
  client->GotFrameBufferUpdate = got_update;
  client->GotXCutText = got_cut_text;
  rfbClientSetClientData (client, &get_password, (gpointer) password);

  if (fd >= 0)
    {
      /* Already connected: libvncclient skips its own connect. */
      client->listenSpecified = TRUE;
      client->sock = fd;
    }
  else
    {
      free (client->serverHost);
      client->serverHost = strdup ("127.0.0.1");
      client->serverPort = port;
    }

  /* Frees the client when it fails. */
  if (!rfbInitClient (client, NULL, NULL))
    return NULL;
  /* No update arrives before this returns. */
  rfbClientSetClientData (client, &state_tag, g_new0 (PortholeTestVncState, 1));

  return client;
}

PortholeTestVncState *
porthole_test_vnc_get_state (rfbClient *client)
{
  return rfbClientGetClientData (client, &state_tag);
}

void
porthole_test_vnc_close (rfbClient *client)
{
  PortholeTestVncState *state = porthole_test_vnc_get_state (client);

  g_free (state->cut_text);
  g_free (state);
  /* Left to the application by rfbClientCleanup(), which closes the
   * socket. */
  free (client->frameBuffer);
  free (client->rcSource);
  free (client->rcMask);
  rfbClientCleanup (client);
}

gboolean
porthole_test_vnc_pump (rfbClient *client,
                        int        timeout_ms)
{
  /* libvncclient reads ahead: what it holds already wakes no select(). */
  int n = client->buffered > 0 ? 1 : WaitForMessage (client, timeout_ms * 1000);

  if (n < 0)
    return FALSE;
  if (n > 0)
    return HandleRFBServerMessage (client);
  return TRUE;
}
