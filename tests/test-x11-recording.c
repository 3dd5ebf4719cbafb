/* test-x11-recording.c — screen recording (API.md §8.6): the files are
 * opened with libavformat here and their frames checked against the
 * pattern the test client paints and against a screenshot
 *
 * Frame counts follow the wall clock (the recorder repeats the last
 * picture when it wakes late), so the checks compare the file with the
 * duration the daemon reports, never with how fast anything ran.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libavcodec/avcodec.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-json.h"
#include "test-recording-utils.h"

#define SCREEN_W 800
#define SCREEN_H 600
#define WIN_X 100
#define WIN_Y 120
#define FPS 10
#define RECORD_SECONDS 3
/* YUV 4:2:0 and lossy codecs: colours inside the squares stay close. */
#define CODEC_TOLERANCE 48

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { SCREEN_W, SCREEN_H, "Recording test", WIN_X, WIN_Y, 400, 300, NULL };

static void
assert_pattern (const guint8 *rgb,
                int           width,
                int           tolerance)
{
  g_assert_cmpuint (porthole_test_assert_pattern (rgb, width, SCREEN_H, WIN_X, WIN_Y, tolerance), ==,
                    PORTHOLE_TEST_PATTERN_POINTS);
}

/* The same points of a screenshot and a video frame agree. */
static void
assert_like_screenshot (PortholeTestDaemon *daemon,
                        const guint8       *rgb)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/desktop/screenshot", NULL, NULL);
  g_autofree guint8 *shot = NULL;
  int width, height;

  g_assert_cmpuint (r->status, ==, 200);
  shot = porthole_test_decode_image (r->body, "png", &width, &height);
  g_assert_cmpint (width, ==, SCREEN_W);
  g_assert_cmpint (height, ==, SCREEN_H);
  assert_pattern (shot, width, 0);

  for (guint i = 0; i < PORTHOLE_TEST_PATTERN_POINTS; i++)
    {
      int x = WIN_X + porthole_test_pattern[i].x;
      int y = WIN_Y + porthole_test_pattern[i].y;
      const guint8 *pixel = shot + ((gsize) y * width + x) * 3;

      porthole_test_assert_pixel (rgb, SCREEN_W, x, y, pixel[0] << 16 | pixel[1] << 8 | pixel[2], CODEC_TOLERANCE);
    }
}

static void
assert_member_type (JsonObject *object,
                    const char *name,
                    GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_cmpint (JSON_NODE_TYPE (node), ==, JSON_NODE_VALUE);
  g_assert_true (json_node_get_value_type (node) == type);
}

/* Every field of §8.6 with its type, for a recording that ended. */
static void
assert_stopped (JsonObject *reply,
                const char *id,
                const char *format)
{
  g_assert_true (json_object_get_boolean_member (reply, "success"));
  g_assert_cmpstr (json_object_get_string_member (reply, "recording_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (reply, "status"), ==, "stopped");
  g_assert_false (json_object_get_boolean_member (reply, "recording"));
  g_assert_cmpstr (json_object_get_string_member (reply, "format"), ==, format);
  porthole_test_assert_timestamp (reply, "start_time");
  porthole_test_assert_timestamp (reply, "end_time");
  assert_member_type (reply, "duration", G_TYPE_DOUBLE);
  assert_member_type (reply, "file_size", G_TYPE_INT64);
  assert_member_type (reply, "fps", G_TYPE_INT64);
  assert_member_type (reply, "dropped_frames", G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (reply, "file_size"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (reply, "file_path"), ==,
                   json_object_get_string_member (reply, "output_file"));
}

/* Downloads @id (query form, raw), compares with the file the reply
 * named, and reads it back. */
static void
download_and_read (PortholeTestDaemon *daemon,
                   JsonObject         *stopped,
                   PortholeTestVideo  *video)
{
  const char *id = json_object_get_string_member (stopped, "recording_id");
  const char *format = json_object_get_string_member (stopped, "format");
  g_autofree char *path = g_strdup_printf ("/desktop/recording/download?recording_id=%s", id);
  g_autofree char *mime = g_strconcat ("video/", format, NULL);
  g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s.%s\"", id, format);
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", path, NULL, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, mime);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Content-Disposition"), ==, disposition);
  g_assert_cmpint (soup_message_headers_get_content_length (r->headers), ==, g_bytes_get_size (r->body));
  g_assert_cmpint (json_object_get_int_member (stopped, "file_size"), ==, g_bytes_get_size (r->body));

  g_assert_true (g_file_get_contents (json_object_get_string_member (stopped, "file_path"), &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));

  porthole_test_read_video (json_object_get_string_member (stopped, "file_path"), video);
}

