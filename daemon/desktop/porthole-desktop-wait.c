/* porthole-desktop-wait.c
 *
 * A wait does nothing until something tells it to look: no timer polls.
 *  - change, stable: the shared XDamage notifier (porthole-x11-damage.c)
 *    says when and where the screen changed; stable is a timer that each
 *    change pushes back;
 *  - window, window_gone: X events on the root (porthole-x11-windows.c
 *    watching), then the window list is read again;
 *  - text: OCR of the region once at the start, then again only after
 *    the region changed (damage), at most every ocr_interval_ms, never two
 *    at a time;
 *  - accessible: the query once at the start, then again after AT-SPI
 *    events (porthole_a11y_watch), a window coming or going, or, as a
 *    backstop for toolkits that do not say, a screen change (at most
 *    once a second).
 * The timeout ends it with matched false (200, as x11/wait_for: a wait
 * that ran out is an answer, not an error). The answer says what
 * happened and when, and carries a screenshot when asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-a11y.h"
#include "porthole-desktop.h"
#include "porthole-desktop-fields.h"
#include "porthole-desktop-wait.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-ocr.h"
#include "porthole-plugin.h"
#include "porthole-protocol.h"
#include "porthole-x11-damage.h"

#define DEFAULT_LANGUAGE "eng"
/* A11y events come in bursts: one query for a burst. */
#define A11Y_SETTLE_MS 50
/* Screen changes as a reason to query the widgets again: this rarely. */
#define A11Y_DAMAGE_INTERVAL_MS 1000
/* What the first recognition may take when the wait's own time is
 * shorter: as long as the OCR route's quick answers. */
#define FIRST_LOOK_MS 3500

static const struct
{
  const char *name;
  PortholeWaitCondition condition;
} condition_names[] = {
  { "change", PORTHOLE_WAIT_CHANGE },
  { "stable", PORTHOLE_WAIT_STABLE },
  { "window", PORTHOLE_WAIT_WINDOW },
  { "window_gone", PORTHOLE_WAIT_WINDOW_GONE },
  { "text", PORTHOLE_WAIT_TEXT },
  { "accessible", PORTHOLE_WAIT_ACCESSIBLE },
  /* synonyms */
  { "changed", PORTHOLE_WAIT_CHANGE },
  { "idle", PORTHOLE_WAIT_STABLE },
  { "window_appear", PORTHOLE_WAIT_WINDOW },
  { "window_appears", PORTHOLE_WAIT_WINDOW },
  { "window_disappear", PORTHOLE_WAIT_WINDOW_GONE },
  { "window_closed", PORTHOLE_WAIT_WINDOW_GONE },
  { "text_visible", PORTHOLE_WAIT_TEXT },
  { "accessibility", PORTHOLE_WAIT_ACCESSIBLE },
  { "a11y", PORTHOLE_WAIT_ACCESSIBLE },
};

const char *
porthole_wait_condition_to_string (PortholeWaitCondition condition)
{
  for (guint i = 0; i < G_N_ELEMENTS (condition_names); i++)
    if (condition_names[i].condition == condition)
      return condition_names[i].name;

  g_return_val_if_reached ("change");
}

void
porthole_wait_options_clear (PortholeWaitOptions *options)
{
  g_clear_pointer (&options->title, g_free);
  g_clear_pointer (&options->text, g_free);
  g_clear_pointer (&options->language, g_free);
  porthole_a11y_query_clear (&options->accessible);
}

static void
wait_options_copy (const PortholeWaitOptions *options,
                   PortholeWaitOptions       *copy)
{
  *copy = *options;
  copy->title = g_strdup (options->title);
  copy->text = g_strdup (options->text);
  copy->language = g_strdup (options->language);
  porthole_a11y_query_copy (&options->accessible, &copy->accessible);
}

