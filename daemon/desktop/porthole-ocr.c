/* porthole-ocr.c
 *
 * libtesseract's C API (PLATFORM.md §6). An engine takes 150-390 ms to
 * initialise, so engines are kept per language in a pool and reused;
 * each is used by one GTask thread at a time. The frame is turned into
 * 8-bit grey first, upscaled 2x when small (UI text is often below the
 * x-height tesseract likes). A monitor gives each recognition a deadline
 * and stops it when the request is cancelled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <tesseract/capi.h>

#include "porthole-error.h"
#include "porthole-ocr.h"

/* Areas up to this many pixels are upscaled 2x before recognition. */
#define UPSCALE_MAX_PIXELS (800 * 600)
/* Engines alive at once, all languages: each holds tens of MB. */
#define MAX_ENGINES 2

struct _PortholeOcr
{
  GObject parent_instance;

  GMutex mutex;
  GCond engine_returned;
  GHashTable *idle;       /* language -> GSList of TessBaseAPI* */
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
  g_slist_free_full (data, (GDestroyNotify) TessBaseAPIDelete);
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
static TessBaseAPI *
take_any_idle_locked (PortholeOcr *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->idle);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *language = g_strdup (key);
      GSList *idle = take_idle_locked (self, language);
      TessBaseAPI *api = idle->data;

      idle = g_slist_delete_link (idle, idle);
      if (idle != NULL)
        g_hash_table_insert (self->idle, g_steal_pointer (&language), idle);
      return api;
    }

  return NULL;
}

/* An engine for @language: an idle one, a new one while fewer than
 * MAX_ENGINES exist, or the next one given back. Runs in a thread. */
static TessBaseAPI *
take_engine (PortholeOcr  *self,
             const char   *language,
             GError      **error)
{
  TessBaseAPI *api = NULL;
  TessBaseAPI *spare = NULL;
  GSList *idle;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      idle = take_idle_locked (self, language);
      if (idle != NULL)
        {
          api = idle->data;
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
    TessBaseAPIDelete (spare);
  if (api != NULL)
    return api;

  api = TessBaseAPICreate ();
  /* Quiet: tesseract prints warnings on stderr otherwise. */
  TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  if (TessBaseAPIInit3 (api, NULL, language) != 0)
    {
      TessBaseAPIDelete (api);
      g_mutex_lock (&self->mutex);
      self->n_engines--;
      g_cond_signal (&self->engine_returned);
      g_mutex_unlock (&self->mutex);
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "No tesseract data for language \"%s\"", language);
      return NULL;
    }
  TessBaseAPISetVariable (api, "user_defined_dpi", "96");

  return api;
}

static void
give_back_engine (PortholeOcr *self,
                  const char  *language,
                  TessBaseAPI *api)
{
  GSList *idle;

  TessBaseAPIClear (api);

  g_mutex_lock (&self->mutex);
  idle = take_idle_locked (self, language);
  g_hash_table_insert (self->idle, g_strdup (language), g_slist_prepend (idle, api));
  g_cond_signal (&self->engine_returned);
  g_mutex_unlock (&self->mutex);
}

static void
warm_up_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PortholeOcr *self = source_object;
  const char *language = task_data;
  TessBaseAPI *api = take_engine (self, language, NULL);

  if (api != NULL)
    give_back_engine (self, language, api);
  g_task_return_boolean (task, api != NULL);
}

/**
 * porthole_ocr_warm_up:
 *
 * Initialises an engine for @language in the background, so the first
 * request does not pay for it.
 */
void
porthole_ocr_warm_up (PortholeOcr *self,
                      const char  *language)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTHOLE_IS_OCR (self));
  g_return_if_fail (porthole_ocr_language_is_valid (language));

  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, porthole_ocr_warm_up);
  g_task_set_task_data (task, g_strdup (language), g_free);
  g_task_run_in_thread (task, warm_up_thread);
}

