/* porthole-router.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-router.h"

typedef struct
{
  const PortholeRoute *route;
  GStrv segments;
} CompiledRoute;

struct _PortholeRouter
{
  GObject parent_instance;

  GArray *routes;
};

G_DEFINE_FINAL_TYPE (PortholeRouter, porthole_router, G_TYPE_OBJECT)

static void
compiled_route_clear (CompiledRoute *compiled)
{
  g_strfreev (compiled->segments);
}

static void
porthole_router_finalize (GObject *object)
{
  PortholeRouter *self = (PortholeRouter *)object;

  g_clear_pointer (&self->routes, g_array_unref);

  G_OBJECT_CLASS (porthole_router_parent_class)->finalize (object);
}

static void
porthole_router_class_init (PortholeRouterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_router_finalize;
}

static void
porthole_router_init (PortholeRouter *self)
{
  self->routes = g_array_new (FALSE, TRUE, sizeof (CompiledRoute));
  g_array_set_clear_func (self->routes, (GDestroyNotify) compiled_route_clear);
}

static GStrv
split_path (const char *path)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  /* "/a/b/" and "/a//b" are "/a/b": empty segments never count. */
  for (guint i = 0; parts[i]; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);

  return g_strv_builder_end (builder);
}

/**
 * porthole_router_new:
 * @routes: (array length=n_routes): the route table; must outlive the router
 */
PortholeRouter *
porthole_router_new (const PortholeRoute *routes,
                     guint                n_routes)
{
  PortholeRouter *self = g_object_new (PORTHOLE_TYPE_ROUTER, NULL);

  for (guint i = 0; i < n_routes; i++)
    {
      CompiledRoute compiled = { &routes[i], split_path (routes[i].path) };

      g_array_append_val (self->routes, compiled);
    }

  return self;
}

static gboolean
match (const CompiledRoute  *compiled,
       char *const          *segments,
       guint                 n_segments,
       GHashTable          **params)
{
  if (g_strv_length (compiled->segments) != n_segments)
    return FALSE;

  for (guint i = 0; i < n_segments; i++)
    {
      const char *pattern = compiled->segments[i];

      if (pattern[0] == '{')
        continue;
      if (!g_str_equal (pattern, segments[i]))
        return FALSE;
    }

  if (params != NULL)
    {
      for (guint i = 0; i < n_segments; i++)
        {
          const char *pattern = compiled->segments[i];

          if (pattern[0] != '{')
            continue;
          if (*params == NULL)
            *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (*params,
                               g_strndup (pattern + 1, strlen (pattern) - 2),
                               g_strdup (segments[i]));
        }
    }

  return TRUE;
}

/**
 * porthole_router_lookup:
 * @method: the request method; HEAD finds GET routes
 * @path: the decoded request path
 * @route: (out): the route, when found
 * @params: (out) (transfer full) (nullable): path parameters, if any
 * @allowed: (out) (transfer full) (nullable): for NO_METHOD, the `Allow` value
 */
PortholeRouterResult
porthole_router_lookup (PortholeRouter       *self,
                        const char           *method,
                        const char           *path,
                        const PortholeRoute **route,
                        GHashTable          **params,
                        char                **allowed)
{
  g_auto(GStrv) segments = split_path (path);
  g_autoptr(GPtrArray) methods = NULL;
  guint n_segments = g_strv_length (segments);
  const char *wanted = g_str_equal (method, "HEAD") ? "GET" : method;

  *route = NULL;
  *params = NULL;
  *allowed = NULL;

  for (guint i = 0; i < self->routes->len; i++)
    {
      const CompiledRoute *compiled = &g_array_index (self->routes, CompiledRoute, i);

      if (!match (compiled, segments, n_segments, NULL))
        continue;

      if (g_str_equal (compiled->route->method, wanted))
        {
          match (compiled, segments, n_segments, params);
          *route = compiled->route;
          return PORTHOLE_ROUTER_FOUND;
        }

      if (methods == NULL)
        methods = g_ptr_array_new ();
      if (!g_ptr_array_find_with_equal_func (methods, compiled->route->method, g_str_equal, NULL))
        g_ptr_array_add (methods, (gpointer) compiled->route->method);
    }

  if (methods == NULL)
    return PORTHOLE_ROUTER_NO_PATH;

  g_ptr_array_add (methods, NULL);
  *allowed = g_strjoinv (", ", (char **) methods->pdata);
  return PORTHOLE_ROUTER_NO_METHOD;
}
