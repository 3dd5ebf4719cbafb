/* porthole-desktop.c
 *
 * Owns the display the desktop routes work on:
 *  - "--display :N": that server; we reconnect whenever it comes back;
 *  - "--display auto": $DISPLAY if it answers, otherwise an embedded
 *    Xvfb (plus a window manager) that we start, supervise and stop;
 *  - "--display none": no desktop; every route answers 503.
 * Per-connection objects (input, capture, clipboard, windows, RandR,
 * damage) are made when the connection opens and dropped when it is
 * lost; the log, the clipboard history, the OCR engines, the
 * accessibility reader and the recordings (each has its own connection)
 * outlive connections.
 * The embedded display also gets a D-Bus session and the AT-SPI bus
 * (porthole-session-bus.c), whose addresses programs started from then
 * on inherit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-a11y.h"
#include "porthole-config.h"
#include "porthole-desktop.h"
#include "porthole-env-store.h"
#include "porthole-error.h"
#include "porthole-helper-process.h"
#include "porthole-procfs.h"
#include "porthole-session-bus.h"
#include "porthole-x11-damage.h"
#include "porthole-x11-watchdog.h"
#include "porthole-recorder.h"
#include "porthole-xvfb.h"
#include "porthole-ocr.h"
#include "porthole-vnc-server.h"

#define LOG_LINES 2000
#define CLIPBOARD_HISTORY_ENTRIES 50
#define CLIPBOARD_HISTORY_BYTES (8 * 1024 * 1024)
#define MIN_RECONNECT_MS 100
#define MAX_RECONNECT_MS 2000
/* An on-demand connection attempt at most this often. */
#define ATTEMPT_INTERVAL_USEC (100 * 1000)
#define SILENT_SERVER_BACKOFF_USEC (10 * G_USEC_PER_SEC)

struct _PortholeDesktop
{
  GObject parent_instance;

  PortholeConfig *config;
  PortholeEnvStore *env_store;
  PortholeLogBuffer *log;
  PortholeClipboardHistory *clipboard_history;
  PortholeOcr *ocr;
  PortholeVncServer *vnc;
  PortholeA11y *a11y;
  PortholeRecorder *recorder;
  GHashTable *cpu_samples;      /* pid -> PortholeCpuSample */

  PortholeXvfb *xvfb;
  PortholeHelperProcess *window_manager;
  PortholeSessionBus *session_bus;
  char *display_name;
  char *unavailable;            /* why there is no desktop, when there is none */

  PortholeX11Display *display;
  PortholeX11Input *input;
  PortholeX11Capture *capture;
  PortholeX11Clipboard *clipboard;
  PortholeX11Windows *windows;
  PortholeX11Randr *randr;
  PortholeX11Damage *damage;

  guint reconnect_id;
  guint reconnect_ms;
  gint64 last_attempt;
  guint disabled : 1;
  guint stopped : 1;
  guint logged_failure : 1;
};

enum {
  CONNECTED,
  DISCONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeDesktop, porthole_desktop, G_TYPE_OBJECT)

void
porthole_desktop_process_free (PortholeDesktopProcess *process)
{
  g_free (process->name);
  g_free (process->command);
  g_free (process);
}

static void
drop_connection (PortholeDesktop *self)
{
  if (self->display == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->display, self);
  if (self->clipboard != NULL)
    g_signal_handlers_disconnect_by_data (self->clipboard, self);

  /* Work in progress holds its own references and fails cleanly. */
  g_clear_object (&self->input);
  g_clear_object (&self->capture);
  g_clear_object (&self->clipboard);
  g_clear_object (&self->windows);
  g_clear_object (&self->randr);
  g_clear_object (&self->damage);
  porthole_x11_display_close (self->display);
  g_clear_object (&self->display);

  g_signal_emit (self, signals[DISCONNECTED], 0);
}

static void
porthole_desktop_dispose (GObject *object)
{
  PortholeDesktop *self = (PortholeDesktop *)object;

  porthole_desktop_stop (self);
  g_clear_object (&self->vnc);
  g_clear_object (&self->xvfb);
  g_clear_object (&self->window_manager);
  g_clear_object (&self->session_bus);
  g_clear_object (&self->a11y);

  G_OBJECT_CLASS (porthole_desktop_parent_class)->dispose (object);
}

