/* porthole-files-page.c
 *
 * The list is one GListStore replaced in a single splice per listing
 * (GET /files/list), shown through a filter (hidden files) and the
 * column view's sorter (folders first, then the clicked column). The
 * column view only makes rows for what is on screen and names compare
 * by precomputed keys, so a folder of 10 000 entries stays responsive;
 * the listing's JSON is parsed off the main thread (libporthole).
 *
 * While the page runs, a /files/watch socket follows the folder: a
 * deletion removes its row at once, anything else lists the folder
 * again shortly after (a burst of events is one listing).
 *
 * Uploads and downloads were asked for by the user: they go on when the
 * page is hidden, each with its own cancellable and row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "porthole-client-files.h"
#include "porthole-error.h"
#include "porthole-files-page.h"
#include "porthole-transfer-row.h"

/* Larger files are not previewed (nor edited). */
#define PREVIEW_MAX_SIZE (2 * 1024 * 1024)
/* Watch events are gathered this long before listing again. */
#define RELIST_DELAY_MS 250

typedef enum
{
  COLUMN_NAME,
  COLUMN_SIZE,
  COLUMN_MODIFIED,
  COLUMN_PERMISSIONS,
  N_COLUMNS
} Column;

static const struct {
  const char *title;
  float xalign;
  gboolean expand;
} columns[N_COLUMNS] = {
  [COLUMN_NAME] = { N_("Name"), 0.0, TRUE },
  [COLUMN_SIZE] = { N_("Size"), 1.0, FALSE },
  [COLUMN_MODIFIED] = { N_("Modified"), 0.0, FALSE },
  [COLUMN_PERMISSIONS] = { N_("Permissions"), 0.0, FALSE },
};

struct _PortholeFilesPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkEntry *path_entry;
  GtkToggleButton *hidden_button;
  GtkColumnView *column_view;
  GtkLabel *count_label;
  GtkListBox *transfers_box;
  GtkStack *preview_stack;
  AdwStatusPage *preview_status;
  GtkLabel *text_label;
  GtkSourceView *text_view;
  GtkPicture *image_picture;

  /* Owned references */
  GSimpleActionGroup *actions;
  GListStore *store;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  GListStore *transfers;
  char *path;
  PortholeFileWatch *watch;
  GCancellable *list_cancellable;
  GCancellable *preview_cancellable;
  char *preview_path;
  char *preview_modified;
  char *reselect;

  /* Borrowed: the sandbox the rows belong to. */
  PortholeSandbox *shown_sandbox;

  guint relist_id;
  guint64 n_listings;
  gboolean show_hidden;
  gboolean splicing;
};

G_DEFINE_FINAL_TYPE (PortholeFilesPage, porthole_files_page, PORTHOLE_TYPE_PAGE)

static void list_folder (PortholeFilesPage *self);
static void update_actions (PortholeFilesPage *self);
static void on_selection_changed (PortholeFilesPage *self);

static PortholeClient *
get_client (PortholeFilesPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));

  return sandbox ? porthole_sandbox_get_client (sandbox) : NULL;
}

static char *
format_modified (gint64 modified)
{
  g_autoptr(GDateTime) when = NULL;

  if (modified <= 0 || (when = g_date_time_new_from_unix_local (modified / G_USEC_PER_SEC)) == NULL)
    return g_strdup ("");

  return g_date_time_format (when, "%x %X");
}

/* Cells */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[column].xalign);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column == COLUMN_NAME)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_box_append (GTK_BOX (box), gtk_image_new ());
      gtk_box_append (GTK_BOX (box), label);
      gtk_list_item_set_child (list_item, box);
      return;
    }

  if (column == COLUMN_SIZE)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_PERMISSIONS)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  PortholeFileItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_NAME:
      {
        GtkWidget *image = gtk_widget_get_first_child (child);

        gtk_image_set_from_gicon (GTK_IMAGE (image), porthole_file_item_get_icon (item));
        gtk_label_set_label (GTK_LABEL (gtk_widget_get_next_sibling (image)), porthole_file_item_get_name (item));
        gtk_widget_set_opacity (child, porthole_file_item_is_hidden (item) ? 0.6 : 1.0);
        return;
      }
    case COLUMN_SIZE:
      text = porthole_file_item_is_directory (item) ? g_strdup ("") : g_format_size (porthole_file_item_get_size (item));
      break;
    case COLUMN_MODIFIED:
      text = format_modified (porthole_file_item_get_modified (item));
      break;
    case COLUMN_PERMISSIONS:
      text = g_strdup (porthole_file_item_get_permissions (item));
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (GTK_LABEL (child), text);
}

