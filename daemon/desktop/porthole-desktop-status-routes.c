/* porthole-desktop-status-routes.c
 *
 * The desktop's log and helper processes (API.md §8.10).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-request.h"
#include "porthole-desktop-status-routes.h"
#include "porthole-protocol.h"

#define DEFAULT_LOG_LINES 200
#define MAX_LOG_LINES 2000

void
porthole_desktop_handle_debug_logs (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_offline (req);
  g_autoptr(JsonObject) reply = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *logs;
  gint64 n_lines;

  if (desktop == NULL ||
      !porthole_request_get_int (req, "lines|limit", DEFAULT_LOG_LINES, &n_lines))
    return;

  if (n_lines < 0)
    {
      porthole_request_reply_invalid (req, "lines", "lines must not be negative");
      return;
    }

  lines = porthole_log_buffer_dup_tail (porthole_desktop_get_log (desktop), MIN (n_lines, MAX_LOG_LINES));
  logs = json_array_new ();
  for (guint i = 0; lines[i]; i++)
    json_array_add_string_element (logs, lines[i]);

  reply = json_object_new ();
  json_object_set_array_member (reply, "logs", logs);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, g_strv_length (lines));
  porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_debug_processes (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_offline (req);
  g_autoptr(GPtrArray) processes = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *array;

  if (desktop == NULL)
    return;

  processes = porthole_desktop_list_processes (desktop);
  array = json_array_new ();
  for (guint i = 0; i < processes->len; i++)
    {
      PortholeDesktopProcess *process = g_ptr_array_index (processes, i);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "pid", process->pid);
      json_object_set_string_member (object, "name", process->name);
      json_object_set_string_member (object, "command", process->command);
      json_object_set_string_member (object, PORTHOLE_MEMBER_STATUS, process->status);
      json_object_set_double_member (object, "cpu_percent", process->cpu_percent);
      json_object_set_double_member (object, "memory_mb", process->memory_mb);
      json_array_add_object_element (array, object);
    }

  reply = json_object_new ();
  json_object_set_array_member (reply, "processes", array);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, processes->len);
  porthole_desktop_request_reply_success (req, reply);
}
