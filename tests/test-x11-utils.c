/* test-x11-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>
#include <gio/gunixinputstream.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>

#include "porthole-json.h"
#include "porthole-procfs.h"
#include "test-x11-utils.h"

#define LINE_TIMEOUT_MS (20 * 1000)

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static int
ignore_x_error (Display     *xdisplay,
                XErrorEvent *event)
{
  return 0;
}

/* Reads one line from @fd, waiting at most LINE_TIMEOUT_MS. */
static char *
read_line_from (int      fd,
                GString *pending)
{
  gint64 deadline = g_get_monotonic_time () + LINE_TIMEOUT_MS * 1000;

  for (;;)
    {
      char *newline = strchr (pending->str, '\n');
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      char buffer[65536];
      gint64 remaining;
      ssize_t n;

      if (newline != NULL)
        {
          char *line = g_strndup (pending->str, newline - pending->str);

          g_string_erase (pending, 0, newline - pending->str + 1);
          return line;
        }

      remaining = (deadline - g_get_monotonic_time ()) / 1000;
      if (remaining <= 0)
        return NULL;
      if (poll (&pfd, 1, remaining) <= 0)
        continue;

      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return NULL;
      g_string_append_len (pending, buffer, n);
    }
}

/* Binds the abstract socket name @name: while the socket is open, no one
 * else can (bound, not listening: connections to it are refused).
 * Returns: the socket, or -1 with errno set */
static int
bind_abstract (const char *name)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  socklen_t length = offsetof (struct sockaddr_un, sun_path) + 1 + strlen (name);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int saved_errno;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (name), <, sizeof address.sun_path - 1);
  memcpy (address.sun_path + 1, name, strlen (name));
  if (bind (fd, (struct sockaddr *) &address, length) == 0)
    return fd;

  saved_errno = errno;
  close (fd);
  errno = saved_errno;
  return -1;
}

/* Xvfb on x11->number; FALSE if it exits before it accepts connections
 * (another X server has the number). */
static gboolean
spawn_server (PortholeTestX11 *x11)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pending = g_string_new (NULL);
  g_autofree char *screen = g_strdup_printf ("%dx%dx24", x11->width, x11->height);
  g_autofree char *line = NULL;
  int fds[2];

  g_assert_cmpint (pipe (fds), ==, 0);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  x11->server = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", x11->name, "-displayfd", "3",
                                             "-screen", "0", screen, "-noreset", "-br",
                                             "-nolisten", "tcp", NULL);
  g_assert_no_error (error);
  /* Our copy of the pipe's end: without it, a server that exits is
   * read as end of file at once. */
  g_clear_object (&launcher);

  /* -displayfd: the number, once the server accepts connections. */
  line = read_line_from (fds[0], pending);
  close (fds[0]);
  if (line == NULL)
    {
      g_subprocess_wait (x11->server, NULL, NULL);
      g_assert_false (g_subprocess_get_if_exited (x11->server) && g_subprocess_get_exit_status (x11->server) == 0);
      g_clear_object (&x11->server);
      return FALSE;
    }
  g_assert_cmpint (atoi (line), ==, x11->number);

  x11->xdisplay = XOpenDisplay (x11->name);
  g_assert_nonnull (x11->xdisplay);
  return TRUE;
}

/* Test servers run on numbers from here on, each held by its
 * PortholeTestX11 for its whole life with an abstract socket name of
 * ours. An X server that picks its own number (-displayfd without one:
 * the daemon's embedded Xvfb, anyone else's) takes the lowest it can
 * bind and does not come up this far, and test servers pass by the
 * numbers other tests hold: a number stays a test's own while its
 * server is down and restarted (x11-faults, x11-recovery), which
 * servers choosing the lowest free number (as tests did) took from it. */
#define FIRST_TEST_DISPLAY 200
#define N_TEST_DISPLAYS 1000

/**
 * porthole_test_x11_new:
 *
 * Starts Xvfb on a free display number at @width x @height x 24.
 */
