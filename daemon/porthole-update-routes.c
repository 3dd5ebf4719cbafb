/* porthole-update-routes.c
 *
 * Every route answers 503 FEATURE_DISABLED unless update-enabled is set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-defer.h"
#include "porthole-daemon.h"
#include "porthole-protocol.h"
#include "porthole-restart.h"
#include "porthole-update-routes.h"
#include "porthole-updater.h"

/* A restart waits this long at most for its answer to leave. */
#define RESTART_FLUSH_TIMEOUT_MS 1000

static PortholeUpdater *
get_enabled_updater (PortholeRequest *req)
{
  PortholeUpdater *updater = porthole_daemon_get_updater (porthole_request_get_daemon (req));
  g_autoptr(GError) error = NULL;

  if (!porthole_updater_check_enabled (updater, &error))
    {
      porthole_request_reply_gerror (req, error);
      return NULL;
    }

  return updater;
}

/* Before the first body byte: refuse early, or stream to a file. */
GOutputStream *
porthole_update_open_upload (PortholeRequest  *req,
                             GError          **error)
{
  PortholeUpdater *updater = porthole_daemon_get_updater (porthole_request_get_daemon (req));
  SoupServerMessage *msg = porthole_request_get_message (req);

  return porthole_updater_open_upload (updater, soup_server_message_get_request_headers (msg), error);
}

void
porthole_update_handle_upload (PortholeRequest *req)
{
  PortholeUpdater *updater = get_enabled_updater (req);
  GOutputStream *upload = porthole_request_get_body_stream (req);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  if (updater == NULL)
    return;

  if (upload == NULL)
    {
      porthole_request_reply_missing (req, "file");
      return;
    }

  if ((result = porthole_updater_stage (updater, upload, &error)) == NULL)
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  porthole_request_reply_json (req, SOUP_STATUS_OK, result);
}

static void
apply_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeRequest) req = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  body = porthole_updater_apply_finish (PORTHOLE_UPDATER (object), result, &error);
  if (body == NULL)
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  porthole_request_reply_json (req, SOUP_STATUS_OK, body);
}

void
porthole_update_handle_apply (PortholeRequest *req)
{
  PortholeUpdater *updater = get_enabled_updater (req);
  const char *sha256, *version;

  if (updater == NULL ||
      !porthole_request_get_string (req, "sha256", NULL, &sha256) ||
      !porthole_request_get_string (req, "version", NULL, &version))
    return;

  /* Not cancelled with the request: a half-done apply leaves nothing
   * behind, but one that got to installing should finish. */
  porthole_updater_apply_async (updater, sha256 && *sha256 ? sha256 : NULL,
                                version && *version ? version : NULL,
                                NULL, apply_done, g_object_ref (req));
}

void
porthole_update_handle_backups (PortholeRequest *req)
{
  PortholeUpdater *updater = get_enabled_updater (req);
  g_autoptr(JsonObject) body = NULL;

  if (updater == NULL)
    return;

  body = porthole_updater_list_backups (updater);
  porthole_request_reply_json (req, SOUP_STATUS_OK, body);
}

void
porthole_update_handle_rollback (PortholeRequest *req)
{
  PortholeUpdater *updater = get_enabled_updater (req);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  if (updater == NULL || !porthole_request_get_string (req, "name|backup", NULL, &name))
    return;

  body = porthole_updater_rollback (updater, name && *name ? name : NULL, &error);
  if (body == NULL)
    {
      porthole_request_reply_gerror (req, error);
      return;
    }

  porthole_request_reply_json (req, SOUP_STATUS_OK, body);
}

typedef struct
{
  PortholeDaemon *daemon;
  guint timeout_id;
  gulong wrote_id;
  SoupServerMessage *msg;
} Restart;

static void
restart_now (Restart *restart)
{
  PortholeDaemon *daemon = restart->daemon;

  g_clear_handle_id (&restart->timeout_id, g_source_remove);
  g_clear_signal_handler (&restart->wrote_id, restart->msg);
  g_clear_object (&restart->msg);
  g_free (restart);

  porthole_restart_begin (daemon, porthole_updater_get_target (porthole_daemon_get_updater (daemon)));
  g_object_unref (daemon);
}

static gboolean
restart_timeout_cb (gpointer user_data)
{
  Restart *restart = user_data;

  restart->timeout_id = 0;
  restart_now (restart);

  return G_SOURCE_REMOVE;
}

/* Not from inside soup's signal: from the main loop, right after. */
static void
on_wrote_body (Restart *restart)
{
  g_clear_signal_handler (&restart->wrote_id, restart->msg);
  g_clear_handle_id (&restart->timeout_id, g_source_remove);
  restart->timeout_id = porthole_defer (restart_timeout_cb, restart);
}

void
porthole_update_handle_restart (PortholeRequest *req)
{
  PortholeUpdater *updater = get_enabled_updater (req);
  g_autoptr(JsonObject) body = NULL;
  Restart *restart;

  if (updater == NULL)
    return;

  body = json_object_new ();
  json_object_set_boolean_member (body, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (body, PORTHOLE_MEMBER_MESSAGE,
                                 "Restarting: runs, kernels and terminals end; listening sockets are kept");
  json_object_set_string_member (body, PORTHOLE_MEMBER_PATH, porthole_updater_get_target (updater));

  /* The answer leaves first; the restart follows once it is written. */
  restart = g_new0 (Restart, 1);
  restart->daemon = g_object_ref (porthole_request_get_daemon (req));
  restart->msg = g_object_ref (porthole_request_get_message (req));
  restart->wrote_id = g_signal_connect_swapped (restart->msg, "wrote-body", G_CALLBACK (on_wrote_body), restart);
  restart->timeout_id = g_timeout_add (RESTART_FLUSH_TIMEOUT_MS, restart_timeout_cb, restart);

  porthole_request_reply_json (req, SOUP_STATUS_OK, body);
}
