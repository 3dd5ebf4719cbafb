/* porthole-a11y-helper.c — portholed's reader of accessibility trees
 *
 * Usage: porthole-a11y-helper FD
 *
 * Reads the widgets of the applications on the display through libatspi
 * and acts on them, for portholed (porthole-a11y.c), which starts it on
 * demand. One JSON object per line on FD, a socket of portholed's:
 *   first    {"hello": true}, or {"hello": false, "error": "..."} and exit
 *   requests {"id": N, "op": "tree" | "act" | "watch", ...}
 *   answers  {"id": N, "result": {...}} or
 *            {"id": N, "error": {"code": "NOT_FOUND", "message": "..."}}
 *   notices  {"event": "changed"} while watching, at most every
 *            NOTICE_MS, when widgets came, went or changed
 * Requests are served one at a time, in order; EOF on FD ends us.
 *
 * Why a process and not a thread of portholed: libatspi keeps
 * process-wide state with no locking, and it attaches the private
 * connections it opens to the applications that offer one (at-spi2-atk:
 * GTK 3, Firefox, Chromium) to g_main_context_default() whatever
 * atspi_set_main_context() said (atspi-misc.c, handle_get_bus_address,
 * at-spi2-core 2.46 and still so upstream): in portholed that is the
 * main thread, which would then dispatch replies into libatspi while
 * another thread was inside it, and would wait on the connection while
 * that thread's blocking call held it. Here libatspi is used as it is
 * meant to be: one thread, the default main context. A wedged
 * application stalls only us (portholed has its own deadline and ends
 * us), a crash costs a restart, and portholed never maps libatspi or
 * libdbus at all.
 *
 * Coordinates: GTK 4 reports widget extents relative to its window on
 * X11 ("screen coordinates not supported"), other toolkits in screen
 * pixels. portholed sends the top-level X windows (id, pid, title,
 * geometry) with each request; each application's frames are matched to
 * their window by pid and title (then size), and GTK 4's extents are
 * moved by the window's origin.
 *
 * The cache of libatspi is off (ATSPI_NO_CACHE): every snapshot reads
 * the application as it is now, and a widget that is gone fails at once
 * instead of answering from a stale copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <atspi/atspi.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <json-glib/json-glib.h>

/* Each D-Bus call to an application; a tree walk has its own deadline. */
#define CALL_TIMEOUT_MS 1500
#define STARTUP_TIMEOUT_MS 3000
#define NOTICE_MS 30
/* Objects kept for acting on refs; past this the table starts afresh
 * (lookups then search the application again). */
#define MAX_KNOWN_OBJECTS 100000
/* Nodes searched for a path unknown to this process (after a restart). */
#define MAX_SEARCH_NODES 50000
#define DEFAULT_TEXT_LIMIT 2000

/* libatspi 2.46 declares no cleanup functions; its interfaces are
 * implemented by AtspiAccessible objects. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAccessible, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAction, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiComponent, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiEditableText, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiSelection, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiStateSet, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiText, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiValue, g_object_unref)

typedef struct
{
  guint64 id;
  int pid;
  char *title;
  int x, y, width, height;
} WindowInfo;

typedef struct
{
  GOutputStream *output;
  GDataInputStream *input;
  GMainLoop *loop;
  GHashTable *known;            /* "bus path" -> AtspiAccessible */
  AtspiEventListener *listener;
  guint notice_id;
} Helper;

static Helper helper;

typedef enum
{
  FAILURE_OTHER,
  FAILURE_GONE,
  FAILURE_TIMEOUT,
} FailureKind;

/* Output */

static void
send_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all (helper.output, text, strlen (text), NULL, NULL, &error) ||
      !g_output_stream_write_all (helper.output, "\n", 1, NULL, NULL, &error))
    {
      /* portholed went away. */
      g_printerr ("porthole-a11y-helper: %s\n", error->message);
      exit (0);
    }
}

static void
send_result (gint64      id,
             JsonObject *result)
{
  g_autoptr(JsonObject) answer = json_object_new ();

  json_object_set_int_member (answer, "id", id);
  json_object_set_object_member (answer, "result", json_object_ref (result));
  send_object (answer);
}

static void
send_error (gint64      id,
            const char *code,
            const char *format,
            ...) G_GNUC_PRINTF (3, 4);

static void
send_error (gint64      id,
            const char *code,
            const char *format,
            ...)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  JsonObject *error = json_object_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_int_member (answer, "id", id);
  json_object_set_object_member (answer, "error", error);
  send_object (answer);
}

