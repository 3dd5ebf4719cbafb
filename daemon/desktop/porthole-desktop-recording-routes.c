/* porthole-desktop-recording-routes.c
 *
 * API.md §8.6. Start needs the X display and the recording plugin;
 * status, stop and download need neither (a recording has its own
 * connection, and ended ones only a file). A recording does not belong
 * to the request that started it: it runs until stopped, until its
 * limits, or until the daemon stops (which finishes its file).
 *
 * output_file is a file write like any other: through the file policy
 * (porthole-fs-policy.c), never as a raw path, and as the target user
 * (`user=`): its directories are made as that user here, the file itself
 * by the recording (porthole-recording.c). Without it the file goes to
 * the recordings directory, the daemon's own.
 *
 * Downloads: raw bytes, except the JS SDK's path form, which reads the
 * body as JSON and calls Buffer.from() on it (porthole-buffer-json.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>

#include "porthole-buffer-json.h"
#include "porthole-daemon.h"
#include "porthole-desktop-recording-routes.h"
#include "porthole-desktop-request.h"
#include "porthole-fs-policy.h"
#include "porthole-plugin.h"
#include "porthole-protocol.h"
#include "porthole-recorder.h"
#include "porthole-target-user.h"

#define DEFAULT_FPS 10
#define MAX_FPS 60
/* The JSON form is four times the file, and Node must hold it as one
 * string (V8: under 512 MiB); beyond this, the raw form only. */
#define BUFFER_JSON_MAX_SIZE (100 * 1024 * 1024)

static PortholeRecorder *
get_recorder (PortholeDesktop *desktop)
{
  return porthole_desktop_get_recorder (desktop);
}

static void
reply_recording (PortholeRequest   *req,
                 PortholeRecording *recording)
{
  g_autoptr(JsonObject) reply = porthole_recording_to_json (recording);

  porthole_desktop_request_reply_success (req, reply);
}

/* No recording at all, and no id asked for (only JS does that). */
static void
reply_idle (PortholeRequest *req)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_null_member (reply, "recording_id");
  json_object_set_boolean_member (reply, "recording", FALSE);
  json_object_set_string_member (reply, "status", "idle");
  porthole_desktop_request_reply_success (req, reply);
}

static void
reply_unknown (PortholeRequest *req,
               const char      *id)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "resource", "recording");
  json_object_set_string_member (details, "recording_id", id);
  porthole_request_reply_error (req, 0, PORTHOLE_ERROR_NOT_FOUND, details, "Recording not found: %s", id);
}

static void
reply_file_error (PortholeRequest *req,
                  const char      *path,
                  const GError    *error)
{
  g_autoptr(JsonObject) details = json_object_new ();

  if (path != NULL)
    json_object_set_string_member (details, PORTHOLE_MEMBER_PATH, path);
  porthole_request_reply_gerror_full (req, error, details);
}

/* A recording without its file: not written (404), or the disk filled
 * up or a write failed (507 or 500, as for file writes). */
static void
reply_recording_error (PortholeRequest   *req,
                       PortholeRecording *recording,
                       const GError      *error)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "resource", "recording");
  json_object_set_string_member (details, "recording_id", porthole_recording_get_id (recording));
  porthole_request_reply_gerror_full (req, error, details);
}

/* The recording @names (the field, or the path parameter) designates;
 * with @required FALSE and no id, *recording is NULL. Replies 400/404
 * itself. */
static gboolean
get_recording (PortholeRequest    *req,
               PortholeDesktop    *desktop,
               gboolean            required,
               PortholeRecording **recording)
{
  const char *id = porthole_request_get_param (req, "id");

  *recording = NULL;
  if (id == NULL && !porthole_request_get_string (req, "recording_id|id|recordingId", NULL, &id))
    return FALSE;

  if (id == NULL || *id == '\0')
    {
      if (required)
        porthole_request_reply_missing (req, "recording_id");
      return !required;
    }

  *recording = porthole_recorder_lookup (get_recorder (desktop), id);
  if (*recording == NULL)
    {
      reply_unknown (req, id);
      return FALSE;
    }

  return TRUE;
}

/* POST /desktop/recording/start */

