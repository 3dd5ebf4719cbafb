/* porthole-hub-backend.h — where sandboxes run: the interface the hub
 * calls, so that another backend (Kubernetes Pods made from the
 * deploy/kubernetes/ templates) can replace the local one without any
 * change to the API layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "porthole-hub-sandbox.h"
#include "porthole-hub-templates.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_HUB_BACKEND (porthole_hub_backend_get_type ())

G_DECLARE_INTERFACE (PortholeHubBackend, porthole_hub_backend, PORTHOLE, HUB_BACKEND, GObject)

/**
 * PortholeHubBackendInterface:
 *
 * What the hub asks of a backend. The hub owns the records (ids, states,
 * ports, tokens, the state database) and calls these from its main
 * context; a backend owns the processes (or Pods) behind them and may
 * keep notes of its own in `sandbox->runtime` (JSON text the hub stores
 * and hands back after a restart, never reads). A backend never changes
 * a record's status: it reports through the `exited` signal.
 *
 * @create_async: start @sandbox from @template: its own namespaces (or
 *   Pod), cgroup limits from `sandbox->vcpu`/`memory_mb`, a private
 *   workspace, `internet_access`, `env`, and a portholed that verifies
 *   the hub's ES256 tokens for `sandbox->id`. Completes once the agent
 *   process is started (connect_agent() then reaches it, possibly
 *   waiting for it to answer); readiness is the hub's business. On
 *   failure nothing may be left behind. @cancellable stops a creation
 *   under way (the client went away).
 * @pause: stop every process of the sandbox from running (cgroup
 *   freezer); memory is kept. Synchronous and idempotent.
 * @resume: the reverse of @pause. The hub then waits for the agent's
 *   /health itself.
 * @destroy: end every process and remove namespaces and cgroups; with
 *   @keep_workspace the sandbox's files stay for a later create_async
 *   with the same record (stop/start), otherwise they go too. Never
 *   fails for a sandbox that is already gone.
 * @list: the ids of the sandboxes whose processes are running.
 * @health: whether @sandbox's processes still run (not whether the
 *   agent answers).
 * @adopt: after a hub restart, take back a sandbox created by an earlier
 *   hub, from its record; %FALSE when its processes are gone.
 * @connect_agent: a new connected stream socket to the sandbox's agent.
 * @connect_port: (nullable): a new connected socket to a TCP port inside
 *   the sandbox (previews); %NULL when the backend cannot.
 */
struct _PortholeHubBackendInterface
{
  GTypeInterface parent_iface;

  void       (*create_async)  (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox,
                               const PortholeHubTemplate *template,
                               GCancellable              *cancellable,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data);
  gboolean   (*create_finish) (PortholeHubBackend        *self,
                               GAsyncResult              *result,
                               GError                   **error);
  gboolean   (*pause)         (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox,
                               GError                   **error);
  gboolean   (*resume)        (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox,
                               GError                   **error);
  void       (*destroy)       (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox,
                               gboolean                   keep_workspace);
  GStrv      (*list)          (PortholeHubBackend        *self);
  gboolean   (*health)        (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox);
  gboolean   (*adopt)         (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox);
  GSocket   *(*connect_agent) (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox,
                               GError                   **error);
  GSocket   *(*connect_port)  (PortholeHubBackend        *self,
                               PortholeHubSandbox        *sandbox,
                               guint                      port,
                               GError                   **error);
};

void      porthole_hub_backend_create_async  (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox,
                                              const PortholeHubTemplate *template,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
gboolean  porthole_hub_backend_create_finish (PortholeHubBackend        *self,
                                              GAsyncResult              *result,
                                              GError                   **error);
gboolean  porthole_hub_backend_pause         (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox,
                                              GError                   **error);
gboolean  porthole_hub_backend_resume        (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox,
                                              GError                   **error);
void      porthole_hub_backend_destroy       (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox,
                                              gboolean                   keep_workspace);
GStrv     porthole_hub_backend_list          (PortholeHubBackend        *self);
gboolean  porthole_hub_backend_health        (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox);
gboolean  porthole_hub_backend_adopt         (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox);
GSocket  *porthole_hub_backend_connect_agent (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox,
                                              GError                   **error);
GSocket  *porthole_hub_backend_connect_port  (PortholeHubBackend        *self,
                                              PortholeHubSandbox        *sandbox,
                                              guint                      port,
                                              GError                   **error);

G_END_DECLS
