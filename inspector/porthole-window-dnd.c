/* porthole-window-dnd.c — drop a connection file or a porthole:// link
 * on the window to add the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "porthole-window-private.h"

static void
dropped_file_loaded_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(PortholeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The dropped file could not be read: %s"), error->message);

      porthole_window_show_toast (self, message);
      return;
    }

  porthole_window_open_connection_data (self, contents, length);
}

static gboolean
on_drop (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         PortholeWindow *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      /* One connection per drop. */
      if (files == NULL)
        return FALSE;
      g_file_load_contents_async (files->data, NULL, dropped_file_loaded_cb, g_object_ref (self));
      return TRUE;
    }

  if (G_VALUE_HOLDS_STRING (value) && g_value_get_string (value) != NULL)
    {
      const char *text = g_value_get_string (value);

      porthole_window_open_connection_data (self, text, strlen (text));
      return TRUE;
    }

  return FALSE;
}

void
_porthole_window_dnd_init (PortholeWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
