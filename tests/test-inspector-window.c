/* test-inspector-window.c — the window's furniture: the about,
 * shortcuts and preferences windows, the style following the
 * preferences, the window's size kept in GSettings, fullscreen; all
 * under a real window manager (openbox), as on a desktop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "inspector-test-utils.h"
#include "porthole-preferences-window.h"

static void
test_about (void)
{
  PortholeWindow *window = porthole_inspector_test_window_new ();
  GtkWindow *about;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  g_autofree char *icon = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (porthole_inspector_test_get_app ()), "about", NULL);
  PORTHOLE_INSPECTOR_WAIT ((about = porthole_inspector_test_find_window (ADW_TYPE_ABOUT_WINDOW)) != NULL);
  g_object_get (about, "application-name", &name, "version", &version, "application-icon", &icon, NULL);
  g_assert_cmpstr (name, ==, "Porthole");
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
  g_assert_cmpstr (icon, ==, APPLICATION_ID);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));

  gtk_window_destroy (about);
  porthole_inspector_test_window_close (window);
}

/* Ctrl+? (a real key press) opens the shortcuts window from the
 * GResource, with the page shortcuts in it. */
static void
test_shortcuts (void)
{
  PortholeWindow *window = porthole_inspector_test_window_new ();
  GtkWindow *shortcuts;

  porthole_inspector_test_wait_stable (GTK_WIDGET (window));
  porthole_inspector_test_pointer (GTK_WIDGET (window), 20, 20);
  porthole_inspector_test_spin (50);
  porthole_inspector_test_key_event (GDK_KEY_Control_L, TRUE);
  porthole_inspector_test_key_event (GDK_KEY_Shift_L, TRUE);
  porthole_inspector_test_key (GDK_KEY_question);
  porthole_inspector_test_key_event (GDK_KEY_Shift_L, FALSE);
  porthole_inspector_test_key_event (GDK_KEY_Control_L, FALSE);
  PORTHOLE_INSPECTOR_WAIT ((shortcuts = porthole_inspector_test_find_window (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
  g_assert_true (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) ==
                 GTK_SHORTCUTS_WINDOW (shortcuts));

  gtk_window_close (shortcuts);
  porthole_inspector_test_window_close (window);
}

static gboolean
scale_mode_is (GSettings  *settings,
               const char *expected)
{
  g_autofree char *mode = g_settings_get_string (settings, "scale-mode");

  return g_str_equal (mode, expected);
}

/* The preferences window; the style there is the application's,
 * and the rows are the settings' (both ways). */
static void
test_preferences (void)
{
  PortholeWindow *window = porthole_inspector_test_window_new ();
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWindow *preferences;
  GObject *style_row, *fit_switch;

  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL));
  PORTHOLE_INSPECTOR_WAIT ((preferences = porthole_inspector_test_find_window (PORTHOLE_TYPE_PREFERENCES_WINDOW)) != NULL);

  style_row = gtk_widget_get_template_child (GTK_WIDGET (preferences), PORTHOLE_TYPE_PREFERENCES_WINDOW, "style_row");
  fit_switch = gtk_widget_get_template_child (GTK_WIDGET (preferences), PORTHOLE_TYPE_PREFERENCES_WINDOW, "fit_switch");

  /* Dark from the preferences: the settings and the whole app follow. */
  for (guint i = 0; i < g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (style_row))); i++)
    {
      g_autofree char *dark = NULL;

      adw_combo_row_set_selected (ADW_COMBO_ROW (style_row), i);
      dark = g_settings_get_string (settings, "style-variant");
      if (g_str_equal (dark, "dark"))
        break;
    }
  PORTHOLE_INSPECTOR_WAIT (adw_style_manager_get_dark (style));
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);

  /* Back to the system's (light on this display). */
  g_settings_reset (settings, "style-variant");
  PORTHOLE_INSPECTOR_WAIT (!adw_style_manager_get_dark (style));
  g_assert_cmpint (adw_combo_row_get_selected (ADW_COMBO_ROW (style_row)), ==, 0);

  /* A setting changed elsewhere shows in the open preferences. */
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fit_switch)));
  g_settings_set_string (settings, "scale-mode", "actual");
  g_assert_true (scale_mode_is (settings, "actual"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (fit_switch)));
  gtk_switch_set_active (GTK_SWITCH (fit_switch), TRUE);
  PORTHOLE_INSPECTOR_WAIT (scale_mode_is (settings, "fit"));

  gtk_window_destroy (preferences);
  g_settings_reset (settings, "scale-mode");
  porthole_inspector_test_window_close (window);
}

/* The window opens at the size it was closed with. */
static void
test_window_state (void)
{
  g_autoptr(GSettings) settings = g_settings_new (PORTHOLE_SCHEMA_ID);
  PortholeWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 650);
  window = porthole_window_new (porthole_inspector_test_get_app ());
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 650);
  gtk_window_present (GTK_WINDOW (window));
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_mapped (GTK_WIDGET (window)));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_close (GTK_WINDOW (window));
  PORTHOLE_INSPECTOR_WAIT (g_settings_get_int (settings, "window-width") == 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* F11 (openbox makes it real): the screen alone, no sidebar, no header
 * bar; F11 again brings them back. */
static void
test_fullscreen (void)
{
  PortholeWindow *window;
  GtkWidget *sidebar, *header;
  GdkSurface *surface;

  window = porthole_inspector_test_window_new ();
  sidebar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), PORTHOLE_TYPE_WINDOW, "sidebar"));
  header = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), PORTHOLE_TYPE_WINDOW, "content_header"));
  g_assert_true (gtk_widget_get_visible (sidebar));

  porthole_inspector_test_wait_stable (GTK_WIDGET (window));
  porthole_inspector_test_pointer (GTK_WIDGET (window), 20, 20);
  porthole_inspector_test_spin (50);
  porthole_inspector_test_key (GDK_KEY_F11);
  PORTHOLE_INSPECTOR_WAIT (gtk_window_is_fullscreen (GTK_WINDOW (window)));
  g_assert_false (gtk_widget_get_visible (sidebar));
  g_assert_false (gtk_widget_get_visible (header));
  /* The window's surface covers the GUI display (1400 × 1000). */
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  PORTHOLE_INSPECTOR_WAIT (gdk_surface_get_width (surface) == 1400 && gdk_surface_get_height (surface) == 1000);

  porthole_inspector_test_key (GDK_KEY_F11);
  PORTHOLE_INSPECTOR_WAIT (!gtk_window_is_fullscreen (GTK_WINDOW (window)));
  g_assert_true (gtk_widget_get_visible (sidebar));
  g_assert_true (gtk_widget_get_visible (header));

  porthole_inspector_test_window_close (window);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);
  /* From the start: GDK looks for the window manager once. */
  porthole_inspector_test_start_wm ();

  g_test_add_func ("/inspector/window/about", test_about);
  g_test_add_func ("/inspector/window/shortcuts", test_shortcuts);
  g_test_add_func ("/inspector/window/preferences", test_preferences);
  g_test_add_func ("/inspector/window/state", test_window_state);
  g_test_add_func ("/inspector/window/fullscreen", test_fullscreen);

  return g_test_run ();
}
