/* porthole-execute-routes.c
 *
 * Code execution (API.md §3, §7). Every route parses the same fields
 * (code, language, workdir, timeout, env, and an optional kernel
 * `session`), then runs the code either in a fresh process
 * (PortholeCodeRun: isolated, parallel) or, for /execute/ipython,
 * /stream/ipython and requests naming a session, as a cell of a
 * persistent Jupyter kernel (PortholeKernel). Programs that fail or time
 * out are results (200), never errors: the SDKs retry 5xx answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-code-run.h"
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-exec-request.h"
#include "porthole-exec-result.h"
#include "porthole-execute-routes.h"
#include "porthole-executor.h"
#include "porthole-json.h"
#include "porthole-kernel-manager.h"
#include "porthole-protocol.h"
#include "porthole-run-stream.h"
#include "porthole-run-table.h"
#include "porthole-webhook.h"
#include "porthole-ws-channel.h"

/* Server defaults, API.md §14 #21. */
#define DEFAULT_TIMEOUT 30
#define DEFAULT_IPYTHON_TIMEOUT 60
#define DEFAULT_STREAM_TIMEOUT 60
#define DEFAULT_BACKGROUND_TIMEOUT 300
#define DEFAULT_ASYNC_TIMEOUT 1800

static PortholeExecutor *
get_executor (PortholeDaemon *daemon)
{
  return porthole_daemon_get_executor (daemon);
}

/**
 * porthole_execute_body_limit:
 *
 * Code can be big (a notebook's worth), so these routes have their own
 * key rather than max-body-size.
 */
gsize
porthole_execute_body_limit (PortholeRequest *req)
{
  return porthole_config_get_execute_max_body_size (porthole_daemon_get_config (porthole_request_get_daemon (req)));
}

static void
reply_parse_error (PortholeRequest     *req,
                   PortholeExecRequest *request,
                   const GError        *error)
{
  if (request->details != NULL)
    porthole_request_reply_error (req, 0, error->code, request->details, "%s", error->message);
  else
    porthole_request_reply_gerror (req, error);
}

/* Synchronous routes: /execute, /execute/rich, /execute/ipython */

typedef struct
{
  PortholeRequest *req;
  PortholeCodeRun *run;
  PortholeKernelExecution *execution;
  gulong cancelled_id;
  gboolean with_rich_list;
} SyncRun;

static void
sync_run_free (SyncRun *sync)
{
  g_cancellable_disconnect (porthole_request_get_cancellable (sync->req), sync->cancelled_id);
  if (sync->run != NULL)
    g_signal_handlers_disconnect_by_data (sync->run, sync);
  if (sync->execution != NULL)
    g_signal_handlers_disconnect_by_data (sync->execution, sync);
  g_clear_object (&sync->run);
  g_clear_object (&sync->execution);
  g_object_unref (sync->req);
  g_free (sync);
}

static void
on_sync_run_finished (PortholeCodeRun *run,
                      SyncRun         *sync)
{
  g_autoptr(JsonObject) result = porthole_code_run_to_json (run, sync->with_rich_list);

  porthole_request_reply_json (sync->req, SOUP_STATUS_OK, result);
  sync_run_free (sync);
}

static void
on_sync_cell_finished (PortholeKernelExecution *execution,
                       SyncRun                 *sync)
{
  g_autoptr(JsonObject) result = porthole_kernel_execution_to_json (execution, sync->with_rich_list);

  porthole_request_reply_json (sync->req, SOUP_STATUS_OK, result);
  sync_run_free (sync);
}

/* A client that gives up does not leave its code running. */
static void
on_sync_client_gone (GCancellable *cancellable,
                     SyncRun      *sync)
{
  if (sync->run != NULL)
    porthole_code_run_kill (sync->run);
  if (sync->execution != NULL)
    porthole_kernel_execution_cancel (sync->execution);
}

