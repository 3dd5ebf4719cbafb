/* porthole-desktop-ocr-routes.c
 *
 * Recognition runs in a GTask thread (PortholeOcr). find_element and
 * get_bounds must answer within 5 s (the SDK tests use that HTTP
 * timeout, API.md §1.7), so their recognition has a deadline and
 * whatever was read by then is searched. wait_for is the text wait of
 * porthole-desktop-wait.c (no polling: OCR again only after the area
 * changed); it answers 200 whether the text showed up or not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-ocr-routes.h"
#include "porthole-desktop-request.h"
#include "porthole-desktop-wait.h"
#include "porthole-json.h"
#include "porthole-protocol.h"
#include "porthole-ocr.h"

#define DEFAULT_LANGUAGE "eng"
/* Recognition budget of find_element and get_bounds. */
#define QUICK_DEADLINE_MS 3500
#define DEFAULT_WAIT_TIMEOUT_S 30
#define MAX_WAIT_TIMEOUT_S 3600
#define DEFAULT_INTERVAL_MS 500

typedef enum
{
  OCR_READ,
  OCR_FIND,
  OCR_WAIT,
  OCR_BOUNDS,
} OcrKind;

typedef struct
{
  PortholeRequest *req;
  PortholeDesktop *desktop;
  OcrKind kind;
  char *text;
  gboolean exact;
  gboolean has_area;
  PortholeRect area;
  char *language;
} OcrCall;

static void
ocr_call_free (OcrCall *call)
{
  g_object_unref (call->req);
  g_object_unref (call->desktop);
  g_free (call->text);
  g_free (call->language);
  g_free (call);
}

static JsonObject *
element_to_json (const PortholeOcrMatch *match)
{
  JsonObject *element = json_object_new ();

  json_object_set_int_member (element, "x", match->box.x);
  json_object_set_int_member (element, "y", match->box.y);
  json_object_set_int_member (element, "width", match->box.width);
  json_object_set_int_member (element, "height", match->box.height);
  json_object_set_int_member (element, "center_x", match->box.x + match->box.width / 2);
  json_object_set_int_member (element, "center_y", match->box.y + match->box.height / 2);
  json_object_set_string_member (element, "text", match->text);
  json_object_set_double_member (element, "confidence", match->confidence);

  return element;
}

static void
reply_read (OcrCall           *call,
            PortholeOcrResult *result)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *words = json_array_new ();

  for (guint i = 0; i < result->words->len; i++)
    {
      PortholeOcrWord *word = &g_array_index (result->words, PortholeOcrWord, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "text", word->text);
      json_object_set_int_member (object, "x", word->box.x);
      json_object_set_int_member (object, "y", word->box.y);
      json_object_set_int_member (object, "width", word->box.width);
      json_object_set_int_member (object, "height", word->box.height);
      json_object_set_double_member (object, "confidence", word->confidence);
      json_array_add_object_element (words, object);
    }

  json_object_set_string_member (reply, "text", result->text);
  json_object_set_double_member (reply, "confidence", result->confidence);
  json_object_set_string_member (reply, "language", result->language);
  json_object_set_array_member (reply, "words", words);
  porthole_desktop_request_reply_success (call->req, reply);
}

static void
reply_found (OcrCall          *call,
             PortholeOcrMatch *match)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  gboolean found = match != NULL;

  json_object_set_boolean_member (reply, "found", found);

  switch (call->kind)
    {
    case OCR_FIND:
      if (found)
        json_object_set_object_member (reply, "element", element_to_json (match));
      else
        json_object_set_null_member (reply, "element");
      break;

    case OCR_BOUNDS:
      if (found)
        {
          json_object_set_int_member (reply, "x", match->box.x);
          json_object_set_int_member (reply, "y", match->box.y);
          json_object_set_int_member (reply, "width", match->box.width);
          json_object_set_int_member (reply, "height", match->box.height);
          json_object_set_string_member (reply, "text", match->text);
        }
      else
        {
          json_object_set_null_member (reply, "x");
          json_object_set_null_member (reply, "y");
          json_object_set_null_member (reply, "width");
          json_object_set_null_member (reply, "height");
        }
      break;

    case OCR_READ:
    default:
      g_assert_not_reached ();
    }

  porthole_desktop_request_reply_success (call->req, reply);
}

