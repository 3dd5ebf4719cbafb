/* fuzz-path.c — the file routes' path resolver (PortholeFsPolicy): any
 * path a client names either is refused or resolves under an allowed
 * root, normalised
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-fs-policy.h"
#include "porthole-fuzz.h"

static PortholeFsPolicy *policy;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = porthole_fuzz_dup_string (data, size);
  g_autoptr(GError) error = NULL;
  PortholeFsPath path = { 0 };
  PortholeDaemon *daemon;

  if (policy == NULL)
    {
      daemon = porthole_fuzz_get_daemon ();
      policy = porthole_fs_policy_new (porthole_daemon_get_config (daemon), porthole_daemon_get_workspace (daemon));
    }

  if (!porthole_fs_policy_resolve (policy, input, &path, &error))
    {
      g_assert_nonnull (error);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (g_path_is_absolute (path.path));
  g_assert_true (porthole_fs_path_is_under (path.path, path.root));
  g_assert_null (strstr (path.path, "/../"));
  g_assert_false (g_str_has_suffix (path.path, "/.."));
  g_assert_false (porthole_fs_policy_is_denied (policy, path.path));
  porthole_fs_path_clear (&path);

  return 0;
}
