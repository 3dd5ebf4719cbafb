/* test-x11-utils.h — a real Xvfb, a window manager and the test client
 * for the x11 suite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <X11/Xlib.h>
#include <libavutil/frame.h>

#include "test-utils.h"

G_BEGIN_DECLS

/* Polls @cond (which may talk to X) every 10 ms for up to 20 s. */
#define PORTHOLE_TEST_X11_WAIT(cond) PORTHOLE_TEST_X11_WAIT_FOR (cond, 20)

/* For what is slow to come on a loaded machine or under ASan (a GTK
 * application starting): a guard against a hang, not a timing check. */
#define PORTHOLE_TEST_X11_WAIT_FOR(cond, seconds)                       \
  G_STMT_START {                                                        \
    gint64 _deadline = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC; \
    while (!(cond))                                                     \
      {                                                                 \
        g_assert_cmpint (g_get_monotonic_time (), <, _deadline);        \
        g_usleep (10000);                                               \
      }                                                                 \
  } G_STMT_END

typedef struct
{
  GSubprocess *server;
  GSubprocess *wm;
  int number;
  char *name;
  int width;
  int height;
  /* The test's own connection, to check what the daemon did. */
  Display *xdisplay;
  /* Keeps the display number from other tests' servers (for the life
   * of this), and from any X server while this one is away. */
  int claim;
  int reservation;
} PortholeTestX11;

PortholeTestX11    *porthole_test_x11_new            (int                 width,
                                                      int                 height);
void                porthole_test_x11_free           (PortholeTestX11    *x11);
void                porthole_test_x11_kill_server    (PortholeTestX11    *x11);
void                porthole_test_x11_restart_server (PortholeTestX11    *x11);
void                porthole_test_x11_start_wm       (PortholeTestX11    *x11);
PortholeTestDaemon *porthole_test_x11_daemon_new     (PortholeTestX11    *x11);
gboolean            porthole_test_display_has_wm     (Display            *xdisplay);

typedef struct
{
  GSubprocess *process;
  int stdout_fd;
  GString *pending;
  GPtrArray *lines;
  guint next;
  Window window;
} PortholeTestClient;

PortholeTestClient *porthole_test_client_new         (PortholeTestX11    *x11,
                                                      const char         *title,
                                                      int                 x,
                                                      int                 y,
                                                      int                 width,
                                                      int                 height,
                                                      const char         *text);
void                porthole_test_client_free        (PortholeTestClient *client);
void                porthole_test_client_send        (PortholeTestClient *client,
                                                      const char         *command);
const char         *porthole_test_client_wait_line   (PortholeTestClient *client,
                                                      const char         *prefix);
void                porthole_test_client_skip        (PortholeTestClient *client);
char               *porthole_test_client_wait_chars  (PortholeTestClient *client,
                                                      glong               n_chars);

/* A decoded PNG or JPEG: RGB24, @width * 3 bytes per row. */
guint8             *porthole_test_decode_image       (GBytes             *bytes,
                                                      const char         *format,
                                                      int                *width,
                                                      int                *height);
/* The pattern the test client paints (porthole-x11-test-client.c), in
 * window coordinates: the middle of each square, and the background. */
typedef struct
{
  int x;
  int y;
  guint32 rgb;
} PortholeTestPatternPoint;

#define PORTHOLE_TEST_PATTERN_POINTS 6
extern const PortholeTestPatternPoint porthole_test_pattern[PORTHOLE_TEST_PATTERN_POINTS];

guint               porthole_test_assert_pattern     (const guint8       *rgb,
                                                      int                 width,
                                                      int                 height,
                                                      int                 origin_x,
                                                      int                 origin_y,
                                                      int                 tolerance);
guint8             *porthole_test_frame_to_rgb       (const AVFrame      *frame);
void                porthole_test_assert_pixel       (const guint8       *rgb,
                                                      int                 width,
                                                      int                 x,
                                                      int                 y,
                                                      guint32             expected,
                                                      int                 tolerance);

/* Desktop calls that must succeed: asserts 200 and returns the JSON. */
JsonObject         *porthole_test_desktop_call       (PortholeTestDaemon *daemon,
                                                      const char         *method,
                                                      const char         *path,
                                                      const char         *body);
PortholeTestResponse *porthole_test_request_accept   (PortholeTestDaemon *daemon,
                                                      const char         *method,
                                                      const char         *path,
                                                      const char         *body,
                                                      const char         *accept);

guint               porthole_test_desktop_status     (PortholeTestDaemon *daemon,
                                                      const char         *method,
                                                      const char         *path);
void                porthole_test_expect_error       (PortholeTestDaemon *daemon,
                                                      const char         *method,
                                                      const char         *path,
                                                      const char         *body,
                                                      guint               status,
                                                      const char         *code);

/* A window of noise over the whole screen, repainted on each call:
 * frames (and VNC updates) that do not compress. */
typedef struct
{
  Display *xdisplay;
  Window window;
  XImage *image;
  GC gc;
} PortholeTestNoise;

void                porthole_test_noise_init         (PortholeTestNoise  *noise,
                                                      PortholeTestX11    *x11);
void                porthole_test_noise_paint        (PortholeTestNoise  *noise);
void                porthole_test_noise_clear        (PortholeTestNoise  *noise);

/* The usual x11 test: a server, portholed on it, one client window. */
typedef struct
{
  PortholeTestX11 *x11;
  PortholeTestDaemon *daemon;
  PortholeTestClient *client;
} PortholeTestDesktop;

/* What a PortholeTestDesktop is made of: g_test_add()'s test data. */
typedef struct
{
  int screen_width;
  int screen_height;
  const char *title;
  int x;
  int y;
  int width;
  int height;
  const char *text;
} PortholeTestDesktopSpec;

void                porthole_test_desktop_setup      (PortholeTestDesktop *desktop,
                                                      gconstpointer       spec);
void                porthole_test_desktop_teardown   (PortholeTestDesktop *desktop,
                                                      gconstpointer       spec);

/* A request answered later (a wait): sent from a thread of its own so
 * the test can act meanwhile. */
typedef struct _PortholeTestPending PortholeTestPending;

PortholeTestPending *porthole_test_pending_new       (PortholeTestDaemon *daemon,
                                                      const char         *method,
                                                      const char         *path,
                                                      const char         *body);
gboolean            porthole_test_pending_is_done    (PortholeTestPending *pending);
PortholeTestResponse *porthole_test_pending_join     (PortholeTestPending *pending,
                                                      gint64             *answered);
/* The desktop's helpers (/desktop/debug/processes), and the end of a
 * process (a zombie counts as gone). */
int                 porthole_test_find_helper        (JsonObject         *processes,
                                                      const char         *name);
int                 porthole_test_running_pid        (PortholeTestDaemon *daemon,
                                                      const char         *name);
gboolean            porthole_test_process_is_gone    (int                 pid);
guint               porthole_test_count_log_lines    (PortholeTestDaemon *daemon,
                                                      const char         *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestX11, porthole_test_x11_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestClient, porthole_test_client_free)

G_END_DECLS
