/* porthole-client-files.c
 *
 * A listing is parsed in a worker thread: a directory of 10 000 entries
 * is megabytes of JSON, too much for the thread that draws. Uploads send
 * the file as it is read (PortholeMultipartBody) and downloads write the
 * answer as it arrives: neither holds a whole file in memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-client-files.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-multipart-body.h"
#include "porthole-protocol.h"

#define TRANSFER_CHUNK (256 * 1024)

static char *
path_query (const char *route,
            const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);

  return g_strconcat (route, "?path=", escaped, NULL);
}

/* Listing */

static void
parse_listing_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  JsonObject *reply = porthole_client_parse_object (task_data, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_object_unref);
}

static void
list_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body;

  body = porthole_client_send_finish (PORTHOLE_CLIENT (object), result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, body, (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_listing_thread);
}

/**
 * porthole_client_list_files_async:
 * @path: a directory
 *
 * GET /files/list of @path (hidden entries included): the answer's
 * `files` are FileInfo objects (API.md §5.3).
 */
void
porthole_client_list_files_async (PortholeClient      *self,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *route = NULL;
  GError *error = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_list_files_async);

  route = path_query (PORTHOLE_ROUTE_FILES_LIST, path);
  msg = porthole_client_new_message (self, "GET", route, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  porthole_client_send_async (self, msg, cancellable, list_sent_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_list_files_finish:
 *
 * Returns: (transfer full): the answer (`path`, `files`, `count`)
 */
JsonObject *
porthole_client_list_files_finish (PortholeClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading and writing small files */

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) reply = NULL;
  GError *error = NULL;
  const char *content, *encoding;
  GBytes *bytes;

  reply = porthole_client_call_finish (PORTHOLE_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  content = porthole_json_object_get_string (reply, "content");
  encoding = porthole_json_object_get_string (reply, "encoding");
  if (content == NULL)
    {
      g_task_return_new_error (task, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_PROTOCOL,
                               "The answer has no content");
      return;
    }

  if (g_strcmp0 (encoding, "base64") == 0)
    {
      gsize length;
      guchar *data = g_base64_decode (content, &length);

      bytes = g_bytes_new_take (data, length);
    }
  else
    bytes = g_bytes_new (content, strlen (content));

  g_task_set_task_data (task, g_strdup (porthole_json_object_get_string (reply, "modified_time")), g_free);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

/**
 * porthole_client_read_file_async:
 *
 * GET /files/read: the file's bytes (decoded when the daemon sent them
 * as base64) and its modification time.
 */
void
porthole_client_read_file_async (PortholeClient      *self,
                                 const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *route = NULL;
  GTask *task;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_read_file_async);
  route = path_query (PORTHOLE_ROUTE_FILES_READ, path);
  porthole_client_call_async (self, "GET", route, NULL, cancellable, read_cb, task);
}

/**
 * porthole_client_read_file_finish:
 * @modified_time: (out) (optional) (transfer full): the file's mtime, as
 *   the daemon wrote it
 *
 * Returns: (transfer full): the file's bytes, or %NULL
 */
GBytes *
porthole_client_read_file_finish (PortholeClient  *self,
                                  GAsyncResult    *result,
                                  char           **modified_time,
                                  GError         **error)
{
  GBytes *bytes;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (modified_time != NULL)
    *modified_time = bytes ? g_strdup (g_task_get_task_data (G_TASK (result))) : NULL;

  return bytes;
}

static void
boolean_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (porthole_client_call_finish_boolean (PORTHOLE_CLIENT (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
call_boolean (PortholeClient      *self,
              gpointer             source_tag,
              const char          *method,
              const char          *route,
              JsonObject          *body,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  porthole_client_call_async (self, method, route, body, cancellable, boolean_cb, task);
}

static gboolean
finish_boolean (PortholeClient  *self,
                GAsyncResult    *result,
                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * porthole_client_write_file_async:
 * @contents: the new bytes
 *
 * POST /files/write: the daemon replaces the file in one step (a
 * temporary file renamed over it), so a reader never sees half of it.
 */
void
porthole_client_write_file_async (PortholeClient      *self,
                                  const char          *path,
                                  GBytes              *contents,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *encoded = NULL;
  gsize size;
  const guchar *data = g_bytes_get_data (contents, &size);

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  json_object_set_string_member (body, PORTHOLE_MEMBER_PATH, path);
  json_object_set_string_member (body, "encoding", "base64");
  encoded = g_base64_encode (data, size);
  json_object_set_string_member (body, "content", encoded);
  call_boolean (self, porthole_client_write_file_async, "POST", PORTHOLE_ROUTE_FILES_WRITE, body,
                cancellable, callback, user_data);
}

gboolean
porthole_client_write_file_finish (PortholeClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return finish_boolean (self, result, error);
}

void
porthole_client_make_directory_async (PortholeClient      *self,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  json_object_set_string_member (body, PORTHOLE_MEMBER_PATH, path);
  call_boolean (self, porthole_client_make_directory_async, "POST", PORTHOLE_ROUTE_FILES_MKDIR, body,
                cancellable, callback, user_data);
}

gboolean
porthole_client_make_directory_finish (PortholeClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return finish_boolean (self, result, error);
}

/**
 * porthole_client_remove_file_async:
 *
 * DELETE /files/remove: a directory goes with everything in it.
 */
void
porthole_client_remove_file_async (PortholeClient      *self,
                                   const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *route = NULL;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  route = path_query (PORTHOLE_ROUTE_FILES_REMOVE, path);
  call_boolean (self, porthole_client_remove_file_async, "DELETE", route, NULL,
                cancellable, callback, user_data);
}

gboolean
porthole_client_remove_file_finish (PortholeClient  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return finish_boolean (self, result, error);
}

/* Transfers */

typedef struct
{
  char *path;
  GFile *file;
  SoupMessage *msg;
  PortholeProgressFunc progress;
  gpointer progress_data;
  GInputStream *input;
  GOutputStream *output;
  goffset done;
  goffset total;
  guint8 *buffer;
} Transfer;

static void
transfer_free (Transfer *transfer)
{
  g_free (transfer->path);
  g_clear_object (&transfer->file);
  if (transfer->msg != NULL)
    g_signal_handlers_disconnect_by_data (transfer->msg, transfer);
  g_clear_object (&transfer->msg);
  g_clear_object (&transfer->input);
  g_clear_object (&transfer->output);
  g_free (transfer->buffer);
  g_free (transfer);
}

static void
report (Transfer *transfer)
{
  if (transfer->progress != NULL)
    transfer->progress (transfer->done, transfer->total, transfer->progress_data);
}

static void
on_wrote_body_data (SoupMessage *msg,
                    guint        chunk_size,
                    Transfer    *transfer)
{
  transfer->done = MIN (transfer->done + chunk_size, transfer->total);
  report (transfer);
}

static void
upload_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  g_autoptr(JsonObject) reply = NULL;
  GError *error = NULL;

  reply = porthole_client_call_finish (PORTHOLE_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  transfer->done = transfer->total;
  report (transfer);
  g_task_return_pointer (task, g_strdup (porthole_json_object_get_string (reply, PORTHOLE_MEMBER_PATH)), g_free);
}

static void
upload_info_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  PortholeClient *self = g_task_get_source_object (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(PortholeMultipartBody) body = NULL;
  g_autofree char *route = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (object), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  name = g_file_get_basename (transfer->file);
  body = porthole_multipart_body_new (transfer->path, name, transfer->input, g_file_info_get_size (info));
  transfer->total = porthole_multipart_body_get_length (body);

  route = path_query (PORTHOLE_ROUTE_FILES_UPLOAD, transfer->path);
  transfer->msg = porthole_client_new_message (self, "POST", route, &error);
  if (transfer->msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  soup_message_set_request_body (transfer->msg, porthole_multipart_body_get_content_type (body),
                                 G_INPUT_STREAM (body), transfer->total);
  g_signal_connect (transfer->msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), transfer);
  report (transfer);

  porthole_client_call_message_async (self, transfer->msg, g_task_get_cancellable (task),
                                      upload_sent_cb, g_object_ref (task));
}

static void
upload_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;

  transfer->input = G_INPUT_STREAM (g_file_read_finish (G_FILE (object), result, &error));
  if (transfer->input == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_file_input_stream_query_info_async (G_FILE_INPUT_STREAM (transfer->input), G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                        upload_info_cb, g_object_ref (task));
}

/**
 * porthole_client_upload_file_async:
 * @source: a local file
 * @destination: its path in the sandbox
 * @progress: (nullable) (scope notified): told as the body goes out
 *
 * POST /files/upload, the file read as it is sent. Cancelling stops the
 * request; the daemon drops a partial upload.
 */
void
porthole_client_upload_file_async (PortholeClient       *self,
                                   GFile                *source,
                                   const char           *destination,
                                   PortholeProgressFunc  progress,
                                   gpointer              progress_data,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  GTask *task;
  Transfer *transfer;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (G_IS_FILE (source));
  g_return_if_fail (destination != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_upload_file_async);
  transfer = g_new0 (Transfer, 1);
  transfer->path = g_strdup (destination);
  transfer->file = g_object_ref (source);
  transfer->progress = progress;
  transfer->progress_data = progress_data;
  transfer->total = -1;
  g_task_set_task_data (task, transfer, (GDestroyNotify) transfer_free);

  g_file_read_async (source, G_PRIORITY_DEFAULT, cancellable, upload_opened_cb, task);
}

/**
 * porthole_client_upload_file_finish:
 *
 * Returns: (transfer full): the file's path in the sandbox, or %NULL
 */
char *
porthole_client_upload_file_finish (PortholeClient  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void download_read_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data);

static void
download_wrote_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;
  gsize written;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  transfer->done += written;
  report (transfer);
  g_input_stream_read_async (transfer->input, transfer->buffer, TRANSFER_CHUNK, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), download_read_cb, g_object_ref (task));
}

static void
download_closed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
download_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }

  if (n == 0)
    {
      if (transfer->total >= 0 && transfer->done != transfer->total)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                   "The download ended early");
          return;
        }
      g_output_stream_close_async (transfer->output, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   download_closed_cb, g_object_ref (task));
      return;
    }

  g_output_stream_write_all_async (transfer->output, transfer->buffer, n, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), download_wrote_cb, g_object_ref (task));
}