/* Duration and frame count agree with the wall clock the daemon saw. */
static void
assert_timeline (JsonObject              *stopped,
                 const PortholeTestVideo *video,
                 double                   at_least,
                 double                   at_most)
{
  double duration = json_object_get_double_member (stopped, "duration");
  gint64 fps = json_object_get_int_member (stopped, "fps");

  g_test_message ("%s: %.2f s reported, %.2f s in the file, %u frames (%" G_GINT64_FORMAT " repeated, %"
                  G_GINT64_FORMAT " dropped)", json_object_get_string_member (stopped, "recording_id"),
                  duration, video->duration, video->packets,
                  json_object_get_int_member (stopped, "repeated_frames"),
                  json_object_get_int_member (stopped, "dropped_frames"));

  g_assert_cmpfloat (duration, >=, at_least - 1.0 / fps);
  g_assert_cmpfloat (duration, <=, at_most + 1.0 / fps);
  g_assert_cmpfloat (ABS (video->duration - duration), <=, duration * 0.10);
  g_assert_cmpfloat (ABS (video->packets - duration * fps), <=, duration * fps * 0.15);
  g_assert_cmpint (video->packets, ==, json_object_get_int_member (stopped, "frames"));
}

/* MP4 (py's call) and WebM (JS's: an output_file ending in .webm) at
 * the same time; one stopped by id, one without. */
static void
test_formats (Fixture       *fixture,
              gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) mp4 = NULL;
  g_autoptr(JsonObject) webm = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) mp4_stopped = NULL;
  g_autoptr(JsonObject) webm_stopped = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autofree char *webm_path = g_build_filename (daemon->workspace, "videos", "clip.webm", NULL);
  g_autofree char *download = NULL;
  g_auto(PortholeTestVideo) mp4_video = { 0 };
  g_auto(PortholeTestVideo) webm_video = { 0 };
  const char *mp4_id, *webm_id;
  gint64 started, stopped;

  started = g_get_monotonic_time ();
  mp4 = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start",
                                    "{\"fps\": 10, \"format\": \"mp4\", \"quality\": \"medium\"}");
  webm = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start",
                                     "{\"output_file\": \"videos/clip.webm\"}");
  mp4_id = json_object_get_string_member (mp4, "recording_id");
  webm_id = json_object_get_string_member (webm, "recording_id");
  g_assert_true (g_regex_match_simple ("^rec_[0-9a-f]+$", mp4_id, 0, 0));
  g_assert_true (g_regex_match_simple ("^rec_[0-9a-f]+$", webm_id, 0, 0));
  g_assert_cmpstr (mp4_id, !=, webm_id);
  g_assert_cmpstr (json_object_get_string_member (mp4, "status"), ==, "recording");
  g_assert_true (json_object_get_boolean_member (mp4, "recording"));
  g_assert_cmpint (json_object_get_int_member (mp4, "fps"), ==, FPS);
  g_assert_cmpstr (json_object_get_string_member (mp4, "format"), ==, "mp4");
  g_assert_cmpstr (json_object_get_string_member (webm, "format"), ==, "webm");
  g_assert_cmpstr (json_object_get_string_member (webm, "file_path"), ==, webm_path);
  porthole_test_assert_timestamp (mp4, "start_time");

  /* In progress: reported, counted, not downloadable. */
  status = porthole_test_recording_status (daemon, mp4_id);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "recording");
  g_assert_cmpint (porthole_test_active_recordings (daemon), ==, 2);
  download = g_strdup_printf ("/desktop/recording/download?id=%s", mp4_id);
  r = porthole_test_request (daemon, "GET", download, NULL, NULL);
  porthole_test_assert_error_body (r, 409, "INVALID_REQUEST");

  g_usleep (RECORD_SECONDS * G_USEC_PER_SEC);

  {
    g_autofree char *body = g_strdup_printf ("{\"recording_id\": \"%s\"}", mp4_id);

    mp4_stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", body);
  }
  /* JS sends no body: the latest recording in progress. */
  webm_stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", NULL);
  stopped = g_get_monotonic_time ();
  assert_stopped (mp4_stopped, mp4_id, "mp4");
  assert_stopped (webm_stopped, webm_id, "webm");
  g_assert_cmpint (porthole_test_active_recordings (daemon), ==, 0);

  download_and_read (daemon, mp4_stopped, &mp4_video);
  download_and_read (daemon, webm_stopped, &webm_video);
  g_assert_cmpint (mp4_video.codec, ==, AV_CODEC_ID_H264);
  g_assert_cmpint (webm_video.codec, ==, AV_CODEC_ID_VP8);

  assert_timeline (mp4_stopped, &mp4_video, RECORD_SECONDS, (stopped - started) / (double) G_USEC_PER_SEC);
  assert_timeline (webm_stopped, &webm_video, RECORD_SECONDS, (stopped - started) / (double) G_USEC_PER_SEC);

  /* The first frame is the screen, at its size. */
  g_assert_cmpint (mp4_video.width, ==, SCREEN_W);
  g_assert_cmpint (mp4_video.height, ==, SCREEN_H);
  g_assert_cmpint (webm_video.width, ==, SCREEN_W);
  g_assert_cmpint (webm_video.height, ==, SCREEN_H);
  assert_pattern (mp4_video.first, SCREEN_W, CODEC_TOLERANCE);
  assert_pattern (webm_video.first, SCREEN_W, CODEC_TOLERANCE);
  assert_like_screenshot (daemon, mp4_video.first);
  assert_like_screenshot (daemon, webm_video.first);

  /* Stopping again is harmless. */
  {
    g_autofree char *body = g_strdup_printf ("{\"id\": \"%s\"}", mp4_id);
    g_autoptr(JsonObject) again = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", body);

    g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "stopped");
    g_assert_cmpfloat (json_object_get_double_member (again, "duration"), ==,
                       json_object_get_double_member (mp4_stopped, "duration"));
  }
}

