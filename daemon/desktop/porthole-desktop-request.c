/* porthole-desktop-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-daemon.h"
#include "porthole-desktop-request.h"
#include "porthole-json.h"
#include "porthole-plugin.h"
#include "porthole-protocol.h"

static PortholeDesktop *
get_desktop (PortholeRequest *req)
{
  return porthole_daemon_get_desktop (porthole_request_get_daemon (req));
}

/**
 * porthole_desktop_request_reply_unavailable:
 * @missing: (nullable): packages; the desktop's own list when %NULL
 *
 * 503 DESKTOP_NOT_AVAILABLE with `missing_dependencies` (API.md §8.0).
 */
void
porthole_desktop_request_reply_unavailable (PortholeRequest   *req,
                                            const char        *message,
                                            const char *const *missing)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_auto(GStrv) own = NULL;
  JsonArray *array = json_array_new ();
  PortholeDesktop *desktop = get_desktop (req);

  if (missing == NULL)
    missing = (const char *const *) (own = porthole_desktop_dup_missing_dependencies (desktop));
  for (guint i = 0; missing[i]; i++)
    json_array_add_string_element (array, missing[i]);
  json_object_set_array_member (details, PORTHOLE_MEMBER_MISSING_DEPENDENCIES, array);
  if (porthole_desktop_get_display_name (desktop) != NULL)
    json_object_set_string_member (details, "display", porthole_desktop_get_display_name (desktop));

  porthole_request_reply_error (req, 0, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, details,
                                "Desktop not available: %s", message);
}

/**
 * porthole_desktop_request_begin:
 *
 * Returns: (transfer none) (nullable): the desktop, connected; %NULL
 *   after replying 503
 */
PortholeDesktop *
porthole_desktop_request_begin (PortholeRequest *req)
{
  PortholeDesktop *desktop = get_desktop (req);
  g_autoptr(GError) error = NULL;

  if (!porthole_desktop_ensure (desktop, &error))
    {
      porthole_desktop_request_reply_unavailable (req, error->message, NULL);
      return NULL;
    }

  /* The probe comes often and says nothing. */
  if (!g_str_equal (porthole_request_get_route (req)->path, PORTHOLE_ROUTE_DESKTOP_VNC_STATUS))
    porthole_log_buffer_append (porthole_desktop_get_log (desktop), "api", "%s %s",
                                porthole_request_get_method (req), porthole_request_get_path (req));

  return desktop;
}

/**
 * porthole_desktop_request_begin_with_plugin:
 * @plugin: the plugin the route needs (porthole-plugin.h)
 *
 * porthole_desktop_request_begin(), then the plugin loaded: without it,
 * 503 with the packages it needs.
 *
 * Returns: (transfer none) (nullable): the desktop, connected; %NULL
 *   after replying
 */
PortholeDesktop *
porthole_desktop_request_begin_with_plugin (PortholeRequest *req,
                                            const char      *plugin)
{
  PortholeDesktop *desktop = porthole_desktop_request_begin (req);
  g_autoptr(GError) error = NULL;

  if (desktop == NULL)
    return NULL;

  if (porthole_plugin_load (plugin, &error) == NULL)
    {
      porthole_desktop_request_reply_unavailable (req, error->message, porthole_plugin_get_packages (plugin));
      return NULL;
    }

  return desktop;
}

/**
 * porthole_desktop_request_begin_offline:
 *
 * For routes that need no X connection (logs, processes): only a
 * desktop disabled by configuration makes them 503.
 *
 * Returns: (transfer none) (nullable): the desktop
 */
PortholeDesktop *
porthole_desktop_request_begin_offline (PortholeRequest *req)
{
  PortholeDesktop *desktop = get_desktop (req);

  if (!porthole_desktop_is_enabled (desktop))
    {
      g_autoptr(GError) error = NULL;

      porthole_desktop_ensure (desktop, &error);
      porthole_desktop_request_reply_unavailable (req, error->message, NULL);
      return NULL;
    }

  return desktop;
}

/**
 * porthole_desktop_request_reply_error:
 *
 * Like porthole_request_reply_gerror(), plus the details desktop errors
 * carry: missing dependencies, the kind of resource not found. A
 * cancelled request (the client left) gets no answer.
 */
void
porthole_desktop_request_reply_error (PortholeRequest *req,
                                      const GError    *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE))
    {
      porthole_desktop_request_reply_unavailable (req, error->message, NULL);
      return;
    }

  if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "resource", "window");
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_NOT_FOUND, details, "%s", error->message);
      return;
    }

  porthole_request_reply_gerror (req, error);
}

/**
 * porthole_desktop_request_reply_success:
 *
 * Replies 200 with @reply plus `success: true` (API.md §8.0).
 */
