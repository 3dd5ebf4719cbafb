/* porthole-kernel.c
 *
 * An ipykernel process started through PortholeProcess, spoken to over
 * ZeroMQ (PLATFORM.md §7) through three PortholeJupyterChannels: shell,
 * control and iopub. No heartbeat: the child watch says when the kernel
 * dies. The kernel starts with the first cell submitted to it, and again
 * after it died (state is lost then; the cell that killed it says so).
 *
 * Cells run one at a time, in order. A cell whose request asks for
 * another working directory or environment than the last one is preceded
 * by a silent cell that applies them (both are sent at once); otherwise
 * the kernel keeps its state, as a notebook does, including a directory
 * the code itself changed to. A cell is over when its execute_reply has
 * arrived on shell and its "idle" status on iopub.
 *
 * IPython's history database is off: writing it cost every cell a
 * SQLite commit, and nothing reads it.
 *
 * Timeout: interrupt_request on control; a kernel that does not answer
 * within a grace period is killed (and restarted for the next cell).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "porthole-daemon.h"
#include "porthole-defer.h"
#include "porthole-env-store.h"
#include "porthole-exec-result.h"
#include "porthole-json.h"
#include "porthole-jupyter-channel.h"
#include "porthole-kernel.h"
#include "porthole-target-user.h"
#include "porthole-language.h"
#include "porthole-process.h"

/* A kernel answers its first request after about 1.4 s (PLATFORM.md §7). */
#define START_TIMEOUT_SECONDS 60
#define KERNEL_INFO_INTERVAL_MS 200
/* After interrupt_request, the kernel gets this long to give the cell up. */
#define INTERRUPT_GRACE_MS 5000
/* An interrupt is asked again this often until the kernel answers. */
#define INTERRUPT_REPEAT_MS 500
/* After execute_reply, iopub gets this long to say "idle". Its messages
 * come from another thread of the kernel and can trail the reply by
 * seconds on a busy machine; waiting is normal, the limit is for a lost
 * message. */
#define IDLE_GRACE_MS 10000
/* After iopub's "idle", the shell gets this long to bring execute_reply.
 * ipykernel sends none when an interrupt lands in its own handler rather
 * than in the cell's code ("KeyboardInterrupt caught in kernel"), or when
 * its handler fails; it still says idle. */
#define REPLY_GRACE_MS 5000
/* Kernel output kept for diagnosing a failed start. */
#define KERNEL_LOG_TAIL (16 * 1024)

typedef enum
{
  KERNEL_STOPPED,
  KERNEL_STARTING,
  KERNEL_READY,
  /* Killed, not yet reaped: nothing more is sent to it. */
  KERNEL_STOPPING,
} KernelState;

struct _PortholeKernel
{
  GObject parent_instance;

  PortholeDaemon *daemon;
  void *context;
  char *id;
  char *name;
  char *directory;
  char *connection_file;
  char *key;
  char *session;

  KernelState state;
  char *execution_state;
  PortholeProcess *process;
  PortholeJupyterChannel *shell;
  PortholeJupyterChannel *control;
  PortholeJupyterChannel *iopub;
  gint64 started;
  gint64 last_activity;
  gint64 execution_count;

  /* Starting: kernel_info requests until both sockets answer. */
  GHashTable *info_requests;
  gboolean info_replied;
  gboolean iopub_seen;
  guint info_id;
  guint start_deadline_id;

  GQueue queue;
  PortholeKernelExecution *current;
  char *current_id;
  char *preamble_id;
  gboolean replied;
  gboolean idle;
  char *reply_status;
  char *error_name;
  char *error_value;
  gboolean timed_out;
  guint timeout_id;
  guint grace_id;
  guint interrupt_repeat_id;
  /* What the kernel process has applied last (see above). */
  char *last_preamble;

  gboolean shutting_down;
};

G_DEFINE_FINAL_TYPE (PortholeKernel, porthole_kernel, G_TYPE_OBJECT)

static void start (PortholeKernel *self);
static void run_next (PortholeKernel *self);

/* Channels */

static void
close_channels (PortholeKernel *self)
{
  PortholeJupyterChannel **channels[] = { &self->shell, &self->control, &self->iopub };

  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    if (*channels[i] != NULL)
      {
        g_signal_handlers_disconnect_by_data (*channels[i], self);
        porthole_jupyter_channel_close (*channels[i]);
        g_clear_object (channels[i]);
      }
}

