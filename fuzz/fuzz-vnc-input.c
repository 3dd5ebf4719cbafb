/* fuzz-vnc-input.c — what a VNC viewer sends, on the way the daemon takes
 * it: into a PortholeVncViewer (the bridge's byte pump, with its "RFB "
 * check), over the socketpair to the vnc plugin's libvncserver screen,
 * whose hooks (pointer, keys, clipboard, SetDesktopSize, update requests)
 * are the plugin's own. Behind the plugin's callback table
 * (porthole-vnc.h) is a sink that records and checks what arrives
 * instead of the X side (XTest, the clipboard, RandR); it answers a
 * SetDesktopSize and an update request as the daemon does, with a new
 * framebuffer and with changed pixels, so that the viewer's pixel
 * format and encodings are used.
 *
 * The server is the plugin's synchronous one: no thread, the harness
 * runs the same turns of its loop (iterate()) between the viewer's, so
 * an input is served in one thread without waiting on timers or the
 * scheduler, and a crash replays the same way. Once every byte of the
 * input is in the server's socket, the harness shuts that socket's
 * reading side (a viewer that said all it had to say): a message cut
 * short then ends the viewer at once, as it would after libvncserver's
 * read timeout, instead of waiting out that timeout.
 *
 * A fresh screen and viewer per input: its first byte chooses how the
 * viewer is attached (bit 0: asked for the VNC password, as on the TCP
 * port; bit 1: a view-only server; bit 2: the harness sends a valid
 * handshake first — ProtocolVersion 3.8, security None, ClientInit —
 * so that the rest goes straight to the message parser); the rest is
 * the viewer's bytes, from its ProtocolVersion on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-fuzz.h"
#include "porthole-plugin.h"
#include "porthole-vnc.h"
#include "porthole-vnc-viewer.h"

#define WIDTH 64
#define HEIGHT 48
#define MAX_WIDTH 128
#define MAX_HEIGHT 96

#define FLAG_PASSWORD 1
#define FLAG_VIEW_ONLY 2
#define FLAG_HANDSHAKE 4

/* ProtocolVersion, security type None, ClientInit (shared). */
static const char handshake[] = "RFB 003.008\n\x01\x01";

/* The longest an input may take before it is cut short; libFuzzer's
 * -timeout is what catches a hang. */
#define MAX_ITERATION_USEC (5 * G_USEC_PER_SEC)

typedef struct
{
  const PortholeVncPlugin *plugin;
  PortholeVncBackend *backend;
  gboolean view_only;
  guint events;
  gint viewers;
  gboolean added;
  gboolean removed;
} Sink;

/* What SetDesktopSize may ask (checked by the plugin) and what the
 * framebuffer may then be. */
static void
assert_size (int width,
             int height)
{
  g_assert_cmpint (width, >=, 1);
  g_assert_cmpint (width, <=, MAX_WIDTH);
  g_assert_cmpint (height, >=, 1);
  g_assert_cmpint (height, <=, MAX_HEIGHT);
}

/* Viewer input: never from a view-only server. */
static void
record_input (Sink *sink)
{
  g_assert_false (sink->view_only);
  sink->events++;
}

static void
sink_pointer (gpointer user_data,
              int      x,
              int      y,
              guint    buttons)
{
  /* May be off the screen: RFB places are 16 bits, and SetScale
   * multiplies them (the X side clamps: porthole-x11-input.c). */
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpuint (buttons, <=, G_MAXUINT8);
  record_input (user_data);
}

static void
sink_key (gpointer user_data,
          guint32  keysym,
          gboolean down)
{
  g_assert_true (down == TRUE || down == FALSE);
  record_input (user_data);
}

static void
sink_cut_text (gpointer    user_data,
               const char *text)
{
  /* The clipboard takes UTF-8 only. */
  g_assert_true (g_utf8_validate (text, -1, NULL));
  record_input (user_data);
}

static void
sink_set_size (gpointer user_data,
               int      width,
               int      height)
{
  Sink *sink = user_data;

  assert_size (width, height);
  /* As the daemon does: the viewer waits for a framebuffer. */
  sink->plugin->resize (sink->backend, width, height);
  record_input (sink);
}

