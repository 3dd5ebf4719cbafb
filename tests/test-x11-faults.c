/* test-x11-faults.c — the desktop's faults (issue 23): the X server
 * killed in the middle of a recording and of screenshots, waits and OCR,
 * stopped (SIGSTOP: it no longer answers) in the middle of the same, and
 * the disk filling up under a recording. Each gives the contract's
 * error, leaves no half-written file, no recording thread and no
 * descriptor behind, and the daemon (the same process) recovers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <X11/Xutil.h>

#include "test-fiu-utils.h"
#include "test-recording-utils.h"

#define SCREEN_W 800
#define SCREEN_H 600
#define WIN_X 100
#define WIN_Y 120
/* YUV 4:2:0 and lossy codecs: colours inside the squares stay close. */
#define CODEC_TOLERANCE 48
/* Large: each screenshot holds the X connection a while. */
#define BIG_W 1920
#define BIG_H 1080
#define SHOOTERS 3

static void
assert_pattern (const guint8 *rgb,
                int           width,
                int           height)
{
  g_assert_cmpuint (porthole_test_assert_pattern (rgb, width, height, WIN_X, WIN_Y, CODEC_TOLERANCE), ==,
                    PORTHOLE_TEST_PATTERN_POINTS);
}

static gint64
get_frames (PortholeTestDaemon *daemon,
            const char         *id)
{
  g_autoptr(JsonObject) status = porthole_test_recording_status (daemon, id);

  return json_object_get_int_member (status, "frames");
}

/* Starts a recording and returns once it has written @frames frames. */
static char *
start_recording (PortholeTestDaemon *daemon,
                 const char         *body,
                 gint64              frames)
{
  g_autoptr(JsonObject) started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start", body);
  g_autofree char *id = g_strdup (json_object_get_string_member (started, "recording_id"));

  g_assert_cmpstr (json_object_get_string_member (started, "status"), ==, "recording");
  PORTHOLE_TEST_X11_WAIT_FOR (get_frames (daemon, id) >= frames, 60);

  return g_steal_pointer (&id);
}

static JsonObject *
stop_recording (PortholeTestDaemon *daemon,
                const char         *id)
{
  g_autofree char *body = g_strdup_printf ("{\"recording_id\": \"%s\"}", id);

  return porthole_test_desktop_call (daemon, "POST", "/desktop/recording/stop", body);
}

/* A working recording: stopped by request, its file complete. */
static void
assert_records (PortholeTestDaemon *daemon,
                int                 width,
                int                 height)
{
  g_autofree char *id = start_recording (daemon, "{\"fps\": 10}", 5);
  g_autoptr(JsonObject) stopped = stop_recording (daemon, id);
  g_auto(PortholeTestVideo) video = { 0 };

  g_assert_cmpstr (json_object_get_string_member (stopped, "status"), ==, "stopped");
  g_assert_cmpstr (json_object_get_string_member (stopped, "end_reason"), ==, "requested");
  porthole_test_read_video (json_object_get_string_member (stopped, "file_path"), &video);
  g_assert_cmpint (video.width, ==, width);
  g_assert_cmpuint (video.packets, ==, json_object_get_int_member (stopped, "frames"));
  assert_pattern (video.last, width, height);
}

static void
expect_unavailable (PortholeTestDaemon *daemon,
                    const char         *method,
                    const char         *path,
                    const char         *body)
{
  porthole_test_expect_error (daemon, method, path, body, 503, "DESKTOP_NOT_AVAILABLE");
}

/* Threads of the recordings (x264's start from the encoder's and
 * inherit its name). */
static guint
recording_threads (PortholeTestDaemon *daemon)
{
  return porthole_test_count_threads (porthole_test_daemon_get_pid (daemon), "rec-");
}

/* Inodes of the TCP sockets in @pid's network namespace. */
static void
add_tcp_inodes (GHashTable *inodes,
                const char *table)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (table, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  /* After the header: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ..." */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint n = 0;

      for (guint j = 0; fields[j] != NULL; j++)
        if (fields[j][0] != '\0' && n++ == 9)
          g_hash_table_add (inodes, g_strdup_printf ("socket:[%s]", fields[j]));
    }
}

/* Descriptors @pid holds, but for TCP sockets: HTTP connections come
 * and go with the client's keep-alive, whatever the daemon does. */
