/* porthole-exec-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-daemon.h"
#include "porthole-error.h"
#include "porthole-exec-request.h"
#include "porthole-executor.h"
#include "porthole-json.h"
#include "porthole-kernel-manager.h"
#include "porthole-protocol.h"

/**
 * porthole_exec_request_clear:
 */
void
porthole_exec_request_clear (PortholeExecRequest *request)
{
  g_clear_pointer (&request->code, g_free);
  porthole_run_options_clear (&request->options);
  g_clear_pointer (&request->session, g_free);
  g_clear_pointer (&request->details, json_object_unref);
}

static gboolean
get_optional_string (JsonObject  *fields,
                     const char  *name,
                     const char **value,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (fields, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid value for '%s': expected a string", name);
      return FALSE;
    }

  *value = json_node_get_string (node);
  return TRUE;
}

/**
 * porthole_exec_request_parse:
 * @fields: the request's fields, or a WebSocket's first message
 * @python_only: /execute/ipython and /stream/ipython: the language is
 *   ignored and the default session is used
 */
gboolean
porthole_exec_request_parse (PortholeExecRequest  *request,
                             PortholeDaemon       *daemon,
                             JsonObject           *fields,
                             guint                 default_timeout,
                             gboolean              zero_is_unlimited,
                             gboolean              python_only,
                             GError              **error)
{
  const char *code, *language = NULL, *session = NULL, *kernel_id = NULL;

  memset (request, 0, sizeof *request);

  if (!get_optional_string (fields, "code", &code, error))
    return FALSE;
  if (code == NULL || *code == '\0')
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                           "Missing required parameter: code");
      return FALSE;
    }
  request->code = g_strdup (code);

  if (!get_optional_string (fields, "language", &language, error) ||
      !get_optional_string (fields, "session", &session, error) ||
      !get_optional_string (fields, "kernel_id", &kernel_id, error))
    return FALSE;

  if (python_only)
    request->language = PORTHOLE_LANGUAGE_PYTHON;
  else if (!porthole_language_parse (language, &request->language, error))
    {
      request->details = json_object_new ();
      json_object_set_array_member (request->details, "supported_languages", porthole_language_dup_accepted ());
      return FALSE;
    }

  if (session == NULL || *session == '\0')
    session = kernel_id;
  if (session != NULL && *session != '\0')
    {
      if (request->language != PORTHOLE_LANGUAGE_PYTHON)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Kernel sessions run Python, not %s", porthole_language_get_name (request->language));
          return FALSE;
        }
      request->session = g_strdup (session);
    }
  else if (python_only)
    request->session = g_strdup (PORTHOLE_KERNEL_DEFAULT_SESSION);

  return porthole_run_options_parse (&request->options, daemon, fields, default_timeout,
                                     zero_is_unlimited, error);
}

/**
 * porthole_exec_request_starts_stream:
 * @message: (nullable): a WebSocket frame as parsed
 *   (porthole_ws_channel_parse_frame())
 *
 * /execute/stream, /stream and /stream/ipython wait for their `execute`:
 * a message of another type first is ignored (API.md §3.9), while text
 * that is not a JSON object ends the session.
 *
 * Returns: %FALSE for a message to ignore
 */
gboolean
porthole_exec_request_starts_stream (JsonObject *message)
{
  const char *type = porthole_json_object_get_string (message, PORTHOLE_MEMBER_TYPE);

  return message == NULL || type == NULL || g_str_equal (type, PORTHOLE_WS_TYPE_EXECUTE);
}

/**
 * porthole_exec_request_parse_stream:
 * @message: (nullable): the message that starts a stream
 *   (porthole_exec_request_starts_stream())
 * @python_only: /stream/ipython
 *
 * porthole_exec_request_parse() of a stream's first message.
 */
gboolean
porthole_exec_request_parse_stream (PortholeExecRequest  *request,
                                    PortholeDaemon       *daemon,
                                    JsonObject           *message,
                                    guint                 default_timeout,
                                    gboolean              python_only,
                                    GError              **error)
{
  const char *type;

  memset (request, 0, sizeof *request);

  if (message == NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                           "Expected {\"type\":\"execute\",\"code\":…} first, not text that is not a JSON object");
      return FALSE;
    }
  if (!porthole_json_object_lookup_string (message, PORTHOLE_MEMBER_TYPE, &type))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Invalid value for 'type': expected a string");
      return FALSE;
    }

  return porthole_exec_request_parse (request, daemon, message, default_timeout, FALSE, python_only, error);
}

/* Runs silently before each cell: the cell sees the working directory
 * and environment of its request, as a fresh process would. */
static char *
kernel_preamble (const PortholeRunOptions *options)
{
  g_autoptr(JsonNode) workdir = json_node_init_string (json_node_alloc (), options->workdir);
  g_autoptr(JsonObject) env = json_object_new ();
  g_autoptr(JsonNode) env_node = NULL;
  g_autofree char *workdir_text = NULL;
  g_autofree char *env_text = NULL;

  for (guint i = 0; options->envp[i]; i++)
    {
      const char *equals = strchr (options->envp[i], '=');
      g_autofree char *name = equals ? g_strndup (options->envp[i], equals - options->envp[i]) : NULL;

      if (name != NULL)
        json_object_set_string_member (env, name, equals + 1);
    }
  env_node = json_node_init_object (json_node_alloc (), env);

  /* JSON strings and objects of strings are Python literals. */
  workdir_text = porthole_json_to_string (workdir, NULL);
  env_text = porthole_json_to_string (env_node, NULL);

  return g_strdup_printf ("import os as _porthole_os\n"
                          "_porthole_os.chdir(%s)\n"
                          "_porthole_os.environ.update(%s)\n"
                          "del _porthole_os\n",
                          workdir_text, env_text);
}

/**
 * porthole_exec_request_prepare_cell:
 * @kernel: (out) (transfer none): the session's kernel
 *
 * A cell of @request for its session's kernel: connects to it; the
 * caller then porthole_kernel_submit()s the cell to @kernel.
 */
PortholeKernelExecution *
porthole_exec_request_prepare_cell (PortholeExecRequest  *request,
                                    PortholeDaemon       *daemon,
                                    PortholeKernel      **kernel,
                                    GError              **error)
{
  PortholeKernelManager *manager = porthole_executor_get_kernels (porthole_daemon_get_executor (daemon));
  g_autofree char *preamble = NULL;

  *kernel = porthole_kernel_manager_get (manager, request->session, error);
  if (*kernel == NULL)
    return NULL;

  preamble = kernel_preamble (&request->options);
  return porthole_kernel_execution_new (request->code, preamble, request->options.timeout);
}

