/* porthole-client-files.h — typed calls for the file routes (API.md §5):
 * list, read, write, mkdir, remove, streamed upload and download, and
 * the /files/watch stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"
#include "porthole-file-watch.h"

G_BEGIN_DECLS

/* Called on the caller's main context as bytes go out or come in;
 * @total is -1 when unknown. */
typedef void (*PortholeProgressFunc) (goffset  done,
                                      goffset  total,
                                      gpointer user_data);

void        porthole_client_list_files_async     (PortholeClient       *self,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
JsonObject *porthole_client_list_files_finish    (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void        porthole_client_read_file_async      (PortholeClient       *self,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GBytes     *porthole_client_read_file_finish     (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  char                **modified_time,
                                                  GError              **error);

void        porthole_client_write_file_async     (PortholeClient       *self,
                                                  const char           *path,
                                                  GBytes               *contents,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean    porthole_client_write_file_finish    (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void        porthole_client_make_directory_async (PortholeClient       *self,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean    porthole_client_make_directory_finish (PortholeClient      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void        porthole_client_remove_file_async    (PortholeClient       *self,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean    porthole_client_remove_file_finish   (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void        porthole_client_upload_file_async    (PortholeClient       *self,
                                                  GFile                *source,
                                                  const char           *destination,
                                                  PortholeProgressFunc  progress,
                                                  gpointer              progress_data,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char       *porthole_client_upload_file_finish   (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void        porthole_client_download_file_async  (PortholeClient       *self,
                                                  const char           *path,
                                                  GFile                *destination,
                                                  PortholeProgressFunc  progress,
                                                  gpointer              progress_data,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean    porthole_client_download_file_finish (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void        porthole_client_watch_files_async    (PortholeClient       *self,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
PortholeFileWatch *
            porthole_client_watch_files_finish   (PortholeClient       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
