/* porthole-hub-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-hub-backend.h"

G_DEFINE_INTERFACE (PortholeHubBackend, porthole_hub_backend, G_TYPE_OBJECT)

static void
porthole_hub_backend_default_init (PortholeHubBackendInterface *iface)
{
  /**
   * PortholeHubBackend::exited:
   * @id: the sandbox whose processes ended on their own
   */
  g_signal_new ("exited", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

void
porthole_hub_backend_create_async (PortholeHubBackend        *self,
                                   PortholeHubSandbox        *sandbox,
                                   const PortholeHubTemplate *template,
                                   GCancellable              *cancellable,
                                   GAsyncReadyCallback        callback,
                                   gpointer                   user_data)
{
  PORTHOLE_HUB_BACKEND_GET_IFACE (self)->create_async (self, sandbox, template, cancellable,
                                                       callback, user_data);
}

gboolean
porthole_hub_backend_create_finish (PortholeHubBackend  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->create_finish (self, result, error);
}

gboolean
porthole_hub_backend_pause (PortholeHubBackend  *self,
                            PortholeHubSandbox  *sandbox,
                            GError             **error)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->pause (self, sandbox, error);
}

gboolean
porthole_hub_backend_resume (PortholeHubBackend  *self,
                             PortholeHubSandbox  *sandbox,
                             GError             **error)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->resume (self, sandbox, error);
}

void
porthole_hub_backend_destroy (PortholeHubBackend *self,
                              PortholeHubSandbox *sandbox,
                              gboolean            keep_workspace)
{
  PORTHOLE_HUB_BACKEND_GET_IFACE (self)->destroy (self, sandbox, keep_workspace);
}

GStrv
porthole_hub_backend_list (PortholeHubBackend *self)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->list (self);
}

gboolean
porthole_hub_backend_health (PortholeHubBackend *self,
                             PortholeHubSandbox *sandbox)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->health (self, sandbox);
}

gboolean
porthole_hub_backend_adopt (PortholeHubBackend *self,
                            PortholeHubSandbox *sandbox)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->adopt (self, sandbox);
}

GSocket *
porthole_hub_backend_connect_agent (PortholeHubBackend  *self,
                                    PortholeHubSandbox  *sandbox,
                                    GError             **error)
{
  return PORTHOLE_HUB_BACKEND_GET_IFACE (self)->connect_agent (self, sandbox, error);
}

GSocket *
porthole_hub_backend_connect_port (PortholeHubBackend  *self,
                                   PortholeHubSandbox  *sandbox,
                                   guint                port,
                                   GError             **error)
{
  PortholeHubBackendInterface *iface = PORTHOLE_HUB_BACKEND_GET_IFACE (self);

  if (iface->connect_port == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "This backend cannot reach sandbox ports");
      return NULL;
    }
  return iface->connect_port (self, sandbox, port, error);
}