static void
assert_unknown (PortholeTestDaemon *daemon,
                const char         *method,
                const char         *path,
                const char         *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, method, path, NULL, body);

  porthole_test_assert_error_body (r, 404, "NOT_FOUND");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r->json, "details"), "resource"),
                   ==, "recording");
  g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "not found"));
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) idle = NULL;
  g_autoptr(JsonObject) stop = NULL;
  g_autofree char *directory = g_strdup_printf ("{\"output_file\": \"%s\"}", daemon->workspace);

  /* Nothing recorded yet, no id (JS). */
  idle = porthole_test_desktop_call (daemon, "GET", "/desktop/recording/status", NULL);
  g_assert_cmpstr (json_object_get_string_member (idle, "status"), ==, "idle");
  g_assert_false (json_object_get_boolean_member (idle, "recording"));
  g_assert_true (json_object_get_null_member (idle, "recording_id"));
  stop = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", NULL);
  g_assert_cmpstr (json_object_get_string_member (stop, "status"), ==, "idle");

  assert_unknown (daemon, "GET", "/desktop/recording/status?id=rec_0123456789ab", NULL);
  assert_unknown (daemon, "POST", "/desktop/recording/stop", "{\"recording_id\": \"rec_0123456789ab\"}");
  assert_unknown (daemon, "GET", "/desktop/recording/download?id=rec_0123456789ab", NULL);
  assert_unknown (daemon, "GET", "/desktop/recording/rec_0123456789ab/download", NULL);
  porthole_test_expect_error (daemon, "GET", "/desktop/recording/download", NULL, 400, "MISSING_PARAMETER");

  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", "{\"fps\": 0}", 400, "INVALID_REQUEST");
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", "{\"fps\": 1000}", 400, "INVALID_REQUEST");
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", "{\"format\": \"avi\"}", 400, "INVALID_REQUEST");
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", "{\"quality\": \"ultra\"}", 400, "INVALID_REQUEST");
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start",
                              "{\"format\": \"mp4\", \"output_file\": \"a.webm\"}", 400, "INVALID_REQUEST");
  porthole_test_expect_error (daemon, "POST", "/desktop/recording", "{\"action\": \"pause\"}", 400, "INVALID_REQUEST");
  /* output_file goes through the file policy. */
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", "{\"output_file\": \"/proc/x.mp4\"}",
                              403, "PATH_NOT_ALLOWED");
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", directory, 400, "INVALID_PATH");

  /* Nothing was started by all that. */
  g_clear_pointer (&idle, json_object_unref);
  idle = porthole_test_desktop_call (daemon, "GET", "/desktop/recording/status", NULL);
  g_assert_cmpstr (json_object_get_string_member (idle, "status"), ==, "idle");
}

