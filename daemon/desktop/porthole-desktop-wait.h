/* porthole-desktop-wait.h — waiting for the desktop to change: the
 * screen (or a region) changing or holding still, a window coming or
 * going, a text showing (OCR), a widget showing (AT-SPI)
 *
 * POST /desktop/wait, /desktop/x11/wait_for and the MCP tool wait_for
 * call these.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-a11y-tree.h"
#include "porthole-frame.h"
#include "porthole-image-encoder.h"
#include "porthole-types.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_WAIT_CHANGE,
  PORTHOLE_WAIT_STABLE,
  PORTHOLE_WAIT_WINDOW,
  PORTHOLE_WAIT_WINDOW_GONE,
  PORTHOLE_WAIT_TEXT,
  PORTHOLE_WAIT_ACCESSIBLE,
} PortholeWaitCondition;

#define PORTHOLE_WAIT_DEFAULT_TIMEOUT_MS 10000
#define PORTHOLE_WAIT_MAX_TIMEOUT_MS (5 * 60 * 1000)
#define PORTHOLE_WAIT_DEFAULT_STABLE_MS 500
#define PORTHOLE_WAIT_DEFAULT_OCR_INTERVAL_MS 250

typedef struct
{
  PortholeWaitCondition condition;
  guint timeout_ms;

  /* change, stable, text: where to look (root coordinates) */
  gboolean has_region;
  PortholeRect region;
  /* change, stable, text: the region is this window's (0: none) */
  guint64 region_window;

  /* stable: how long nothing may change */
  guint stable_ms;

  /* window, window_gone: a title (case-insensitive substring, or equal
   * with exact), or for window_gone a window id */
  char *title;
  guint64 window;

  /* text: what OCR must read; at least ocr_interval_ms between two
   * recognitions */
  char *text;
  char *language;
  guint ocr_interval_ms;

  /* title and text: equal, not a substring */
  gboolean exact;

  /* accessible */
  PortholeA11yQuery accessible;

  /* A screenshot of the region (or screen) when the wait ends. */
  gboolean screenshot;
  PortholeImageOptions image;
} PortholeWaitOptions;

const char *porthole_wait_condition_to_string (PortholeWaitCondition      condition);
gboolean    porthole_wait_options_parse       (PortholeWaitOptions       *options,
                                               JsonObject                *fields,
                                               GError                   **error);
void        porthole_wait_options_clear       (PortholeWaitOptions       *options);

void        porthole_desktop_wait_async       (PortholeDesktop           *desktop,
                                               const PortholeWaitOptions *options,
                                               GCancellable              *cancellable,
                                               GAsyncReadyCallback        callback,
                                               gpointer                   user_data);
JsonObject *porthole_desktop_wait_finish      (PortholeDesktop           *desktop,
                                               GAsyncResult              *result,
                                               GError                   **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeWaitOptions, porthole_wait_options_clear)

G_END_DECLS
