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

static guint max_depth = PORTHOLE_JSON_DEFAULT_MAX_DEPTH;

/**
 * porthole_json_set_max_depth:
 * @depth: how deeply arrays and objects may nest, at least 1
 *
 * For every later porthole_json_parse() in this process.
 */
void
porthole_json_set_max_depth (guint depth)
{
  g_return_if_fail (depth > 0);

  g_atomic_int_set (&max_depth, depth);
}

guint
porthole_json_get_max_depth (void)
{
  return g_atomic_int_get (&max_depth);
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

/* The four hex digits of a \u escape at @p (past the "\u"), or -1. */
static int
hex4 (const char *p,
      const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;

  for (guint i = 0; i < 4; i++)
    {
      if (!is_hex (p[i]))
        return -1;
      value = value * 16 + g_ascii_xdigit_value (p[i]);
    }

  return value;
}

/* json-glib reads a number past the range of a double (1e400) as an
 * infinity, which JSON cannot express: echoed back, it would make the
 * reply invalid JSON. Moves *@p to the number's last character. */
static gboolean
number_is_finite (const char **p,
                  const char  *end)
{
  const char *start = *p, *q = *p;
  gboolean exponent = FALSE;
  g_autofree char *text = NULL;

  while (q < end && (g_ascii_isdigit (*q) || strchr ("+-.eE", *q) != NULL) && *q != '\0')
    {
      exponent |= *q == 'e' || *q == 'E';
      q++;
    }
  *p = q - 1;

  /* Only an exponent or more digits than a double's range can overflow. */
  if (!exponent && (gsize) (q - start) < 300)
    return TRUE;
  text = g_strndup (start, q - start);
  return isfinite (g_ascii_strtod (text, NULL));
}

/**
 * porthole_json_check_depth:
 * @data: JSON text
 * @length: its length
 * @max: the deepest nesting allowed
 *
 * json-glib's parser recurses once per array or object level, with no
 * bound of its own: 100 000 `[` overflow the stack (issue 16). This scan
 * runs first, in constant stack, and counts the levels the parser would
 * enter.
 *
 * It must see strings exactly where json-glib 1.6's scanner does, or
 * brackets it takes for text would be structure to the parser. That
 * scanner also reads 'single-quoted' strings and /slash-delimited/
 * comments, and a \u escape with fewer than four hex digits or an
 * unpaired surrogate makes it swallow the character after it (a closing
 * quote, say), and it reads escapes JSON does not have (octal ones).
 * None of those is JSON (RFC 8259), so they are refused here: what
 * passes is lexed the same way by both. (json-glib refuses text with a
 * NUL byte, so the scan may stop at one.)
 *
 * Returns: %FALSE with %PORTHOLE_ERROR_INVALID_JSON when @data nests
 *   deeper than @max or uses one of those constructs
 */
gboolean
porthole_json_check_depth (const char  *data,
                           gsize        length,
                           guint        max,
                           GError     **error)
{
  const char *p = data;
  const char *end = data + length;
  guint depth = 0;

  for (; p < end && *p != '\0'; p++)
    {
      switch (*p)
        {
        case '[':
        case '{':
          if (++depth > max)
            {
              g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                           "Invalid JSON: arrays and objects nest deeper than %u levels", max);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        case '\'':
        case '/':
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                       "Invalid JSON: unexpected '%c'", *p);
          return FALSE;

        case '"':
          for (p++; p < end && *p != '"' && *p != '\0'; p++)
            {
              int unit;

              if (*p != '\\')
                continue;
              if (++p >= end || *p == '\0')
                goto bad_escape;
              /* GScanner also reads octal escapes (\614), which make
               * bytes that are not UTF-8 (found by fuzz/fuzz-json). */
              if (*p != 'u')
                {
                  if (strchr ("\"\\/bfnrt", *p) == NULL)
                    goto bad_escape;
                  continue;
                }

              /* \uXXXX, and a surrogate only as a high-low pair. */
              unit = hex4 (p + 1, end);
              if (unit < 0)
                goto bad_escape;
              p += 4;
              if (unit >= 0xDC00 && unit <= 0xDFFF)
                goto bad_escape;
              if (unit >= 0xD800 && unit <= 0xDBFF)
                {
                  if (end - p < 3 || p[1] != '\\' || p[2] != 'u')
                    goto bad_escape;
                  unit = hex4 (p + 3, end);
                  if (unit < 0xDC00 || unit > 0xDFFF)
                    goto bad_escape;
                  p += 6;
                }
            }
          /* Unterminated: the parser reports it. */
          if (p >= end || *p == '\0')
            return TRUE;
          break;

        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (!number_is_finite (&p, end))
            {
              g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                                   "Invalid JSON: a number out of range");
              return FALSE;
            }
          break;

        default:
          break;
        }
    }

  return TRUE;

