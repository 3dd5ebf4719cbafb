/* porthole-desktop-fields.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-fields.h"
#include "porthole-desktop-request.h"
#include "porthole-error.h"
#include "porthole-json.h"

/* The first of @names present and not null, or NULL. */
static JsonNode *
lookup (JsonObject  *fields,
        const char  *names,
        const char **found)
{
  g_auto(GStrv) alternatives = g_strsplit (names, "|", -1);

  for (guint i = 0; alternatives[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (fields, alternatives[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          /* For messages; interned, as @alternatives goes away. */
          *found = g_intern_string (alternatives[i]);
          return node;
        }
    }

  return NULL;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/**
 * porthole_desktop_fields_get_string:
 * @value: (out) (transfer none): NULL when absent
 */
gboolean
porthole_desktop_fields_get_string (JsonObject   *fields,
                                    const char   *names,
                                    const char  **value,
                                    GError      **error)
{
  const char *found = NULL;
  JsonNode *node = lookup (fields, names, &found);

  *value = NULL;
  if (node == NULL)
    return TRUE;

  if (!is_string (node))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid value for '%s': expected a string", found);
      return FALSE;
    }

  *value = json_node_get_string (node);
  return TRUE;
}

gboolean
porthole_desktop_fields_get_int (JsonObject  *fields,
                                 const char  *names,
                                 gint64       fallback,
                                 gint64       min,
                                 gint64       max,
                                 gint64      *value,
                                 GError     **error)
{
  const char *found = NULL;
  JsonNode *node = lookup (fields, names, &found);

  *value = fallback;
  if (node == NULL)
    return TRUE;

  if (!porthole_json_node_get_int (node, value) || *value < min || *value > max)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid value for '%s': expected an integer from %" G_GINT64_FORMAT
                   " to %" G_GINT64_FORMAT, found, min, max);
      return FALSE;
    }

  return TRUE;
}

gboolean
porthole_desktop_fields_get_boolean (JsonObject  *fields,
                                     const char  *names,
                                     gboolean     fallback,
                                     gboolean    *value,
                                     GError     **error)
{
  const char *found = NULL;
  JsonNode *node = lookup (fields, names, &found);

  *value = fallback;
  if (node == NULL)
    return TRUE;

  if (!porthole_json_node_get_boolean (node, value))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid value for '%s': expected a boolean", found);
      return FALSE;
    }

  return TRUE;
}

/**
 * porthole_desktop_fields_get_window:
 * @window: (out): 0 when absent (or "")
 *
 * An X window id as an integer, a decimal or a hex string (API.md §8.0).
 */
gboolean
porthole_desktop_fields_get_window (JsonObject  *fields,
                                    const char  *names,
                                    guint64     *window,
                                    GError     **error)
{
  const char *found = NULL;
  JsonNode *node = lookup (fields, names, &found);
  g_autofree char *text = NULL;
  gint64 number;
  Window id;

  *window = 0;
  if (node == NULL)
    return TRUE;

  if (porthole_json_node_get_int (node, &number))
    text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
  else if (is_string (node))
    text = g_strdup (json_node_get_string (node));

  if (text != NULL && *text == '\0')
    return TRUE;
  if (!porthole_parse_window_id (text, &id))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid %s: expected an integer or a hex string", found);
      return FALSE;
    }

  *window = id;
  return TRUE;
}

/**
 * porthole_desktop_fields_get_object:
 * @present: (out) (optional): whether it was given
 *
 * Returns: (transfer none) (nullable): the member, an object; NULL with
 *   @error set when it is something else
 */
JsonObject *
porthole_desktop_fields_get_object (JsonObject  *fields,
                                    const char  *names,
                                    gboolean    *present,
                                    GError     **error)
{
  const char *found = NULL;
  JsonNode *node = lookup (fields, names, &found);

  if (present != NULL)
    *present = node != NULL;
  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Invalid value for '%s': expected an object", found);
      return NULL;
    }

  return json_node_get_object (node);
}
