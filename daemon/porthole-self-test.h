/* porthole-self-test.h — `portholed --self-test`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int porthole_self_test_run (void);

G_END_DECLS