static int
compare_numbers (gint64 a,
                 gint64 b)
{
  return a < b ? GTK_ORDERING_SMALLER : a > b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  PortholeFileItem *x = PORTHOLE_FILE_ITEM ((gpointer) a);
  PortholeFileItem *y = PORTHOLE_FILE_ITEM ((gpointer) b);
  int result = GTK_ORDERING_EQUAL;

  switch (column)
    {
    case COLUMN_SIZE:
      result = compare_numbers (porthole_file_item_get_size (x), porthole_file_item_get_size (y));
      break;
    case COLUMN_MODIFIED:
      result = compare_numbers (porthole_file_item_get_modified (x), porthole_file_item_get_modified (y));
      break;
    case COLUMN_PERMISSIONS:
      result = strcmp (porthole_file_item_get_permissions (x), porthole_file_item_get_permissions (y));
      break;
    case COLUMN_NAME:
    case N_COLUMNS:
    default:
      break;
    }

  if (result == GTK_ORDERING_EQUAL)
    result = strcmp (porthole_file_item_get_collate_key (x), porthole_file_item_get_collate_key (y));

  return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

/* Folders before files whichever way the column sorts. */
static int
compare_kind (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  gboolean x = porthole_file_item_is_directory (PORTHOLE_FILE_ITEM ((gpointer) a));
  gboolean y = porthole_file_item_is_directory (PORTHOLE_FILE_ITEM ((gpointer) b));

  return x == y ? GTK_ORDERING_EQUAL : x ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static gboolean
filter_item (gpointer item,
             gpointer user_data)
{
  PortholeFilesPage *self = user_data;

  return self->show_hidden || !porthole_file_item_is_hidden (item);
}

static void
update_count (PortholeFilesPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (ngettext ("%u item", "%u items", total), total);
  else
    /* Translators: "12 items, 3 hidden" */
    text = g_strdup_printf (ngettext ("%u item, %u hidden", "%u items, %u hidden", shown), shown, total - shown);
  gtk_label_set_label (self->count_label, text);
}

/* Listing */

static guint
store_position (PortholeFilesPage *self,
                const char        *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortholeFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_str_equal (porthole_file_item_get_name (item), name))
        return i;
    }

  return G_MAXUINT;
}

/* Items are made off the main thread too: ten thousand objects with
 * their collation keys are most of a listing's cost after parsing. */
static void
make_items_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  JsonObject *reply = task_data;
  JsonArray *files = json_object_has_member (reply, "files") ? json_object_get_array_member (reply, "files") : NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  PortholeFileItem *item;

  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonNode *node = json_array_get_element (files, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          (item = porthole_file_item_new_from_json (json_node_get_object (node))) != NULL)
        g_ptr_array_add (items, item);
    }

  g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

static void
items_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  PortholeFilesPage *self = PORTHOLE_FILES_PAGE (object);
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *selected = NULL;
  PortholeFileItem *item;

  items = g_task_propagate_pointer (G_TASK (result), NULL);
  if (items == NULL)
    return;
  g_clear_object (&self->list_cancellable);

  /* The selection follows the name across the new objects. */
  item = porthole_files_page_get_selected (self);
  selected = self->reselect ? g_steal_pointer (&self->reselect)
                            : item ? g_strdup (porthole_file_item_get_name (item)) : NULL;
  /* The old row goes before the new one is selected: not a change of
   * file for the preview (an edit in progress must survive a listing). */
  self->splicing = TRUE;
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  if (selected == NULL || !porthole_files_page_select (self, selected))
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->splicing = FALSE;
  on_selection_changed (self);

  self->n_listings++;
  update_count (self);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  reply = porthole_client_list_files_finish (PORTHOLE_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      g_clear_object (&self->list_cancellable);
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The folder could not be listed"), error);
      return;
    }

  /* Still cancellable: a newer listing drops this one's items. */
  task = g_task_new (self, self->list_cancellable, items_cb, NULL);
  g_task_set_task_data (task, g_steal_pointer (&reply), (GDestroyNotify) json_object_unref);
  g_task_run_in_thread (task, make_items_thread);
}

static void
list_folder (PortholeFilesPage *self)
{
  GCancellable *cancellable = porthole_page_get_cancellable (PORTHOLE_PAGE (self));

  g_clear_handle_id (&self->relist_id, g_source_remove);
  if (cancellable == NULL || get_client (self) == NULL)
    return;

  /* The newest listing wins. */
  if (self->list_cancellable != NULL)
    g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           self->list_cancellable, G_CONNECT_SWAPPED);
  porthole_client_list_files_async (get_client (self), self->path, self->list_cancellable,
                                    list_cb, g_object_ref (self));
}