static guint
count_own_fds (GPid pid)
{
  g_autoptr(GHashTable) tcp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *tcp4 = g_strdup_printf ("/proc/%d/net/tcp", pid);
  g_autofree char *tcp6 = g_strdup_printf ("/proc/%d/net/tcp6", pid);
  g_autoptr(GPtrArray) targets = NULL;
  guint n = 0;

  add_tcp_inodes (tcp, tcp4);
  add_tcp_inodes (tcp, tcp6);
  targets = porthole_test_fd_targets (pid);
  for (guint i = 0; i < targets->len; i++)
    n += !g_hash_table_contains (tcp, g_ptr_array_index (targets, i));

  return n;
}

/* The X server is killed while a recording runs, three times: each
 * recording ends by itself ("failed", display_lost) with a playable file
 * of what was captured; status (by id and the latest) answers; once the
 * server is back a new recording starts; and each round leaves the
 * daemon with the descriptors it had after the first. */
static void
test_recording_server_killed (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *recordings = g_build_filename (dir, "videos", NULL);
  /* One ended recording kept: each round ends with the same files open. */
  g_autofree char *settings = g_strdup_printf ("recordings-dir=%s\nrecording-max-kept=1\n", recordings);
  PortholeTestDaemon *daemon = porthole_test_recording_daemon_new (x11, dir, settings);
  GPid pid = porthole_test_daemon_get_pid (daemon);
  guint fds = 0;

  /* The process guardian starts with the daemon's first child, which
   * could otherwise come in any round (/health's checks run children):
   * a run now, so that it is in every round's count. */
  {
    g_autoptr(PortholeTestResponse) run = porthole_test_request (daemon, "POST", "/commands/run", NULL,
                                                                 "{\"command\": \"true\"}");

    g_assert_cmpuint (run->status, ==, 200);
  }

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Faults", WIN_X, WIN_Y, 400, 300, NULL);
      g_autofree char *id = start_recording (daemon, "{\"fps\": 10}", 5);
      g_autoptr(JsonObject) failed = NULL;
      g_autoptr(JsonObject) latest = NULL;
      g_autoptr(PortholeTestResponse) download = NULL;
      g_autofree char *download_path = g_strdup_printf ("/desktop/recording/download?id=%s", id);
      g_auto(PortholeTestVideo) video = { 0 };

      g_clear_pointer (&client, porthole_test_client_free);
      porthole_test_x11_kill_server (x11);

      failed = porthole_test_wait_recording_status (daemon, id, "failed");
      g_assert_false (json_object_get_boolean_member (failed, "recording"));
      g_assert_cmpstr (json_object_get_string_member (failed, "end_reason"), ==, "display_lost");
      g_assert_nonnull (json_object_get_string_member (failed, "error"));
      porthole_test_assert_timestamp (failed, "end_time");
      latest = porthole_test_desktop_call (daemon, "GET", "/desktop/recording/status", NULL);
      g_assert_cmpstr (json_object_get_string_member (latest, "recording_id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (latest, "status"), ==, "failed");
      g_assert_cmpint (porthole_test_active_recordings (daemon), ==, 0);
      PORTHOLE_TEST_X11_WAIT (recording_threads (daemon) == 0);

      /* What was captured, finished into a file that plays. */
      download = porthole_test_request (daemon, "GET", download_path, NULL, NULL);
      g_assert_cmpuint (download->status, ==, 200);
      g_assert_cmpint (g_bytes_get_size (download->body), ==, json_object_get_int_member (failed, "file_size"));
      porthole_test_read_video (json_object_get_string_member (failed, "file_path"), &video);
      g_assert_cmpuint (video.packets, >=, 5);
      g_assert_cmpuint (video.packets, ==, json_object_get_int_member (failed, "frames"));
      assert_pattern (video.first, SCREEN_W, SCREEN_H);
      /* Stopping it now is harmless: its file stays. */
      {
        g_autoptr(JsonObject) again = stop_recording (daemon, id);

        g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "failed");
      }

      /* No server: the contract's error, and nothing started. */
      expect_unavailable (daemon, "POST", "/desktop/recording/start", "{}");
      expect_unavailable (daemon, "GET", "/desktop/screenshot", NULL);
      g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/health"), ==, 200);

      porthole_test_x11_restart_server (x11);
      PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/vnc/status") == 200);
      g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);

      /* The first round starts what the daemon starts once (the
       * recordings directory): compared from the second.
       * A leak adds up round after round; a descriptor closing as the
       * baseline was taken only makes it higher. */
      if (round == 1)
        fds = count_own_fds (pid);
      else if (round > 1)
        PORTHOLE_TEST_X11_WAIT (count_own_fds (pid) <= fds);
      g_test_message ("round %u: %u descriptors, %" G_GINT64_FORMAT " frames kept", round,
                      count_own_fds (pid), json_object_get_int_member (failed, "frames"));
    }

  /* The server is back: recording works as before. */
  {
    g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Faults", WIN_X, WIN_Y, 400, 300, NULL);

    assert_records (daemon, SCREEN_W, SCREEN_H);
    PORTHOLE_TEST_X11_WAIT (recording_threads (daemon) == 0);
  }

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (dir);
}