/* Errors of libatspi calls: the object (or its application) is gone,
 * the application did not answer, or something else. libatspi keeps
 * only the D-Bus error's text. */
static FailureKind
classify (const GError *error)
{
  static const char *const gone[] = {
    "was not provided by any .service files", "No such object", "No such interface",
    "doesn't exist", "Unknown object", "UnknownObject", "Connection is closed",
    "disconnected", "not connected",
  };

  if (error == NULL)
    return FAILURE_OTHER;
  /* ATSPI_ERROR_APPLICATION_GONE, whose domain libatspi keeps private. */
  if (error->domain == g_quark_try_string ("atspi_error") && error->code == 0)
    return FAILURE_GONE;
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    if (strstr (error->message, gone[i]) != NULL)
      return FAILURE_GONE;
  if (strstr (error->message, "timeout") != NULL || strstr (error->message, "Did not receive a reply") != NULL)
    return FAILURE_TIMEOUT;

  return FAILURE_OTHER;
}

/* Objects */

static char *
key_of (AtspiAccessible *accessible)
{
  AtspiObject *object = ATSPI_OBJECT (accessible);

  if (object->app == NULL || object->app->bus_name == NULL || object->path == NULL)
    return NULL;

  return g_strconcat (object->app->bus_name, " ", object->path, NULL);
}

static void
remember (AtspiAccessible *accessible)
{
  char *key = key_of (accessible);

  if (key == NULL)
    return;
  if (g_hash_table_size (helper.known) >= MAX_KNOWN_OBJECTS)
    g_hash_table_remove_all (helper.known);
  g_hash_table_replace (helper.known, key, g_object_ref (accessible));
}

static char *
state_nick (AtspiStateType state)
{
  GEnumClass *klass = g_type_class_ref (ATSPI_TYPE_STATE_TYPE);
  GEnumValue *value = g_enum_get_value (klass, state);
  char *nick = g_strdup (value != NULL ? value->value_nick : "unknown");

  g_type_class_unref (klass);
  return nick;
}

static gboolean
has_state (AtspiStateSet  *states,
           AtspiStateType  state)
{
  return states != NULL && atspi_state_set_contains (states, state);
}

/* Windows */

static void
window_info_clear (WindowInfo *window)
{
  g_free (window->title);
}

static gboolean
read_window (JsonObject *object,
             WindowInfo *window)
{
  if (object == NULL)
    return FALSE;

  window->id = json_object_get_int_member_with_default (object, "id", 0);
  window->pid = json_object_get_int_member_with_default (object, "pid", -1);
  window->title = g_strdup (json_object_get_string_member_with_default (object, "title", ""));
  window->x = json_object_get_int_member_with_default (object, "x", 0);
  window->y = json_object_get_int_member_with_default (object, "y", 0);
  window->width = json_object_get_int_member_with_default (object, "width", 0);
  window->height = json_object_get_int_member_with_default (object, "height", 0);
  return window->id != 0;
}

static GArray *
read_windows (JsonObject *request)
{
  GArray *windows = g_array_new (FALSE, TRUE, sizeof (WindowInfo));
  JsonArray *array = json_object_has_member (request, "windows")
                       ? json_object_get_array_member (request, "windows") : NULL;

  g_array_set_clear_func (windows, (GDestroyNotify) window_info_clear);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      WindowInfo window = { 0 };

      if (read_window (json_array_get_object_element (array, i), &window))
        g_array_append_val (windows, window);
      else
        window_info_clear (&window);
    }

  return windows;
}

/* The X window of an application's frame: same pid and title, then same
 * pid and size, then the only window of that pid, then the title. */
static const WindowInfo *
match_window (GArray     *windows,
              int         pid,
              const char *title,
              int         width,
              int         height)
{
  const WindowInfo *by_size = NULL, *only = NULL, *by_title = NULL;
  guint of_pid = 0;

  for (guint i = 0; i < windows->len; i++)
    {
      const WindowInfo *window = &g_array_index (windows, WindowInfo, i);
      gboolean same_title = title != NULL && *title != '\0' && g_strcmp0 (window->title, title) == 0;

      if (pid > 0 && window->pid == pid)
        {
          if (same_title)
            return window;
          if (by_size == NULL && window->width == width && window->height == height)
            by_size = window;
          only = window;
          of_pid++;
        }
      else if (same_title && window->pid <= 0 && by_title == NULL)
        by_title = window;
    }

  if (by_size != NULL)
    return by_size;
  if (of_pid == 1)
    return only;
  return by_title;
}