void
porthole_desktop_request_reply_success (PortholeRequest *req,
                                        JsonObject      *reply)
{
  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/**
 * porthole_parse_window_id:
 *
 * Window ids come as numbers, decimal strings or hex strings
 * ("0x01e00003") (API.md §8.0).
 */
gboolean
porthole_parse_window_id (const char *text,
                          Window     *window)
{
  guint64 value;

  if (text == NULL)
    return FALSE;

  while (g_ascii_isspace (*text))
    text++;

  if (g_ascii_strncasecmp (text, "0x", 2) == 0)
    {
      if (!g_ascii_string_to_unsigned (text + 2, 16, 1, G_MAXUINT32, &value, NULL))
        return FALSE;
    }
  else if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    {
      double number;

      /* 12345.0 from a client that sends numbers as floats. */
      if (!porthole_string_get_double (text, &number) || number < 1 || number > G_MAXUINT32 ||
          number != (guint64) number)
        return FALSE;
      value = number;
    }

  *window = value;
  return TRUE;
}

/**
 * porthole_desktop_request_get_window:
 * @window: (out): None when absent and not @required
 */
gboolean
porthole_desktop_request_get_window (PortholeRequest *req,
                                     gboolean         required,
                                     Window          *window)
{
  const char *text;

  *window = None;

  if (!porthole_request_get_string (req, "window_id|id|windowId", NULL, &text))
    return FALSE;

  if (text == NULL || *text == '\0')
    {
      if (!required)
        return TRUE;
      porthole_request_reply_missing (req, "window_id");
      return FALSE;
    }

  if (!porthole_parse_window_id (text, window))
    {
      porthole_request_reply_invalid (req, "window_id",
                                      "Invalid window_id \"%s\": expected an integer or a hex string", text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_int_from (PortholeRequest *req,
              JsonObject      *object,
              const char      *name,
              gboolean        *present,
              gint64          *value)
{
  JsonNode *node;

  if (object == NULL)
    {
      *present = porthole_request_has_field (req, name);
      return !*present || porthole_request_get_int (req, name, 0, value);
    }

  node = json_object_get_member (object, name);
  *present = node != NULL && !JSON_NODE_HOLDS_NULL (node);
  if (*present && !porthole_json_node_get_int (node, value))
    {
      porthole_request_reply_invalid (req, name, "Invalid value for '%s': expected an integer", name);
      return FALSE;
    }

  return TRUE;
}

/**
 * porthole_desktop_request_get_area:
 * @object: (nullable): where the members are (a "region" object); the
 *   request's own fields when %NULL
 * @present: (out): whether any of x, y, width, height was given
 *
 * Reads x, y, width, height: all four, or none unless @required.
 * Sizes must be positive (400 INVALID_REQUEST).
 */
gboolean
porthole_desktop_request_get_area (PortholeRequest *req,
                                   JsonObject      *object,
                                   gboolean         required,
                                   gboolean        *present,
                                   PortholeRect    *area)
{
  static const char *names[] = { "x", "y", "width", "height" };
  gint64 values[4] = { 0 };
  gboolean given[4];
  gboolean any = FALSE;

  for (guint i = 0; i < 4; i++)
    {
      if (!get_int_from (req, object, names[i], &given[i], &values[i]))
        return FALSE;
      any |= given[i];
    }

  *present = any;
  if (!any && !required)
    return TRUE;

  for (guint i = 0; i < 4; i++)
    if (!given[i])
      {
        porthole_request_reply_missing (req, names[i]);
        return FALSE;
      }

  if (values[2] <= 0 || values[3] <= 0 || values[2] > G_MAXINT16 || values[3] > G_MAXINT16)
    {
      porthole_request_reply_invalid (req, values[2] <= 0 ? "width" : "height",
                                      "Invalid size %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                                      ": width and height must be positive", values[2], values[3]);
      return FALSE;
    }
  if (ABS (values[0]) > G_MAXINT16 || ABS (values[1]) > G_MAXINT16)
    {
      porthole_request_reply_invalid (req, "x", "Coordinates out of range");
      return FALSE;
    }

  *area = (PortholeRect) { values[0], values[1], values[2], values[3] };
  return TRUE;
}

/**
 * porthole_desktop_request_get_point:
 *
 * Reads two required coordinates (400 MISSING_PARAMETER if absent).
 */
gboolean
porthole_desktop_request_get_point (PortholeRequest *req,
                                    const char      *x_name,
                                    const char      *y_name,
                                    int             *x,
                                    int             *y)
{
  gint64 vx, vy;

  if (!porthole_request_require_int (req, x_name, &vx) ||
      !porthole_request_require_int (req, y_name, &vy))
    return FALSE;

  if (ABS (vx) > G_MAXINT16 || ABS (vy) > G_MAXINT16)
    {
      porthole_request_reply_invalid (req, x_name, "Coordinates out of range");
      return FALSE;
    }

  *x = vx;
  *y = vy;
  return TRUE;
}

/**
 * porthole_desktop_request_get_text:
 *
 * A required text that may be empty ("" clears a clipboard), in UTF-8.
 */
gboolean
porthole_desktop_request_get_text (PortholeRequest  *req,
                                   const char       *names,
                                   const char      **text)
{
  g_auto(GStrv) alternatives = g_strsplit (names, "|", 2);

  if (!porthole_request_get_string (req, names, NULL, text))
    return FALSE;

  if (*text == NULL)
    {
      porthole_request_reply_missing (req, alternatives[0]);
      return FALSE;
    }
  if (!g_utf8_validate (*text, -1, NULL))
    {
      porthole_request_reply_invalid (req, alternatives[0], "%s is not valid UTF-8", alternatives[0]);
      return FALSE;
    }

  return TRUE;
}