/* Clients that ask again and again while the server is killed. */
typedef struct _Shooter Shooter;

struct _Shooter
{
  PortholeTestDaemon *daemon;
  const char *method;
  const char *path;
  const char *body;
  /* The screen's size, for check_screenshot. */
  int width;
  int height;
  /* Checks a 200 answer, or NULL. */
  void (*check) (Shooter *shooter, PortholeTestResponse *response);
  /* The 200 answers, checked once the thread is done: it asks again at
   * once, so a request of its is in flight whenever the server dies. */
  GPtrArray *answers;
  GThread *thread;
  gint stop;
  gint ok;                      /* 200 answers */
  gint unavailable;             /* 503 answers */
  gint killed;                  /* set by the test: the server is gone */
  gint in_flight;               /* answers to requests sent before it */
  gint in_flight_ok;            /* of which whole images */
};

static void
check_screenshot (Shooter              *shooter,
                  PortholeTestResponse *response)
{
  g_autofree guint8 *rgb = NULL;
  int width, height;

  rgb = porthole_test_decode_image (response->body, "png", &width, &height);
  g_assert_cmpint (width, ==, shooter->width);
  g_assert_cmpint (height, ==, shooter->height);
  assert_pattern (rgb, width, height);
}

static void
check_ocr (Shooter              *shooter,
           PortholeTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (json_object_get_boolean_member (response->json, "success"));
}

static gpointer
shooter_thread (gpointer data)
{
  Shooter *shooter = data;

  while (!g_atomic_int_get (&shooter->stop))
    {
      gboolean before_kill = !g_atomic_int_get (&shooter->killed);
      PortholeTestPending *pending = porthole_test_pending_new (shooter->daemon, shooter->method, shooter->path,
                                                                shooter->body);
      g_autoptr(PortholeTestResponse) response = porthole_test_pending_join (pending, NULL);

      if (before_kill && g_atomic_int_get (&shooter->killed))
        {
          g_atomic_int_inc (&shooter->in_flight);
          if (response->status == 200)
            g_atomic_int_inc (&shooter->in_flight_ok);
        }
      if (response->status == 200)
        {
          g_ptr_array_add (shooter->answers, g_steal_pointer (&response));
          g_atomic_int_inc (&shooter->ok);
        }
      else
        {
          porthole_test_assert_error_body (response, 503, "DESKTOP_NOT_AVAILABLE");
          g_atomic_int_inc (&shooter->unavailable);
          /* As a client would: the desktop is away, ask again a little
           * later (back to back 503s would keep the daemon's main loop
           * from ever running its idle sources). */
          g_usleep (20 * 1000);
        }
    }

  return NULL;
}

static void
shooter_start (Shooter            *shooter,
               PortholeTestDaemon *daemon,
               const char         *method,
               const char         *path,
               const char         *body,
               void              (*check) (Shooter *shooter, PortholeTestResponse *response))
{
  *shooter = (Shooter) { daemon, method, path, body, BIG_W, BIG_H, check };
  shooter->answers = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_test_response_free);
  shooter->thread = g_thread_new ("shooter", shooter_thread, shooter);
}

/* Stops @shooter and checks its 200 answers. */
static void
shooter_join (Shooter *shooter)
{
  g_atomic_int_set (&shooter->stop, 1);
  g_thread_join (shooter->thread);
  for (guint j = 0; j < shooter->answers->len && shooter->check != NULL; j++)
    shooter->check (shooter, g_ptr_array_index (shooter->answers, j));
  g_ptr_array_unref (shooter->answers);
}

