/* test-router.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-router.h"
#include "test-utils.h"

static void handler (PortholeRequest *req) { }

static const PortholeRoute table[] = {
  { "GET", "/", "root", handler },
  { "GET", "/files/list", "files_list", handler },
  { "POST", "/execute/kill/{id}", NULL, handler },
  { "DELETE", "/execute/kill/{id}", NULL, handler },
  { "POST", "/processes/{id}/kill", NULL, handler },
  { "GET", "/env", "env_get", handler },
  { "PUT", "/env", "env_replace", handler },
  { "PATCH", "/env", "env_update", handler },
};

static PortholeRouterResult
lookup (PortholeRouter       *router,
        const char           *method,
        const char           *path,
        const PortholeRoute **route,
        GHashTable          **params,
        char                **allowed)
{
  return porthole_router_lookup (router, method, path, route, params, allowed);
}

static void
test_literal_and_slashes (void)
{
  g_autoptr(PortholeRouter) router = porthole_router_new (table, G_N_ELEMENTS (table));
  const char *paths[] = { "/files/list", "/files/list/", "//files//list", "/files/list///" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const PortholeRoute *route;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *allowed = NULL;

      g_assert_cmpint (lookup (router, "GET", paths[i], &route, &params, &allowed), ==, PORTHOLE_ROUTER_FOUND);
      g_assert_cmpstr (route->path, ==, "/files/list");
      g_assert_null (params);
    }
}

static void
test_root_and_unknown (void)
{
  g_autoptr(PortholeRouter) router = porthole_router_new (table, G_N_ELEMENTS (table));
  const PortholeRoute *route;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *allowed = NULL;

  g_assert_cmpint (lookup (router, "GET", "/", &route, &params, &allowed), ==, PORTHOLE_ROUTER_FOUND);
  g_assert_cmpstr (route->name, ==, "root");
  g_assert_cmpint (lookup (router, "GET", "/files", &route, &params, &allowed), ==, PORTHOLE_ROUTER_NO_PATH);
  g_assert_cmpint (lookup (router, "GET", "/files/list/more", &route, &params, &allowed), ==, PORTHOLE_ROUTER_NO_PATH);
  g_assert_cmpint (lookup (router, "GET", "/execute/kill", &route, &params, &allowed), ==, PORTHOLE_ROUTER_NO_PATH);
}

static void
test_params (void)
{
  g_autoptr(PortholeRouter) router = porthole_router_new (table, G_N_ELEMENTS (table));
  const PortholeRoute *route;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *allowed = NULL;

  g_assert_cmpint (lookup (router, "POST", "/processes/proc_12ab/kill", &route, &params, &allowed),
                   ==, PORTHOLE_ROUTER_FOUND);
  g_assert_cmpstr (route->path, ==, "/processes/{id}/kill");
  g_assert_cmpstr (g_hash_table_lookup (params, "id"), ==, "proc_12ab");
}

static void
test_method_not_allowed (void)
{
  g_autoptr(PortholeRouter) router = porthole_router_new (table, G_N_ELEMENTS (table));
  const PortholeRoute *route;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *allowed = NULL;

  g_assert_cmpint (lookup (router, "POST", "/env", &route, &params, &allowed), ==, PORTHOLE_ROUTER_NO_METHOD);
  g_assert_null (route);
  g_assert_cmpstr (allowed, ==, "GET, PUT, PATCH");
  g_clear_pointer (&allowed, g_free);

  g_assert_cmpint (lookup (router, "GET", "/execute/kill/42", &route, &params, &allowed), ==, PORTHOLE_ROUTER_NO_METHOD);
  g_assert_cmpstr (allowed, ==, "POST, DELETE");
}

static void
test_head_is_get (void)
{
  g_autoptr(PortholeRouter) router = porthole_router_new (table, G_N_ELEMENTS (table));
  const PortholeRoute *route;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *allowed = NULL;

  g_assert_cmpint (lookup (router, "HEAD", "/env", &route, &params, &allowed), ==, PORTHOLE_ROUTER_FOUND);
  g_assert_cmpstr (route->method, ==, "GET");
}

static void
test_real_table_is_unique (void)
{
  guint n_routes;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n_routes, >=, 100);
  for (guint i = 0; i < n_routes; i++)
    {
      char *key = g_strdup_printf ("%s %s", routes[i].method, routes[i].path);

      if (!g_hash_table_add (seen, key))
        g_error ("route listed twice: %s", key);
      if (routes[i].name != NULL && !g_hash_table_add (names, (gpointer) routes[i].name))
        g_error ("endpoint name used twice: %s", routes[i].name);
    }
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/router/literal-and-slashes", test_literal_and_slashes);
  g_test_add_func ("/router/root-and-unknown", test_root_and_unknown);
  g_test_add_func ("/router/params", test_params);
  g_test_add_func ("/router/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/router/head-is-get", test_head_is_get);
  g_test_add_func ("/router/real-table-is-unique", test_real_table_is_unique);

  return g_test_run ();
}
