/* porthole-desktop-clipboard-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-clipboard-routes.h"
#include "porthole-desktop-request.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

#define DEFAULT_HISTORY_LIMIT 50

static gboolean
get_selection (PortholeRequest   *req,
               PortholeSelection *selection)
{
  const char *text;

  if (!porthole_request_get_string (req, "selection", NULL, &text))
    return FALSE;

  if (!porthole_selection_from_string (text, selection))
    {
      porthole_request_reply_invalid (req, "selection",
                                      "Invalid selection \"%s\": expected clipboard or primary", text);
      return FALSE;
    }

  return TRUE;
}

static const char *
selection_name (PortholeSelection selection)
{
  return selection == PORTHOLE_SELECTION_PRIMARY ? "primary" : "clipboard";
}

void
porthole_desktop_handle_clipboard_set (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  PortholeSelection selection;
  const char *text;

  /* "" is a text too: it empties the clipboard. */
  if (desktop == NULL ||
      !porthole_desktop_request_get_text (req, "text|content|data", &text) ||
      !get_selection (req, &selection))
    return;

  if (!porthole_x11_clipboard_set_text (porthole_desktop_get_clipboard (desktop), selection, text, &error))
    {
      porthole_desktop_request_reply_error (req, error);
      return;
    }
  porthole_clipboard_history_set_last_set (porthole_desktop_get_clipboard_history (desktop), text);

  reply = json_object_new ();
  json_object_set_int_member (reply, "length", g_utf8_strlen (text, -1));
  json_object_set_string_member (reply, "selection", selection_name (selection));
  porthole_desktop_request_reply_success (req, reply);
}

typedef struct
{
  PortholeRequest *req;
  PortholeDesktop *desktop;
  PortholeSelection selection;
} GetCall;

static void
on_text_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GetCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = porthole_x11_clipboard_get_text_finish (PORTHOLE_X11_CLIPBOARD (object), result, &error);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  /* Nobody owns it, or its owner does not answer: what was set last
   * (API.md §8.4). */
  const char *value = porthole_clipboard_history_resolve (porthole_desktop_get_clipboard_history (call->desktop), text);

  if (text == NULL && error != NULL)
    porthole_log_buffer_append (porthole_desktop_get_log (call->desktop), "clipboard",
                                "Cannot read the %s selection: %s", selection_name (call->selection),
                                error->message);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      json_object_set_string_member (reply, "text", value);
      json_object_set_string_member (reply, "content", value);
      json_object_set_int_member (reply, "length", g_utf8_strlen (value, -1));
      json_object_set_string_member (reply, "selection", selection_name (call->selection));
      json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
      porthole_desktop_request_reply_success (call->req, reply);
    }

  g_object_unref (call->req);
  g_object_unref (call->desktop);
  g_free (call);
}

void
porthole_desktop_handle_clipboard_get (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  PortholeSelection selection;
  GetCall *call;

  if (desktop == NULL || !get_selection (req, &selection))
    return;

  call = g_new0 (GetCall, 1);
  call->req = g_object_ref (req);
  call->desktop = g_object_ref (desktop);
  call->selection = selection;
  porthole_x11_clipboard_get_text_async (porthole_desktop_get_clipboard (desktop), selection,
                                         porthole_request_get_cancellable (req), on_text_read, call);
}

void
porthole_desktop_handle_clipboard_history (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) reply = NULL;
  g_auto(GStrv) entries = NULL;
  JsonArray *history;
  gint64 limit;

  if (desktop == NULL || !porthole_request_get_int (req, "limit", DEFAULT_HISTORY_LIMIT, &limit))
    return;

  if (limit < 0)
    {
      porthole_request_reply_invalid (req, "limit", "limit must not be negative");
      return;
    }

  entries = porthole_clipboard_history_dup_tail (porthole_desktop_get_clipboard_history (desktop),
                                                 MIN (limit, G_MAXUINT));
  history = json_array_new ();
  for (guint i = 0; entries[i]; i++)
    json_array_add_string_element (history, entries[i]);

  reply = json_object_new ();
  json_object_set_array_member (reply, "history", history);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, g_strv_length (entries));
  porthole_desktop_request_reply_success (req, reply);
}