/* The seed alias, status and stop without an id, and the JS download:
 * {"type":"Buffer","data":[...]} on the path form, without "length" or
 * "buffer" members. */
static void
test_js_forms (Fixture       *fixture,
               gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(PortholeTestResponse) raw = NULL;
  g_autoptr(PortholeTestResponse) buffer = NULL;
  g_autofree char *path = NULL;
  const guint8 *bytes;
  JsonArray *array;
  const char *id;

  started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording", "{}");
  id = json_object_get_string_member (started, "recording_id");
  status = porthole_test_desktop_call (daemon, "GET", "/desktop/recording/status", NULL);
  g_assert_cmpstr (json_object_get_string_member (status, "recording_id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "recording");

  g_usleep (G_USEC_PER_SEC);
  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/recording", "{\"action\": \"stop\"}");
  g_assert_cmpstr (json_object_get_string_member (stopped, "recording_id"), ==, id);
  g_clear_pointer (&status, json_object_unref);
  status = porthole_test_desktop_call (daemon, "GET", "/desktop/recording/status", NULL);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "stopped");

  path = g_strdup_printf ("/desktop/recording/%s/download", id);
  raw = porthole_test_request (daemon, "GET", path, NULL, NULL);
  g_assert_cmpuint (raw->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (raw->headers, NULL), ==, "video/mp4");
  g_assert_cmpint (g_bytes_get_size (raw->body), ==, json_object_get_int_member (stopped, "file_size"));

  buffer = porthole_test_request_accept (daemon, "GET", path, NULL, "application/json, text/plain, */*");
  g_assert_cmpuint (buffer->status, ==, 200);
  g_assert_nonnull (buffer->json);
  g_assert_cmpint (soup_message_headers_get_content_length (buffer->headers), ==, g_bytes_get_size (buffer->body));
  g_assert_cmpstr (json_object_get_string_member (buffer->json, "type"), ==, "Buffer");
  g_assert_false (json_object_has_member (buffer->json, "length"));
  g_assert_false (json_object_has_member (buffer->json, "buffer"));
  array = json_object_get_array_member (buffer->json, "data");
  bytes = g_bytes_get_data (raw->body, NULL);
  g_assert_cmpuint (json_array_get_length (array), ==, g_bytes_get_size (raw->body));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, bytes[i]);
}

/* A recording belongs to nobody's connection: the client that started
 * it may go away. */
static void
test_client_gone (Fixture       *fixture,
                  gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (daemon->url, "/desktop/recording/start", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", daemon->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"fps\": 10}", strlen ("{\"fps\": 10}"));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) started = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stop_body = NULL;
  const char *id;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  started = porthole_json_parse (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  id = json_object_get_string_member (json_node_get_object (started), "recording_id");

  /* Gone: its connection closed. */
  soup_session_abort (session);
  g_usleep (G_USEC_PER_SEC * 3 / 2);

  status = porthole_test_recording_status (daemon, id);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "recording");
  g_assert_cmpfloat (json_object_get_double_member (status, "duration"), >=, 1.4);

  stop_body = g_strdup_printf ("{\"recording_id\": \"%s\"}", id);
  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", stop_body);
  g_assert_cmpstr (json_object_get_string_member (stopped, "status"), ==, "stopped");
  g_assert_cmpfloat (json_object_get_double_member (stopped, "duration"), >=, 1.4);
}

/* The screen shrinks during a recording: the file keeps its size and
 * shows the new screen scaled to it. */