bad_escape:
  g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_JSON,
                       "Invalid JSON: bad escape in a string (\\u takes four hex digits, "
                       "surrogates come in pairs, no NUL)");
  return FALSE;
}

/**
 * porthole_json_parse:
 * @data: (nullable): JSON text; %NULL is empty text (with a @length of 0)
 * @length: length of @data, or -1 if NUL-terminated
 *
 * The one place JSON from outside is parsed, in the daemon and in the
 * clients: request bodies, WebSocket messages, answers. Nesting deeper
 * than porthole_json_get_max_depth() is refused before json-glib sees it.
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

  /* An empty GBytes (an empty WebSocket frame) has no data at all, and
   * json-glib returns FALSE for NULL without saying why. */
  g_return_val_if_fail (data != NULL || length <= 0, NULL);
  if (data == NULL)
    {
      data = "";
      length = 0;
    }

  if (length < 0)
    length = strlen (data);

  if (!porthole_json_check_depth (data, length, porthole_json_get_max_depth (), error))
    return NULL;

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

/* json-glib 1.6 appends ".0" to every double printed without a '.',
 * exponents included: 1e30 comes out as "1e+30.0", which is not JSON
 * (found by fuzz/fuzz-json). Drops that ".0" from numbers, in place,
 * outside strings. Returns the new length. */
static gsize
fix_exponents (char  *text,
               gsize  length)
{
  gboolean in_string = FALSE, in_exponent = FALSE;
  gsize out = 0;

  if (memchr (text, 'e', length) == NULL)
    return length;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\' && i + 1 < length)
            text[out++] = text[i++];
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == 'e' && out > 0 && g_ascii_isdigit (text[out - 1]))
        in_exponent = TRUE;
      else if (in_exponent && c == '.' && i + 1 < length && text[i + 1] == '0' &&
               (i + 2 == length || !g_ascii_isdigit (text[i + 2])))
        {
          in_exponent = FALSE;
          i++;
          continue;
        }
      else if (!g_ascii_isdigit (c) && c != '+' && c != '-')
        in_exponent = FALSE;

      text[out++] = text[i];
    }
  text[out] = '\0';

  return out;
}

char *
porthole_json_to_string (JsonNode *node,
                         gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize generated = 0;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &generated);
  generated = fix_exponents (text, generated);
  text = porthole_json_nul_escape (text, &generated);
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
 * porthole_json_object_lookup_string:
 * @value: (out) (nullable): the string, or %NULL when absent or null
 *
 * Returns: %FALSE when @object has a member @name that is neither null
 *   nor a string: a client's mistake to answer, not a field to ignore
 */
gboolean
porthole_json_object_lookup_string (JsonObject  *object,
                                    const char  *name,
                                    const char **value)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  *value = porthole_json_object_get_string (object, name);
  return *value != NULL || node == NULL || JSON_NODE_HOLDS_NULL (node);
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

/**
 * porthole_json_parse_message:
 * @bytes: a WebSocket text frame
 * @type: (out): its `type` member, or %NULL
 *
 * What a client does with each frame of a daemon's stream (API.md §1.9:
 * one JSON object per frame).
 *
 * Returns: (transfer full) (nullable): the object, %NULL if the frame
 *   is not one
 */
JsonObject *
porthole_json_parse_message (GBytes      *bytes,
                             const char **type)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  *type = NULL;
  node = porthole_json_parse (data, size, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_object_ref (json_node_get_object (node));
  *type = porthole_json_object_get_string (object, "type");

  return object;
}
