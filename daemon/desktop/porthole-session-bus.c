/* porthole-session-bus.c
 *
 * No D-Bus session exists where portholed runs (PLATFORM.md §9, §10), and
 * without one, programs on the embedded display cannot expose their
 * widgets. So the embedded display gets its own, as supervised helpers
 * (porthole-helper-process.c):
 *  - `dbus-daemon --session`, which prints its address once it accepts
 *    connections: that is "ready";
 *  - then `at-spi-bus-launcher --launch-immediately --a11y=1`, which
 *    starts the accessibility bus, publishes its address on the display's
 *    root window (the AT_SPI_BUS property, where GTK, Qt and libatspi
 *    look first) and says that accessibility is on (org.a11y.Status),
 *    which Chromium and Firefox ask. at-spi2-registryd is started by that
 *    bus on demand (D-Bus activation), as on any desktop.
 * The owner exports the address and the variables of
 * porthole_session_bus_get_a11y_environment() to every program started
 * afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-error.h"
#include "porthole-process.h"
#include "porthole-session-bus.h"

/* Where Debian and other distributions install the launcher. */
static const char *const launcher_paths[] = {
  "/usr/libexec/at-spi-bus-launcher",
  "/usr/lib/at-spi2-core/at-spi-bus-launcher",
  "/usr/lib/at-spi2/at-spi-bus-launcher",
  "/usr/local/libexec/at-spi-bus-launcher",
};

struct _PortholeSessionBus
{
  GObject parent_instance;

  PortholeLogBuffer *log;
  PortholeHelperProcess *dbus;
  PortholeHelperProcess *launcher;
  GStrv envp;
  GString *stdout_text;
  char *address;
};

enum {
  READY,
  LOST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeSessionBus, porthole_session_bus, G_TYPE_OBJECT)

static void
porthole_session_bus_dispose (GObject *object)
{
  PortholeSessionBus *self = (PortholeSessionBus *)object;

  porthole_session_bus_stop (self);
  if (self->dbus != NULL)
    g_signal_handlers_disconnect_by_data (self->dbus, self);
  g_clear_object (&self->dbus);
  g_clear_object (&self->launcher);

  G_OBJECT_CLASS (porthole_session_bus_parent_class)->dispose (object);
}

static void
porthole_session_bus_finalize (GObject *object)
{
  PortholeSessionBus *self = (PortholeSessionBus *)object;

  g_clear_object (&self->log);
  g_clear_pointer (&self->envp, g_strfreev);
  g_clear_pointer (&self->address, g_free);
  g_string_free (self->stdout_text, TRUE);

  G_OBJECT_CLASS (porthole_session_bus_parent_class)->finalize (object);
}

