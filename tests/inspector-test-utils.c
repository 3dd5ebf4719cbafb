/* inspector-test-utils.c
 *
 * Each test program draws on its own Xvfb (the "GUI display"), apart
 * from the sandbox's display the daemon drives, and runs inside
 * dbus-run-session (meson wraps it). Input goes through XTest on the
 * GUI display, so GTK sees real X events, exactly as from a user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <X11/extensions/XTest.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "inspector-test-utils.h"
#include "porthole-sandbox-list.h"

static PortholeTestX11 *gui;
static PortholeApplication *app;
static char *private_dir;

static void
cleanup (void)
{
  g_clear_pointer (&gui, porthole_test_x11_free);
  if (private_dir != NULL)
    porthole_test_rm_rf (private_dir);
}

/**
 * porthole_inspector_test_start_keyring:
 *
 * Starts gnome-keyring-daemon on the session bus dbus-run-session gave
 * this test (it reads the login keyring's password on stdin, forks, and
 * prints the variables its clients need).
 *
 * Returns: %FALSE if gnome-keyring-daemon is not installed
 */
gboolean
porthole_inspector_test_start_keyring (void)
{
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  if (program == NULL)
    return FALSE;

  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             program, "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (daemon, "porthole-test-keyring", NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (daemon));

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *equals = strchr (lines[i], '=');

      if (equals != NULL)
        {
          *equals = '\0';
          g_setenv (lines[i], equals + 1, TRUE);
        }
    }

  return TRUE;
}

/**
 * porthole_inspector_test_init:
 *
 * Starts the GUI display, points the environment at private places
 * (settings in memory, tokens in libsecret's file backend unless the
 * program set up a Secret Service), then gtk_test_init().
 */
void
porthole_inspector_test_init (int    *argc,
                              char ***argv)
{
  const char *dirs[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "HOME" };

  /* A daemon that dies under a request must fail the test, not kill it. */
  signal (SIGPIPE, SIG_IGN);

  private_dir = porthole_test_make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (private_dir, dirs[i], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (dirs[i], dir, TRUE);
    }

  /* libsecret 0.20.5's file backend leaks a string at every write
   * (secret-file-collection.c on_replace_contents overwrites its etag),
   * in GIO frames LSan cannot name: under ASan the tests keep their
   * tokens in a real Secret Service instead. */
  if (g_getenv ("PORTHOLE_TEST_SANITIZED") != NULL && g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0)
    g_unsetenv ("SECRET_BACKEND");

  if (g_getenv ("SECRET_BACKEND") != NULL && g_str_equal (g_getenv ("SECRET_BACKEND"), "file"))
    {
      g_autofree char *keyring = g_build_filename (private_dir, "keyring", NULL);

      g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "porthole-test", TRUE);
    }
  else if (g_getenv ("SECRET_BACKEND") == NULL)
    porthole_inspector_test_start_keyring ();

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  /* The same pixels whatever GL the machine has; bench/inspector
   * measures the default renderer. */
  g_setenv ("GSK_RENDERER", g_getenv ("PORTHOLE_TEST_GSK_RENDERER") ?: "cairo", TRUE);

  gui = porthole_test_x11_new (1400, 1000);
  g_setenv ("DISPLAY", gui->name, TRUE);
  atexit (cleanup);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

/**
 * porthole_inspector_test_find_window:
 * @type: a GtkWindow type: a dialog, the about window…
 *
 * Returns: (transfer none) (nullable): a shown toplevel of @type
 */
GtkWindow *
porthole_inspector_test_find_window (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

/**
 * porthole_inspector_test_start_wm:
 *
 * A window manager on the GUI display from now on (fullscreen and
 * maximize need one to be real).
 */
void
porthole_inspector_test_start_wm (void)
{
  porthole_test_x11_start_wm (gui);
}

/**
 * porthole_inspector_test_get_display:
 *
 * Returns: (transfer none): the test's own connection to the GUI display
 */
Display *
porthole_inspector_test_get_display (void)
{
  return gui->xdisplay;
}

/**
 * porthole_inspector_test_get_app:
 *
 * Returns: (transfer none): the application, registered (started up)
 */
PortholeApplication *
porthole_inspector_test_get_app (void)
{
  g_autoptr(GError) error = NULL;

  if (app == NULL)
    {
      app = porthole_application_new ();
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
      /* Windows come and go between tests; the application stays. */
      g_application_hold (G_APPLICATION (app));
    }

  return app;
}

PortholeWindow *
porthole_inspector_test_window_new (void)
{
  PortholeWindow *window = porthole_window_new (porthole_inspector_test_get_app ());

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
                           gtk_widget_get_width (GTK_WIDGET (window)) > 0);

  return window;
}

