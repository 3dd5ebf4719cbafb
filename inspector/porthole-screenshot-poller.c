/* porthole-screenshot-poller.c
 *
 * One screenshot in flight at a time; the next one is asked for
 * interval milliseconds after the previous one arrived, so a slow
 * daemon or link slows the poller down instead of piling requests up.
 * Each answer (a texture, or the error) is announced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-client-desktop.h"
#include "porthole-screenshot-poller.h"

#define JPEG_QUALITY 85

struct _PortholeScreenshotPoller
{
  GObject parent_instance;

  PortholeClient *client;
  PortholeFramebuffer *framebuffer;
  GCancellable *cancellable;
  guint interval_ms;
  guint timeout_id;
  gboolean running;
};

enum {
  UPDATED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeScreenshotPoller, porthole_screenshot_poller, G_TYPE_OBJECT)

static void poll_now (PortholeScreenshotPoller *self);

static void
porthole_screenshot_poller_dispose (GObject *object)
{
  PortholeScreenshotPoller *self = (PortholeScreenshotPoller *)object;

  porthole_screenshot_poller_stop (self);
  g_clear_object (&self->client);
  g_clear_object (&self->framebuffer);

  G_OBJECT_CLASS (porthole_screenshot_poller_parent_class)->dispose (object);
}

static void
porthole_screenshot_poller_class_init (PortholeScreenshotPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_screenshot_poller_dispose;

  /**
   * PortholeScreenshotPoller::updated:
   *
   * A screenshot is shown.
   */
  signals[UPDATED] =
    g_signal_new ("updated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PortholeScreenshotPoller::failed:
   * @error: why the last screenshot did not come
   */
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
porthole_screenshot_poller_init (PortholeScreenshotPoller *self)
{
  self->interval_ms = 1000;
}

PortholeScreenshotPoller *
porthole_screenshot_poller_new (PortholeClient      *client,
                                PortholeFramebuffer *framebuffer)
{
  PortholeScreenshotPoller *self;

  g_return_val_if_fail (PORTHOLE_IS_CLIENT (client), NULL);
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (framebuffer), NULL);

  self = g_object_new (PORTHOLE_TYPE_SCREENSHOT_POLLER, NULL);
  self->client = g_object_ref (client);
  self->framebuffer = g_object_ref (framebuffer);

  return self;
}

void
porthole_screenshot_poller_set_interval (PortholeScreenshotPoller *self,
                                         guint                     interval_ms)
{
  g_return_if_fail (PORTHOLE_IS_SCREENSHOT_POLLER (self));

  self->interval_ms = MAX (interval_ms, 100);
}

static gboolean
on_timeout (gpointer user_data)
{
  PortholeScreenshotPoller *self = user_data;

  self->timeout_id = 0;
  poll_now (self);

  return G_SOURCE_REMOVE;
}

static void
screenshot_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortholeScreenshotPoller) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = porthole_client_screenshot_finish (PORTHOLE_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
    return;

  g_clear_object (&self->cancellable);

  if (bytes != NULL)
    texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture != NULL)
    {
      porthole_framebuffer_set_texture (self->framebuffer, texture);
      g_signal_emit (self, signals[UPDATED], 0);
    }
  else
    g_signal_emit (self, signals[FAILED], 0, error);

  if (self->running)
    self->timeout_id = g_timeout_add (self->interval_ms, on_timeout, self);
}

static void
poll_now (PortholeScreenshotPoller *self)
{
  if (self->cancellable != NULL)
    return;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->cancellable = g_cancellable_new ();
  porthole_client_screenshot_async (self->client, "jpeg", JPEG_QUALITY, self->cancellable,
                                    screenshot_cb, g_object_ref (self));
}

void
porthole_screenshot_poller_start (PortholeScreenshotPoller *self)
{
  g_return_if_fail (PORTHOLE_IS_SCREENSHOT_POLLER (self));

  if (self->running)
    return;

  self->running = TRUE;
  poll_now (self);
}

void
porthole_screenshot_poller_stop (PortholeScreenshotPoller *self)
{
  g_return_if_fail (PORTHOLE_IS_SCREENSHOT_POLLER (self));

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/**
 * porthole_screenshot_poller_poll_now:
 *
 * Takes the next screenshot at once (after an action that changed the
 * screen), unless one is on its way.
 */
void
porthole_screenshot_poller_poll_now (PortholeScreenshotPoller *self)
{
  g_return_if_fail (PORTHOLE_IS_SCREENSHOT_POLLER (self));

  if (self->running)
    poll_now (self);
}