/* GTK 4 on X11 reports extents relative to the window. */
static gboolean
is_window_relative (AtspiAccessible *application)
{
  g_autofree char *toolkit = atspi_accessible_get_toolkit_name (application, NULL);
  g_autofree char *version = NULL;

  if (g_strcmp0 (toolkit, "GTK") != 0)
    return FALSE;
  version = atspi_accessible_get_toolkit_version (application, NULL);
  return version != NULL && g_ascii_strtoll (version, NULL, 10) >= 4;
}

/* Place: @coords WINDOW for GTK 4 (SCREEN would make it warn on each
 * call and answer the same), then moved by @dx, @dy; not @known when
 * the window is not (yet) on screen: no bounds then, rather than wrong
 * ones. */
typedef struct
{
  AtspiCoordType coords;
  int dx;
  int dy;
  gboolean known;
} Placement;

static const Placement screen_placement = { ATSPI_COORD_TYPE_SCREEN, 0, 0, TRUE };

static gboolean
get_extents (AtspiAccessible *accessible,
             const Placement *placement,
             int             *x,
             int             *y,
             int             *width,
             int             *height)
{
  g_autoptr(AtspiComponent) component = atspi_accessible_get_component_iface (accessible);
  AtspiRect *rect;
  gboolean ok;

  if (component == NULL || !placement->known)
    return FALSE;

  rect = atspi_component_get_extents (component, placement->coords, NULL);
  if (rect == NULL)
    return FALSE;

  ok = rect->width >= 0 && rect->height >= 0 && !(rect->x == -1 && rect->y == -1 && rect->width <= 0);
  *x = rect->x + placement->dx;
  *y = rect->y + placement->dy;
  *width = rect->width;
  *height = rect->height;
  g_boxed_free (ATSPI_TYPE_RECT, rect);

  return ok;
}

/* How to place the frame's widgets on screen: for GTK 4, its window's
 * origin. */
static Placement
place_frame (gboolean          relative,
             const WindowInfo *window)
{
  Placement placement = screen_placement;

  if (relative)
    {
      placement.coords = ATSPI_COORD_TYPE_WINDOW;
      placement.dx = window ? window->x : 0;
      placement.dy = window ? window->y : 0;
      placement.known = window != NULL;
    }

  return placement;
}

/* The placement of @accessible: that of its frame, found by walking up
 * to the application. */
static Placement
find_placement (AtspiAccessible *accessible,
                GArray          *windows)
{
  g_autoptr(AtspiAccessible) node = g_object_ref (accessible);
  g_autoptr(AtspiAccessible) frame = NULL;
  g_autoptr(AtspiAccessible) application = NULL;

  for (guint depth = 0; depth < 1000; depth++)
    {
      AtspiAccessible *parent = atspi_accessible_get_parent (node, NULL);

      if (parent == NULL)
        return screen_placement;
      if (atspi_accessible_get_role (parent, NULL) == ATSPI_ROLE_APPLICATION)
        {
          frame = g_steal_pointer (&node);
          application = parent;
          break;
        }
      g_object_unref (node);
      node = parent;
    }

  if (application != NULL && is_window_relative (application))
    {
      g_autofree char *title = atspi_accessible_get_name (frame, NULL);
      Placement window_coords = { ATSPI_COORD_TYPE_WINDOW, 0, 0, TRUE };
      int x, y, width = 0, height = 0;

      get_extents (frame, &window_coords, &x, &y, &width, &height);
      return place_frame (TRUE,
                          match_window (windows, atspi_accessible_get_process_id (application, NULL),
                                        title, width, height));
    }

  return screen_placement;
}

/* Tree */

typedef struct
{
  GArray *windows;
  int max_depth;
  int max_nodes;
  int text_limit;
  gint64 deadline;
  int n_nodes;
  gboolean truncated;
} Walk;

static JsonObject *
new_bounds (int x,
            int y,
            int width,
            int height)
{
  JsonObject *bounds = json_object_new ();

  json_object_set_int_member (bounds, "x", x);
  json_object_set_int_member (bounds, "y", y);
  json_object_set_int_member (bounds, "width", width);
  json_object_set_int_member (bounds, "height", height);
  return bounds;
}

