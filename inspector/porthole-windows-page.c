/* porthole-windows-page.c
 *
 * The windows of the sandbox's desktop, refreshed every two seconds
 * while the page is shown (one request at a time), with focus, minimize,
 * close and "save a picture of it"; and screen recordings: start one
 * with a frame rate, format and quality, stop it, save or play the file.
 *
 * portholed has no route that lists recordings, so the page lists those
 * it started (per sandbox), and asks for the status of each one still
 * running at every refresh.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-client-desktop.h"
#include "porthole-json.h"
#include "porthole-windows-page.h"

#define REFRESH_SECONDS 2

struct _PortholeWindowsPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkListBox *windows_list;
  GtkListBox *recordings_list;
  GtkSpinButton *fps_spin;
  AdwComboRow *format_row;
  AdwComboRow *quality_row;

  /* Owned references */
  GSimpleActionGroup *window_actions;
  GSimpleActionGroup *recording_actions;
  JsonArray *windows;
  char *windows_key;
  GPtrArray *recordings;
  GCancellable *refresh_cancellable;

  /* Borrowed: the sandbox the lists belong to. */
  PortholeSandbox *shown_sandbox;

  guint refresh_id;
  guint64 n_refreshes;
  guint64 n_saved;
};

G_DEFINE_FINAL_TYPE (PortholeWindowsPage, porthole_windows_page, PORTHOLE_TYPE_PAGE)

static void refresh (PortholeWindowsPage *self);

static PortholeClient *
get_client (PortholeWindowsPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));

  return sandbox ? porthole_sandbox_get_client (sandbox) : NULL;
}

static gint64
get_int (JsonObject *object,
         const char *member)
{
  gint64 value = 0;

  porthole_json_node_get_int (json_object_get_member (object, member), &value);

  return value;
}

static GtkWidget *
make_button (const char *icon,
             const char *tooltip,
             const char *action,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);

  return button;
}

static void
set_placeholder (GtkListBox *list,
                 const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_list_box_set_placeholder (list, label);
}

static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static GtkWidget *
make_window_row (JsonObject *window)
{
  const char *title = porthole_json_object_get_string (window, "title");
  gint64 id = get_int (window, "id");
  gint64 pid = get_int (window, "pid");
  gboolean minimized = FALSE;
  g_autofree char *escaped = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *where = NULL;
  GtkWidget *row = adw_action_row_new ();

  porthole_json_node_get_boolean (json_object_get_member (window, "is_minimized"), &minimized);
  escaped = g_markup_escape_text (title && *title ? title : _("Untitled"), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);

  /* Translators: a window's size and place: "500×400 at 100, 120". (%lld,
   * not G_GINT64_FORMAT: xgettext cuts a msgid at a macro.) */
  where = g_strdup_printf (_("%lld×%lld at %lld, %lld"),
                           (long long) get_int (window, "width"), (long long) get_int (window, "height"),
                           (long long) get_int (window, "x"), (long long) get_int (window, "y"));
  if (pid > 0)
    /* Translators: "PID 42 · 500×400 at 100, 120" */
    subtitle = g_strdup_printf (_("PID %lld · %s%s"), (long long) pid, where, minimized ? _(" · minimized") : "");
  else
    subtitle = g_strdup_printf ("%s%s", where, minimized ? _(" · minimized") : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             make_button ("find-location-symbolic", _("Focus"), "windows.focus", g_variant_new_int64 (id)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             make_button ("window-minimize-symbolic", _("Minimize"), "windows.minimize", g_variant_new_int64 (id)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             make_button ("camera-photo-symbolic", _("Save a Picture of the Window…"), "windows.capture",
                                          g_variant_new_int64 (id)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             make_button ("window-close-symbolic", _("Close"), "windows.close", g_variant_new_int64 (id)));

  return row;
}

static void
show_windows (PortholeWindowsPage *self)
{
  guint n = self->windows ? json_array_get_length (self->windows) : 0;

  clear_list (self->windows_list);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (self->windows, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        gtk_list_box_append (self->windows_list, make_window_row (json_node_get_object (node)));
    }
}

static const char *
recording_id (JsonObject *recording)
{
  return porthole_json_object_get_string (recording, "recording_id");
}

static char *
describe_recording (JsonObject *recording)
{
  const char *status = porthole_json_object_get_string (recording, "status");
  const char *format = porthole_json_object_get_string (recording, "format");
  g_autofree char *size = NULL;
  double duration = 0;

  if (g_strcmp0 (status, "recording") == 0)
    return g_strdup (_("Recording…"));
  if (g_strcmp0 (status, "failed") == 0)
    return g_strdup (_("Failed"));

  porthole_json_node_get_double (json_object_get_member (recording, "duration"), &duration);
  size = g_format_size (get_int (recording, "file_size"));
  /* Translators: "3.2 s · 1.2 MB · webm" */
  return g_strdup_printf (_("%.1f s · %s · %s"), duration, size, format ? format : "");
}

static void
show_recordings (PortholeWindowsPage *self)
{
  clear_list (self->recordings_list);
  for (guint i = 0; i < self->recordings->len; i++)
    {
      JsonObject *recording = g_ptr_array_index (self->recordings, i);
      const char *id = recording_id (recording);
      g_autofree char *subtitle = describe_recording (recording);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), id);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (g_strcmp0 (porthole_json_object_get_string (recording, "status"), "recording") == 0)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   make_button ("media-playback-stop-symbolic", _("Stop Recording"),
                                                "recordings.stop", g_variant_new_string (id)));
      else if (g_strcmp0 (porthole_json_object_get_string (recording, "status"), "stopped") == 0)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     make_button ("media-playback-start-symbolic", _("Play"),
                                                  "recordings.play", g_variant_new_string (id)));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     make_button ("document-save-symbolic", _("Save…"),
                                                  "recordings.save", g_variant_new_string (id)));
        }
      gtk_list_box_append (self->recordings_list, row);
    }
}