static char *
send_message (PortholeKernel         *self,
              PortholeJupyterChannel *channel,
              const char             *msg_type,
              JsonObject             *content)
{
  if (channel == NULL)
    return NULL;

  self->last_activity = g_get_real_time ();
  return porthole_jupyter_channel_send (channel, msg_type, content);
}

/* Cells */

static void
clear_cell (PortholeKernel *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_handle_id (&self->interrupt_repeat_id, g_source_remove);
  g_clear_pointer (&self->current_id, g_free);
  g_clear_pointer (&self->preamble_id, g_free);
  g_clear_pointer (&self->reply_status, g_free);
  g_clear_pointer (&self->error_name, g_free);
  g_clear_pointer (&self->error_value, g_free);
  self->replied = FALSE;
  self->idle = FALSE;
  self->timed_out = FALSE;
}

/* `sys.exit(N)` in a cell ends it, not the kernel: report N. */
static int
exit_code_of_cell (PortholeKernel *self)
{
  gint64 code;

  if (g_strcmp0 (self->reply_status, "ok") == 0)
    return 0;
  if (g_strcmp0 (self->error_name, "SystemExit") == 0)
    {
      if (self->error_value == NULL || self->error_value[0] == '\0' || g_str_equal (self->error_value, "None"))
        return 0;
      if (porthole_string_get_int (self->error_value, &code))
        return (int) (code & 0xff);
    }
  return 1;
}

static void
finish_cell (PortholeKernel *self,
             int             exit_code,
             const char     *notice)
{
  g_autoptr(PortholeKernelExecution) execution = g_steal_pointer (&self->current);
  gboolean timed_out = self->timed_out;
  g_autofree char *timeout_notice = NULL;

  g_signal_handlers_disconnect_by_data (execution, self);
  if (timed_out)
    {
      timeout_notice = g_strdup_printf (PORTHOLE_EXEC_TIMEOUT_NOTICE,
                                        porthole_kernel_execution_get_timeout (execution));
      notice = timeout_notice;
      exit_code = PORTHOLE_PROCESS_EXIT_TIMEOUT;
    }
  clear_cell (self);
  porthole_daemon_activity_end (self->daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
  porthole_kernel_execution_finish (execution, exit_code, timed_out, notice);
}

static void
maybe_finish_cell (PortholeKernel *self)
{
  if (self->current == NULL || !self->replied || !self->idle)
    return;

  finish_cell (self, exit_code_of_cell (self), NULL);
  run_next (self);
}

static gboolean
idle_grace_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;

  self->grace_id = 0;
  self->idle = TRUE;
  maybe_finish_cell (self);
  return G_SOURCE_REMOVE;
}

static gboolean
reply_grace_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;

  self->grace_id = 0;
  g_message ("Kernel %s went idle without answering a cell", self->name);
  /* A cancelled or timed-out cell ends as such (finish_cell). */
  finish_cell (self, 1, "The kernel ended the cell without an answer\n");
  run_next (self);
  return G_SOURCE_REMOVE;
}

static void
kill_kernel (PortholeKernel *self)
{
  if (self->process == NULL)
    return;

  if (self->state != KERNEL_STARTING)
    self->state = KERNEL_STOPPING;
  porthole_process_kill (self->process);
}

static gboolean
interrupt_grace_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;

  self->grace_id = 0;
  g_message ("Kernel %s did not give up a cell; restarting it", self->name);
  /* The cell ends now; the kernel's death is not its story. */
  finish_cell (self, PORTHOLE_PROCESS_EXIT_TIMEOUT, NULL);
  kill_kernel (self);
  return G_SOURCE_REMOVE;
}

/* An interrupt that reaches the kernel before its handler for the cell
 * starts is lost (ipykernel ignores SIGINT between requests), as when a
 * stream is closed right after its request: ask again until the kernel
 * answers the cell, or the grace ends. One that lands in the handler
 * but outside the cell's code ends the request unanswered
 * (REPLY_GRACE_MS). */
static gboolean
interrupt_repeat_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;
  g_autofree char *id = NULL;

  if (self->current == NULL || self->replied)
    {
      self->interrupt_repeat_id = 0;
      return G_SOURCE_REMOVE;
    }

  id = send_message (self, self->control, "interrupt_request", NULL);
  return G_SOURCE_CONTINUE;
}