/* The format an output file's name asks for, if it does. */
static gboolean
format_from_name (const char          *name,
                  PortholeVideoFormat *format)
{
  const char *dot = name ? strrchr (name, '.') : NULL;

  return dot != NULL && strchr (dot, '/') == NULL && porthole_video_format_from_string (dot + 1, format);
}

static gboolean
get_start_options (PortholeRequest           *req,
                   PortholeRecordingOptions  *options,
                   const char               **output_file)
{
  const char *format, *quality;
  PortholeVideoFormat named;
  gboolean has_named;
  gint64 fps, max_duration;

  if (!porthole_request_get_int (req, "fps|frame_rate|framerate", DEFAULT_FPS, &fps) ||
      !porthole_request_get_string (req, "format", NULL, &format) ||
      !porthole_request_get_string (req, "quality", "medium", &quality) ||
      !porthole_request_get_string (req, "output_file|output_path|outputFile", NULL, output_file) ||
      !porthole_request_get_int (req, "max_duration|duration", 0, &max_duration))
    return FALSE;

  if (fps < 1 || fps > MAX_FPS)
    {
      porthole_request_reply_invalid (req, "fps", "fps must be 1 to %d", MAX_FPS);
      return FALSE;
    }
  if (max_duration < 0 || max_duration > G_MAXINT)
    {
      porthole_request_reply_invalid (req, "max_duration", "max_duration must be a positive number of seconds");
      return FALSE;
    }
  if (!porthole_video_quality_from_string (quality, &options->video.quality))
    {
      porthole_request_reply_invalid (req, "quality", "Invalid quality \"%s\": expected low, medium or high", quality);
      return FALSE;
    }
  if (*output_file != NULL && **output_file == '\0')
    *output_file = NULL;
  if (*output_file != NULL && porthole_request_field_has_nul (req, "output_file|output_path|outputFile"))
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_PATH, NULL,
                                    "Invalid path: it contains a NUL byte");
      return FALSE;
    }

  /* The file's extension says which format (JS sends only the file). */
  has_named = format_from_name (*output_file, &named);
  if (format == NULL || *format == '\0')
    options->video.format = has_named ? named : PORTHOLE_VIDEO_FORMAT_MP4;
  else if (!porthole_video_format_from_string (format, &options->video.format))
    {
      porthole_request_reply_invalid (req, "format", "Invalid format \"%s\": expected mp4 or webm", format);
      return FALSE;
    }
  else if (has_named && named != options->video.format)
    {
      porthole_request_reply_invalid (req, "format", "output_file %s does not end in .%s",
                                      *output_file, porthole_video_format_to_string (options->video.format));
      return FALSE;
    }

  options->video.fps = fps;
  options->max_duration = max_duration;
  return TRUE;
}

/* The directory of @output_file, through the file policy, made (and
 * opened) as the target user. */
static int
open_output_directory (PortholeRequest *req,
                       const char      *output_file,
                       PortholeFsPath  *path)
{
  PortholeFsPolicy *policy = porthole_daemon_get_fs_policy (porthole_request_get_daemon (req));
  g_auto(PortholeFsIdentity) identity = { 0 };
  g_autoptr(GError) error = NULL;
  struct stat st;
  int dirfd;

  if (!porthole_fs_policy_resolve (policy, output_file, path, &error))
    {
      g_autofree char *shown = g_utf8_make_valid (output_file, -1);

      reply_file_error (req, shown, error);
      return -1;
    }
  if (porthole_fs_path_is_root (path))
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_PATH, NULL, "Is a directory: %s", path->path);
      return -1;
    }

  porthole_fs_as_user_begin (&identity);
  dirfd = porthole_fs_path_open_parent (policy, path, TRUE, &error);
  if (dirfd < 0)
    {
      reply_file_error (req, path->path, error);
      return -1;
    }
  if (fstatat (dirfd, porthole_fs_path_get_name (path), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
    {
      close (dirfd);
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_PATH, NULL, "Is a directory: %s", path->path);
      return -1;
    }

  return dirfd;
}

static void
end_activity (PortholeDaemon *daemon)
{
  porthole_daemon_activity_end (daemon, PORTHOLE_ACTIVITY_RECORDINGS);
}

