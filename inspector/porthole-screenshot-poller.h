/* porthole-screenshot-poller.h — the screen as periodic JPEG screenshots,
 * when no live view is available
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"
#include "porthole-framebuffer.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_SCREENSHOT_POLLER (porthole_screenshot_poller_get_type ())

G_DECLARE_FINAL_TYPE (PortholeScreenshotPoller, porthole_screenshot_poller, PORTHOLE, SCREENSHOT_POLLER, GObject)

PortholeScreenshotPoller *porthole_screenshot_poller_new          (PortholeClient           *client,
                                                                   PortholeFramebuffer      *framebuffer);
void                      porthole_screenshot_poller_set_interval (PortholeScreenshotPoller *self,
                                                                   guint                     interval_ms);
void                      porthole_screenshot_poller_start        (PortholeScreenshotPoller *self);
void                      porthole_screenshot_poller_stop         (PortholeScreenshotPoller *self);
void                      porthole_screenshot_poller_poll_now     (PortholeScreenshotPoller *self);

G_END_DECLS