static void
download_replaced_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;

  transfer->output = G_OUTPUT_STREAM (g_file_replace_finish (G_FILE (object), result, &error));
  if (transfer->output == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  transfer->buffer = g_malloc (TRANSFER_CHUNK);
  report (transfer);
  g_input_stream_read_async (transfer->input, transfer->buffer, TRANSFER_CHUNK, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), download_read_cb, g_object_ref (task));
}

static void
download_error_read_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);

  g_task_return_error (task, porthole_client_error_from_response (soup_message_get_status (transfer->msg), body));
}

static void
download_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Transfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  transfer->input = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (transfer->input == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  status = soup_message_get_status (transfer->msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* Errors are small JSON bodies. */
      g_input_stream_read_bytes_async (transfer->input, 64 * 1024, G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (task), download_error_read_cb,
                                       g_object_ref (task));
      return;
    }

  transfer->total = soup_message_headers_get_content_length (soup_message_get_response_headers (transfer->msg));
  if (soup_message_headers_get_encoding (soup_message_get_response_headers (transfer->msg)) != SOUP_ENCODING_CONTENT_LENGTH)
    transfer->total = -1;
  g_file_replace_async (transfer->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, G_PRIORITY_DEFAULT,
                        g_task_get_cancellable (task), download_replaced_cb, g_object_ref (task));
}

