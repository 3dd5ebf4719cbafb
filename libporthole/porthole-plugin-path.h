/* porthole-plugin-path.h — where an agent binary looks for its plugins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *porthole_plugin_path_for (const char *agent);

G_END_DECLS