PortholeTestX11 *
porthole_test_x11_new (int width,
                       int height)
{
  PortholeTestX11 *x11 = g_new0 (PortholeTestX11, 1);

  XSetErrorHandler (ignore_x_error);
  x11->reservation = -1;
  x11->width = width;
  x11->height = height;

  for (x11->number = FIRST_TEST_DISPLAY; ; x11->number++)
    {
      g_autofree char *claim_name = g_strdup_printf ("porthole-test-display-%d", x11->number);

      g_assert_cmpint (x11->number, <, FIRST_TEST_DISPLAY + N_TEST_DISPLAYS);
      x11->claim = bind_abstract (claim_name);
      if (x11->claim < 0)
        {
          /* Another test's. */
          g_assert_cmpint (errno, ==, EADDRINUSE);
          continue;
        }

      x11->name = g_strdup_printf (":%d", x11->number);
      if (spawn_server (x11))
        break;

      /* An X server not started here has it. */
      g_clear_pointer (&x11->name, g_free);
      close (x11->claim);
    }

  return x11;
}

static void
stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;

  g_subprocess_send_signal (*process, SIGKILL);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

void
porthole_test_x11_free (PortholeTestX11 *x11)
{
  stop_process (&x11->wm);
  if (x11->xdisplay != NULL)
    XCloseDisplay (x11->xdisplay);
  stop_process (&x11->server);
  if (x11->reservation >= 0)
    close (x11->reservation);
  close (x11->claim);
  g_free (x11->name);
  g_free (x11);
}

/**
 * porthole_test_x11_kill_server:
 *
 * SIGKILL to Xvfb (our own connection is closed first: Xlib would exit
 * the test otherwise).
 */
void
porthole_test_x11_kill_server (PortholeTestX11 *x11)
{
  g_autofree char *path = g_strdup_printf ("/tmp/.X11-unix/X%d", x11->number);

  g_clear_pointer (&x11->xdisplay, XCloseDisplay);
  stop_process (&x11->server);

  /* No test takes the number (x11->claim), and an X server choosing its
   * own does not come up this far; should one do so all the same, the
   * display's abstract socket name, held while the server is away, makes
   * it pass this one by (clients are refused, as with no server). */
  x11->reservation = bind_abstract (path);
  g_assert_no_errno (x11->reservation);
}

/* Starts Xvfb again on the same display number. */
void
porthole_test_x11_restart_server (PortholeTestX11 *x11)
{
  g_assert_null (x11->server);
  g_assert_cmpint (x11->reservation, >=, 0);
  close (x11->reservation);
  x11->reservation = -1;
  g_assert_true (spawn_server (x11));
}

/**
 * porthole_test_display_has_wm:
 *
 * Returns: TRUE when an EWMH window manager runs on @xdisplay
 */
gboolean
porthole_test_display_has_wm (Display *xdisplay)
{
  Atom type;
  int format;
  unsigned long n_items = 0, after;
  unsigned char *data = NULL;
  gboolean found;

  XGetWindowProperty (xdisplay, DefaultRootWindow (xdisplay),
                      XInternAtom (xdisplay, "_NET_SUPPORTING_WM_CHECK", False), 0, 1, False,
                      XA_WINDOW, &type, &format, &n_items, &after, &data);
  found = n_items == 1;
  if (data != NULL)
    XFree (data);

  return found;
}

/* openbox, and wait until it manages the screen. */
void
porthole_test_x11_start_wm (PortholeTestX11 *x11)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", x11->name, TRUE);
  /* The test's isolated XDG directories have no theme: openbox would exit. */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", "/usr/local/share:/usr/share", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", "/etc/xdg", TRUE);
  x11->wm = g_subprocess_launcher_spawn (launcher, &error, "openbox", "--sm-disable", NULL);
  g_assert_no_error (error);

  PORTHOLE_TEST_X11_WAIT (porthole_test_display_has_wm (x11->xdisplay));
}

/* portholed on this server. */
PortholeTestDaemon *
porthole_test_x11_daemon_new (PortholeTestX11 *x11)
{
  g_autofree char *display = g_strdup_printf ("--display=%s", x11->name);
  const char *args[] = { display, NULL };

  return porthole_test_daemon_new (args);
}

/**
 * porthole_test_client_new:
 * @text: (nullable): a line of large text to paint
 *
 * Starts the test client and waits until its window is painted.
 */