/* The X server is killed while screenshots of a large screen (and OCR
 * on one) are asked for back to back from several connections, and
 * while waits are pending: every answer is a whole image or 503
 * DESKTOP_NOT_AVAILABLE, the waits end with 503, nothing hangs, and
 * the same daemon serves the restarted server with the descriptors it
 * had. */
static void
test_screenshot_server_killed (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (BIG_W, BIG_H);
  g_autoptr(PortholeTestDaemon) daemon = porthole_test_x11_daemon_new (x11);
  g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Shots", WIN_X, WIN_Y, 400, 300, NULL);
  GPid pid = porthole_test_daemon_get_pid (daemon);
  const char *ocr_body = "{\"x\": 100, \"y\": 120, \"width\": 400, \"height\": 300}";
  g_autoptr(PortholeTestResponse) ocr_probe = porthole_test_request (daemon, "POST", "/desktop/x11/ocr", NULL, ocr_body);
  gboolean with_ocr = ocr_probe->status == 200;
  Shooter shooters[SHOOTERS + 1];
  guint n_shooters = with_ocr ? SHOOTERS + 1 : SHOOTERS;
  PortholeTestPending *waits[2];
  guint n_waits = 0;
  guint waits_before = porthole_test_count_log_lines (daemon, "POST /desktop/wait");
  guint in_flight = 0, in_flight_ok = 0, ok = 0, unavailable = 0;
  guint fds;

  /* What the daemon holds once it has answered a screenshot and OCR
   * and run a child (its process guardian starts with the first). */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/desktop/screenshot", NULL, NULL);
    g_autoptr(PortholeTestResponse) run = porthole_test_request (daemon, "POST", "/commands/run", NULL,
                                                                 "{\"command\": \"true\"}");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (run->status, ==, 200);
    fds = count_own_fds (pid);
  }

  for (guint i = 0; i < SHOOTERS; i++)
    shooter_start (&shooters[i], daemon, "GET", "/desktop/screenshot", NULL, check_screenshot);
  if (with_ocr)
    shooter_start (&shooters[SHOOTERS], daemon, "POST", "/desktop/x11/ocr", ocr_body, check_ocr);
  else
    g_test_message ("no OCR here: screenshots and waits only");

  /* Waits that hold on to the display: a window that never comes, and
   * (with OCR) a text never shown. */
  waits[n_waits++] = porthole_test_pending_new (daemon, "POST", "/desktop/wait",
                                                "{\"condition\": \"window\", \"title\": \"Never shown\", "
                                                "\"timeout_ms\": 120000}");
  if (with_ocr)
    waits[n_waits++] = porthole_test_pending_new (daemon, "POST", "/desktop/wait",
                                                  "{\"condition\": \"text\", \"text\": \"never shown anywhere\", "
                                                  "\"timeout_ms\": 120000}");
  PORTHOLE_TEST_X11_WAIT (porthole_test_count_log_lines (daemon, "POST /desktop/wait") >= waits_before + n_waits);
  for (guint i = 0; i < n_waits; i++)
    g_assert_false (porthole_test_pending_is_done (waits[i]));

  for (guint i = 0; i < n_shooters; i++)
    PORTHOLE_TEST_X11_WAIT_FOR (g_atomic_int_get (&shooters[i].ok) >= 2, 60);

  /* The window stays up to the end: every image shows it. */
  for (guint i = 0; i < n_shooters; i++)
    g_atomic_int_set (&shooters[i].killed, 1);
  porthole_test_x11_kill_server (x11);
  g_clear_pointer (&client, porthole_test_client_free);

  /* Each client hears of it, none hangs. */
  for (guint i = 0; i < n_shooters; i++)
    PORTHOLE_TEST_X11_WAIT_FOR (g_atomic_int_get (&shooters[i].unavailable) >= 2, 60);
  for (guint i = 0; i < n_waits; i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_pending_join (waits[i], NULL);

      porthole_test_assert_error_body (r, 503, "DESKTOP_NOT_AVAILABLE");
    }
  for (guint i = 0; i < n_shooters; i++)
    {
      shooter_join (&shooters[i]);
      in_flight += shooters[i].in_flight;
      in_flight_ok += shooters[i].in_flight_ok;
      ok += shooters[i].ok;
      unavailable += shooters[i].unavailable;
    }
  g_test_message ("%u answers 200, %u answers 503; %u requests in flight at the kill, %u of them answered 200",
                  ok, unavailable, in_flight, in_flight_ok);
  g_assert_cmpuint (in_flight, >=, 1);

  /* The same process, still serving, and the desktop again once the
   * server is back. */
  g_assert_true (porthole_test_pid_is_running (pid));
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/health"), ==, 200);
  porthole_test_x11_restart_server (x11);
  PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/vnc/status") == 200);
  client = porthole_test_client_new (x11, "Shots", WIN_X, WIN_Y, 400, 300, NULL);
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/desktop/screenshot", NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    check_screenshot (&shooters[0], r);
  }
  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
  /* Nothing of the dead connection or the refused requests stays open. */
  PORTHOLE_TEST_X11_WAIT (count_own_fds (pid) <= fds);
  g_test_message ("%u descriptors before, %u after", fds, count_own_fds (pid));
}