static void
interrupt (PortholeKernel *self)
{
  g_autofree char *id = send_message (self, self->control, "interrupt_request", NULL);

  if (self->grace_id == 0)
    self->grace_id = g_timeout_add (INTERRUPT_GRACE_MS, interrupt_grace_cb, self);
  if (self->interrupt_repeat_id == 0)
    self->interrupt_repeat_id = g_timeout_add (INTERRUPT_REPEAT_MS, interrupt_repeat_cb, self);
}

static gboolean
timeout_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;

  self->timeout_id = 0;
  self->timed_out = TRUE;
  interrupt (self);
  return G_SOURCE_REMOVE;
}

static gboolean
finish_cancelled_cb (gpointer user_data)
{
  porthole_kernel_execution_finish (user_data, PORTHOLE_KERNEL_EXIT_CANCELLED, FALSE, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_execution_cancel (PortholeKernelExecution *execution,
                     PortholeKernel          *self)
{
  if (execution == self->current)
    {
      interrupt (self);
      return;
    }

  /* Not started yet: it never will. */
  g_signal_handlers_disconnect_by_data (execution, self);
  if (g_queue_remove (&self->queue, execution))
    {
      porthole_daemon_activity_end (self->daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
      /* Finished from the loop, with the queue's reference: the cancel
       * may come from a GCancellable's handler (a client gone), and the
       * finished handlers' g_cancellable_disconnect() would wait there
       * for that very handler to return. A client that left while its
       * cell waited behind another hung the daemon. */
      porthole_defer_full (finish_cancelled_cb, execution, g_object_unref);
    }
}

static JsonObject *
execute_content (const char *code,
                 gboolean    silent)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "code", code);
  json_object_set_boolean_member (content, "silent", silent);
  json_object_set_boolean_member (content, "store_history", !silent);
  json_object_set_object_member (content, "user_expressions", json_object_new ());
  json_object_set_boolean_member (content, "allow_stdin", FALSE);
  /* Cells are sent one at a time: with stop_on_error, ipykernel would
   * also abort a cell that arrives shortly after a failed one. */
  json_object_set_boolean_member (content, "stop_on_error", FALSE);

  return content;
}

static void
run_next (PortholeKernel *self)
{
  PortholeKernelExecution *execution;
  const char *preamble;
  guint timeout;

  if (self->state != KERNEL_READY || self->current != NULL || self->shutting_down)
    return;
  if ((execution = g_queue_pop_head (&self->queue)) == NULL)
    return;

  clear_cell (self);
  self->current = execution;
  preamble = porthole_kernel_execution_get_preamble (execution);
  if (preamble != NULL && g_strcmp0 (preamble, self->last_preamble) != 0)
    {
      g_autoptr(JsonObject) content = execute_content (preamble, TRUE);

      self->preamble_id = send_message (self, self->shell, "execute_request", content);
      g_free (self->last_preamble);
      self->last_preamble = g_strdup (preamble);
    }

  {
    g_autoptr(JsonObject) content = execute_content (porthole_kernel_execution_get_code (execution), FALSE);

    self->current_id = send_message (self, self->shell, "execute_request", content);
  }

  if (self->current_id == NULL)
    {
      finish_cell (self, 1, "The kernel could not be reached\n");
      kill_kernel (self);
      return;
    }

  timeout = porthole_kernel_execution_get_timeout (execution);
  if (timeout > 0)
    self->timeout_id = g_timeout_add_seconds (MIN (timeout, G_MAXUINT / 2), timeout_cb, self);
}

/* Messages */

/* Tracebacks come with ANSI colours; stderr gets plain text. */
static void
append_without_ansi (GString    *out,
                     const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if (p[0] == '\033' && p[1] == '[')
        {
          p += 2;
          while (*p && !g_ascii_isalpha (*p))
            p++;
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (out, *p);
    }
}

static void
handle_error (PortholeKernel *self,
              JsonObject     *content)
{
  JsonNode *node = json_object_get_member (content, "traceback");
  g_autoptr(GString) text = g_string_new (NULL);

  g_free (self->error_name);
  g_free (self->error_value);
  self->error_name = g_strdup (porthole_json_object_get_string (content, "ename"));
  self->error_value = g_strdup (porthole_json_object_get_string (content, "evalue"));

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *lines = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (lines); i++)
        {
          JsonNode *line = json_array_get_element (lines, i);

          if (JSON_NODE_HOLDS_VALUE (line) && json_node_get_value_type (line) == G_TYPE_STRING)
            {
              append_without_ansi (text, json_node_get_string (line));
              g_string_append_c (text, '\n');
            }
        }
    }
  if (text->len == 0)
    g_string_printf (text, "%s: %s\n", self->error_name ? self->error_name : "Error",
                     self->error_value ? self->error_value : "");

  porthole_kernel_execution_add_output (self->current, PORTHOLE_PROCESS_STDERR, text->str);
}