static void
porthole_desktop_finalize (GObject *object)
{
  PortholeDesktop *self = (PortholeDesktop *)object;

  g_clear_object (&self->config);
  g_clear_object (&self->env_store);
  g_clear_object (&self->log);
  g_clear_object (&self->clipboard_history);
  g_clear_object (&self->ocr);
  g_clear_object (&self->recorder);
  g_clear_pointer (&self->cpu_samples, g_hash_table_unref);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->unavailable, g_free);

  G_OBJECT_CLASS (porthole_desktop_parent_class)->finalize (object);
}

static void
porthole_desktop_class_init (PortholeDesktopClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_desktop_dispose;
  object_class->finalize = porthole_desktop_finalize;

  /**
   * PortholeDesktop::connected:
   *
   * A connection is open: the per-connection objects exist. A VNC
   * server or a recorder attaches here.
   */
  signals[CONNECTED] =
    g_signal_new ("connected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeDesktop::disconnected:
   *
   * The connection was lost or closed; the per-connection objects are
   * gone.
   */
  signals[DISCONNECTED] =
    g_signal_new ("disconnected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_desktop_init (PortholeDesktop *self)
{
  self->log = porthole_log_buffer_new ("desktop", LOG_LINES);
  self->clipboard_history = porthole_clipboard_history_new (CLIPBOARD_HISTORY_ENTRIES,
                                                            CLIPBOARD_HISTORY_BYTES);
  self->cpu_samples = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->reconnect_ms = MIN_RECONNECT_MS;
}

PortholeDesktop *
porthole_desktop_new (PortholeConfig   *config,
                      PortholeEnvStore *env_store)
{
  PortholeDesktop *self;

  g_return_val_if_fail (PORTHOLE_IS_CONFIG (config), NULL);
  g_return_val_if_fail (PORTHOLE_IS_ENV_STORE (env_store), NULL);

  self = g_object_new (PORTHOLE_TYPE_DESKTOP, NULL);
  self->config = g_object_ref (config);
  self->env_store = g_object_ref (env_store);
  /* Only a pool: the engines and their plugin come with the first use. */
  self->ocr = porthole_ocr_new ();
  /* Only the objects: their plugins come with the first start. */
  self->vnc = porthole_vnc_server_new (self, config);
  /* Only the object: its helper process comes with the first use. */
  self->a11y = porthole_a11y_new (self, env_store, self->log);
  self->recorder = porthole_recorder_new (config, self->log);

  return self;
}

static void schedule_reconnect (PortholeDesktop *self);

static void
on_display_closed (PortholeDesktop *self)
{
  porthole_log_buffer_append (self->log, NULL, "Desktop unavailable: X display %s went away",
                              self->display_name);
  drop_connection (self);
  /* Its helper reads the old display's buses. */
  porthole_a11y_reset (self->a11y);
  self->reconnect_ms = MIN_RECONNECT_MS;
  schedule_reconnect (self);
}

static void
on_clipboard_changed (PortholeDesktop *self,
                      const char      *text)
{
  porthole_clipboard_history_add (self->clipboard_history, text);
}

static gboolean
try_connect (PortholeDesktop  *self,
             const char       *name,
             GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  g_assert (self->display == NULL);

  self->last_attempt = g_get_monotonic_time ();
  /* Process-wide (recordings' connections too); SIGHUP's value counts
   * from the next connection. */
  porthole_x11_watchdog_set_timeout (porthole_config_get_display_timeout (self->config));
  self->display = porthole_x11_display_open (name, self->log, &local_error);
  if (self->display == NULL)
    {
      if (!self->logged_failure)
        porthole_log_buffer_append (self->log, NULL, "%s", local_error->message);
      self->logged_failure = TRUE;
      /* A server that does not answer cost us the probe's wait: ask it
       * again much later than one that is simply not there. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        self->last_attempt += SILENT_SERVER_BACKOFF_USEC;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->logged_failure = FALSE;
  self->reconnect_ms = MIN_RECONNECT_MS;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_pointer (&self->unavailable, g_free);
  if (self->display_name != name)
    {
      g_free (self->display_name);
      self->display_name = g_strdup (name);
    }

  g_signal_connect_swapped (self->display, "closed", G_CALLBACK (on_display_closed), self);
  self->input = porthole_x11_input_new (self->display);
  self->capture = porthole_x11_capture_new (self->display);
  self->clipboard = porthole_x11_clipboard_new (self->display);
  self->windows = porthole_x11_windows_new (self->display);
  self->randr = porthole_x11_randr_new (self->display);
  self->damage = porthole_x11_damage_new (self->display);
  g_signal_connect_swapped (self->clipboard, "changed", G_CALLBACK (on_clipboard_changed), self);

  /* Programs started from now on show up on this desktop. */
  porthole_env_store_set_base (self->env_store, "DISPLAY", name);

  g_signal_emit (self, signals[CONNECTED], 0);
  return TRUE;
}

static gboolean
reconnect_cb (gpointer user_data)
{
  PortholeDesktop *self = user_data;

  self->reconnect_id = 0;
  if (self->display != NULL || self->stopped)
    return G_SOURCE_REMOVE;

  /* The embedded server says when it is ready. */
  if (self->xvfb != NULL && !porthole_xvfb_is_ready (self->xvfb))
    return G_SOURCE_REMOVE;

  if (!try_connect (self, self->display_name, NULL))
    schedule_reconnect (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (PortholeDesktop *self)
{
  if (self->stopped || self->disabled || self->reconnect_id != 0 || self->display_name == NULL)
    return;

  self->reconnect_id = g_timeout_add (self->reconnect_ms, reconnect_cb, self);
  self->reconnect_ms = MIN (self->reconnect_ms * 2, MAX_RECONNECT_MS);
}

static GStrv
build_envp (PortholeDesktop *self)
{
  return porthole_env_store_build_envp (self->env_store, NULL);
}

/* Window managers exit without a theme, at-spi-bus-launcher without its
 * GSettings schemas: make sure the system data and config directories
 * are searched whatever XDG_*_DIRS say. */
static GStrv
with_system_dirs (GStrv envp)
{
  static const struct { const char *name; const char *dirs; } defaults[] = {
    { "XDG_DATA_DIRS", "/usr/local/share:/usr/share" },
    { "XDG_CONFIG_DIRS", "/etc/xdg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      const char *value = g_environ_getenv (envp, defaults[i].name);
      g_autofree char *joined = NULL;

      if (value != NULL && *value != '\0')
        joined = g_strconcat (value, ":", defaults[i].dirs, NULL);
      envp = g_environ_setenv (envp, defaults[i].name, joined ? joined : defaults[i].dirs, TRUE);
    }

  return envp;
}

static void
start_window_manager (PortholeDesktop *self)
{
  const char *setting = porthole_config_get_window_manager (self->config);
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) envp = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (setting, "none"))
    return;

  if (self->window_manager == NULL)
    {
      if (g_str_equal (setting, "auto"))
        {
          g_autofree char *openbox = g_find_program_in_path ("openbox");

          if (openbox == NULL)
            {
              porthole_log_buffer_append (self->log, NULL,
                                          "No window manager: openbox is not installed");
              return;
            }
          argv = g_new0 (char *, 3);
          argv[0] = g_steal_pointer (&openbox);
          argv[1] = g_strdup ("--sm-disable");
        }
      else if (!g_shell_parse_argv (setting, NULL, &argv, &error))
        {
          porthole_log_buffer_append (self->log, NULL, "Invalid window-manager setting: %s",
                                      error->message);
          return;
        }

      self->window_manager = porthole_helper_process_new ("window-manager", self->log);
      porthole_helper_process_set_argv (self->window_manager, (const char *const *) argv);
    }

  envp = with_system_dirs (build_envp (self));
  porthole_helper_process_set_envp (self->window_manager, (const char *const *) envp);
  porthole_helper_process_start (self->window_manager);
}

static void
on_session_bus_ready (PortholeDesktop *self)
{
  const char *const *environment = porthole_session_bus_get_a11y_environment ();

  porthole_env_store_set_base (self->env_store, "DBUS_SESSION_BUS_ADDRESS",
                               porthole_session_bus_get_address (self->session_bus));
  for (guint i = 0; environment[i] != NULL; i += 2)
    porthole_env_store_set_base (self->env_store, environment[i], environment[i + 1]);
  porthole_a11y_reset (self->a11y);
}

static void
on_session_bus_lost (PortholeDesktop *self)
{
  porthole_env_store_set_base (self->env_store, "DBUS_SESSION_BUS_ADDRESS", NULL);
  porthole_a11y_reset (self->a11y);
}

/* The session and accessibility buses of the embedded display. */
static void
start_session_bus (PortholeDesktop *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;

  if (self->session_bus == NULL)
    {
      self->session_bus = porthole_session_bus_new (self->log);
      g_signal_connect_swapped (self->session_bus, "ready", G_CALLBACK (on_session_bus_ready), self);
      g_signal_connect_swapped (self->session_bus, "lost", G_CALLBACK (on_session_bus_lost), self);
    }

  /* The bus's own address is not for itself; at-spi-bus-launcher aborts
   * without the system's GSettings schemas. */
  envp = with_system_dirs (build_envp (self));
  envp = g_environ_unsetenv (envp, "DBUS_SESSION_BUS_ADDRESS");
  if (!porthole_session_bus_start (self->session_bus, (const char *const *) envp, &error))
    porthole_log_buffer_append (self->log, NULL, "No D-Bus session, so no accessibility: %s",
                                error->message);
}

static void
on_xvfb_ready (PortholeDesktop *self)
{
  if (self->stopped)
    return;

  /* Normally the same number every time, but the server chooses. */
  if (g_strcmp0 (self->display_name, porthole_xvfb_get_display_name (self->xvfb)) != 0)
    {
      drop_connection (self);
      g_free (self->display_name);
      self->display_name = g_strdup (porthole_xvfb_get_display_name (self->xvfb));
    }

  porthole_env_store_set_base (self->env_store, "DISPLAY", self->display_name);
  if (self->display == NULL && !try_connect (self, self->display_name, NULL))
    schedule_reconnect (self);
  start_window_manager (self);
  start_session_bus (self);
}

static void
on_xvfb_lost (PortholeDesktop *self)
{
  /* It would only die with the server; it starts again with the next. */
  if (self->window_manager != NULL)
    porthole_helper_process_stop (self->window_manager);
}

static void
start_embedded (PortholeDesktop *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = build_envp (self);
  guint width, height, depth;

  porthole_config_get_display_size (self->config, &width, &height, &depth);
  self->xvfb = porthole_xvfb_new (self->log, width, height, depth);
  g_signal_connect_swapped (self->xvfb, "ready", G_CALLBACK (on_xvfb_ready), self);
  g_signal_connect_swapped (self->xvfb, "lost", G_CALLBACK (on_xvfb_lost), self);

  if (!porthole_xvfb_start (self->xvfb, (const char *const *) envp, &error))
    {
      porthole_log_buffer_append (self->log, NULL, "No desktop: %s", error->message);
      self->unavailable = g_strdup (error->message);
      return;
    }

  porthole_log_buffer_append (self->log, NULL, "Starting the embedded X server (%ux%ux%u)",
                              width, height, depth);
}

/**
 * porthole_desktop_start:
 *
 * Connects to the configured display, or starts the embedded one. Never
 * fails: without a display, desktop routes answer 503 until one appears.
 */
void
porthole_desktop_start (PortholeDesktop *self)
{
  const char *setting;

  g_return_if_fail (PORTHOLE_IS_DESKTOP (self));

  setting = porthole_config_get_display (self->config);

  if (g_str_equal (setting, "none"))
    {
      self->disabled = TRUE;
      self->unavailable = g_strdup ("The desktop is disabled (display = none)");
      return;
    }

  if (g_str_equal (setting, "auto"))
    {
      const char *env_display = g_getenv ("DISPLAY");

      if (env_display != NULL && *env_display != '\0' && try_connect (self, env_display, NULL))
        return;

      start_embedded (self);
      return;
    }

  self->display_name = g_strdup (setting);
  if (!try_connect (self, self->display_name, NULL))
    schedule_reconnect (self);
}

/**
 * porthole_desktop_stop:
 *
 * Daemon shutdown: closes the connection and ends the helpers.
 */
void
porthole_desktop_stop (PortholeDesktop *self)
{
  g_return_if_fail (PORTHOLE_IS_DESKTOP (self));

  if (self->stopped)
    return;

  self->stopped = TRUE;
  /* Before the X server goes: the files get their trailers. */
  porthole_recorder_stop_all (self->recorder);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->vnc != NULL)
    porthole_vnc_server_stop (self->vnc);
  drop_connection (self);
  if (self->window_manager != NULL)
    porthole_helper_process_stop (self->window_manager);
  if (self->session_bus != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session_bus, self);
      porthole_session_bus_stop (self->session_bus);
    }
  porthole_a11y_reset (self->a11y);
  if (self->xvfb != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->xvfb, self);
      porthole_xvfb_stop (self->xvfb);
    }
}

gboolean
porthole_desktop_is_enabled (PortholeDesktop *self)
{
  return !self->disabled;
}

/**
 * porthole_desktop_ensure:
 *
 * Returns: TRUE when the desktop can be used now; otherwise a
 *   DESKTOP_NOT_AVAILABLE error. May try to connect (cheap: it fails at
 *   once when no server listens).
 */
gboolean
porthole_desktop_ensure (PortholeDesktop  *self,
                         GError          **error)
{
  g_return_val_if_fail (PORTHOLE_IS_DESKTOP (self), FALSE);

  if (self->display != NULL && !porthole_x11_display_is_closed (self->display))
    return TRUE;

  if (self->disabled || self->stopped || self->display_name == NULL)
    {
      const char *reason = self->unavailable;

      if (reason == NULL)
        reason = self->xvfb != NULL ? "The embedded X server is starting" : "The desktop is not available";
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "%s", reason);
      return FALSE;
    }

  if (self->display == NULL &&
      (self->xvfb == NULL || porthole_xvfb_is_ready (self->xvfb)) &&
      g_get_monotonic_time () - self->last_attempt >= ATTEMPT_INTERVAL_USEC &&
      try_connect (self, self->display_name, NULL))
    return TRUE;

  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
               "X display %s is not available", self->display_name);
  return FALSE;
}

