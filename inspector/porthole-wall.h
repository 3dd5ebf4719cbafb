/* porthole-wall.h — every sandbox at once, as live thumbnails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-wall-tile.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_WALL (porthole_wall_get_type ())

G_DECLARE_FINAL_TYPE (PortholeWall, porthole_wall, PORTHOLE, WALL, AdwBin)

void              porthole_wall_set_model   (PortholeWall *self,
                                             GListModel   *sandboxes);
void              porthole_wall_set_active  (PortholeWall *self,
                                             gboolean      active);
gboolean          porthole_wall_get_active  (PortholeWall *self);
guint             porthole_wall_get_n_tiles (PortholeWall *self);
PortholeWallTile *porthole_wall_get_tile    (PortholeWall *self,
                                             guint         position);

G_END_DECLS
