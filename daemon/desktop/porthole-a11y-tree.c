/* porthole-a11y-tree.c
 *
 * Pure functions over the nodes porthole-a11y.c builds: no X, no D-Bus,
 * so the unit suite tests them on hand-made trees.
 *
 * "Interesting" follows what assistive technologies and browser
 * automation (Playwright's interestingOnly) keep: what can be acted on
 * (focusable, editable, with actions) or read (a name, a text, a value),
 * plus applications and windows; layout containers (panels, fillers,
 * sections...) give their place to their interesting children, hidden
 * nodes go with their subtree, and a label repeating its parent's name
 * (the text of a button) is said once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-a11y-tree.h"
#include "porthole-desktop-fields.h"
#include "porthole-error.h"
#include "porthole-json.h"

#define TEXT_FORM_MAX_CHARS 100
#define TEXT_FORM_MAX_ACTIONS 4

/* Layout only, unless focusable. */
static const char *const structural_roles[] = {
  "filler", "panel", "section", "unknown", "redundant object", "layered pane", "glass pane",
  "root pane", "viewport", "scroll pane", "invalid", "extended", "internal frame", "split pane",
  "option pane", "desktop frame", NULL,
};

/* Always kept. */
static const char *const window_roles[] = {
  "application", "frame", "window", "dialog", "alert", "file chooser", "color chooser", NULL,
};

/* Text roles that may repeat their parent's name. */
static const char *const label_roles[] = {
  "label", "static", "text", "caption", NULL,
};

/* States the text form shows. */
static const char *const shown_states[] = {
  "focused", "checked", "selected", "expanded", "pressed", "editable", "indeterminate", NULL,
};

/* Query role aliases: what people and models say, what AT-SPI says. */
static const struct { const char *alias; const char *role; } role_aliases[] = {
  { "textbox", "text" }, { "textfield", "text" }, { "input", "text" }, { "edit", "text" },
  { "textbox", "entry" }, { "textfield", "entry" }, { "input", "entry" }, { "edit", "entry" },
  { "textbox", "passwordtext" }, { "checkbox", "checkbox" }, { "window", "frame" },
  { "statictext", "label" }, { "menuitem", "menuitem" }, { "tab", "pagetab" },
};

static gboolean
in_list (const char        *value,
         const char *const *list)
{
  return value != NULL && g_strv_contains (list, value);
}

static const char *
get_string (JsonObject *node,
            const char *member)
{
  return porthole_json_object_get_string (node, member);
}

static JsonArray *
get_array (JsonObject *node,
           const char *member)
{
  JsonNode *value = json_object_get_member (node, member);

  return value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
}

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

gboolean
porthole_a11y_node_has_state (JsonObject *node,
                              const char *state)
{
  JsonArray *states = get_array (node, "states");

  for (guint i = 0; states != NULL && i < json_array_get_length (states); i++)
    if (g_strcmp0 (json_array_get_string_element (states, i), state) == 0)
      return TRUE;

  return FALSE;
}

/**
 * porthole_a11y_node_is_hidden:
 *
 * Returns: whether the node says it is neither visible nor showing
 *   (applications, which have no states, never are)
 */
gboolean
porthole_a11y_node_is_hidden (JsonObject *node)
{
  JsonArray *states = get_array (node, "states");

  if (states == NULL || g_strcmp0 (get_string (node, "role"), "application") == 0)
    return FALSE;

  return !porthole_a11y_node_has_state (node, "visible") &&
         !porthole_a11y_node_has_state (node, "showing");
}

static gboolean
has_actions (JsonObject *node)
{
  JsonArray *actions = get_array (node, "actions");

  return actions != NULL && json_array_get_length (actions) > 0;
}

static gboolean
is_interesting (JsonObject *node,
                const char *parent_name)
{
  const char *role = get_string (node, "role");
  const char *name = get_string (node, "name");
  gboolean focusable = porthole_a11y_node_has_state (node, "focusable") ||
                       porthole_a11y_node_has_state (node, "editable");

  if (in_list (role, window_roles))
    return TRUE;
  if (in_list (role, structural_roles))
    return focusable;
  if (in_list (role, label_roles) && !focusable && !is_empty (name) &&
      g_strcmp0 (name, parent_name) == 0 && get_array (node, "children") == NULL)
    return FALSE;

  return focusable || !is_empty (name) || !is_empty (get_string (node, "text")) ||
         json_object_has_member (node, "value") ||
         (has_actions (node) && !in_list (role, label_roles));
}