/* Keeps the newest answer about a recording, first in the list. */
static void
update_recording (PortholeWindowsPage *self,
                  JsonObject          *recording)
{
  const char *id = recording_id (recording);

  if (id == NULL)
    return;

  for (guint i = 0; i < self->recordings->len; i++)
    if (g_strcmp0 (recording_id (g_ptr_array_index (self->recordings, i)), id) == 0)
      {
        json_object_unref (self->recordings->pdata[i]);
        self->recordings->pdata[i] = json_object_ref (recording);
        show_recordings (self);
        return;
      }

  g_ptr_array_insert (self->recordings, 0, json_object_ref (recording));
  show_recordings (self);
}

static JsonObject *
find_recording (PortholeWindowsPage *self,
                const char          *id)
{
  for (guint i = 0; i < self->recordings->len; i++)
    if (g_strcmp0 (recording_id (g_ptr_array_index (self->recordings, i)), id) == 0)
      return g_ptr_array_index (self->recordings, i);

  return NULL;
}

static gboolean
on_refresh_timeout (gpointer user_data)
{
  PortholeWindowsPage *self = user_data;

  self->refresh_id = 0;
  refresh (self);

  return G_SOURCE_REMOVE;
}

static void
recording_status_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(JsonObject) reply = porthole_client_call_finish (PORTHOLE_CLIENT (object), result, NULL);

  if (reply != NULL && porthole_page_get_running (PORTHOLE_PAGE (self)))
    update_recording (self, reply);
}

static void
windows_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(JsonArray) windows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *key = NULL;

  windows = porthole_client_list_windows_finish (PORTHOLE_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->refresh_cancellable);
  self->n_refreshes++;
  if (windows == NULL)
    {
      set_placeholder (self->windows_list, error->message);
      g_clear_pointer (&self->windows, json_array_unref);
      g_clear_pointer (&self->windows_key, g_free);
      show_windows (self);
    }
  else
    {
      /* Rows only change when the windows did: a focus or a tooltip
       * survives the refresh. */
      node = json_node_init_array (json_node_alloc (), windows);
      key = json_to_string (node, FALSE);
      if (g_strcmp0 (key, self->windows_key) != 0)
        {
          g_clear_pointer (&self->windows, json_array_unref);
          self->windows = json_array_ref (windows);
          g_free (self->windows_key);
          self->windows_key = g_steal_pointer (&key);
          set_placeholder (self->windows_list, _("No windows"));
          show_windows (self);
        }
    }

  if (porthole_page_get_running (PORTHOLE_PAGE (self)))
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, on_refresh_timeout, self);
}