static gboolean
parse_condition (JsonObject             *fields,
                 PortholeWaitCondition  *condition,
                 GError                **error)
{
  const char *name;
  gboolean gone;

  if (!porthole_desktop_fields_get_string (fields, "condition|for|until", &name, error) ||
      !porthole_desktop_fields_get_boolean (fields, "gone", FALSE, &gone, error))
    return FALSE;

  if (name != NULL && *name != '\0')
    {
      for (guint i = 0; i < G_N_ELEMENTS (condition_names); i++)
        if (g_ascii_strcasecmp (name, condition_names[i].name) == 0)
          {
            *condition = condition_names[i].condition;
            return TRUE;
          }

      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid condition \"%s\": expected change, stable, window, window_gone, text "
                   "or accessible", name);
      return FALSE;
    }

  /* Said by what is given. */
  if (json_object_has_member (fields, "accessible") || json_object_has_member (fields, "role"))
    *condition = PORTHOLE_WAIT_ACCESSIBLE;
  else if (json_object_has_member (fields, "title"))
    *condition = gone ? PORTHOLE_WAIT_WINDOW_GONE : PORTHOLE_WAIT_WINDOW;
  else if (json_object_has_member (fields, "text"))
    *condition = PORTHOLE_WAIT_TEXT;
  else if (json_object_has_member (fields, "stable_ms"))
    *condition = PORTHOLE_WAIT_STABLE;
  else
    *condition = PORTHOLE_WAIT_CHANGE;

  return TRUE;
}

static gboolean
parse_region (PortholeWaitOptions  *options,
              JsonObject           *fields,
              GError              **error)
{
  static const char *const names[] = { "x", "y", "width", "height" };
  JsonObject *region;
  gboolean present;
  gint64 values[4];

  region = porthole_desktop_fields_get_object (fields, "region|area", &present, error);
  if (present && region == NULL)
    return FALSE;

  if (!porthole_desktop_fields_get_window (fields, "window_id", &options->region_window, error))
    return FALSE;

  if (region == NULL)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (!json_object_has_member (region, names[i]))
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                       "region needs x, y, width and height (%s is missing)", names[i]);
          return FALSE;
        }
      if (!porthole_desktop_fields_get_int (region, names[i], 0, i < 2 ? -G_MAXINT16 : 1, G_MAXINT16,
                                            &values[i], error))
        return FALSE;
    }

  options->has_region = TRUE;
  options->region = (PortholeRect) { values[0], values[1], values[2], values[3] };
  return TRUE;
}

static gboolean
parse_screenshot (PortholeWaitOptions  *options,
                  JsonObject           *fields,
                  GError              **error)
{
  const char *format;
  gint64 quality;

  if (!porthole_desktop_fields_get_boolean (fields, "screenshot", FALSE, &options->screenshot, error) ||
      !porthole_desktop_fields_get_string (fields, "format", &format, error) ||
      !porthole_desktop_fields_get_int (fields, "quality", 85, 1, 100, &quality, error))
    return FALSE;

  options->image.quality = quality;
  if (format != NULL && !porthole_image_format_from_string (format, &options->image.format))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid format \"%s\": expected png or jpeg", format);
      return FALSE;
    }

  return TRUE;
}

/**
 * porthole_wait_options_parse:
 * @fields: condition (or guessed from the fields given), timeout_ms,
 *   region {x, y, width, height} or window_id, stable_ms, title, gone,
 *   window_id, text, language, interval_ms, exact, accessible {role,
 *   name, text, window_id} (or those at the top), screenshot, format,
 *   quality
 *
 * Returns: FALSE with a MISSING_PARAMETER or INVALID_REQUEST error
 */