/**
 * porthole_desktop_dup_missing_dependencies:
 *
 * Returns: (transfer full): Debian packages that would give us a
 *   desktop, for the DESKTOP_NOT_AVAILABLE error body
 */
GStrv
porthole_desktop_dup_missing_dependencies (PortholeDesktop *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  /* The one package that gives a display: Xvfb; the rest is in-process. */
  g_strv_builder_add (builder, "xvfb");

  return g_strv_builder_end (builder);
}

/**
 * porthole_desktop_get_display_name:
 *
 * Returns: (nullable): the display in use or being waited for, ":N"
 */
const char *
porthole_desktop_get_display_name (PortholeDesktop *self)
{
  return self->display_name;
}

PortholeX11Display *
porthole_desktop_get_display (PortholeDesktop *self)
{
  return self->display;
}

PortholeX11Input *
porthole_desktop_get_input (PortholeDesktop *self)
{
  return self->input;
}

PortholeX11Capture *
porthole_desktop_get_capture (PortholeDesktop *self)
{
  return self->capture;
}

PortholeX11Clipboard *
porthole_desktop_get_clipboard (PortholeDesktop *self)
{
  return self->clipboard;
}

PortholeX11Windows *
porthole_desktop_get_windows (PortholeDesktop *self)
{
  return self->windows;
}

