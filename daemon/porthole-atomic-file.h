/* porthole-atomic-file.h — a file that appears whole or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Names of visible temporary files start with this; the daemon removes
 * leftovers at start-up and the watcher hides them. */
#define PORTHOLE_ATOMIC_FILE_TEMP_PREFIX ".porthole-tmp-"

typedef struct _PortholeAtomicFile PortholeAtomicFile;

PortholeAtomicFile *porthole_atomic_file_new     (int                  dirfd,
                                                  const char          *display,
                                                  GError             **error);
gboolean            porthole_atomic_file_write   (PortholeAtomicFile  *self,
                                                  const void          *data,
                                                  gsize                length,
                                                  GError             **error);
goffset             porthole_atomic_file_get_size (PortholeAtomicFile *self);
int                 porthole_atomic_file_get_fd  (PortholeAtomicFile  *self);
gboolean            porthole_atomic_file_commit  (PortholeAtomicFile  *self,
                                                  int                  dirfd,
                                                  const char          *name,
                                                  mode_t               mode,
                                                  gboolean             overwrite,
                                                  const char          *display,
                                                  GError             **error);
void                porthole_atomic_file_free    (PortholeAtomicFile  *self);

void                porthole_atomic_file_clean_stale (const char       *top,
                                                      guint             max_entries);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeAtomicFile, porthole_atomic_file_free)

G_END_DECLS
