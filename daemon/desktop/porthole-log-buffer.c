/* porthole-log-buffer.c
 *
 * A bounded ring of timestamped lines, shared by the display, the X
 * server supervisor and the desktop routes; /desktop/debug/logs reads it.
 * Lines may come from any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-json.h"
#include "porthole-log-buffer.h"

/* One line is cut after this many bytes (a helper printing a huge line
 * must not fill the buffer). */
#define MAX_LINE_LENGTH 1024

struct _PortholeLogBuffer
{
  GObject parent_instance;

  GMutex mutex;
  GQueue lines;
  guint max_lines;
  char *source;
  /* Output of a child not yet ended by a newline, per source. */
  GHashTable *partial;
};

G_DEFINE_FINAL_TYPE (PortholeLogBuffer, porthole_log_buffer, G_TYPE_OBJECT)

static void
porthole_log_buffer_finalize (GObject *object)
{
  PortholeLogBuffer *self = (PortholeLogBuffer *)object;

  g_queue_clear_full (&self->lines, g_free);
  g_clear_pointer (&self->partial, g_hash_table_unref);
  g_clear_pointer (&self->source, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (porthole_log_buffer_parent_class)->finalize (object);
}

static void
porthole_log_buffer_class_init (PortholeLogBufferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_log_buffer_finalize;
}

static void
porthole_log_buffer_init (PortholeLogBuffer *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->lines);
  self->partial = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * porthole_log_buffer_new:
 * @source: the default source name, e.g. "desktop"
 * @max_lines: lines kept; older ones are dropped
 */
PortholeLogBuffer *
porthole_log_buffer_new (const char *source,
                         guint       max_lines)
{
  PortholeLogBuffer *self;

  g_return_val_if_fail (max_lines > 0, NULL);

  self = g_object_new (PORTHOLE_TYPE_LOG_BUFFER, NULL);
  self->source = g_strdup (source);
  self->max_lines = max_lines;

  return self;
}

static void
push_line_locked (PortholeLogBuffer *self,
                  const char        *source,
                  const char        *text,
                  gsize              length)
{
  g_autofree char *timestamp = porthole_timestamp_now ();
  g_autofree char *valid = NULL;

  length = MIN (length, MAX_LINE_LENGTH);
  valid = g_utf8_make_valid (text, length);

  g_queue_push_tail (&self->lines, g_strdup_printf ("%s [%s] %s", timestamp,
                                                    source ? source : self->source,
                                                    g_strchomp (valid)));
  while (self->lines.length > self->max_lines)
    g_free (g_queue_pop_head (&self->lines));
}

void
porthole_log_buffer_append (PortholeLogBuffer *self,
                            const char        *source,
                            const char        *format,
                            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  g_return_if_fail (PORTHOLE_IS_LOG_BUFFER (self));

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("%s: %s", source ? source : self->source, text);

  g_mutex_lock (&self->mutex);
  push_line_locked (self, source, text, strlen (text));
  g_mutex_unlock (&self->mutex);
}

/**
 * porthole_log_buffer_append_data:
 *
 * Adds raw output of a helper process: complete lines are stored, a
 * trailing partial line waits for the rest.
 */
void
porthole_log_buffer_append_data (PortholeLogBuffer *self,
                                 const char        *source,
                                 const char        *data,
                                 gsize              length)
{
  g_autoptr(GString) pending = NULL;
  char *previous;
  const char *line;
  const char *end;

  g_return_if_fail (PORTHOLE_IS_LOG_BUFFER (self));
  g_return_if_fail (source != NULL);

  g_mutex_lock (&self->mutex);

  previous = g_hash_table_lookup (self->partial, source);
  pending = g_string_new (previous);
  g_string_append_len (pending, data, length);

  line = pending->str;
  while ((end = memchr (line, '\n', pending->str + pending->len - line)) != NULL)
    {
      if (end > line)
        push_line_locked (self, source, line, end - line);
      line = end + 1;
    }

  if (line < pending->str + pending->len)
    g_hash_table_replace (self->partial, g_strdup (source),
                          g_strndup (line, MIN (MAX_LINE_LENGTH, pending->str + pending->len - line)));
  else
    g_hash_table_remove (self->partial, source);

  g_mutex_unlock (&self->mutex);
}

/**
 * porthole_log_buffer_dup_tail:
 *
 * Returns: (transfer full): the last @n_lines lines, oldest first
 */
GStrv
porthole_log_buffer_dup_tail (PortholeLogBuffer *self,
                              guint              n_lines)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GList *link;
  guint skip;

  g_return_val_if_fail (PORTHOLE_IS_LOG_BUFFER (self), NULL);

  g_mutex_lock (&self->mutex);
  skip = self->lines.length > n_lines ? self->lines.length - n_lines : 0;
  for (link = self->lines.head; link != NULL; link = link->next)
    {
      if (skip > 0)
        {
          skip--;
          continue;
        }
      g_strv_builder_add (builder, link->data);
    }
  g_mutex_unlock (&self->mutex);

  return g_strv_builder_end (builder);
}
