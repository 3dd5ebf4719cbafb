/* porthole-service-notify.c
 *
 * Under systemd (Type=notify in portholed.service), the daemon says
 * READY=1 once it serves and STOPPING=1 when it stops, and, with
 * WatchdogSec=, WATCHDOG=1 from its main loop every half period. A main
 * loop that stops turning answers nobody, yet the process lives on: a
 * handler that deadlocked (a GCancellable disconnected from inside its
 * own handler, 2026-12-05) hung the daemon for good. Now the service
 * manager sees the pings stop and restarts it.
 *
 * The protocol is one datagram per message to $NOTIFY_SOCKET, a path or
 * an abstract name ("@…"), here without libsystemd. The variables stay
 * in the daemon's environment for the image a restart execs (same pid);
 * children never see them (porthole-env-store.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "porthole-service-notify.h"

static GSocket *notify_socket;
static GSocketAddress *notify_address;
static gboolean notify_tried;
static guint watchdog_id;

static gboolean
ensure_socket (void)
{
  const char *name = g_getenv ("NOTIFY_SOCKET");
  g_autoptr(GError) error = NULL;

  if (notify_tried)
    return notify_socket != NULL;
  notify_tried = TRUE;

  if (name == NULL || name[0] == '\0')
    return FALSE;

  if (name[0] == '@')
    notify_address = g_unix_socket_address_new_with_type (name + 1, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  else if (name[0] == '/')
    notify_address = g_unix_socket_address_new (name);
  else
    {
      g_warning ("NOTIFY_SOCKET=%s: only paths and abstract names are supported", name);
      return FALSE;
    }

  /* Close-on-exec (GSocket's default); never blocking the loop: a
   * message the manager's queue has no room for is dropped. */
  notify_socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  if (notify_socket == NULL)
    {
      g_warning ("Cannot notify the service manager: %s", error->message);
      g_clear_object (&notify_address);
      return FALSE;
    }
  g_socket_set_blocking (notify_socket, FALSE);

  return TRUE;
}

/**
 * porthole_service_notify:
 * @state: newline-separated assignments ("READY=1", "STATUS=…")
 *
 * Tells the service manager, if there is one listening ($NOTIFY_SOCKET).
 */
void
porthole_service_notify (const char *state)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (state != NULL);

  if (!ensure_socket ())
    return;

  if (g_socket_send_to (notify_socket, notify_address, state, strlen (state), NULL, &error) < 0)
    g_debug ("Cannot notify the service manager: %s", error->message);
}

static gboolean
watchdog_cb (gpointer user_data)
{
  porthole_service_notify ("WATCHDOG=1");

  return G_SOURCE_CONTINUE;
}

/**
 * porthole_service_watchdog_start:
 *
 * Pings the service manager's watchdog from the main loop twice per
 * $WATCHDOG_USEC, when it is set (for this process: $WATCHDOG_PID, if
 * set, names it).
 */
void
porthole_service_watchdog_start (void)
{
  const char *usec_text = g_getenv ("WATCHDOG_USEC");
  const char *pid_text = g_getenv ("WATCHDOG_PID");
  guint64 usec, pid;

  if (watchdog_id != 0 || usec_text == NULL)
    return;

  if (!g_ascii_string_to_unsigned (usec_text, 10, 1, G_MAXUINT64, &usec, NULL))
    {
      g_warning ("WATCHDOG_USEC=%s is not a number of microseconds", usec_text);
      return;
    }
  if (pid_text != NULL &&
      (!g_ascii_string_to_unsigned (pid_text, 10, 1, G_MAXINT, &pid, NULL) || pid != (guint64) getpid ()))
    return;

  /* Above default: a loop busy with clients still turns, and the pings
   * must not wait behind a whole turn's worth of them. */
  watchdog_id = g_timeout_add_full (G_PRIORITY_HIGH, (guint) CLAMP (usec / 2000, 1, G_MAXUINT),
                                    watchdog_cb, NULL, NULL);
  g_debug ("Pinging the service manager's watchdog every %" G_GUINT64_FORMAT " ms", MAX (usec / 2000, 1));
}