static void
refresh (PortholeWindowsPage *self)
{
  GCancellable *cancellable = porthole_page_get_cancellable (PORTHOLE_PAGE (self));
  PortholeClient *client = get_client (self);

  if (!porthole_page_get_running (PORTHOLE_PAGE (self)) || self->refresh_cancellable != NULL)
    return;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_cancellable = g_object_ref (cancellable);
  porthole_client_list_windows_async (client, cancellable, windows_cb, g_object_ref (self));

  for (guint i = 0; i < self->recordings->len; i++)
    {
      JsonObject *recording = g_ptr_array_index (self->recordings, i);

      if (g_strcmp0 (porthole_json_object_get_string (recording, "status"), "recording") == 0)
        porthole_client_get_recording_async (client, recording_id (recording), cancellable,
                                             recording_status_cb, g_object_ref (self));
    }
}

static void
porthole_windows_page_start (PortholePage    *page,
                             PortholeSandbox *sandbox,
                             GCancellable    *cancellable)
{
  PortholeWindowsPage *self = PORTHOLE_WINDOWS_PAGE (page);

  if (self->shown_sandbox != sandbox)
    {
      g_ptr_array_set_size (self->recordings, 0);
      g_clear_pointer (&self->windows, json_array_unref);
      g_clear_pointer (&self->windows_key, g_free);
      show_windows (self);
      show_recordings (self);
      self->shown_sandbox = sandbox;
    }

  refresh (self);
}

static void
porthole_windows_page_stop (PortholePage *page)
{
  PortholeWindowsPage *self = PORTHOLE_WINDOWS_PAGE (page);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->refresh_cancellable);
  if (self->shown_sandbox != porthole_page_get_sandbox (page))
    self->shown_sandbox = NULL;
}

/* Window actions */

static void
window_action_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_call_finish_boolean (PORTHOLE_CLIENT (object), result, &error))
    porthole_page_show_error (PORTHOLE_PAGE (self), _("The window did not answer"), error);
  refresh (self);
}

static void
window_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  PortholeWindowsPage *self = user_data;
  PortholeClient *client = get_client (self);

  if (client == NULL || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return;

  /* Not the page's cancellable: the user asked, and hears how it went. */
  porthole_client_window_action_async (client, g_action_get_name (G_ACTION (action)), g_variant_get_int64 (parameter),
                                       NULL, window_action_cb, g_object_ref (self));
}

static void
picture_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("Could not save the picture"), error);
      return;
    }

  self->n_saved++;
  porthole_page_show_toast (PORTHOLE_PAGE (self), _("Picture saved"));
}

static void
captured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GFile) file = g_object_steal_data (G_OBJECT (self), "capture-file");

  png = porthole_client_screenshot_finish (PORTHOLE_CLIENT (object), result, &error);
  if (png == NULL)
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("Could not take a picture of the window"), error);
      return;
    }

  g_file_replace_contents_bytes_async (file, png, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       picture_written_cb, g_object_ref (self));
}

/**
 * porthole_windows_page_capture_to_file:
 *
 * What "Save a Picture of the Window" does once a file is chosen: the
 * window's PNG, written to @file.
 */
void
porthole_windows_page_capture_to_file (PortholeWindowsPage *self,
                                       gint64               window_id,
                                       GFile               *file)
{
  PortholeClient *client;

  g_return_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if ((client = get_client (self)) == NULL)
    return;

  g_object_set_data_full (G_OBJECT (self), "capture-file", g_object_ref (file), g_object_unref);
  porthole_client_capture_window_async (client, window_id, NULL, captured_cb, g_object_ref (self));
}

typedef void (*SaveFunc) (PortholeWindowsPage *self,
                          GVariant            *what,
                          GFile               *file);

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  SaveFunc save = g_object_get_data (G_OBJECT (chooser), "save");
  GVariant *what = g_object_get_data (G_OBJECT (chooser), "what");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    save (self, what, file);
  g_object_unref (chooser);
}