/* How long the server stays stopped, and the most any request may take
 * meanwhile: a guard against a frozen daemon, not a timing check (the
 * daemon gives up on the server after display-timeout, 5 s). */
#define STOP_SECONDS 22
#define ANSWER_BOUND_SECONDS 20

/* Sends @method @path, fails the test if no answer comes within
 * ANSWER_BOUND_SECONDS, and keeps the longest wait in @longest. */
static void
assert_answers (PortholeTestDaemon *daemon,
                const char         *method,
                const char         *path,
                const char         *body,
                gint64             *longest)
{
  gint64 sent = g_get_monotonic_time ();
  PortholeTestPending *pending = porthole_test_pending_new (daemon, method, path, body);
  g_autoptr(PortholeTestResponse) response = NULL;
  gint64 answered;

  while (!porthole_test_pending_is_done (pending))
    {
      if (g_get_monotonic_time () - sent > ANSWER_BOUND_SECONDS * G_USEC_PER_SEC)
        g_error ("%s %s: no answer in %d s: the daemon is frozen", method, path, ANSWER_BOUND_SECONDS);
      g_usleep (10000);
    }
  response = porthole_test_pending_join (pending, &answered);
  g_assert_cmpuint (response->status, ==, 200);
  *longest = MAX (*longest, answered - sent);
}

/* The X server stops answering (SIGSTOP, as a wedged server would) while
 * screenshots, window lists and pointer moves are asked for back to back
 * and a recording runs, and stays stopped for longer than the bound:
 * /health and /env keep answering within it all along; every desktop
 * request answers, 200 or 503 DESKTOP_NOT_AVAILABLE; the recording ends
 * "failed" (display_lost) with its file; and after SIGCONT the same
 * daemon serves the desktop again. */
