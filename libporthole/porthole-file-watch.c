/* porthole-file-watch.c
 *
 * Sends `{"action":"watch","path":…}` on the socket of GET /files/watch;
 * every `change` frame becomes a "changed" signal (event, path,
 * is_directory; a rename's `new_path` as the path), the `watching`
 * acknowledgement sets is-watching, `error` frames become "error"
 * signals (the daemon keeps the socket open after them).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-file-watch.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

struct _PortholeFileWatch
{
  GObject parent_instance;

  SoupWebsocketConnection *connection;
  char *path;
  gboolean watching;
  gboolean closed;
  guint64 n_events;
};

enum {
  CHANGED,
  ERROR,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeFileWatch, porthole_file_watch, G_TYPE_OBJECT)

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *bytes,
            PortholeFileWatch       *self)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *kind;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  node = porthole_json_parse (data, size, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  object = json_node_get_object (node);
  kind = porthole_json_object_get_string (object, PORTHOLE_MEMBER_TYPE);

  if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_CHANGE) == 0)
    {
      const char *event = porthole_json_object_get_string (object, "event");
      const char *path = porthole_json_object_get_string (object, "new_path");
      const char *old_path = porthole_json_object_get_string (object, "old_path");
      gboolean is_directory = FALSE;

      if (path == NULL)
        path = porthole_json_object_get_string (object, PORTHOLE_MEMBER_PATH);
      if (event == NULL || path == NULL)
        return;
      porthole_json_node_get_boolean (json_object_get_member (object, "is_directory"), &is_directory);
      self->n_events++;
      g_signal_emit (self, signals[CHANGED], 0, event, path, old_path, is_directory);
    }
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_WATCHING) == 0)
    self->watching = TRUE;
  else if (g_strcmp0 (kind, PORTHOLE_WS_TYPE_ERROR) == 0)
    {
      const char *error = porthole_json_object_get_string (object, PORTHOLE_MEMBER_ERROR);

      g_signal_emit (self, signals[ERROR], 0, error ? error : "");
    }
}

static void
on_closed (SoupWebsocketConnection *connection,
           PortholeFileWatch       *self)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  self->watching = FALSE;
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
porthole_file_watch_dispose (GObject *object)
{
  PortholeFileWatch *self = (PortholeFileWatch *)object;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (porthole_file_watch_parent_class)->dispose (object);
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

  object_class->dispose = porthole_file_watch_dispose;
  object_class->finalize = porthole_file_watch_finalize;

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

  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
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
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (PORTHOLE_TYPE_FILE_WATCH, NULL);
  self->connection = g_object_ref (connection);
  self->path = g_strdup (path);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);

  json_object_set_string_member (request, "action", "watch");
  json_object_set_string_member (request, PORTHOLE_MEMBER_PATH, path);
  json_node_set_object (node, request);
  text = porthole_json_to_string (node, NULL);
  soup_websocket_connection_send_text (connection, text);

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

void
porthole_file_watch_close (PortholeFileWatch *self)
{
  g_return_if_fail (PORTHOLE_IS_FILE_WATCH (self));

  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}
