/* porthole-xvfb.c
 *
 * Xvfb on a free display number, at the configured size
 * (the largest RandR will ever offer: Xvfb cannot grow, PLATFORM.md §3),
 * with -noreset so the last client leaving does not throw our RandR
 * modes away, a black root (-br: the default weave costs PNG size and
 * OCR accuracy), no TCP, and no -shmem (its segment is world-writable and
 * outlives the server). -displayfd 1 makes Xvfb print the display
 * number on stdout once it accepts connections: that is "ready".
 * It runs on :1 when that looks free (API.md §8.0: the SDKs' default
 * display); otherwise, or if :1 fails, Xvfb takes the first free number
 * itself, atomically, so concurrent servers never collide. Restarts ask for
 * the same number, so DISPLAY stays right for everything started
 * meanwhile; if that fails (someone took it), the next try picks anew.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "porthole-error.h"
#include "porthole-process.h"
#include "porthole-xvfb.h"

#define PREFERRED_DISPLAY 1

struct _PortholeXvfb
{
  GObject parent_instance;

  PortholeHelperProcess *helper;
  PortholeLogBuffer *log;
  guint width;
  guint height;
  guint depth;
  int number;
  char *display_name;
  char *xvfb_path;
  GString *stdout_text;
  guint ready : 1;
  guint was_ready : 1;
};

enum {
  READY,
  LOST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeXvfb, porthole_xvfb, G_TYPE_OBJECT)

static void
porthole_xvfb_dispose (GObject *object)
{
  PortholeXvfb *self = (PortholeXvfb *)object;

  if (self->helper != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->helper, self);
      porthole_helper_process_stop (self->helper);
    }
  g_clear_object (&self->helper);

  G_OBJECT_CLASS (porthole_xvfb_parent_class)->dispose (object);
}

static void
porthole_xvfb_finalize (GObject *object)
{
  PortholeXvfb *self = (PortholeXvfb *)object;

  g_clear_object (&self->log);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->xvfb_path, g_free);
  g_string_free (self->stdout_text, TRUE);

  G_OBJECT_CLASS (porthole_xvfb_parent_class)->finalize (object);
}

static void
porthole_xvfb_class_init (PortholeXvfbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_xvfb_dispose;
  object_class->finalize = porthole_xvfb_finalize;

  /**
   * PortholeXvfb::ready:
   *
   * The server accepts connections (after every start).
   */
  signals[READY] =
    g_signal_new ("ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeXvfb::lost:
   *
   * The server exited; it is being restarted.
   */
  signals[LOST] =
    g_signal_new ("lost",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_xvfb_init (PortholeXvfb *self)
{
  self->number = -1;
  self->stdout_text = g_string_new (NULL);
}

PortholeXvfb *
porthole_xvfb_new (PortholeLogBuffer *log,
                   guint              width,
                   guint              height,
                   guint              depth)
{
  PortholeXvfb *self;

  g_return_val_if_fail (PORTHOLE_IS_LOG_BUFFER (log), NULL);

  self = g_object_new (PORTHOLE_TYPE_XVFB, NULL);
  self->log = g_object_ref (log);
  self->width = width;
  self->height = height;
  self->depth = depth;
  self->helper = porthole_helper_process_new ("Xvfb", log);
  porthole_helper_process_keep_daemon_identity (self->helper);

  return self;
}

static void
on_output (PortholeXvfb *self,
           guint         stream,
           const char   *text,
           guint64       length)
{
  if (stream != PORTHOLE_PROCESS_STDOUT || self->ready)
    return;

  /* -displayfd writes "N\n" when the server is up. */
  g_string_append_len (self->stdout_text, text, length);
  if (strchr (self->stdout_text->str, '\n') != NULL)
    {
      gint64 number;

      if (!g_ascii_string_to_signed (g_strstrip (self->stdout_text->str), 10, 0, G_MAXINT, &number, NULL))
        {
          porthole_log_buffer_append (self->log, "Xvfb", "Unexpected -displayfd output: %s",
                                      self->stdout_text->str);
          return;
        }

      self->number = number;
      g_free (self->display_name);
      self->display_name = g_strdup_printf (":%d", self->number);
      self->ready = self->was_ready = TRUE;
      g_string_truncate (self->stdout_text, 0);
      porthole_log_buffer_append (self->log, "Xvfb", "Display %s is ready", self->display_name);
      g_signal_emit (self, signals[READY], 0);
    }
}

/* Nothing answers on the display's sockets (files left by a killed
 * server do not count: Xvfb replaces them). */
static gboolean
display_looks_free (int number)
{
  g_autofree char *path = g_strdup_printf ("/tmp/.X11-unix/X%d", number);

  for (int abstract = 0; abstract < 2; abstract++)
    {
      struct sockaddr_un address = { .sun_family = AF_UNIX };
      socklen_t length;
      int fd, connected;

      /* Linux also listens on the abstract name "\0/tmp/.X11-unix/XN". */
      memcpy (address.sun_path + abstract, path, strlen (path));
      length = offsetof (struct sockaddr_un, sun_path) + abstract + strlen (path);

      fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return FALSE;
      connected = connect (fd, (struct sockaddr *) &address, length) == 0;
      close (fd);
      if (connected)
        return FALSE;
    }

  return TRUE;
}

static void
set_argv (PortholeXvfb *self)
{
  g_autofree char *screen = g_strdup_printf ("%ux%ux%u", self->width, self->height, self->depth);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, self->xvfb_path);
  if (self->number >= 0)
    g_ptr_array_add (argv, self->display_name);
  g_ptr_array_add (argv, "-screen");
  g_ptr_array_add (argv, "0");
  g_ptr_array_add (argv, screen);
  g_ptr_array_add (argv, "-noreset");
  g_ptr_array_add (argv, "-br");
  g_ptr_array_add (argv, "-nolisten");
  g_ptr_array_add (argv, "tcp");
  g_ptr_array_add (argv, "-displayfd");
  g_ptr_array_add (argv, "1");
  g_ptr_array_add (argv, NULL);

  porthole_helper_process_set_argv (self->helper, (const char *const *) argv->pdata);
}

static void
on_started (PortholeXvfb *self)
{
  self->ready = self->was_ready = FALSE;
  g_string_truncate (self->stdout_text, 0);
}

static void
on_exited (PortholeXvfb *self)
{
  gboolean was_ready = self->ready;

  self->ready = FALSE;

  /* It never came up on its number: let the next start choose again. */
  if (!self->was_ready && self->number >= 0)
    {
      self->number = -1;
      set_argv (self);
    }

  if (was_ready)
    g_signal_emit (self, signals[LOST], 0);
}

/**
 * porthole_xvfb_start:
 * @envp: the server's environment
 *
 * Starts the server and keeps it running; "ready" tells when clients
 * can connect.
 */
gboolean
porthole_xvfb_start (PortholeXvfb       *self,
                     const char *const  *envp,
                     GError            **error)
{
  g_return_val_if_fail (PORTHOLE_IS_XVFB (self), FALSE);

  g_clear_pointer (&self->xvfb_path, g_free);
  self->xvfb_path = g_find_program_in_path ("Xvfb");
  if (self->xvfb_path == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "Xvfb is not installed");
      return FALSE;
    }

  if (self->number < 0 && display_looks_free (PREFERRED_DISPLAY))
    {
      self->number = PREFERRED_DISPLAY;
      g_free (self->display_name);
      self->display_name = g_strdup_printf (":%d", self->number);
    }

  set_argv (self);
  porthole_helper_process_set_envp (self->helper, envp);

  g_signal_handlers_disconnect_by_data (self->helper, self);
  g_signal_connect_swapped (self->helper, "started", G_CALLBACK (on_started), self);
  g_signal_connect_swapped (self->helper, "output", G_CALLBACK (on_output), self);
  g_signal_connect_swapped (self->helper, "exited", G_CALLBACK (on_exited), self);
  porthole_helper_process_start (self->helper);

  return TRUE;
}

void
porthole_xvfb_stop (PortholeXvfb *self)
{
  g_return_if_fail (PORTHOLE_IS_XVFB (self));

  self->ready = FALSE;
  porthole_helper_process_stop (self->helper);
}

gboolean
porthole_xvfb_is_ready (PortholeXvfb *self)
{
  return self->ready;
}

/**
 * porthole_xvfb_get_display_name:
 *
 * Returns: (nullable): ":N", once the server was ready
 */
const char *
porthole_xvfb_get_display_name (PortholeXvfb *self)
{
  return self->display_name;
}

PortholeHelperProcess *
porthole_xvfb_get_helper (PortholeXvfb *self)
{
  return self->helper;
}