PortholeX11Randr *
porthole_desktop_get_randr (PortholeDesktop *self)
{
  return self->randr;
}

/**
 * porthole_desktop_get_damage:
 *
 * Returns: (transfer none) (nullable): "the screen changed" for any
 *   number of subscribers, while connected
 */
PortholeX11Damage *
porthole_desktop_get_damage (PortholeDesktop *self)
{
  return self->damage;
}

/**
 * porthole_desktop_get_ocr:
 *
 * Returns: (transfer none): the pool of OCR engines (the ocr plugin is
 *   loaded by its first recognition)
 */
PortholeOcr *
porthole_desktop_get_ocr (PortholeDesktop *self)
{
  return self->ocr;
}

/**
 * porthole_desktop_get_a11y:
 *
 * Returns: (transfer none): the reader of accessibility trees (its
 *   helper process comes with the first use)
 */
PortholeA11y *
porthole_desktop_get_a11y (PortholeDesktop *self)
{
  return self->a11y;
}

/**
 * porthole_desktop_get_vnc:
 *
 * Returns: (transfer none): the VNC server, running or not
 */
PortholeVncServer *
porthole_desktop_get_vnc (PortholeDesktop *self)
{
  return self->vnc;
}

/**
 * porthole_desktop_get_recorder:
 *
 * Returns: (transfer none): the screen recordings
 */
