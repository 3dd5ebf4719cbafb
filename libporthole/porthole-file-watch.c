/* porthole-file-watch.c
 *
 * Sends `{"action":"watch","path":…}` on the socket of GET /files/watch;
 * every `change` frame becomes a "changed" signal (event, path,
 * is_directory; a rename's `new_path` as the path), the `watching`
 * acknowledgement sets is-watching; `error` frames become
 * PortholeWsObject's "error" signals (the daemon keeps the socket open
 * after them).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-file-watch.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

struct _PortholeFileWatch
{
  PortholeWsObject parent_instance;

  char *path;
  gboolean watching;
  guint64 n_events;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeFileWatch, porthole_file_watch, PORTHOLE_TYPE_WS_OBJECT)

static void
porthole_file_watch_message (PortholeWsObject *object,
                             const char       *kind,
                             JsonObject       *message)
{
  PortholeFileWatch *self = PORTHOLE_FILE_WATCH (object);

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_CHANGE) == 0)
    {
      const char *event = porthole_json_object_get_string (message, "event");
      const char *path = porthole_json_object_get_string (message, "new_path");
      const char *old_path = porthole_json_object_get_string (message, "old_path");
      gboolean is_directory = FALSE;

      if (path == NULL)
        path = porthole_json_object_get_string (message, PORTHOLE_MEMBER_PATH);
      if (event == NULL || path == NULL)
        return;
      porthole_json_node_get_boolean (json_object_get_member (message, "is_directory"), &is_directory);
      self->n_events++;
      g_signal_emit (self, signals[CHANGED], 0, event, path, old_path, is_directory);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_WATCHING) == 0)
    self->watching = TRUE;
}

static void
porthole_file_watch_closed (PortholeWsObject *object)
{
  PORTHOLE_FILE_WATCH (object)->watching = FALSE;
}

static void
porthole_file_watch_finalize (GObject *object)
{
  PortholeFileWatch *self = (PortholeFileWatch *)object;

  g_free (self->path);

  G_OBJECT_CLASS (porthole_file_watch_parent_class)->finalize (object);
}

static void
porthole_file_watch_class_init (PortholeFileWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PortholeWsObjectClass *ws_class = PORTHOLE_WS_OBJECT_CLASS (klass);

  object_class->finalize = porthole_file_watch_finalize;
  ws_class->message = porthole_file_watch_message;
  ws_class->closed = porthole_file_watch_closed;

  /**
   * PortholeFileWatch::changed:
   * @event: created, modified, deleted or renamed
   * @path: the path (a rename's new path)
   * @old_path: (nullable): a rename's old path
   * @is_directory: whether it is a directory
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
porthole_file_watch_init (PortholeFileWatch *self)
{
}

/**
 * porthole_file_watch_new:
 * @connection: a WebSocket opened on /files/watch
 * @path: the directory to watch
 */
PortholeFileWatch *
porthole_file_watch_new (SoupWebsocketConnection *connection,
                         const char              *path)
{
  PortholeFileWatch *self;
  g_autoptr(JsonObject) request = json_object_new ();

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (PORTHOLE_TYPE_FILE_WATCH, "connection", connection, NULL);
  self->path = g_strdup (path);

  json_object_set_string_member (request, "action", "watch");
  json_object_set_string_member (request, PORTHOLE_MEMBER_PATH, path);
  porthole_ws_object_send (PORTHOLE_WS_OBJECT (self), request);

  return self;
}

const char *
porthole_file_watch_get_path (PortholeFileWatch *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_WATCH (self), NULL);

  return self->path;
}

/**
 * porthole_file_watch_is_watching:
 *
 * Returns: whether the daemon acknowledged the watch
 */
gboolean
porthole_file_watch_is_watching (PortholeFileWatch *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_WATCH (self), FALSE);

  return self->watching;
}

guint64
porthole_file_watch_get_n_events (PortholeFileWatch *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_WATCH (self), 0);

  return self->n_events;
}