static void
execute_sync (PortholeRequest *req,
              guint            default_timeout,
              gboolean         python_only,
              gboolean         with_rich_list)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) fields = porthole_request_dup_fields (req);
  g_auto(PortholeExecRequest) request = { 0 };
  g_autoptr(GError) error = NULL;
  SyncRun *sync;

  if (fields == NULL)
    return;

  if (!porthole_exec_request_parse (&request, daemon, fields, default_timeout, FALSE, python_only, &error))
    {
      reply_parse_error (req, &request, error);
      return;
    }

  sync = g_new0 (SyncRun, 1);
  sync->req = g_object_ref (req);
  sync->with_rich_list = with_rich_list;

  /* Either may finish (and free @sync) before it returns. */
  if (request.session != NULL)
    {
      g_autoptr(PortholeKernelExecution) execution = NULL;
      PortholeKernel *kernel;

      execution = porthole_exec_request_prepare_cell (&request, daemon, &kernel, &error);
      if (execution == NULL)
        {
          porthole_request_reply_gerror (req, error);
          sync_run_free (sync);
          return;
        }
      sync->execution = g_object_ref (execution);
      g_signal_connect (execution, "finished", G_CALLBACK (on_sync_cell_finished), sync);
      porthole_kernel_submit (kernel, execution);
      if (porthole_kernel_execution_is_finished (execution))
        return;
    }
  else
    {
      g_autoptr(PortholeCodeRun) run = NULL;

      run = porthole_code_run_new (get_executor (daemon), request.language, request.code, &request.options,
                                   PORTHOLE_CODE_RUN_FLAGS_CAPTURE | PORTHOLE_CODE_RUN_FLAGS_RICH);
      sync->run = g_object_ref (run);
      g_signal_connect (run, "finished", G_CALLBACK (on_sync_run_finished), sync);
      if (!porthole_code_run_start (run, &error))
        {
          porthole_request_reply_gerror (req, error);
          sync_run_free (sync);
          return;
        }
      if (porthole_code_run_is_finished (run))
        return;
    }

  sync->cancelled_id = g_cancellable_connect (porthole_request_get_cancellable (req),
                                              G_CALLBACK (on_sync_client_gone), sync, NULL);
}

void
porthole_execute_handle_execute (PortholeRequest *req)
{
  execute_sync (req, DEFAULT_TIMEOUT, FALSE, FALSE);
}

void
porthole_execute_handle_rich (PortholeRequest *req)
{
  execute_sync (req, DEFAULT_TIMEOUT, FALSE, TRUE);
}

void
porthole_execute_handle_ipython (PortholeRequest *req)
{
  execute_sync (req, DEFAULT_IPYTHON_TIMEOUT, TRUE, FALSE);
}

/* Background and async runs: in the run table */

/* Starts @request in a fresh process for @run; a program that cannot run
 * leaves @run failed. Returns NULL only for daemon failures. */
static PortholeCodeRun *
start_listed_run (PortholeDaemon        *daemon,
                  PortholeRun           *run,
                  PortholeExecRequest           *request,
                  PortholeCodeRunFlags   flags,
                  GError               **error)
{
  g_autoptr(PortholeCodeRun) code_run = porthole_code_run_new (get_executor (daemon), request->language,
                                                               request->code, &request->options, flags);
  PortholeProcess *process;

  if (!porthole_code_run_start (code_run, error))
    return NULL;

  process = porthole_code_run_get_process (code_run);
  porthole_run_set_command (run, porthole_code_run_get_command (code_run));
  if (process != NULL)
    porthole_run_attach (run, process);
  else
    porthole_run_fail_to_start (run, porthole_code_run_get_exit_code (code_run),
                                porthole_code_run_get_notice (code_run));

  return g_steal_pointer (&code_run);
}

void
porthole_execute_handle_background (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) fields = porthole_request_dup_fields (req);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(PortholeCodeRun) code_run = NULL;
  g_autoptr(PortholeRun) run = NULL;
  g_auto(PortholeExecRequest) request = { 0 };
  g_autoptr(GError) error = NULL;
  const char *name = NULL;

  if (fields == NULL || !porthole_request_get_string (req, "name", NULL, &name))
    return;

  if (!porthole_exec_request_parse (&request, daemon, fields, DEFAULT_BACKGROUND_TIMEOUT, TRUE, FALSE, &error))
    {
      reply_parse_error (req, &request, error);
      return;
    }

  run = porthole_run_new ("code", name, porthole_language_get_name (request.language), NULL, request.options.workdir);
  code_run = start_listed_run (daemon, run, &request, PORTHOLE_CODE_RUN_FLAGS_TAIL, &error);
  if (code_run == NULL)
    {
      porthole_request_reply_gerror (req, error);
      return;
    }
  porthole_run_table_add (porthole_daemon_get_run_table (daemon), run);

  reply = porthole_run_to_started_json (run, porthole_code_run_get_process (code_run) ? "Background execution started"
                                                                                    : porthole_code_run_get_notice (code_run));
  json_object_set_string_member (reply, "language", porthole_language_get_name (request.language));
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

