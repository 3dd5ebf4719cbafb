/* test-inspector-windows.c — the Windows page against the real daemon
 * on a real Xvfb with the X test client: the client's window is listed,
 * its picture can be saved, closing it through the page closes it; a
 * recording started and stopped there is listed with its size and can
 * be saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "inspector-test-utils.h"
#include "porthole-json.h"
#include "porthole-windows-page.h"

#define TITLE "Inspector windows test"

typedef struct
{
  PortholeTestDesktop desktop;
  PortholeWindow *window;
  PortholeWindowsPage *page;
  PortholeSandbox *sandbox;
  char *tmpdir;
} Fixture;

static const PortholeTestDesktopSpec spec = { 1024, 768, TITLE, 100, 120, 400, 300, NULL };

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  porthole_test_desktop_setup (&fixture->desktop, data);
  porthole_test_client_skip (fixture->desktop.client);
  fixture->tmpdir = porthole_test_make_tmpdir ();
  fixture->window = porthole_inspector_test_window_new ();
  porthole_window_show_page (fixture->window, "windows");
  fixture->page = PORTHOLE_WINDOWS_PAGE (porthole_window_get_page (fixture->window, "windows"));
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->desktop.daemon->url,
                                                          fixture->desktop.daemon->token, "Windows test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_desktop_teardown (&fixture->desktop, data);
  porthole_test_rm_rf (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

static gint64
get_int (JsonObject *object,
         const char *member)
{
  gint64 value = -1;

  g_assert_true (porthole_json_node_get_int (json_object_get_member (object, member), &value));

  return value;
}

static void
test_list_capture_close (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *png = NULL;
  g_autofree char *picture_path = g_build_filename (fixture->tmpdir, "window.png", NULL);
  g_autoptr(GFile) picture = g_file_new_for_path (picture_path);
  g_autofree char *contents = NULL;
  JsonObject *listed;
  gsize length;
  gint64 id;

  PORTHOLE_INSPECTOR_WAIT ((id = porthole_windows_page_find_window (fixture->page, TITLE)) != 0);
  g_assert_cmpint (id, ==, fixture->desktop.client->window);
  listed = porthole_windows_page_get_window (fixture->page, id);
  g_assert_cmpint (get_int (listed, "width"), ==, 400);
  g_assert_cmpint (get_int (listed, "height"), ==, 300);

  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-windows.png");

  /* The picture, through the page's save path. */
  porthole_windows_page_capture_to_file (fixture->page, id, picture);
  PORTHOLE_INSPECTOR_WAIT (porthole_windows_page_get_n_saved (fixture->page) == 1);
  g_assert_true (g_file_get_contents (picture_path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  /* Close, as the row's button does: the client is asked to go. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "windows.close", "x", id));
  porthole_inspector_test_wait_line (fixture->desktop.client, "delete-window");
  PORTHOLE_INSPECTOR_WAIT (porthole_windows_page_find_window (fixture->page, TITLE) == 0);
}

static const char *
status_of (Fixture *fixture)
{
  if (porthole_windows_page_get_n_recordings (fixture->page) == 0)
    return NULL;

  return porthole_json_object_get_string (porthole_windows_page_get_recording (fixture->page, 0), "status");
}

static GtkVideo *
find_video (GtkWidget *widget)
{
  if (GTK_IS_VIDEO (widget))
    return GTK_VIDEO (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkVideo *video = find_video (child);

      if (video != NULL)
        return video;
    }

  return NULL;
}

/* The GtkVideo of the player window, once it is there. */
static GtkVideo *
find_player (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      GtkVideo *video = find_video (l->data);

      if (video != NULL)
        return video;
    }

  return NULL;
}

static void
test_recording (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *video_path = g_build_filename (fixture->tmpdir, "recording.webm", NULL);
  g_autoptr(GFile) video = g_file_new_for_path (video_path);
  g_autofree char *id = NULL;
  g_autofree char *png = NULL;
  JsonObject *recording;
  GtkVideo *player;
  GStatBuf info;
  gint64 size;

  g_assert_cmpuint (porthole_windows_page_get_n_recordings (fixture->page), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "recordings.start", NULL));
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (status_of (fixture), "recording") == 0);
  id = g_strdup (porthole_json_object_get_string (porthole_windows_page_get_recording (fixture->page, 0),
                                                  "recording_id"));
  g_assert_true (g_str_has_prefix (id, "rec_"));

  /* Something to record: the client paints. */
  porthole_test_client_send (fixture->desktop.client, "fill ff0000 0 0 200 200");
  porthole_inspector_test_wait_line (fixture->desktop.client, "filled");
  porthole_inspector_test_spin (1500);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "recordings.stop", "s", id));
  PORTHOLE_INSPECTOR_WAIT (g_strcmp0 (status_of (fixture), "stopped") == 0);
  g_assert_cmpuint (porthole_windows_page_get_n_recordings (fixture->page), ==, 1);
  recording = porthole_windows_page_get_recording (fixture->page, 0);
  g_assert_cmpstr (porthole_json_object_get_string (recording, "recording_id"), ==, id);
  g_assert_cmpstr (porthole_json_object_get_string (recording, "format"), ==, "webm");
  size = get_int (recording, "file_size");
  g_test_message ("Recording %s: %" G_GINT64_FORMAT " bytes", id, size);
  g_assert_cmpint (size, >, 0);

  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-recordings.png");

  /* Saved through the page: the whole file. */
  porthole_windows_page_save_recording (fixture->page, id, video);
  PORTHOLE_INSPECTOR_WAIT (porthole_windows_page_get_n_saved (fixture->page) == 1);
  g_assert_no_errno (g_stat (video_path, &info));
  g_assert_cmpint (info.st_size, ==, size);

  /* Play: GtkVideo in a window of its own, through GStreamer. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "recordings.play", "s", id));
  PORTHOLE_INSPECTOR_WAIT ((player = find_player ()) != NULL);
  PORTHOLE_INSPECTOR_WAIT (gtk_video_get_media_stream (player) != NULL &&
                           (gtk_media_stream_is_prepared (gtk_video_get_media_stream (player)) ||
                            gtk_media_stream_get_error (gtk_video_get_media_stream (player)) != NULL));
  g_assert_no_error (gtk_media_stream_get_error (gtk_video_get_media_stream (player)));
  g_assert_true (gtk_media_stream_has_video (gtk_video_get_media_stream (player)));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (player))));
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/windows/list-capture-close", test_list_capture_close);
  ADD ("/inspector/windows/recording", test_recording);
#undef ADD

  return g_test_run ();
}