PortholeRecorder *
porthole_desktop_get_recorder (PortholeDesktop *self)
{
  return self->recorder;
}

PortholeLogBuffer *
porthole_desktop_get_log (PortholeDesktop *self)
{
  return self->log;
}

PortholeClipboardHistory *
porthole_desktop_get_clipboard_history (PortholeDesktop *self)
{
  return self->clipboard_history;
}

static PortholeDesktopProcess *
describe_process (PortholeDesktop *self,
                  int              pid,
                  const char      *name,
                  char            *command,
                  const char      *status)
{
  PortholeDesktopProcess *process = g_new0 (PortholeDesktopProcess, 1);
  PortholeProcStat stat;

  process->pid = pid;
  process->name = g_strdup (name);
  process->command = command;
  process->status = status;

  if (pid > 0 && porthole_procfs_read_stat (pid, &stat))
    {
      PortholeCpuSample *sample = g_hash_table_lookup (self->cpu_samples, GINT_TO_POINTER (pid));

      if (sample == NULL)
        {
          sample = g_new0 (PortholeCpuSample, 1);
          g_hash_table_insert (self->cpu_samples, GINT_TO_POINTER (pid), sample);
        }
      process->cpu_percent = porthole_procfs_cpu_percent (sample, stat.cpu_ticks);
      process->memory_mb = stat.rss_bytes / (1024.0 * 1024.0);
    }

  return process;
}