typedef struct
{
  PortholeDaemon *daemon;
  PortholeRun *run;
  PortholeCodeRun *code_run;
  PortholeExecRequest request;
  char *callback_url;
  GHashTable *callback_headers;
  char *secret;
} AsyncJob;

static void
async_job_free (AsyncJob *job)
{
  if (job->code_run != NULL)
    g_signal_handlers_disconnect_by_data (job->code_run, job);
  g_clear_object (&job->code_run);
  g_clear_object (&job->run);
  porthole_exec_request_clear (&job->request);
  g_clear_pointer (&job->callback_headers, g_hash_table_unref);
  g_free (job->callback_url);
  g_free (job->secret);
  g_free (job);
}

static void
set_callback_status (AsyncJob   *job,
                     const char *status)
{
  porthole_run_set_extra (job->run, "callback_status", json_node_init_string (json_node_alloc (), status));
}

static void
delivered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncJob *job = user_data;
  g_autoptr(GError) error = NULL;
  guint attempts = 0, http_status = 0;
  gboolean delivered = porthole_webhook_deliver_finish (result, &attempts, &http_status, &error);

  set_callback_status (job, delivered ? "delivered" : "failed");
  porthole_run_set_extra (job->run, "callback_attempts", json_node_init_int (json_node_alloc (), attempts));
  if (http_status > 0)
    porthole_run_set_extra (job->run, "callback_http_status", json_node_init_int (json_node_alloc (), http_status));
  if (error != NULL)
    {
      g_message ("Callback of %s to %s failed: %s", porthole_run_get_execution_id (job->run),
                 job->callback_url, error->message);
      porthole_run_set_extra (job->run, "callback_error", json_node_init_string (json_node_alloc (), error->message));
    }

  async_job_free (job);
}

/* The callback body of API.md §3.5, for a run that ended (or was killed
 * before it started). The run's listing may not know the end yet: the
 * code run says it first. */
static GBytes *
callback_body (AsyncJob *job)
{
  PortholeCodeRun *code_run = job->code_run;
  PortholeProcess *process = code_run ? porthole_code_run_get_process (code_run) : NULL;
  g_autoptr(JsonObject) body = code_run ? porthole_code_run_to_json (code_run, FALSE) : json_object_new ();
  gboolean timed_out = code_run != NULL && porthole_code_run_get_timed_out (code_run);
  gboolean killed = code_run == NULL || (process != NULL && porthole_process_get_killed (process));
  int exit_code = code_run ? porthole_code_run_get_exit_code (code_run) : -1;
  const char *outcome = timed_out ? "timeout" : !killed && exit_code == 0 ? "completed" : "failed";

  if (code_run == NULL)
    {
      g_autofree char *timestamp = porthole_timestamp_now ();

      json_object_set_boolean_member (body, PORTHOLE_MEMBER_SUCCESS, FALSE);
      json_object_set_string_member (body, "stdout", "");
      json_object_set_string_member (body, "stderr", "");
      json_object_set_null_member (body, PORTHOLE_MEMBER_EXIT_CODE);
      json_object_set_double_member (body, "execution_time", 0.0);
      json_object_set_string_member (body, "language", porthole_language_get_name (job->request.language));
      json_object_set_string_member (body, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
    }

  json_object_set_string_member (body, "execution_id", porthole_run_get_execution_id (job->run));
  json_object_set_string_member (body, "process_id", porthole_run_get_process_id (job->run));
  json_object_set_string_member (body, PORTHOLE_MEMBER_STATUS, outcome);
  if (timed_out)
    json_object_set_string_member (body, PORTHOLE_MEMBER_ERROR, "Execution timed out");
  else if (killed)
    json_object_set_string_member (body, PORTHOLE_MEMBER_ERROR, "Execution was killed");
  else if (exit_code != 0)
    {
      g_autofree char *error = g_strdup_printf ("Exit code %d", exit_code);

      json_object_set_string_member (body, PORTHOLE_MEMBER_ERROR, error);
    }

  return porthole_json_object_to_bytes (body);
}

static void
deliver_callback (AsyncJob *job)
{
  PortholeExecutor *executor = get_executor (job->daemon);
  g_autoptr(GBytes) body = callback_body (job);

  set_callback_status (job, "sending");
  porthole_webhook_deliver_async (porthole_executor_get_http_session (executor), job->callback_url,
                                  job->callback_headers, job->secret, body,
                                  porthole_executor_get_cancellable (executor), delivered_cb, job);
}

static void
on_async_run_finished (PortholeCodeRun *code_run,
                       AsyncJob        *job)
{
  deliver_callback (job);
}

/* After the answer: the run starts, unless it was killed while queued. */
static gboolean
start_async_cb (gpointer user_data)
{
  AsyncJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (porthole_run_is_finished (job->run))
    {
      deliver_callback (job);
      return G_SOURCE_REMOVE;
    }

  job->code_run = start_listed_run (job->daemon, job->run, &job->request, PORTHOLE_CODE_RUN_FLAGS_CAPTURE, &error);
  if (job->code_run == NULL)
    {
      porthole_run_fail_to_start (job->run, -1, error->message);
      deliver_callback (job);
      return G_SOURCE_REMOVE;
    }

  if (porthole_code_run_is_finished (job->code_run))
    deliver_callback (job);
  else
    g_signal_connect (job->code_run, "finished", G_CALLBACK (on_async_run_finished), job);

  return G_SOURCE_REMOVE;
}

static gboolean
is_valid_callback_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 ||
          g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0);
}

