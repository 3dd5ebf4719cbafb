/* porthole-mcp-registry.c
 *
 * Tools keep the order they were added in: tools/list answers the same
 * list every time (clients cache it, 2026-07-28 asks for a stable
 * order). Definitions are plain MCP objects (Tool, Resource,
 * ResourceTemplate, Prompt) as listed; ours come from a JSON file in the
 * daemon's resources, bound to C handlers by name.
 *
 * A resource URI is looked up as an exact resource, then by the prefixes
 * of providers (file://), then against the templates: `{name}` matches
 * one path segment, `{+name}` anything (RFC 6570 levels 1 and 2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-json.h"
#include "porthole-mcp-registry.h"

typedef struct
{
  JsonObject *definition;
  gpointer func;
  gpointer user_data;
  /* Providers: the URI prefix they answer for. */
  char *prefix;
  gpointer list;
} Entry;

struct _PortholeMcpRegistry
{
  GObject parent_instance;

  GPtrArray *tools;
  GHashTable *tools_by_name;
  GPtrArray *resources;
  GPtrArray *providers;
  GPtrArray *templates;
  GPtrArray *prompts;
};

G_DEFINE_FINAL_TYPE (PortholeMcpRegistry, porthole_mcp_registry, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->definition, json_object_unref);
  g_free (entry->prefix);
  g_free (entry);
}

static Entry *
entry_new (JsonObject *definition,
           gpointer    func,
           gpointer    user_data)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->definition = definition ? json_object_ref (definition) : NULL;
  entry->func = func;
  entry->user_data = user_data;
  return entry;
}

static void
porthole_mcp_registry_finalize (GObject *object)
{
  PortholeMcpRegistry *self = (PortholeMcpRegistry *)object;

  g_clear_pointer (&self->tools_by_name, g_hash_table_unref);
  g_clear_pointer (&self->tools, g_ptr_array_unref);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->templates, g_ptr_array_unref);
  g_clear_pointer (&self->prompts, g_ptr_array_unref);

  G_OBJECT_CLASS (porthole_mcp_registry_parent_class)->finalize (object);
}

static void
porthole_mcp_registry_class_init (PortholeMcpRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_mcp_registry_finalize;
}

static void
porthole_mcp_registry_init (PortholeMcpRegistry *self)
{
  self->tools = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->tools_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->prompts = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
}

PortholeMcpRegistry *
porthole_mcp_registry_new (void)
{
  return g_object_new (PORTHOLE_TYPE_MCP_REGISTRY, NULL);
}

/* Tools */

/**
 * porthole_mcp_registry_add_tool:
 * @definition: (transfer none): a Tool object with at least name,
 *   description and inputSchema; a tool of the same name is replaced
 */
void
porthole_mcp_registry_add_tool (PortholeMcpRegistry *self,
                                JsonObject          *definition,
                                PortholeMcpToolFunc  func,
                                gpointer             user_data)
{
  const char *name = porthole_json_object_get_string (definition, "name");
  Entry *entry, *old;

  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));
  g_return_if_fail (name != NULL && func != NULL);

  entry = entry_new (definition, func, user_data);
  old = g_hash_table_lookup (self->tools_by_name, name);
  if (old != NULL)
    {
      guint index;

      g_hash_table_remove (self->tools_by_name, name);
      if (g_ptr_array_find (self->tools, old, &index))
        g_ptr_array_remove_index (self->tools, index);
    }

  g_ptr_array_add (self->tools, entry);
  g_hash_table_insert (self->tools_by_name, (gpointer) porthole_json_object_get_string (entry->definition, "name"),
                       entry);
}

/**
 * porthole_mcp_registry_add_tools:
 * @resource_path: a GResource holding a JSON array of Tool objects
 * @entries: (array length=n_entries): the handler of each tool, by name
 *
 * Every definition must have its handler and every handler its
 * definition: a mismatch is a programming error.
 */
