/* porthole-json-nul.c
 *
 * Writing is simple: json-glib copies the bytes of a string it does not
 * escape, C0 80 included, so the pair can only come from a string and
 * becomes \u0000 in the text.
 *
 * Reading needs a detour: json-glib refuses text that is not UTF-8, so
 * the pair cannot be written into the text, and it cuts a string at the
 * NUL a \u0000 decodes to. Before parsing, each \u0000 becomes the
 * noncharacter U+FFFF followed by "0", and each U+FFFF of the text (raw
 * or escaped) is doubled; after parsing, the strings that hold U+FFFF
 * are undone pairwise: U+FFFF "0" is the NUL pair, U+FFFF U+FFFF is
 * U+FFFF. No text is rewritten unless it holds a \u0000.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-json-nul.h"

#define MARK "\xEF\xBF\xBF"
#define MARK_LENGTH 3
#define ESCAPED_NUL "\\u0000"

/**
 * porthole_json_text_to_bytes:
 * @text: text read from JSON (or process output)
 * @length: its length, or -1 if NUL-terminated
 *
 * Returns: (transfer full): the bytes @text stands for, with each
 *   %PORTHOLE_JSON_NUL a NUL byte again
 */
GBytes *
porthole_json_text_to_bytes (const char *text,
                             gssize      length)
{
  g_autoptr(GByteArray) bytes = NULL;
  const char *end, *p = text;

  if (length < 0)
    length = strlen (text);
  end = text + length;

  bytes = g_byte_array_sized_new (length);
  while (p < end)
    {
      const char *pair = memmem (p, end - p, PORTHOLE_JSON_NUL, PORTHOLE_JSON_NUL_LENGTH);

      if (pair == NULL)
        {
          g_byte_array_append (bytes, (const guint8 *) p, end - p);
          break;
        }
      g_byte_array_append (bytes, (const guint8 *) p, pair - p);
      g_byte_array_append (bytes, (const guint8 *) "", 1);
      p = pair + PORTHOLE_JSON_NUL_LENGTH;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * porthole_json_nul_escape:
 * @json: (transfer full): text made by json-glib's generator
 * @length: (inout): its length
 *
 * Returns: (transfer full): @json with every NUL pair written as \u0000
 */
char *
porthole_json_nul_escape (char  *json,
                          gsize *length)
{
  GString *escaped;
  const char *p = json, *end = json + *length;

  if (memmem (json, *length, PORTHOLE_JSON_NUL, PORTHOLE_JSON_NUL_LENGTH) == NULL)
    return json;

  escaped = g_string_sized_new (*length + 16);
  while (p < end)
    {
      const char *pair = memmem (p, end - p, PORTHOLE_JSON_NUL, PORTHOLE_JSON_NUL_LENGTH);

      if (pair == NULL)
        {
          g_string_append_len (escaped, p, end - p);
          break;
        }
      g_string_append_len (escaped, p, pair - p);
      g_string_append (escaped, ESCAPED_NUL);
      p = pair + PORTHOLE_JSON_NUL_LENGTH;
    }

  g_free (json);
  *length = escaped->len;
  return g_string_free (escaped, FALSE);
}

/**
 * porthole_json_nul_prepare:
 *
 * Returns: (transfer full) (nullable): @data ready for json-glib, or
 *   %NULL when it holds no \u0000 and can be parsed as it is
 */
char *
porthole_json_nul_prepare (const char *data,
                           gsize       length,
                           gsize      *prepared_length)
{
  GString *out;
  gsize i = 0;

  if (memmem (data, length, ESCAPED_NUL, strlen (ESCAPED_NUL)) == NULL)
    return NULL;

  out = g_string_sized_new (length + 16);
  while (i < length)
    {
      /* A backslash starts an escape of two characters or more; taking
       * them together keeps "\\u0000" (a backslash, then text) apart. */
      if (data[i] == '\\' && i + 1 < length)
        {
          if (data[i + 1] == 'u' && i + 6 <= length)
            {
              if (memcmp (data + i + 2, "0000", 4) == 0)
                {
                  g_string_append (out, MARK "0");
                  i += 6;
                  continue;
                }
              if (g_ascii_strncasecmp (data + i + 2, "ffff", 4) == 0)
                {
                  g_string_append (out, MARK MARK);
                  i += 6;
                  continue;
                }
            }
          g_string_append_len (out, data + i, 2);
          i += 2;
          continue;
        }

      if (i + MARK_LENGTH <= length && memcmp (data + i, MARK, MARK_LENGTH) == 0)
        {
          g_string_append (out, MARK MARK);
          i += MARK_LENGTH;
          continue;
        }

      g_string_append_c (out, data[i]);
      i++;
    }

  *prepared_length = out->len;
  return g_string_free (out, FALSE);
}

/* Undoes porthole_json_nul_prepare() in one parsed string. */
static char *
restore_text (const char *text)
{
  GString *out;
  const char *p = text;

  if (strstr (text, MARK) == NULL)
    return g_strdup (text);

  out = g_string_new (NULL);
  while (*p != '\0')
    {
      const char *mark = strstr (p, MARK);

      if (mark == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, mark - p);
      p = mark + MARK_LENGTH;
      if (*p == '0')
        {
          g_string_append (out, PORTHOLE_JSON_NUL);
          p++;
        }
      else
        {
          g_string_append (out, MARK);
          if (strncmp (p, MARK, MARK_LENGTH) == 0)
            p += MARK_LENGTH;
        }
    }

  return g_string_free (out, FALSE);
}

static JsonNode *
restore_node (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(JsonObject) copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_autofree char *restored = restore_text (name);

            json_object_set_member (copy, restored, restore_node (member));
          }
        return json_node_init_object (json_node_alloc (), copy);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        g_autoptr(JsonArray) copy = json_array_sized_new (n);

        for (guint i = 0; i < n; i++)
          json_array_add_element (copy, restore_node (json_array_get_element (array, i)));
        return json_node_init_array (json_node_alloc (), copy);
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *restored = restore_text (json_node_get_string (node));

          return json_node_init_string (json_node_alloc (), restored);
        }
      return json_node_copy (node);

    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/**
 * porthole_json_nul_restore:
 * @root: (transfer full): what json-glib made of prepared text
 *
 * Returns: (transfer full): the tree with the strings of the original
 *   text, sealed if @root was
 */
JsonNode *
porthole_json_nul_restore (JsonNode *root)
{
  g_autoptr(JsonNode) parsed = root;
  JsonNode *restored = restore_node (parsed);

  if (json_node_is_immutable (parsed))
    json_node_seal (restored);
  return restored;
}
