/* porthole-desktop-a11y-routes.c
 *
 * Parsing and replying only: the work is porthole-a11y.c's, which the
 * MCP tools call too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-a11y.h"
#include "porthole-daemon.h"
#include "porthole-desktop-a11y-routes.h"
#include "porthole-desktop-request.h"

/* Errors of the accessibility calls: NOT_FOUND is about @resource, and
 * DESKTOP_NOT_AVAILABLE names AT-SPI's packages while X itself works. */
static void
reply_a11y_error (PortholeRequest *req,
                  const GError    *error,
                  const char      *resource)
{
  PortholeDesktop *desktop = porthole_daemon_get_desktop (porthole_request_get_daemon (req));
  g_auto(GStrv) missing = NULL;

  if (porthole_desktop_ensure (desktop, NULL))
    missing = porthole_a11y_dup_missing ();
  porthole_desktop_request_reply_error_for (req, error, resource, (const char *const *) missing);
}

static void
on_snapshot (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortholeRequest) req = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = porthole_a11y_snapshot_finish (PORTHOLE_A11Y (object), result, &error);
  if (reply == NULL)
    reply_a11y_error (req, error, "window");
  else
    porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_accessibility_tree (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  PortholeA11yTreeOptions options;

  if (desktop == NULL || (fields = porthole_request_dup_fields (req)) == NULL)
    return;

  if (!porthole_a11y_tree_options_parse (&options, fields, &error))
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  porthole_a11y_snapshot_async (porthole_desktop_get_a11y (desktop), &options,
                                porthole_request_get_cancellable (req), on_snapshot, g_object_ref (req));
}

static void
on_acted (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeRequest) req = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = porthole_a11y_act_finish (PORTHOLE_A11Y (object), result, &error);
  if (reply == NULL)
    reply_a11y_error (req, error, "element");
  else
    porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_accessibility_action (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  const char *ref, *action, *text;

  if (desktop == NULL ||
      !porthole_request_require_string (req, "ref", &ref) ||
      !porthole_request_require_string (req, "action", &action) ||
      !porthole_request_get_string (req, "text|value", NULL, &text))
    return;

  porthole_a11y_act_async (porthole_desktop_get_a11y (desktop), ref, action, text,
                           porthole_request_get_cancellable (req), on_acted, g_object_ref (req));
}

static void
on_found (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeRequest) req = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = porthole_a11y_find_finish (PORTHOLE_A11Y (object), result, &error);
  if (reply == NULL)
    reply_a11y_error (req, error, "window");
  else
    porthole_desktop_request_reply_success (req, reply);
}

void
porthole_desktop_handle_accessibility_find (PortholeRequest *req)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(JsonObject) fields = NULL;
  g_auto(PortholeA11yQuery) query = { 0 };
  g_autoptr(GError) error = NULL;

  if (desktop == NULL || (fields = porthole_request_dup_fields (req)) == NULL)
    return;

  if (!porthole_a11y_query_parse (&query, fields, &error))
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  porthole_a11y_find_async (porthole_desktop_get_a11y (desktop), &query,
                            porthole_request_get_cancellable (req), on_found, g_object_ref (req));
}
