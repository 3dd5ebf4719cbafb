/* porthole-kernel-manager.c
 *
 * One ZeroMQ context for all kernels. A kernel is created on first use of
 * its session name (or looked up by its kernel id) and started by its
 * first cell.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"


#include "porthole-error.h"
#include "porthole-jupyter-channel.h"
#include "porthole-kernel-manager.h"

struct _PortholeKernelManager
{
  GObject parent_instance;

  PortholeExecutor *executor;
  char *directory;
  void *context;
  GHashTable *kernels;
  gboolean shut_down;
};

G_DEFINE_FINAL_TYPE (PortholeKernelManager, porthole_kernel_manager, G_TYPE_OBJECT)

static void
porthole_kernel_manager_dispose (GObject *object)
{
  PortholeKernelManager *self = (PortholeKernelManager *)object;

  /* Kernels close their sockets when they go, before the context ends. */
  g_hash_table_remove_all (self->kernels);
  g_clear_pointer (&self->context, porthole_jupyter_channel_context_free);

  G_OBJECT_CLASS (porthole_kernel_manager_parent_class)->dispose (object);
}

static void
porthole_kernel_manager_finalize (GObject *object)
{
  PortholeKernelManager *self = (PortholeKernelManager *)object;

  g_hash_table_unref (self->kernels);
  g_free (self->directory);

  G_OBJECT_CLASS (porthole_kernel_manager_parent_class)->finalize (object);
}

static void
porthole_kernel_manager_class_init (PortholeKernelManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_kernel_manager_dispose;
  object_class->finalize = porthole_kernel_manager_finalize;
}

static void
porthole_kernel_manager_init (PortholeKernelManager *self)
{
  self->kernels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * porthole_kernel_manager_new:
 * @directory: where kernels keep their connection files
 */
PortholeKernelManager *
porthole_kernel_manager_new (PortholeExecutor *executor,
                             const char       *directory)
{
  PortholeKernelManager *self = g_object_new (PORTHOLE_TYPE_KERNEL_MANAGER, NULL);

  self->executor = executor;
  self->directory = g_strdup (directory);

  return self;
}

static PortholeKernel *
find_by_id (PortholeKernelManager *self,
            const char            *id)
{
  GHashTableIter iter;
  PortholeKernel *kernel;

  g_hash_table_iter_init (&iter, self->kernels);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &kernel))
    if (g_str_equal (porthole_kernel_get_id (kernel), id))
      return kernel;

  return NULL;
}

/* Makes room by shutting down the idle kernel used least recently. */
static gboolean
evict_one (PortholeKernelManager *self)
{
  GHashTableIter iter;
  const char *name, *oldest = NULL;
  PortholeKernel *kernel;
  gint64 oldest_activity = G_MAXINT64;

  g_hash_table_iter_init (&iter, self->kernels);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &kernel))
    if (!porthole_kernel_is_busy (kernel) && porthole_kernel_get_last_activity (kernel) < oldest_activity)
      {
        oldest = name;
        oldest_activity = porthole_kernel_get_last_activity (kernel);
      }

  if (oldest == NULL)
    return FALSE;

  kernel = g_hash_table_lookup (self->kernels, oldest);
  g_message ("Shutting down kernel %s to make room", oldest);
  porthole_kernel_shutdown (kernel);
  g_hash_table_remove (self->kernels, oldest);
  return TRUE;
}

/**
 * porthole_kernel_manager_get:
 * @name: a session name, or the kernel id of a running session
 *
 * Returns: (transfer none): the session's kernel, created if needed; or
 *   %NULL with %PORTHOLE_ERROR_SERVICE_UNAVAILABLE when every slot is busy
 *   or the daemon is stopping
 */
PortholeKernel *
porthole_kernel_manager_get (PortholeKernelManager  *self,
                             const char             *name,
                             GError                **error)
{
  PortholeKernel *kernel;

  g_return_val_if_fail (PORTHOLE_IS_KERNEL_MANAGER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((kernel = g_hash_table_lookup (self->kernels, name)) != NULL ||
      (kernel = find_by_id (self, name)) != NULL)
    return kernel;

  if (self->shut_down ||
      (g_hash_table_size (self->kernels) >= PORTHOLE_KERNEL_MANAGER_MAX_KERNELS && !evict_one (self)))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
                   "No room for another kernel session: %u are busy", PORTHOLE_KERNEL_MANAGER_MAX_KERNELS);
      return NULL;
    }

  if (self->context == NULL &&
      (self->context = porthole_jupyter_channel_context_new (error)) == NULL)
    return NULL;
  kernel = porthole_kernel_new (porthole_executor_get_daemon (self->executor), self->context, name,
                                self->directory);
  g_hash_table_insert (self->kernels, g_strdup (name), kernel);

  return kernel;
}

/**
 * porthole_kernel_manager_list:
 *
 * Returns: (transfer full): the sessions of /jupyter/sessions, most
 *   recently active first
 */
JsonArray *
porthole_kernel_manager_list (PortholeKernelManager *self)
{
  g_autoptr(GList) kernels = g_hash_table_get_values (self->kernels);
  JsonArray *sessions = json_array_new ();

  for (GList *l = kernels; l; l = l->next)
    for (GList *m = l->next; m; m = m->next)
      if (porthole_kernel_get_last_activity (m->data) > porthole_kernel_get_last_activity (l->data))
        {
          gpointer swap = l->data;

          l->data = m->data;
          m->data = swap;
        }

  for (GList *l = kernels; l; l = l->next)
    json_array_add_object_element (sessions, porthole_kernel_to_json (l->data));

  return sessions;
}

/**
 * porthole_kernel_manager_shutdown:
 *
 * Daemon shutdown: every kernel is told to exit; no new one starts.
 */
void
porthole_kernel_manager_shutdown (PortholeKernelManager *self)
{
  g_autoptr(GPtrArray) kernels = NULL;
  GHashTableIter iter;
  gpointer kernel;

  g_return_if_fail (PORTHOLE_IS_KERNEL_MANAGER (self));

  self->shut_down = TRUE;
  /* A kernel's shutdown ends its cells and start at once, whose callers
   * may come back here: visit a copy. */
  kernels = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->kernels);
  while (g_hash_table_iter_next (&iter, NULL, &kernel))
    g_ptr_array_add (kernels, g_object_ref (kernel));
  for (guint i = 0; i < kernels->len; i++)
    porthole_kernel_shutdown (g_ptr_array_index (kernels, i));
}