void
porthole_inspector_test_window_close (PortholeWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  porthole_inspector_test_spin (50);
}

/**
 * porthole_inspector_test_add_sandbox:
 *
 * Adds a sandbox the way the command line and a drop do, and waits for
 * its first health check.
 *
 * Returns: (transfer none): the sandbox, shown in @window
 */
PortholeSandbox *
porthole_inspector_test_add_sandbox (PortholeWindow *window,
                                     const char     *url,
                                     const char     *token,
                                     const char     *name)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  PortholeSandbox *sandbox;

  info = porthole_connection_info_new (url, token, name, &error);
  g_assert_no_error (error);
  sandbox = porthole_application_open_connection (porthole_inspector_test_get_app (), info);
  g_assert_true (porthole_window_get_sandbox (window) == sandbox);
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_get_state (sandbox) != PORTHOLE_SANDBOX_CONNECTING);

  return sandbox;
}

/* Empties the sidebar (and the keyring), waiting for the keyring. */
void
porthole_inspector_test_remove_all (void)
{
  PortholeSandboxList *list = porthole_application_get_sandbox_list (porthole_inspector_test_get_app ());

  while (g_list_model_get_n_items (G_LIST_MODEL (list)) > 0)
    {
      g_autoptr(PortholeSandbox) sandbox = g_list_model_get_item (G_LIST_MODEL (list), 0);

      porthole_sandbox_list_remove (list, sandbox);
    }
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_list_get_n_pending (list) == 0);
}

void
porthole_inspector_test_wait_state (PortholeSandbox      *sandbox,
                                    PortholeSandboxState  state)
{
  PORTHOLE_INSPECTOR_WAIT (porthole_sandbox_get_state (sandbox) == state);
}

/* The GUI display's root coordinates of (@x, @y) in @widget. */
static void
to_root (GtkWidget *widget,
         double     x,
         double     y,
         int       *root_x,
         int       *root_y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t point;
  double surface_x, surface_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (gui->xdisplay, gdk_x11_surface_get_xid (surface), DefaultRootWindow (gui->xdisplay),
                         /* The pixel that contains the point: the
                          * middle of a remote pixel shown larger than
                          * one of ours lands inside it. (GTK's float
                          * transforms can put a pixel's middle a hair
                          * off .5, never near its edges.) */
                         (int) floor (point.x + surface_x), (int) floor (point.y + surface_y),
                         root_x, root_y, &child);
}

/**
 * porthole_inspector_test_wait_stable:
 *
 * Waits until @widget stays put on the screen for a while (revealers
 * and other transitions done), so a point computed now is where the
 * click lands.
 */
void
porthole_inspector_test_wait_stable (GtkWidget *widget)
{
  int last_x = G_MININT, last_y = G_MININT, last_width = -1, last_height = -1;
  guint same = 0;

  while (same < 4)
    {
      int x, y, width, height;

      porthole_inspector_test_spin (50);
      to_root (widget, 0, 0, &x, &y);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      same = (x == last_x && y == last_y && width == last_width && height == last_height) ? same + 1 : 0;
      last_x = x;
      last_y = y;
      last_width = width;
      last_height = height;
    }
}

/**
 * porthole_inspector_test_pointer:
 *
 * Moves the GUI display's pointer over (@x, @y) of @widget.
 */
void
porthole_inspector_test_pointer (GtkWidget *widget,
                                 double     x,
                                 double     y)
{
  int root_x, root_y;

  to_root (widget, x, y, &root_x, &root_y);
  XTestFakeMotionEvent (gui->xdisplay, -1, root_x, root_y, CurrentTime);
  XFlush (gui->xdisplay);
}

