/* porthole-wall.c
 *
 * A flow box bound to the application's sandbox list: one tile per
 * sandbox, in the sidebar's order, kept up to date by the binding.
 * Tiles only work while the wall is active (shown); activating one
 * emits "sandbox-activated" and the window opens that sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-wall.h"

struct _PortholeWall
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkFlowBox *flow_box;

  gboolean active;
};

enum {
  SANDBOX_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeWall, porthole_wall, ADW_TYPE_BIN)

static GtkWidget *
create_tile (gpointer item,
             gpointer user_data)
{
  PortholeWall *self = user_data;
  GtkWidget *tile = porthole_wall_tile_new (PORTHOLE_SANDBOX (item));

  porthole_wall_tile_set_active (PORTHOLE_WALL_TILE (tile), self->active);

  return tile;
}

static void
child_activated_cb (PortholeWall    *self,
                    GtkFlowBoxChild *child)
{
  PortholeWallTile *tile = PORTHOLE_WALL_TILE (gtk_flow_box_child_get_child (child));

  g_signal_emit (self, signals[SANDBOX_ACTIVATED], 0, porthole_wall_tile_get_sandbox (tile));
}

static void
porthole_wall_dispose (GObject *object)
{
  PortholeWall *self = (PortholeWall *)object;

  porthole_wall_set_active (self, FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_WALL);

  G_OBJECT_CLASS (porthole_wall_parent_class)->dispose (object);
}

static void
porthole_wall_class_init (PortholeWallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_wall_dispose;

  /**
   * PortholeWall::sandbox-activated:
   * @sandbox: the sandbox whose tile was activated
   */
  signals[SANDBOX_ACTIVATED] =
    g_signal_new ("sandbox-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PORTHOLE_TYPE_SANDBOX);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-wall.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeWall, flow_box);
  gtk_widget_class_bind_template_callback (widget_class, child_activated_cb);
}

static void
porthole_wall_init (PortholeWall *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * porthole_wall_set_model:
 * @sandboxes: (nullable): a list of #PortholeSandbox
 */
void
porthole_wall_set_model (PortholeWall *self,
                         GListModel   *sandboxes)
{
  g_return_if_fail (PORTHOLE_IS_WALL (self));

  gtk_flow_box_bind_model (self->flow_box, sandboxes, create_tile, self, NULL);
}

/**
 * porthole_wall_set_active:
 * @active: whether the wall is shown; only then do its tiles work
 */
void
porthole_wall_set_active (PortholeWall *self,
                          gboolean      active)
{
  g_return_if_fail (PORTHOLE_IS_WALL (self));

  self->active = !!active;
  for (guint i = 0; i < porthole_wall_get_n_tiles (self); i++)
    porthole_wall_tile_set_active (porthole_wall_get_tile (self, i), self->active);
}

gboolean
porthole_wall_get_active (PortholeWall *self)
{
  g_return_val_if_fail (PORTHOLE_IS_WALL (self), FALSE);

  return self->active;
}

guint
porthole_wall_get_n_tiles (PortholeWall *self)
{
  guint n = 0;

  g_return_val_if_fail (PORTHOLE_IS_WALL (self), 0);

  if (self->flow_box == NULL)
    return 0;
  while (gtk_flow_box_get_child_at_index (self->flow_box, n) != NULL)
    n++;

  return n;
}

/**
 * porthole_wall_get_tile:
 *
 * Returns: (transfer none): the tile at @position
 */
PortholeWallTile *
porthole_wall_get_tile (PortholeWall *self,
                        guint         position)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (PORTHOLE_IS_WALL (self), NULL);

  child = gtk_flow_box_get_child_at_index (self->flow_box, position);
  g_return_val_if_fail (child != NULL, NULL);

  return PORTHOLE_WALL_TILE (gtk_flow_box_child_get_child (child));
}
