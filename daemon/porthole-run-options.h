/* porthole-run-options.h — where, how long and with what environment a
 * run goes: the fields every execution route shares (API.md §1.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-types.h"

G_BEGIN_DECLS

typedef struct
{
  /* Absolute, and created (mkdir -p). */
  char *workdir;
  /* Base ⊕ managed /env ⊕ the request's "env". */
  GStrv envp;
  /* Seconds; 0 for none. */
  guint timeout;
} PortholeRunOptions;

gboolean porthole_run_options_parse (PortholeRunOptions  *options,
                                     PortholeDaemon      *daemon,
                                     JsonObject          *fields,
                                     guint                default_timeout,
                                     gboolean             zero_is_unlimited,
                                     GError             **error);
void     porthole_run_options_clear (PortholeRunOptions  *options);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeRunOptions, porthole_run_options_clear)

G_END_DECLS