static void
become_ready (PortholeKernel *self)
{
  g_clear_handle_id (&self->info_id, g_source_remove);
  g_clear_handle_id (&self->start_deadline_id, g_source_remove);
  g_hash_table_remove_all (self->info_requests);
  self->state = KERNEL_READY;
  g_debug ("Kernel %s (%s) is ready", self->name, self->id);
  run_next (self);
}

static void
on_iopub_message (PortholeJupyterChannel *channel,
                  PortholeJupyterMessage *message,
                  PortholeKernel         *self)
{
  const char *msg_type = porthole_jupyter_message_get_msg_type (message);
  const char *parent = porthole_jupyter_message_get_parent_id (message);
  JsonObject *content = message->content;

  self->last_activity = g_get_real_time ();
  if (g_strcmp0 (msg_type, "status") == 0)
    {
      const char *state = porthole_json_object_get_string (content, "execution_state");

      if (state != NULL)
        {
          g_free (self->execution_state);
          self->execution_state = g_strdup (state);
        }
    }

  if (self->state == KERNEL_STARTING)
    {
      if (parent != NULL && g_hash_table_contains (self->info_requests, parent))
        self->iopub_seen = TRUE;
      if (self->iopub_seen && self->info_replied)
        become_ready (self);
      return;
    }

  if (self->current == NULL || g_strcmp0 (parent, self->current_id) != 0)
    return;

  if (g_strcmp0 (msg_type, "stream") == 0)
    {
      const char *name = porthole_json_object_get_string (content, "name");
      const char *text = porthole_json_object_get_string (content, "text");

      if (text != NULL)
        porthole_kernel_execution_add_output (self->current,
                                              g_strcmp0 (name, "stderr") == 0 ? PORTHOLE_PROCESS_STDERR : PORTHOLE_PROCESS_STDOUT,
                                              text);
    }
  else if (g_strcmp0 (msg_type, "execute_result") == 0 || g_strcmp0 (msg_type, "display_data") == 0 ||
           g_strcmp0 (msg_type, "update_display_data") == 0)
    porthole_kernel_execution_add_rich (self->current, msg_type, content);
  else if (g_strcmp0 (msg_type, "error") == 0)
    handle_error (self, content);
  else if (g_strcmp0 (msg_type, "status") == 0 &&
           g_strcmp0 (porthole_json_object_get_string (content, "execution_state"), "idle") == 0)
    {
      self->idle = TRUE;
      g_clear_handle_id (&self->grace_id, g_source_remove);
      if (self->replied)
        maybe_finish_cell (self);
      else
        self->grace_id = g_timeout_add (REPLY_GRACE_MS, reply_grace_cb, self);
    }
}

static void
on_shell_message (PortholeJupyterChannel *channel,
                  PortholeJupyterMessage *message,
                  PortholeKernel         *self)
{
  const char *msg_type = porthole_jupyter_message_get_msg_type (message);
  const char *parent = porthole_jupyter_message_get_parent_id (message);
  JsonObject *content = message->content;

  self->last_activity = g_get_real_time ();
  if (self->state == KERNEL_STARTING)
    {
      if (g_strcmp0 (msg_type, "kernel_info_reply") == 0)
        self->info_replied = TRUE;
      if (self->iopub_seen && self->info_replied)
        become_ready (self);
      return;
    }

  if (g_strcmp0 (msg_type, "execute_reply") != 0 || self->current == NULL ||
      g_strcmp0 (parent, self->current_id) != 0)
    return;

  self->replied = TRUE;
  g_free (self->reply_status);
  self->reply_status = g_strdup (porthole_json_object_get_string (content, "status"));
  if (self->error_name == NULL && porthole_json_object_get_string (content, "ename") != NULL)
    {
      self->error_name = g_strdup (porthole_json_object_get_string (content, "ename"));
      self->error_value = g_strdup (porthole_json_object_get_string (content, "evalue"));
    }
  {
    gint64 count;

    if (porthole_json_node_get_int (json_object_get_member (content, "execution_count"), &count))
      self->execution_count = count;
  }

  if (self->idle)
    maybe_finish_cell (self);
  else
    {
      /* The kernel answered: whatever grace ran is now for iopub. */
      g_clear_handle_id (&self->grace_id, g_source_remove);
      self->grace_id = g_timeout_add (IDLE_GRACE_MS, idle_grace_cb, self);
    }
}