static gboolean
relist_timeout (gpointer user_data)
{
  PortholeFilesPage *self = user_data;

  self->relist_id = 0;
  list_folder (self);
  return G_SOURCE_REMOVE;
}

static gboolean
in_folder (PortholeFilesPage *self,
           const char        *path)
{
  g_autofree char *parent = path ? g_path_get_dirname (path) : NULL;

  return parent != NULL && g_strcmp0 (parent, self->path) == 0;
}

static void
on_watch_changed (PortholeFilesPage *self,
                  const char        *event,
                  const char        *path,
                  const char        *old_path,
                  gboolean           is_directory)
{
  if (!in_folder (self, path) && !in_folder (self, old_path))
    return;

  if (g_str_equal (event, "deleted"))
    {
      g_autofree char *name = g_path_get_basename (path);
      guint position = store_position (self, name);

      if (position != G_MAXUINT)
        {
          g_list_store_remove (self->store, position);
          update_count (self);
        }
      return;
    }

  if (self->relist_id == 0)
    self->relist_id = g_timeout_add (RELIST_DELAY_MS, relist_timeout, self);
}

static void
on_watch_closed (PortholeFilesPage *self)
{
  g_clear_object (&self->watch);
}

static void
watch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(PortholeFileWatch) watch = NULL;
  g_autoptr(GError) error = NULL;

  watch = porthole_client_watch_files_finish (PORTHOLE_CLIENT (object), result, &error);
  if (watch == NULL)
    {
      /* The list still works; only live updates are missing. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No live updates for %s: %s", self->path, error->message);
      return;
    }

  /* Navigated meanwhile: a newer watch is on its way. */
  if (g_strcmp0 (porthole_file_watch_get_path (watch), self->path) != 0 ||
      !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return;

  g_clear_object (&self->watch);
  self->watch = g_steal_pointer (&watch);
  g_signal_connect_object (self->watch, "changed", G_CALLBACK (on_watch_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->watch, "closed", G_CALLBACK (on_watch_closed), self, G_CONNECT_SWAPPED);
}

static void
watch_folder (PortholeFilesPage *self)
{
  GCancellable *cancellable = porthole_page_get_cancellable (PORTHOLE_PAGE (self));

  if (self->watch != NULL)
    porthole_ws_object_close (PORTHOLE_WS_OBJECT (self->watch));
  g_clear_object (&self->watch);
  if (cancellable == NULL || get_client (self) == NULL)
    return;

  porthole_client_watch_files_async (get_client (self), self->path, cancellable, watch_cb, g_object_ref (self));
}

/* Preview and editing */

static void
show_no_preview (PortholeFilesPage *self,
                 const char        *title,
                 const char        *description)
{
  g_clear_pointer (&self->preview_path, g_free);
  g_clear_pointer (&self->preview_modified, g_free);
  adw_status_page_set_title (self->preview_status, title);
  adw_status_page_set_description (self->preview_status, description);
  gtk_stack_set_visible_child_name (self->preview_stack, "none");
  update_actions (self);
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *modified = NULL;
  g_autofree char *content_type = NULL;
  gsize size;
  const char *data;

  bytes = porthole_client_read_file_finish (PORTHOLE_CLIENT (object), result, &modified, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL)
    {
      show_no_preview (self, _("No Preview"), error->message);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  content_type = g_content_type_guess (self->preview_path, (const guchar *) data, MIN (size, 4096), NULL);

  if (g_content_type_is_mime_type (content_type, "image/*") || g_str_has_prefix (content_type, "image/"))
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, NULL);

      if (texture != NULL)
        {
          gtk_picture_set_paintable (self->image_picture, GDK_PAINTABLE (texture));
          gtk_stack_set_visible_child_name (self->preview_stack, "image");
          return;
        }
    }

  if (g_utf8_validate (data, size, NULL))
    {
      GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)));
      GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
      g_autofree char *name = g_path_get_basename (self->preview_path);
      GtkTextIter start;

      gtk_source_buffer_set_language (buffer, gtk_source_language_manager_guess_language (languages, name, content_type));
      gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), data, size);
      gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (buffer), &start);
      gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (buffer), &start);
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (buffer), FALSE);
      gtk_label_set_label (self->text_label, self->preview_path);
      g_free (self->preview_modified);
      self->preview_modified = g_steal_pointer (&modified);
      gtk_stack_set_visible_child_name (self->preview_stack, "text");
      update_actions (self);
      return;
    }

  show_no_preview (self, _("No Preview"), _("This file is neither text nor an image."));
}

