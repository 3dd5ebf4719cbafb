/* test-fiu-utils.h — faults injected into a running daemon from outside,
 * with libfiu's POSIX preload library (SECURITY.md G15)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "test-utils.h"

G_BEGIN_DECLS

gboolean              porthole_test_fiu_begin         (const char           *dir);
void                  porthole_test_fiu_end           (void);
void                  porthole_test_fiu_ctrl          (PortholeTestDaemon   *daemon,
                                                       const char           *format,
                                                       ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
