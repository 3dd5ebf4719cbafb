/* porthole-rich-channel.c
 *
 * The runner (porthole-runner.py) writes one JSON object per line on a
 * pipe of its own, so nothing the program prints can pass for a rich
 * output. The pipe is read as data arrives (a big figure must not block
 * the child on a full pipe) and once more, without blocking, when the
 * run ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <unistd.h>

#include "porthole-json.h"
#include "porthole-rich-channel.h"

#define READ_CHUNK (64 * 1024)

struct _PortholeRichChannel
{
  GObject parent_instance;

  int fd;
  guint watch_id;
  GString *line;
  gsize received;
  gboolean truncated;
};

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeRichChannel, porthole_rich_channel, G_TYPE_OBJECT)

static void
stop (PortholeRichChannel *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
}

static void
emit_lines (PortholeRichChannel *self)
{
  char *newline;

  while ((newline = memchr (self->line->str, '\n', self->line->len)) != NULL)
    {
      gsize length = newline - self->line->str;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = porthole_json_parse (self->line->str, length, &error);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        g_signal_emit (self, signals[MESSAGE], 0, json_node_get_object (node));
      else
        g_debug ("Ignoring a malformed rich output: %s", error ? error->message : "not an object");
      g_string_erase (self->line, 0, length + 1);
    }
}

/* Returns FALSE at end of file (or on error). */
static gboolean
read_available (PortholeRichChannel *self)
{
  g_autoptr(PortholeRichChannel) hold = g_object_ref (self);
  char buffer[READ_CHUNK];

  while (self->fd >= 0)
    {
      gssize n = read (self->fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return TRUE;
      if (n <= 0)
        return FALSE;

      if (self->received + n > PORTHOLE_RICH_CHANNEL_LIMIT)
        {
          /* Keep reading, so the writer never blocks, but drop it all. */
          self->truncated = TRUE;
          g_string_truncate (self->line, 0);
          continue;
        }
      self->received += n;
      g_string_append_len (self->line, buffer, n);
      emit_lines (self);
    }

  return FALSE;
}

static gboolean
readable_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  PortholeRichChannel *self = user_data;

  if (read_available (self))
    return G_SOURCE_CONTINUE;

  self->watch_id = 0;
  stop (self);
  return G_SOURCE_REMOVE;
}

/**
 * porthole_rich_channel_drain:
 *
 * The run is over: reads what the pipe still holds, without waiting for a
 * descendant that may keep it open, and stops.
 */
void
porthole_rich_channel_drain (PortholeRichChannel *self)
{
  g_return_if_fail (PORTHOLE_IS_RICH_CHANNEL (self));

  read_available (self);
  stop (self);
}

gboolean
porthole_rich_channel_get_truncated (PortholeRichChannel *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RICH_CHANNEL (self), FALSE);

  return self->truncated;
}

static void
porthole_rich_channel_finalize (GObject *object)
{
  PortholeRichChannel *self = (PortholeRichChannel *)object;

  stop (self);
  g_string_free (self->line, TRUE);

  G_OBJECT_CLASS (porthole_rich_channel_parent_class)->finalize (object);
}

static void
porthole_rich_channel_class_init (PortholeRichChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_rich_channel_finalize;

  /**
   * PortholeRichChannel::message:
   * @message: a JsonObject: `msg_type`, `source`, `content`
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
porthole_rich_channel_init (PortholeRichChannel *self)
{
  self->fd = -1;
  self->line = g_string_new (NULL);
}

/**
 * porthole_rich_channel_new:
 * @fd: (transfer full): the read end of the pipe
 */
PortholeRichChannel *
porthole_rich_channel_new (int fd)
{
  PortholeRichChannel *self = g_object_new (PORTHOLE_TYPE_RICH_CHANNEL, NULL);

  self->fd = fd;
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  self->watch_id = g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, readable_cb, self);

  return self;
}