PortholeTestClient *
porthole_test_client_new (PortholeTestX11 *x11,
                          const char      *title,
                          int              x,
                          int              y,
                          int              width,
                          int              height,
                          const char      *text)
{
  PortholeTestClient *client = g_new0 (PortholeTestClient, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *sx = g_strdup_printf ("%d", x);
  g_autofree char *sy = g_strdup_printf ("%d", y);
  g_autofree char *sw = g_strdup_printf ("%d", width);
  g_autofree char *sh = g_strdup_printf ("%d", height);
  const char *path = g_getenv ("PORTHOLE_TEST_X11_CLIENT");
  const char *line;

  g_assert_nonnull (path);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", x11->name, TRUE);
  client->process = g_subprocess_launcher_spawn (launcher, &error, path, title, sx, sy, sw, sh, text, NULL);
  g_assert_no_error (error);

  client->stdout_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (client->process)));
  client->pending = g_string_new (NULL);
  client->lines = g_ptr_array_new_with_free_func (g_free);

  line = porthole_test_client_wait_line (client, "ready ");
  client->window = g_ascii_strtoull (line + strlen ("ready "), NULL, 16);
  g_assert_cmpuint (client->window, !=, 0);

  return client;
}

void
porthole_test_client_free (PortholeTestClient *client)
{
  stop_process (&client->process);
  g_string_free (client->pending, TRUE);
  g_ptr_array_unref (client->lines);
  g_free (client);
}

void
porthole_test_client_send (PortholeTestClient *client,
                           const char         *command)
{
  GOutputStream *input = g_subprocess_get_stdin_pipe (client->process);
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (input, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (input, NULL, &error);
  g_assert_no_error (error);
}

/**
 * porthole_test_client_wait_line:
 *
 * Consumes the client's lines until one starts with @prefix (failing
 * after 20 s).
 *
 * Returns: (transfer none): that line
 */
const char *
porthole_test_client_wait_line (PortholeTestClient *client,
                                const char         *prefix)
{
  for (;;)
    {
      char *line;

      while (client->next < client->lines->len)
        {
          line = g_ptr_array_index (client->lines, client->next++);
          if (g_str_has_prefix (line, prefix))
            return line;
        }

      line = read_line_from (client->stdout_fd, client->pending);
      if (line == NULL)
        g_error ("The test client did not say \"%s\"", prefix);
      g_ptr_array_add (client->lines, line);
    }
}

/* Forgets what the client said so far (reads what is waiting). */
void
porthole_test_client_skip (PortholeTestClient *client)
{
  struct pollfd pfd = { .fd = client->stdout_fd, .events = POLLIN };

  while (poll (&pfd, 1, 100) > 0)
    {
      char buffer[65536];
      ssize_t n = read (client->stdout_fd, buffer, sizeof buffer);

      if (n <= 0)
        break;
      g_string_append_len (client->pending, buffer, n);
    }

  for (char *newline; (newline = strchr (client->pending->str, '\n')) != NULL;)
    g_string_erase (client->pending, 0, newline - client->pending->str + 1);
  client->next = client->lines->len;
}

/**
 * porthole_test_client_wait_chars:
 *
 * Returns: (transfer full): the next @n_chars characters typed
 */
char *
porthole_test_client_wait_chars (PortholeTestClient *client,
                                 glong               n_chars)
{
  GString *text = g_string_new (NULL);

  for (glong i = 0; i < n_chars; i++)
    {
      const char *line = porthole_test_client_wait_line (client, "char ");

      g_string_append_unichar (text, g_ascii_strtoull (line + 5, NULL, 16));
    }

  return g_string_free (text, FALSE);
}

guint8 *
porthole_test_decode_image (GBytes     *bytes,
                            const char *format,
                            int        *width,
                            int        *height)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gboolean png = g_str_equal (format, "png");
  const AVCodec *codec = avcodec_find_decoder (png ? AV_CODEC_ID_PNG : AV_CODEC_ID_MJPEG);
  AVCodecContext *context = avcodec_alloc_context3 (codec);
  AVPacket *packet = av_packet_alloc ();
  AVFrame *frame = av_frame_alloc ();
  guint8 *padded, *rgb;

  if (png)
    g_assert_true (size > 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0);
  else
    g_assert_true (size > 2 && data[0] == 0xff && data[1] == 0xd8);

  g_assert_cmpint (avcodec_open2 (context, codec, NULL), ==, 0);
  padded = g_malloc0 (size + AV_INPUT_BUFFER_PADDING_SIZE);
  memcpy (padded, data, size);
  packet->data = padded;
  packet->size = size;
  g_assert_cmpint (avcodec_send_packet (context, packet), ==, 0);
  g_assert_cmpint (avcodec_receive_frame (context, frame), ==, 0);

  *width = frame->width;
  *height = frame->height;
  rgb = porthole_test_frame_to_rgb (frame);

  g_free (padded);
  packet->data = NULL;
  av_packet_free (&packet);
  av_frame_free (&frame);
  avcodec_free_context (&context);

  return rgb;
}