gboolean
porthole_wait_options_parse (PortholeWaitOptions  *options,
                             JsonObject           *fields,
                             GError              **error)
{
  const char *title = NULL, *text = NULL, *language = NULL;
  gint64 timeout_ms, stable_ms, interval_ms;

  memset (options, 0, sizeof *options);

  if (!parse_condition (fields, &options->condition, error) ||
      !porthole_desktop_fields_get_int (fields, "timeout_ms", PORTHOLE_WAIT_DEFAULT_TIMEOUT_MS,
                                        0, PORTHOLE_WAIT_MAX_TIMEOUT_MS, &timeout_ms, error) ||
      !porthole_desktop_fields_get_int (fields, "stable_ms", PORTHOLE_WAIT_DEFAULT_STABLE_MS,
                                        1, PORTHOLE_WAIT_MAX_TIMEOUT_MS, &stable_ms, error) ||
      !porthole_desktop_fields_get_int (fields, "interval_ms", PORTHOLE_WAIT_DEFAULT_OCR_INTERVAL_MS,
                                        10, 60000, &interval_ms, error) ||
      !porthole_desktop_fields_get_boolean (fields, "exact", FALSE, &options->exact, error) ||
      !parse_screenshot (options, fields, error))
    goto failed;

  options->timeout_ms = timeout_ms;
  options->stable_ms = stable_ms;
  options->ocr_interval_ms = interval_ms;

  switch (options->condition)
    {
    case PORTHOLE_WAIT_STABLE:
      if (options->stable_ms >= options->timeout_ms)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "stable_ms (%u) must be less than timeout_ms (%u)", options->stable_ms, options->timeout_ms);
          goto failed;
        }
      G_GNUC_FALLTHROUGH;
    case PORTHOLE_WAIT_CHANGE:
      if (!parse_region (options, fields, error))
        goto failed;
      break;

    case PORTHOLE_WAIT_WINDOW:
    case PORTHOLE_WAIT_WINDOW_GONE:
      if (!porthole_desktop_fields_get_string (fields, "title|name", &title, error) ||
          !porthole_desktop_fields_get_window (fields, "window_id", &options->window, error))
        goto failed;
      if ((title == NULL || *title == '\0') &&
          (options->condition == PORTHOLE_WAIT_WINDOW || options->window == 0))
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                       options->condition == PORTHOLE_WAIT_WINDOW
                         ? "title is needed" : "title or window_id is needed");
          goto failed;
        }
      options->title = title && *title ? g_strdup (title) : NULL;
      break;

    case PORTHOLE_WAIT_TEXT:
      if (!porthole_desktop_fields_get_string (fields, "text|query", &text, error) ||
          !porthole_desktop_fields_get_string (fields, "language|lang", &language, error) ||
          !parse_region (options, fields, error))
        goto failed;
      if (text == NULL || *text == '\0')
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER, "text is needed");
          goto failed;
        }
      language = language ? language : DEFAULT_LANGUAGE;
      if (!porthole_ocr_language_is_valid (language))
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Invalid language \"%s\": expected a tesseract language code such as eng", language);
          goto failed;
        }
      options->text = g_strdup (text);
      options->language = g_strdup (language);
      break;

    case PORTHOLE_WAIT_ACCESSIBLE:
      {
        gboolean present;
        JsonObject *query = porthole_desktop_fields_get_object (fields, "accessible", &present, error);

        if (present && query == NULL)
          goto failed;
        if (!porthole_a11y_query_parse (&options->accessible, query ? query : fields, error))
          goto failed;
      }
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;

failed:
  porthole_wait_options_clear (options);
  return FALSE;
}

/* The wait */

typedef struct
{
  PortholeDesktop *desktop;
  PortholeWaitOptions options;
  gint64 started;               /* monotonic */
  gint64 started_wall;
  gboolean finished;
  gboolean first_look;
  /* The timeout came during the first look (text, accessible), which it
   * lets finish: a timeout of 0 is "look once". */
  gboolean timed_out;
  /* The task holds itself while the wait runs. */
  gboolean holds_task;

  GSource *cancelled_source;
  gulong disconnected_id;
  guint timeout_id;

  /* Screen changes */
  PortholeX11Damage *damage;
  guint damage_id;
  guint changes;
  PortholeRect changed_area;
  gint64 last_change;
  guint stable_id;

  /* Windows */
  PortholeX11Windows *windows;
  gulong windows_changed_id;
  PortholeWindowInfo *window;

  /* Looks (text: a recognition, accessible: a query): one at a time,
   * at least look_interval_ms from start to start, again when asked
   * meanwhile. */
  gboolean looking;
  gboolean look_again;
  gint64 last_look;
  guint look_interval_ms;
  guint look_timer_id;
  guint looks;
  GCancellable *work_cancellable;

  /* Widgets */
  PortholeA11y *a11y;
  gulong a11y_changed_id;
  gint64 last_damage_look;

  JsonObject *reply;
} Wait;

static void
wait_free (Wait *wait)
{
  g_assert (wait->damage_id == 0 && wait->timeout_id == 0 && wait->stable_id == 0);

  porthole_wait_options_clear (&wait->options);
  g_clear_object (&wait->desktop);
  g_clear_object (&wait->damage);
  g_clear_object (&wait->windows);
  g_clear_object (&wait->a11y);
  g_clear_object (&wait->work_cancellable);
  g_clear_pointer (&wait->window, porthole_window_info_free);
  g_clear_pointer (&wait->reply, json_object_unref);
  g_free (wait);
}