void
porthole_mcp_registry_add_tools (PortholeMcpRegistry        *self,
                                 const char                 *resource_path,
                                 const PortholeMcpToolEntry *entries,
                                 guint                       n_entries,
                                 gpointer                    user_data)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *definitions;
  const char *data;
  gsize size;

  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));

  bytes = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("MCP tool definitions %s: %s", resource_path, error->message);

  data = g_bytes_get_data (bytes, &size);
  root = json_from_string (data, &error);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    g_error ("MCP tool definitions %s: not a JSON array: %s", resource_path, error ? error->message : "");

  definitions = json_node_get_array (root);
  for (guint i = 0; i < n_entries; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < json_array_get_length (definitions) && !found; j++)
        {
          JsonObject *definition = json_array_get_object_element (definitions, j);

          if (g_strcmp0 (porthole_json_object_get_string (definition, "name"), entries[i].name) == 0)
            {
              porthole_mcp_registry_add_tool (self, definition, entries[i].func, user_data);
              found = TRUE;
            }
        }
      if (!found)
        g_error ("MCP tool %s has no definition in %s", entries[i].name, resource_path);
    }

  for (guint j = 0; j < json_array_get_length (definitions); j++)
    {
      const char *name = porthole_json_object_get_string (json_array_get_object_element (definitions, j), "name");

      if (g_hash_table_lookup (self->tools_by_name, name ? name : "") == NULL)
        g_error ("MCP tool %s in %s has no handler", name ? name : "(unnamed)", resource_path);
    }
}

/**
 * porthole_mcp_registry_lookup_tool:
 *
 * Returns: (transfer none) (nullable): the tool's definition
 */
JsonObject *
porthole_mcp_registry_lookup_tool (PortholeMcpRegistry *self,
                                   const char          *name,
                                   PortholeMcpToolFunc *func,
                                   gpointer            *user_data)
{
  Entry *entry;

  g_return_val_if_fail (PORTHOLE_IS_MCP_REGISTRY (self), NULL);

  entry = name ? g_hash_table_lookup (self->tools_by_name, name) : NULL;
  if (entry == NULL)
    return NULL;

  *func = entry->func;
  *user_data = entry->user_data;
  return entry->definition;
}

static JsonArray *
list_definitions (GPtrArray *entries)
{
  JsonArray *array = json_array_sized_new (entries->len);

  for (guint i = 0; i < entries->len; i++)
    json_array_add_object_element (array, json_object_ref (((Entry *) g_ptr_array_index (entries, i))->definition));

  return array;
}

/**
 * porthole_mcp_registry_list_tools:
 *
 * Returns: (transfer full): the Tool objects, in order
 */
JsonArray *
porthole_mcp_registry_list_tools (PortholeMcpRegistry *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_REGISTRY (self), NULL);

  return list_definitions (self->tools);
}

/* Resources */

/**
 * porthole_mcp_registry_add_resource:
 * @resource: (transfer none): a Resource object (uri, name, ...)
 */
void
porthole_mcp_registry_add_resource (PortholeMcpRegistry *self,
                                    JsonObject          *resource,
                                    PortholeMcpReadFunc  read,
                                    gpointer             user_data)
{
  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));
  g_return_if_fail (porthole_json_object_get_string (resource, "uri") != NULL);

  g_ptr_array_add (self->resources, entry_new (resource, read, user_data));
}

/**
 * porthole_mcp_registry_add_resource_provider:
 * @uri_prefix: the URIs it reads ("file://")
 * @list: (nullable): adds what resources/list shows of it
 */
void
porthole_mcp_registry_add_resource_provider (PortholeMcpRegistry *self,
                                             const char          *uri_prefix,
                                             PortholeMcpListFunc  list,
                                             PortholeMcpReadFunc  read,
                                             gpointer             user_data)
{
  Entry *entry;

  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));

  entry = entry_new (NULL, read, user_data);
  entry->prefix = g_strdup (uri_prefix);
  entry->list = list;
  g_ptr_array_add (self->providers, entry);
}

/**
 * porthole_mcp_registry_add_template:
 * @template_: (transfer none): a ResourceTemplate object (uriTemplate, name, ...)
 */
void
porthole_mcp_registry_add_template (PortholeMcpRegistry *self,
                                    JsonObject          *template_,
                                    PortholeMcpReadFunc  read,
                                    gpointer             user_data)
{
  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));
  g_return_if_fail (porthole_json_object_get_string (template_, "uriTemplate") != NULL);

  g_ptr_array_add (self->templates, entry_new (template_, read, user_data));
}

/* Does @uri fit @template_? Expressions match a segment ({x}) or the
 * rest ({+x}); the literal text in between must be there as it is. */