static void
test_server_stopped (void)
{
  g_autoptr(PortholeTestX11) x11 = porthole_test_x11_new (SCREEN_W, SCREEN_H);
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *recordings = g_build_filename (dir, "videos", NULL);
  g_autofree char *settings = g_strdup_printf ("recordings-dir=%s\n", recordings);
  PortholeTestDaemon *daemon = porthole_test_recording_daemon_new (x11, dir, settings);
  g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Stopped", WIN_X, WIN_Y, 400, 300, NULL);
  GPid pid = porthole_test_daemon_get_pid (daemon);
  GPid server = atoi (g_subprocess_get_identifier (x11->server));
  g_autofree char *id = NULL;
  Shooter shooters[4];
  gint64 stopped, resumed, back, longest = 0;
  guint in_flight = 0, unavailable = 0;

  g_assert_cmpuint (porthole_test_count_log_lines (daemon, "did not answer"), ==, 0);
  shooter_start (&shooters[0], daemon, "GET", "/desktop/screenshot", NULL, check_screenshot);
  shooter_start (&shooters[1], daemon, "GET", "/desktop/screenshot", NULL, check_screenshot);
  shooter_start (&shooters[2], daemon, "GET", "/desktop/windows", NULL, NULL);
  shooter_start (&shooters[3], daemon, "POST", "/desktop/mouse/move", "{\"x\": 300, \"y\": 200}", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (shooters); i++)
    {
      shooters[i].width = SCREEN_W;
      shooters[i].height = SCREEN_H;
    }
  id = start_recording (daemon, "{\"fps\": 10}", 5);
  for (guint i = 0; i < G_N_ELEMENTS (shooters); i++)
    PORTHOLE_TEST_X11_WAIT_FOR (g_atomic_int_get (&shooters[i].ok) >= 2, 60);

  for (guint i = 0; i < G_N_ELEMENTS (shooters); i++)
    g_atomic_int_set (&shooters[i].killed, 1);
  g_assert_no_errno (kill (server, SIGSTOP));
  stopped = g_get_monotonic_time ();

  /* The rest of the daemon serves all along, and so does the desktop:
   * with 503 once the daemon gave up on the server. */
  while (g_get_monotonic_time () - stopped < STOP_SECONDS * G_USEC_PER_SEC)
    {
      assert_answers (daemon, "GET", "/health", NULL, &longest);
      assert_answers (daemon, "GET", "/env", NULL, &longest);
      g_usleep (100 * 1000);
    }
  for (guint i = 0; i < G_N_ELEMENTS (shooters); i++)
    {
      g_test_message ("%s %s: %d answers 200, %d answers 503", shooters[i].method, shooters[i].path,
                      g_atomic_int_get (&shooters[i].ok), g_atomic_int_get (&shooters[i].unavailable));
      g_assert_cmpint (g_atomic_int_get (&shooters[i].unavailable), >=, 2);
    }
  {
    g_autoptr(JsonObject) failed = porthole_test_wait_recording_status (daemon, id, "failed");

    g_assert_cmpstr (json_object_get_string_member (failed, "end_reason"), ==, "display_lost");
    g_assert_cmpint (json_object_get_int_member (failed, "frames"), >=, 5);
    g_assert_true (g_file_test (json_object_get_string_member (failed, "file_path"), G_FILE_TEST_IS_REGULAR));
  }
  PORTHOLE_TEST_X11_WAIT (recording_threads (daemon) == 0);

  /* The server answers again: the same daemon reconnects by itself. */
  g_assert_no_errno (kill (server, SIGCONT));
  resumed = g_get_monotonic_time ();
  PORTHOLE_TEST_X11_WAIT (porthole_test_desktop_status (daemon, "GET", "/desktop/screenshot") == 200);
  back = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (shooters); i++)
    {
      shooter_join (&shooters[i]);
      in_flight += shooters[i].in_flight;
      unavailable += shooters[i].unavailable;
    }
  g_assert_cmpuint (in_flight, >=, 1);
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon, "GET", "/desktop/screenshot", NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    check_screenshot (&shooters[0], r);
  }
  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);
  /* It was the deadline that ended the connections. */
  g_assert_cmpuint (porthole_test_count_log_lines (daemon, "did not answer"), >=, 1);
  assert_records (daemon, SCREEN_W, SCREEN_H);
  g_test_message ("stopped %d s: /health and /env took at most %.1f s; %u desktop requests in flight at the stop, "
                  "%u answers 503; the desktop was back %.1f s after SIGCONT",
                  STOP_SECONDS, longest / (double) G_USEC_PER_SEC, in_flight, unavailable,
                  (back - resumed) / (double) G_USEC_PER_SEC);

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (dir);
}

/* Starts a recording of noise, and returns once it has frames. */
static char *
start_noise_recording (PortholeTestDaemon *daemon,
                       PortholeTestNoise  *noise)
{
  g_autoptr(JsonObject) started = NULL;
  g_autofree char *id = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  porthole_test_noise_paint (noise);
  started = porthole_test_desktop_call (daemon, "POST", "/desktop/recording/start",
                                        "{\"fps\": 30, \"quality\": \"high\", \"max_duration\": 600}");
  id = g_strdup (json_object_get_string_member (started, "recording_id"));
  while (get_frames (daemon, id) < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      porthole_test_noise_paint (noise);
    }

  return g_steal_pointer (&id);
}

/* A recording whose file could not be written ended: its stop (whether
 * the stop ended it or it had ended already) and download answer as a
 * file write does then (@status FILE_OPERATION_FAILED: 507 for a full
 * disk, which clients do not retry, 500 for a failed write), its status
 * says why (@reason, @text in its error), and its partial file is gone. */
