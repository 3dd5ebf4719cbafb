/* main.c — the Porthole inspector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "porthole-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PortholeApplication) app = NULL;
  g_autofree char *exe = NULL;

  setlocale (LC_ALL, "");

  /* Run from the build tree (as tools/run suggests): the schema and
   * the translations compiled there, as portholed finds its plugins
   * there. */
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL && g_str_has_prefix (exe, PORTHOLE_BUILD_ROOT G_DIR_SEPARATOR_S))
    {
      g_setenv ("GSETTINGS_SCHEMA_DIR", PORTHOLE_BUILD_ROOT G_DIR_SEPARATOR_S "data", FALSE);
      bindtextdomain (GETTEXT_PACKAGE, PORTHOLE_BUILD_ROOT G_DIR_SEPARATOR_S "po");
    }
  else
    bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = porthole_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
