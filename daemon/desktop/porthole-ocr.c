/* porthole-ocr.c
 *
 * OCR engines come from the ocr plugin (porthole-ocr-tesseract.c),
 * loaded by the first recognition. An engine takes 150-390 ms to
 * initialise, so engines are kept per language in a pool and reused;
 * each is used by one GTask thread at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-error.h"
#include "porthole-ocr.h"
#include "porthole-plugin.h"

/* Engines alive at once, all languages: each holds tens of MB. */
#define MAX_ENGINES 2

struct _PortholeOcr
{
  GObject parent_instance;

  GMutex mutex;
  GCond engine_returned;
  const PortholeOcrPlugin *plugin;   /* set once an engine was made */
  GHashTable *idle;       /* language -> GSList of PortholeOcrEngine* */
  guint n_engines;        /* idle or in use */
};

G_DEFINE_FINAL_TYPE (PortholeOcr, porthole_ocr, G_TYPE_OBJECT)

void
porthole_ocr_result_free (PortholeOcrResult *result)
{
  for (guint i = 0; i < result->words->len; i++)
    g_free (g_array_index (result->words, PortholeOcrWord, i).text);
  g_array_unref (result->words);
  g_free (result->text);
  g_free (result->language);
  g_free (result);
}

void
porthole_ocr_match_clear (PortholeOcrMatch *match)
{
  g_clear_pointer (&match->text, g_free);
}

/**
 * porthole_ocr_language_is_valid:
 *
 * Returns: TRUE for tesseract language codes ("eng", "chi_sim",
 *   "eng+deu"); anything else could name files outside tessdata
 */
gboolean
porthole_ocr_language_is_valid (const char *language)
{
  gboolean expect_letter = TRUE;

  if (language == NULL || *language == '\0' || strlen (language) > 64)
    return FALSE;

  for (const char *p = language; *p; p++)
    {
      if (g_ascii_isalpha (*p) || (!expect_letter && (*p == '_' || g_ascii_isdigit (*p))))
        expect_letter = FALSE;
      else if (*p == '+' && !expect_letter)
        expect_letter = TRUE;
      else
        return FALSE;
    }

  return !expect_letter;
}

static void
free_engines (gpointer data)
{
  const PortholeOcrPlugin *plugin = porthole_plugin_peek (PORTHOLE_PLUGIN_OCR);

  /* Engines exist only once the plugin is loaded. */
  g_slist_free_full (data, (GDestroyNotify) plugin->engine_free);
}

static void
porthole_ocr_finalize (GObject *object)
{
  PortholeOcr *self = (PortholeOcr *)object;

  g_clear_pointer (&self->idle, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->engine_returned);

  G_OBJECT_CLASS (porthole_ocr_parent_class)->finalize (object);
}

static void
porthole_ocr_class_init (PortholeOcrClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_ocr_finalize;
}

static void
porthole_ocr_init (PortholeOcr *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->engine_returned);
  self->idle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_engines);
}

PortholeOcr *
porthole_ocr_new (void)
{
  return g_object_new (PORTHOLE_TYPE_OCR, NULL);
}

/* Removes and returns the idle engines of @language. */
static GSList *
take_idle_locked (PortholeOcr *self,
                  const char  *language)
{
  gpointer key = NULL, value = NULL;

  if (!g_hash_table_steal_extended (self->idle, language, &key, &value))
    return NULL;

  g_free (key);
  return value;
}

/* Any idle engine, to be deleted so another language can have one. */
static PortholeOcrEngine *
take_any_idle_locked (PortholeOcr *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->idle);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *language = g_strdup (key);
      GSList *idle = take_idle_locked (self, language);
      PortholeOcrEngine *engine = idle->data;

      idle = g_slist_delete_link (idle, idle);
      if (idle != NULL)
        g_hash_table_insert (self->idle, g_steal_pointer (&language), idle);
      return engine;
    }

  return NULL;
}

/* An engine for @language: an idle one, a new one while fewer than
 * MAX_ENGINES exist, or the next one given back. Runs in a thread. */
static PortholeOcrEngine *
take_engine (PortholeOcr  *self,
             const char   *language,
             GError      **error)
{
  const PortholeOcrPlugin *plugin;
  PortholeOcrEngine *engine = NULL;
  PortholeOcrEngine *spare = NULL;
  GSList *idle;

  plugin = porthole_plugin_load (PORTHOLE_PLUGIN_OCR, error);
  if (plugin == NULL)
    return NULL;

  g_mutex_lock (&self->mutex);
  self->plugin = plugin;
  for (;;)
    {
      idle = take_idle_locked (self, language);
      if (idle != NULL)
        {
          engine = idle->data;
          idle = g_slist_delete_link (idle, idle);
          if (idle != NULL)
            g_hash_table_insert (self->idle, g_strdup (language), idle);
          break;
        }
      if (self->n_engines < MAX_ENGINES)
        {
          self->n_engines++;
          break;
        }
      /* All busy or idle in other languages: reuse a slot. */
      if ((spare = take_any_idle_locked (self)) != NULL)
        break;
      g_cond_wait (&self->engine_returned, &self->mutex);
    }
  g_mutex_unlock (&self->mutex);

  if (spare != NULL)
    plugin->engine_free (spare);
  if (engine != NULL)
    return engine;

  engine = plugin->engine_new (language, error);
  if (engine == NULL)
    {
      g_mutex_lock (&self->mutex);
      self->n_engines--;
      g_cond_signal (&self->engine_returned);
      g_mutex_unlock (&self->mutex);
      return NULL;
    }

  return engine;
}