static void
porthole_session_bus_class_init (PortholeSessionBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_session_bus_dispose;
  object_class->finalize = porthole_session_bus_finalize;

  /**
   * PortholeSessionBus::ready:
   *
   * The session bus accepts connections (after each start): its address
   * is known.
   */
  signals[READY] =
    g_signal_new ("ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeSessionBus::lost:
   *
   * The session bus exited; it is being restarted (at another address).
   */
  signals[LOST] =
    g_signal_new ("lost",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_session_bus_init (PortholeSessionBus *self)
{
  self->stdout_text = g_string_new (NULL);
}

PortholeSessionBus *
porthole_session_bus_new (PortholeLogBuffer *log)
{
  PortholeSessionBus *self;

  g_return_val_if_fail (PORTHOLE_IS_LOG_BUFFER (log), NULL);

  self = g_object_new (PORTHOLE_TYPE_SESSION_BUS, NULL);
  self->log = g_object_ref (log);

  return self;
}

/**
 * porthole_session_bus_get_a11y_environment:
 *
 * GTK 4 speaks AT-SPI by itself (GTK_A11Y unset or "atspi"); GTK 3 and
 * the toolkits built on ATK through the bridge that NO_AT_BRIDGE turns
 * off; Qt only with QT_LINUX_ACCESSIBILITY_ALWAYS_ON (Qt 5.x, 6) or
 * QT_ACCESSIBILITY (older Qt 5); Firefox with GNOME_ACCESSIBILITY;
 * Chromium and Java's ATK wrapper with ACCESSIBILITY_ENABLED (besides
 * org.a11y.Status).
 *
 * Returns: (transfer none): names and values, a NULL value meaning unset,
 *   ending with NULL
 */
const char *const *
porthole_session_bus_get_a11y_environment (void)
{
  static const char *const environment[] = {
    "QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1",
    "QT_ACCESSIBILITY", "1",
    "GNOME_ACCESSIBILITY", "1",
    "ACCESSIBILITY_ENABLED", "1",
    "NO_AT_BRIDGE", NULL,
    "GTK_A11Y", NULL,
    NULL,
  };

  return environment;
}

static char *
find_launcher (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (launcher_paths); i++)
    if (g_file_test (launcher_paths[i], G_FILE_TEST_IS_EXECUTABLE))
      return g_strdup (launcher_paths[i]);

  return g_find_program_in_path ("at-spi-bus-launcher");
}

/**
 * porthole_session_bus_dup_missing:
 *
 * Returns: (transfer full): the Debian packages of the session that are
 *   not installed
 */
GStrv
porthole_session_bus_dup_missing (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *dbus = g_find_program_in_path ("dbus-daemon");
  g_autofree char *launcher = find_launcher ();

  if (dbus == NULL)
    g_strv_builder_add (builder, "dbus-daemon");
  if (launcher == NULL)
    g_strv_builder_add (builder, "at-spi2-core");

  return g_strv_builder_end (builder);
}

static void
start_launcher (PortholeSessionBus *self)
{
  g_auto(GStrv) envp = NULL;

  if (self->launcher == NULL)
    {
      g_autofree char *path = find_launcher ();
      const char *argv[] = { NULL, "--launch-immediately", "--a11y=1", NULL };

      if (path == NULL)
        {
          porthole_log_buffer_append (self->log, NULL,
                                      "No accessibility bus: at-spi-bus-launcher is not installed (at-spi2-core)");
          return;
        }
      argv[0] = path;
      self->launcher = porthole_helper_process_new ("at-spi-bus-launcher", self->log);
      porthole_helper_process_set_argv (self->launcher, argv);
    }

  envp = g_strdupv (self->envp);
  envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", self->address, TRUE);
  porthole_helper_process_set_envp (self->launcher, (const char *const *) envp);
  porthole_helper_process_start (self->launcher);
}

static void
on_dbus_output (PortholeSessionBus *self,
                guint               stream,
                const char         *text,
                guint64             length)
{
  char *newline;

  if (stream != PORTHOLE_PROCESS_STDOUT || self->address != NULL)
    return;

  /* --print-address writes the address and a newline once it listens. */
  g_string_append_len (self->stdout_text, text, length);
  newline = strchr (self->stdout_text->str, '\n');
  if (newline == NULL)
    return;

  self->address = g_strndup (self->stdout_text->str, newline - self->stdout_text->str);
  g_strstrip (self->address);
  g_string_truncate (self->stdout_text, 0);
  porthole_log_buffer_append (self->log, "dbus-daemon", "Session bus at %s", self->address);

  start_launcher (self);
  g_signal_emit (self, signals[READY], 0);
}

static void
on_dbus_started (PortholeSessionBus *self)
{
  g_string_truncate (self->stdout_text, 0);
}

static void
on_dbus_exited (PortholeSessionBus *self)
{
  if (self->address == NULL)
    return;

  g_clear_pointer (&self->address, g_free);
  /* It cannot do without the bus; it starts again with the next one. */
  if (self->launcher != NULL)
    porthole_helper_process_stop (self->launcher);
  g_signal_emit (self, signals[LOST], 0);
}

/**
 * porthole_session_bus_start:
 * @envp: the environment of the helpers (DISPLAY included)
 *
 * Starts the session bus and keeps it running, then the accessibility
 * bus; "ready" tells when the address is known.
 *
 * Returns: FALSE if dbus-daemon is not installed
 */
gboolean
porthole_session_bus_start (PortholeSessionBus  *self,
                            const char *const   *envp,
                            GError             **error)
{
  g_autofree char *dbus = NULL;

  g_return_val_if_fail (PORTHOLE_IS_SESSION_BUS (self), FALSE);

  dbus = g_find_program_in_path ("dbus-daemon");
  if (dbus == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "dbus-daemon is not installed");
      return FALSE;
    }

  g_strfreev (self->envp);
  self->envp = g_strdupv ((char **) envp);

  if (self->dbus == NULL)
    {
      const char *argv[] = { dbus, "--session", "--nofork", "--nopidfile", "--nosyslog",
                             "--print-address=1", NULL };

      self->dbus = porthole_helper_process_new ("dbus-daemon", self->log);
      porthole_helper_process_set_argv (self->dbus, argv);
      g_signal_connect_swapped (self->dbus, "started", G_CALLBACK (on_dbus_started), self);
      g_signal_connect_swapped (self->dbus, "output", G_CALLBACK (on_dbus_output), self);
      g_signal_connect_swapped (self->dbus, "exited", G_CALLBACK (on_dbus_exited), self);
    }

  porthole_helper_process_set_envp (self->dbus, envp);
  porthole_helper_process_start (self->dbus);
  /* Running already (a restart of the display): the launcher only. */
  if (self->address != NULL)
    start_launcher (self);

  return TRUE;
}

/**
 * porthole_session_bus_stop:
 *
 * Ends the buses (their process trees) and stops restarting them.
 */
void
porthole_session_bus_stop (PortholeSessionBus *self)
{
  g_return_if_fail (PORTHOLE_IS_SESSION_BUS (self));

  if (self->launcher != NULL)
    porthole_helper_process_stop (self->launcher);
  if (self->dbus != NULL)
    porthole_helper_process_stop (self->dbus);
}

/**
 * porthole_session_bus_get_address:
 *
 * Returns: (nullable): the session bus's address while it runs
 */
const char *
porthole_session_bus_get_address (PortholeSessionBus *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SESSION_BUS (self), NULL);

  return self->address;
}

/**
 * porthole_session_bus_add_helpers:
 * @helpers: (element-type PortholeHelperProcess): where to add ours
 *
 * For /desktop/debug/processes.
 */
void
porthole_session_bus_add_helpers (PortholeSessionBus *self,
                                  GPtrArray          *helpers)
{
  g_return_if_fail (PORTHOLE_IS_SESSION_BUS (self));

  if (self->dbus != NULL)
    g_ptr_array_add (helpers, self->dbus);
  if (self->launcher != NULL)
    g_ptr_array_add (helpers, self->launcher);
}
