/* test-language.c — which languages' runtimes are installed, as /health
 * and /info list them (porthole-language.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "porthole-language.h"
#include "test-utils.h"

static gboolean
lists (JsonArray  *names,
       const char *name)
{
  for (guint i = 0; i < json_array_get_length (names); i++)
    if (g_str_equal (json_array_get_string_element (names, i), name))
      return TRUE;

  return FALSE;
}

static gboolean
available_with_path (const char *path,
                     const char *name)
{
  g_autofree char *variable = g_strconcat ("PATH=", path, NULL);
  const char *envp[] = { variable, NULL };
  g_autoptr(JsonArray) names = porthole_language_dup_available (envp);

  return lists (names, name);
}

/* A runtime that appears or goes shows within a second, and at once
 * under another PATH: the answer is reused for a second per PATH. */
static void
test_available_follows_installs (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *bin = g_build_filename (dir, "bin", NULL);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *go = g_build_filename (bin, "go", NULL);
  g_autofree char *other_go = g_build_filename (other, "go", NULL);

  g_assert_cmpint (g_mkdir (bin, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  g_assert_false (available_with_path (bin, "go"));

  g_assert_true (g_file_set_contents (go, "#!/bin/sh\n", -1, NULL));
  g_assert_cmpint (g_chmod (go, 0755), ==, 0);
  g_usleep (G_USEC_PER_SEC * 11 / 10);
  g_assert_true (available_with_path (bin, "go"));

  /* Another PATH is searched afresh. */
  g_assert_false (available_with_path (other, "go"));
  g_assert_true (g_file_set_contents (other_go, "#!/bin/sh\n", -1, NULL));
  g_assert_cmpint (g_chmod (other_go, 0755), ==, 0);
  g_assert_true (available_with_path (bin, "go"));

  g_assert_cmpint (g_unlink (go), ==, 0);
  g_usleep (G_USEC_PER_SEC * 11 / 10);
  g_assert_false (available_with_path (bin, "go"));
  /* Programs given by absolute path (Python) do not depend on PATH. */
  g_assert_true (available_with_path (bin, "python"));

  porthole_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/language/available-follows-installs", test_available_follows_installs);

  return g_test_run ();
}
