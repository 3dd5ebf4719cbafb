/* porthole-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-json-nul.h"

/**
 * porthole_timestamp_from_unix:
 * @unix_usec: microseconds since the epoch
 *
 * Returns: (transfer full): RFC 3339 UTC with milliseconds and a `Z`,
 *   e.g. `2025-01-27T10:30:00.123Z`.
 */
char *
porthole_timestamp_from_unix (gint64 unix_usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_usec / G_USEC_PER_SEC);
  g_autofree char *base = NULL;

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");

  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int) ((unix_usec % G_USEC_PER_SEC) / 1000));
}

char *
porthole_timestamp_now (void)
{
  return porthole_timestamp_from_unix (g_get_real_time ());
}

/**
 * porthole_timestamp_parse:
 * @text: an RFC 3339 timestamp; a zone designator is required
 * @unix_usec: (out): microseconds since the epoch
 */
gboolean
porthole_timestamp_parse (const char *text,
                          gint64     *unix_usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;

  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;

  *unix_usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

/**
 * porthole_json_parse:
 * @data: JSON text
 * @length: length of @data, or -1 if NUL-terminated
 *
 * Returns: (transfer full): the root node, or %NULL with
 *   %PORTHOLE_ERROR_INVALID_JSON set.
 */
JsonNode *
porthole_json_parse (const char  *data,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *prepared = NULL;
  gsize prepared_length = 0;
  JsonNode *root;

  if (length < 0)
    length = strlen (data);
  /* U+0000 survives only through porthole-json-nul.c. */
  if ((prepared = porthole_json_nul_prepare (data, length, &prepared_length)) != NULL)
    {
      data = prepared;
      length = prepared_length;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                   "Invalid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                           "Invalid JSON: empty document");
      return NULL;
    }

  if (prepared != NULL)
    return porthole_json_nul_restore (json_node_ref (root));
  return json_node_ref (root);
}

char *
porthole_json_to_string (JsonNode *node,
                         gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize generated = 0;
  char *text;

  json_generator_set_root (generator, node);
  text = porthole_json_nul_escape (json_generator_to_data (generator, &generated), &generated);
  if (length != NULL)
    *length = generated;
  return text;
}

GBytes *
porthole_json_object_to_bytes (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  gsize length = 0;
  char *data = porthole_json_to_string (node, &length);

  return g_bytes_new_take (data, length);
}

gboolean
porthole_string_get_int (const char *text,
                         gint64     *value)
{
  double d;

  if (text == NULL || *text == '\0')
    return FALSE;

  if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, value, NULL))
    return TRUE;

  /* "12.0" is 12; "12.5" is not an integer. */
  if (porthole_string_get_double (text, &d) && d == floor (d) &&
      d >= -9007199254740992.0 && d <= 9007199254740992.0)
    {
      *value = (gint64) d;
      return TRUE;
    }

  return FALSE;
}

gboolean
porthole_string_get_double (const char *text,
                            double     *value)
{
  char *end = NULL;
  double d;

  if (text == NULL || *text == '\0' || g_ascii_isspace (*text))
    return FALSE;

  d = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (d))
    return FALSE;

  *value = d;
  return TRUE;
}

gboolean
porthole_string_get_boolean (const char *text,
                             gboolean   *value)
{
  static const char *const yes[] = { "true", "1", "yes", "on", NULL };
  static const char *const no[] = { "false", "0", "no", "off", NULL };

  if (text == NULL)
    return FALSE;

  for (guint i = 0; yes[i]; i++)
    {
      if (g_ascii_strcasecmp (text, yes[i]) == 0)
        {
          *value = TRUE;
          return TRUE;
        }
      if (g_ascii_strcasecmp (text, no[i]) == 0)
        {
          *value = FALSE;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
porthole_json_node_get_int (JsonNode *node,
                            gint64   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;

    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        if (d != floor (d) || d < -9007199254740992.0 || d > 9007199254740992.0)
          return FALSE;
        *value = (gint64) d;
        return TRUE;
      }

    case G_TYPE_STRING:
      return porthole_string_get_int (json_node_get_string (node), value);

    default:
      return FALSE;
    }
}

gboolean
porthole_json_node_get_double (JsonNode *node,
                               double   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;

    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return isfinite (*value);

    case G_TYPE_STRING:
      return porthole_string_get_double (json_node_get_string (node), value);

    default:
      return FALSE;
    }
}

gboolean
porthole_json_node_get_boolean (JsonNode *node,
                                gboolean *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      *value = json_node_get_boolean (node);
      return TRUE;

    case G_TYPE_INT64:
      if (json_node_get_int (node) != 0 && json_node_get_int (node) != 1)
        return FALSE;
      *value = json_node_get_int (node) == 1;
      return TRUE;

    case G_TYPE_STRING:
      return porthole_string_get_boolean (json_node_get_string (node), value);

    default:
      return FALSE;
    }
}

/**
 * porthole_json_object_get_string:
 *
 * Returns: (nullable): the string member @name of @object, or %NULL when
 *   it is absent or not a string
 */
const char *
porthole_json_object_get_string (JsonObject *object,
                                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * porthole_json_object_get_object:
 *
 * Returns: (nullable): the object member @name of @object, or %NULL when
 *   it is absent or not an object
 */
JsonObject *
porthole_json_object_get_object (JsonObject *object,
                                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}
