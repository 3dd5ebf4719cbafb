/* porthole-mcp-schema.c
 *
 * The subset of JSON Schema 2020-12 our tool schemas use: type (one or
 * several), properties, required, additionalProperties, items, enum,
 * const, minimum/maximum (and their exclusive forms), minLength,
 * maxLength, pattern, minItems, maxItems, anyOf, oneOf. Other keywords are
 * annotations here and pass. Integers are numbers without a fraction,
 * as JSON Schema says (3.0 is an integer).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "porthole-json.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-schema.h"

/* Deep enough for any schema we write; a guard, not a feature. */
#define MAX_DEPTH 32

static gboolean validate (JsonObject  *schema,
                          JsonNode    *instance,
                          const char  *path,
                          guint        depth,
                          GError     **error);

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, PORTHOLE_MCP_ERROR, PORTHOLE_MCP_INVALID_PARAMS, "%s: %s", path, text);
  return FALSE;
}

static gboolean
is_number (JsonNode *node,
           double   *value)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

static gboolean
has_type (JsonNode   *node,
          const char *type)
{
  double number;

  if (g_str_equal (type, "null"))
    return JSON_NODE_HOLDS_NULL (node);
  if (g_str_equal (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (node);
  if (g_str_equal (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (node);
  if (g_str_equal (type, "string"))
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
  if (g_str_equal (type, "number"))
    return is_number (node, &number);
  if (g_str_equal (type, "integer"))
    return is_number (node, &number) && number == floor (number) && fabs (number) < 9007199254740992.0;

  return TRUE;
}

static gboolean
check_type (JsonObject  *schema,
            JsonNode    *instance,
            const char  *path,
            GError     **error)
{
  JsonNode *type = json_object_get_member (schema, "type");
  g_autoptr(GString) wanted = NULL;

  if (type == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      if (has_type (instance, json_node_get_string (type)))
        return TRUE;
      return fail (error, path, "expected %s", json_node_get_string (type));
    }

  if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);

      wanted = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          const char *name = json_array_get_string_element (types, i);

          if (name == NULL)
            continue;
          if (has_type (instance, name))
            return TRUE;
          g_string_append_printf (wanted, "%s%s", wanted->len ? " or " : "", name);
        }
      return fail (error, path, "expected %s", wanted->str);
    }

  return TRUE;
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  double x, y;

  if (is_number (a, &x) && is_number (b, &y))
    return x == y;

  return json_node_equal (a, b);
}

static gboolean
check_enum (JsonObject  *schema,
            JsonNode    *instance,
            const char  *path,
            GError     **error)
{
  JsonNode *constant = json_object_get_member (schema, "const");
  JsonNode *values = json_object_get_member (schema, "enum");

  if (constant != NULL && !nodes_equal (constant, instance))
    return fail (error, path, "not the expected constant");

  if (values != NULL && JSON_NODE_HOLDS_ARRAY (values))
    {
      JsonArray *array = json_node_get_array (values);
      g_autoptr(GString) listed = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *value = json_array_get_element (array, i);

          if (nodes_equal (value, instance))
            return TRUE;
          if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
            g_string_append_printf (listed, "%s\"%s\"", listed->len ? ", " : "", json_node_get_string (value));
        }
      return fail (error, path, "expected one of %s", listed->str);
    }

  return TRUE;
}

static gboolean
get_limit (JsonObject *schema,
           const char *name,
           double     *value)
{
  JsonNode *node = json_object_get_member (schema, name);

  return node != NULL && is_number (node, value);
}

static gboolean
check_number (JsonObject  *schema,
              JsonNode    *instance,
              const char  *path,
              GError     **error)
{
  double value, limit;

  if (!is_number (instance, &value))
    return TRUE;

  if (get_limit (schema, "minimum", &limit) && value < limit)
    return fail (error, path, "%g is below the minimum %g", value, limit);
  if (get_limit (schema, "maximum", &limit) && value > limit)
    return fail (error, path, "%g is above the maximum %g", value, limit);
  if (get_limit (schema, "exclusiveMinimum", &limit) && value <= limit)
    return fail (error, path, "%g must be above %g", value, limit);
  if (get_limit (schema, "exclusiveMaximum", &limit) && value >= limit)
    return fail (error, path, "%g must be below %g", value, limit);

  return TRUE;
}

static gboolean
check_string (JsonObject  *schema,
              JsonNode    *instance,
              const char  *path,
              GError     **error)
{
  const char *pattern;
  double limit;
  glong length;

  if (!JSON_NODE_HOLDS_VALUE (instance) || json_node_get_value_type (instance) != G_TYPE_STRING)
    return TRUE;

  length = g_utf8_strlen (json_node_get_string (instance), -1);
  if (get_limit (schema, "minLength", &limit) && length < limit)
    return fail (error, path, "shorter than %g characters", limit);
  if (get_limit (schema, "maxLength", &limit) && length > limit)
    return fail (error, path, "longer than %g characters", limit);

  pattern = porthole_json_object_get_string (schema, "pattern");
  if (pattern != NULL && !g_regex_match_simple (pattern, json_node_get_string (instance), 0, 0))
    return fail (error, path, "does not match %s", pattern);

  return TRUE;
}