static void
start (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_with_plugin (req, PORTHOLE_PLUGIN_RECORDING);
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(PortholeRecording) recording = NULL;
  g_autoptr(GError) error = NULL;
  PortholeRecordingOptions options = { 0 };
  PortholeRecordingTarget target;
  const char *output_file;
  int dirfd = -1;

  if (desktop == NULL || !get_start_options (req, &options, &output_file))
    return;

  if (output_file != NULL)
    {
      dirfd = open_output_directory (req, output_file, &path);
      if (dirfd < 0)
        return;
      target = (PortholeRecordingTarget) { dirfd, porthole_fs_path_get_name (&path), path.path, FALSE };
    }

  recording = porthole_recorder_start (get_recorder (desktop), porthole_desktop_get_display_name (desktop),
                                       &options, output_file ? &target : NULL, &error);
  if (dirfd >= 0)
    close (dirfd);
  if (recording == NULL)
    {
      if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE))
        porthole_desktop_request_reply_unavailable (req, error->message,
                                                    porthole_plugin_get_packages (PORTHOLE_PLUGIN_RECORDING));
      else
        reply_file_error (req, output_file ? path.path : NULL, error);
      return;
    }

  porthole_daemon_activity_begin (daemon, PORTHOLE_ACTIVITY_RECORDINGS);
  g_signal_connect_object (recording, "finished", G_CALLBACK (end_activity), daemon, G_CONNECT_SWAPPED);
  reply_recording (req, recording);
}

void
porthole_desktop_handle_recording_start (PortholeRequest *req)
{
  start (req);
}

/* POST /desktop/recording/stop */

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeRequest) req = user_data;
  PortholeRecording *recording = PORTHOLE_RECORDING (object);
  g_autoptr(GError) error = NULL;

  if (!porthole_recording_stop_finish (recording, result, &error))
    reply_recording_error (req, recording, error);
  else
    reply_recording (req, recording);
}

static void
stop (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_offline (req);
  PortholeRecording *recording;

  if (desktop == NULL || !get_recording (req, desktop, FALSE, &recording))
    return;

  /* No id (JS): the latest one in progress, or else the latest one. */
  if (recording == NULL)
    recording = porthole_recorder_get_latest (get_recorder (desktop), TRUE);
  if (recording == NULL)
    recording = porthole_recorder_get_latest (get_recorder (desktop), FALSE);
  if (recording == NULL)
    {
      reply_idle (req);
      return;
    }

  /* Answered once the trailer is written. */
  porthole_recording_stop_async (recording, on_stopped, g_object_ref (req));
}

void
porthole_desktop_handle_recording_stop (PortholeRequest *req)
{
  stop (req);
}

/* POST /desktop/recording (seed): action start (default) or stop */
void
porthole_desktop_handle_recording (PortholeRequest *req)
{
  const char *action;

  if (!porthole_request_get_string (req, "action", "start", &action))
    return;

  if (g_ascii_strcasecmp (action, "start") == 0)
    start (req);
  else if (g_ascii_strcasecmp (action, "stop") == 0)
    stop (req);
  else
    porthole_request_reply_invalid (req, "action", "Invalid action \"%s\": expected start or stop", action);
}

/* GET /desktop/recording/status */

void
porthole_desktop_handle_recording_status (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_offline (req);
  PortholeRecording *recording;

  if (desktop == NULL || !get_recording (req, desktop, FALSE, &recording))
    return;

  if (recording == NULL)
    recording = porthole_recorder_get_latest (get_recorder (desktop), FALSE);
  if (recording == NULL)
    reply_idle (req);
  else
    reply_recording (req, recording);
}

/* GET /desktop/recording/download, GET /desktop/recording/{id}/download */

typedef struct
{
  PortholeRequest *req;
  PortholeRecording *recording;
  int fd;
  goffset size;
  goffset digits;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->req);
  g_clear_object (&download->recording);
  if (download->fd >= 0)
    close (download->fd);
  g_free (download);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Download, download_free)

