/* porthole-xvfb.c
 *
 * Xvfb on the first free display number from :1, at the configured size
 * (the largest RandR will ever offer: Xvfb cannot grow, PLATFORM.md §3),
 * with -noreset so the last client leaving does not throw our RandR
 * modes away, a black root (-br: the default weave costs PNG size and
 * OCR accuracy), no TCP, and no -shmem (its segment is world-writable and
 * outlives the server). -displayfd 1 makes Xvfb print the display
 * number on stdout once it accepts connections: that is "ready".
 * Restarts keep the display number, so DISPLAY stays right for
 * everything started meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "porthole-error.h"
#include "porthole-process.h"
#include "porthole-xvfb.h"

#define FIRST_DISPLAY 1
#define LAST_DISPLAY 99

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
  GString *stdout_text;
  guint ready : 1;
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

  return self;
}

static gboolean
display_is_free (int number)
{
  g_autofree char *lock = g_strdup_printf ("/tmp/.X%d-lock", number);
  g_autofree char *socket = g_strdup_printf ("/tmp/.X11-unix/X%d", number);

  return !g_file_test (lock, G_FILE_TEST_EXISTS) && !g_file_test (socket, G_FILE_TEST_EXISTS);
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
      self->ready = TRUE;
      g_string_truncate (self->stdout_text, 0);
      porthole_log_buffer_append (self->log, "Xvfb", "Display %s is ready", self->display_name);
      g_signal_emit (self, signals[READY], 0);
    }
}

static void
on_started (PortholeXvfb *self)
{
  self->ready = FALSE;
  g_string_truncate (self->stdout_text, 0);
}

static void
on_exited (PortholeXvfb *self)
{
  gboolean was_ready = self->ready;

  self->ready = FALSE;
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
  g_autofree char *screen = NULL;
  g_autofree char *xvfb = NULL;

  g_return_val_if_fail (PORTHOLE_IS_XVFB (self), FALSE);

  xvfb = g_find_program_in_path ("Xvfb");
  if (xvfb == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "Xvfb is not installed");
      return FALSE;
    }

  if (self->number < 0)
    {
      for (int n = FIRST_DISPLAY; n <= LAST_DISPLAY && self->number < 0; n++)
        if (display_is_free (n))
          self->number = n;
      if (self->number < 0)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                       "No free X display number between :%d and :%d", FIRST_DISPLAY, LAST_DISPLAY);
          return FALSE;
        }
      self->display_name = g_strdup_printf (":%d", self->number);
    }

  screen = g_strdup_printf ("%ux%ux%u", self->width, self->height, self->depth);
  {
    const char *argv[] = { xvfb, self->display_name, "-screen", "0", screen, "-noreset", "-br",
                           "-nolisten", "tcp", "-displayfd", "1", NULL };

    porthole_helper_process_set_argv (self->helper, argv);
  }
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
 * Returns: (nullable): ":N", once a number was chosen
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