/* Life cycle */

static void
fail_queued (PortholeKernel *self,
             int             exit_code,
             const char     *notice)
{
  PortholeKernelExecution *execution;

  while ((execution = g_queue_pop_head (&self->queue)) != NULL)
    {
      g_signal_handlers_disconnect_by_data (execution, self);
      porthole_daemon_activity_end (self->daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
      porthole_kernel_execution_finish (execution, exit_code, FALSE, notice);
      g_object_unref (execution);
    }
}

static void
stop_starting (PortholeKernel *self)
{
  g_clear_handle_id (&self->info_id, g_source_remove);
  g_clear_handle_id (&self->start_deadline_id, g_source_remove);
  g_hash_table_remove_all (self->info_requests);
}

/* In the kernels' directory, which is the target user's. */
static void
remove_connection_file (PortholeKernel *self)
{
  g_auto(PortholeFsIdentity) identity = { 0 };

  porthole_fs_as_user_begin (&identity);
  g_unlink (self->connection_file);
}

static void
on_process_exited (PortholeProcess *process,
                   PortholeKernel  *self)
{
  g_autoptr(PortholeKernel) hold = g_object_ref (self);
  int exit_code = porthole_process_get_exit_code (process);
  KernelState was = self->state;

  g_message ("Kernel %s (%s) exited with status %d", self->name, self->id, exit_code);

  self->state = KERNEL_STOPPED;
  g_free (self->execution_state);
  self->execution_state = g_strdup ("dead");
  stop_starting (self);
  close_channels (self);
  g_clear_object (&self->process);
  remove_connection_file (self);

  if (self->current != NULL)
    {
      g_autofree char *notice = NULL;

      if (porthole_process_get_oom_killed (process))
        {
          porthole_kernel_execution_set_oom_killed (self->current);
          notice = g_strdup (PORTHOLE_PROCESS_OOM_NOTICE
                             "The kernel's state is lost; it restarts for the next call\n");
        }
      else
        notice = g_strdup_printf ("The kernel died (exit status %d) while running this code; "
                                  "its state is lost and it restarts for the next call\n",
                                  exit_code);
      finish_cell (self, exit_code, notice);
    }

  if (was == KERNEL_STARTING)
    {
      const char *log = porthole_process_get_stderr (process);
      g_autofree char *notice = g_strdup_printf ("The Jupyter kernel could not start (exit status %d)%s%s",
                                                 exit_code, log[0] ? ":\n" : "\n", log);

      fail_queued (self, exit_code == 0 ? 1 : exit_code, notice);
      return;
    }

  if (!self->shutting_down && !g_queue_is_empty (&self->queue))
    start (self);
}

static gboolean
start_deadline_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;

  self->start_deadline_id = 0;
  g_warning ("Kernel %s did not answer within %d s", self->name, START_TIMEOUT_SECONDS);
  /* Its exit fails the cells waiting for it. */
  kill_kernel (self);
  return G_SOURCE_REMOVE;
}

static gboolean
kernel_info_cb (gpointer user_data)
{
  PortholeKernel *self = user_data;
  char *id = send_message (self, self->shell, "kernel_info_request", NULL);

  if (id != NULL)
    g_hash_table_add (self->info_requests, id);
  return G_SOURCE_CONTINUE;
}