/**
 * porthole_test_frame_to_rgb:
 *
 * Returns: (transfer full): a decoded picture as RGB24, width * 3 bytes
 *   per row
 */
guint8 *
porthole_test_frame_to_rgb (const AVFrame *frame)
{
  int stride = frame->width * 3;
  guint8 *rgb = g_malloc ((gsize) stride * frame->height);
  struct SwsContext *sws = sws_getContext (frame->width, frame->height, frame->format, frame->width,
                                           frame->height, AV_PIX_FMT_RGB24, SWS_POINT, NULL, NULL, NULL);

  sws_scale (sws, (const guint8 *const *) frame->data, frame->linesize, 0, frame->height,
             (guint8 *const[]) { rgb }, (const int[]) { stride });
  sws_freeContext (sws);

  return rgb;
}

void
porthole_test_assert_pixel (const guint8 *rgb,
                            int           width,
                            int           x,
                            int           y,
                            guint32       expected,
                            int           tolerance)
{
  const guint8 *pixel = rgb + ((gsize) y * width + x) * 3;

  g_assert_cmpint (ABS (pixel[0] - (int) ((expected >> 16) & 0xff)), <=, tolerance);
  g_assert_cmpint (ABS (pixel[1] - (int) ((expected >> 8) & 0xff)), <=, tolerance);
  g_assert_cmpint (ABS (pixel[2] - (int) (expected & 0xff)), <=, tolerance);
}

const PortholeTestPatternPoint porthole_test_pattern[PORTHOLE_TEST_PATTERN_POINTS] = {
  { 35, 35, 0xff0000 },
  { 95, 35, 0x00ff00 },
  { 155, 35, 0x0000ff },
  { 215, 35, 0xffffff },
  { 300, 200, 0x204080 },
  { 5, 5, 0x204080 },
};

/**
 * porthole_test_assert_pattern:
 * @origin_x: where the window's origin is in the image
 *
 * Checks the points of the pattern that fall inside the image.
 *
 * Returns: how many did
 */
guint
porthole_test_assert_pattern (const guint8 *rgb,
                              int           width,
                              int           height,
                              int           origin_x,
                              int           origin_y,
                              int           tolerance)
{
  guint checked = 0;

  for (guint i = 0; i < PORTHOLE_TEST_PATTERN_POINTS; i++)
    {
      int x = origin_x + porthole_test_pattern[i].x;
      int y = origin_y + porthole_test_pattern[i].y;

      if (x < 0 || y < 0 || x >= width || y >= height)
        continue;
      porthole_test_assert_pixel (rgb, width, x, y, porthole_test_pattern[i].rgb, tolerance);
      checked++;
    }

  return checked;
}

