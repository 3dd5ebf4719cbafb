/* porthole-rich-output.c
 *
 * One widget per `display` message of /stream (API.md §3.9). A PNG is a
 * GtkPicture at the image's own size (zoomable, savable); a DataFrame
 * (`application/vnd.dataframe+json`, pandas' "split" layout: columns,
 * index, data) is a GtkColumnView whose rows are row numbers, so a big
 * frame costs no objects per cell; HTML, Markdown and JSON are shown as
 * readable text. The HTML twin of a DataFrame is skipped: its table
 * comes in its own message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "porthole-json.h"
#include "porthole-rich-output.h"

#define ZOOM_MIN 0.25
#define ZOOM_MAX 4.0

static GtkWidget *
text_output_new (const char *text,
                 gboolean    monospace)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), monospace);
  gtk_widget_add_css_class (view, "rich-output");
  return view;
}

/* Images */

static void
apply_zoom (GtkWidget *picture,
            double     zoom)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);

  g_object_set_data_full (G_OBJECT (picture), "zoom", g_memdup2 (&zoom, sizeof zoom), g_free);
  gtk_widget_set_size_request (picture, MAX (1, (int) (width * zoom)), MAX (1, (int) (height * zoom)));
}

static void
zoom_clicked_cb (GtkButton *button,
                 GtkWidget *picture)
{
  double factor = *(double *) g_object_get_data (G_OBJECT (button), "factor");
  double *zoom = g_object_get_data (G_OBJECT (picture), "zoom");

  apply_zoom (picture, factor == 0 ? 1.0 : CLAMP (*zoom * factor, ZOOM_MIN, ZOOM_MAX));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_warning ("The image was not saved: %s", error->message);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  GBytes          *png)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        g_file_replace_contents_bytes_async (file, png, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                             NULL, saved_cb, NULL);
    }
  g_object_unref (chooser);
}

static void
save_clicked_cb (GtkButton *button,
                 GtkWidget *picture)
{
  GBytes *png = g_object_get_data (G_OBJECT (picture), "png");
  GtkFileChooserNative *chooser;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  chooser = gtk_file_chooser_native_new (_("Save Image"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("plot.png"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_data (chooser, "response", G_CALLBACK (save_response_cb),
                         g_bytes_ref (png), (GClosureNotify) g_bytes_unref, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
tool_button (const char *icon,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
image_output_new (const char *base64)
{
  static const double factors[] = { 1.25, 0.8, 0 };
  static const char *icons[] = { "zoom-in-symbolic", "zoom-out-symbolic", "zoom-original-symbolic" };
  const char *tooltips[] = { _("Zoom In"), _("Zoom Out"), _("Original Size") };
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *box, *tools, *picture, *save;
  guchar *data;
  gsize length;

  data = g_base64_decode (base64, &length);
  png = g_bytes_new_take (data, length);
  texture = gdk_texture_new_from_bytes (png, NULL);
  if (texture == NULL)
    return text_output_new (_("(an image that could not be read)"), FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_halign (picture, GTK_ALIGN_START);
  gtk_widget_set_valign (picture, GTK_ALIGN_START);
  gtk_widget_add_css_class (picture, "rich-image");
  g_object_set_data_full (G_OBJECT (picture), "png", g_bytes_ref (png), (GDestroyNotify) g_bytes_unref);
  apply_zoom (picture, 1.0);

  for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
    {
      GtkWidget *button = tool_button (icons[i], tooltips[i]);

      g_object_set_data (G_OBJECT (button), "factor", (gpointer) &factors[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (zoom_clicked_cb), picture);
      gtk_box_append (GTK_BOX (tools), button);
    }
  save = tool_button ("document-save-symbolic", _("Save Image…"));
  g_signal_connect (save, "clicked", G_CALLBACK (save_clicked_cb), picture);
  gtk_box_append (GTK_BOX (tools), save);

  gtk_box_append (GTK_BOX (box), tools);
  gtk_box_append (GTK_BOX (box), picture);
  return box;
}

/* DataFrames */

static char *
cell_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return porthole_json_to_string (node, NULL);
}

static void
setup_table_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_list_item_set_child (list_item, label);
}

/* Column -1 is the index. */
static void
bind_table_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  JsonObject *frame = g_object_get_data (G_OBJECT (factory), "frame");
  int column = GPOINTER_TO_INT (user_data);
  guint row = gtk_list_item_get_position (list_item);
  g_autofree char *text = NULL;
  JsonArray *array;

  if (column < 0)
    {
      array = json_object_get_array_member (frame, "index");
      text = array && row < json_array_get_length (array) ? cell_text (json_array_get_element (array, row)) : g_strdup ("");
      gtk_widget_add_css_class (gtk_list_item_get_child (list_item), "dim-label");
    }
  else
    {
      JsonArray *rows = json_object_get_array_member (frame, "data");
      JsonNode *node = rows && row < json_array_get_length (rows) ? json_array_get_element (rows, row) : NULL;

      array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      text = array && (guint) column < json_array_get_length (array)
        ? cell_text (json_array_get_element (array, column)) : g_strdup ("");
    }

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
add_table_column (GtkColumnView *view,
                  JsonObject    *frame,
                  const char    *title,
                  int            column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data_full (G_OBJECT (factory), "frame", json_object_ref (frame), (GDestroyNotify) json_object_unref);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_table_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_table_cell), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (view, view_column);
  g_object_unref (view_column);
}

static GtkWidget *
table_output_new (JsonObject *frame)
{
  JsonArray *columns = json_object_has_member (frame, "columns") ? json_object_get_array_member (frame, "columns") : NULL;
  JsonArray *rows = json_object_has_member (frame, "data") ? json_object_get_array_member (frame, "data") : NULL;
  guint n_rows = rows ? json_array_get_length (rows) : 0;
  GtkWidget *box, *scroller, *view, *caption;
  GtkStringList *model;
  g_autofree char *summary = NULL;
  JsonArray *shape;
  gint64 total_rows = n_rows, total_columns = columns ? json_array_get_length (columns) : 0;

  if (columns == NULL || rows == NULL)
    return NULL;

  /* Rows are positions: the cells read the frame when shown. */
  model = gtk_string_list_new (NULL);
  for (guint i = 0; i < n_rows; i++)
    gtk_string_list_take (model, g_strdup_printf ("%u", i));

  view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (model))));
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (view), TRUE);
  gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (view), TRUE);
  gtk_widget_add_css_class (view, "data-table");
  add_table_column (GTK_COLUMN_VIEW (view), frame, "", -1);
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      g_autofree char *title = cell_text (json_array_get_element (columns, i));

      add_table_column (GTK_COLUMN_VIEW (view), frame, title, i);
    }

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);

  shape = json_object_has_member (frame, "shape") ? json_object_get_array_member (frame, "shape") : NULL;
  if (shape != NULL && json_array_get_length (shape) == 2)
    {
      porthole_json_node_get_int (json_array_get_element (shape, 0), &total_rows);
      porthole_json_node_get_int (json_array_get_element (shape, 1), &total_columns);
    }
  /* Translators: a DataFrame's size, "3 rows × 2 columns" */
  summary = g_strdup_printf (_("%d rows × %d columns"), (int) total_rows, (int) total_columns);
  caption = gtk_label_new (summary);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_add_css_class (caption, "caption");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box), caption);
  return box;
}