/* The node without its children. */
JsonObject *
porthole_a11y_node_copy_flat (JsonObject *node)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, node);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_str_equal (member, "children"))
      json_object_set_member (copy, member, json_node_copy (value));

  return copy;
}

static void
prune_into (JsonObject *node,
            const char *parent_name,
            JsonArray  *out)
{
  JsonArray *children = get_array (node, "children");
  JsonArray *kept = json_array_new ();

  if (porthole_a11y_node_is_hidden (node))
    {
      json_array_unref (kept);
      return;
    }

  for (guint i = 0; children != NULL && i < json_array_get_length (children); i++)
    prune_into (json_array_get_object_element (children, i), get_string (node, "name"), kept);

  if (is_interesting (node, parent_name))
    {
      JsonObject *copy = porthole_a11y_node_copy_flat (node);

      if (json_array_get_length (kept) > 0)
        json_object_set_array_member (copy, "children", kept);
      else
        json_array_unref (kept);
      json_array_add_object_element (out, copy);
      return;
    }

  for (guint i = 0; i < json_array_get_length (kept); i++)
    json_array_add_element (out, json_node_copy (json_array_get_element (kept, i)));
  json_array_unref (kept);
}

/**
 * porthole_a11y_tree_prune:
 *
 * Returns: (transfer full): the interesting nodes of @nodes, as a tree
 */
JsonArray *
porthole_a11y_tree_prune (JsonArray *nodes)
{
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    prune_into (json_array_get_object_element (nodes, i), NULL, out);

  return out;
}

guint
porthole_a11y_tree_count (JsonArray *nodes)
{
  guint count = 0;

  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    count += 1 + porthole_a11y_tree_count (get_array (json_array_get_object_element (nodes, i), "children"));

  return count;
}

/* "text", quoted, on one line, cut at TEXT_FORM_MAX_CHARS. */
static void
append_quoted (GString    *out,
               const char *text)
{
  glong length = g_utf8_strlen (text, -1);
  const char *end = length > TEXT_FORM_MAX_CHARS ? g_utf8_offset_to_pointer (text, TEXT_FORM_MAX_CHARS) : NULL;

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0' && p != end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_unichar (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (end != NULL)
    g_string_append (out, "…");
  g_string_append_c (out, '"');
}

static void
append_node (GString    *out,
             JsonObject *node,
             guint       depth)
{
  const char *role = get_string (node, "role");
  const char *name = get_string (node, "name");
  const char *text = get_string (node, "text");
  const char *ref = get_string (node, "ref");
  JsonObject *bounds = porthole_json_object_get_object (node, "bounds");
  JsonArray *actions = get_array (node, "actions");
  JsonArray *children = get_array (node, "children");
  gboolean disabled;

  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
  g_string_append_printf (out, "- %s", role ? role : "unknown");
  if (!is_empty (name))
    {
      g_string_append_c (out, ' ');
      append_quoted (out, name);
    }
  if (ref != NULL)
    g_string_append_printf (out, " [ref=%s]", ref);

  for (guint i = 0; shown_states[i] != NULL; i++)
    if (porthole_a11y_node_has_state (node, shown_states[i]))
      g_string_append_printf (out, " [%s]", shown_states[i]);
  disabled = get_array (node, "states") != NULL && !in_list (role, window_roles) &&
             !porthole_a11y_node_has_state (node, "enabled") &&
             !porthole_a11y_node_has_state (node, "sensitive");
  if (disabled)
    g_string_append (out, " [disabled]");

  if (json_object_has_member (node, "window_id"))
    g_string_append_printf (out, " window=0x%" G_GINT64_MODIFIER "x",
                            json_object_get_int_member (node, "window_id"));
  if (json_object_has_member (node, "pid"))
    g_string_append_printf (out, " pid=%" G_GINT64_FORMAT, json_object_get_int_member (node, "pid"));
  if (bounds != NULL)
    g_string_append_printf (out, " @%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
                            json_object_get_int_member_with_default (bounds, "x", 0),
                            json_object_get_int_member_with_default (bounds, "y", 0),
                            json_object_get_int_member_with_default (bounds, "width", 0),
                            json_object_get_int_member_with_default (bounds, "height", 0));
  if (json_object_has_member (node, "value"))
    g_string_append_printf (out, " value=%g", json_object_get_double_member (node, "value"));
  if (!is_empty (text))
    {
      g_string_append (out, " text=");
      append_quoted (out, text);
    }
  if (actions != NULL && json_array_get_length (actions) > 0 && !in_list (role, label_roles))
    {
      guint n = json_array_get_length (actions);

      g_string_append (out, " actions=");
      for (guint i = 0; i < MIN (n, TEXT_FORM_MAX_ACTIONS); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? "," : "", json_array_get_string_element (actions, i));
      if (n > TEXT_FORM_MAX_ACTIONS)
        g_string_append (out, ",…");
    }
  g_string_append_c (out, '\n');

  for (guint i = 0; children != NULL && i < json_array_get_length (children); i++)
    append_node (out, json_array_get_object_element (children, i), depth + 1);
}