/* Asks where @what goes, then calls @save. */
static void
choose_file (PortholeWindowsPage *self,
             const char          *title,
             const char          *name,
             GVariant            *what,
             SaveFunc             save)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "save", save);
  g_object_set_data_full (G_OBJECT (chooser), "what", g_variant_ref_sink (what), (GDestroyNotify) g_variant_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_capture (PortholeWindowsPage *self,
              GVariant            *what,
              GFile               *file)
{
  porthole_windows_page_capture_to_file (self, g_variant_get_int64 (what), file);
}

static void
capture_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_autofree char *name = g_strdup_printf ("window-%" G_GINT64_FORMAT ".png", g_variant_get_int64 (parameter));

  choose_file (user_data, _("Save a Picture of the Window"), name, parameter, save_capture);
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  refresh (user_data);
}

static const GActionEntry window_entries[] = {
  { "focus", window_action, "x" },
  { "close", window_action, "x" },
  { "minimize", window_action, "x" },
  { "capture", capture_action, "x" },
  { "refresh", refresh_action },
};

/* Recording actions */

static void
recording_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = porthole_client_call_finish (PORTHOLE_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The recording did not answer"), error);
      return;
    }

  update_recording (self, reply);
}

static void
start_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  PortholeWindowsPage *self = user_data;
  static const char * const formats[] = { "webm", "mp4" };
  static const char * const qualities[] = { "low", "medium", "high" };
  guint format = adw_combo_row_get_selected (self->format_row);
  guint quality = adw_combo_row_get_selected (self->quality_row);
  PortholeClient *client = get_client (self);

  if (client == NULL || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return;

  porthole_client_start_recording_async (client, gtk_spin_button_get_value_as_int (self->fps_spin),
                                         formats[MIN (format, G_N_ELEMENTS (formats) - 1)],
                                         qualities[MIN (quality, G_N_ELEMENTS (qualities) - 1)],
                                         NULL, recording_cb, g_object_ref (self));
}

static void
stop_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeWindowsPage *self = user_data;
  PortholeClient *client = get_client (self);

  if (client != NULL)
    porthole_client_stop_recording_async (client, g_variant_get_string (parameter, NULL), NULL,
                                          recording_cb, g_object_ref (self));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_download_recording_finish (PORTHOLE_CLIENT (object), result, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("Could not save the recording"), error);
      return;
    }

  self->n_saved++;
  porthole_page_show_toast (PORTHOLE_PAGE (self), _("Recording saved"));
}

/**
 * porthole_windows_page_save_recording:
 *
 * What "Save…" does once a file is chosen: the video, streamed to @file.
 */
void
porthole_windows_page_save_recording (PortholeWindowsPage *self,
                                      const char          *id,
                                      GFile               *file)
{
  PortholeClient *client;

  g_return_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self));

  if ((client = get_client (self)) != NULL)
    porthole_client_download_recording_async (client, id, file, NULL, saved_cb, g_object_ref (self));
}

static void
save_recording (PortholeWindowsPage *self,
                GVariant            *what,
                GFile               *file)
{
  porthole_windows_page_save_recording (self, g_variant_get_string (what, NULL), file);
}

static char *
recording_file_name (PortholeWindowsPage *self,
                     const char          *id)
{
  JsonObject *recording = find_recording (self, id);
  const char *format = recording ? porthole_json_object_get_string (recording, "format") : NULL;

  return g_strdup_printf ("%s.%s", id, format ? format : "webm");
}

static void
save_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeWindowsPage *self = user_data;
  g_autofree char *name = recording_file_name (self, g_variant_get_string (parameter, NULL));

  choose_file (self, _("Save the Recording"), name, parameter, save_recording);
}

static void
play_downloaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PortholeWindowsPage) self = user_data;
  g_autoptr(GFile) file = g_object_steal_data (G_OBJECT (self), "play-file");
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *box, *video;

  if (!porthole_client_download_recording_finish (PORTHOLE_CLIENT (object), result, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("Could not fetch the recording"), error);
      return;
    }

  /* GtkVideo plays what GStreamer can (GTK's media backend). */
  window = adw_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_title (GTK_WINDOW (window), _("Recording"));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 520);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  video = gtk_video_new_for_file (file);
  gtk_video_set_autoplay (GTK_VIDEO (video), TRUE);
  gtk_widget_set_vexpand (video, TRUE);
  gtk_box_append (GTK_BOX (box), video);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static void