static void
test_resize (Fixture       *fixture,
             gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) resized = NULL;
  g_autoptr(JsonObject) stopped = NULL;
  g_autoptr(JsonObject) back = NULL;
  g_autofree char *body = NULL;
  g_auto(PortholeTestVideo) video = { 0 };
  /* 640x480 is 800x600 times 0.8: the same shape, no bars. */
  double scale = SCREEN_W / 640.0;

  started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start", "{\"fps\": 10}");
  g_usleep (G_USEC_PER_SEC / 2);
  resized = porthole_test_desktop_call (daemon, "POST", "/desktop/display/set", "{\"width\": 640, \"height\": 480}");
  g_usleep (G_USEC_PER_SEC);

  body = g_strdup_printf ("{\"recording_id\": \"%s\"}", json_object_get_string_member (started, "recording_id"));
  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", body);
  g_assert_cmpstr (json_object_get_string_member (stopped, "status"), ==, "stopped");
  g_assert_cmpint (json_object_get_int_member (stopped, "width"), ==, SCREEN_W);

  porthole_test_read_video (json_object_get_string_member (stopped, "file_path"), &video);
  g_assert_cmpint (video.width, ==, SCREEN_W);
  g_assert_cmpint (video.height, ==, SCREEN_H);
  assert_pattern (video.first, SCREEN_W, CODEC_TOLERANCE);
  /* The red square, where the scaling puts it. */
  porthole_test_assert_pixel (video.last, SCREEN_W, (WIN_X + 35) * scale, (WIN_Y + 35) * scale, 0xff0000,
                              CODEC_TOLERANCE);

  back = porthole_test_desktop_call (daemon, "POST", "/desktop/display/set", "{\"width\": 800, \"height\": 600}");
}

/* The X server goes away: "failed" with a reason, and the file is
 * finished from what was captured. */
static void
test_display_lost (Fixture       *fixture,
                   gconstpointer  data)
{
  PortholeTestDaemon *daemon = fixture->daemon;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autofree char *path = NULL;
  g_auto(PortholeTestVideo) video = { 0 };
  const char *id;

  started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start", "{\"fps\": 10}");
  id = json_object_get_string_member (started, "recording_id");
  g_usleep (G_USEC_PER_SEC);

  g_clear_pointer (&fixture->client, porthole_test_client_free);
  porthole_test_x11_kill_server (fixture->x11);

  failed = porthole_test_wait_recording_status (daemon, id, "failed");
  g_assert_false (json_object_get_boolean_member (failed, "recording"));
  g_assert_cmpstr (json_object_get_string_member (failed, "end_reason"), ==, "display_lost");
  g_assert_nonnull (json_object_get_string_member (failed, "error"));
  g_assert_cmpint (porthole_test_active_recordings (daemon), ==, 0);

  path = g_strdup_printf ("/desktop/recording/download?id=%s", id);
  r = porthole_test_request (daemon, "GET", path, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  porthole_test_read_video (json_object_get_string_member (failed, "file_path"), &video);
  g_assert_cmpint (video.codec, ==, AV_CODEC_ID_H264);
  g_assert_cmpuint (video.packets, >=, 1);
  assert_pattern (video.first, SCREEN_W, CODEC_TOLERANCE);
}

/* SIGTERM finishes the file of a recording in progress. */
static void
test_sigterm (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) started = NULL;
  g_autofree char *path = NULL;
  g_auto(PortholeTestVideo) video = { 0 };

  started = porthole_test_desktop_call (fixture->daemon, "POST", "/desktop/recording/start",
                                        "{\"fps\": 10, \"output_file\": \"term.mp4\"}");
  path = g_strdup (json_object_get_string_member (started, "file_path"));
  g_usleep (G_USEC_PER_SEC * 3 / 2);

  /* Asserts a clean exit. */
  porthole_test_daemon_stop (fixture->daemon);

  porthole_test_read_video (path, &video);
  g_assert_cmpint (video.codec, ==, AV_CODEC_ID_H264);
  g_assert_cmpfloat (video.duration, >=, 1.5 - 0.1);
  g_assert_cmpuint (video.packets, >=, 15 * 0.85);
  assert_pattern (video.first, SCREEN_W, CODEC_TOLERANCE);
}