static void
add_states (JsonObject    *node,
            AtspiStateSet *states)
{
  g_autoptr(GArray) list = states ? atspi_state_set_get_states (states) : NULL;
  JsonArray *array = json_array_new ();

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      g_autofree char *nick = state_nick (g_array_index (list, AtspiStateType, i));

      json_array_add_string_element (array, nick);
    }
  json_object_set_array_member (node, "states", array);
}

static void
add_actions (JsonObject      *node,
             AtspiAccessible *accessible)
{
  g_autoptr(AtspiAction) action = atspi_accessible_get_action_iface (accessible);
  JsonArray *array;
  int n;

  if (action == NULL || (n = atspi_action_get_n_actions (action, NULL)) <= 0)
    return;

  array = json_array_new ();
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = atspi_action_get_action_name (action, i, NULL);

      if (name != NULL && *name != '\0')
        json_array_add_string_element (array, name);
    }
  json_object_set_array_member (node, "actions", array);
}

static void
add_value_and_text (JsonObject      *node,
                    AtspiAccessible *accessible,
                    const char      *name,
                    int              text_limit)
{
  g_autoptr(AtspiValue) value = atspi_accessible_get_value_iface (accessible);
  g_autoptr(AtspiText) text = atspi_accessible_get_text_iface (accessible);

  if (value != NULL)
    {
      g_autoptr(GError) error = NULL;
      double current = atspi_value_get_current_value (value, &error);

      if (error == NULL)
        {
          json_object_set_double_member (node, "value", current);
          json_object_set_double_member (node, "min", atspi_value_get_minimum_value (value, NULL));
          json_object_set_double_member (node, "max", atspi_value_get_maximum_value (value, NULL));
        }
    }

  if (text != NULL)
    {
      int count = atspi_text_get_character_count (text, NULL);
      g_autofree char *contents = NULL;

      if (count > 0)
        contents = atspi_text_get_text (text, 0, MIN (count, text_limit), NULL);
      /* A label's text is its name: say it once. */
      if (contents != NULL && g_strcmp0 (contents, name) != 0)
        json_object_set_string_member (node, "text", contents);
      if (count > text_limit)
        json_object_set_boolean_member (node, "text_truncated", TRUE);
    }
}

static JsonObject *
describe (AtspiAccessible *accessible,
          Walk            *walk,
          const Placement *placement,
          GError         **error)
{
  JsonObject *node;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *role = NULL;
  g_autoptr(AtspiStateSet) states = NULL;
  AtspiObject *object = ATSPI_OBJECT (accessible);
  int x, y, width, height;

  name = atspi_accessible_get_name (accessible, error);
  if (name == NULL)
    return NULL;

  node = json_object_new ();
  role = atspi_accessible_get_role_name (accessible, NULL);
  description = atspi_accessible_get_description (accessible, NULL);
  states = atspi_accessible_get_state_set (accessible);

  json_object_set_string_member (node, "bus", object->app ? object->app->bus_name : "");
  json_object_set_string_member (node, "path", object->path ? object->path : "");
  json_object_set_string_member (node, "role", role ? role : "unknown");
  json_object_set_string_member (node, "name", name);
  if (description != NULL && *description != '\0')
    json_object_set_string_member (node, "description", description);
  add_states (node, states);
  if (get_extents (accessible, placement, &x, &y, &width, &height))
    json_object_set_object_member (node, "bounds", new_bounds (x, y, width, height));
  add_actions (node, accessible);
  add_value_and_text (node, accessible, name, walk->text_limit);

  remember (accessible);
  return node;
}

static gboolean
walk_has_budget (Walk *walk)
{
  if (walk->n_nodes >= walk->max_nodes || g_get_monotonic_time () >= walk->deadline)
    {
      walk->truncated = TRUE;
      return FALSE;
    }

  return TRUE;
}

static JsonObject *
walk_node (AtspiAccessible *accessible,
           Walk            *walk,
           int              depth,
           const Placement *placement)
{
  g_autoptr(GError) error = NULL;
  JsonObject *node = describe (accessible, walk, placement, &error);
  JsonArray *children;
  int n_children;

  if (node == NULL)
    return NULL;
  walk->n_nodes++;

  n_children = atspi_accessible_get_child_count (accessible, NULL);
  if (n_children <= 0)
    return node;

  json_object_set_int_member (node, "child_count", n_children);
  if (depth >= walk->max_depth)
    {
      walk->truncated = TRUE;
      return node;
    }

  children = json_array_new ();
  for (int i = 0; i < n_children && walk_has_budget (walk); i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (accessible, i, NULL);
      JsonObject *child_node;

      if (child == NULL)
        continue;
      child_node = walk_node (child, walk, depth + 1, placement);
      if (child_node != NULL)
        json_array_add_object_element (children, child_node);
    }
  json_object_set_array_member (node, "children", children);

  return node;
}