static void
reply_ocr_error (OcrCall      *call,
                 const GError *error)
{
  if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE) &&
      porthole_x11_display_is_closed (porthole_desktop_get_display (call->desktop)) == FALSE)
    {
      /* Tesseract data for the language is missing. */
      g_autofree char *package = g_strdup_printf ("tesseract-ocr-%s", call->language);

      g_strdelimit (package, "+_", '-');
      porthole_desktop_request_reply_unavailable (call->req, error->message,
                                                  (const char *[]) { package, NULL });
      return;
    }

  porthole_desktop_request_reply_error (call->req, error);
}

static void
on_recognized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  OcrCall *call = user_data;
  g_auto(PortholeOcrMatch) match = { 0 };
  g_autoptr(PortholeOcrResult) ocr = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  ocr = porthole_ocr_recognize_finish (PORTHOLE_OCR (object), result, &error);
  if (ocr == NULL)
    {
      reply_ocr_error (call, error);
      ocr_call_free (call);
      return;
    }

  if (call->kind == OCR_READ)
    {
      reply_read (call, ocr);
      ocr_call_free (call);
      return;
    }

  found = porthole_ocr_result_find (ocr, call->text, call->exact, &match);
  reply_found (call, found ? &match : NULL);
  ocr_call_free (call);
}

static void
start_recognition (OcrCall *call)
{
  g_autoptr(PortholeFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  PortholeX11Capture *capture;
  guint deadline_ms = 0;

  capture = porthole_desktop_get_capture (call->desktop);
  if (capture == NULL)
    error = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
  else
    frame = porthole_x11_capture_grab (capture, call->has_area ? &call->area : NULL, &error);

  if (frame == NULL)
    {
      porthole_desktop_request_reply_error (call->req, error);
      ocr_call_free (call);
      return;
    }

  if (call->kind == OCR_FIND || call->kind == OCR_BOUNDS)
    deadline_ms = QUICK_DEADLINE_MS;

  porthole_ocr_recognize_async (porthole_desktop_get_ocr (call->desktop), frame, call->language,
                                deadline_ms, porthole_request_get_cancellable (call->req),
                                on_recognized, call);
}

static OcrCall *
ocr_call_new (PortholeRequest *req,
              PortholeDesktop *desktop,
              OcrKind          kind)
{
  OcrCall *call = g_new0 (OcrCall, 1);

  call->req = g_object_ref (req);
  call->desktop = g_object_ref (desktop);
  call->kind = kind;
  call->language = g_strdup (DEFAULT_LANGUAGE);

  return call;
}

/* The optional area: top-level x, y, width, height, or a "region" object. */
static gboolean
get_area (PortholeRequest *req,
          OcrCall         *call)
{
  JsonNode *region = porthole_request_get_member (req, "region");

  if (porthole_request_is_replied (req))
    return FALSE;

  if (region != NULL && !JSON_NODE_HOLDS_OBJECT (region))
    {
      porthole_request_reply_invalid (req, "region", "region must be an object {x, y, width, height}");
      return FALSE;
    }

  if (!porthole_desktop_request_get_area (req, region ? json_node_get_object (region) : NULL, FALSE,
                                          &call->has_area, &call->area))
    return FALSE;

  if (call->has_area &&
      !porthole_x11_capture_clip (porthole_desktop_get_capture (call->desktop), &call->area))
    {
      porthole_request_reply_invalid (req, "region", "The area is outside the screen");
      return FALSE;
    }

  return TRUE;
}

static OcrCall *
begin_search (PortholeRequest *req,
              OcrKind          kind)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_with_plugin (req, PORTHOLE_PLUGIN_OCR);
  OcrCall *call;
  const char *text;
  gboolean exact;

  if (desktop == NULL ||
      !porthole_request_require_string (req, "text|query", &text) ||
      !porthole_request_get_boolean (req, "exact", FALSE, &exact))
    return NULL;

  call = ocr_call_new (req, desktop, kind);
  call->text = g_strdup (text);
  call->exact = exact;
  if (!get_area (req, call))
    {
      ocr_call_free (call);
      return NULL;
    }

  return call;
}