static void
preview_item (PortholeFilesPage *self,
              PortholeFileItem  *item)
{
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);

  if (item == NULL || porthole_file_item_is_directory (item))
    {
      show_no_preview (self, _("No Preview"), _("Select a text file or an image to see it here."));
      return;
    }
  if (porthole_file_item_get_size (item) > PREVIEW_MAX_SIZE)
    {
      show_no_preview (self, _("Too Large to Preview"), _("Download the file to open it."));
      return;
    }
  if (get_client (self) == NULL || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return;

  /* The path is known before the bytes arrive: what Save writes to. */
  g_free (self->preview_path);
  self->preview_path = g_strdup (porthole_file_item_get_path (item));
  g_clear_pointer (&self->preview_modified, g_free);
  self->preview_cancellable = g_cancellable_new ();
  porthole_client_read_file_async (get_client (self), self->preview_path, self->preview_cancellable,
                                   preview_cb, g_object_ref (self));
}

static void
on_selection_changed (PortholeFilesPage *self)
{
  PortholeFileItem *item = porthole_files_page_get_selected (self);

  if (self->splicing)
    return;

  /* A listing puts back the same file: keep the editor as it is. */
  if (item != NULL && self->preview_path != NULL &&
      g_strcmp0 (porthole_file_item_get_path (item), self->preview_path) == 0)
    {
      update_actions (self);
      return;
    }

  preview_item (self, item);
  update_actions (self);
}

static void
saved_mtime_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *modified = NULL;

  bytes = porthole_client_read_file_finish (PORTHOLE_CLIENT (object), result, &modified, NULL);
  if (bytes != NULL && self->preview_path != NULL && self->preview_modified == NULL)
    self->preview_modified = g_steal_pointer (&modified);
  /* Said once the next save can tell a change made by someone else. */
  porthole_page_show_toast (PORTHOLE_PAGE (self), _("Saved"));
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_write_file_finish (PORTHOLE_CLIENT (object), result, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The file was not saved"), error);
      return;
    }

  /* What the next save compares with: the file as written now. */
  g_clear_pointer (&self->preview_modified, g_free);
  if (self->preview_path != NULL && get_client (self) != NULL)
    porthole_client_read_file_async (get_client (self), self->preview_path, NULL, saved_mtime_cb, g_object_ref (self));
  else
    porthole_page_show_toast (PORTHOLE_PAGE (self), _("Saved"));
}

static void
write_buffer (PortholeFilesPage *self,
              const char        *path)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GtkTextIter start, end;
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  gtk_text_buffer_set_modified (buffer, FALSE);
  porthole_client_write_file_async (get_client (self), path, bytes, NULL, write_cb, g_object_ref (self));
}

static void
overwrite_answer (PortholePage *page,
                  gpointer      path)
{
  PortholeFilesPage *self = PORTHOLE_FILES_PAGE (page);

  if (get_client (self) != NULL)
    write_buffer (self, path);
}

static void
save_check_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *modified = NULL;

  bytes = porthole_client_read_file_finish (PORTHOLE_CLIENT (object), result, &modified, &error);
  if (self->preview_path == NULL)
    return;

  /* Gone, or unchanged since it was opened (or last saved): write. */
  if (bytes == NULL || self->preview_modified == NULL || g_strcmp0 (modified, self->preview_modified) == 0)
    {
      write_buffer (self, self->preview_path);
      return;
    }

  porthole_page_ask (PORTHOLE_PAGE (self), _("File Changed in the Sandbox"),
                     _("Someone changed the file since it was opened here. Saving replaces their changes."),
                     "overwrite", _("_Replace"), ADW_RESPONSE_DESTRUCTIVE,
                     overwrite_answer, g_strdup (self->preview_path), g_free);
}

static void
save_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortholeFilesPage *self = user_data;

  if (self->preview_path == NULL || get_client (self) == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->preview_stack), "text") != 0)
    return;

  /* Saved before in this session: the mtime is the daemon's, ask again. */
  porthole_client_read_file_async (get_client (self), self->preview_path, NULL, save_check_cb, g_object_ref (self));
}

/* Transfers */