static gboolean
headers_are_valid (GHashTable *headers)
{
  GHashTableIter iter;
  const char *name, *value;

  if (headers == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, headers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
    {
      if (*name == '\0' || strpbrk (value, "\r\n") != NULL)
        return FALSE;
      for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum (*p) && !strchr ("!#$%&'*+-.^_`|~", *p))
          return FALSE;
    }

  return TRUE;
}

void
porthole_execute_handle_async (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) fields = porthole_request_dup_fields (req);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *timestamp = NULL;
  const char *url, *secret;
  AsyncJob *job;

  if (fields == NULL ||
      !porthole_request_require_string (req, "callback_url", &url) ||
      !porthole_request_get_string_map (req, "callback_headers", FALSE, &headers) ||
      !porthole_request_get_string (req, "callback_signature_secret", NULL, &secret))
    return;

  if (!is_valid_callback_url (url))
    {
      porthole_request_reply_invalid (req, "callback_url", "Invalid callback_url: expected an http or https URL");
      return;
    }
  if (!headers_are_valid (headers))
    {
      porthole_request_reply_invalid (req, "callback_headers", "Invalid callback_headers: not valid HTTP headers");
      return;
    }

  job = g_new0 (AsyncJob, 1);
  if (!porthole_exec_request_parse (&job->request, daemon, fields, DEFAULT_ASYNC_TIMEOUT, FALSE, FALSE, &error))
    {
      reply_parse_error (req, &job->request, error);
      async_job_free (job);
      return;
    }

  job->daemon = daemon;
  job->callback_url = g_strdup (url);
  job->callback_headers = g_steal_pointer (&headers);
  job->secret = g_strdup (secret);
  job->run = porthole_run_new ("async", NULL, porthole_language_get_name (job->request.language), NULL,
                               job->request.options.workdir);
  porthole_run_set_extra (job->run, "callback_url", json_node_init_string (json_node_alloc (), url));
  set_callback_status (job, "pending");
  porthole_run_table_add (porthole_daemon_get_run_table (daemon), job->run);
  g_idle_add (start_async_cb, job);

  timestamp = porthole_timestamp_now ();
  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (reply, "execution_id", porthole_run_get_execution_id (job->run));
  json_object_set_string_member (reply, "process_id", porthole_run_get_process_id (job->run));
  json_object_set_string_member (reply, PORTHOLE_MEMBER_STATUS, "queued");
  json_object_set_string_member (reply, "callback_url", url);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE, "Execution queued; the result will be sent to the callback URL");
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* WebSockets: /execute/stream, /stream, /stream/ipython */

