/* porthole-screen-page.h — the Screen page: a sandbox's desktop, live,
 * watched or controlled
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-framebuffer.h"
#include "porthole-page.h"
#include "porthole-screen-view.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_SCREEN_IDLE,
  PORTHOLE_SCREEN_CONNECTING,
  /* RFB through the daemon's VNC WebSocket. */
  PORTHOLE_SCREEN_LIVE,
  /* Periodic screenshots: the live view is not available. */
  PORTHOLE_SCREEN_SCREENSHOTS,
  PORTHOLE_SCREEN_NO_DESKTOP,
} PortholeScreenMode;

#define PORTHOLE_TYPE_SCREEN_PAGE (porthole_screen_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeScreenPage, porthole_screen_page, PORTHOLE, SCREEN_PAGE, PortholePage)

PortholeScreenMode   porthole_screen_page_get_mode         (PortholeScreenPage *self);
PortholeFramebuffer *porthole_screen_page_get_framebuffer  (PortholeScreenPage *self);
PortholeScreenView  *porthole_screen_page_get_view         (PortholeScreenPage *self);
gboolean             porthole_screen_page_get_controlling  (PortholeScreenPage *self);
void                 porthole_screen_page_set_controlling  (PortholeScreenPage *self,
                                                            gboolean            controlling);
guint                porthole_screen_page_get_n_resolutions (PortholeScreenPage *self);
guint64              porthole_screen_page_get_bytes_received (PortholeScreenPage *self);
void                 porthole_screen_page_save_screenshot  (PortholeScreenPage *self,
                                                            GFile              *file);

G_END_DECLS
