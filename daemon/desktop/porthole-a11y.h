/* porthole-a11y.h — the widgets of the applications on the desktop
 * (AT-SPI): snapshots with refs, queries, actions, change notices
 *
 * The REST routes (porthole-desktop-a11y-routes.c) and the MCP tools
 * (accessibility_snapshot, act, wait_for) call these; each answer is a
 * JsonObject ready to send.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "porthole-a11y-tree.h"
#include "porthole-log-buffer.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_A11Y_DEFAULT_MAX_DEPTH 64
#define PORTHOLE_A11Y_MAX_DEPTH 1000
#define PORTHOLE_A11Y_DEFAULT_MAX_NODES 5000
#define PORTHOLE_A11Y_MAX_NODES 50000

typedef struct
{
  /* 0: every application */
  guint64 window;
  guint max_depth;
  guint max_nodes;
  gboolean interesting_only;
} PortholeA11yTreeOptions;

#define PORTHOLE_TYPE_A11Y (porthole_a11y_get_type ())

G_DECLARE_FINAL_TYPE (PortholeA11y, porthole_a11y, PORTHOLE, A11Y, GObject)

PortholeA11y *porthole_a11y_new               (PortholeDesktop                *desktop,
                                               PortholeEnvStore               *env_store,
                                               PortholeLogBuffer              *log);
void          porthole_a11y_reset             (PortholeA11y                   *self);
GPid          porthole_a11y_get_helper_pid    (PortholeA11y                   *self);
GStrv         porthole_a11y_dup_missing       (void);

gboolean      porthole_a11y_tree_options_parse (PortholeA11yTreeOptions       *options,
                                               JsonObject                     *fields,
                                               GError                        **error);

void          porthole_a11y_snapshot_async    (PortholeA11y                   *self,
                                               const PortholeA11yTreeOptions  *options,
                                               GCancellable                   *cancellable,
                                               GAsyncReadyCallback             callback,
                                               gpointer                        user_data);
JsonObject   *porthole_a11y_snapshot_finish   (PortholeA11y                   *self,
                                               GAsyncResult                   *result,
                                               GError                        **error);

void          porthole_a11y_find_async        (PortholeA11y                   *self,
                                               const PortholeA11yQuery        *query,
                                               GCancellable                   *cancellable,
                                               GAsyncReadyCallback             callback,
                                               gpointer                        user_data);
JsonObject   *porthole_a11y_find_finish       (PortholeA11y                   *self,
                                               GAsyncResult                   *result,
                                               GError                        **error);

void          porthole_a11y_act_async         (PortholeA11y                   *self,
                                               const char                     *ref,
                                               const char                     *action,
                                               const char                     *text,
                                               GCancellable                   *cancellable,
                                               GAsyncReadyCallback             callback,
                                               gpointer                        user_data);
JsonObject   *porthole_a11y_act_finish        (PortholeA11y                   *self,
                                               GAsyncResult                   *result,
                                               GError                        **error);

/* While watched, "changed" says that widgets may have come, gone or
 * changed (as AT-SPI events tell, a few times a second at most). */
void          porthole_a11y_watch             (PortholeA11y                   *self);
void          porthole_a11y_unwatch           (PortholeA11y                   *self);

G_END_DECLS
