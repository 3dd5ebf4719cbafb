/* porthole-a11y-test-app.c — a GTK 4 window the accessibility tests read
 * and act on through AT-SPI
 *
 * Usage: porthole-a11y-test-app [TITLE]
 *
 * One window (default title "Porthole A11y Test") holding a button
 * "Press me", an entry and a check box "Check me". Reports on stdout,
 * one line each:
 *
 *   ready                    the window is mapped
 *   clicked                  the button's handler ran
 *   text TEXT                the entry's text changed
 *   toggled 1|0              the check box changed
 *   closed                   the window was closed (the process stays,
 *                            so its other widgets are gone but not it)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <gtk/gtk.h>

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
on_clicked (GtkButton *button,
            gpointer   user_data)
{
  say ("clicked");
}

static void
on_text_changed (GtkEditable *editable,
                 gpointer     user_data)
{
  say ("text %s", gtk_editable_get_text (editable));
}

static void
on_toggled (GtkCheckButton *check,
            gpointer        user_data)
{
  say ("toggled %d", gtk_check_button_get_active (check));
}

static void
on_map (GtkWidget *widget,
        gpointer   user_data)
{
  say ("ready");
}

static void
on_destroy (GtkWidget *widget,
            gpointer   user_data)
{
  say ("closed");
}

static void
on_activate (GtkApplication *application,
             gpointer        user_data)
{
  const char *title = user_data;
  GtkWidget *window = gtk_application_window_new (application);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *button = gtk_button_new_with_label ("Press me");
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *check = gtk_check_button_new_with_label ("Check me");

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 200);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  g_signal_connect (button, "clicked", G_CALLBACK (on_clicked), NULL);
  g_signal_connect (entry, "changed", G_CALLBACK (on_text_changed), NULL);
  g_signal_connect (check, "toggled", G_CALLBACK (on_toggled), NULL);
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (window, "destroy", G_CALLBACK (on_destroy), NULL);

  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), check);
  gtk_window_set_child (GTK_WINDOW (window), box);

  /* Outlive the window: a test closes it and then asks about its
   * widgets, which must be gone while the application is not. */
  g_application_hold (G_APPLICATION (application));
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) application = NULL;
  const char *title = argc > 1 ? argv[1] : "Porthole A11y Test";

  /* X11 whatever the environment says: the tests run on Xvfb. */
  gdk_set_allowed_backends ("x11");
  application = gtk_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  g_signal_connect (application, "activate", G_CALLBACK (on_activate), (gpointer) title);

  return g_application_run (G_APPLICATION (application), 1, argv);
}
