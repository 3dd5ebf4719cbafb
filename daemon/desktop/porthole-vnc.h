/* porthole-vnc.h — the vnc plugin's table: an RFB server on a framebuffer
 *
 * The plugin (porthole-vnc-libvncserver.c) links libvncserver and runs
 * its loop in a thread of its own (or, for the fuzz target, in the
 * caller's, step by step: "synchronous"); portholed (porthole-vnc-server.c)
 * keeps the X side (damage, capture, cursor, input, clipboard, RandR)
 * and the sockets viewers arrive on. Everything here is called from the
 * main thread, and the callbacks are made in the main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "porthole-frame.h"

G_BEGIN_DECLS

#define PORTHOLE_PLUGIN_VNC "vnc"

/* libvncserver select()s its sockets: an fd at or above FD_SETSIZE
 * aborts the process (PLATFORM.md §5). */
#define PORTHOLE_VNC_MAX_FD 1024

typedef struct _PortholeVncBackend PortholeVncBackend;

typedef struct
{
  /* Viewer input; never called for view-only servers. */
  void (*pointer)        (gpointer     user_data,
                          int          x,
                          int          y,
                          guint        buttons);
  void (*key)            (gpointer     user_data,
                          guint32      keysym,
                          gboolean     down);
  void (*cut_text)       (gpointer     user_data,
                          const char  *text);
  /* A viewer asked for this size (SetDesktopSize), already checked
   * against the limits given in the options. */
  void (*set_size)       (gpointer     user_data,
                          int          width,
                          int          height);
  /* A viewer waits for an update: copy what changed. */
  void (*want_frame)     (gpointer     user_data);
  /* The framebuffer is now this size and must be filled again. */
  void (*resized)        (gpointer     user_data,
                          int          width,
                          int          height);
  /* A viewer was added to (TRUE) or removed from (FALSE) the server. */
  void (*viewer_changed) (gpointer     user_data,
                          gboolean     added);
} PortholeVncCallbacks;

typedef struct
{
  int width;
  int height;
  /* The largest size SetDesktopSize may ask for. */
  int max_width;
  int max_height;
  const char *desktop_name;
  /* Asked of viewers added with needs_password; NULL: none. */
  const char *password;
  gboolean view_only;
  guint max_viewers;
  /* No thread: the caller runs the server with iterate(), and updates
   * go out at once instead of after a short deferral, so that nothing
   * depends on timing (fuzz/fuzz-vnc-input.c). */
  gboolean synchronous;
} PortholeVncOptions;

typedef struct
{
  PortholeVncBackend *(*backend_new)        (const PortholeVncOptions   *options,
                                             const PortholeVncCallbacks *callbacks,
                                             gpointer                    user_data,
                                             GError                    **error);
  /* Disconnects every viewer and ends the thread; no callback after. */
  void                (*backend_free)       (PortholeVncBackend         *backend);
  /* Takes @fd (a connected stream socket below PORTHOLE_VNC_MAX_FD)
   * whatever it returns; FALSE: refused (too many viewers). */
  gboolean            (*add_viewer)         (PortholeVncBackend         *backend,
                                             int                         fd,
                                             gboolean                    needs_password);
  /* The framebuffer (32-bit BGRX), or NULL while the server reads it
   * for an update: try again a little later. Unlock with the areas
   * written. @shm_id: the SysV segment it lives in (so that the X
   * server can write into it), or -1. */
  guint8             *(*try_lock)           (PortholeVncBackend         *backend,
                                             int                        *width,
                                             int                        *height,
                                             int                        *stride,
                                             int                        *shm_id);
  void                (*unlock)             (PortholeVncBackend         *backend,
                                             const PortholeRect         *areas,
                                             guint                       n_areas);
  /* A new framebuffer of this size; "resized" says when it is there. */
  void                (*resize)             (PortholeVncBackend         *backend,
                                             int                         width,
                                             int                         height);
  /* @argb: premultiplied ARGB, @width * @height pixels. */
  void                (*set_cursor)         (PortholeVncBackend         *backend,
                                             int                         width,
                                             int                         height,
                                             int                         hot_x,
                                             int                         hot_y,
                                             const guint32              *argb);
  void                (*set_cut_text)       (PortholeVncBackend         *backend,
                                             const char                 *text);
  /* Synchronous servers only: takes what was asked above, then handles
   * at most one message of each viewer (reading all of it, waiting for
   * its rest if need be) and sends the updates due, as one turn of the
   * thread's loop does. */
  void                (*iterate)            (PortholeVncBackend         *backend);
} PortholeVncPlugin;

G_END_DECLS