static gint64
elapsed_ms (Wait   *wait,
            gint64  when)
{
  return (when - wait->started) / 1000;
}

static JsonObject *
rect_to_json (const PortholeRect *rect)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "x", rect->x);
  json_object_set_int_member (object, "y", rect->y);
  json_object_set_int_member (object, "width", rect->width);
  json_object_set_int_member (object, "height", rect->height);
  return object;
}

static JsonObject *
window_to_json (const PortholeWindowInfo *info)
{
  JsonObject *object = json_object_new ();
  g_autofree char *hex = g_strdup_printf ("0x%08lx", (unsigned long) info->id);

  json_object_set_int_member (object, "id", info->id);
  json_object_set_string_member (object, "window_id", hex);
  json_object_set_string_member (object, "title", info->title ? info->title : "");
  json_object_set_string_member (object, "class", info->wm_class ? info->wm_class : "");
  json_object_set_int_member (object, "x", info->geometry.x);
  json_object_set_int_member (object, "y", info->geometry.y);
  json_object_set_int_member (object, "width", info->geometry.width);
  json_object_set_int_member (object, "height", info->geometry.height);
  if (info->pid > 0)
    json_object_set_int_member (object, "pid", info->pid);
  else
    json_object_set_null_member (object, "pid");
  return object;
}

/* Stops listening and looking; the wait's data stays with its task. */
static void
stop_watching (Wait *wait)
{
  g_clear_handle_id (&wait->timeout_id, g_source_remove);
  g_clear_handle_id (&wait->stable_id, g_source_remove);
  g_clear_handle_id (&wait->look_timer_id, g_source_remove);
  if (wait->cancelled_source != NULL)
    {
      g_source_destroy (wait->cancelled_source);
      g_clear_pointer (&wait->cancelled_source, g_source_unref);
    }
  g_clear_signal_handler (&wait->disconnected_id, wait->desktop);

  if (wait->damage_id != 0)
    porthole_x11_damage_unsubscribe (wait->damage, wait->damage_id);
  wait->damage_id = 0;

  if (wait->windows_changed_id != 0)
    {
      g_clear_signal_handler (&wait->windows_changed_id, wait->windows);
      porthole_x11_windows_unwatch (wait->windows);
    }

  if (wait->a11y_changed_id != 0)
    {
      g_clear_signal_handler (&wait->a11y_changed_id, wait->a11y);
      porthole_a11y_unwatch (wait->a11y);
    }

  /* A recognition or a query under way finds the wait over. */
  if (wait->work_cancellable != NULL)
    g_cancellable_cancel (wait->work_cancellable);
}

static void
on_screenshot_encoded (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Wait *wait = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = porthole_image_encode_finish (result, &error);
  g_autofree char *base64 = NULL;
  JsonObject *screenshot;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  base64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  screenshot = json_object_new ();
  json_object_set_string_member (screenshot, "image", base64);
  json_object_set_string_member (screenshot, "format", porthole_image_format_to_string (wait->options.image.format));
  json_object_set_string_member (screenshot, "encoding", "base64");
  json_object_set_int_member (screenshot, "width", wait->options.image.width);
  json_object_set_int_member (screenshot, "height", wait->options.image.height);
  json_object_set_int_member (screenshot, "size", g_bytes_get_size (bytes));
  json_object_set_object_member (wait->reply, "screenshot", screenshot);

  g_task_return_pointer (task, json_object_ref (wait->reply), (GDestroyNotify) json_object_unref);
}

/* Drops the task's hold on itself, once it has returned. */
static void
release (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait->holds_task)
    {
      wait->holds_task = FALSE;
      g_object_unref (task);
    }
}

