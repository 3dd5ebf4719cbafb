/* porthole-runs-routes.c
 *
 * One kill handler serves the five forms of API.md §3.7: the id may come
 * from the path, the query or a JSON body, and may be a process id, an
 * execution id, or the OS pid of any process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include "porthole-daemon.h"
#include "porthole-json.h"
#include "porthole-process.h"
#include "porthole-protocol.h"
#include "porthole-run-table.h"
#include "porthole-runs-routes.h"

void
porthole_runs_handle_list (PortholeRequest *req)
{
  PortholeRunTable *table = porthole_daemon_get_run_table (porthole_request_get_daemon (req));
  g_autoptr(GPtrArray) runs = porthole_run_table_list (table);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  JsonArray *processes = json_array_new ();
  const char *status, *type;

  if (!porthole_request_get_string (req, "status", NULL, &status) ||
      !porthole_request_get_string (req, "type", NULL, &type))
    {
      json_array_unref (processes);
      return;
    }

  for (guint i = 0; i < runs->len; i++)
    {
      PortholeRun *run = g_ptr_array_index (runs, i);

      if (status != NULL && g_strcmp0 (status, porthole_run_status_to_string (porthole_run_get_status (run))) != 0)
        continue;
      if (type != NULL && g_strcmp0 (type, porthole_run_get_run_type (run)) != 0)
        continue;
      json_array_add_object_element (processes, porthole_run_to_json (run));
    }

  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, json_array_get_length (processes));
  json_object_set_array_member (reply, "processes", processes);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

static gboolean
escalate_cb (gpointer user_data)
{
  kill (GPOINTER_TO_INT (user_data), SIGKILL);
  return G_SOURCE_REMOVE;
}

static void
reply_killed (PortholeRequest *req,
              const char      *process_id,
              const char      *status)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (reply, "process_id", process_id);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_STATUS, status);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE,
                                 g_str_equal (status, "killed") ? "Process killed successfully"
                                                                : "Process had already finished");
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

void
porthole_runs_handle_kill (PortholeRequest *req)
{
  PortholeRunTable *table = porthole_daemon_get_run_table (porthole_request_get_daemon (req));
  const char *id = porthole_request_get_param (req, "id");
  PortholeRun *run;
  guint64 pid;

  if (id == NULL && !porthole_request_require_string (req, "process_id|id|execution_id|pid", &id))
    return;

  if ((run = porthole_run_table_lookup (table, id)) != NULL)
    {
      porthole_run_kill (run);
      reply_killed (req, porthole_run_get_process_id (run),
                    porthole_run_status_to_string (porthole_run_get_status (run)));
      return;
    }

  /* Any other process, by pid (the JS test kills one from /processes). */
  if (g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT, &pid, NULL))
    {
      if (pid == 1 || (pid_t) pid == getpid ())
        {
          porthole_request_reply_error (req, 0, PORTHOLE_ERROR_PERMISSION_DENIED, NULL,
                                        "Refusing to kill process %s", id);
          return;
        }

      if (kill ((pid_t) pid, SIGTERM) == 0)
        {
          g_timeout_add (PORTHOLE_PROCESS_KILL_GRACE_MS, escalate_cb, GINT_TO_POINTER ((int) pid));
          reply_killed (req, id, "killed");
          return;
        }
    }

  {
    g_autoptr(JsonObject) details = json_object_new ();

    json_object_set_string_member (details, "process_id", id);
    porthole_request_reply_error (req, 0, PORTHOLE_ERROR_PROCESS_NOT_FOUND, details,
                                  "Process not found: %s", id);
  }
}