/* An application and its frames; with @only, just the frames of that
 * X window (NULL when it has none). */
static JsonObject *
walk_application (AtspiAccessible  *application,
                  Walk             *walk,
                  const WindowInfo *only)
{
  g_autoptr(GError) error = NULL;
  JsonObject *node;
  JsonArray *frames;
  gboolean relative = is_window_relative (application);
  int pid = atspi_accessible_get_process_id (application, NULL);
  int n_children;

  node = describe (application, walk, &screen_placement, &error);
  if (node == NULL)
    return NULL;
  walk->n_nodes++;

  {
    g_autofree char *toolkit = atspi_accessible_get_toolkit_name (application, NULL);
    g_autofree char *version = atspi_accessible_get_toolkit_version (application, NULL);

    if (pid > 0)
      json_object_set_int_member (node, "pid", pid);
    if (toolkit != NULL)
      json_object_set_string_member (node, "toolkit", toolkit);
    if (version != NULL)
      json_object_set_string_member (node, "toolkit_version", version);
  }

  n_children = atspi_accessible_get_child_count (application, NULL);
  json_object_set_int_member (node, "child_count", MAX (n_children, 0));
  frames = json_array_new ();
  for (int i = 0; i < n_children && walk_has_budget (walk); i++)
    {
      g_autoptr(AtspiAccessible) frame = atspi_accessible_get_child_at_index (application, i, NULL);
      g_autofree char *title = NULL;
      const WindowInfo *window;
      Placement placement = { relative ? ATSPI_COORD_TYPE_WINDOW : ATSPI_COORD_TYPE_SCREEN, 0, 0, TRUE };
      int x = 0, y = 0, width = 0, height = 0;
      JsonObject *frame_node;

      if (frame == NULL)
        continue;

      title = atspi_accessible_get_name (frame, NULL);
      get_extents (frame, &placement, &x, &y, &width, &height);
      window = match_window (walk->windows, pid, title, width, height);
      if (only != NULL && (window == NULL || window->id != only->id))
        continue;

      placement = place_frame (relative, window);
      frame_node = walk_node (frame, walk, 1, &placement);
      if (frame_node == NULL)
        continue;
      if (window != NULL)
        json_object_set_int_member (frame_node, "window_id", window->id);
      json_array_add_object_element (frames, frame_node);
    }

  if (only != NULL && json_array_get_length (frames) == 0)
    {
      json_array_unref (frames);
      json_object_unref (node);
      return NULL;
    }

  json_object_set_array_member (node, "children", frames);
  return node;
}

static void
handle_tree (gint64      id,
             JsonObject *request)
{
  g_autoptr(GArray) windows = read_windows (request);
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(AtspiAccessible) desktop = atspi_get_desktop (0);
  WindowInfo only = { 0 };
  gboolean has_only = json_object_has_member (request, "window") &&
                      read_window (json_object_get_object_member (request, "window"), &only);
  JsonArray *applications = json_array_new ();
  Walk walk = {
    .windows = windows,
    .max_depth = json_object_get_int_member_with_default (request, "max_depth", 64),
    .max_nodes = json_object_get_int_member_with_default (request, "max_nodes", 5000),
    .text_limit = json_object_get_int_member_with_default (request, "text_limit", DEFAULT_TEXT_LIMIT),
    .deadline = g_get_monotonic_time () +
                json_object_get_int_member_with_default (request, "timeout_ms", 10000) * 1000,
  };
  int n_applications = desktop ? atspi_accessible_get_child_count (desktop, NULL) : 0;

  for (int i = 0; i < n_applications && walk_has_budget (&walk); i++)
    {
      g_autoptr(AtspiAccessible) application = atspi_accessible_get_child_at_index (desktop, i, NULL);
      JsonObject *node;

      if (application == NULL)
        continue;
      node = walk_application (application, &walk, has_only ? &only : NULL);
      if (node != NULL)
        json_array_add_object_element (applications, node);
    }

  json_object_set_array_member (result, "applications", applications);
  json_object_set_int_member (result, "node_count", walk.n_nodes);
  json_object_set_boolean_member (result, "truncated", walk.truncated);
  window_info_clear (&only);
  send_result (id, result);
}