/* Ends the wait: @matched, or not (timed out). */
static void
finish (GTask    *task,
        gboolean  matched)
{
  Wait *wait = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  g_autofree char *started_at = porthole_timestamp_from_unix (wait->started_wall);
  g_autofree char *ended_at = porthole_timestamp_now ();
  PortholeX11Capture *capture;

  if (wait->finished)
    return;
  wait->finished = TRUE;
  stop_watching (wait);

  if (wait->reply == NULL)
    wait->reply = json_object_new ();
  json_object_set_string_member (wait->reply, "condition", porthole_wait_condition_to_string (wait->options.condition));
  json_object_set_boolean_member (wait->reply, "matched", matched);
  json_object_set_boolean_member (wait->reply, "timed_out", !matched);
  json_object_set_boolean_member (wait->reply, "immediate", matched && wait->first_look);
  json_object_set_int_member (wait->reply, "elapsed_ms", elapsed_ms (wait, now));
  json_object_set_int_member (wait->reply, "timeout_ms", wait->options.timeout_ms);
  json_object_set_string_member (wait->reply, "started_at", started_at);
  json_object_set_string_member (wait->reply, "ended_at", ended_at);
  if (wait->options.has_region)
    json_object_set_object_member (wait->reply, "region", rect_to_json (&wait->options.region));
  if (wait->options.condition == PORTHOLE_WAIT_STABLE)
    {
      json_object_set_int_member (wait->reply, "changes", wait->changes);
      if (wait->changes > 0)
        {
          json_object_set_int_member (wait->reply, "last_change_ms", elapsed_ms (wait, wait->last_change));
          json_object_set_object_member (wait->reply, "area", rect_to_json (&wait->changed_area));
        }
      else
        json_object_set_null_member (wait->reply, "last_change_ms");
    }

  capture = porthole_desktop_get_capture (wait->desktop);
  if (wait->options.screenshot && capture != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PortholeFrame) frame = porthole_x11_capture_grab (capture,
                                                                   wait->options.has_region ? &wait->options.region : NULL,
                                                                   &error);

      if (frame == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          wait->options.image.width = porthole_frame_get_width (frame);
          wait->options.image.height = porthole_frame_get_height (frame);
          porthole_image_encode_async (frame, &wait->options.image, NULL, on_screenshot_encoded,
                                       g_object_ref (task));
        }
      release (task);
      return;
    }

  g_task_return_pointer (task, json_object_ref (wait->reply), (GDestroyNotify) json_object_unref);
  release (task);
}

static void
fail (GTask  *task,
      GError *error)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait->finished)
    {
      g_error_free (error);
      return;
    }
  wait->finished = TRUE;
  stop_watching (wait);
  g_task_return_error (task, error);
  release (task);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Wait *wait = g_task_get_task_data (task);

  wait->timeout_id = 0;
  if (wait->first_look && wait->looking)
    wait->timed_out = TRUE;
  else
    finish (task, FALSE);

  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;

  fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The wait was cancelled"));
  return G_SOURCE_REMOVE;
}

static void
on_disconnected (GTask *task)
{
  fail (task, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                           "The X display went away while waiting"));
}

/* Screen changes */

static gboolean
stable_cb (gpointer user_data)
{
  GTask *task = user_data;
  Wait *wait = g_task_get_task_data (task);

  wait->stable_id = 0;
  finish (task, TRUE);

  return G_SOURCE_REMOVE;
}

static void look_soon (GTask *task);

static void
on_damage (PortholeX11Damage  *damage,
           const PortholeRect *areas,
           guint               n_areas,
           gint64              when,
           gpointer            user_data)
{
  GTask *task = user_data;
  Wait *wait = g_task_get_task_data (task);

  wait->changes++;
  wait->last_change = when;
  for (guint i = 0; i < n_areas; i++)
    porthole_rect_union (&wait->changed_area, &areas[i], &wait->changed_area);

  switch (wait->options.condition)
    {
    case PORTHOLE_WAIT_CHANGE:
      json_object_set_object_member (wait->reply, "area", rect_to_json (&wait->changed_area));
      json_object_set_int_member (wait->reply, "changed_after_ms", elapsed_ms (wait, when));
      finish (task, TRUE);
      break;

    case PORTHOLE_WAIT_STABLE:
      g_clear_handle_id (&wait->stable_id, g_source_remove);
      wait->stable_id = g_timeout_add_full (G_PRIORITY_DEFAULT, wait->options.stable_ms, stable_cb, task, NULL);
      break;

    case PORTHOLE_WAIT_TEXT:
      look_soon (task);
      break;

    case PORTHOLE_WAIT_ACCESSIBLE:
      if ((when - wait->last_damage_look) / 1000 >= A11Y_DAMAGE_INTERVAL_MS)
        {
          wait->last_damage_look = when;
          look_soon (task);
        }
      break;

    case PORTHOLE_WAIT_WINDOW:
    case PORTHOLE_WAIT_WINDOW_GONE:
    default:
      break;
    }
}

