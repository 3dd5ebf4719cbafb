/* test-inspector-i18n.c — the inspector speaks German under
 * LANGUAGE=de: the window's labels in-process, and the built program's
 * --help (French too), both from the build tree's compiled catalogues
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "inspector-test-utils.h"

/* A mapped GtkLabel under @widget showing @text (AdwStatusPage's title
 * is one of its internal labels). */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_window_german (void)
{
  PortholeWindow *window;

  porthole_inspector_test_remove_all ();
  window = porthole_inspector_test_window_new ();
  /* The empty window's status page and the sidebar's title, from the
   * .ui template (GtkBuilder translates through the app's domain). */
  PORTHOLE_INSPECTOR_WAIT (find_label (GTK_WIDGET (window), "Keine Sandbox") != NULL);
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Sandboxes"));
  g_assert_null (find_label (GTK_WIDGET (window), "No Sandbox"));
  /* And a string from C. */
  g_assert_cmpstr (_("Unreachable"), ==, "Nicht erreichbar");

  porthole_inspector_test_window_close (window);
}

/* The installed-style program run from the build tree binds the build
 * tree's catalogues itself (inspector/main.c). */
static void
check_help (const char *language,
            const char *expected)
{
  const char *argv[] = { g_getenv ("PORTHOLE_INSPECTOR"), "--help", NULL };
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  envp = g_environ_setenv (envp, "LANGUAGE", language, TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, expected));
}

static void
test_help_translated (void)
{
  check_help ("de", "Das Token der Sandbox aus DATEI lesen");
  check_help ("fr", "Lire le jeton du bac à sable depuis FICHIER");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *localedir = NULL;

  g_setenv ("LANGUAGE", "de", TRUE);
  porthole_inspector_test_init (&argc, &argv);
  /* gtk_test_init() asks for en_US.UTF-8, absent on a bare Debian;
   * C.UTF-8 always exists, and with it (unlike "C") gettext honours
   * LANGUAGE. */
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/inspector/i18n/window-german", test_window_german);
  g_test_add_func ("/inspector/i18n/help-translated", test_help_translated);

  return g_test_run ();
}