/* 8-bit luma of the BGRX frame, upscaled by @scale (1 or 2). */
static guint8 *
make_grey (PortholeFrame *frame,
           int            scale,
           int           *width,
           int           *height)
{
  int src_width = porthole_frame_get_width (frame);
  int src_height = porthole_frame_get_height (frame);
  guint stride = porthole_frame_get_stride (frame);
  const guint8 *src = porthole_frame_get_data (frame);
  guint8 *grey;

  *width = src_width * scale;
  *height = src_height * scale;
  grey = g_malloc ((gsize) *width * *height);

  for (int y = 0; y < src_height; y++)
    {
      const guint8 *row = src + (gsize) y * stride;
      guint8 *out = grey + (gsize) y * scale * *width;

      for (int x = 0; x < src_width; x++)
        {
          const guint8 *p = row + x * 4;
          guint8 luma = (p[2] * 77 + p[1] * 150 + p[0] * 29) >> 8;

          for (int dx = 0; dx < scale; dx++)
            out[x * scale + dx] = luma;
        }
      for (int dy = 1; dy < scale; dy++)
        memcpy (out + (gsize) dy * *width, out, *width);
    }

  return grey;
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

static bool
cancel_cb (void *cancel_this,
           int   words)
{
  return g_cancellable_is_cancelled (cancel_this);
}

static void
collect_words (TessBaseAPI       *api,
               PortholeOcrResult *result,
               const PortholeRect *origin,
               int                 scale)
{
  TessResultIterator *it = TessBaseAPIGetIterator (api);
  TessPageIterator *page;
  guint line = 0;

  if (it == NULL)
    return;

  page = TessResultIteratorGetPageIterator (it);
  do
    {
      PortholeOcrWord word = { 0 };
      char *text;
      int left, top, right, bottom;

      if (TessPageIteratorIsAtBeginningOf (page, RIL_TEXTLINE))
        line++;
      text = TessResultIteratorGetUTF8Text (it, RIL_WORD);
      if (text == NULL || !TessPageIteratorBoundingBox (page, RIL_WORD, &left, &top, &right, &bottom))
        {
          TessDeleteText (text);
          continue;
        }

      word.text = g_utf8_make_valid (text, -1);
      TessDeleteText (text);
      word.confidence = TessResultIteratorConfidence (it, RIL_WORD);
      word.box.x = origin->x + left / scale;
      word.box.y = origin->y + top / scale;
      word.box.width = MAX (1, (right - left) / scale);
      word.box.height = MAX (1, (bottom - top) / scale);
      word.line = line;
      g_array_append_val (result->words, word);
    }
  while (TessResultIteratorNext (it, RIL_WORD));

  TessResultIteratorDelete (it);
}

static void
recognize_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PortholeOcr *self = source_object;
  RecognizeData *data = task_data;
  g_autoptr(PortholeOcrResult) result = NULL;
  g_autofree guint8 *grey = NULL;
  GError *error = NULL;
  TessBaseAPI *api;
  ETEXT_DESC *monitor;
  char *text;
  int width, height, scale;
  int status;

  api = take_engine (self, data->language, &error);
  if (api == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  scale = (gsize) porthole_frame_get_width (data->frame) * porthole_frame_get_height (data->frame)
          <= UPSCALE_MAX_PIXELS ? 2 : 1;
  grey = make_grey (data->frame, scale, &width, &height);
  TessBaseAPISetImage (api, grey, width, height, 1, width);
  TessBaseAPISetSourceResolution (api, 96 * scale);

  monitor = TessMonitorCreate ();
  if (data->deadline_ms > 0)
    TessMonitorSetDeadlineMSecs (monitor, data->deadline_ms);
  if (cancellable != NULL)
    {
      TessMonitorSetCancelFunc (monitor, cancel_cb);
      TessMonitorSetCancelThis (monitor, cancellable);
    }
  status = TessBaseAPIRecognize (api, monitor);
  TessMonitorDelete (monitor);

  if (g_cancellable_is_cancelled (cancellable))
    {
      give_back_engine (self, data->language, api);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }

  result = g_new0 (PortholeOcrResult, 1);
  result->words = g_array_new (FALSE, TRUE, sizeof (PortholeOcrWord));
  result->language = g_strdup (data->language);
  /* A recognition past its deadline still has what it found so far. */
  result->timed_out = status != 0;

  text = TessBaseAPIGetUTF8Text (api);
  result->text = g_utf8_make_valid (text ? text : "", -1);
  TessDeleteText (text);
  result->confidence = MAX (0, TessBaseAPIMeanTextConf (api));
  collect_words (api, result, porthole_frame_get_area (data->frame), scale);

  give_back_engine (self, data->language, api);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) porthole_ocr_result_free);
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