/* Windows */

static gboolean
title_matches (Wait       *wait,
               const char *title)
{
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;

  if (title == NULL)
    return FALSE;
  if (wait->options.exact)
    return g_str_equal (title, wait->options.title);

  want = g_utf8_casefold (wait->options.title, -1);
  have = g_utf8_casefold (title, -1);
  return strstr (have, want) != NULL;
}

static PortholeWindowInfo *
find_window (Wait *wait)
{
  g_autoptr(GPtrArray) list = porthole_x11_windows_list (wait->windows);

  for (guint i = 0; i < list->len; i++)
    {
      PortholeWindowInfo *info = g_ptr_array_index (list, i);
      gboolean match = wait->options.window != 0 ? info->id == wait->options.window
                                                   : title_matches (wait, info->title);

      if (match)
        return g_ptr_array_steal_index (list, i);
    }

  return NULL;
}

static void
check_windows (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);
  PortholeWindowInfo *found = find_window (wait);

  if (wait->options.condition == PORTHOLE_WAIT_WINDOW && found != NULL)
    {
      json_object_set_object_member (wait->reply, "window", window_to_json (found));
      porthole_window_info_free (found);
      finish (task, TRUE);
      return;
    }

  if (wait->options.condition == PORTHOLE_WAIT_WINDOW_GONE)
    {
      if (found == NULL)
        {
          if (wait->window != NULL)
            json_object_set_object_member (wait->reply, "window", window_to_json (wait->window));
          finish (task, TRUE);
          return;
        }
      /* The last we saw of it, for the answer. */
      g_clear_pointer (&wait->window, porthole_window_info_free);
      wait->window = found;
      return;
    }

  if (found != NULL)
    porthole_window_info_free (found);
}

static void
on_windows_changed (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait->options.condition == PORTHOLE_WAIT_ACCESSIBLE)
    look_soon (task);
  else
    check_windows (task);
}

/* Looking (OCR, widget queries) */

static void look (GTask *task);

static gboolean
look_timer_cb (gpointer user_data)
{
  GTask *task = user_data;
  Wait *wait = g_task_get_task_data (task);

  wait->look_timer_id = 0;
  look (task);

  return G_SOURCE_REMOVE;
}

/* Something changed: look again, as soon as the last look is over and
 * look_interval_ms has passed since it started. */
static void
look_soon (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  gint64 next = wait->last_look + (gint64) wait->look_interval_ms * 1000;

  if (wait->finished || wait->look_timer_id != 0)
    return;
  if (wait->looking)
    {
      wait->look_again = TRUE;
      return;
    }

  wait->look_timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, now < next ? (next - now) / 1000 + 1 : 0,
                                            look_timer_cb, task, NULL);
}

/* A look ended without a match. */
static void
look_missed (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  wait->first_look = FALSE;
  if (wait->timed_out)
    finish (task, FALSE);
  else if (wait->look_again)
    {
      wait->look_again = FALSE;
      look_soon (task);
    }
}

/* A look that failed ends the wait; TRUE when the look is to be used. */
static gboolean
look_ended (GTask        *task,
            const GError *error)
{
  Wait *wait = g_task_get_task_data (task);

  wait->looking = FALSE;
  if (wait->finished)
    return FALSE;

  wait->looks++;
  json_object_set_int_member (wait->reply,
                              wait->options.condition == PORTHOLE_WAIT_TEXT ? "recognitions" : "queries",
                              wait->looks);
  if (error != NULL)
    {
      fail (task, g_error_copy (error));
      return FALSE;
    }

  return TRUE;
}

