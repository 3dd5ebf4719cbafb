/* porthole-file-watcher.h — recursive file system events (inotify)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-types.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_FILE_EVENT_CREATED,
  PORTHOLE_FILE_EVENT_MODIFIED,
  PORTHOLE_FILE_EVENT_DELETED,
  PORTHOLE_FILE_EVENT_RENAMED,
  /* Events were lost (the kernel queue overflowed); @path is NULL. */
  PORTHOLE_FILE_EVENT_OVERFLOW,
} PortholeFileEvent;

/* @old_path is set for RENAMED only. */
typedef void (*PortholeFileWatchFunc) (PortholeFileEvent  event,
                                       const char        *path,
                                       const char        *old_path,
                                       gboolean           is_directory,
                                       gpointer           user_data);

#define PORTHOLE_TYPE_FILE_WATCHER (porthole_file_watcher_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFileWatcher, porthole_file_watcher, PORTHOLE, FILE_WATCHER, GObject)

PortholeFileWatcher *porthole_file_watcher_new       (PortholeFsPolicy       *policy);
guint                porthole_file_watcher_add       (PortholeFileWatcher    *self,
                                                      const char             *root,
                                                      PortholeFileWatchFunc   func,
                                                      gpointer                user_data,
                                                      GError                **error);
void                 porthole_file_watcher_remove    (PortholeFileWatcher    *self,
                                                      guint                   id);
guint                porthole_file_watcher_get_n_directories (PortholeFileWatcher *self);
void                 porthole_file_watcher_stop      (PortholeFileWatcher    *self);

const char          *porthole_file_event_to_string   (PortholeFileEvent       event);

G_END_DECLS
