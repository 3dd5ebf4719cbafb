/* porthole-process.h — the one way portholed starts a child process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* API.md §1.8: each captured stream keeps at most this much. */
#define PORTHOLE_PROCESS_DEFAULT_CAPTURE (10 * 1024 * 1024)
/* After the main process exits, its pipes get this long to reach EOF. */
#define PORTHOLE_PROCESS_DRAIN_GRACE_MS 100
/* SIGTERM, then SIGKILL this much later (API.md §1.8). */
#define PORTHOLE_PROCESS_KILL_GRACE_MS 2000
/* Exit code of a run that hit its timeout. */
#define PORTHOLE_PROCESS_EXIT_TIMEOUT 124
/* What stderr gains when the kernel's OOM killer ended a run. */
#define PORTHOLE_PROCESS_OOM_NOTICE "Killed by the kernel's out-of-memory killer\n"

typedef enum
{
  PORTHOLE_PROCESS_STDOUT = 1,
  PORTHOLE_PROCESS_STDERR = 2,
} PortholeProcessStream;

typedef enum
{
  PORTHOLE_PROCESS_FLAGS_NONE         = 0,
  /* Keep stdout and stderr text (capped) for get_stdout()/get_stderr(). */
  PORTHOLE_PROCESS_FLAGS_CAPTURE      = 1 << 0,
  /* Keep only the last capture-limit bytes instead of the first. */
  PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL = 1 << 1,
  /* stdin, stdout and stderr on a new pseudo-terminal (controlling
   * terminal of the new session); output arrives as STDOUT. */
  PORTHOLE_PROCESS_FLAGS_PTY          = 1 << 2,
  /* Look argv[0] up in the PATH of the child's environment. */
  PORTHOLE_PROCESS_FLAGS_SEARCH_PATH  = 1 << 3,
  /* One of the daemon's own helpers (Xvfb, the updater): it keeps the
   * daemon's identity. Everything else runs as the target user
   * (`user=`, porthole-target-user.c) when there is one. */
  PORTHOLE_PROCESS_FLAGS_DAEMON       = 1 << 4,
} PortholeProcessFlags;

#define PORTHOLE_TYPE_PROCESS (porthole_process_get_type ())

G_DECLARE_FINAL_TYPE (PortholeProcess, porthole_process, PORTHOLE, PROCESS, GObject)

PortholeProcess *porthole_process_new               (const char *const    *argv,
                                                     const char *const    *envp,
                                                     const char           *cwd,
                                                     PortholeProcessFlags  flags);
void             porthole_process_set_timeout       (PortholeProcess      *self,
                                                     guint                 seconds);
void             porthole_process_set_capture_limit (PortholeProcess      *self,
                                                     gsize                 bytes);
void             porthole_process_set_pty_size      (PortholeProcess      *self,
                                                     guint                 columns,
                                                     guint                 rows);
void             porthole_process_take_fd           (PortholeProcess      *self,
                                                     int                   fd,
                                                     int                   child_fd);
gboolean         porthole_process_spawn             (PortholeProcess      *self,
                                                     GError              **error);
int              porthole_process_exit_code_for_spawn_error (const GError *error);

GPid             porthole_process_get_pid           (PortholeProcess      *self);
const char *const *porthole_process_get_argv        (PortholeProcess      *self);
gint64           porthole_process_get_start_time    (PortholeProcess      *self);
gint64           porthole_process_get_end_time      (PortholeProcess      *self);
double           porthole_process_get_duration      (PortholeProcess      *self);

void             porthole_process_kill              (PortholeProcess      *self);
void             porthole_process_send_signal       (PortholeProcess      *self,
                                                     int                   signum);
void             porthole_process_hangup            (PortholeProcess      *self);
void             porthole_process_set_output_paused (PortholeProcess      *self,
                                                     gboolean              paused);
gboolean         porthole_process_write             (PortholeProcess      *self,
                                                     const char           *data,
                                                     gsize                 length,
                                                     GError              **error);
gboolean         porthole_process_resize            (PortholeProcess      *self,
                                                     guint                 columns,
                                                     guint                 rows,
                                                     GError              **error);

gboolean         porthole_process_has_exited        (PortholeProcess      *self);
int              porthole_process_get_exit_code     (PortholeProcess      *self);
int              porthole_process_get_term_signal   (PortholeProcess      *self);
gboolean         porthole_process_get_timed_out     (PortholeProcess      *self);
gboolean         porthole_process_get_killed        (PortholeProcess      *self);
gboolean         porthole_process_get_oom_killed    (PortholeProcess      *self);
const char      *porthole_process_get_stdout        (PortholeProcess      *self);
const char      *porthole_process_get_stderr        (PortholeProcess      *self);
gboolean         porthole_process_get_truncated     (PortholeProcess      *self);

void             porthole_process_wait_async        (PortholeProcess      *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         porthole_process_wait_finish       (PortholeProcess      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void             porthole_process_kill_all          (gboolean              force);
guint            porthole_process_count_running     (void);

G_END_DECLS