static void
assert_file_lost (PortholeTestDaemon *daemon,
                  const char         *id,
                  guint               status,
                  const char         *reason,
                  const char         *text)
{
  g_autofree char *stop_body = g_strdup_printf ("{\"recording_id\": \"%s\"}", id);
  g_autofree char *download_path = g_strdup_printf ("/desktop/recording/download?id=%s", id);
  g_autoptr(PortholeTestResponse) stop = porthole_test_request (daemon, "POST", "/desktop/recording/stop", NULL,
                                                                stop_body);
  g_autoptr(PortholeTestResponse) download = NULL;
  g_autoptr(JsonObject) ended = NULL;

  porthole_test_assert_error_body (stop, status, "FILE_OPERATION_FAILED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (stop->json, "details"),
                                                  "recording_id"), ==, id);

  ended = porthole_test_recording_status (daemon, id);
  g_test_message ("%s: %s after %" G_GINT64_FORMAT " frames: %s", id,
                  json_object_get_string_member (ended, "end_reason"), json_object_get_int_member (ended, "frames"),
                  json_object_get_string_member (ended, "error"));
  g_assert_cmpstr (json_object_get_string_member (ended, "status"), ==, "failed");
  g_assert_false (json_object_get_boolean_member (ended, "recording"));
  g_assert_cmpstr (json_object_get_string_member (ended, "end_reason"), ==, reason);
  g_assert_nonnull (strstr (json_object_get_string_member (ended, "error"), text));

  download = porthole_test_request (daemon, "GET", download_path, NULL, NULL);
  porthole_test_assert_error_body (download, status, "FILE_OPERATION_FAILED");
  g_assert_false (g_file_test (json_object_get_string_member (ended, "file_path"), G_FILE_TEST_EXISTS));
  g_assert_cmpint (porthole_test_active_recordings (daemon), ==, 0);
  PORTHOLE_TEST_X11_WAIT (recording_threads (daemon) == 0);
}

static void
assert_no_space (PortholeTestDaemon *daemon,
                 const char         *id)
{
  assert_file_lost (daemon, id, 507, "no_space", "No space");
}

/* Paints noise until the recording @id has ended by itself. */
static void
wait_recording_ended (PortholeTestDaemon *daemon,
                      const char         *id,
                      PortholeTestNoise  *noise)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonObject) status = porthole_test_recording_status (daemon, id);

      if (!json_object_get_boolean_member (status, "recording"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      porthole_test_noise_paint (noise);
    }
}

/* Writes at the end of @path until no space is left. */
static void
fill_up (const char *path)
{
  g_autofree char *block = g_malloc0 (64 * 1024);
  int fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      ssize_t n = write (fd, block, 64 * 1024);

      if (n < 0)
        {
          g_assert_cmpint (errno, ==, ENOSPC);
          break;
        }
    }
  close (fd);
}

/* The recordings directory on a 4 MiB tmpfs: a recording of noise fills
 * it and ends (no_space) with its partial file removed, which gives the
 * space back; one stopped when the disk has just filled up ends the same;
 * on a disk already full, start answers 507; the daemon keeps serving,
 * and once there is space a recording works. */
static void
test_disk_full (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *mount_point = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(PortholeTestX11) x11 = NULL;
  PortholeTestDaemon *daemon;
  PortholeTestNoise noise;

  if (geteuid () != 0)
    {
      g_test_skip ("mounting a small tmpfs needs root");
      return;
    }
  dir = porthole_test_make_tmpdir ();
  mount_point = g_build_filename (dir, "videos", NULL);
  g_assert_no_errno (g_mkdir_with_parents (mount_point, 0700));
  if (mount ("tmpfs", mount_point, "tmpfs", 0, "size=4m,mode=0700") != 0)
    {
      g_test_skip_printf ("cannot mount a tmpfs here: %s", g_strerror (errno));
      porthole_test_rm_rf (dir);
      return;
    }

  x11 = porthole_test_x11_new (640, 480);
  settings = g_strdup_printf ("recordings-dir=%s\n", mount_point);
  daemon = porthole_test_recording_daemon_new (x11, dir, settings);
  porthole_test_noise_init (&noise, x11);

  /* The recording fills the disk itself, and ends. */
  {
    g_autofree char *id = start_noise_recording (daemon, &noise);

    wait_recording_ended (daemon, id, &noise);
    assert_no_space (daemon, id);
    g_assert_cmpuint (porthole_test_count_entries (mount_point), ==, 0);
  }

  /* The disk fills up under a recording, which is stopped at once: the
   * rest of its file does not fit. */
  filler = g_build_filename (mount_point, "filler", NULL);
  {
    g_autofree char *id = start_noise_recording (daemon, &noise);

    fill_up (filler);
    assert_no_space (daemon, id);
    g_assert_cmpuint (porthole_test_count_entries (mount_point), ==, 1);
  }

  /* A disk full before the start (the removed file had given space
   * back): the file's header cannot be written, and the start says so,
   * leaving nothing. */
  fill_up (filler);
  porthole_test_expect_error (daemon, "POST", "/desktop/recording/start", "{}", 507, "FILE_OPERATION_FAILED");
  g_assert_cmpuint (porthole_test_count_entries (mount_point), ==, 1);
  g_assert_cmpuint (recording_threads (daemon), ==, 0);

  /* The daemon kept serving all along; with space again, it records. */
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/desktop/screenshot"), ==, 200);
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/health"), ==, 200);
  g_assert_no_errno (g_unlink (filler));
  porthole_test_noise_clear (&noise);
  {
    g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Space", WIN_X, WIN_Y, 400, 300, NULL);

    assert_records (daemon, 640, 480);
  }
  g_assert_cmpuint (porthole_test_count_entries (mount_point), ==, 1);

  porthole_test_daemon_free (daemon);
  g_assert_no_errno (umount (mount_point));
  porthole_test_rm_rf (dir);
}