static gboolean
pick_ports (guint16   ports[5],
            GError  **error)
{
  int fds[5] = { -1, -1, -1, -1, -1 };
  gboolean ok = TRUE;

  for (guint i = 0; i < 5 && ok; i++)
    {
      struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      socklen_t length = sizeof address;

      fds[i] = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      ok = fds[i] >= 0 && bind (fds[i], (struct sockaddr *) &address, sizeof address) == 0 &&
           getsockname (fds[i], (struct sockaddr *) &address, &length) == 0;
      ports[i] = ntohs (address.sin_port);
    }
  if (!ok)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot find free ports: %s",
                 g_strerror (errno));

  for (guint i = 0; i < 5; i++)
    if (fds[i] >= 0)
      close (fds[i]);

  return ok;
}

static gboolean
write_connection_file (PortholeKernel  *self,
                       const guint16    ports[5],
                       GError         **error)
{
  static const char *const names[] = { "shell_port", "iopub_port", "stdin_port", "control_port", "hb_port" };
  g_autoptr(JsonObject) connection = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_auto(PortholeFsIdentity) identity = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    json_object_set_int_member (connection, names[i], ports[i]);
  json_object_set_string_member (connection, "ip", "127.0.0.1");
  json_object_set_string_member (connection, "key", self->key);
  json_object_set_string_member (connection, "transport", "tcp");
  json_object_set_string_member (connection, "signature_scheme", "hmac-sha256");
  json_object_set_string_member (connection, "kernel_name", "python3");
  bytes = porthole_json_object_to_bytes (connection);

  /* The kernel, its user's, reads it. */
  porthole_fs_as_user_begin (&identity);
  return g_file_set_contents_full (self->connection_file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_NONE, 0600, error);
}

/* The key signs every message: anyone who has it can run code in the
 * kernel, so it comes from the kernel's random source. */
static char *
random_key (void)
{
  guint8 bytes[32];
  GString *key = g_string_new (NULL);
  gsize filled = 0;

  while (filled < sizeof bytes)
    {
      gssize n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0 && errno != EINTR)
        g_error ("getrandom() failed: %s", g_strerror (errno));
      if (n > 0)
        filled += n;
    }
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (key, "%02x", bytes[i]);

  return g_string_free (key, FALSE);
}

/* ports: shell, iopub, stdin, control, heartbeat (connection file order) */
static gboolean
open_channels (PortholeKernel  *self,
               const guint16    ports[5],
               GError         **error)
{
  g_autofree char *shell = g_strdup_printf ("tcp://127.0.0.1:%u", ports[0]);
  g_autofree char *iopub = g_strdup_printf ("tcp://127.0.0.1:%u", ports[1]);
  g_autofree char *control = g_strdup_printf ("tcp://127.0.0.1:%u", ports[3]);

  if ((self->iopub = porthole_jupyter_channel_new (self->context, PORTHOLE_JUPYTER_CHANNEL_IOPUB, iopub,
                                                   self->key, self->session, error)) == NULL ||
      (self->shell = porthole_jupyter_channel_new (self->context, PORTHOLE_JUPYTER_CHANNEL_SHELL, shell,
                                                   self->key, self->session, error)) == NULL ||
      (self->control = porthole_jupyter_channel_new (self->context, PORTHOLE_JUPYTER_CHANNEL_CONTROL, control,
                                                     self->key, self->session, error)) == NULL)
    {
      close_channels (self);
      return FALSE;
    }

  g_signal_connect (self->iopub, "message", G_CALLBACK (on_iopub_message), self);
  g_signal_connect (self->shell, "message", G_CALLBACK (on_shell_message), self);
  return TRUE;
}

static gboolean
spawn_kernel (PortholeKernel  *self,
              GError         **error)
{
  const char *const argv[] = {
    PORTHOLE_PYTHON, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", self->connection_file,
    "--HistoryManager.enabled=False", NULL
  };
  g_auto(GStrv) envp = porthole_env_store_build_envp (porthole_daemon_get_env_store (self->daemon), NULL);
  g_autoptr(PortholeProcess) process = NULL;
  guint16 ports[5];

  if (!pick_ports (ports, error) || !write_connection_file (self, ports, error))
    return FALSE;

  envp = g_environ_setenv (envp, "PYDEVD_DISABLE_FILE_VALIDATION", "1", TRUE);
  /* Figures as display_data, without plt.show() (PLATFORM.md §7). */
  envp = g_environ_setenv (envp, "MPLBACKEND", "module://matplotlib_inline.backend_inline", TRUE);

  process = porthole_process_new (argv, (const char *const *) envp, porthole_daemon_get_workspace (self->daemon),
                                  PORTHOLE_PROCESS_FLAGS_CAPTURE | PORTHOLE_PROCESS_FLAGS_CAPTURE_TAIL);
  porthole_process_set_capture_limit (process, KERNEL_LOG_TAIL);
  g_signal_connect_object (process, "exited", G_CALLBACK (on_process_exited), self, 0);
  if (!porthole_process_spawn (process, error))
    return FALSE;
  self->process = g_steal_pointer (&process);

  if (!open_channels (self, ports, error))
    {
      kill_kernel (self);
      return FALSE;
    }

  return TRUE;
}

