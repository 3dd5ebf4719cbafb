/* porthole-version.c
 *
 * The version lives here rather than in PACKAGE_VERSION uses scattered
 * over the daemon, so that a build of main.c with another version (the
 * self-update tests build one) changes every place that reports it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-version.h"

static const char *version = PACKAGE_VERSION;

const char *
porthole_version_get (void)
{
  return version;
}

/**
 * porthole_version_set:
 * @version: (transfer none): a static string
 *
 * Called by main() before anything reports the version.
 */
void
porthole_version_set (const char *new_version)
{
  g_return_if_fail (new_version != NULL);

  version = new_version;
}