static void
give_back_engine (PortholeOcr       *self,
                  const char        *language,
                  PortholeOcrEngine *engine)
{
  GSList *idle;

  self->plugin->engine_clear (engine);

  g_mutex_lock (&self->mutex);
  idle = take_idle_locked (self, language);
  g_hash_table_insert (self->idle, g_strdup (language), g_slist_prepend (idle, engine));
  g_cond_signal (&self->engine_returned);
  g_mutex_unlock (&self->mutex);
}

typedef struct
{
  PortholeFrame *frame;
  char *language;
  guint deadline_ms;
} RecognizeData;

static void
recognize_data_free (RecognizeData *data)
{
  porthole_frame_unref (data->frame);
  g_free (data->language);
  g_free (data);
}

static void
recognize_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PortholeOcr *self = source_object;
  RecognizeData *data = task_data;
  PortholeOcrResult *result;
  PortholeOcrEngine *engine;
  GError *error = NULL;

  engine = take_engine (self, data->language, &error);
  if (engine == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  result = self->plugin->engine_recognize (engine, data->frame, data->language, data->deadline_ms,
                                           cancellable, &error);
  give_back_engine (self, data->language, engine);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) porthole_ocr_result_free);
}

/**
 * porthole_ocr_recognize_async:
 * @deadline_ms: stop recognising after this long (0: no limit); words
 *   found until then are returned
 */
void
porthole_ocr_recognize_async (PortholeOcr         *self,
                              PortholeFrame       *frame,
                              const char          *language,
                              guint                deadline_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RecognizeData *data;

  g_return_if_fail (PORTHOLE_IS_OCR (self));
  g_return_if_fail (frame != NULL);
  g_return_if_fail (porthole_ocr_language_is_valid (language));

  data = g_new0 (RecognizeData, 1);
  data->frame = porthole_frame_ref (frame);
  data->language = g_strdup (language);
  data->deadline_ms = deadline_ms;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_ocr_recognize_async);
  g_task_set_task_data (task, data, (GDestroyNotify) recognize_data_free);
  g_task_run_in_thread (task, recognize_thread);
}

PortholeOcrResult *
porthole_ocr_recognize_finish (PortholeOcr   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
normalize (const char *text,
           gboolean    exact)
{
  g_auto(GStrv) parts = g_strsplit_set (text, " \t\n\r", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (joined->len > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, parts[i]);
    }

  if (exact)
    return g_string_free (g_steal_pointer (&joined), FALSE);

  return g_utf8_casefold (joined->str, -1);
}

static void
set_match (PortholeOcrMatch *match,
           GArray           *words,
           guint             first,
           guint             last)
{
  g_autoptr(GString) text = g_string_new (NULL);
  int x1 = G_MAXINT, y1 = G_MAXINT, x2 = G_MININT, y2 = G_MININT;
  double confidence = 0;

  for (guint i = first; i <= last; i++)
    {
      PortholeOcrWord *word = &g_array_index (words, PortholeOcrWord, i);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, word->text);
      x1 = MIN (x1, word->box.x);
      y1 = MIN (y1, word->box.y);
      x2 = MAX (x2, word->box.x + word->box.width);
      y2 = MAX (y2, word->box.y + word->box.height);
      confidence += word->confidence;
    }

  match->text = g_string_free (g_steal_pointer (&text), FALSE);
  match->confidence = confidence / (last - first + 1);
  match->box = (PortholeRect) { x1, y1, x2 - x1, y2 - y1 };
}

/**
 * porthole_ocr_result_find:
 * @exact: the words must equal @text (case and all); otherwise @text is
 *   a case-insensitive substring of a line
 *
 * Returns: TRUE and fills @match with the words that hold @text
 */
gboolean
porthole_ocr_result_find (PortholeOcrResult *result,
                          const char        *text,
                          gboolean           exact,
                          PortholeOcrMatch  *match)
{
  g_autofree char *needle = normalize (text, exact);
  GArray *words = result->words;

  if (*needle == '\0')
    return FALSE;

  for (guint start = 0; start < words->len;)
    {
      guint line = g_array_index (words, PortholeOcrWord, start).line;
      guint end = start;
      g_autoptr(GString) haystack = g_string_new (NULL);
      g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));

      /* One line: its words, joined by spaces, each word's start offset. */
      while (end < words->len && g_array_index (words, PortholeOcrWord, end).line == line)
        {
          g_autofree char *word = normalize (g_array_index (words, PortholeOcrWord, end).text, exact);

          if (haystack->len > 0)
            g_string_append_c (haystack, ' ');
          g_array_append_val (offsets, haystack->len);
          g_string_append (haystack, word);
          end++;
        }

      if (exact)
        {
          for (guint i = 0; i < offsets->len; i++)
            {
              gsize from = g_array_index (offsets, gsize, i);

              for (guint j = i; j < offsets->len; j++)
                {
                  gsize to = j + 1 < offsets->len ? g_array_index (offsets, gsize, j + 1) - 1 : haystack->len;

                  if (to - from == strlen (needle) && strncmp (haystack->str + from, needle, to - from) == 0)
                    {
                      set_match (match, words, start + i, start + j);
                      return TRUE;
                    }
                }
            }
        }
      else
        {
          const char *found = strstr (haystack->str, needle);

          if (found != NULL)
            {
              gsize from = found - haystack->str;
              gsize to = from + strlen (needle);
              guint first = 0, last = 0;

              for (guint i = 0; i < offsets->len; i++)
                {
                  if (g_array_index (offsets, gsize, i) <= from)
                    first = i;
                  if (g_array_index (offsets, gsize, i) < to)
                    last = i;
                }
              set_match (match, words, start + first, start + last);
              return TRUE;
            }
        }

      start = end;
    }

  return FALSE;
}
