/* porthole-a11y-tree.h — accessibility trees as JSON: pruning, the text
 * form for language models, queries
 *
 * A node is a JsonObject: ref, role, name, description, states (array of
 * AT-SPI state names), bounds {x, y, width, height} (screen pixels),
 * actions, value/min/max, text, window_id (frames), pid and toolkit
 * (applications), child_count, children.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* role, name, text: all given must match (case-insensitive; role
 * "button" matches "push button", "checkbox" "check box"; name and text
 * are substrings unless @exact). */
typedef struct
{
  char *role;
  char *name;
  char *text;
  gboolean exact;
  /* Also nodes that are not visible. */
  gboolean include_hidden;
  /* 0: every X window */
  guint64 window;
  guint max_results;
} PortholeA11yQuery;

#define PORTHOLE_A11Y_DEFAULT_MAX_RESULTS 50
#define PORTHOLE_A11Y_MAX_RESULTS 1000

gboolean    porthole_a11y_query_parse         (PortholeA11yQuery  *query,
                                               JsonObject         *fields,
                                               GError            **error);
void        porthole_a11y_query_clear         (PortholeA11yQuery  *query);
void        porthole_a11y_query_copy          (const PortholeA11yQuery *query,
                                               PortholeA11yQuery  *copy);
char       *porthole_a11y_query_describe      (const PortholeA11yQuery *query);
gboolean    porthole_a11y_query_matches       (const PortholeA11yQuery *query,
                                               JsonObject         *node);
JsonArray  *porthole_a11y_query_run           (const PortholeA11yQuery *query,
                                               JsonArray          *nodes,
                                               gboolean           *more);

gboolean    porthole_a11y_node_is_hidden      (JsonObject         *node);
gboolean    porthole_a11y_node_has_state      (JsonObject         *node,
                                               const char         *state);
JsonArray  *porthole_a11y_tree_prune          (JsonArray          *nodes);
guint       porthole_a11y_tree_count          (JsonArray          *nodes);
char       *porthole_a11y_tree_to_text        (JsonArray          *nodes);
JsonObject *porthole_a11y_node_copy_flat      (JsonObject         *node);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeA11yQuery, porthole_a11y_query_clear)

G_END_DECLS