static void
on_transfer_dismissed (PortholeFilesPage   *self,
                       PortholeTransferRow *row)
{
  guint position;

  if (g_list_store_find (self->transfers, porthole_transfer_row_get_transfer (row), &position))
    g_list_store_remove (self->transfers, position);
  gtk_list_box_remove (self->transfers_box, GTK_WIDGET (row));
  if (gtk_widget_get_first_child (GTK_WIDGET (self->transfers_box)) == NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->transfers_box), FALSE);
}

static void
add_transfer (PortholeFilesPage    *self,
              PortholeFileTransfer *transfer,
              const char           *verb)
{
  GtkWidget *row = porthole_transfer_row_new (transfer, verb);

  g_signal_connect_object (row, "dismissed", G_CALLBACK (on_transfer_dismissed), self, G_CONNECT_SWAPPED);
  g_list_store_append (self->transfers, transfer);
  gtk_list_box_append (self->transfers_box, row);
  gtk_widget_set_visible (GTK_WIDGET (self->transfers_box), TRUE);
}

static void
transfer_progress (goffset  done,
                   goffset  total,
                   gpointer user_data)
{
  porthole_file_transfer_set_progress (user_data, done, total);
}

static void
upload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PortholeFileTransfer) transfer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = porthole_client_upload_file_finish (PORTHOLE_CLIENT (object), result, &error);
  porthole_file_transfer_finish (transfer, error);
}

/**
 * porthole_files_page_upload_files:
 * @files: (element-type GFile): local files
 *
 * Uploads @files into the folder shown, each streamed with its own
 * progress row (what a drop and the Upload button both do).
 */
void
porthole_files_page_upload_files (PortholeFilesPage *self,
                                  GListModel        *files)
{
  PortholeClient *client;

  g_return_if_fail (PORTHOLE_IS_FILES_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  if ((client = get_client (self)) == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *destination = g_build_filename (self->path, name, NULL);
      PortholeFileTransfer *transfer = porthole_file_transfer_new (name, destination);

      add_transfer (self, transfer, _("Uploading"));
      porthole_client_upload_file_async (client, file, destination, transfer_progress, transfer,
                                         porthole_file_transfer_get_cancellable (transfer),
                                         upload_cb, transfer);
    }
}

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortholeFileTransfer) transfer = user_data;
  g_autoptr(GError) error = NULL;

  porthole_client_download_file_finish (PORTHOLE_CLIENT (object), result, &error);
  porthole_file_transfer_finish (transfer, error);
}

/**
 * porthole_files_page_download:
 * @path: a file in the sandbox
 * @destination: where to save it
 */
void
porthole_files_page_download (PortholeFilesPage *self,
                              const char        *path,
                              GFile             *destination)
{
  PortholeClient *client;
  g_autofree char *name = NULL;
  PortholeFileTransfer *transfer;

  g_return_if_fail (PORTHOLE_IS_FILES_PAGE (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (G_IS_FILE (destination));

  if ((client = get_client (self)) == NULL)
    return;

  name = g_path_get_basename (path);
  transfer = porthole_file_transfer_new (name, path);
  add_transfer (self, transfer, _("Downloading"));
  porthole_client_download_file_async (client, path, destination, transfer_progress, transfer,
                                       porthole_file_transfer_get_cancellable (transfer),
                                       download_cb, transfer);
}

static gboolean
on_drop (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         PortholeFilesPage *self)
{
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return FALSE;

  for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
    g_list_store_append (files, l->data);
  porthole_files_page_upload_files (self, G_LIST_MODEL (files));

  return g_list_model_get_n_items (G_LIST_MODEL (files)) > 0;
}

/* Actions */

static void
update_actions (PortholeFilesPage *self)
{
  PortholeFileItem *item = porthole_files_page_get_selected (self);
  gboolean running = porthole_page_get_running (PORTHOLE_PAGE (self));
  struct {
    const char *name;
    gboolean enabled;
  } states[] = {
    { "delete", running && item != NULL },
    { "download", running && item != NULL && !porthole_file_item_is_directory (item) },
    { "copy-path", item != NULL },
    { "upload", running },
    { "new-folder", running },
    { "save", running && self->preview_path != NULL },
    { "up", g_strcmp0 (self->path, "/") != 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), states[i].name)),
                                 states[i].enabled);
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  list_folder (PORTHOLE_FILES_PAGE (user_data));
}

static void
up_action (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  PortholeFilesPage *self = user_data;
  g_autofree char *parent = g_path_get_dirname (self->path);
  g_autofree char *child = g_path_get_basename (self->path);

  g_free (self->reselect);
  self->reselect = g_steal_pointer (&child);
  porthole_files_page_set_path (self, parent);
}