typedef enum
{
  STREAM_EXECUTE,
  STREAM_RICH,
  STREAM_IPYTHON,
} StreamKind;

static void
on_stream_rich (GObject           *producer,
                const char        *msg_type,
                JsonObject        *content,
                const char        *source,
                PortholeRunStream *stream)
{
  g_autoptr(GPtrArray) messages = porthole_rich_outputs_display_messages (msg_type, content);

  for (guint i = 0; i < messages->len; i++)
    porthole_run_stream_send (stream, g_ptr_array_index (messages, i));
}

/* The end: the daemon's notice as stderr, then `result` (with the last
 * expression's value) and `complete`. */
static void
finish_stream (PortholeRunStream *stream,
               const char        *notice,
               const char        *result_text,
               int                exit_code,
               gboolean           timed_out,
               gboolean           oom_killed,
               double             execution_time)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  if (notice != NULL && *notice != '\0')
    porthole_run_stream_push (stream, PORTHOLE_PROCESS_STDERR, notice, strlen (notice));
  if (result_text != NULL)
    json_object_set_string_member (extra, "result", result_text);
  json_object_set_boolean_member (extra, "oom_killed", oom_killed);
  porthole_run_stream_finish (stream, exit_code, timed_out, execution_time, extra);
}

static void
on_stream_run_finished (PortholeCodeRun   *run,
                        PortholeRunStream *stream)
{
  finish_stream (stream, porthole_code_run_get_notice (run), porthole_code_run_get_result (run),
                 porthole_code_run_get_exit_code (run), porthole_code_run_get_timed_out (run),
                 porthole_code_run_get_oom_killed (run), porthole_code_run_get_duration (run));
}

static void
on_stream_cell_output (PortholeKernelExecution *execution,
                       guint                    stream_kind,
                       const char              *text,
                       guint64                  length,
                       PortholeRunStream       *stream)
{
  porthole_run_stream_push (stream, stream_kind, text, length);
}

static void
on_stream_cell_finished (PortholeKernelExecution *execution,
                         PortholeRunStream       *stream)
{
  finish_stream (stream, porthole_kernel_execution_get_notice (execution),
                 porthole_kernel_execution_get_result (execution),
                 porthole_kernel_execution_get_exit_code (execution),
                 porthole_kernel_execution_get_timed_out (execution),
                 porthole_kernel_execution_get_oom_killed (execution),
                 porthole_kernel_execution_get_duration (execution));
}

static void
start_stream_cell (PortholeRunStream   *stream,
                   StreamKind           kind,
                   PortholeDaemon      *daemon,
                   PortholeExecRequest *request)
{
  g_autoptr(PortholeKernelExecution) execution = NULL;
  g_autoptr(GError) error = NULL;
  PortholeKernel *kernel;

  execution = porthole_exec_request_prepare_cell (request, daemon, &kernel, &error);
  if (execution == NULL)
    {
      porthole_run_stream_fail (stream, error);
      return;
    }

  g_signal_connect_object (execution, "finished", G_CALLBACK (on_stream_cell_finished), stream, 0);
  g_signal_connect_object (execution, "output", G_CALLBACK (on_stream_cell_output), stream, 0);
  if (kind == STREAM_RICH)
    g_signal_connect_object (execution, "rich", G_CALLBACK (on_stream_rich), stream, 0);
  /* `cancel`, or the client gone: the cell is interrupted. */
  g_signal_connect_object (stream, "cancel", G_CALLBACK (porthole_kernel_execution_cancel),
                           execution, G_CONNECT_SWAPPED);
  porthole_run_stream_send_start (stream);
  porthole_kernel_submit (kernel, execution);
}

