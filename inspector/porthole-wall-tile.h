/* porthole-wall-tile.h — one sandbox on the wall: a live thumbnail of
 * its screen, its health, CPU and memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "porthole-framebuffer.h"
#include "porthole-sandbox.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_WALL_TILE (porthole_wall_tile_get_type ())

G_DECLARE_FINAL_TYPE (PortholeWallTile, porthole_wall_tile, PORTHOLE, WALL_TILE, AdwBin)

GtkWidget           *porthole_wall_tile_new             (PortholeSandbox  *sandbox);
PortholeSandbox     *porthole_wall_tile_get_sandbox     (PortholeWallTile *self);
void                 porthole_wall_tile_set_active      (PortholeWallTile *self,
                                                         gboolean          active);
gboolean             porthole_wall_tile_get_running     (PortholeWallTile *self);
PortholeFramebuffer *porthole_wall_tile_get_framebuffer (PortholeWallTile *self);
guint64              porthole_wall_tile_get_n_samples   (PortholeWallTile *self);
const char          *porthole_wall_tile_get_figures     (PortholeWallTile *self);

G_END_DECLS