static void
start (PortholeKernel *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (self->state == KERNEL_STOPPED);

  g_free (self->key);
  self->key = random_key ();
  g_clear_pointer (&self->last_preamble, g_free);
  self->state = KERNEL_STARTING;
  self->info_replied = FALSE;
  self->iopub_seen = FALSE;
  self->started = g_get_real_time ();
  self->last_activity = self->started;
  g_free (self->execution_state);
  self->execution_state = g_strdup ("starting");

  if (!spawn_kernel (self, &error))
    {
      g_autofree char *notice = g_strdup_printf ("The Jupyter kernel could not start: %s\n", error->message);
      gboolean spawned = self->process != NULL;

      g_warning ("Kernel %s: %s", self->name, error->message);
      if (spawned)
        return;  /* its exit fails the queue */
      self->state = KERNEL_STOPPED;
      g_free (self->execution_state);
      self->execution_state = g_strdup ("dead");
      fail_queued (self, porthole_process_exit_code_for_spawn_error (error) > 0 ? 127 : 1, notice);
      return;
    }

  self->start_deadline_id = g_timeout_add_seconds (START_TIMEOUT_SECONDS, start_deadline_cb, self);
  self->info_id = g_timeout_add (KERNEL_INFO_INTERVAL_MS, kernel_info_cb, self);
  kernel_info_cb (self);
}

/* Public */

/**
 * porthole_kernel_submit:
 *
 * Queues @execution; the kernel starts if it is not running.
 */
void
porthole_kernel_submit (PortholeKernel          *self,
                        PortholeKernelExecution *execution)
{
  g_return_if_fail (PORTHOLE_IS_KERNEL (self));
  g_return_if_fail (PORTHOLE_IS_KERNEL_EXECUTION (execution));

  porthole_daemon_activity_begin (self->daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
  if (self->shutting_down)
    {
      porthole_daemon_activity_end (self->daemon, PORTHOLE_ACTIVITY_EXECUTIONS);
      porthole_kernel_execution_finish (execution, PORTHOLE_KERNEL_EXIT_CANCELLED, FALSE, "The daemon is stopping\n");
      return;
    }

  g_signal_connect_object (execution, "cancel", G_CALLBACK (on_execution_cancel), self, 0);
  g_queue_push_tail (&self->queue, g_object_ref (execution));
  self->last_activity = g_get_real_time ();

  if (self->state == KERNEL_STOPPED)
    start (self);
  else
    run_next (self);
}

/**
 * porthole_kernel_shutdown:
 *
 * Daemon shutdown: asks the kernel to exit, ends its cells, and leaves
 * the process to the daemon's own termination of every child.
 */
void
porthole_kernel_shutdown (PortholeKernel *self)
{
  g_autoptr(PortholeKernel) hold = g_object_ref (self);

  g_return_if_fail (PORTHOLE_IS_KERNEL (self));

  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;

  if (self->state == KERNEL_READY)
    {
      g_autoptr(JsonObject) content = json_object_new ();
      g_autofree char *id = NULL;

      json_object_set_boolean_member (content, "restart", FALSE);
      id = send_message (self, self->control, "shutdown_request", content);
    }

  if (self->current != NULL)
    finish_cell (self, PORTHOLE_KERNEL_EXIT_CANCELLED, "The daemon is stopping\n");
  fail_queued (self, PORTHOLE_KERNEL_EXIT_CANCELLED, "The daemon is stopping\n");
  stop_starting (self);
  kill_kernel (self);
}

const char *
porthole_kernel_get_id (PortholeKernel *self)
{
  return self->id;
}

const char *
porthole_kernel_get_name (PortholeKernel *self)
{
  return self->name;
}

/**
 * porthole_kernel_is_busy:
 *
 * Returns: whether cells are running or waiting
 */
gboolean
porthole_kernel_is_busy (PortholeKernel *self)
{
  return self->current != NULL || !g_queue_is_empty (&self->queue);
}

gint64
porthole_kernel_get_last_activity (PortholeKernel *self)
{
  return self->last_activity;
}

/**
 * porthole_kernel_to_json:
 *
 * Returns: (transfer full): the session entry of /jupyter/sessions
 *   (API.md §3.8)
 */
JsonObject *
porthole_kernel_to_json (PortholeKernel *self)
{
  JsonObject *session = json_object_new ();
  g_autofree char *last_activity = porthole_timestamp_from_unix (self->last_activity);
  g_autofree char *started = porthole_timestamp_from_unix (self->started);

  json_object_set_string_member (session, "kernel_id", self->id);
  json_object_set_string_member (session, "id", self->id);
  json_object_set_string_member (session, "name", self->name);
  json_object_set_string_member (session, "language", "python");
  json_object_set_string_member (session, "execution_state", self->execution_state);
  json_object_set_int_member (session, "connections", (self->current ? 1 : 0) + g_queue_get_length (&self->queue));
  json_object_set_string_member (session, "last_activity", last_activity);
  json_object_set_string_member (session, "started_at", started);
  json_object_set_int_member (session, "execution_count", self->execution_count);
  if (self->process != NULL)
    json_object_set_int_member (session, "pid", porthole_process_get_pid (self->process));
  else
    json_object_set_null_member (session, "pid");

  return session;
}

static void
porthole_kernel_dispose (GObject *object)
{
  PortholeKernel *self = (PortholeKernel *)object;

  /* Nobody is left waiting for a cell. */
  if (self->current != NULL)
    finish_cell (self, PORTHOLE_KERNEL_EXIT_CANCELLED, "The kernel was shut down\n");
  fail_queued (self, PORTHOLE_KERNEL_EXIT_CANCELLED, "The kernel was shut down\n");
  stop_starting (self);
  clear_cell (self);
  close_channels (self);
  if (self->process != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->process, self);
      porthole_process_kill (self->process);
    }
  g_clear_object (&self->process);

  G_OBJECT_CLASS (porthole_kernel_parent_class)->dispose (object);
}