static void
start_stream_run (PortholeRunStream   *stream,
                  StreamKind           kind,
                  PortholeDaemon      *daemon,
                  PortholeExecRequest *request)
{
  g_autoptr(PortholeCodeRun) run = NULL;
  g_autoptr(GError) error = NULL;
  PortholeProcess *process;

  run = porthole_code_run_new (get_executor (daemon), request->language, request->code,
                               &request->options, PORTHOLE_CODE_RUN_FLAGS_RICH);
  g_signal_connect_object (run, "finished", G_CALLBACK (on_stream_run_finished), stream, 0);
  if (kind == STREAM_RICH)
    g_signal_connect_object (run, "rich", G_CALLBACK (on_stream_rich), stream, 0);

  if (!porthole_code_run_start (run, &error))
    {
      porthole_run_stream_fail (stream, error);
      return;
    }

  /* Attached after the run's own "exited" handler, so the run finishes
   * the stream (with its result) before the stream would alone; `cancel`
   * or a client gone kills the process. */
  process = porthole_code_run_get_process (run);
  if (process != NULL && !porthole_code_run_is_finished (run))
    {
      porthole_run_stream_send_start (stream);
      porthole_run_stream_attach_process (stream, process);
    }
}

/* The first message that carries code starts the run. */
static PortholeRunStream *
start_stream (PortholeWsChannel *channel,
              JsonObject        *message,
              gpointer           user_data)
{
  StreamKind kind = GPOINTER_TO_INT (user_data);
  PortholeDaemon *daemon = porthole_ws_channel_get_daemon (channel);
  g_auto(PortholeExecRequest) request = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *execution_id = NULL;
  g_autoptr(PortholeRunStream) stream = NULL;

  if (!porthole_exec_request_starts_stream (message))
    return NULL;

  execution_id = porthole_run_new_execution_id ();
  stream = porthole_run_stream_new (channel, execution_id);

  /* Text that is not a JSON object ends the session: error, complete,
   * close 1007. */
  if (!porthole_exec_request_parse_stream (&request, daemon, message, DEFAULT_STREAM_TIMEOUT,
                                           kind == STREAM_IPYTHON, &error))
    porthole_run_stream_fail (stream, error);
  else if (request.session != NULL)
    start_stream_cell (stream, kind, daemon, &request);
  else
    start_stream_run (stream, kind, daemon, &request);

  return g_steal_pointer (&stream);
}

static void
open_stream (PortholeRequest         *req,
             SoupWebsocketConnection *connection,
             StreamKind               kind)
{
  porthole_run_stream_accept (req, connection, start_stream, GINT_TO_POINTER (kind));
}

void
porthole_execute_handle_stream (PortholeRequest         *req,
                                SoupWebsocketConnection *connection)
{
  open_stream (req, connection, STREAM_EXECUTE);
}

void
porthole_execute_handle_rich_stream (PortholeRequest         *req,
                                     SoupWebsocketConnection *connection)
{
  open_stream (req, connection, STREAM_RICH);
}

void
porthole_execute_handle_ipython_stream (PortholeRequest         *req,
                                        SoupWebsocketConnection *connection)
{
  open_stream (req, connection, STREAM_IPYTHON);
}

/* Jupyter sessions and the execution cache */

void
porthole_execute_handle_jupyter_sessions (PortholeRequest *req)
{
  PortholeExecutor *executor = get_executor (porthole_request_get_daemon (req));
  JsonArray *sessions = porthole_kernel_manager_list (porthole_executor_get_kernels (executor));
  guint count = json_array_get_length (sessions);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  gboolean available = porthole_executor_has_ipykernel (executor);

  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, count);
  json_object_set_array_member (reply, "sessions", sessions);
  json_object_set_boolean_member (reply, "jupyter_available", available);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_STATUS,
                                 !available ? "unavailable" : count > 0 ? "running" : "available");
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

void
porthole_execute_handle_cache_stats (PortholeRequest *req)
{
  PortholeExecCache *cache = porthole_executor_get_cache (get_executor (porthole_request_get_daemon (req)));
  g_autoptr(JsonObject) stats = porthole_exec_cache_to_json (cache);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  static const char *const copies[] = { "size", "count", "hits", "misses", "hit_rate", "max_size" };

  for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
    json_object_set_member (reply, copies[i], json_object_dup_member (stats, copies[i]));
  json_object_set_object_member (reply, "cache", g_steal_pointer (&stats));
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

void
porthole_execute_handle_cache_clear (PortholeRequest *req)
{
  PortholeExecCache *cache = porthole_executor_get_cache (get_executor (porthole_request_get_daemon (req)));
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  guint removed = porthole_exec_cache_clear (cache);

  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE, "Cache cleared");
  json_object_set_int_member (reply, "entries_removed", removed);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}