/**
 * porthole_client_download_file_async:
 * @path: the file in the sandbox
 * @destination: where to write it
 * @progress: (nullable) (scope notified): told as bytes arrive
 *
 * GET /files/download into @destination, written as it arrives.
 */
void
porthole_client_download_file_async (PortholeClient       *self,
                                     const char           *path,
                                     GFile                *destination,
                                     PortholeProgressFunc  progress,
                                     gpointer              progress_data,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autofree char *route = NULL;
  Transfer *transfer;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (G_IS_FILE (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_download_file_async);
  transfer = g_new0 (Transfer, 1);
  transfer->path = g_strdup (path);
  transfer->file = g_object_ref (destination);
  transfer->progress = progress;
  transfer->progress_data = progress_data;
  transfer->total = -1;
  g_task_set_task_data (task, transfer, (GDestroyNotify) transfer_free);

  route = path_query (PORTHOLE_ROUTE_FILES_DOWNLOAD, path);
  transfer->msg = porthole_client_new_message (self, "GET", route, &error);
  if (transfer->msg == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  soup_session_send_async (porthole_client_get_session (self), transfer->msg, G_PRIORITY_DEFAULT,
                           cancellable, download_sent_cb, task);
}

gboolean
porthole_client_download_file_finish (PortholeClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_boolean (self, result, error);
}

/* Watching */

static GObject *
wrap_watch (SoupWebsocketConnection *connection,
            gpointer                 path)
{
  return G_OBJECT (porthole_file_watch_new (connection, path));
}

/**
 * porthole_client_watch_files_async:
 * @path: the directory to watch (recursively, as the daemon does)
 */
void
porthole_client_watch_files_async (PortholeClient      *self,
                                   const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (PORTHOLE_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  porthole_client_websocket_open_async (self, PORTHOLE_ROUTE_FILES_WATCH, wrap_watch, g_strdup (path), g_free,
                                        cancellable, callback, user_data);
}

/**
 * porthole_client_watch_files_finish:
 *
 * Returns: (transfer full): the watch, or %NULL
 */
PortholeFileWatch *
porthole_client_watch_files_finish (PortholeClient  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return porthole_client_websocket_open_finish (self, result, error);
}
