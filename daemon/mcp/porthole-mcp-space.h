/* porthole-mcp-space.h — the one coordinate space of the desktop tools:
 * the screenshot's, the screen scaled so that its longer side is at most
 * mcp-screenshot-max-side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-desktop.h"
#include "porthole-frame.h"
#include "porthole-mcp-call.h"

G_BEGIN_DECLS

typedef struct
{
  /* The screen, in X pixels. */
  int native_width;
  int native_height;
  /* The screen in the tools' space. */
  int width;
  int height;
  guint max_side;
  /* The tools' arguments are X pixels (screen_coordinates). */
  gboolean native;
} PortholeMcpSpace;

PortholeDesktop *porthole_mcp_space_begin          (PortholeMcpCall        *call,
                                                    JsonObject             *arguments,
                                                    PortholeMcpSpace       *space,
                                                    GError                **error);
void             porthole_mcp_space_describe       (PortholeMcpCall        *call,
                                                    JsonObject             *desktop);
double           porthole_mcp_space_get_scale      (const PortholeMcpSpace *space);

/* Tool coordinates to X pixels and back; X pixels are clamped to the
 * screen. */
void             porthole_mcp_space_to_native      (const PortholeMcpSpace *space,
                                                    double                  x,
                                                    double                  y,
                                                    int                    *native_x,
                                                    int                    *native_y);
void             porthole_mcp_space_from_native    (const PortholeMcpSpace *space,
                                                    int                     native_x,
                                                    int                     native_y,
                                                    int                    *x,
                                                    int                    *y);
gboolean         porthole_mcp_space_rect_to_native (const PortholeMcpSpace *space,
                                                    JsonObject             *region,
                                                    PortholeRect           *native,
                                                    GError                **error);
void             porthole_mcp_space_rect_from_native (const PortholeMcpSpace *space,
                                                    const PortholeRect     *native,
                                                    PortholeRect           *rect);
JsonObject      *porthole_mcp_space_rect_to_json   (const PortholeRect     *rect);

G_END_DECLS
