/* porthole-mcp-code-tools.c
 *
 * run_code and run_command run what /execute and /commands/run run,
 * through the same parsing (PortholeExecRequest, PortholeCommand) and
 * runners (PortholeCodeRun, kernel cells, PortholeProcess).
 *
 * Output as it comes goes out as progress notifications when the client
 * gave a progress token: `progress` counts the bytes so far, `message`
 * carries the new text. Rich outputs (plots, HTML) become image and
 * embedded-resource content. A cancelled call kills the run: the client
 * sent notifications/cancelled, or closed the stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-code-run.h"
#include "porthole-command.h"
#include "porthole-daemon.h"
#include "porthole-exec-request.h"
#include "porthole-json.h"
#include "porthole-kernel.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"
#include "porthole-protocol.h"

#define DEFAULT_TIMEOUT 60
/* Output carried by one progress notification, at most. */
#define MAX_PROGRESS_TEXT (16 * 1024)

typedef struct
{
  PortholeMcpCall *call;
  PortholeCodeRun *run;
  PortholeKernelExecution *execution;
  PortholeProcess *process;
  char *session;
  char *display;
  gulong cancelled_id;
  guint64 output_bytes;
} CodeCall;

static void
code_call_free (CodeCall *code)
{
  if (code->cancelled_id != 0)
    g_cancellable_disconnect (porthole_mcp_call_get_cancellable (code->call), code->cancelled_id);
  if (code->run != NULL)
    g_signal_handlers_disconnect_by_data (code->run, code);
  if (code->execution != NULL)
    g_signal_handlers_disconnect_by_data (code->execution, code);
  if (code->process != NULL)
    g_signal_handlers_disconnect_by_data (code->process, code);
  g_clear_object (&code->run);
  g_clear_object (&code->execution);
  g_clear_object (&code->process);
  g_object_unref (code->call);
  g_free (code->session);
  g_free (code->display);
  g_free (code);
}

static void
on_output (GObject    *producer,
           guint       stream,
           const char *text,
           guint64     length,
           CodeCall   *code)
{
  g_autofree char *message = NULL;

  code->output_bytes += length;
  if (!porthole_mcp_call_has_progress_token (code->call))
    return;

  /* A huge burst is summed up, not sent whole: the result has it. */
  if (length > MAX_PROGRESS_TEXT)
    message = g_strdup_printf ("%.*s… (%" G_GUINT64_FORMAT " bytes)", MAX_PROGRESS_TEXT, text, length);
  else
    message = g_strndup (text, length);
  if (stream == PORTHOLE_PROCESS_STDERR)
    {
      g_autofree char *err = g_strconcat ("stderr: ", message, NULL);

      porthole_mcp_call_progress (code->call, code->output_bytes, -1, err);
    }
  else
    porthole_mcp_call_progress (code->call, code->output_bytes, -1, message);
}

typedef struct
{
  PortholeCodeRun *run;
  PortholeKernelExecution *execution;
  PortholeProcess *process;
} Kill;

static gboolean
kill_cb (gpointer user_data)
{
  Kill *kill = user_data;

  if (kill->run != NULL)
    porthole_code_run_kill (kill->run);
  if (kill->execution != NULL)
    porthole_kernel_execution_cancel (kill->execution);
  if (kill->process != NULL)
    porthole_process_kill (kill->process);

  g_clear_object (&kill->run);
  g_clear_object (&kill->execution);
  g_clear_object (&kill->process);
  g_free (kill);
  return G_SOURCE_REMOVE;
}

/* Cancellable handlers run with its lock held, and a run that ends at
 * once would disconnect from it: the killing is done from the loop. */
static void
on_cancelled (GCancellable *cancellable,
              CodeCall     *code)
{
  Kill *kill = g_new0 (Kill, 1);

  kill->run = code->run ? g_object_ref (code->run) : NULL;
  kill->execution = code->execution ? g_object_ref (code->execution) : NULL;
  kill->process = code->process ? g_object_ref (code->process) : NULL;
  g_idle_add_full (G_PRIORITY_HIGH, kill_cb, kill, NULL);
}

static void
watch_cancel (CodeCall *code)
{
  code->cancelled_id = g_cancellable_connect (porthole_mcp_call_get_cancellable (code->call),
                                              G_CALLBACK (on_cancelled), code, NULL);
}

static void
add_text_section (GString    *text,
                  const char *title,
                  const char *body)
{
  if (body == NULL || *body == '\0')
    return;

  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  if (title != NULL)
    g_string_append_printf (text, "%s:\n", title);
  g_string_append (text, body);
}

/* Rich outputs as content: images as images, HTML and SVG as embedded
 * resources, text forms as text; the structured result lists them. */
