/* porthole-files-watch.c — GET /files/watch (API.md §5.9)
 *
 * One session per WebSocket: `{"action":"watch","path":…}` (or `?path=`)
 * adds a recursive watch, `{"action":"unwatch",…}` drops one. Events are
 * gathered for a short window and sent once per (event, path): a burst of
 * writes to one file is one `modified`. A session holds a bounded number
 * of distinct events; beyond it events are counted and dropped, and the
 * client gets an `error` saying how many. The session ends only when the
 * client closes it (or the daemon stops): the JS iterator has no end
 * message to wait for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "porthole-daemon.h"
#include "porthole-file-watcher.h"
#include "porthole-files-routes.h"
#include "porthole-target-user.h"
#include "porthole-fs-policy.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-ws-channel.h"

/* Events of a burst are coalesced over this window. */
#define COALESCE_MS 100
/* Distinct events waiting for the client, at most. */
#define MAX_PENDING 1024

typedef struct
{
  PortholeDaemon *daemon;
  PortholeWsChannel *channel;
  /* Watched path → subscription id. */
  GHashTable *watches;
  /* "event\npath" → message, in arrival order. */
  GHashTable *pending;
  GQueue order;
  guint dropped;
  guint flush_id;
} WatchSession;

static void
send_message (WatchSession *session,
              const char   *type,
              const char   *path)
{
  g_autoptr(JsonObject) message = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, type);
  if (path != NULL)
    json_object_set_string_member (message, PORTHOLE_MEMBER_PATH, path);
  json_object_set_string_member (message, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_ws_channel_send (session->channel, message);
}

static void
flush (WatchSession *session)
{
  char *key;

  /* A client that does not read keeps its events here, bounded, rather
   * than in the channel. */
  while (!porthole_ws_channel_is_congested (session->channel) &&
         (key = g_queue_pop_head (&session->order)) != NULL)
    {
      JsonObject *message = g_hash_table_lookup (session->pending, key);

      porthole_ws_channel_send (session->channel, message);
      g_hash_table_remove (session->pending, key);
    }

  if (session->dropped > 0 && !porthole_ws_channel_is_congested (session->channel))
    {
      porthole_ws_channel_send_error_printf (session->channel, PORTHOLE_ERROR_FILE_OPERATION_FAILED,
                  "%u file events were dropped: too many changes at once", session->dropped);
      session->dropped = 0;
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  WatchSession *session = user_data;

  session->flush_id = 0;
  flush (session);

  return G_SOURCE_REMOVE;
}

static void
on_drained (WatchSession *session)
{
  if (session->flush_id == 0)
    flush (session);
}

static void
on_file_event (PortholeFileEvent  event,
               const char        *path,
               const char        *old_path,
               gboolean           is_directory,
               gpointer           user_data)
{
  WatchSession *session = user_data;
  g_autofree char *key = NULL;
  g_autofree char *timestamp = NULL;
  JsonObject *message;

  if (event == PORTHOLE_FILE_EVENT_OVERFLOW)
    {
      session->dropped++;
      goto schedule;
    }

  key = g_strdup_printf ("%s\n%s\n%s", porthole_file_event_to_string (event), path,
                         old_path ? old_path : "");
  if (g_hash_table_contains (session->pending, key))
    return;

  if (g_hash_table_size (session->pending) >= MAX_PENDING)
    {
      session->dropped++;
      goto schedule;
    }

  timestamp = porthole_timestamp_now ();
  message = json_object_new ();
  json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_CHANGE);
  json_object_set_string_member (message, "event", porthole_file_event_to_string (event));
  json_object_set_string_member (message, PORTHOLE_MEMBER_PATH, path);
  json_object_set_boolean_member (message, "is_directory", is_directory);
  if (old_path != NULL)
    {
      json_object_set_string_member (message, "old_path", old_path);
      json_object_set_string_member (message, "new_path", path);
    }
  json_object_set_string_member (message, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  /* The table owns the key; the queue only orders it. */
  g_queue_push_tail (&session->order, key);
  g_hash_table_insert (session->pending, g_steal_pointer (&key), message);

schedule:
  if (session->flush_id == 0)
    session->flush_id = g_timeout_add (COALESCE_MS, flush_cb, session);
}

static void
watch (WatchSession *session,
       const char   *input)
{
  PortholeFsPolicy *policy = porthole_daemon_get_fs_policy (session->daemon);
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GError) error = NULL;
  guint id;
  int fd;

  if (!porthole_fs_policy_resolve (policy, input, &path, &error) ||
      (fd = porthole_fs_path_open (policy, &path, O_PATH | O_DIRECTORY, 0, &error)) < 0)
    {
      porthole_ws_channel_send_error (session->channel, error);
      return;
    }
  close (fd);

  if (!g_hash_table_contains (session->watches, path.path))
    {
      id = porthole_file_watcher_add (porthole_daemon_get_file_watcher (session->daemon),
                                      path.path, on_file_event, session, &error);
      if (id == 0)
        {
          porthole_ws_channel_send_error (session->channel, error);
          return;
        }
      g_hash_table_insert (session->watches, g_strdup (path.path), GUINT_TO_POINTER (id));
    }

  send_message (session, PORTHOLE_WS_TYPE_WATCHING, path.path);
}