static void
add_helper (PortholeDesktop       *self,
            GPtrArray             *processes,
            PortholeHelperProcess *helper)
{
  g_autofree char *command = porthole_helper_process_dup_command_line (helper);
  g_autofree char *name = g_path_get_basename (command);
  char *space = strchr (name, ' ');

  if (space != NULL)
    *space = '\0';

  g_ptr_array_add (processes, describe_process (self, porthole_helper_process_get_pid (helper), name,
                                                g_steal_pointer (&command),
                                                porthole_helper_process_get_status (helper)));
}

/* A process of ours or not, by pid: its command line read in /proc. */
static void
add_process (PortholeDesktop *self,
             GPtrArray       *processes,
             int              pid,
             const char      *fallback_name)
{
  g_autofree char *cmdline_path = g_strdup_printf ("/proc/%d/cmdline", pid);
  g_autofree char *cmdline = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;

  if (g_file_get_contents (cmdline_path, &cmdline, &length, NULL))
    for (gsize i = 0; i + 1 < length; i++)
      if (cmdline[i] == '\0')
        cmdline[i] = ' ';

  name = g_path_get_basename (cmdline && *cmdline ? cmdline : fallback_name);
  if (strchr (name, ' ') != NULL)
    *strchr (name, ' ') = '\0';
  g_ptr_array_add (processes, describe_process (self, pid, name, g_strdup (cmdline ? cmdline : ""), "running"));
}

/* An X server we did not start: the peer of our connection. */
static void
add_external_server (PortholeDesktop *self,
                     GPtrArray       *processes)
{
  int pid;

  if (self->display == NULL || (pid = porthole_x11_display_get_server_pid (self->display)) <= 0)
    return;

  add_process (self, processes, pid, "X");
}

/**
 * porthole_desktop_list_processes:
 *
 * Returns: (transfer container) (element-type PortholeDesktopProcess):
 *   the X server and the helpers of the desktop
 */
GPtrArray *
porthole_desktop_list_processes (PortholeDesktop *self)
{
  GPtrArray *processes = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_desktop_process_free);

  g_return_val_if_fail (PORTHOLE_IS_DESKTOP (self), processes);

  if (self->xvfb != NULL)
    add_helper (self, processes, porthole_xvfb_get_helper (self->xvfb));
  else
    add_external_server (self, processes);

  if (self->window_manager != NULL)
    add_helper (self, processes, self->window_manager);

  if (self->session_bus != NULL)
    {
      g_autoptr(GPtrArray) helpers = g_ptr_array_new ();

      porthole_session_bus_add_helpers (self->session_bus, helpers);
      for (guint i = 0; i < helpers->len; i++)
        add_helper (self, processes, g_ptr_array_index (helpers, i));
    }

  /* Started on demand, not supervised: shown while it runs. */
  if (porthole_a11y_get_helper_pid (self->a11y) > 0)
    add_process (self, processes, porthole_a11y_get_helper_pid (self->a11y), "porthole-a11y-helper");

  return processes;
}