/* G15 "EIO at write", injected with libfiu (test-fiu-utils.c): the
 * recording's own writes (pwrite(), write_packet()) fail, then the
 * fsync() of its stop. Each ends it as failed (io_error) without a
 * partial file, its stop and download answer 500 FILE_OPERATION_FAILED,
 * and the same daemon records once writes work again. */
static void
test_recording_io_error (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *videos = g_build_filename (dir, "videos", NULL);
  g_autofree char *settings = g_strdup_printf ("recordings-dir=%s\n", videos);
  g_autoptr(PortholeTestX11) x11 = NULL;
  PortholeTestDaemon *daemon;
  PortholeTestNoise noise;
  GPid pid;

  g_assert_no_errno (g_mkdir_with_parents (videos, 0700));
  /* Xvfb first: only the daemon runs under libfiu. */
  x11 = porthole_test_x11_new (640, 480);
  if (!porthole_test_fiu_begin (dir))
    {
      porthole_test_rm_rf (dir);
      return;
    }
  daemon = porthole_test_recording_daemon_new (x11, dir, settings);
  porthole_test_fiu_end ();
  pid = porthole_test_daemon_get_pid (daemon);
  porthole_test_noise_init (&noise, x11);

  {
    g_autofree char *id = start_noise_recording (daemon, &noise);

    porthole_test_fiu_ctrl (daemon, "enable name=posix/io/rw/pwrite,failinfo=%d", EIO);
    wait_recording_ended (daemon, id, &noise);
    assert_file_lost (daemon, id, 500, "io_error", g_strerror (EIO));
    porthole_test_fiu_ctrl (daemon, "disable name=posix/io/rw/pwrite");
    g_assert_cmpuint (porthole_test_count_entries (videos), ==, 0);
  }

  /* The stop's fsync(), before the file takes its name. */
  {
    g_autofree char *id = start_noise_recording (daemon, &noise);

    porthole_test_fiu_ctrl (daemon, "enable name=posix/io/sync/fsync,failinfo=%d", EIO);
    assert_file_lost (daemon, id, 500, "io_error", g_strerror (EIO));
    porthole_test_fiu_ctrl (daemon, "disable name=posix/io/sync/fsync");
    g_assert_cmpuint (porthole_test_count_entries (videos), ==, 0);
  }

  porthole_test_noise_clear (&noise);
  g_assert_cmpuint (porthole_test_desktop_status (daemon, "GET", "/health"), ==, 200);
  {
    g_autoptr(PortholeTestClient) client = porthole_test_client_new (x11, "Healed", WIN_X, WIN_Y, 400, 300, NULL);

    assert_records (daemon, 640, 480);
  }
  g_assert_cmpuint (porthole_test_count_entries (videos), ==, 1);
  g_assert_cmpint (porthole_test_daemon_get_pid (daemon), ==, pid);

  porthole_test_daemon_free (daemon);
  porthole_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/x11/faults/recording-server-killed", test_recording_server_killed);
  g_test_add_func ("/x11/faults/screenshot-server-killed", test_screenshot_server_killed);
  g_test_add_func ("/x11/faults/server-stopped", test_server_stopped);
  g_test_add_func ("/x11/faults/disk-full", test_disk_full);
  g_test_add_func ("/x11/faults/recording-io-error", test_recording_io_error);

  return g_test_run ();
}