/**
 * porthole_inspector_test_click:
 *
 * A real click (XTest) at (@x, @y) of @widget.
 */
void
porthole_inspector_test_click (GtkWidget *widget,
                               double     x,
                               double     y,
                               guint      button)
{
  porthole_inspector_test_wait_stable (widget);
  porthole_inspector_test_pointer (widget, x, y);
  /* GTK takes the motion before the press, as it would from a mouse. */
  porthole_inspector_test_spin (30);
  XTestFakeButtonEvent (gui->xdisplay, button, True, CurrentTime);
  XFlush (gui->xdisplay);
  porthole_inspector_test_spin (30);
  XTestFakeButtonEvent (gui->xdisplay, button, False, CurrentTime);
  XFlush (gui->xdisplay);
}

/**
 * porthole_inspector_test_key_event:
 *
 * A key press or release alone on the GUI display (the focus widget
 * gets it): chords and keys released in another order than pressed.
 */
void
porthole_inspector_test_key_event (guint    keysym,
                                   gboolean press)
{
  KeyCode code = XKeysymToKeycode (gui->xdisplay, keysym);

  g_assert_cmpuint (code, !=, 0);
  XTestFakeKeyEvent (gui->xdisplay, code, press, CurrentTime);
  XFlush (gui->xdisplay);
}

/* A key press and release on the GUI display (the focus widget gets it). */
void
porthole_inspector_test_key (guint keysym)
{
  porthole_inspector_test_key_event (keysym, TRUE);
  porthole_inspector_test_key_event (keysym, FALSE);
}

/**
 * porthole_inspector_test_wait_line:
 *
 * porthole_test_client_wait_line() that keeps the main loop turning
 * while it waits (GTK must see the input the client is to receive).
 *
 * Returns: (transfer none): the line
 */
const char *
porthole_inspector_test_wait_line (PortholeTestClient *client,
                                   const char         *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      struct pollfd pfd = { .fd = client->stdout_fd, .events = POLLIN };
      char buffer[4096];
      char *newline;

      while (client->next < client->lines->len)
        {
          const char *line = g_ptr_array_index (client->lines, client->next++);

          if (g_str_has_prefix (line, prefix))
            return line;
        }

      while ((newline = strchr (client->pending->str, '\n')) != NULL)
        {
          g_ptr_array_add (client->lines, g_strndup (client->pending->str, newline - client->pending->str));
          g_string_erase (client->pending, 0, newline - client->pending->str + 1);
        }
      if (client->next < client->lines->len)
        continue;

      if (g_get_monotonic_time () > deadline)
        g_error ("The test client did not say \"%s\"", prefix);

      g_main_context_iteration (NULL, FALSE);
      if (poll (&pfd, 1, 2) > 0)
        {
          ssize_t n = read (client->stdout_fd, buffer, sizeof buffer);

          if (n < 0 && errno == EINTR)
            continue;
          g_assert_cmpint (n, >, 0);
          g_string_append_len (client->pending, buffer, n);
        }
    }
}

/* Turns the main loop for @milliseconds. */
void
porthole_inspector_test_spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/**
 * porthole_inspector_test_save_png:
 * @name: the file's name, e.g. "inspector-screen.png"
 *
 * Renders @widget as it is now (its paintable through its window's
 * renderer) into a PNG in the build directory, for the README and the
 * metainfo.
 *
 * Returns: (transfer full): the PNG's path
 */
char *
porthole_inspector_test_save_png (GtkWidget  *widget,
                                  const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  /* The paintable has a picture once the widget was drawn as it is
   * (later than one would think in a slow build). */
  for (gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; node == NULL;)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gtk_test_widget_wait_for_draw (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        porthole_inspector_test_spin (100);
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Window picture: %s", path);

  return g_steal_pointer (&path);
}

/**
 * porthole_inspector_test_cpu_seconds:
 * @pid: a process, 0 for this one
 *
 * Returns: the CPU time (user and system) @pid has used, in seconds
 */
double
porthole_inspector_test_cpu_seconds (GPid pid)
{
  g_autofree char *path = pid ? g_strdup_printf ("/proc/%d/stat", pid) : g_strdup ("/proc/self/stat");
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &contents, NULL, NULL) || (after = strrchr (contents, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", -1);

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}
