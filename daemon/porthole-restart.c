/* porthole-restart.c
 *
 * A restart (POST /update/restart) drains the daemon as SIGTERM stops it
 * (runs, kernels and terminals end and say so, connections already
 * accepted are answered) but first duplicates its listening sockets, so
 * they stay open; once the main loop is done, the process re-executes
 * the binary with them as --listen-fd. New connections wait in the
 * kernel's queue meanwhile: clients see a short delay, never a refused
 * connection, and the pid does not change.
 *
 * This is process-wide state, like the command line it replays.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "porthole-daemon.h"
#include "porthole-http-server.h"
#include "porthole-process.h"
#include "porthole-restart.h"

/* Children must be reaped before exec (the new image never could); they
 * get this long. */
#define REAP_GRACE_USEC (5 * G_USEC_PER_SEC)

static GStrv command_line;
static char *binary;
static GArray *handover_fds;

/**
 * porthole_restart_set_command_line:
 * @argv: the daemon's arguments as started (argv[0] first)
 */
void
porthole_restart_set_command_line (const char *const *argv)
{
  g_strfreev (command_line);
  command_line = g_strdupv ((char **) argv);
}

/**
 * porthole_restart_begin:
 * @path: what to execute: the updated daemon
 *
 * Keeps the listening sockets open past the daemon's stop and drains it;
 * main() then calls porthole_restart_exec().
 */
void
porthole_restart_begin (PortholeDaemon *daemon,
                        const char     *path)
{
  g_autoptr(GPtrArray) sockets = NULL;

  g_return_if_fail (PORTHOLE_IS_DAEMON (daemon));
  g_return_if_fail (path != NULL);

  if (binary != NULL)
    return;

  binary = g_strdup (path);
  sockets = porthole_http_server_get_listen_sockets (porthole_daemon_get_http_server (daemon));
  handover_fds = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < sockets->len; i++)
    {
      /* dup() leaves FD_CLOEXEC off: these survive exec. */
      int fd = dup (g_socket_get_fd (g_ptr_array_index (sockets, i)));

      if (fd >= 0)
        g_array_append_val (handover_fds, fd);
      else
        g_warning ("Cannot keep a listening socket for the restart: %s", g_strerror (errno));
    }

  g_message ("Restarting %s", binary);
  porthole_daemon_drain (daemon);
}

gboolean
porthole_restart_is_pending (void)
{
  return binary != NULL;
}

/**
 * porthole_restart_cancel:
 *
 * Forgets a restart under way; the daemon then exits when it stops.
 */
void
porthole_restart_cancel (void)
{
  for (guint i = 0; handover_fds && i < handover_fds->len; i++)
    close (g_array_index (handover_fds, int, i));
  g_clear_pointer (&handover_fds, g_array_unref);
  g_clear_pointer (&binary, g_free);
}

static gboolean
is_option (const char *arg,
           const char *name)
{
  gsize length = strlen (name);

  return strncmp (arg, name, length) == 0 && (arg[length] == '\0' || arg[length] == '=');
}

/* The original command line, with the listening sockets replaced by the
 * handed-over ones and one-shot modes removed. */
static GStrv
build_argv (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add (builder, binary);
  for (guint i = 1; command_line && command_line[i]; i++)
    {
      const char *arg = command_line[i];

      if (is_option (arg, "--listen-fd"))
        {
          if (strchr (arg, '=') == NULL && command_line[i + 1] != NULL)
            i++;
          continue;
        }
      if (g_str_equal (arg, "--self-test") || g_str_equal (arg, "--rollback"))
        continue;
      g_strv_builder_add (builder, arg);
    }

  for (guint i = 0; i < handover_fds->len; i++)
    {
      g_autofree char *arg = g_strdup_printf ("--listen-fd=%d", g_array_index (handover_fds, int, i));

      g_strv_builder_add (builder, arg);
    }

  return g_strv_builder_end (builder);
}

static gboolean
reap_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * porthole_restart_exec:
 *
 * After the daemon stopped: waits for its children to be reaped, then
 * replaces the process with the binary. Returns only if that failed and
 * the running binary could not be started again either.
 */
void
porthole_restart_exec (void)
{
  g_auto(GStrv) argv = NULL;
  gboolean expired = FALSE;
  guint deadline_id;
  sigset_t none;

  g_return_if_fail (binary != NULL);

  argv = build_argv ();
  deadline_id = g_timeout_add (REAP_GRACE_USEC / 1000, reap_deadline_cb, &expired);
  while (porthole_process_count_running () > 0 && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline_id);
  if (porthole_process_count_running () > 0)
    g_warning ("%u children still running at restart", porthole_process_count_running ());

  /* The new image starts with the mask it expects. */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  execv (binary, argv);
  g_warning ("Cannot run %s (%s); starting the running binary again", binary, g_strerror (errno));
  execv ("/proc/self/exe", argv);
  g_critical ("Cannot restart: %s", g_strerror (errno));
}