/* Text forms */

static const char *block_tags[] = {
  "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr",
};

/**
 * porthole_rich_output_html_to_text:
 *
 * Readable text of @html: tags dropped (block ones end a line, cells
 * are separated by tabs), scripts and styles left out, the common
 * entities decoded.
 *
 * Returns: (transfer full): the text
 */
char *
porthole_rich_output_html_to_text (const char *html)
{
  GString *out = g_string_new (NULL);
  const char *p = html;

  while (*p != '\0')
    {
      if (*p == '<')
        {
          const char *end = strchr (p, '>');
          g_autofree char *tag = NULL;
          gsize n = 0;
          const char *name = p + 1;

          if (end == NULL)
            break;
          if (*name == '/')
            name++;
          while (g_ascii_isalnum (name[n]))
            n++;
          tag = g_ascii_strdown (name, n);

          if ((g_str_equal (tag, "script") || g_str_equal (tag, "style")) && p[1] != '/')
            {
              g_autofree char *close = g_strdup_printf ("</%s", tag);
              const char *skip = strstr (end, close);

              end = skip ? strchr (skip, '>') : NULL;
              if (end == NULL)
                break;
            }
          else if (g_str_equal (tag, "td") || g_str_equal (tag, "th"))
            {
              if (p[1] == '/')
                g_string_append_c (out, '\t');
            }
          else
            {
              for (guint i = 0; i < G_N_ELEMENTS (block_tags); i++)
                if (g_str_equal (tag, block_tags[i]) && out->len > 0 && out->str[out->len - 1] != '\n')
                  {
                    g_string_append_c (out, '\n');
                    break;
                  }
            }
          p = end + 1;
          continue;
        }

      if (*p == '&')
        {
          static const struct { const char *entity; const char *text; } entities[] = {
            { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&quot;", "\"" },
            { "&#39;", "'" }, { "&apos;", "'" }, { "&nbsp;", " " },
          };
          gboolean found = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            if (g_str_has_prefix (p, entities[i].entity))
              {
                g_string_append (out, entities[i].text);
                p += strlen (entities[i].entity);
                found = TRUE;
                break;
              }
          if (found)
            continue;
        }

      /* Source layout is not text layout. */
      if (*p == '\n' || *p == '\r')
        {
          if (out->len > 0 && out->str[out->len - 1] != '\n' && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          p++;
          continue;
        }

      g_string_append_c (out, *p++);
    }

  return g_strstrip (g_string_free (out, FALSE));
}

/**
 * porthole_rich_output_new:
 * @mime_type: the output's MIME type
 * @data: its data: a string, or JSON for JSON types
 *
 * Returns: (transfer floating) (nullable): a widget for it, %NULL for
 *   an output shown another way (a DataFrame's HTML)
 */
GtkWidget *
porthole_rich_output_new (const char *mime_type,
                          JsonNode   *data)
{
  const char *text = JSON_NODE_HOLDS_VALUE (data) && json_node_get_value_type (data) == G_TYPE_STRING
    ? json_node_get_string (data) : NULL;

  g_return_val_if_fail (mime_type != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (g_str_equal (mime_type, "image/png") && text != NULL)
    return image_output_new (text);

  if (g_str_equal (mime_type, "application/vnd.dataframe+json") && JSON_NODE_HOLDS_OBJECT (data))
    return table_output_new (json_node_get_object (data));

  if (g_str_equal (mime_type, "text/html") && text != NULL)
    {
      g_autofree char *plain = NULL;

      if (strstr (text, "class=\"dataframe\"") != NULL)
        return NULL;
      plain = porthole_rich_output_html_to_text (text);
      return text_output_new (plain, FALSE);
    }

  if (g_str_equal (mime_type, "application/json") || g_str_has_suffix (mime_type, "+json"))
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *pretty = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, data);
      pretty = json_generator_to_data (generator, NULL);
      return text_output_new (pretty, TRUE);
    }

  if (text != NULL)
    return text_output_new (text, g_str_equal (mime_type, "text/markdown") || g_str_equal (mime_type, "text/plain"));

  return NULL;
}
