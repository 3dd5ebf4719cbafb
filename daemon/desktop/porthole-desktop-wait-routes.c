/* porthole-desktop-wait-routes.c
 *
 * Parsing and replying only: the wait is porthole-desktop-wait.c's,
 * which the MCP tool wait_for calls too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-a11y.h"
#include "porthole-desktop-request.h"
#include "porthole-desktop-wait.h"
#include "porthole-desktop-wait-routes.h"
#include "porthole-ocr.h"
#include "porthole-plugin.h"

typedef struct
{
  PortholeRequest *req;
  PortholeWaitCondition condition;
} WaitCall;

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  WaitCall *call = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) missing = NULL;

  reply = porthole_desktop_wait_finish (PORTHOLE_DESKTOP (object), result, &error);
  if (reply != NULL)
    porthole_desktop_request_reply_success (call->req, reply);
  else
    {
      /* What a route of its own would have said was missing. */
      if (call->condition == PORTHOLE_WAIT_ACCESSIBLE &&
          porthole_desktop_ensure (PORTHOLE_DESKTOP (object), NULL))
        missing = porthole_a11y_dup_missing ();
      porthole_desktop_request_reply_error_for (call->req, error, "window", (const char *const *) missing);
    }

  g_object_unref (call->req);
  g_free (call);
}

void
porthole_desktop_handle_wait (PortholeRequest *req)
{
  g_auto(PortholeWaitOptions) options = { 0 };
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  PortholeDesktop *desktop;
  WaitCall *call;

  if ((fields = porthole_request_dup_fields (req)) == NULL)
    return;
  if (!porthole_wait_options_parse (&options, fields, &error))
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  if ((desktop = porthole_desktop_request_begin (req)) == NULL ||
      (options.condition == PORTHOLE_WAIT_TEXT && !porthole_desktop_request_require_plugin (req, PORTHOLE_PLUGIN_OCR)) ||
      (options.screenshot && !porthole_desktop_request_require_plugin (req, PORTHOLE_PLUGIN_IMAGE_ENCODER)))
    return;

  call = g_new0 (WaitCall, 1);
  call->req = g_object_ref (req);
  call->condition = options.condition;
  porthole_desktop_wait_async (desktop, &options, porthole_request_get_cancellable (req), on_waited, call);
}