void
porthole_desktop_handle_ocr (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin_with_plugin (req, PORTHOLE_PLUGIN_OCR);
  const char *language;
  OcrCall *call;

  if (desktop == NULL ||
      !porthole_request_get_string (req, "language|lang", DEFAULT_LANGUAGE, &language))
    return;

  if (!porthole_ocr_language_is_valid (language))
    {
      porthole_request_reply_invalid (req, "language", "Invalid language \"%s\": expected a tesseract "
                                      "language code such as eng or eng+deu", language);
      return;
    }

  call = ocr_call_new (req, desktop, OCR_READ);
  g_free (call->language);
  call->language = g_strdup (language);
  if (!get_area (req, call))
    {
      ocr_call_free (call);
      return;
    }

  start_recognition (call);
}

void
porthole_desktop_handle_find_element (PortholeRequest *req)
{
  OcrCall *call = begin_search (req, OCR_FIND);

  if (call != NULL)
    start_recognition (call);
}

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  OcrCall *call = user_data;
  g_autoptr(JsonObject) waited = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonObject *element;
  gboolean found;

  waited = porthole_desktop_wait_finish (PORTHOLE_DESKTOP (object), result, &error);
  if (waited == NULL)
    {
      reply_ocr_error (call, error);
      ocr_call_free (call);
      return;
    }

  found = json_object_get_boolean_member (waited, "matched");
  element = porthole_json_object_get_object (waited, "element");
  json_object_set_boolean_member (reply, "found", found);
  /* Not found: an empty object, which the py SDK expects (API.md §8.9). */
  json_object_set_object_member (reply, "element", found && element ? json_object_ref (element) : json_object_new ());
  json_object_set_double_member (reply, "elapsed", json_object_get_int_member (waited, "elapsed_ms") / 1000.0);
  porthole_desktop_request_reply_success (call->req, reply);
  ocr_call_free (call);
}

/* The text wait of POST /desktop/wait, in the SDKs' shape: OCR at once,
 * then again only when the area changed, at least interval_ms apart. */
void
porthole_desktop_handle_wait_for (PortholeRequest *req)
{
  g_auto(PortholeWaitOptions) options = { 0 };
  OcrCall *call;
  gint64 timeout, interval_ms;

  if (!porthole_request_get_int (req, "timeout|timeout_seconds", DEFAULT_WAIT_TIMEOUT_S, &timeout) ||
      !porthole_request_get_int (req, "interval_ms|interval", DEFAULT_INTERVAL_MS, &interval_ms))
    return;

  if (timeout < 0 || timeout > MAX_WAIT_TIMEOUT_S)
    {
      porthole_request_reply_invalid (req, "timeout", "timeout must be 0 to %d seconds", MAX_WAIT_TIMEOUT_S);
      return;
    }
  if (interval_ms < 10 || interval_ms > 60000)
    {
      porthole_request_reply_invalid (req, "interval_ms", "interval_ms must be 10 to 60000");
      return;
    }

  call = begin_search (req, OCR_WAIT);
  if (call == NULL)
    return;

  options.condition = PORTHOLE_WAIT_TEXT;
  options.timeout_ms = timeout * 1000;
  options.text = g_strdup (call->text);
  options.exact = call->exact;
  options.language = g_strdup (call->language);
  options.ocr_interval_ms = interval_ms;
  options.has_region = call->has_area;
  options.region = call->area;
  porthole_desktop_wait_async (call->desktop, &options, porthole_request_get_cancellable (req), on_waited, call);
}

/* By text (OCR), or the geometry of window_id. */
void
porthole_desktop_handle_get_bounds (PortholeRequest *req)
{
  OcrCall *call;

  if (porthole_request_has_field (req, "window_id|id") && !porthole_request_has_field (req, "text|query"))
    {
      PortholeDesktop *desktop = porthole_desktop_request_begin (req);
      g_autoptr(PortholeWindowInfo) info = NULL;
      g_auto(PortholeOcrMatch) match = { 0 };
      Window window;

      if (desktop == NULL || !porthole_desktop_request_get_window (req, TRUE, &window))
        return;

      call = ocr_call_new (req, desktop, OCR_BOUNDS);
      info = porthole_x11_windows_get_info (porthole_desktop_get_windows (desktop), window, NULL);
      if (info != NULL)
        {
          match.text = g_strdup (info->title);
          match.box = info->geometry;
          match.confidence = 100;
        }
      reply_found (call, info ? &match : NULL);
      ocr_call_free (call);
      return;
    }

  call = begin_search (req, OCR_BOUNDS);
  if (call != NULL)
    start_recognition (call);
}
