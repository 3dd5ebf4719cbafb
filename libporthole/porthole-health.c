/* porthole-health.c
 *
 * One check is two requests: the public GET /health (is anybody there,
 * which version) and GET /desktop/vnc/status, which needs the token and
 * is the desktop probe of API.md §8.0: a 401 says the token is refused,
 * a 503 that the desktop is not available, a 200 that it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-error.h"
#include "porthole-health.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

struct _PortholeHealth
{
  GObject parent_instance;

  PortholeHealthStatus status;
  PortholeDesktopState desktop;
  char *message;
  char *agent;
  char *version;
  char *api_version;
  double uptime;
};

G_DEFINE_FINAL_TYPE (PortholeHealth, porthole_health, G_TYPE_OBJECT)

static void
porthole_health_finalize (GObject *object)
{
  PortholeHealth *self = (PortholeHealth *)object;

  g_free (self->message);
  g_free (self->agent);
  g_free (self->version);
  g_free (self->api_version);

  G_OBJECT_CLASS (porthole_health_parent_class)->finalize (object);
}

static void
porthole_health_class_init (PortholeHealthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_health_finalize;
}

static void
porthole_health_init (PortholeHealth *self)
{
}

PortholeHealthStatus
porthole_health_get_status (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), PORTHOLE_HEALTH_UNREACHABLE);

  return self->status;
}

/**
 * porthole_health_get_message:
 *
 * Returns: (nullable): what went wrong, in the words of the transport or
 *   the daemon (for details under a plain-words summary)
 */
const char *
porthole_health_get_message (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), NULL);

  return self->message;
}

const char *
porthole_health_get_agent (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), NULL);

  return self->agent;
}

/**
 * porthole_health_get_version:
 *
 * Returns: (nullable): the agent's version, when it answered /health
 */
const char *
porthole_health_get_version (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), NULL);

  return self->version;
}

const char *
porthole_health_get_api_version (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), NULL);

  return self->api_version;
}

double
porthole_health_get_uptime (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), 0);

  return self->uptime;
}

PortholeDesktopState
porthole_health_get_desktop (PortholeHealth *self)
{
  g_return_val_if_fail (PORTHOLE_IS_HEALTH (self), PORTHOLE_DESKTOP_UNKNOWN);

  return self->desktop;
}

typedef struct
{
  PortholeHealth *health;
  GCancellable *cancellable;
  GCancellable *outer;
  gulong outer_handler;
  GSource *timeout;
  gboolean timed_out;
} Check;

static void
check_free (Check *check)
{
  if (check->timeout != NULL)
    {
      g_source_destroy (check->timeout);
      g_source_unref (check->timeout);
    }
  if (check->outer != NULL)
    g_cancellable_disconnect (check->outer, check->outer_handler);
  g_clear_object (&check->outer);
  g_clear_object (&check->cancellable);
  g_clear_object (&check->health);
  g_free (check);
}

static gboolean
on_timeout (gpointer user_data)
{
  Check *check = user_data;

  check->timed_out = TRUE;
  g_cancellable_cancel (check->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* Returns TRUE when @error ended the check (@task is returned). */
static gboolean
finish_on_transport_error (GTask  *task,
                           GError *error)
{
  Check *check = g_task_get_task_data (task);

  if (error->domain == PORTHOLE_CLIENT_ERROR)
    return FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !check->timed_out)
    {
      g_task_return_error (task, g_error_copy (error));
      return TRUE;
    }

  check->health->status = PORTHOLE_HEALTH_UNREACHABLE;
  g_free (check->health->message);
  check->health->message = check->timed_out ? g_strdup ("No answer in time") : g_strdup (error->message);
  g_task_return_pointer (task, g_object_ref (check->health), g_object_unref);

  return TRUE;
}

static void
vnc_status_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  PortholeHealth *health = check->health;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GError) error = NULL;

  status = porthole_client_call_finish (PORTHOLE_CLIENT (object), result, &error);
  if (status == NULL)
    {
      if (finish_on_transport_error (task, error))
        return;

      if (g_error_matches (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_TOKEN_INVALID))
        health->status = PORTHOLE_HEALTH_TOKEN_INVALID;
      else if (g_error_matches (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_TOKEN_EXPIRED))
        health->status = PORTHOLE_HEALTH_TOKEN_EXPIRED;
      else if (g_error_matches (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE))
        health->desktop = PORTHOLE_DESKTOP_UNAVAILABLE;
      /* Any other answer (an agent without the route) leaves the desktop
       * as /health's features said. */

      if (health->status != PORTHOLE_HEALTH_ONLINE)
        health->message = g_strdup (error->message);
    }
  else
    {
      gboolean available = TRUE;

      porthole_json_node_get_boolean (json_object_get_member (status, "desktop_available"), &available);
      health->desktop = available ? PORTHOLE_DESKTOP_AVAILABLE : PORTHOLE_DESKTOP_UNAVAILABLE;
    }

  g_task_return_pointer (task, g_object_ref (health), g_object_unref);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return g_strdup (porthole_json_object_get_string (object, name));
}