/* max_duration, recording-max-concurrent, and recording-max-kept (an
 * ended recording beyond it goes, file and all). */
static void
test_limits (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *recordings = g_build_filename (dir, "videos", NULL);
  g_autofree char *settings = g_strdup_printf ("recordings-dir=%s\nrecording-max-concurrent=1\n"
                                               "recording-max-kept=1\n", recordings);
  PortholeTestDaemon *daemon = porthole_test_recording_daemon_new (x11, dir, settings);
  g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Limits", WIN_X, WIN_Y, 400, 300, NULL);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) first_ended = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) second_ended = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *status_path = NULL;
  g_auto(PortholeTestVideo) video = { 0 };

  /* Ends by itself, exactly that long. */
  first = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start", "{\"fps\": 10, \"max_duration\": 2}");
  first_id = g_strdup (json_object_get_string_member (first, "recording_id"));
  g_assert_cmpint (json_object_get_int_member (first, "max_duration"), ==, 2);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (first, "file_path"), recordings));
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", NULL, 409, "CONFLICT");

  first_ended = porthole_test_wait_recording_status (daemon, first_id, "stopped");
  g_assert_cmpstr (json_object_get_string_member (first_ended, "end_reason"), ==, "max_duration");
  g_assert_cmpfloat (json_object_get_double_member (first_ended, "duration"), ==, 2.0);
  porthole_test_read_video (json_object_get_string_member (first_ended, "file_path"), &video);
  g_assert_cmpfloat (ABS (video.duration - 2.0), <=, 0.2);
  assert_pattern (video.last, SCREEN_W, CODEC_TOLERANCE);

  second = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start", "{\"max_duration\": 1}");
  second_ended = porthole_test_wait_recording_status (daemon, json_object_get_string_member (second, "recording_id"),
                                                      "stopped");

  status_path = g_strdup_printf ("/desktop/recording/status?id=%s", first_id);
  porthole_test_expect_error (daemon, "GET", status_path, NULL, 404, "NOT_FOUND");
  g_assert_false (g_file_test (json_object_get_string_member (first_ended, "file_path"), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (json_object_get_string_member (second_ended, "file_path"), G_FILE_TEST_EXISTS));

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (dir);
}

/* recording-max-size: the recording stops once its file is that large,
 * and the file is complete. */
static void
test_max_size (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *dir = porthole_test_make_tmpdir ();
  PortholeTestDaemon *daemon = porthole_test_recording_daemon_new (x11, dir, "recording-max-size=1K\n");
  g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Size", WIN_X, WIN_Y, 400, 300, NULL);
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) ended = NULL;
  g_auto(PortholeTestVideo) video = { 0 };

  /* A safety net: without the size limit it would end at 20 s. */
  started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start",
                                        "{\"quality\": \"high\", \"max_duration\": 20}");
  ended = porthole_test_wait_recording_status (daemon, json_object_get_string_member (started, "recording_id"),
                                               "stopped");
  g_assert_cmpstr (json_object_get_string_member (ended, "end_reason"), ==, "max_size");
  g_assert_cmpint (json_object_get_int_member (ended, "file_size"), >=, 1024);
  porthole_test_read_video (json_object_get_string_member (ended, "file_path"), &video);
  g_assert_cmpuint (video.packets, >=, 1);
  assert_pattern (video.first, SCREEN_W, CODEC_TOLERANCE);

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (dir);
}

/* Without its plugin, start says which packages are missing; the rest
 * answers. */
static void
test_plugin_missing (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *empty = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autoptr(JsonObject) idle = NULL;
  PortholeTestDaemon *daemon;
  JsonArray *missing;
  gboolean found = FALSE;

  g_setenv ("PORTHOLE_PLUGIN_DIR", empty, TRUE);
  daemon = porthole_test_x11_daemon_new (x11);
  g_unsetenv ("PORTHOLE_PLUGIN_DIR");

  r = porthole_test_request (daemon, "POST", "/desktop/recording/start", NULL, NULL);
  porthole_test_assert_error_body (r, 503, "DESKTOP_NOT_AVAILABLE");
  missing = json_object_get_array_member (r->json, "missing_dependencies");
  for (guint i = 0; i < json_array_get_length (missing); i++)
    found |= g_str_equal (json_array_get_string_element (missing, i), "libavformat59");
  g_assert_true (found);

  idle = porthole_test_desktop_call (daemon, "GET", "/desktop/recording/status", NULL);
  g_assert_cmpstr (json_object_get_string_member (idle, "status"), ==, "idle");

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (empty);
}