/**
 * porthole_a11y_tree_to_text:
 *
 * One line per node, indented by depth, for language models:
 * `- push button "OK" [ref=e4] [focused] @412,300 80x32 actions=click`.
 *
 * Returns: (transfer full): the text form of @nodes
 */
char *
porthole_a11y_tree_to_text (JsonArray *nodes)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    append_node (out, json_array_get_object_element (nodes, i), 0);

  return g_string_free (out, FALSE);
}

/* Queries */

void
porthole_a11y_query_clear (PortholeA11yQuery *query)
{
  g_clear_pointer (&query->role, g_free);
  g_clear_pointer (&query->name, g_free);
  g_clear_pointer (&query->text, g_free);
}

void
porthole_a11y_query_copy (const PortholeA11yQuery *query,
                          PortholeA11yQuery       *copy)
{
  *copy = *query;
  copy->role = g_strdup (query->role);
  copy->name = g_strdup (query->name);
  copy->text = g_strdup (query->text);
}

/**
 * porthole_a11y_query_parse:
 * @fields: role, name, text, exact, include_hidden, window_id,
 *   max_results
 *
 * Returns: FALSE with a MISSING_PARAMETER or INVALID_REQUEST error
 */
gboolean
porthole_a11y_query_parse (PortholeA11yQuery  *query,
                           JsonObject         *fields,
                           GError            **error)
{
  const char *role, *name, *text;
  gint64 max_results;

  memset (query, 0, sizeof *query);

  if (!porthole_desktop_fields_get_string (fields, "role", &role, error) ||
      !porthole_desktop_fields_get_string (fields, "name", &name, error) ||
      !porthole_desktop_fields_get_string (fields, "text", &text, error) ||
      !porthole_desktop_fields_get_boolean (fields, "exact", FALSE, &query->exact, error) ||
      !porthole_desktop_fields_get_boolean (fields, "include_hidden", FALSE, &query->include_hidden, error) ||
      !porthole_desktop_fields_get_window (fields, "window_id", &query->window, error) ||
      !porthole_desktop_fields_get_int (fields, "max_results", PORTHOLE_A11Y_DEFAULT_MAX_RESULTS,
                                        1, PORTHOLE_A11Y_MAX_RESULTS, &max_results, error))
    return FALSE;

  if (is_empty (role) && is_empty (name) && is_empty (text))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                   "Give at least one of role, name and text");
      return FALSE;
    }

  query->role = is_empty (role) ? NULL : g_strdup (role);
  query->name = is_empty (name) ? NULL : g_strdup (name);
  query->text = is_empty (text) ? NULL : g_strdup (text);
  query->max_results = max_results;

  return TRUE;
}

/* Lower case, without spaces, '-' or '_': "Push_Button" -> "pushbutton". */
static char *
squash (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = lower; *p != '\0'; p++)
    if (*p != ' ' && *p != '-' && *p != '_')
      g_string_append_c (out, *p);

  return g_string_free (out, FALSE);
}