play_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeWindowsPage *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  g_autofree char *name = recording_file_name (self, id);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "porthole", "recordings", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  PortholeClient *client = get_client (self);

  if (client == NULL)
    return;

  g_mkdir_with_parents (dir, 0700);
  g_object_set_data_full (G_OBJECT (self), "play-file", g_object_ref (file), g_object_unref);
  porthole_client_download_recording_async (client, id, file, NULL, play_downloaded_cb, g_object_ref (self));
}

static const GActionEntry recording_entries[] = {
  { "start", start_action },
  { "stop", stop_action, "s" },
  { "save", save_action, "s" },
  { "play", play_action, "s" },
};

static void
porthole_windows_page_dispose (GObject *object)
{
  PortholeWindowsPage *self = (PortholeWindowsPage *)object;

  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_WINDOWS_PAGE);

  G_OBJECT_CLASS (porthole_windows_page_parent_class)->dispose (object);
}

static void
porthole_windows_page_finalize (GObject *object)
{
  PortholeWindowsPage *self = (PortholeWindowsPage *)object;

  g_clear_object (&self->window_actions);
  g_clear_object (&self->recording_actions);
  g_clear_pointer (&self->windows, json_array_unref);
  g_clear_pointer (&self->recordings, g_ptr_array_unref);
  g_free (self->windows_key);

  G_OBJECT_CLASS (porthole_windows_page_parent_class)->finalize (object);
}

static void
porthole_windows_page_class_init (PortholeWindowsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_windows_page_dispose;
  object_class->finalize = porthole_windows_page_finalize;
  page_class->start = porthole_windows_page_start;
  page_class->stop = porthole_windows_page_stop;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-windows-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeWindowsPage, windows_list);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindowsPage, recordings_list);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindowsPage, fps_spin);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindowsPage, format_row);
  gtk_widget_class_bind_template_child (widget_class, PortholeWindowsPage, quality_row);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "windows.refresh", NULL);
}

static void
porthole_windows_page_init (PortholeWindowsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  set_placeholder (self->windows_list, _("No windows"));
  set_placeholder (self->recordings_list, _("No recordings yet"));

  self->window_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->window_actions), window_entries,
                                   G_N_ELEMENTS (window_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "windows", G_ACTION_GROUP (self->window_actions));
  self->recording_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->recording_actions), recording_entries,
                                   G_N_ELEMENTS (recording_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "recordings", G_ACTION_GROUP (self->recording_actions));
}

guint64
porthole_windows_page_get_n_refreshes (PortholeWindowsPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self), 0);

  return self->n_refreshes;
}

/**
 * porthole_windows_page_find_window:
 *
 * Returns: the id of the listed window called @title, or 0
 */
gint64
porthole_windows_page_find_window (PortholeWindowsPage *self,
                                   const char          *title)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self), 0);

  for (guint i = 0; self->windows && i < json_array_get_length (self->windows); i++)
    {
      JsonNode *node = json_array_get_element (self->windows, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (porthole_json_object_get_string (json_node_get_object (node), "title"), title) == 0)
        return get_int (json_node_get_object (node), "id");
    }

  return 0;
}

/**
 * porthole_windows_page_get_window:
 *
 * Returns: (transfer none) (nullable): what the list says of the window
 */
JsonObject *
porthole_windows_page_get_window (PortholeWindowsPage *self,
                                  gint64               window_id)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self), NULL);

  for (guint i = 0; self->windows && i < json_array_get_length (self->windows); i++)
    {
      JsonNode *node = json_array_get_element (self->windows, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && get_int (json_node_get_object (node), "id") == window_id)
        return json_node_get_object (node);
    }

  return NULL;
}

guint
porthole_windows_page_get_n_recordings (PortholeWindowsPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self), 0);

  return self->recordings->len;
}

/**
 * porthole_windows_page_get_recording:
 * @position: from 0, the newest
 *
 * Returns: (transfer none): what the daemon last said of it
 */
JsonObject *
porthole_windows_page_get_recording (PortholeWindowsPage *self,
                                     guint                position)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self), NULL);
  g_return_val_if_fail (position < self->recordings->len, NULL);

  return g_ptr_array_index (self->recordings, position);
}

/**
 * porthole_windows_page_get_n_saved:
 *
 * Returns: how many pictures and recordings were saved
 */
guint64
porthole_windows_page_get_n_saved (PortholeWindowsPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WINDOWS_PAGE (self), 0);

  return self->n_saved;
}
