/* porthole-api-doc.c — writes docs/api.md from the daemon's route table
 *
 * Linked to the table itself (porthole-routes.c), so the document lists
 * what portholed serves, not what someone remembered to write down. The
 * build writes _build/docs/api.md; a test compares it with the committed
 * docs/api.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "porthole-route.h"

/* The route an alias (a row without a /info name) answers like: the
 * named row with the same handlers. */
static const PortholeRoute *
find_canonical (const PortholeRoute *routes,
                guint                n_routes,
                const PortholeRoute *alias)
{
  if (alias->handler == NULL && alias->websocket == NULL)
    return NULL;

  for (guint i = 0; i < n_routes; i++)
    if (routes[i].name != NULL &&
        routes[i].handler == alias->handler &&
        routes[i].websocket == alias->websocket)
      return &routes[i];

  return NULL;
}

static const char *
describe_kind (const PortholeRoute *route)
{
  if (route->websocket != NULL && route->handler != NULL)
    return "HTTP or WebSocket";
  if (route->flags & PORTHOLE_ROUTE_FLAGS_WEBSOCKET)
    return "WebSocket";
  if (route->flags & PORTHOLE_ROUTE_FLAGS_STREAM_BODY)
    return "HTTP, streamed body";
  return "HTTP";
}

static void
write_document (GString *out)
{
  guint n_routes, n_implemented = 0, n_aliases = 0;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);

  for (guint i = 0; i < n_routes; i++)
    {
      n_implemented += routes[i].handler != NULL || routes[i].websocket != NULL;
      n_aliases += routes[i].name == NULL;
    }

  g_string_append (out,
                   "<!-- Generated from daemon/porthole-routes.c by docs/porthole-api-doc.c;\n"
                   "     do not edit: `ninja -C _build docs/api.md && cp _build/docs/api.md docs/` -->\n"
                   "# portholed routes\n\n"
                   "Every (method, path) portholed serves, in the order of its route table.\n"
                   "The request and response bodies are described in the HopX agent API\n"
                   "contract; this list is what the daemon actually routes.\n\n"
                   "- **Auth**: `public` routes need no credentials (API.md §1.2); `token`\n"
                   "  routes need `Authorization: Bearer <JWT>` (or `X-API-Key` when\n"
                   "  `api-key-file` is set); WebSocket routes also take `?token=`.\n"
                   "- **Name**: the key in `/info`'s `endpoints` map. A row without one is\n"
                   "  an alias: it answers like the route in **Alias of**.\n"
                   "- **Status**: `implemented`, or `501` (answers `501 NOT_IMPLEMENTED`).\n"
                   "  A desktop route whose plugin cannot be loaded answers\n"
                   "  `503 DESKTOP_NOT_AVAILABLE` at run time.\n\n");
  g_string_append_printf (out, "%u routes: %u implemented, %u aliases.\n\n",
                          n_routes, n_implemented, n_aliases);
  g_string_append (out,
                   "| Method | Path | Name | Alias of | Auth | Kind | Status |\n"
                   "|---|---|---|---|---|---|---|\n");

  for (guint i = 0; i < n_routes; i++)
    {
      const PortholeRoute *route = &routes[i];
      const PortholeRoute *canonical = NULL;
      g_autofree char *alias_of = NULL;

      if (route->name == NULL)
        canonical = find_canonical (routes, n_routes, route);
      if (canonical != NULL)
        alias_of = g_strdup_printf ("`%s %s`", canonical->method, canonical->path);

      g_string_append_printf (out, "| %s | `%s` | %s | %s | %s | %s | %s |\n",
                              route->method,
                              route->path,
                              route->name ? route->name : "",
                              alias_of ? alias_of : "",
                              (route->flags & PORTHOLE_ROUTE_FLAGS_PUBLIC) ? "public" : "token",
                              describe_kind (route),
                              (route->handler || route->websocket) ? "implemented" : "501");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTPUT\n", argv[0]);
      return EXIT_FAILURE;
    }

  write_document (out);
  if (!g_file_set_contents (argv[1], out->str, out->len, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
