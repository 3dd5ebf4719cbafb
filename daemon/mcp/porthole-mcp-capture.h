/* porthole-mcp-capture.h — screenshots in the tools' coordinate space,
 * with the pointer drawn in, for every MCP tool and resource that shows
 * the screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-desktop.h"
#include "porthole-image-encoder.h"
#include "porthole-mcp-space.h"

G_BEGIN_DECLS

typedef struct
{
  PortholeImageFormat format;
  int quality;
  /* Draw the pointer, which X screenshots leave out. */
  gboolean pointer;
  /* Screen pixels, not scaled to the tools' space (zoom). */
  gboolean native;
} PortholeMcpShotOptions;

typedef struct
{
  GBytes *data;
  PortholeImageFormat format;
  int width;
  int height;
  /* What it shows: screen pixels, and in the tools' space. */
  PortholeRect native;
  PortholeRect rect;
  /* Where the pointer is, in the tools' space; -1 when unknown. */
  int pointer_x;
  int pointer_y;
} PortholeMcpShot;

void             porthole_mcp_shot_options_from_arguments (PortholeMcpShotOptions       *options,
                                                           JsonObject                   *arguments);
void             porthole_mcp_capture_async               (PortholeDesktop              *desktop,
                                                           const PortholeMcpSpace       *space,
                                                           const PortholeRect           *native_area,
                                                           const PortholeMcpShotOptions *options,
                                                           GCancellable                 *cancellable,
                                                           GAsyncReadyCallback           callback,
                                                           gpointer                      user_data);
PortholeMcpShot *porthole_mcp_capture_finish              (GAsyncResult                 *result,
                                                           GError                      **error);
void             porthole_mcp_shot_free                   (PortholeMcpShot              *shot);
JsonObject      *porthole_mcp_shot_to_json                (const PortholeMcpShot        *shot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeMcpShot, porthole_mcp_shot_free)

G_END_DECLS