static JsonArray *
add_rich_outputs (CodeCall   *code,
                  JsonObject *result)
{
  JsonArray *listed = json_array_new ();
  JsonNode *node = json_object_get_member (result, "rich_outputs");
  JsonArray *outputs = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; outputs != NULL && i < json_array_get_length (outputs); i++)
    {
      JsonObject *output = json_array_get_object_element (outputs, i);
      const char *mime = porthole_json_object_get_string (output, PORTHOLE_MEMBER_TYPE);
      const char *data = porthole_json_object_get_string (output, PORTHOLE_MEMBER_DATA);
      JsonObject *metadata = porthole_json_object_get_object (output, "metadata");
      JsonObject *entry = json_object_new ();
      g_autoptr(JsonObject) content = json_object_new ();

      json_object_set_string_member (entry, "mime_type", mime ? mime : "");
      if (metadata != NULL && porthole_json_object_get_string (metadata, "source") != NULL)
        json_object_set_string_member (entry, "source", porthole_json_object_get_string (metadata, "source"));
      json_array_add_object_element (listed, entry);

      if (mime == NULL || data == NULL)
        continue;

      if (g_str_equal (mime, "image/png") || g_str_equal (mime, "image/jpeg"))
        {
          json_object_set_string_member (content, "type", "image");
          json_object_set_string_member (content, "data", data);
          json_object_set_string_member (content, "mimeType", mime);
        }
      else if (g_str_equal (mime, "text/html") || g_str_equal (mime, "image/svg+xml"))
        {
          JsonObject *resource = json_object_new ();
          g_autofree char *uri = g_strdup_printf ("porthole://output/%u%s", i,
                                                  g_str_equal (mime, "text/html") ? ".html" : ".svg");

          json_object_set_string_member (resource, "uri", uri);
          json_object_set_string_member (resource, "mimeType", mime);
          json_object_set_string_member (resource, "text", data);
          json_object_set_string_member (content, "type", "resource");
          json_object_set_object_member (content, "resource", resource);
        }
      else if (g_str_has_prefix (mime, "text/"))
        {
          json_object_set_string_member (content, "type", "text");
          json_object_set_string_member (content, "text", data);
        }
      else
        continue;

      porthole_mcp_call_add_content (code->call, content);
    }

  return listed;
}

/* The /execute result (porthole_*_to_json) as the tool's result. */
static void
finish_code (CodeCall   *code,
             JsonObject *result)
{
  g_autoptr(JsonObject) structured = json_object_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  const char *out = porthole_json_object_get_string (result, "stdout");
  const char *err = porthole_json_object_get_string (result, "stderr");
  const char *value = porthole_json_object_get_string (result, "result");
  gint64 exit_code = json_object_get_int_member_with_default (result, PORTHOLE_MEMBER_EXIT_CODE, -1);
  gboolean timed_out = json_object_get_boolean_member_with_default (result, "timed_out", FALSE);

  json_object_set_int_member (structured, "exit_code", exit_code);
  json_object_set_string_member (structured, "stdout", out ? out : "");
  json_object_set_string_member (structured, "stderr", err ? err : "");
  json_object_set_boolean_member (structured, "timed_out", timed_out);
  json_object_set_boolean_member (structured, "truncated",
                                  json_object_get_boolean_member_with_default (result, "truncated", FALSE));
  json_object_set_double_member (structured, "execution_time",
                                 json_object_get_double_member_with_default (result, "execution_time", 0));
  if (porthole_json_object_get_string (result, "language") != NULL)
    json_object_set_string_member (structured, "language", porthole_json_object_get_string (result, "language"));
  if (code->session != NULL)
    json_object_set_string_member (structured, "session", code->session);
  if (code->display != NULL)
    json_object_set_string_member (structured, "command", code->display);
  if (code->run != NULL || code->execution != NULL)
    {
      if (value != NULL)
        json_object_set_string_member (structured, "result", value);
      else
        json_object_set_null_member (structured, "result");
    }

  add_text_section (text, NULL, out);
  add_text_section (text, "stderr", err);
  add_text_section (text, "result", value);
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  g_string_append_printf (text, timed_out ? "(timed out)" : "(exit code %" G_GINT64_FORMAT ")", exit_code);
  porthole_mcp_call_add_text (code->call, text->str);

  if (code->run != NULL || code->execution != NULL)
    json_object_set_array_member (structured, "outputs", add_rich_outputs (code, result));

  porthole_mcp_call_set_structured (code->call, structured);
  porthole_mcp_call_finish_tool (code->call);
  code_call_free (code);
}

static void
on_run_finished (PortholeCodeRun *run,
                 CodeCall        *code)
{
  g_autoptr(JsonObject) result = porthole_code_run_to_json (run, TRUE);

  finish_code (code, result);
}

static void
on_cell_finished (PortholeKernelExecution *execution,
                  CodeCall                *code)
{
  g_autoptr(JsonObject) result = porthole_kernel_execution_to_json (execution, TRUE);

  finish_code (code, result);
}

