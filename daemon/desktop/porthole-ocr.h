/* porthole-ocr.h — text on screen through libtesseract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-frame.h"

G_BEGIN_DECLS

typedef struct
{
  char *text;
  double confidence;
  PortholeRect box;       /* root coordinates */
  guint line;
} PortholeOcrWord;

typedef struct
{
  char *text;
  char *language;
  double confidence;
  GArray *words;          /* PortholeOcrWord */
  gboolean timed_out;
} PortholeOcrResult;

typedef struct
{
  char *text;
  double confidence;
  PortholeRect box;
} PortholeOcrMatch;

void     porthole_ocr_result_free     (PortholeOcrResult       *result);
void     porthole_ocr_match_clear     (PortholeOcrMatch        *match);
gboolean porthole_ocr_result_find     (PortholeOcrResult       *result,
                                       const char              *text,
                                       gboolean                 exact,
                                       PortholeOcrMatch        *match);
gboolean porthole_ocr_language_is_valid (const char            *language);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeOcrResult, porthole_ocr_result_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeOcrMatch, porthole_ocr_match_clear)

/* The ocr plugin's table (porthole-plugin.h): one engine is used by
 * one thread at a time. */
#define PORTHOLE_PLUGIN_OCR "ocr"

typedef struct _PortholeOcrEngine PortholeOcrEngine;

typedef struct
{
  PortholeOcrEngine *(*engine_new)       (const char          *language,
                                          GError             **error);
  void               (*engine_free)      (PortholeOcrEngine   *engine);
  /* Forgets the last image, keeps the language loaded. */
  void               (*engine_clear)     (PortholeOcrEngine   *engine);
  PortholeOcrResult *(*engine_recognize) (PortholeOcrEngine   *engine,
                                          PortholeFrame       *frame,
                                          const char          *language,
                                          guint                deadline_ms,
                                          GCancellable        *cancellable,
                                          GError             **error);
} PortholeOcrPlugin;

#define PORTHOLE_TYPE_OCR (porthole_ocr_get_type ())

G_DECLARE_FINAL_TYPE (PortholeOcr, porthole_ocr, PORTHOLE, OCR, GObject)

PortholeOcr       *porthole_ocr_new              (void);
void               porthole_ocr_recognize_async  (PortholeOcr          *self,
                                                  PortholeFrame        *frame,
                                                  const char           *language,
                                                  guint                 deadline_ms,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
PortholeOcrResult *porthole_ocr_recognize_finish (PortholeOcr          *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