static void
on_recognized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Wait *wait = g_task_get_task_data (task);
  g_autoptr(PortholeOcrResult) ocr = NULL;
  g_auto(PortholeOcrMatch) match = { 0 };
  g_autoptr(GError) error = NULL;

  ocr = porthole_ocr_recognize_finish (PORTHOLE_OCR (object), result, &error);
  if (!look_ended (task, error))
    return;

  if (porthole_ocr_result_find (ocr, wait->options.text, wait->options.exact, &match))
    {
      JsonObject *element = json_object_new ();

      json_object_set_int_member (element, "x", match.box.x);
      json_object_set_int_member (element, "y", match.box.y);
      json_object_set_int_member (element, "width", match.box.width);
      json_object_set_int_member (element, "height", match.box.height);
      json_object_set_int_member (element, "center_x", match.box.x + match.box.width / 2);
      json_object_set_int_member (element, "center_y", match.box.y + match.box.height / 2);
      json_object_set_string_member (element, "text", match.text);
      json_object_set_double_member (element, "confidence", match.confidence);
      json_object_set_object_member (wait->reply, "element", element);
      finish (task, TRUE);
      return;
    }

  look_missed (task);
}

static void
on_found (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Wait *wait = g_task_get_task_data (task);
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(GError) error = NULL;

  found = porthole_a11y_find_finish (PORTHOLE_A11Y (object), result, &error);
  if (!look_ended (task, error))
    return;

  if (json_object_get_int_member_with_default (found, "count", 0) > 0)
    {
      json_object_set_array_member (wait->reply, "matches",
                                    json_array_ref (json_object_get_array_member (found, "matches")));
      json_object_set_int_member (wait->reply, "count", json_object_get_int_member (found, "count"));
      finish (task, TRUE);
      return;
    }

  look_missed (task);
}

/* One recognition of the region, or one query of the widgets. */
static void
look (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  if (wait->finished || wait->looking)
    return;

  wait->looking = TRUE;
  wait->look_again = FALSE;
  wait->last_look = now;

  if (wait->options.condition == PORTHOLE_WAIT_TEXT)
    {
      PortholeX11Capture *capture = porthole_desktop_get_capture (wait->desktop);
      g_autoptr(PortholeFrame) frame = NULL;
      g_autoptr(GError) error = NULL;
      gint64 remaining_ms = (wait->started + (gint64) wait->options.timeout_ms * 1000 - now) / 1000;

      if (capture == NULL)
        error = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
      else
        frame = porthole_x11_capture_grab (capture, wait->options.has_region ? &wait->options.region : NULL,
                                           &error);
      if (frame == NULL)
        {
          wait->looking = FALSE;
          fail (task, g_steal_pointer (&error));
          return;
        }
      /* The first look is whole whatever the timeout ("a timeout of 0
       * looks once"): a recognition cut short reads nothing. */
      porthole_ocr_recognize_async (porthole_desktop_get_ocr (wait->desktop), frame, wait->options.language,
                                    wait->first_look ? MAX (FIRST_LOOK_MS, remaining_ms) : MAX (100, remaining_ms),
                                    wait->work_cancellable, on_recognized, g_object_ref (task));
    }
  else
    porthole_a11y_find_async (wait->a11y, &wait->options.accessible, wait->work_cancellable, on_found,
                              g_object_ref (task));
}

/* Starting */

static gboolean
resolve_region (Wait    *wait,
                GError **error)
{
  PortholeX11Capture *capture = porthole_desktop_get_capture (wait->desktop);

  if (wait->options.region_window != 0 && !wait->options.has_region)
    {
      g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (porthole_desktop_get_windows (wait->desktop),
                                                                          wait->options.region_window, error);

      if (info == NULL)
        return FALSE;
      wait->options.has_region = TRUE;
      wait->options.region = info->geometry;
    }

  if (wait->options.has_region && !porthole_x11_capture_clip (capture, &wait->options.region))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST, "The region is outside the screen");
      return FALSE;
    }

  return TRUE;
}

static void
subscribe_damage (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  wait->damage = g_object_ref (porthole_desktop_get_damage (wait->desktop));
  wait->damage_id = porthole_x11_damage_subscribe (wait->damage,
                                                   wait->options.has_region ? &wait->options.region : NULL,
                                                   on_damage, task, NULL);
}

static void
watch_windows (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  wait->windows = g_object_ref (porthole_desktop_get_windows (wait->desktop));
  porthole_x11_windows_watch (wait->windows);
  wait->windows_changed_id = g_signal_connect_swapped (wait->windows, "changed",
                                                       G_CALLBACK (on_windows_changed), task);
}

/**
 * porthole_desktop_wait_async:
 * @desktop: connected (porthole_desktop_ensure())
 *
 * Waits for @options's condition or its timeout. Cancelling
 * @cancellable (the client went away) ends it with G_IO_ERROR_CANCELLED.
 */
