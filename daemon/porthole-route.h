/* porthole-route.h — what a route is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _PortholeRequest PortholeRequest;

typedef enum
{
  PORTHOLE_ROUTE_FLAGS_NONE        = 0,
  /* No token needed: the five routes of API.md §1.2, and the OAuth
   * protected-resource metadata MCP clients read first (RFC 9728). */
  PORTHOLE_ROUTE_FLAGS_PUBLIC      = 1 << 0,
  /* The body is handed to open_body's stream chunk by chunk instead of
   * being buffered; body_limit still applies. */
  PORTHOLE_ROUTE_FLAGS_STREAM_BODY = 1 << 1,
  /* A WebSocket endpoint (API.md §11), built or not: `?token=` is
   * accepted and a plain GET is a 400. */
  PORTHOLE_ROUTE_FLAGS_WEBSOCKET   = 1 << 2,
  /* File operations: the handler, open_body and the WebSocket handler
   * run with the target user's file-system identity (`user=`,
   * porthole-target-user.c). Work they leave for later takes it
   * itself. */
  PORTHOLE_ROUTE_FLAGS_AS_USER     = 1 << 3,
} PortholeRouteFlags;

/* Answers a request, now or later: a handler that returns without
 * replying keeps a reference to @req and replies when its work is done;
 * the message is paused meanwhile. */
typedef void           (*PortholeRouteHandler)     (PortholeRequest         *req);

/* Takes over an upgraded WebSocket. @req stays valid for the call only. */
typedef void           (*PortholeWebsocketHandler) (PortholeRequest         *req,
                                                    SoupWebsocketConnection *connection);

/* For PORTHOLE_ROUTE_FLAGS_STREAM_BODY: called after authentication, before
 * the first body byte; the stream receives the body as it arrives and
 * is closed (or left for the handler to close) when it is complete. */
typedef GOutputStream *(*PortholeBodyOpener)       (PortholeRequest         *req,
                                                    GError                 **error);

/* Asked before a WebSocket upgrade is accepted, after its handshake was
 * checked: FALSE refuses it, with @error as the HTTP answer. What it
 * reserves for the session it keeps on @req (g_object_set_data_full()),
 * where the session's handler takes it over; if the upgrade never
 * completes, it goes with @req. */
typedef gboolean       (*PortholeWebsocketAdmitFunc) (PortholeRequest       *req,
                                                      GError               **error);

/* A body limit that comes from the configuration, for @req's route. */
typedef gsize          (*PortholeBodyLimitFunc)    (PortholeRequest         *req);

typedef struct
{
  const char               *method;
  /* Path template: literal segments and "{name}" parameters. */
  const char               *path;
  /* Name in the /info "endpoints" map; NULL for aliases. */
  const char               *name;
  /* NULL: not built yet, answers 501 NOT_IMPLEMENTED. */
  PortholeRouteHandler      handler;
  /* Non-NULL: an upgrade request is handed here. */
  PortholeWebsocketHandler  websocket;
  /* Non-NULL: may refuse an upgrade before it happens (a cap). */
  PortholeWebsocketAdmitFunc websocket_admit;
  PortholeBodyOpener        open_body;
  PortholeRouteFlags        flags;
  /* Largest accepted body; 0 means the configured max-body-size. */
  gsize                     body_limit;
  /* Non-NULL: the largest accepted body, asked per request (overrides
   * body_limit). */
  PortholeBodyLimitFunc     get_body_limit;
  /* WebSocket subprotocols the endpoint speaks; one the client offers
   * is chosen (browsers fail a handshake that offered one and got
   * none). NULL: none negotiated (API.md §1.9). */
  const char *const        *websocket_protocols;
} PortholeRoute;

const PortholeRoute *porthole_routes_get (guint *n_routes);

G_END_DECLS
