/* fuzz-requests.c — the request-body parsers of the run routes, called
 * on what porthole_json_parse() accepted: /execute (every language, the
 * kernel session form, the Python-only form) and /commands/run. Only
 * parsed: nothing is run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-command.h"
#include "porthole-exec-request.h"
#include "porthole-fuzz.h"
#include "porthole-json.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PortholeDaemon *daemon = porthole_fuzz_get_daemon ();
  g_autoptr(JsonNode) node = porthole_json_parse ((const char *) data, size, NULL);
  JsonObject *fields;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  fields = json_node_get_object (node);

  for (guint python_only = 0; python_only < 2; python_only++)
    {
      g_auto(PortholeExecRequest) request = { 0 };
      g_autoptr(GError) error = NULL;
      gboolean ok = porthole_exec_request_parse (&request, daemon, fields, 30, python_only, python_only, &error);

      g_assert (ok == (error == NULL));
      if (ok)
        g_assert_nonnull (request.code);
    }

  {
    g_auto(PortholeCommand) command = { 0 };
    g_autoptr(GError) error = NULL;
    gboolean ok = porthole_command_parse (&command, daemon, fields, 30, TRUE, &error);

    g_assert (ok == (error == NULL));
    if (ok)
      g_assert_true (command.argv != NULL && command.argv[0] != NULL);
  }

  return 0;
}