static void
focus_path_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  PortholeFilesPage *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->path_entry));
}

static void
toggle_hidden_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PortholeFilesPage *self = user_data;

  gtk_toggle_button_set_active (self->hidden_button, !gtk_toggle_button_get_active (self->hidden_button));
}

static void
copy_path_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  PortholeFilesPage *self = user_data;
  PortholeFileItem *item = porthole_files_page_get_selected (self);
  const char *path = item ? porthole_file_item_get_path (item) : self->path;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), path);
  porthole_page_show_toast (PORTHOLE_PAGE (self), _("Path copied"));
}

static void
remove_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_remove_file_finish (PORTHOLE_CLIENT (object), result, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("It was not deleted"), error);
      return;
    }

  porthole_page_show_toast (PORTHOLE_PAGE (self), _("Deleted"));
  list_folder (self);
}

static void
delete_answer (PortholePage *page,
               gpointer      path)
{
  PortholeFilesPage *self = PORTHOLE_FILES_PAGE (page);

  /* Not the page's cancellable: the user asked for it once. */
  if (get_client (self) != NULL)
    porthole_client_remove_file_async (get_client (self), path, NULL, remove_cb, g_object_ref (self));
}

static void
delete_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  PortholeFilesPage *self = user_data;
  PortholeFileItem *item = porthole_files_page_get_selected (self);
  g_autofree char *heading = NULL;

  if (item == NULL)
    return;

  heading = g_strdup_printf (_("Delete “%s”?"), porthole_file_item_get_name (item));
  porthole_page_ask (PORTHOLE_PAGE (self), heading,
                     porthole_file_item_is_directory (item)
                     ? _("The folder and everything in it are deleted for good.")
                     : _("The file is deleted for good."),
                     "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE,
                     delete_answer, g_strdup (porthole_file_item_get_path (item)), g_free);
}

static void
mkdir_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!porthole_client_make_directory_finish (PORTHOLE_CLIENT (object), result, &error))
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("The folder was not made"), error);
      return;
    }

  list_folder (self);
}

static void
new_folder_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *name = gtk_editable_get_text (entry);
  g_autofree char *path = NULL;

  if (g_strcmp0 (response, "create") != 0 || get_client (self) == NULL ||
      *name == '\0' || strchr (name, '/') != NULL)
    return;

  path = g_build_filename (self->path, name, NULL);
  g_free (self->reselect);
  self->reselect = g_strdup (name);
  porthole_client_make_directory_async (get_client (self), path, NULL, mkdir_cb, g_object_ref (self));
}

static void
new_folder_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  PortholeFilesPage *self = user_data;
  GtkWidget *entry = gtk_entry_new ();
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       _("New Folder"), NULL));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Folder name"));
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (new_folder_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
upload_chooser_cb (GtkNativeDialog *chooser,
                   int              response,
                   gpointer         user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      porthole_files_page_upload_files (self, files);
    }
  g_object_unref (chooser);
}

static void
upload_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  PortholeFilesPage *self = user_data;
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Upload Files"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Upload"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (upload_chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
download_chooser_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(PortholeFilesPage) self = user_data;
  const char *path = g_object_get_data (G_OBJECT (chooser), "path");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        porthole_files_page_download (self, path, file);
    }
  g_object_unref (chooser);
}