void
porthole_desktop_wait_async (PortholeDesktop           *desktop,
                             const PortholeWaitOptions *options,
                             GCancellable              *cancellable,
                             GAsyncReadyCallback        callback,
                             gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Wait *wait;

  g_return_if_fail (PORTHOLE_IS_DESKTOP (desktop));
  g_return_if_fail (options != NULL);

  task = g_task_new (desktop, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_desktop_wait_async);
  /* Its end is what is waited for; a late answer is still an answer. */
  g_task_set_check_cancellable (task, FALSE);

  wait = g_new0 (Wait, 1);
  wait->desktop = g_object_ref (desktop);
  wait_options_copy (options, &wait->options);
  wait->started = g_get_monotonic_time ();
  wait->started_wall = g_get_real_time ();
  wait->first_look = TRUE;
  wait->reply = json_object_new ();
  wait->work_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, wait, (GDestroyNotify) wait_free);

  if (!porthole_desktop_ensure (desktop, &error) || !resolve_region (wait, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!porthole_x11_damage_is_available (porthole_desktop_get_damage (desktop)) &&
      options->condition != PORTHOLE_WAIT_WINDOW && options->condition != PORTHOLE_WAIT_WINDOW_GONE)
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                               "The X server %s has no DAMAGE extension",
                               porthole_desktop_get_display_name (desktop));
      return;
    }
  if (options->condition == PORTHOLE_WAIT_TEXT &&
      porthole_plugin_load (PORTHOLE_PLUGIN_OCR, &error) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The task holds itself until it returns: every source below gets it
   * unowned and is gone by then. */
  wait->disconnected_id = g_signal_connect_swapped (desktop, "disconnected", G_CALLBACK (on_disconnected), task);
  if (cancellable != NULL)
    {
      wait->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (wait->cancelled_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_set_static_name (wait->cancelled_source, "[portholed] wait cancelled");
      g_source_attach (wait->cancelled_source, NULL);
    }
  wait->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, options->timeout_ms, timeout_cb, task, NULL);

  switch (options->condition)
    {
    case PORTHOLE_WAIT_CHANGE:
      subscribe_damage (task);
      wait->first_look = FALSE;
      break;

    case PORTHOLE_WAIT_STABLE:
      subscribe_damage (task);
      wait->stable_id = g_timeout_add_full (G_PRIORITY_DEFAULT, options->stable_ms, stable_cb, task, NULL);
      wait->first_look = FALSE;
      break;

    case PORTHOLE_WAIT_WINDOW:
    case PORTHOLE_WAIT_WINDOW_GONE:
      watch_windows (task);
      check_windows (task);
      if (!wait->finished)
        wait->first_look = FALSE;
      break;

    case PORTHOLE_WAIT_TEXT:
      wait->look_interval_ms = options->ocr_interval_ms;
      subscribe_damage (task);
      look (task);
      break;

    case PORTHOLE_WAIT_ACCESSIBLE:
      wait->a11y = g_object_ref (porthole_desktop_get_a11y (desktop));
      porthole_a11y_watch (wait->a11y);
      wait->a11y_changed_id = g_signal_connect_swapped (wait->a11y, "changed", G_CALLBACK (look_soon), task);
      watch_windows (task);
      subscribe_damage (task);
      wait->look_interval_ms = A11Y_SETTLE_MS;
      wait->last_damage_look = wait->started;
      look (task);
      break;

    default:
      g_assert_not_reached ();
    }

  /* Kept alive by itself until finish() or fail() returns it. */
  if (!wait->finished)
    {
      wait->holds_task = TRUE;
      g_object_ref (task);
    }
}

/**
 * porthole_desktop_wait_finish:
 *
 * Returns: (transfer full): condition, matched, timed_out, immediate
 *   (matched at the first look), elapsed_ms, timeout_ms, started_at,
 *   ended_at, and by condition: area and changed_after_ms (change),
 *   changes and last_change_ms (stable), window (window, window_gone),
 *   element and recognitions (text), matches, count and queries
 *   (accessible), screenshot (if asked)
 */
JsonObject *
porthole_desktop_wait_finish (PortholeDesktop  *desktop,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, desktop), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