static void
tool_run_code (PortholeMcpCall *call,
               JsonObject      *arguments,
               gpointer         user_data)
{
  PortholeDaemon *daemon = porthole_mcp_call_get_daemon (call);
  g_auto(PortholeExecRequest) request = { 0 };
  g_autoptr(GError) error = NULL;
  CodeCall *code;

  if (!porthole_exec_request_parse (&request, daemon, arguments, DEFAULT_TIMEOUT, FALSE, FALSE, &error))
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  code = g_new0 (CodeCall, 1);
  code->call = g_object_ref (call);
  code->session = g_strdup (request.session);

  /* Either may finish (and free @code) before it returns. */
  if (request.session != NULL)
    {
      g_autoptr(PortholeKernelExecution) execution = NULL;
      PortholeKernel *kernel;

      execution = porthole_exec_request_prepare_cell (&request, daemon, &kernel, &error);
      if (execution == NULL)
        {
          porthole_mcp_call_fail_tool (call, error);
          code_call_free (code);
          return;
        }
      code->execution = g_object_ref (execution);
      g_signal_connect (execution, "output", G_CALLBACK (on_output), code);
      g_signal_connect (execution, "finished", G_CALLBACK (on_cell_finished), code);
      watch_cancel (code);
      porthole_kernel_submit (kernel, execution);
      return;
    }
  else
    {
      g_autoptr(PortholeCodeRun) run = NULL;
      PortholeProcess *process;

      run = porthole_code_run_new (porthole_daemon_get_executor (daemon), request.language, request.code,
                                   &request.options, PORTHOLE_CODE_RUN_FLAGS_CAPTURE | PORTHOLE_CODE_RUN_FLAGS_RICH);
      code->run = g_object_ref (run);
      g_signal_connect (run, "finished", G_CALLBACK (on_run_finished), code);
      if (!porthole_code_run_start (run, &error))
        {
          porthole_mcp_call_fail_tool (call, error);
          code_call_free (code);
          return;
        }
      if (porthole_code_run_is_finished (run))
        return;

      process = porthole_code_run_get_process (run);
      if (process != NULL)
        g_signal_connect (process, "output", G_CALLBACK (on_output), code);
      watch_cancel (code);
    }
}

/* run_command */

static void
on_command_exited (PortholeProcess *process,
                   CodeCall        *code)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *err = porthole_command_dup_stderr (process);

  json_object_set_string_member (result, "stdout", porthole_process_get_stdout (process));
  json_object_set_string_member (result, "stderr", err);
  json_object_set_int_member (result, PORTHOLE_MEMBER_EXIT_CODE, porthole_process_get_exit_code (process));
  json_object_set_boolean_member (result, "timed_out", porthole_process_get_timed_out (process));
  json_object_set_boolean_member (result, "truncated", porthole_process_get_truncated (process));
  json_object_set_double_member (result, "execution_time", porthole_process_get_duration (process));
  finish_code (code, result);
}

static void
tool_run_command (PortholeMcpCall *call,
                  JsonObject      *arguments,
                  gpointer         user_data)
{
  PortholeDaemon *daemon = porthole_mcp_call_get_daemon (call);
  g_auto(PortholeCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  PortholeProcess *process;
  CodeCall *code;
  int exit_code;

  if (!porthole_command_parse (&command, daemon, arguments, DEFAULT_TIMEOUT, FALSE, &error))
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  code = g_new0 (CodeCall, 1);
  code->call = g_object_ref (call);
  code->display = g_strdup (command.display);

  process = porthole_command_spawn (&command, PORTHOLE_PROCESS_FLAGS_CAPTURE, &exit_code, &message, &error);
  if (process == NULL)
    {
      g_autoptr(JsonObject) result = json_object_new ();

      if (error != NULL)
        {
          porthole_mcp_call_fail_tool (call, error);
          code_call_free (code);
          return;
        }

      /* Not found, not executable: the command's failure (127, 126). */
      json_object_set_string_member (result, "stdout", "");
      json_object_set_string_member (result, "stderr", message);
      json_object_set_int_member (result, PORTHOLE_MEMBER_EXIT_CODE, exit_code);
      finish_code (code, result);
      return;
    }

  porthole_command_track (daemon, process);
  code->process = process;
  g_signal_connect (process, "output", G_CALLBACK (on_output), code);
  g_signal_connect (process, "exited", G_CALLBACK (on_command_exited), code);
  watch_cancel (code);
}

void
porthole_mcp_code_tools_register (PortholeMcpRegistry *registry,
                                  PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "run_code", tool_run_code },
    { "run_command", tool_run_command },
  };

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-code-tools.json",
                                   entries, G_N_ELEMENTS (entries), server);
}
