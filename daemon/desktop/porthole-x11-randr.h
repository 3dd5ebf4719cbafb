/* porthole-x11-randr.h — screen size and outputs through XRandR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-frame.h"
#include "porthole-x11-display.h"

G_BEGIN_DECLS

typedef struct
{
  int id;
  char *name;
  PortholeRect geometry;
  gboolean primary;
} PortholeOutputInfo;

void porthole_output_info_free (PortholeOutputInfo *info);

typedef struct
{
  int width;
  int height;
} PortholeSize;

#define PORTHOLE_TYPE_X11_RANDR (porthole_x11_randr_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Randr, porthole_x11_randr, PORTHOLE, X11_RANDR, GObject)

PortholeX11Randr *porthole_x11_randr_new           (PortholeX11Display  *display);
GPtrArray        *porthole_x11_randr_list_outputs  (PortholeX11Randr    *self);
GArray           *porthole_x11_randr_list_sizes    (PortholeX11Randr    *self);
gboolean          porthole_x11_randr_set_size      (PortholeX11Randr    *self,
                                                    int                  width,
                                                    int                  height,
                                                    GError             **error);
int               porthole_x11_randr_get_refresh_rate (PortholeX11Randr *self);

G_END_DECLS
