/* porthole-fuzz.c
 *
 * The scratch daemon is the real one, configured like the self-test's:
 * a workspace and state directory of its own under the temporary
 * directory, no display, an HS256 key, file roots and a deny list, a loopback listener on an
 * ephemeral port (the HTTP target gives it socketpairs instead). Its
 * directories are removed at exit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "porthole-config.h"
#include "porthole-fuzz.h"

static PortholeDaemon *fuzz_daemon;
static GBytes *fuzz_secret;
static char *fuzz_top;

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static void
remove_top (void)
{
  if (fuzz_top != NULL)
    nftw (fuzz_top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/**
 * porthole_fuzz_get_daemon:
 *
 * Returns: (transfer none): the process's scratch daemon, serving
 */
PortholeDaemon *
porthole_fuzz_get_daemon (void)
{
  g_autoptr(GKeyFile) settings = NULL;
  g_autoptr(PortholeConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *workspace = NULL;
  g_autofree char *state = NULL;
  g_autofree char *secret_path = NULL;
  g_autoptr(GString) hex = NULL;

  if (fuzz_daemon != NULL)
    return fuzz_daemon;

  fuzz_top = g_dir_make_tmp ("porthole-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_top);

  workspace = g_build_filename (fuzz_top, "workspace", NULL);
  state = g_build_filename (fuzz_top, "state", NULL);
  secret_path = g_build_filename (fuzz_top, "secret", NULL);

  hex = g_string_new (NULL);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", g_random_int_range (0, 256));
  g_file_set_contents_full (secret_path, hex->str, hex->len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  fuzz_secret = g_bytes_new (hex->str, hex->len);

  settings = g_key_file_new ();
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "listen", "127.0.0.1:0");
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "workspace", workspace);
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "state-dir", state);
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "display", "none");
  g_key_file_set_string (settings, PORTHOLE_CONFIG_GROUP, "jwt-secret-file", secret_path);
  /* The guardian is this executable run as `portholed guard`, which a
   * fuzz target is not (libFuzzer took "guard" for a corpus and quit). */
  g_key_file_set_boolean (settings, PORTHOLE_CONFIG_GROUP, "process-guardian", FALSE);
  /* Roots and a deny list, so that the path target has borders to
   * cross: the workspace and a second root, minus the state directory.
   * Both are in the scratch directory: whatever the fuzzed requests
   * create (a run's working directory) stays there. */
  {
    g_autofree char *other = g_build_filename (fuzz_top, "other", NULL);
    const char *roots[] = { workspace, other, NULL };
    const char *deny[] = { state, NULL };

    g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
    g_key_file_set_string_list (settings, PORTHOLE_CONFIG_GROUP, "files-allowed-roots", roots, 2);
    g_key_file_set_string_list (settings, PORTHOLE_CONFIG_GROUP, "files-deny", deny, 1);
  }

  config = porthole_config_new (NULL, settings, &error);
  g_assert_no_error (error);
  fuzz_daemon = porthole_daemon_new (config);
  porthole_daemon_start (fuzz_daemon, &error);
  g_assert_no_error (error);

  return fuzz_daemon;
}

/**
 * porthole_fuzz_get_secret:
 *
 * Returns: (transfer none): the scratch daemon's HS256 key
 */
GBytes *
porthole_fuzz_get_secret (void)
{
  porthole_fuzz_get_daemon ();
  return fuzz_secret;
}

/* The input as a C string: up to its first NUL. */
char *
porthole_fuzz_dup_string (const uint8_t *data,
                          size_t         size)
{
  return g_strndup ((const char *) data, size);
}
