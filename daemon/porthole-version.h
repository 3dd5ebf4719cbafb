/* porthole-version.h — the version this portholed reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *porthole_version_get (void);
void        porthole_version_set (const char *version);

G_END_DECLS