static gboolean
check_object (JsonObject  *schema,
              JsonNode    *instance,
              const char  *path,
              guint        depth,
              GError     **error)
{
  JsonObject *object, *properties;
  JsonNode *required, *additional;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (instance))
    return TRUE;

  object = json_node_get_object (instance);
  properties = json_object_get_member (schema, "properties") != NULL &&
               JSON_NODE_HOLDS_OBJECT (json_object_get_member (schema, "properties"))
               ? json_object_get_object_member (schema, "properties") : NULL;

  required = json_object_get_member (schema, "required");
  if (required != NULL && JSON_NODE_HOLDS_ARRAY (required))
    {
      JsonArray *names = json_node_get_array (required);

      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          const char *name = json_array_get_string_element (names, i);

          if (name != NULL && !json_object_has_member (object, name))
            return fail (error, path, "missing required property \"%s\"", name);
        }
    }

  additional = json_object_get_member (schema, "additionalProperties");

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    {
      g_autofree char *child = g_strdup_printf ("%s.%s", path, member);
      JsonNode *property = properties ? json_object_get_member (properties, member) : NULL;

      if (property != NULL && JSON_NODE_HOLDS_OBJECT (property))
        {
          if (!validate (json_node_get_object (property), value, child, depth + 1, error))
            return FALSE;
        }
      else if (property == NULL && additional != NULL)
        {
          if (JSON_NODE_HOLDS_VALUE (additional) && json_node_get_value_type (additional) == G_TYPE_BOOLEAN &&
              !json_node_get_boolean (additional))
            return fail (error, path, "unknown property \"%s\"", member);
          if (JSON_NODE_HOLDS_OBJECT (additional) &&
              !validate (json_node_get_object (additional), value, child, depth + 1, error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_array (JsonObject  *schema,
             JsonNode    *instance,
             const char  *path,
             guint        depth,
             GError     **error)
{
  JsonArray *array;
  JsonNode *items;
  double limit;
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (instance))
    return TRUE;

  array = json_node_get_array (instance);
  length = json_array_get_length (array);
  if (get_limit (schema, "minItems", &limit) && length < limit)
    return fail (error, path, "fewer than %g items", limit);
  if (get_limit (schema, "maxItems", &limit) && length > limit)
    return fail (error, path, "more than %g items", limit);

  items = json_object_get_member (schema, "items");
  if (items == NULL || !JSON_NODE_HOLDS_OBJECT (items))
    return TRUE;

  for (guint i = 0; i < length; i++)
    {
      g_autofree char *child = g_strdup_printf ("%s[%u]", path, i);

      if (!validate (json_node_get_object (items), json_array_get_element (array, i), child, depth + 1, error))
        return FALSE;
    }

  return TRUE;
}

/* anyOf: one branch must hold; oneOf: exactly one. The first branch's
 * error is the one reported. */
static gboolean
check_alternatives (JsonObject  *schema,
                    JsonNode    *instance,
                    const char  *path,
                    guint        depth,
                    GError     **error)
{
  static const char *const keywords[] = { "anyOf", "oneOf" };

  for (guint k = 0; k < G_N_ELEMENTS (keywords); k++)
    {
      JsonNode *node = json_object_get_member (schema, keywords[k]);
      g_autoptr(GError) first = NULL;
      JsonArray *branches;
      guint matched = 0;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;

      branches = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (branches); i++)
        {
          JsonNode *branch = json_array_get_element (branches, i);
          g_autoptr(GError) local_error = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (branch))
            continue;
          if (validate (json_node_get_object (branch), instance, path, depth + 1, &local_error))
            matched++;
          else if (first == NULL)
            first = g_steal_pointer (&local_error);
        }

      if (matched == 0)
        {
          if (first != NULL)
            g_propagate_error (error, g_steal_pointer (&first));
          else
            fail (error, path, "matches none of the allowed forms");
          return FALSE;
        }
      if (k == 1 && matched > 1)
        return fail (error, path, "matches more than one of the allowed forms");
    }

  return TRUE;
}

static gboolean
validate (JsonObject  *schema,
          JsonNode    *instance,
          const char  *path,
          guint        depth,
          GError     **error)
{
  if (depth > MAX_DEPTH)
    return fail (error, path, "nested too deeply");

  return check_type (schema, instance, path, error) &&
         check_enum (schema, instance, path, error) &&
         check_number (schema, instance, path, error) &&
         check_string (schema, instance, path, error) &&
         check_object (schema, instance, path, depth, error) &&
         check_array (schema, instance, path, depth, error) &&
         check_alternatives (schema, instance, path, depth, error);
}

/**
 * porthole_mcp_schema_validate:
 * @name: what @instance is called in messages ("arguments")
 *
 * Returns: %FALSE with a PORTHOLE_MCP_INVALID_PARAMS error naming the
 *   first value that does not fit
 */
gboolean
porthole_mcp_schema_validate (JsonObject  *schema,
                              JsonNode    *instance,
                              const char  *name,
                              GError     **error)
{
  return validate (schema, instance, name, 0, error);
}
