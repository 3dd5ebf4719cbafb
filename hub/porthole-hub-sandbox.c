/* porthole-hub-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-hub-sandbox.h"

static const char *const status_names[] = {
  [PORTHOLE_HUB_STATUS_CREATING] = "creating",
  [PORTHOLE_HUB_STATUS_RUNNING] = "running",
  [PORTHOLE_HUB_STATUS_PAUSED] = "paused",
  [PORTHOLE_HUB_STATUS_STOPPED] = "stopped",
  [PORTHOLE_HUB_STATUS_ERROR] = "error",
  [PORTHOLE_HUB_STATUS_DELETED] = "deleted",
  [PORTHOLE_HUB_STATUS_EXPIRED] = "expired",
};

static void
sandbox_clear (PortholeHubSandbox *sandbox)
{
  g_free (sandbox->id);
  g_free (sandbox->tenant);
  g_free (sandbox->template_id);
  g_free (sandbox->template_name);
  g_clear_pointer (&sandbox->env, json_object_unref);
  g_free (sandbox->runtime);
}

PortholeHubSandbox *
porthole_hub_sandbox_new (void)
{
  return g_atomic_rc_box_new0 (PortholeHubSandbox);
}

PortholeHubSandbox *
porthole_hub_sandbox_ref (PortholeHubSandbox *sandbox)
{
  return g_atomic_rc_box_acquire (sandbox);
}

void
porthole_hub_sandbox_unref (PortholeHubSandbox *sandbox)
{
  g_atomic_rc_box_release_full (sandbox, (GDestroyNotify) sandbox_clear);
}

const char *
porthole_hub_status_to_string (PortholeHubStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), "error");
  return status_names[status];
}

gboolean
porthole_hub_status_from_string (const char        *text,
                                 PortholeHubStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

/* Shown by get and list (CONTROL-PLANE.md §2.1). */
gboolean
porthole_hub_sandbox_is_live (PortholeHubSandbox *sandbox)
{
  return sandbox->status != PORTHOLE_HUB_STATUS_DELETED &&
         sandbox->status != PORTHOLE_HUB_STATUS_EXPIRED;
}

/**
 * porthole_hub_sandbox_new_id:
 *
 * Returns: (transfer full): Unix seconds and 8 random base-36 characters,
 *   like HopX's `1761048129dsaqav4n` (CONTROL-PLANE.md §2.2): URL- and
 *   DNS-label-safe, and never the same twice on one clock.
 */
char *
porthole_hub_sandbox_new_id (void)
{
  static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  GString *id = g_string_new (NULL);

  g_string_printf (id, "%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  for (guint i = 0; i < 8; i++)
    g_string_append_c (id, alphabet[g_random_int_range (0, 36)]);

  return g_string_free (id, FALSE);
}