JsonObject *
porthole_test_desktop_call (PortholeTestDaemon *daemon,
                            const char         *method,
                            const char         *path,
                            const char         *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL, body);

  if (r->status != 200)
    g_error ("%s %s: %u %.*s", method, path, r->status,
             (int) g_bytes_get_size (r->body), (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_nonnull (r->json);
  g_assert_true (json_object_get_boolean_member_with_default (r->json, "success", FALSE));

  return json_object_ref (r->json);
}

PortholeTestResponse *
porthole_test_request_accept (PortholeTestDaemon *daemon,
                              const char         *method,
                              const char         *path,
                              const char         *body,
                              const char         *accept)
{
  g_autofree char *url = g_strconcat (daemon->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autofree char *authorization = g_strconcat ("Bearer ", daemon->token, NULL);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Authorization", authorization);
  if (accept != NULL)
    soup_message_headers_replace (headers, "Accept", accept);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  return porthole_test_send (daemon, msg);
}

/**
 * porthole_test_desktop_status:
 *
 * Sends @method @path (POST with "{}") and returns the status; a 503 must
 * be the SDKs' desktop error, with what to install.
 */
guint
porthole_test_desktop_status (PortholeTestDaemon *daemon,
                              const char         *method,
                              const char         *path)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL,
                                                             g_str_equal (method, "POST") ? "{}" : NULL);

  if (r->status == 503)
    {
      porthole_test_assert_error_body (r, 503, "DESKTOP_NOT_AVAILABLE");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r->json, "missing_dependencies")), >, 0);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (r->json, "details"),
                                                                            "missing_dependencies")), >, 0);
    }

  return r->status;
}

/* A request that must fail with @status and @code (API.md §1.5 body). */
void
porthole_test_expect_error (PortholeTestDaemon *daemon,
                            const char         *method,
                            const char         *path,
                            const char         *body,
                            guint               status,
                            const char         *code)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL, body);

  porthole_test_assert_error_body (r, status, code);
}

/* g_test_add() fixture functions; @spec is a PortholeTestDesktopSpec. */
void
porthole_test_desktop_setup (PortholeTestDesktop *desktop,
                             gconstpointer        spec)
{
  const PortholeTestDesktopSpec *s = spec;

  desktop->x11 = porthole_test_x11_new (s->screen_width, s->screen_height);
  desktop->daemon = porthole_test_x11_daemon_new (desktop->x11);
  desktop->client = porthole_test_client_new (desktop->x11, s->title, s->x, s->y, s->width, s->height, s->text);
}

void
porthole_test_desktop_teardown (PortholeTestDesktop *desktop,
                                gconstpointer        spec)
{
  g_clear_pointer (&desktop->client, porthole_test_client_free);
  g_clear_pointer (&desktop->daemon, porthole_test_daemon_free);
  g_clear_pointer (&desktop->x11, porthole_test_x11_free);
}

struct _PortholeTestPending
{
  GThread *thread;
  SoupMessage *msg;
  PortholeTestResponse *response;
  gint64 answered;
  gint done;
};

static gpointer
pending_thread (gpointer user_data)
{
  PortholeTestPending *pending = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  PortholeTestResponse *response = g_new0 (PortholeTestResponse, 1);

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 600, NULL);
  response->body = soup_session_send_and_read (session, pending->msg, NULL, &error);
  pending->answered = g_get_monotonic_time ();
  g_assert_no_error (error);
  response->status = soup_message_get_status (pending->msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (pending->msg));
  /* JSON answers parsed; others (a screenshot) as they came. */
  if (g_strcmp0 (soup_message_headers_get_content_type (response->headers, NULL), "application/json") == 0 &&
      g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonNode) node = porthole_json_parse (g_bytes_get_data (response->body, NULL),
                                                      g_bytes_get_size (response->body), &error);

      g_assert_no_error (error);
      response->json = json_object_ref (json_node_get_object (node));
    }
  pending->response = response;
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&pending->done, 1);

  return NULL;
}

/**
 * porthole_test_pending_new:
 *
 * Sends @method @path with @body (JSON) and the fixture's token, from a
 * thread; porthole_test_pending_join() collects the answer.
 */