/* Acting */

static AtspiAccessible *
search_path (AtspiAccessible *node,
             const char      *path,
             int             *budget)
{
  int n_children;

  if (--*budget < 0)
    return NULL;
  if (g_strcmp0 (ATSPI_OBJECT (node)->path, path) == 0)
    return g_object_ref (node);

  n_children = atspi_accessible_get_child_count (node, NULL);
  for (int i = 0; i < n_children && *budget >= 0; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (node, i, NULL);
      AtspiAccessible *found;

      if (child != NULL && (found = search_path (child, path, budget)) != NULL)
        return found;
    }

  return NULL;
}

/* The object at @bus @path: seen before by this process, or searched in
 * that application (a restarted helper knows nothing yet). */
static AtspiAccessible *
resolve (const char *bus,
         const char *path)
{
  g_autofree char *key = g_strconcat (bus, " ", path, NULL);
  AtspiAccessible *accessible = g_hash_table_lookup (helper.known, key);
  g_autoptr(AtspiAccessible) desktop = NULL;
  int n_applications;

  if (accessible != NULL)
    return g_object_ref (accessible);

  desktop = atspi_get_desktop (0);
  n_applications = atspi_accessible_get_child_count (desktop, NULL);
  for (int i = 0; i < n_applications; i++)
    {
      g_autoptr(AtspiAccessible) application = atspi_accessible_get_child_at_index (desktop, i, NULL);
      int budget = MAX_SEARCH_NODES;

      if (application == NULL || g_strcmp0 (ATSPI_OBJECT (application)->app->bus_name, bus) != 0)
        continue;
      accessible = search_path (application, path, &budget);
      if (accessible != NULL)
        remember (accessible);
      return accessible;
    }

  return NULL;
}

/* The index of the first action among @names (in that order of
 * preference), or -1. */
static int
find_action (AtspiAction       *action,
             const char *const *names)
{
  int n = action ? atspi_action_get_n_actions (action, NULL) : 0;

  for (guint j = 0; names[j] != NULL; j++)
    for (int i = 0; i < n; i++)
      {
        g_autofree char *name = atspi_action_get_action_name (action, i, NULL);

        if (name != NULL && g_ascii_strcasecmp (name, names[j]) == 0)
          return i;
      }

  return -1;
}

static JsonArray *
list_actions (AtspiAction *action)
{
  JsonArray *array = json_array_new ();
  int n = action ? atspi_action_get_n_actions (action, NULL) : 0;

  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = atspi_action_get_action_name (action, i, NULL);

      if (name != NULL)
        json_array_add_string_element (array, name);
    }

  return array;
}

static void
send_call_error (gint64        id,
                 const char   *what,
                 const GError *error)
{
  switch (classify (error))
    {
    case FAILURE_GONE:
      send_error (id, "NOT_FOUND", "the element is gone (%s)", error->message);
      break;
    case FAILURE_TIMEOUT:
      send_error (id, "TIMEOUT", "the application did not answer %s in time", what);
      break;
    case FAILURE_OTHER:
    default:
      send_error (id, "FAILED", "%s failed: %s", what, error ? error->message : "unknown error");
      break;
    }
}