static gboolean
role_matches (const char *wanted,
              const char *role)
{
  g_autofree char *want = squash (wanted);
  g_autofree char *have = squash (role ? role : "");

  if (g_str_equal (want, have) || (strlen (want) >= 4 && g_str_has_suffix (have, want)))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (role_aliases); i++)
    if (g_str_equal (want, role_aliases[i].alias) && g_str_equal (have, role_aliases[i].role))
      return TRUE;

  return FALSE;
}

static gboolean
text_matches (const char *wanted,
              const char *text,
              gboolean    exact)
{
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;

  if (text == NULL)
    return FALSE;
  if (exact)
    return g_str_equal (wanted, text);

  want = g_utf8_casefold (wanted, -1);
  have = g_utf8_casefold (text, -1);
  return strstr (have, want) != NULL;
}

gboolean
porthole_a11y_query_matches (const PortholeA11yQuery *query,
                             JsonObject              *node)
{
  if (query->role != NULL && !role_matches (query->role, get_string (node, "role")))
    return FALSE;
  if (query->name != NULL && !text_matches (query->name, get_string (node, "name"), query->exact))
    return FALSE;

  if (query->text != NULL)
    {
      g_autofree char *value = NULL;

      if (json_object_has_member (node, "value"))
        value = g_strdup_printf ("%g", json_object_get_double_member (node, "value"));
      if (!text_matches (query->text, get_string (node, "name"), query->exact) &&
          !text_matches (query->text, get_string (node, "text"), query->exact) &&
          !text_matches (query->text, get_string (node, "description"), query->exact) &&
          !text_matches (query->text, value, query->exact))
        return FALSE;
    }

  return TRUE;
}

/**
 * porthole_a11y_query_describe:
 *
 * Returns: (transfer full): e.g. `role "button", name "OK"`, for messages
 */
char *
porthole_a11y_query_describe (const PortholeA11yQuery *query)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (query->role != NULL)
    g_ptr_array_add (parts, g_strdup_printf ("role \"%s\"", query->role));
  if (query->name != NULL)
    g_ptr_array_add (parts, g_strdup_printf ("name \"%s\"", query->name));
  if (query->text != NULL)
    g_ptr_array_add (parts, g_strdup_printf ("text \"%s\"", query->text));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (", ", (char **) parts->pdata);
}

typedef struct
{
  const PortholeA11yQuery *query;
  JsonArray *matches;
  gboolean more;
} Search;

static void
search (Search     *search_state,
        JsonObject *node,
        const char *application,
        gint64      window_id)
{
  JsonArray *children = get_array (node, "children");
  const char *role = get_string (node, "role");

  if (!search_state->query->include_hidden && porthole_a11y_node_is_hidden (node))
    return;

  if (g_strcmp0 (role, "application") == 0)
    application = get_string (node, "name");
  if (json_object_has_member (node, "window_id"))
    window_id = json_object_get_int_member (node, "window_id");

  if (porthole_a11y_query_matches (search_state->query, node))
    {
      JsonObject *match;

      if (json_array_get_length (search_state->matches) >= search_state->query->max_results)
        {
          search_state->more = TRUE;
          return;
        }
      match = porthole_a11y_node_copy_flat (node);
      json_object_remove_member (match, "child_count");
      if (application != NULL && g_strcmp0 (role, "application") != 0)
        json_object_set_string_member (match, "application", application);
      if (window_id != 0 && !json_object_has_member (match, "window_id"))
        json_object_set_int_member (match, "window_id", window_id);
      json_array_add_object_element (search_state->matches, match);
    }

  for (guint i = 0; children != NULL && i < json_array_get_length (children) && !search_state->more; i++)
    search (search_state, json_array_get_object_element (children, i), application, window_id);
}

/**
 * porthole_a11y_query_run:
 * @more: (out): whether matches were left out (max_results)
 *
 * Returns: (transfer full): the matching nodes, without their children,
 *   in document order, each with the application and window it is in
 */
JsonArray *
porthole_a11y_query_run (const PortholeA11yQuery *query,
                         JsonArray               *nodes,
                         gboolean                *more)
{
  Search search_state = { query, json_array_new (), FALSE };

  for (guint i = 0; i < json_array_get_length (nodes) && !search_state.more; i++)
    search (&search_state, json_array_get_object_element (nodes, i), NULL, 0);

  *more = search_state.more;
  return search_state.matches;
}