/* `user=`: output_file is written as the target user, like any file
 * route's write (issue 23, "Files as a target user"): refused in root's
 * 0700 directory, nothing made there; in the workspace, the file and
 * the directories made for it are the user's. Needs root. */
static void
test_as_user (void)
{
  g_autoptr(PortholeTestX11) x11 = NULL;
  PortholeTestUser *user;
  PortholeTestDaemon *daemon;
  g_autofree char *tmpdir = NULL;
  g_autofree char *root_dir = NULL;
  g_autofree char *user_arg = NULL;
  g_autofree char *display_arg = NULL;
  g_autofree char *videos = NULL;
  g_autofree char *clip = NULL;
  g_autoptr(JsonObject) started = NULL;
  g_autoptr(JsonObject) stopped = NULL;
  const char *refused[] = { "clip.mp4", "sub/clip.mp4" };
  GStatBuf st;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root: the daemon must be root to run as another user, and the test makes one");
      return;
    }
  if ((user = porthole_test_user_new ("users")) == NULL)
    {
      g_test_skip ("cannot make a throwaway user (useradd, group users)");
      return;
    }

  x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  /* The user passes through to its workspace; the rest is root's. */
  tmpdir = porthole_test_make_tmpdir ();
  g_assert_cmpint (g_chmod (tmpdir, 0711), ==, 0);
  root_dir = g_build_filename (tmpdir, "root-only", NULL);
  g_assert_cmpint (g_mkdir (root_dir, 0700), ==, 0);
  user_arg = g_strconcat ("--user=", user->name, NULL);
  display_arg = g_strdup_printf ("--display=%s", x11->name);
  daemon = porthole_test_daemon_new_full (tmpdir, (const char *const[]) { display_arg, user_arg, NULL }, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *target = g_build_filename (root_dir, refused[i], NULL);
      g_autofree char *body = g_strdup_printf ("{\"output_file\": \"%s\"}", target);

      porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", body, 403, "PERMISSION_DENIED");
    }
  {
    g_autoptr(GDir) dir = g_dir_open (root_dir, 0, NULL);

    g_assert_null (g_dir_read_name (dir));
  }
  g_assert_cmpint (porthole_test_active_recordings (daemon), ==, 0);

  started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start",
                                        "{\"fps\": 10, \"output_file\": \"videos/clip.mp4\"}");
  g_usleep (G_USEC_PER_SEC);
  stopped = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", NULL);
  assert_stopped (stopped, json_object_get_string_member (started, "recording_id"), "mp4");
  videos = g_build_filename (daemon->workspace, "videos", NULL);
  clip = g_build_filename (videos, "clip.mp4", NULL);
  porthole_test_assert_owned_by (videos, user);
  porthole_test_assert_owned_by (clip, user);
  g_assert_cmpint (g_lstat (clip, &st), ==, 0);
  g_assert_cmpuint (st.st_size, ==, json_object_get_int_member (stopped, "file_size"));

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (tmpdir);
  porthole_test_user_free (user);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, porthole_test_desktop_setup, func, porthole_test_desktop_teardown)
  ADD ("/x11/recording/formats", test_formats);
  ADD ("/x11/recording/errors", test_errors);
  ADD ("/x11/recording/js-forms", test_js_forms);
  ADD ("/x11/recording/client-gone", test_client_gone);
  ADD ("/x11/recording/resize", test_resize);
  ADD ("/x11/recording/display-lost", test_display_lost);
  ADD ("/x11/recording/sigterm", test_sigterm);
#undef ADD
  g_test_add_func ("/x11/recording/limits", test_limits);
  g_test_add_func ("/x11/recording/max-size", test_max_size);
  g_test_add_func ("/x11/recording/plugin-missing", test_plugin_missing);
  g_test_add_func ("/x11/recording/as-user", test_as_user);

  return g_test_run ();
}