static void
unwatch (WatchSession *session,
         const char   *input)
{
  PortholeFsPolicy *policy = porthole_daemon_get_fs_policy (session->daemon);
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GError) error = NULL;
  gpointer id;

  if (!porthole_fs_policy_resolve (policy, input, &path, &error))
    {
      porthole_ws_channel_send_error (session->channel, error);
      return;
    }

  if (g_hash_table_lookup_extended (session->watches, path.path, NULL, &id))
    {
      porthole_file_watcher_remove (porthole_daemon_get_file_watcher (session->daemon), GPOINTER_TO_UINT (id));
      g_hash_table_remove (session->watches, path.path);
    }

  send_message (session, PORTHOLE_WS_TYPE_UNWATCHED, path.path);
}

/**
 * porthole_files_watch_parse_message:
 * @message: (nullable): a frame as parsed (porthole_ws_channel_parse_frame())
 * @path: (out): for ADD and REMOVE, the path as given (in @message)
 *
 * Returns: %FALSE with the error to send back (the session goes on)
 */
gboolean
porthole_files_watch_parse_message (JsonObject                *message,
                                    PortholeFilesWatchAction  *action,
                                    const char               **path,
                                    GError                   **error)
{
  const char *name = NULL;

  *path = NULL;
  if (message != NULL)
    {
      name = porthole_json_object_get_string (message, "action");
      if (name == NULL)
        name = porthole_json_object_get_string (message, PORTHOLE_MEMBER_TYPE);
      *path = porthole_json_object_get_string (message, PORTHOLE_MEMBER_PATH);
    }

  if (g_strcmp0 (name, PORTHOLE_WS_TYPE_PING) == 0)
    {
      *action = PORTHOLE_FILES_WATCH_PING;
      return TRUE;
    }

  if (message == NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                           "Not a JSON object (or nested too deep): send {\"action\":\"watch\"|\"unwatch\",\"path\":…}");
      return FALSE;
    }

  if (g_strcmp0 (name, "watch") != 0 && g_strcmp0 (name, "unwatch") != 0)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Unknown message: send {\"action\":\"watch\"|\"unwatch\",\"path\":…}");
      return FALSE;
    }

  if (*path == NULL && json_object_has_member (message, PORTHOLE_MEMBER_PATH) &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (message, PORTHOLE_MEMBER_PATH)))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Invalid value for 'path': expected a string");
      return FALSE;
    }

  if (*path == NULL || (*path)[0] == '\0')
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                           "Missing required parameter: path");
      return FALSE;
    }

  *action = g_str_equal (name, "watch") ? PORTHOLE_FILES_WATCH_ADD : PORTHOLE_FILES_WATCH_REMOVE;
  return TRUE;
}

static void
on_message (PortholeWsChannel *channel,
            JsonObject        *message,
            const char        *text,
            WatchSession      *session)
{
  g_autoptr(GError) error = NULL;
  g_auto(PortholeFsIdentity) identity = { 0 };
  PortholeFilesWatchAction action;
  const char *path;

  /* Watches are added as the user the route acts for. */
  porthole_fs_as_user_begin (&identity);
  if (!porthole_files_watch_parse_message (message, &action, &path, &error))
    {
      porthole_ws_channel_send_error (session->channel, error);
      return;
    }

  switch (action)
    {
    case PORTHOLE_FILES_WATCH_PING:
      send_message (session, PORTHOLE_WS_TYPE_PONG, NULL);
      break;
    case PORTHOLE_FILES_WATCH_ADD:
      watch (session, path);
      break;
    case PORTHOLE_FILES_WATCH_REMOVE:
      unwatch (session, path);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
session_free (WatchSession *session)
{
  PortholeFileWatcher *watcher = porthole_daemon_get_file_watcher (session->daemon);
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, session->watches);
  while (g_hash_table_iter_next (&iter, NULL, &id))
    porthole_file_watcher_remove (watcher, GPOINTER_TO_UINT (id));

  g_clear_handle_id (&session->flush_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (session->channel, session);
  g_hash_table_unref (session->watches);
  g_hash_table_unref (session->pending);
  g_queue_clear (&session->order);
  g_object_unref (session->channel);
  g_object_unref (session->daemon);
  g_free (session);
}

void
porthole_files_handle_watch (PortholeRequest         *req,
                             SoupWebsocketConnection *connection)
{
  WatchSession *session = g_new0 (WatchSession, 1);
  const char *path = porthole_request_get_query (req, PORTHOLE_MEMBER_PATH);

  session->daemon = g_object_ref (porthole_request_get_daemon (req));
  session->channel = porthole_ws_channel_new (req, connection);
  session->watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  session->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_object_unref);
  g_queue_init (&session->order);

  g_signal_connect (session->channel, "message", G_CALLBACK (on_message), session);
  g_signal_connect_swapped (session->channel, "drained", G_CALLBACK (on_drained), session);
  g_signal_connect_swapped (session->channel, "closed", G_CALLBACK (session_free), session);

  if (path != NULL && path[0] != '\0')
    {
      if (porthole_request_field_has_nul (req, PORTHOLE_MEMBER_PATH))
        porthole_ws_channel_send_error_printf (session->channel, PORTHOLE_ERROR_INVALID_PATH,
                                               "Invalid path: it contains a NUL byte");
      else
        watch (session, path);
    }
}
