/* porthole-ocr-tesseract.c — the OCR plugin
 *
 * libtesseract's C API (PLATFORM.md §6), built as a module
 * (porthole-plugin.h) so that tesseract and leptonica are only mapped
 * once a route reads the screen. The engine pool and the threads are
 * portholed's (porthole-ocr.c); here is what one engine does. The frame
 * is turned into 8-bit grey first, upscaled 2x when small (UI text is
 * often below the x-height tesseract likes). A monitor gives each
 * recognition a deadline and stops it when the request is cancelled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <gmodule.h>
#include <stdbool.h>
#include <string.h>
#include <tesseract/capi.h>

#include "porthole-error.h"
#include "porthole-ocr.h"
#include "porthole-plugin.h"

/* Areas up to this many pixels are upscaled 2x before recognition. */
#define UPSCALE_MAX_PIXELS (800 * 600)

static PortholeOcrEngine *
engine_new (const char  *language,
            GError     **error)
{
  TessBaseAPI *api = TessBaseAPICreate ();

  /* Quiet: tesseract prints warnings on stderr otherwise. */
  TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  if (TessBaseAPIInit3 (api, NULL, language) != 0)
    {
      TessBaseAPIDelete (api);
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "No tesseract data for language \"%s\"", language);
      return NULL;
    }
  TessBaseAPISetVariable (api, "user_defined_dpi", "96");

  return (PortholeOcrEngine *) api;
}

static void
engine_free (PortholeOcrEngine *engine)
{
  TessBaseAPIDelete ((TessBaseAPI *) engine);
}

static void
engine_clear (PortholeOcrEngine *engine)
{
  TessBaseAPIClear ((TessBaseAPI *) engine);
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

/* Runs in a thread, with an engine of @language nobody else uses. */
static PortholeOcrResult *
engine_recognize (PortholeOcrEngine  *engine,
                  PortholeFrame      *frame,
                  const char         *language,
                  guint               deadline_ms,
                  GCancellable       *cancellable,
                  GError            **error)
{
  TessBaseAPI *api = (TessBaseAPI *) engine;
  g_autoptr(PortholeOcrResult) result = NULL;
  g_autofree guint8 *grey = NULL;
  ETEXT_DESC *monitor;
  char *text;
  int width, height, scale;
  int status;

  scale = (gsize) porthole_frame_get_width (frame) * porthole_frame_get_height (frame)
          <= UPSCALE_MAX_PIXELS ? 2 : 1;
  grey = make_grey (frame, scale, &width, &height);
  TessBaseAPISetImage (api, grey, width, height, 1, width);
  TessBaseAPISetSourceResolution (api, 96 * scale);

  monitor = TessMonitorCreate ();
  if (deadline_ms > 0)
    TessMonitorSetDeadlineMSecs (monitor, deadline_ms);
  if (cancellable != NULL)
    {
      TessMonitorSetCancelFunc (monitor, cancel_cb);
      TessMonitorSetCancelThis (monitor, cancellable);
    }
  status = TessBaseAPIRecognize (api, monitor);
  TessMonitorDelete (monitor);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  result = g_new0 (PortholeOcrResult, 1);
  result->words = g_array_new (FALSE, TRUE, sizeof (PortholeOcrWord));
  result->language = g_strdup (language);
  /* A recognition past its deadline still has what it found so far. */
  result->timed_out = status != 0;

  text = TessBaseAPIGetUTF8Text (api);
  result->text = g_utf8_make_valid (text ? text : "", -1);
  TessDeleteText (text);
  result->confidence = MAX (0, TessBaseAPIMeanTextConf (api));
  collect_words (api, result, porthole_frame_get_area (frame), scale);

  return g_steal_pointer (&result);
}

static const PortholeOcrPlugin vtable = {
  .engine_new = engine_new,
  .engine_free = engine_free,
  .engine_clear = engine_clear,
  .engine_recognize = engine_recognize,
};

static const PortholePluginInfo info = {
  .abi_version = PORTHOLE_PLUGIN_ABI_VERSION,
  .name = PORTHOLE_PLUGIN_OCR,
  .vtable = &vtable,
};

G_MODULE_EXPORT const PortholePluginInfo *
porthole_plugin_query (void)
{
  return &info;
}