static void
download_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PortholeFilesPage *self = user_data;
  PortholeFileItem *item = porthole_files_page_get_selected (self);
  GtkFileChooserNative *chooser;

  if (item == NULL || porthole_file_item_is_directory (item))
    return;

  chooser = gtk_file_chooser_native_new (_("Download"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), porthole_file_item_get_name (item));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "path", g_strdup (porthole_file_item_get_path (item)), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (download_chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static const GActionEntry page_actions[] = {
  { "refresh", refresh_action },
  { "up", up_action },
  { "focus-path", focus_path_action },
  { "toggle-hidden", toggle_hidden_action },
  { "copy-path", copy_path_action },
  { "delete", delete_action },
  { "new-folder", new_folder_action },
  { "upload", upload_action },
  { "download", download_action },
  { "save", save_action },
};

/* Template callbacks */

static void
path_activated_cb (PortholeFilesPage *self,
                   GtkEntry          *entry)
{
  porthole_files_page_set_path (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
hidden_toggled_cb (PortholeFilesPage *self,
                   GtkToggleButton   *button)
{
  porthole_files_page_set_show_hidden (self, gtk_toggle_button_get_active (button));
}

static void
row_activated_cb (PortholeFilesPage *self,
                  guint              position)
{
  g_autoptr(PortholeFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL && porthole_file_item_is_directory (item))
    porthole_files_page_set_path (self, porthole_file_item_get_path (item));
}

/* PortholePage */

static void
porthole_files_page_start (PortholePage    *page,
                           PortholeSandbox *sandbox,
                           GCancellable    *cancellable)
{
  PortholeFilesPage *self = PORTHOLE_FILES_PAGE (page);

  if (self->shown_sandbox != sandbox)
    {
      g_list_store_remove_all (self->store);
      self->shown_sandbox = sandbox;
      show_no_preview (self, _("No Preview"), _("Select a text file or an image to see it here."));
      update_count (self);
    }

  list_folder (self);
  watch_folder (self);
  update_actions (self);
}

static void
porthole_files_page_stop (PortholePage *page)
{
  PortholeFilesPage *self = PORTHOLE_FILES_PAGE (page);

  g_clear_handle_id (&self->relist_id, g_source_remove);
  g_clear_object (&self->list_cancellable);
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  if (self->watch != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->watch, self);
      porthole_ws_object_close (PORTHOLE_WS_OBJECT (self->watch));
    }
  g_clear_object (&self->watch);
  if (self->shown_sandbox != porthole_page_get_sandbox (page))
    self->shown_sandbox = NULL;
  update_actions (self);
}

static void
porthole_files_page_dispose (GObject *object)
{
  PortholeFilesPage *self = (PortholeFilesPage *)object;

  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  /* Transfers outlive the page only as far as their own callbacks. */
  for (guint i = 0; self->transfers && i < g_list_model_get_n_items (G_LIST_MODEL (self->transfers)); i++)
    {
      g_autoptr(PortholeFileTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);

      porthole_file_transfer_cancel (transfer);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_FILES_PAGE);

  G_OBJECT_CLASS (porthole_files_page_parent_class)->dispose (object);
}

static void
porthole_files_page_finalize (GObject *object)
{
  PortholeFilesPage *self = (PortholeFilesPage *)object;

  g_clear_object (&self->selection);
  g_clear_object (&self->actions);
  g_clear_object (&self->transfers);
  g_free (self->path);
  g_free (self->preview_path);
  g_free (self->preview_modified);
  g_free (self->reselect);

  G_OBJECT_CLASS (porthole_files_page_parent_class)->finalize (object);
}

static void
porthole_files_page_class_init (PortholeFilesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_files_page_dispose;
  object_class->finalize = porthole_files_page_finalize;

  page_class->start = porthole_files_page_start;
  page_class->stop = porthole_files_page_stop;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-files-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, path_entry);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, hidden_button);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, transfers_box);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, preview_status);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, text_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, text_view);
  gtk_widget_class_bind_template_child (widget_class, PortholeFilesPage, image_picture);
  gtk_widget_class_bind_template_callback (widget_class, path_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, hidden_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "files.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "files.up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "files.focus-path", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "files.toggle-hidden", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "files.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "files.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "files.new-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "files.copy-path", NULL);
}

static void
porthole_files_page_init (PortholeFilesPage *self)
{
  g_autoptr(GtkMultiSorter) sorter = gtk_multi_sorter_new ();
  GtkColumnViewColumn *name_column = NULL;
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->path = g_strdup ("/workspace");
  gtk_editable_set_text (GTK_EDITABLE (self->path_entry), self->path);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      GtkCustomSorter *column_sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (i));

      column_sorter = gtk_custom_sorter_new (compare_items, GINT_TO_POINTER (i), NULL);
      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (column_sorter));
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      if (i == COLUMN_NAME)
        name_column = column;
      g_object_unref (column_sorter);
      g_object_unref (column);
    }

  self->store = g_list_store_new (PORTHOLE_TYPE_FILE_ITEM);
  self->filter = gtk_custom_filter_new (filter_item, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->store), GTK_FILTER (self->filter));
  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_custom_sorter_new (compare_kind, NULL, NULL)));
  gtk_multi_sorter_append (sorter, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered), GTK_SORTER (g_steal_pointer (&sorter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->column_view, name_column, GTK_SORT_ASCENDING);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);

  self->transfers = g_list_store_new (PORTHOLE_TYPE_FILE_TRANSFER);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions, G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "files", G_ACTION_GROUP (self->actions));

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_count (self);
  update_actions (self);
}

/* Public API */