static void
reply_raw (Download *download)
{
  PortholeVideoFormat format = porthole_recording_get_format (download->recording);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (porthole_request_get_message (download->req));
  g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s.%s\"",
                                                  porthole_recording_get_id (download->recording),
                                                  porthole_video_format_to_string (format));
  g_autoptr(GInputStream) stream = g_unix_input_stream_new (g_steal_fd (&download->fd), TRUE);

  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  porthole_request_reply_stream (download->req, SOUP_STATUS_OK, porthole_video_format_get_mime_type (format),
                                 stream, download->size);
}

static void
reply_buffer_json (Download *download)
{
  g_autoptr(JsonObject) members = json_object_new ();
  g_autoptr(GInputStream) data = g_unix_input_stream_new (g_steal_fd (&download->fd), TRUE);
  g_autoptr(GInputStream) stream = NULL;
  PortholeVideoFormat format = porthole_recording_get_format (download->recording);

  json_object_set_string_member (members, "recording_id", porthole_recording_get_id (download->recording));
  json_object_set_string_member (members, "format", porthole_video_format_to_string (format));
  json_object_set_string_member (members, "content_type", porthole_video_format_get_mime_type (format));
  json_object_set_int_member (members, "size", download->size);
  stream = porthole_buffer_json_stream_new (data, download->size, download->digits, members);
  porthole_request_reply_stream (download->req, SOUP_STATUS_OK, "application/json", stream,
                                 porthole_buffer_json_stream_get_length (PORTHOLE_BUFFER_JSON_STREAM (stream)));
}

static void
count_digits_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Download *download = task_data;
  GError *error = NULL;

  if (porthole_buffer_json_count_fd_digits (download->fd, download->size, &download->digits, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_digits_counted (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Download *download = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    porthole_desktop_request_reply_error (download->req, error);
  else
    reply_buffer_json (download);
}

static void
download (PortholeRequest *req,
          gboolean         buffer_json)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_offline (req);
  g_autoptr(Download) download = NULL;
  g_autoptr(GError) error = NULL;
  PortholeRecording *recording;
  struct stat st;

  if (desktop == NULL || !get_recording (req, desktop, TRUE, &recording))
    return;

  if (porthole_recording_is_active (recording))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "recording_id", porthole_recording_get_id (recording));
      json_object_set_string_member (details, "status", "recording");
      porthole_request_reply_error (req, SOUP_STATUS_CONFLICT, PORTHOLE_ERROR_INVALID_REQUEST, details,
                                    "Recording %s is in progress: stop it first",
                                    porthole_recording_get_id (recording));
      return;
    }

  download = g_new0 (Download, 1);
  download->req = g_object_ref (req);
  download->recording = g_object_ref (recording);
  download->fd = porthole_recording_open_file (recording, &error);
  if (download->fd < 0)
    {
      reply_recording_error (req, recording, error);
      return;
    }
  if (fstat (download->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_FILE_OPERATION_FAILED, NULL,
                                    "The file of recording %s is not a regular file",
                                    porthole_recording_get_id (recording));
      return;
    }
  download->size = st.st_size;

  if (!buffer_json)
    {
      reply_raw (download);
      return;
    }

  if (download->size > BUFFER_JSON_MAX_SIZE)
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_PAYLOAD_TOO_LARGE, NULL,
                                    "Recording %s is %" G_GOFFSET_FORMAT " bytes, too large for the JSON form: "
                                    "GET /desktop/recording/download?id=%s gives the raw bytes",
                                    porthole_recording_get_id (recording), download->size,
                                    porthole_recording_get_id (recording));
      return;
    }

  {
    g_autoptr(GTask) task = g_task_new (NULL, porthole_request_get_cancellable (req), on_digits_counted, NULL);

    g_task_set_task_data (task, g_steal_pointer (&download), (GDestroyNotify) download_free);
    g_task_run_in_thread (task, count_digits_thread);
  }
}

/* The query form: raw bytes always (py reads response.content). */
void
porthole_desktop_handle_recording_download (PortholeRequest *req)
{
  download (req, FALSE);
}

/* The path form (JS): the Buffer JSON form when JSON is accepted. */
void
porthole_desktop_handle_recording_id_download (PortholeRequest *req)
{
  download (req, porthole_request_accepts_json (req));
}
