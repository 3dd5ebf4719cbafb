/* porthole-hub-proxy.h — one listening port of the hub, relayed to one
 * sandbox's agent (HTTP and WebSocket, streamed both ways)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Returns a connected socket to the agent, or %NULL with the status and
 * agent error code the client gets instead (API.md §1.5). @host: the
 * first request's Host when the proxy routes by it, else %NULL. @paced:
 * (out) set when the socket is an agent's, whose WebSocket frames keep
 * the proxy's frame interval (FALSE: a preview's, relayed as read). */
typedef GSocket *(*PortholeHubProxyConnectFunc) (gpointer      user_data,
                                                 const char   *host,
                                                 gboolean     *paced,
                                                 guint        *status,
                                                 const char  **code,
                                                 GError      **error);

/* As portholed's ws-frame-interval-ms (API.md §1.9). */
#define PORTHOLE_HUB_PROXY_FRAME_INTERVAL_MS 10

#define PORTHOLE_TYPE_HUB_PROXY (porthole_hub_proxy_get_type ())

G_DECLARE_FINAL_TYPE (PortholeHubProxy, porthole_hub_proxy, PORTHOLE, HUB_PROXY, GObject)

PortholeHubProxy *porthole_hub_proxy_new         (const char                   *address,
                                                  guint                         port,
                                                  PortholeHubProxyConnectFunc   connect,
                                                  gpointer                      user_data,
                                                  GDestroyNotify                destroy,
                                                  GError                      **error);
void              porthole_hub_proxy_set_route_by_host (PortholeHubProxy       *self,
                                                       gboolean                route_by_host);
void              porthole_hub_proxy_set_frame_interval (PortholeHubProxy      *self,
                                                        guint                  interval_ms);
guint             porthole_hub_proxy_get_port    (PortholeHubProxy             *self);
void              porthole_hub_proxy_close       (PortholeHubProxy             *self);

G_END_DECLS