static void
handle_act (gint64      id,
            JsonObject *request)
{
  static const char *const click_names[] = { "click", "press", "activate", "jump", "open", NULL };
  static const char *const toggle_names[] = { "toggle", "click", "press", "activate", NULL };
  static const char *const select_names[] = { "select", "click", "press", "activate", NULL };
  const char *bus = json_object_get_string_member_with_default (request, "bus", "");
  const char *path = json_object_get_string_member_with_default (request, "path", "");
  const char *verb = json_object_get_string_member_with_default (request, "action", "");
  const char *text = json_object_get_string_member_with_default (request, "text", NULL);
  g_autoptr(GArray) windows = read_windows (request);
  g_autoptr(AtspiAccessible) accessible = resolve (bus, path);
  g_autoptr(AtspiAction) action = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  const char *method = NULL;
  const char *fallback = NULL;
  Placement placement;
  int x, y, width, height;
  int index = -1;

  if (accessible == NULL)
    {
      send_error (id, "NOT_FOUND", "the element is gone (no such object in the application)");
      return;
    }

  /* A real round trip (the cache is off): is it still there? */
  name = atspi_accessible_get_name (accessible, &error);
  if (name == NULL)
    {
      send_call_error (id, "reading the element", error);
      return;
    }
  {
    g_autoptr(AtspiStateSet) states = atspi_accessible_get_state_set (accessible);

    if (has_state (states, ATSPI_STATE_DEFUNCT))
      {
        send_error (id, "NOT_FOUND", "the element is gone (defunct)");
        return;
      }
  }
  role = atspi_accessible_get_role_name (accessible, NULL);
  action = atspi_accessible_get_action_iface (accessible);

  if (g_str_equal (verb, "click"))
    {
      if ((index = find_action (action, click_names)) >= 0)
        method = "action";
      else
        fallback = "pointer";
    }
  else if (g_str_equal (verb, "toggle"))
    {
      if ((index = find_action (action, toggle_names)) >= 0)
        method = "action";
      else
        fallback = "pointer";
    }
  else if (g_str_equal (verb, "select"))
    {
      g_autoptr(AtspiAccessible) parent = atspi_accessible_get_parent (accessible, NULL);
      g_autoptr(AtspiSelection) selection = parent ? atspi_accessible_get_selection_iface (parent) : NULL;
      int position = selection ? atspi_accessible_get_index_in_parent (accessible, NULL) : -1;

      if (position >= 0 && atspi_selection_select_child (selection, position, NULL))
        method = "selection";
      else if ((index = find_action (action, select_names)) >= 0)
        method = "action";
      else
        fallback = "pointer";
    }
  else if (g_str_equal (verb, "focus"))
    {
      g_autoptr(AtspiComponent) component = atspi_accessible_get_component_iface (accessible);

      if (component != NULL && atspi_component_grab_focus (component, &error))
        method = "component";
      else if (error != NULL && classify (error) != FAILURE_OTHER)
        {
          send_call_error (id, "focus", error);
          return;
        }
      else
        fallback = "pointer";
    }
  else if (g_str_equal (verb, "set_text"))
    {
      g_autoptr(AtspiEditableText) editable = atspi_accessible_get_editable_text_iface (accessible);
      g_autoptr(AtspiComponent) component = atspi_accessible_get_component_iface (accessible);

      if (text == NULL)
        {
          send_error (id, "INVALID_REQUEST", "set_text needs a text");
          return;
        }
      if (editable != NULL && atspi_editable_text_set_text_contents (editable, text, &error))
        method = "editable-text";
      else if (error != NULL && classify (error) != FAILURE_OTHER)
        {
          send_call_error (id, "set_text", error);
          return;
        }
      else
        {
          /* Focus it, then portholed selects all and types. */
          if (component != NULL)
            atspi_component_grab_focus (component, NULL);
          fallback = "keyboard";
        }
    }
  else if (g_str_equal (verb, "scroll_into_view"))
    {
      g_autoptr(AtspiComponent) component = atspi_accessible_get_component_iface (accessible);

      /* Toolkits without ScrollTo (GTK 4.8) scroll to what takes the
       * focus. */
      if (component != NULL && atspi_component_scroll_to (component, ATSPI_SCROLL_ANYWHERE, &error))
        method = "component";
      else if (error != NULL && classify (error) != FAILURE_OTHER)
        {
          send_call_error (id, "scroll_into_view", error);
          return;
        }
      else if (component != NULL && atspi_component_grab_focus (component, NULL))
        method = "focus";
      else
        {
          send_error (id, "INVALID_REQUEST", "This %s can neither scroll itself into view nor take the focus",
                      role ? role : "element");
          return;
        }
    }
  else
    {
      const char *names[] = { verb, NULL };

      if ((index = find_action (action, names)) < 0)
        {
          g_autoptr(JsonArray) available = list_actions (action);
          g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), available);
          g_autofree char *listed = json_to_string (node, FALSE);

          send_error (id, "INVALID_REQUEST", "No action \"%s\" on this %s; its actions: %s",
                      verb, role ? role : "element", listed);
          return;
        }
      method = "action";
    }

  if (index >= 0)
    {
      g_autofree char *action_name = atspi_action_get_action_name (action, index, NULL);

      if (!atspi_action_do_action (action, index, &error))
        {
          send_call_error (id, action_name ? action_name : verb, error);
          return;
        }
      json_object_set_string_member (result, "action_name", action_name ? action_name : verb);
    }

  placement = find_placement (accessible, windows);
  if (get_extents (accessible, &placement, &x, &y, &width, &height))
    json_object_set_object_member (result, "bounds", new_bounds (x, y, width, height));
  json_object_set_string_member (result, "role", role ? role : "unknown");
  json_object_set_string_member (result, "name", name);
  if (method != NULL)
    json_object_set_string_member (result, "method", method);
  if (fallback != NULL)
    json_object_set_string_member (result, "fallback", fallback);
  send_result (id, result);
}