static void
health_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  PortholeClient *client = PORTHOLE_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  PortholeHealth *health = check->health;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *features;
  gboolean desktop;

  reply = porthole_client_get_health_finish (client, result, &error);
  if (reply == NULL)
    {
      if (finish_on_transport_error (task, error))
        return;

      health->status = PORTHOLE_HEALTH_UNHEALTHY;
      health->message = g_strdup (error->message);
      g_task_return_pointer (task, g_object_ref (health), g_object_unref);
      return;
    }

  health->agent = dup_member (reply, PORTHOLE_MEMBER_AGENT);
  health->version = dup_member (reply, PORTHOLE_MEMBER_VERSION);
  health->api_version = dup_member (reply, PORTHOLE_MEMBER_API_VERSION);
  porthole_json_node_get_double (json_object_get_member (reply, PORTHOLE_MEMBER_UPTIME_SECONDS), &health->uptime);
  features = porthole_json_object_get_object (reply, PORTHOLE_MEMBER_FEATURES);
  if (features != NULL && porthole_json_node_get_boolean (json_object_get_member (features, "desktop"), &desktop))
    health->desktop = desktop ? PORTHOLE_DESKTOP_AVAILABLE : PORTHOLE_DESKTOP_UNAVAILABLE;

  if (g_strcmp0 (porthole_json_object_get_string (reply, PORTHOLE_MEMBER_STATUS), PORTHOLE_HEALTH_STATUS_HEALTHY) != 0)
    {
      health->status = PORTHOLE_HEALTH_UNHEALTHY;
      health->message = g_strdup_printf ("The agent says it is \"%s\"",
                                         porthole_json_object_get_string (reply, PORTHOLE_MEMBER_STATUS) ?: "");
      g_task_return_pointer (task, g_object_ref (health), g_object_unref);
      return;
    }

  porthole_client_call_async (client, "GET", PORTHOLE_ROUTE_DESKTOP_VNC_STATUS, NULL, check->cancellable,
                              vnc_status_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_check_health_async:
 * @timeout_seconds: how long both requests may take together; 0 for no limit
 *
 * Asks the agent whether it is there, whether it takes our token and
 * whether its desktop is available. The result is a #PortholeHealth
 * whatever the answer; only cancelling fails.
 */
void
porthole_client_check_health_async (PortholeClient      *client,
                                    guint                timeout_seconds,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (PORTHOLE_IS_CLIENT (client));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_client_check_health_async);

  check = g_new0 (Check, 1);
  check->health = g_object_new (PORTHOLE_TYPE_HEALTH, NULL);
  check->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      check->outer = g_object_ref (cancellable);
      check->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                    check->cancellable, NULL);
    }
  if (timeout_seconds > 0)
    {
      check->timeout = g_timeout_source_new_seconds (timeout_seconds);
      g_source_set_callback (check->timeout, on_timeout, check, NULL);
      g_source_attach (check->timeout, g_main_context_get_thread_default ());
    }
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  porthole_client_get_health_async (client, check->cancellable, health_cb, g_steal_pointer (&task));
}

/**
 * porthole_client_check_health_finish:
 *
 * Returns: (transfer full): the health, or %NULL when cancelled
 */
PortholeHealth *
porthole_client_check_health_finish (PortholeClient  *client,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
