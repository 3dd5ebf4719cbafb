/* porthole-desktop.h — the X11 desktop subsystem of portholed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "porthole-clipboard-history.h"
#include "porthole-log-buffer.h"
#include "porthole-types.h"
#include "porthole-x11-capture.h"
#include "porthole-x11-clipboard.h"
#include "porthole-x11-display.h"
#include "porthole-x11-input.h"
#include "porthole-x11-randr.h"
#include "porthole-x11-windows.h"

G_BEGIN_DECLS

typedef struct _PortholeOcr PortholeOcr;
typedef struct _PortholeVncServer PortholeVncServer;
typedef struct _PortholeRecorder PortholeRecorder;

typedef struct
{
  int pid;
  char *name;
  char *command;
  const char *status;
  double cpu_percent;
  double memory_mb;
} PortholeDesktopProcess;

void porthole_desktop_process_free (PortholeDesktopProcess *process);

#define PORTHOLE_TYPE_DESKTOP (porthole_desktop_get_type ())

G_DECLARE_FINAL_TYPE (PortholeDesktop, porthole_desktop, PORTHOLE, DESKTOP, GObject)

PortholeDesktop          *porthole_desktop_new                (PortholeConfig    *config,
                                                               PortholeEnvStore  *env_store);
void                      porthole_desktop_start              (PortholeDesktop   *self);
void                      porthole_desktop_stop               (PortholeDesktop   *self);

gboolean                  porthole_desktop_ensure             (PortholeDesktop   *self,
                                                               GError           **error);
gboolean                  porthole_desktop_is_enabled         (PortholeDesktop   *self);
GStrv                     porthole_desktop_dup_missing_dependencies (PortholeDesktop *self);
const char               *porthole_desktop_get_display_name   (PortholeDesktop   *self);

/* Valid after a successful porthole_desktop_ensure(), until the
 * connection is lost: callers keep a reference while they work. */
PortholeX11Display       *porthole_desktop_get_display        (PortholeDesktop   *self);
PortholeX11Input         *porthole_desktop_get_input          (PortholeDesktop   *self);
PortholeX11Capture       *porthole_desktop_get_capture        (PortholeDesktop   *self);
PortholeX11Clipboard     *porthole_desktop_get_clipboard      (PortholeDesktop   *self);
PortholeX11Windows       *porthole_desktop_get_windows        (PortholeDesktop   *self);
PortholeX11Randr         *porthole_desktop_get_randr          (PortholeDesktop   *self);

PortholeOcr              *porthole_desktop_get_ocr            (PortholeDesktop   *self);
PortholeVncServer        *porthole_desktop_get_vnc            (PortholeDesktop   *self);
PortholeRecorder         *porthole_desktop_get_recorder       (PortholeDesktop   *self);
PortholeLogBuffer        *porthole_desktop_get_log            (PortholeDesktop   *self);
PortholeClipboardHistory *porthole_desktop_get_clipboard_history (PortholeDesktop *self);
GPtrArray                *porthole_desktop_list_processes     (PortholeDesktop   *self);

G_END_DECLS