static gboolean
template_matches (const char *template_,
                  const char *uri)
{
  while (*template_ != '\0')
    {
      if (*template_ == '{')
        {
          const char *close = strchr (template_, '}');
          gboolean reserved = template_[1] == '+';
          const char *next_literal;
          gsize literal_length;

          if (close == NULL)
            return FALSE;
          next_literal = close + 1;
          literal_length = strcspn (next_literal, "{");

          /* At least one character, then up to where the literal follows. */
          if (*uri == '\0')
            return FALSE;
          for (const char *end = uri + 1; ; end++)
            {
              gboolean segment_ok = reserved || memchr (uri, '/', end - uri) == NULL;

              if (!segment_ok)
                return FALSE;
              if (strncmp (end, next_literal, literal_length) == 0 &&
                  template_matches (next_literal, end))
                return TRUE;
              if (*end == '\0')
                return FALSE;
            }
        }

      if (*template_ != *uri)
        return FALSE;
      template_++;
      uri++;
    }

  return *uri == '\0';
}

/**
 * porthole_mcp_registry_lookup_resource:
 *
 * Returns: %TRUE if a resource, provider or template answers for @uri
 */
gboolean
porthole_mcp_registry_lookup_resource (PortholeMcpRegistry *self,
                                       const char          *uri,
                                       PortholeMcpReadFunc *read,
                                       gpointer            *user_data)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_REGISTRY (self), FALSE);

  for (guint i = 0; i < self->resources->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->resources, i);

      if (g_strcmp0 (porthole_json_object_get_string (entry->definition, "uri"), uri) == 0)
        {
          *read = entry->func;
          *user_data = entry->user_data;
          return TRUE;
        }
    }

  for (guint i = 0; i < self->providers->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->providers, i);

      if (g_str_has_prefix (uri, entry->prefix))
        {
          *read = entry->func;
          *user_data = entry->user_data;
          return TRUE;
        }
    }

  for (guint i = 0; i < self->templates->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->templates, i);

      if (template_matches (porthole_json_object_get_string (entry->definition, "uriTemplate"), uri))
        {
          *read = entry->func;
          *user_data = entry->user_data;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * porthole_mcp_registry_list_resources:
 * @resources: where the Resource objects go
 */
void
porthole_mcp_registry_list_resources (PortholeMcpRegistry *self,
                                      PortholeMcpCall     *call,
                                      JsonArray           *resources)
{
  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));

  for (guint i = 0; i < self->resources->len; i++)
    json_array_add_object_element (resources,
                                   json_object_ref (((Entry *) g_ptr_array_index (self->resources, i))->definition));

  for (guint i = 0; i < self->providers->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->providers, i);

      if (entry->list != NULL)
        ((PortholeMcpListFunc) entry->list) (call, resources, entry->user_data);
    }
}

JsonArray *
porthole_mcp_registry_list_templates (PortholeMcpRegistry *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_REGISTRY (self), NULL);

  return list_definitions (self->templates);
}

/* Prompts */

void
porthole_mcp_registry_add_prompt (PortholeMcpRegistry   *self,
                                  JsonObject            *definition,
                                  PortholeMcpPromptFunc  func,
                                  gpointer               user_data)
{
  g_return_if_fail (PORTHOLE_IS_MCP_REGISTRY (self));
  g_return_if_fail (porthole_json_object_get_string (definition, "name") != NULL);

  g_ptr_array_add (self->prompts, entry_new (definition, func, user_data));
}

/**
 * porthole_mcp_registry_lookup_prompt:
 *
 * Returns: (transfer none) (nullable): the prompt's definition
 */
JsonObject *
porthole_mcp_registry_lookup_prompt (PortholeMcpRegistry   *self,
                                     const char            *name,
                                     PortholeMcpPromptFunc *func,
                                     gpointer              *user_data)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_REGISTRY (self), NULL);

  for (guint i = 0; name != NULL && i < self->prompts->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->prompts, i);

      if (g_strcmp0 (porthole_json_object_get_string (entry->definition, "name"), name) == 0)
        {
          *func = entry->func;
          *user_data = entry->user_data;
          return entry->definition;
        }
    }

  return NULL;
}

JsonArray *
porthole_mcp_registry_list_prompts (PortholeMcpRegistry *self)
{
  g_return_val_if_fail (PORTHOLE_IS_MCP_REGISTRY (self), NULL);

  return list_definitions (self->prompts);
}