static void
porthole_kernel_finalize (GObject *object)
{
  PortholeKernel *self = (PortholeKernel *)object;
  g_auto(PortholeFsIdentity) identity = { 0 };

  porthole_fs_as_user_begin (&identity);
  if (self->connection_file != NULL)
    g_unlink (self->connection_file);
  if (self->directory != NULL)
    g_rmdir (self->directory);
  g_hash_table_unref (self->info_requests);
  g_free (self->id);
  g_free (self->name);
  g_free (self->directory);
  g_free (self->connection_file);
  g_free (self->key);
  g_free (self->session);
  g_free (self->last_preamble);
  g_free (self->execution_state);

  G_OBJECT_CLASS (porthole_kernel_parent_class)->finalize (object);
}

static void
porthole_kernel_class_init (PortholeKernelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_kernel_dispose;
  object_class->finalize = porthole_kernel_finalize;
}

static void
porthole_kernel_init (PortholeKernel *self)
{
  self->info_requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->execution_state = g_strdup ("starting");
  g_queue_init (&self->queue);
}

/**
 * porthole_kernel_new:
 * @zmq_context: the daemon's ZeroMQ context
 * @name: the session name
 * @directory: where its connection file goes (created)
 */
PortholeKernel *
porthole_kernel_new (PortholeDaemon *daemon,
                     gpointer        zmq_context,
                     const char     *name,
                     const char     *directory)
{
  PortholeKernel *self = g_object_new (PORTHOLE_TYPE_KERNEL, NULL);
  g_auto(PortholeFsIdentity) identity = { 0 };

  self->daemon = daemon;
  self->context = zmq_context;
  self->id = g_uuid_string_random ();
  self->name = g_strdup (name);
  self->session = g_uuid_string_random ();
  self->directory = g_build_filename (directory, self->id, NULL);
  self->connection_file = g_build_filename (self->directory, "kernel.json", NULL);
  self->started = self->last_activity = g_get_real_time ();
  porthole_fs_as_user_begin (&identity);
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    g_warning ("Cannot create %s: %s", self->directory, g_strerror (errno));

  return self;
}
