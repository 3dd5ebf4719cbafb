/* porthole-fuzz.h — what the libFuzzer targets share: one scratch
 * daemon per process, started on first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "porthole-daemon.h"

G_BEGIN_DECLS

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

PortholeDaemon *porthole_fuzz_get_daemon (void);
GBytes         *porthole_fuzz_get_secret (void);
char           *porthole_fuzz_dup_string (const uint8_t *data,
                                          size_t         size);

G_END_DECLS