static void
sink_want_frame (gpointer user_data)
{
  Sink *sink = user_data;
  int width, height, stride, shm_id;
  guint8 *pixels = sink->plugin->try_lock (sink->backend, &width, &height, &stride, &shm_id);
  PortholeRect area;

  /* Busy encoding: the daemon would try again; nothing to check. */
  if (pixels == NULL)
    return;

  /* The size asked last may be on its way still: what try_lock() gives
   * is the truth (porthole-vnc-server.c's copy_damage() knows too). */
  assert_size (width, height);
  g_assert_cmpint (stride, >=, width * 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      ((guint32 *) (pixels + (gsize) y * stride))[x] = (guint32) (x * 0x010203u + y * 0x030201u + sink->events);
  area = (PortholeRect) { 0, 0, width, height };
  sink->plugin->unlock (sink->backend, &area, 1);
  sink->events++;
}

static void
sink_resized (gpointer user_data,
              int      width,
              int      height)
{
  assert_size (width, height);
}

static void
sink_viewer_changed (gpointer user_data,
                     gboolean added)
{
  Sink *sink = user_data;

  sink->viewers += added ? 1 : -1;
  sink->added |= added;
  sink->removed |= !added;
  g_assert_cmpint (sink->viewers, >=, 0);
  g_assert_cmpint (sink->viewers, <=, 1);
}

static const PortholeVncCallbacks sink_callbacks = {
  .pointer = sink_pointer,
  .key = sink_key,
  .cut_text = sink_cut_text,
  .set_size = sink_set_size,
  .want_frame = sink_want_frame,
  .resized = sink_resized,
  .viewer_changed = sink_viewer_changed,
};

static const PortholeVncPlugin *
get_plugin (void)
{
  static const PortholeVncPlugin *plugin;
  g_autoptr(GError) error = NULL;

  if (plugin != NULL)
    return plugin;

  /* libvncserver writes to viewers with write(): a viewer gone would
   * kill the process, as portholed's main() knows too. */
  signal (SIGPIPE, SIG_IGN);
  plugin = porthole_plugin_load (PORTHOLE_PLUGIN_VNC, &error);
  g_assert_no_error (error);
  return plugin;
}

static int
unread_bytes (int fd)
{
  int pending = 0;

  if (ioctl (fd, FIONREAD, &pending) != 0)
    return 0;
  return pending;
}

static void
send_all (int           fd,
          GByteArray   *input,
          gsize        *written)
{
  while (*written < input->len)
    {
      gssize n = send (fd, input->data + *written, input->len - *written, MSG_DONTWAIT | MSG_NOSIGNAL);

      if (n <= 0)
        return;
      *written += n;
    }
}

/* What the server sends is read and dropped; FALSE once it has closed. */
static gboolean
discard_output (int fd)
{
  guint8 buffer[64 * 1024];

  for (;;)
    {
      gssize n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT);

      if (n > 0)
        continue;
      return n < 0 && (errno == EAGAIN || errno == EINTR);
    }
}

/* Whatever is ready in the main context: the viewer's byte pump and the
 * server's events. */
static void
dispatch_all (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const PortholeVncPlugin *plugin = get_plugin ();
  g_autoptr(PortholeVncViewer) viewer = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  PortholeVncOptions options = {
    .width = WIDTH,
    .height = HEIGHT,
    .max_width = MAX_WIDTH,
    .max_height = MAX_HEIGHT,
    .desktop_name = "porthole-fuzz",
    /* As with a TCP port: viewers of the bridge are not asked it. */
    .password = "porthole",
    .max_viewers = 1,
    .synchronous = TRUE,
  };
  Sink sink = { .plugin = plugin };
  gint64 deadline = g_get_monotonic_time () + MAX_ITERATION_USEC;
  gboolean needs_password;
  gsize written = 0;
  int last_pending = 0;
  int peer[2];
  int server_fd;

  if (size < 1)
    return 0;
  options.view_only = sink.view_only = (data[0] & FLAG_VIEW_ONLY) != 0;
  needs_password = (data[0] & (FLAG_PASSWORD | FLAG_HANDSHAKE)) == FLAG_PASSWORD;
  if (data[0] & FLAG_HANDSHAKE)
    g_byte_array_append (input, (const guint8 *) handshake, sizeof handshake - 1);
  g_byte_array_append (input, data + 1, size - 1);

  sink.backend = plugin->backend_new (&options, &sink_callbacks, &sink, &error);
  g_assert_no_error (error);

  /* peer[0] is the viewer; the daemon holds peer[1], as it holds a
   * viewer's TCP connection. */
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, peer), ==, 0);
  socket = g_socket_new_from_fd (peer[1], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  viewer = porthole_vnc_viewer_new_socket (connection, &error);
  g_assert_no_error (error);
  server_fd = porthole_vnc_viewer_steal_server_fd (viewer);
  g_assert_true (plugin->add_viewer (sink.backend, server_fd, needs_password));

  /* The viewer's bytes, through the bridge into the server's socket,
   * before the server reads any: it reads a message whole, waiting for
   * its rest. Until the bridge has forwarded all (or refused the viewer
   * and closed), or no more fits: libFuzzer's -max_len of 64 KiB here
   * always does, a longer input is cut where the sockets are full. */
  for (guint round = 0;; round++)
    {
      gsize before = written;
      int pending;

      send_all (peer[0], input, &written);
      dispatch_all ();
      pending = unread_bytes (peer[1]);
      if ((written == input->len && pending == 0) ||
          (round > 0 && written == before && pending == last_pending))
        break;
      last_pending = pending;
    }
  /* The server has not taken its socket yet: it is open. */
  shutdown (server_fd, SHUT_RD);

  /* The server takes the viewer (none when the bridge refused it: the
   * ProtocolVersion cannot be sent), then reads a message a turn, each
   * turn followed by the viewer's, until it drops the viewer: at the
   * end of its input at the latest. */
  plugin->iterate (sink.backend);
  dispatch_all ();
  while (sink.added && !sink.removed && g_get_monotonic_time () < deadline)
    {
      discard_output (peer[0]);
      plugin->iterate (sink.backend);
      /* Its events, the removal last, and the viewer's bytes. */
      dispatch_all ();
    }

  /* Formatted only when shown: this runs hundreds of times a second. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    g_debug ("%zu of %u bytes sent, %u events, %s", written, input->len, sink.events,
             sink.removed || !sink.added ? "all handled" : "cut short");
  porthole_vnc_viewer_close (viewer, NULL);
  plugin->backend_free (sink.backend);
  close (peer[0]);

  return 0;
}