PortholeTestPending *
porthole_test_pending_new (PortholeTestDaemon *daemon,
                           const char         *method,
                           const char         *path,
                           const char         *body)
{
  PortholeTestPending *pending = g_new0 (PortholeTestPending, 1);
  g_autofree char *url = g_strconcat (daemon->url, path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", daemon->token, NULL);

  pending->msg = soup_message_new (method, url);
  soup_message_headers_replace (soup_message_get_request_headers (pending->msg), "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (pending->msg, "application/json", bytes);
    }
  pending->thread = g_thread_new ("pending request", pending_thread, pending);

  return pending;
}

gboolean
porthole_test_pending_is_done (PortholeTestPending *pending)
{
  return g_atomic_int_get (&pending->done) != 0;
}

/**
 * porthole_test_pending_join:
 * @answered: (out) (optional): g_get_monotonic_time() when the answer
 *   had arrived
 *
 * Waits for the answer and frees @pending.
 */
PortholeTestResponse *
porthole_test_pending_join (PortholeTestPending *pending,
                            gint64              *answered)
{
  PortholeTestResponse *response;

  g_thread_join (pending->thread);
  response = pending->response;
  if (answered != NULL)
    *answered = pending->answered;
  g_object_unref (pending->msg);
  g_free (pending);

  return response;
}

/**
 * porthole_test_count_log_lines:
 *
 * Returns: how many lines of the desktop log (/desktop/debug/logs)
 *   contain @text: "POST /desktop/wait" once a wait has started
 */
guint
porthole_test_count_log_lines (PortholeTestDaemon *daemon,
                               const char         *text)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (daemon, "GET", "/desktop/debug/logs?lines=2000", NULL);
  JsonArray *logs = json_object_get_array_member (reply, "logs");
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (logs); i++)
    if (strstr (json_array_get_string_element (logs, i), text) != NULL)
      count++;

  return count;
}

/**
 * porthole_test_find_helper:
 * @processes: an answer of /desktop/debug/processes
 *
 * Returns: the pid of the running helper called @name, or 0
 */
int
porthole_test_find_helper (JsonObject *processes,
                           const char *name)
{
  JsonArray *array = json_object_get_array_member (processes, "processes");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *process = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (process, "name"), name) &&
          g_str_equal (json_object_get_string_member (process, "status"), "running"))
        return json_object_get_int_member (process, "pid");
    }

  return 0;
}

int
porthole_test_running_pid (PortholeTestDaemon *daemon,
                           const char         *name)
{
  g_autoptr(JsonObject) reply = porthole_test_desktop_call (daemon, "GET", "/desktop/debug/processes", NULL);

  return porthole_test_find_helper (reply, name);
}

gboolean
porthole_test_process_is_gone (int pid)
{
  PortholeProcStat stat;

  return !porthole_procfs_read_stat (pid, &stat) || stat.state == 'Z';
}

/* Noise (test-x11-utils.h) */

void
porthole_test_noise_init (PortholeTestNoise *noise,
                          PortholeTestX11   *x11)
{
  Display *xdisplay = x11->xdisplay;
  int screen = DefaultScreen (xdisplay);
  char *data = g_malloc ((gsize) x11->width * x11->height * 4);

  noise->xdisplay = xdisplay;
  noise->window = XCreateSimpleWindow (xdisplay, RootWindow (xdisplay, screen), 0, 0, x11->width, x11->height,
                                       0, 0, 0);
  XMapRaised (xdisplay, noise->window);
  noise->gc = XCreateGC (xdisplay, noise->window, 0, NULL);
  noise->image = XCreateImage (xdisplay, DefaultVisual (xdisplay, screen), DefaultDepth (xdisplay, screen),
                               ZPixmap, 0, data, x11->width, x11->height, 32, 0);
  g_assert_nonnull (noise->image);
}

void
porthole_test_noise_paint (PortholeTestNoise *noise)
{
  guint32 *pixels = (guint32 *) noise->image->data;
  gsize n = (gsize) noise->image->width * noise->image->height;

  for (gsize i = 0; i < n; i++)
    pixels[i] = g_random_int ();
  XPutImage (noise->xdisplay, noise->window, noise->gc, noise->image, 0, 0, 0, 0,
             noise->image->width, noise->image->height);
  XSync (noise->xdisplay, False);
}

void
porthole_test_noise_clear (PortholeTestNoise *noise)
{
  XDestroyImage (noise->image);
  XFreeGC (noise->xdisplay, noise->gc);
  XDestroyWindow (noise->xdisplay, noise->window);
  XSync (noise->xdisplay, False);
}
