/* porthole-clipboard-history.c
 *
 * Every change of CLIPBOARD, oldest first, bounded in entries and bytes.
 * Lives in the desktop, not in the X connection, so it survives an X
 * server restart; so does the last text set through the API, which
 * /desktop/clipboard/get falls back to when the selection cannot be read
 * (API.md §8.4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-clipboard-history.h"

struct _PortholeClipboardHistory
{
  GObject parent_instance;

  GQueue entries;
  gsize bytes;
  guint max_entries;
  gsize max_bytes;
  char *last_set;
};

G_DEFINE_FINAL_TYPE (PortholeClipboardHistory, porthole_clipboard_history, G_TYPE_OBJECT)

static void
porthole_clipboard_history_finalize (GObject *object)
{
  PortholeClipboardHistory *self = (PortholeClipboardHistory *)object;

  g_queue_clear_full (&self->entries, g_free);
  g_clear_pointer (&self->last_set, g_free);

  G_OBJECT_CLASS (porthole_clipboard_history_parent_class)->finalize (object);
}

static void
porthole_clipboard_history_class_init (PortholeClipboardHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_clipboard_history_finalize;
}

static void
porthole_clipboard_history_init (PortholeClipboardHistory *self)
{
  g_queue_init (&self->entries);
}

PortholeClipboardHistory *
porthole_clipboard_history_new (guint max_entries,
                                gsize max_bytes)
{
  PortholeClipboardHistory *self = g_object_new (PORTHOLE_TYPE_CLIPBOARD_HISTORY, NULL);

  self->max_entries = MAX (1, max_entries);
  self->max_bytes = max_bytes;

  return self;
}

static void
drop_oldest (PortholeClipboardHistory *self)
{
  char *text = g_queue_pop_head (&self->entries);

  self->bytes -= strlen (text);
  g_free (text);
}

/**
 * porthole_clipboard_history_add:
 *
 * Records a change. A text larger than the byte bound is not kept.
 */
void
porthole_clipboard_history_add (PortholeClipboardHistory *self,
                                const char               *text)
{
  gsize length;

  g_return_if_fail (PORTHOLE_IS_CLIPBOARD_HISTORY (self));
  g_return_if_fail (text != NULL);

  length = strlen (text);
  if (length > self->max_bytes)
    return;

  g_queue_push_tail (&self->entries, g_strdup (text));
  self->bytes += length;

  while (self->entries.length > self->max_entries || self->bytes > self->max_bytes)
    drop_oldest (self);
}

/**
 * porthole_clipboard_history_dup_tail:
 *
 * Returns: (transfer full): the last @limit entries, oldest first
 */
GStrv
porthole_clipboard_history_dup_tail (PortholeClipboardHistory *self,
                                     guint                     limit)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint skip;

  g_return_val_if_fail (PORTHOLE_IS_CLIPBOARD_HISTORY (self), NULL);

  skip = self->entries.length > limit ? self->entries.length - limit : 0;
  for (GList *l = self->entries.head; l != NULL; l = l->next)
    {
      if (skip > 0)
        skip--;
      else
        g_strv_builder_add (builder, l->data);
    }

  return g_strv_builder_end (builder);
}

void
porthole_clipboard_history_set_last_set (PortholeClipboardHistory *self,
                                         const char               *text)
{
  g_return_if_fail (PORTHOLE_IS_CLIPBOARD_HISTORY (self));

  g_free (self->last_set);
  self->last_set = g_strdup (text);
}

/**
 * porthole_clipboard_history_get_last_set:
 *
 * Returns: (nullable): the last text set through the API
 */
const char *
porthole_clipboard_history_get_last_set (PortholeClipboardHistory *self)
{
  return self->last_set;
}

/**
 * porthole_clipboard_history_resolve:
 * @read: (nullable): what reading the selection gave, %NULL when nobody
 *   owns it or its owner does not answer
 *
 * Returns: (transfer none): @read, or else what was set last (API.md
 *   §8.4), or ""
 */
const char *
porthole_clipboard_history_resolve (PortholeClipboardHistory *self,
                                    const char               *read)
{
  if (read != NULL)
    return read;

  return self->last_set ? self->last_set : "";
}