/**
 * porthole_files_page_set_path:
 * @path: a folder in the sandbox (a relative one is under /workspace)
 */
void
porthole_files_page_set_path (PortholeFilesPage *self,
                              const char        *path)
{
  g_autofree char *absolute = NULL;
  g_autofree char *canonical = NULL;

  g_return_if_fail (PORTHOLE_IS_FILES_PAGE (self));
  g_return_if_fail (path != NULL);

  absolute = g_str_has_prefix (path, "/") ? g_strdup (path) : g_build_filename ("/workspace", path, NULL);
  canonical = g_canonicalize_filename (absolute, "/");
  gtk_editable_set_text (GTK_EDITABLE (self->path_entry), canonical);
  if (g_strcmp0 (canonical, self->path) == 0)
    {
      list_folder (self);
      return;
    }

  g_free (self->path);
  self->path = g_steal_pointer (&canonical);
  g_list_store_remove_all (self->store);
  update_count (self);
  list_folder (self);
  watch_folder (self);
  update_actions (self);
}

const char *
porthole_files_page_get_path (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  return self->path;
}

/**
 * porthole_files_page_get_model:
 *
 * Returns: (transfer none): the rows as shown (filtered, sorted)
 */
GListModel *
porthole_files_page_get_model (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  return G_LIST_MODEL (self->selection);
}

/**
 * porthole_files_page_find:
 *
 * Returns: (transfer none) (nullable): the row named @name, shown or not
 */
PortholeFileItem *
porthole_files_page_find (PortholeFilesPage *self,
                          const char        *name)
{
  guint position;
  g_autoptr(PortholeFileItem) item = NULL;

  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  position = store_position (self, name);
  if (position == G_MAXUINT)
    return NULL;

  /* The store keeps it alive. */
  item = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  return item;
}

/**
 * porthole_files_page_select:
 *
 * Returns: %TRUE if a row named @name is shown and now selected
 */
gboolean
porthole_files_page_select (PortholeFilesPage *self,
                            const char        *name)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), FALSE);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortholeFileItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (porthole_file_item_get_name (item), name))
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * porthole_files_page_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected row
 */
PortholeFileItem *
porthole_files_page_get_selected (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

void
porthole_files_page_set_show_hidden (PortholeFilesPage *self,
                                     gboolean           show_hidden)
{
  g_return_if_fail (PORTHOLE_IS_FILES_PAGE (self));

  show_hidden = !!show_hidden;
  if (gtk_toggle_button_get_active (self->hidden_button) != show_hidden)
    gtk_toggle_button_set_active (self->hidden_button, show_hidden);
  if (self->show_hidden == show_hidden)
    return;

  self->show_hidden = show_hidden;
  gtk_filter_changed (GTK_FILTER (self->filter),
                      show_hidden ? GTK_FILTER_CHANGE_LESS_STRICT : GTK_FILTER_CHANGE_MORE_STRICT);
  update_count (self);
}

/**
 * porthole_files_page_get_n_listings:
 *
 * Returns: how many listings arrived since the page was made
 */
guint64
porthole_files_page_get_n_listings (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), 0);

  return self->n_listings;
}

/**
 * porthole_files_page_is_watching:
 *
 * Returns: whether the daemon acknowledged the watch of the folder
 */
gboolean
porthole_files_page_is_watching (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), FALSE);

  return self->watch != NULL && porthole_file_watch_is_watching (self->watch);
}

/**
 * porthole_files_page_get_transfers:
 *
 * Returns: (transfer none): the uploads and downloads shown, oldest first
 */
GListModel *
porthole_files_page_get_transfers (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  return G_LIST_MODEL (self->transfers);
}

/**
 * porthole_files_page_get_preview:
 *
 * Returns: (transfer none): the preview's visible widget: the text
 *   view, the picture, or the status page
 */
GtkWidget *
porthole_files_page_get_preview (PortholeFilesPage *self)
{
  const char *name;

  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  name = gtk_stack_get_visible_child_name (self->preview_stack);
  if (g_strcmp0 (name, "text") == 0)
    return GTK_WIDGET (self->text_view);
  if (g_strcmp0 (name, "image") == 0)
    return GTK_WIDGET (self->image_picture);
  return GTK_WIDGET (self->preview_status);
}

/**
 * porthole_files_page_get_column_view:
 *
 * Returns: (transfer none): the list
 */
GtkColumnView *
porthole_files_page_get_column_view (PortholeFilesPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILES_PAGE (self), NULL);

  return self->column_view;
}