/* Watching */

static gboolean
notice_cb (gpointer user_data)
{
  g_autoptr(JsonObject) notice = json_object_new ();

  helper.notice_id = 0;
  json_object_set_string_member (notice, "event", "changed");
  send_object (notice);

  return G_SOURCE_REMOVE;
}

static void
on_event (AtspiEvent *event,
          void       *user_data)
{
  if (helper.notice_id == 0)
    helper.notice_id = g_timeout_add (NOTICE_MS, notice_cb, NULL);
  g_boxed_free (ATSPI_TYPE_EVENT, event);
}

static const char *const watched_events[] = {
  "object:children-changed",
  "object:state-changed",
  "object:property-change:accessible-name",
  "object:property-change:accessible-description",
  "object:property-change:accessible-value",
  "object:text-changed",
  "window:create",
  "window:destroy",
};

static void
handle_watch (gint64      id,
              JsonObject *request)
{
  gboolean enable = json_object_get_boolean_member_with_default (request, "enable", TRUE);
  g_autoptr(JsonObject) result = json_object_new ();

  if (enable && helper.listener == NULL)
    {
      helper.listener = atspi_event_listener_new (on_event, NULL, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (watched_events); i++)
        atspi_event_listener_register (helper.listener, watched_events[i], NULL);
    }
  else if (!enable && helper.listener != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (watched_events); i++)
        atspi_event_listener_deregister (helper.listener, watched_events[i], NULL);
      g_clear_object (&helper.listener);
      g_clear_handle_id (&helper.notice_id, g_source_remove);
    }

  json_object_set_boolean_member (result, "watching", helper.listener != NULL);
  send_result (id, result);
}

/* Input */

static void read_next (void);

static void
handle_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *request;
  const char *op;
  gint64 id;

  if (!json_parser_load_from_data (parser, line, -1, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("porthole-a11y-helper: bad request: %s\n", error ? error->message : "not an object");
      return;
    }

  request = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_int_member_with_default (request, "id", 0);
  op = json_object_get_string_member_with_default (request, "op", "");

  if (g_str_equal (op, "tree"))
    handle_tree (id, request);
  else if (g_str_equal (op, "act"))
    handle_act (id, request);
  else if (g_str_equal (op, "watch"))
    handle_watch (id, request);
  else
    send_error (id, "INVALID_REQUEST", "Unknown operation \"%s\"", op);
}

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                                     NULL, &error);

  if (line == NULL)
    {
      /* EOF: portholed is done with us. */
      g_main_loop_quit (helper.loop);
      return;
    }

  handle_line (line);
  read_next ();
}

static void
read_next (void)
{
  g_data_input_stream_read_line_async (helper.input, G_PRIORITY_DEFAULT, NULL, on_line, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonObject) hello = json_object_new ();
  g_autoptr(GInputStream) raw_input = NULL;
  gint64 fd;

  setlocale (LC_ALL, "");

  if (argc != 2 || !g_ascii_string_to_signed (argv[1], 10, 3, G_MAXINT, &fd, NULL))
    {
      g_printerr ("Usage: porthole-a11y-helper FD\n");
      return 2;
    }

  raw_input = g_unix_input_stream_new (fd, FALSE);
  helper.input = g_data_input_stream_new (raw_input);
  helper.output = g_unix_output_stream_new (fd, FALSE);
  helper.loop = g_main_loop_new (NULL, FALSE);
  helper.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  g_setenv ("ATSPI_NO_CACHE", "1", TRUE);
  if (atspi_init () != 0 || atspi_get_a11y_bus () == NULL)
    {
      json_object_set_boolean_member (hello, "hello", FALSE);
      json_object_set_string_member (hello, "error", "No accessibility bus (AT-SPI) on this display");
      send_object (hello);
      return 1;
    }
  atspi_set_timeout (CALL_TIMEOUT_MS, STARTUP_TIMEOUT_MS);

  json_object_set_boolean_member (hello, "hello", TRUE);
  send_object (hello);

  read_next ();
  g_main_loop_run (helper.loop);

  return 0;
}
