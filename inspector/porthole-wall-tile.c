/* porthole-wall-tile.c
 *
 * While the wall is shown and the sandbox answers, a tile takes a
 * screenshot every few seconds (one in flight at a time: a slow sandbox
 * slows its tile down, nothing piles up) and follows /metrics/stream at
 * the same low rate for CPU and memory. It stops both as soon as the
 * wall is hidden or the sandbox stops answering.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-client-metrics.h"
#include "porthole-json.h"
#include "porthole-screenshot-poller.h"
#include "porthole-wall-tile.h"

#define SCREENSHOT_INTERVAL_MS 2000
#define METRICS_INTERVAL 2.0

static const char *status_classes[] = { PORTHOLE_SANDBOX_STATUS_CLASSES };

struct _PortholeWallTile
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *screen_stack;
  GtkPicture *picture;
  GtkImage *status_icon;
  GtkLabel *name_label;
  GtkLabel *figures_label;

  /* Owned references */
  PortholeSandbox *sandbox;
  PortholeFramebuffer *framebuffer;
  PortholeScreenshotPoller *poller;
  PortholeMetricsSubscription *subscription;
  GCancellable *cancellable;

  gboolean active;
  gboolean running;
  guint64 n_samples;
};

G_DEFINE_FINAL_TYPE (PortholeWallTile, porthole_wall_tile, ADW_TYPE_BIN)

static void
on_sample (PortholeWallTile *self,
           JsonObject       *sample)
{
  JsonObject *system = porthole_json_object_get_object (sample, "system");
  double cpu = 0, memory = 0;
  g_autofree char *text = NULL;

  self->n_samples++;
  if (system == NULL)
    return;

  porthole_json_node_get_double (json_object_get_member (system, "cpu_percent"), &cpu);
  porthole_json_node_get_double (json_object_get_member (system, "memory_percent"), &memory);
  /* Translators: a sandbox's figures on the wall */
  text = g_strdup_printf (_("CPU %.0f %% · Memory %.0f %%"), cpu, memory);
  gtk_label_set_label (self->figures_label, text);
}

static void
subscribed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortholeWallTile) self = user_data;
  g_autoptr(PortholeMetricsSubscription) subscription = NULL;

  subscription = porthole_client_subscribe_metrics_finish (PORTHOLE_CLIENT (object), result, NULL);
  if (subscription == NULL || !self->running)
    return;

  self->subscription = g_steal_pointer (&subscription);
  g_signal_connect_object (self->subscription, "sample", G_CALLBACK (on_sample), self, G_CONNECT_SWAPPED);
}

static void
update_running (PortholeWallTile *self)
{
  gboolean running = self->active && porthole_sandbox_is_online (self->sandbox);
  PortholeClient *client = porthole_sandbox_get_client (self->sandbox);
  gboolean desktop = porthole_sandbox_get_desktop (self->sandbox) == PORTHOLE_DESKTOP_AVAILABLE;

  gtk_stack_set_visible_child_name (self->screen_stack,
                                    desktop && porthole_framebuffer_get_texture (self->framebuffer) ? "screen" : "none");

  if (running == self->running)
    return;

  self->running = running;
  if (running)
    {
      self->cancellable = g_cancellable_new ();
      if (desktop)
        {
          self->poller = porthole_screenshot_poller_new (client, self->framebuffer);
          porthole_screenshot_poller_set_interval (self->poller, SCREENSHOT_INTERVAL_MS);
          g_signal_connect_object (self->poller, "updated", G_CALLBACK (update_running), self, G_CONNECT_SWAPPED);
          porthole_screenshot_poller_start (self->poller);
        }
      porthole_client_subscribe_metrics_async (client, METRICS_INTERVAL, self->cancellable,
                                               subscribed_cb, g_object_ref (self));
    }
  else
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      if (self->poller != NULL)
        {
          porthole_screenshot_poller_stop (self->poller);
          g_signal_handlers_disconnect_by_data (self->poller, self);
          g_clear_object (&self->poller);
        }
      if (self->subscription != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->subscription, self);
          porthole_ws_object_close (PORTHOLE_WS_OBJECT (self->subscription));
          g_clear_object (&self->subscription);
        }
    }
}

static void
update_status (PortholeWallTile *self)
{
  g_autofree char *details = porthole_sandbox_dup_status_details (self->sandbox);

  gtk_label_set_label (self->name_label, porthole_sandbox_get_name (self->sandbox));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), details);
  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), status_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), porthole_sandbox_get_status_class (self->sandbox));

  if (!porthole_sandbox_is_online (self->sandbox))
    {
      g_autofree char *title = porthole_sandbox_dup_status_title (self->sandbox);

      gtk_label_set_label (self->figures_label, title);
    }

  update_running (self);
}

static void
porthole_wall_tile_dispose (GObject *object)
{
  PortholeWallTile *self = (PortholeWallTile *)object;

  porthole_wall_tile_set_active (self, FALSE);
  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_data (self->sandbox, self);
  g_clear_object (&self->sandbox);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_WALL_TILE);
  g_clear_object (&self->framebuffer);

  G_OBJECT_CLASS (porthole_wall_tile_parent_class)->dispose (object);
}

static void
porthole_wall_tile_class_init (PortholeWallTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_wall_tile_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-wall-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeWallTile, screen_stack);
  gtk_widget_class_bind_template_child (widget_class, PortholeWallTile, picture);
  gtk_widget_class_bind_template_child (widget_class, PortholeWallTile, status_icon);
  gtk_widget_class_bind_template_child (widget_class, PortholeWallTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeWallTile, figures_label);
}

static void
porthole_wall_tile_init (PortholeWallTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->framebuffer = porthole_framebuffer_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->framebuffer));
}

GtkWidget *
porthole_wall_tile_new (PortholeSandbox *sandbox)
{
  PortholeWallTile *self;

  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (sandbox), NULL);

  self = g_object_new (PORTHOLE_TYPE_WALL_TILE, NULL);
  self->sandbox = g_object_ref (sandbox);
  g_signal_connect_swapped (sandbox, "notify::state", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (sandbox, "notify::name", G_CALLBACK (update_status), self);
  update_status (self);

  return GTK_WIDGET (self);
}

/**
 * porthole_wall_tile_get_sandbox:
 *
 * Returns: (transfer none): the sandbox the tile shows
 */
PortholeSandbox *
porthole_wall_tile_get_sandbox (PortholeWallTile *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WALL_TILE (self), NULL);

  return self->sandbox;
}

/**
 * porthole_wall_tile_set_active:
 * @active: whether the wall is shown
 */
void
porthole_wall_tile_set_active (PortholeWallTile *self,
                               gboolean          active)
{
  g_return_if_fail (PORTHOLE_IS_WALL_TILE (self));

  self->active = !!active;
  if (self->sandbox != NULL)
    update_running (self);
}

gboolean
porthole_wall_tile_get_running (PortholeWallTile *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WALL_TILE (self), FALSE);

  return self->running;
}

/**
 * porthole_wall_tile_get_framebuffer:
 *
 * Returns: (transfer none): the thumbnail's picture
 */
PortholeFramebuffer *
porthole_wall_tile_get_framebuffer (PortholeWallTile *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WALL_TILE (self), NULL);

  return self->framebuffer;
}

guint64
porthole_wall_tile_get_n_samples (PortholeWallTile *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WALL_TILE (self), 0);

  return self->n_samples;
}

const char *
porthole_wall_tile_get_figures (PortholeWallTile *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WALL_TILE (self), NULL);

  return gtk_label_get_label (self->figures_label);
}
