/* porthole-a11y.c
 *
 * The accessibility trees are read by a helper process linked with
 * libatspi (porthole-a11y-helper.c says why not a thread), started on
 * the first call and kept while it works. It talks JSON lines over a
 * socketpair (its fd 3); its stdout and stderr go to the desktop log.
 * Nothing here blocks: calls are queued, answered by id, each with a
 * deadline; a helper that misses one (an application hung in a D-Bus
 * call) is ended, and the next call starts a new one.
 *
 * Refs: each element is known to AT-SPI by its application's bus name
 * and an object path; we hand out short refs ("e12") for those, stable
 * for as long as the element lives (the same element gets the same ref
 * in every snapshot) and kept here, so they survive a restart of the
 * helper. A ref whose element is gone is stale: acting on it is a
 * NOT_FOUND error that says so.
 *
 * Acting: through AT-SPI where the element offers a way (an action, the
 * selection of its parent, grabbing focus, setting the text of an
 * editable text), else as a user would: a click at the centre of the
 * element (GTK 4's check boxes have no action), or, for set_text, focus
 * then select all and type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <X11/keysym.h>

#include "porthole-a11y.h"
#include "porthole-desktop.h"
#include "porthole-desktop-fields.h"
#include "porthole-env-store.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-plugin.h"
#include "porthole-process.h"

#define HELPER_NAME "porthole-a11y-helper"
/* The helper's own walk stops at TREE_WALK_MS; the rest is slack. */
#define TREE_WALK_MS 10000
#define TREE_TIMEOUT_MS 20000
#define ACT_TIMEOUT_MS 10000
#define WATCH_TIMEOUT_MS 10000
#define MAX_REFS 50000
#define TYPE_DELAY_MS 5

typedef struct
{
  gint64 id;
  JsonObject *request;
  GTask *task;                  /* NULL: nobody waits for the answer */
  guint timeout_ms;
  guint timer_id;
} Call;

struct _PortholeA11y
{
  GObject parent_instance;

  PortholeDesktop *desktop;     /* owns us */
  PortholeEnvStore *env_store;
  PortholeLogBuffer *log;

  /* The helper */
  PortholeProcess *process;
  GIOStream *stream;
  GDataInputStream *input;
  GCancellable *io_cancellable;
  GString *pending_output;
  GBytes *writing;
  char *failure;                /* why it could not start, from its greeting */
  gboolean ready;
  GHashTable *calls;            /* id -> Call, sent or waiting for the greeting */
  gint64 last_id;

  guint watchers;

  GHashTable *refs;             /* "e12" -> "bus path" */
  GHashTable *keys;             /* "bus path" -> "e12" */
  GQueue ref_order;             /* refs, oldest first */
  guint64 last_ref;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeA11y, porthole_a11y, G_TYPE_OBJECT)

static void
call_free (Call *call)
{
  g_assert (call->timer_id == 0);

  g_clear_pointer (&call->request, json_object_unref);
  g_clear_object (&call->task);
  g_free (call);
}

/* Takes @call out of the table and stops its timer: the caller then
 * owns it. */
static Call *
take_call (PortholeA11y *self,
           gint64        id)
{
  Call *call = NULL;

  if (!g_hash_table_steal_extended (self->calls, &id, NULL, (gpointer *) &call))
    return NULL;

  g_clear_handle_id (&call->timer_id, g_source_remove);

  return call;
}

static void
fail_call (Call         *call,
           const GError *error)
{
  if (call->task != NULL)
    g_task_return_error (call->task, g_error_copy (error));
  call_free (call);
}

static void
fail_all_calls (PortholeA11y *self,
                const GError *error)
{
  g_autoptr(GList) ids = g_hash_table_get_keys (self->calls);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Callbacks may start new calls: fail only those of now. */
  for (GList *l = ids; l != NULL; l = l->next)
    g_array_append_val (numbers, *(gint64 *) l->data);
  for (guint i = 0; i < numbers->len; i++)
    {
      Call *call = take_call (self, g_array_index (numbers, gint64, i));

      if (call != NULL)
        fail_call (call, error);
    }
}

static void
drop_helper (PortholeA11y *self)
{
  if (self->io_cancellable != NULL)
    g_cancellable_cancel (self->io_cancellable);
  g_clear_object (&self->io_cancellable);
  g_clear_object (&self->input);
  if (self->stream != NULL)
    g_io_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->writing, g_bytes_unref);
  g_string_truncate (self->pending_output, 0);
  self->ready = FALSE;

  if (self->process != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->process, self);
      /* It ends on EOF; this is for one that does not listen. */
      porthole_process_kill (self->process);
      g_clear_object (&self->process);
    }
}

/* Ends the helper and fails what it was doing. */
static void
stop_helper (PortholeA11y *self,
             const GError *error)
{
  g_autoptr(PortholeA11y) alive = g_object_ref (self);

  drop_helper (self);
  fail_all_calls (self, error);
}

static void
porthole_a11y_dispose (GObject *object)
{
  PortholeA11y *self = (PortholeA11y *)object;
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Shutting down");

  stop_helper (self, error);

  G_OBJECT_CLASS (porthole_a11y_parent_class)->dispose (object);
}

static void
porthole_a11y_finalize (GObject *object)
{
  PortholeA11y *self = (PortholeA11y *)object;

  g_clear_object (&self->env_store);
  g_clear_object (&self->log);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->refs, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_queue_clear (&self->ref_order);
  g_clear_pointer (&self->failure, g_free);
  g_string_free (self->pending_output, TRUE);

  G_OBJECT_CLASS (porthole_a11y_parent_class)->finalize (object);
}

static void
porthole_a11y_class_init (PortholeA11yClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_a11y_dispose;
  object_class->finalize = porthole_a11y_finalize;

  /**
   * PortholeA11y::changed:
   *
   * While watched: widgets came, went or changed somewhere.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_a11y_init (PortholeA11y *self)
{
  self->calls = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->refs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->pending_output = g_string_new (NULL);
}

/**
 * porthole_a11y_new:
 * @desktop: the desktop owning us (not referenced)
 */
PortholeA11y *
porthole_a11y_new (PortholeDesktop   *desktop,
                   PortholeEnvStore  *env_store,
                   PortholeLogBuffer *log)
{
  PortholeA11y *self;

  g_return_val_if_fail (PORTHOLE_IS_DESKTOP (desktop), NULL);
  g_return_val_if_fail (PORTHOLE_IS_ENV_STORE (env_store), NULL);

  self = g_object_new (PORTHOLE_TYPE_A11Y, NULL);
  self->desktop = desktop;
  self->env_store = g_object_ref (env_store);
  self->log = g_object_ref (log);

  return self;
}

/**
 * porthole_a11y_reset:
 *
 * Ends the helper (the display or its buses changed); the next call
 * starts a new one. Refs stay valid.
 */
void
porthole_a11y_reset (PortholeA11y *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PORTHOLE_IS_A11Y (self));

  if (self->process == NULL)
    return;

  error = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The desktop went away");
  stop_helper (self, error);
}

/**
 * porthole_a11y_get_helper_pid:
 *
 * Returns: the helper's pid while it runs, else 0
 */
GPid
porthole_a11y_get_helper_pid (PortholeA11y *self)
{
  g_return_val_if_fail (PORTHOLE_IS_A11Y (self), 0);

  return self->process != NULL ? porthole_process_get_pid (self->process) : 0;
}

static char *
find_helper (void)
{
  g_autofree char *search_path = porthole_plugin_dup_path ();
  g_auto(GStrv) directories = g_strsplit (search_path, G_SEARCHPATH_SEPARATOR_S, -1);

  for (guint i = 0; directories[i] != NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (directories[i], HELPER_NAME, NULL);

      if (*directories[i] != '\0' && g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&candidate);
    }

  return NULL;
}

/**
 * porthole_a11y_dup_missing:
 *
 * Returns: (transfer full): the Debian packages accessibility needs, for
 *   DESKTOP_NOT_AVAILABLE
 */
GStrv
porthole_a11y_dup_missing (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add (builder, "libatspi2.0-0");
  g_strv_builder_add (builder, "at-spi2-core");
  g_strv_builder_add (builder, "dbus-daemon");

  return g_strv_builder_end (builder);
}

/* Talking to the helper */

static void flush_output (PortholeA11y *self);

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeA11y) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean current = self->stream != NULL &&
                     g_io_stream_get_output_stream (self->stream) == G_OUTPUT_STREAM (object);

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      /* A helper ended since has nothing more to say. */
      if (current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autoptr(GError) lost = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                                                "The accessibility helper went away: %s", error->message);

          stop_helper (self, lost);
        }
      return;
    }

  if (!current)
    return;
  g_clear_pointer (&self->writing, g_bytes_unref);
  flush_output (self);
}

static void
flush_output (PortholeA11y *self)
{
  GString *text;

  if (self->writing != NULL || self->pending_output->len == 0 || self->stream == NULL)
    return;

  text = self->pending_output;
  self->pending_output = g_string_new (NULL);
  self->writing = g_string_free_to_bytes (text);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   g_bytes_get_data (self->writing, NULL),
                                   g_bytes_get_size (self->writing),
                                   G_PRIORITY_DEFAULT, self->io_cancellable,
                                   on_written, g_object_ref (self));
}

static void
send_call (PortholeA11y *self,
           Call         *call)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), call->request);
  g_autofree char *text = json_to_string (node, FALSE);

  g_string_append (self->pending_output, text);
  g_string_append_c (self->pending_output, '\n');
  flush_output (self);
}

static gboolean
call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;
  PortholeA11y *self = g_task_get_source_object (call->task);
  g_autoptr(GError) error = NULL;

  call->timer_id = 0;
  error = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                       "The accessibility helper did not answer within %u ms (an application "
                       "may be hung); it is restarted", call->timeout_ms);
  porthole_log_buffer_append (self->log, "a11y", "%s", error->message);
  stop_helper (self, error);

  return G_SOURCE_REMOVE;
}

static void
handle_line (PortholeA11y *self,
             const char   *line)
{
  g_autoptr(JsonNode) root = porthole_json_parse (line, -1, NULL);
  JsonObject *message;
  JsonObject *error_object;
  Call *call;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      porthole_log_buffer_append (self->log, "a11y", "Unexpected line from the helper: %.200s", line);
      return;
    }
  message = json_node_get_object (root);

  if (json_object_has_member (message, "hello"))
    {
      g_autoptr(GList) calls = NULL;

      if (!json_object_get_boolean_member_with_default (message, "hello", FALSE))
        {
          g_free (self->failure);
          self->failure = g_strdup (json_object_get_string_member_with_default (message, "error",
                                                                                "No accessibility bus"));
          return;
        }

      self->ready = TRUE;
      calls = g_hash_table_get_values (self->calls);
      for (GList *l = calls; l != NULL; l = l->next)
        send_call (self, l->data);
      return;
    }

  if (json_object_has_member (message, "event"))
    {
      if (self->watchers > 0)
        g_signal_emit (self, signals[CHANGED], 0);
      return;
    }

  call = take_call (self, json_object_get_int_member_with_default (message, "id", 0));
  if (call == NULL)
    return;

  error_object = porthole_json_object_get_object (message, "error");
  if (error_object != NULL)
    {
      const char *code = json_object_get_string_member_with_default (error_object, "code", "FAILED");
      const char *text = json_object_get_string_member_with_default (error_object, "message", "failed");
      PortholeErrorCode error_code = PORTHOLE_ERROR_INTERNAL_ERROR;
      g_autoptr(GError) error = NULL;

      if (g_str_equal (code, "NOT_FOUND"))
        error_code = PORTHOLE_ERROR_NOT_FOUND;
      else if (g_str_equal (code, "INVALID_REQUEST"))
        error_code = PORTHOLE_ERROR_INVALID_REQUEST;
      error = g_error_new_literal (PORTHOLE_ERROR, error_code, text);
      fail_call (call, error);
      return;
    }

  if (call->task != NULL)
    {
      JsonObject *result = porthole_json_object_get_object (message, "result");

      g_task_return_pointer (call->task, json_object_ref (result ? result : json_object_new ()),
                             (GDestroyNotify) json_object_unref);
    }
  call_free (call);
}

static void read_next (PortholeA11y *self);

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PortholeA11y) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->input != (GDataInputStream *) object)
    return;

  if (line == NULL)
    {
      g_autoptr(GError) lost = NULL;

      if (self->failure != NULL)
        lost = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "%s", self->failure);
      else
        lost = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                            "The accessibility helper exited%s%s",
                            error ? ": " : "", error ? error->message : "");
      stop_helper (self, lost);
      return;
    }

  handle_line (self, line);
  if (self->input == (GDataInputStream *) object)
    read_next (self);
}

static void
read_next (PortholeA11y *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->io_cancellable,
                                       on_line, g_object_ref (self));
}

static void
on_helper_output (PortholeA11y *self,
                  guint         stream,
                  const char   *text,
                  guint64       length)
{
  porthole_log_buffer_append_data (self->log, "a11y", text, length);
}

static gboolean
start_helper (PortholeA11y  *self,
              GError       **error)
{
  g_autofree char *path = find_helper ();
  g_auto(GStrv) envp = NULL;
  g_autoptr(GSocket) socket = NULL;
  int fds[2];

  if (path == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "The accessibility helper (%s) is not installed", HELPER_NAME);
      return FALSE;
    }

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s", g_strerror (saved));
      return FALSE;
    }

  envp = porthole_env_store_build_envp (self->env_store, NULL);
  self->process = porthole_process_new ((const char *const[]) { path, "3", NULL },
                                        (const char *const *) envp, "/", PORTHOLE_PROCESS_FLAGS_NONE);
  porthole_process_take_fd (self->process, fds[1], 3);
  g_signal_connect_swapped (self->process, "output", G_CALLBACK (on_helper_output), self);
  if (!porthole_process_spawn (self->process, error))
    {
      close (fds[0]);
      g_signal_handlers_disconnect_by_data (self->process, self);
      g_clear_object (&self->process);
      return FALSE;
    }

  socket = g_socket_new_from_fd (fds[0], error);
  if (socket == NULL)
    {
      close (fds[0]);
      drop_helper (self);
      return FALSE;
    }

  g_clear_pointer (&self->failure, g_free);
  self->io_cancellable = g_cancellable_new ();
  self->stream = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
  self->input = g_data_input_stream_new (g_io_stream_get_input_stream (self->stream));
  g_data_input_stream_set_newline_type (self->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  read_next (self);

  porthole_log_buffer_append (self->log, "a11y", "Started %s (pid %d)", path,
                              porthole_process_get_pid (self->process));
  return TRUE;
}

static void send_watch (PortholeA11y *self,
                        gboolean      enable);

/* Sends @request (taken) to the helper, starting it if need be; the
 * task's result is the helper's "result" object. */
static void
call_helper (PortholeA11y *self,
             JsonObject   *request,
             guint         timeout_ms,
             GTask        *task)
{
  g_autoptr(GError) error = NULL;
  Call *call;

  if (self->process == NULL && start_helper (self, &error) && self->watchers > 0)
    send_watch (self, TRUE);
  if (self->process == NULL)
    {
      json_object_unref (request);
      if (task != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      g_clear_object (&task);
      return;
    }

  call = g_new0 (Call, 1);
  call->id = ++self->last_id;
  call->request = request;
  call->task = task;
  call->timeout_ms = timeout_ms;
  json_object_set_int_member (request, "id", call->id);
  g_hash_table_insert (self->calls, &call->id, call);

  /* A cancelled caller gets its error when the answer comes (GTask
   * checks): helper calls are short, and the helper serves in order. */
  if (task != NULL)
    call->timer_id = g_timeout_add (timeout_ms, call_timeout_cb, call);

  if (self->ready)
    send_call (self, call);
}

/* Refs */

static const char *
ref_for_key (PortholeA11y *self,
             const char   *key)
{
  char *ref = g_hash_table_lookup (self->keys, key);
  char *owned_key;

  if (ref != NULL)
    return ref;

  /* The oldest go first; they are most likely gone anyway. */
  while (g_queue_get_length (&self->ref_order) >= MAX_REFS)
    {
      char *old_ref = g_queue_pop_head (&self->ref_order);
      char *old_key = g_hash_table_lookup (self->refs, old_ref);

      g_hash_table_steal (self->refs, old_ref);
      g_hash_table_remove (self->keys, old_key);
      g_free (old_key);
    }

  ref = g_strdup_printf ("e%" G_GUINT64_FORMAT, ++self->last_ref);
  owned_key = g_strdup (key);
  /* Each table owns the string it maps to. */
  g_hash_table_insert (self->refs, ref, owned_key);
  g_hash_table_insert (self->keys, owned_key, ref);
  g_queue_push_tail (&self->ref_order, ref);

  return ref;
}

/* Gives every node its ref in place of the helper's bus and path. */
static void
assign_refs (PortholeA11y *self,
             JsonArray    *nodes)
{
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      const char *bus = porthole_json_object_get_string (node, "bus");
      const char *path = porthole_json_object_get_string (node, "path");
      JsonNode *children = json_object_get_member (node, "children");

      if (bus != NULL && path != NULL)
        {
          g_autofree char *key = g_strconcat (bus, " ", path, NULL);

          json_object_set_string_member (node, "ref", ref_for_key (self, key));
        }
      json_object_remove_member (node, "bus");
      json_object_remove_member (node, "path");
      if (children != NULL && JSON_NODE_HOLDS_ARRAY (children))
        assign_refs (self, json_node_get_array (children));
    }
}

/* Windows */

static JsonObject *
window_to_json (const PortholeWindowInfo *info)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", info->id);
  json_object_set_int_member (object, "pid", info->pid);
  json_object_set_string_member (object, "title", info->title ? info->title : "");
  json_object_set_int_member (object, "x", info->geometry.x);
  json_object_set_int_member (object, "y", info->geometry.y);
  json_object_set_int_member (object, "width", info->geometry.width);
  json_object_set_int_member (object, "height", info->geometry.height);

  return object;
}

/* The top-level windows, which the helper needs to place GTK 4's
 * widgets on screen; and @window's own entry. */
static gboolean
add_windows (PortholeA11y  *self,
             JsonObject    *request,
             guint64        window,
             GError       **error)
{
  PortholeX11Windows *windows = porthole_desktop_get_windows (self->desktop);
  g_autoptr(GPtrArray) list = NULL;
  JsonArray *array = json_array_new ();

  json_object_set_array_member (request, "windows", array);
  if (windows == NULL)
    {
      if (window == 0)
        return TRUE;
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
      return FALSE;
    }

  list = porthole_x11_windows_list (windows);
  for (guint i = 0; i < list->len; i++)
    json_array_add_object_element (array, window_to_json (g_ptr_array_index (list, i)));

  if (window != 0)
    {
      g_autoptr(PortholeWindowInfo) info = porthole_x11_windows_get_info (windows, window, error);

      if (info == NULL)
        return FALSE;
      json_object_set_object_member (request, "window", window_to_json (info));
    }

  return TRUE;
}

/* Reading trees */

typedef struct
{
  PortholeA11yTreeOptions options;
  PortholeA11yQuery query;
  gboolean empty_is_error;
} TreeCall;

static void
tree_call_free (TreeCall *call)
{
  porthole_a11y_query_clear (&call->query);
  g_free (call);
}

static JsonObject *
propagate_object (PortholeA11y  *self,
                  GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
read_tree (PortholeA11y                  *self,
           const PortholeA11yTreeOptions *options,
           GTask                         *task)
{
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (request, "op", "tree");
  json_object_set_int_member (request, "max_depth", options->max_depth);
  json_object_set_int_member (request, "max_nodes", options->max_nodes);
  json_object_set_int_member (request, "timeout_ms", TREE_WALK_MS);
  if (!add_windows (self, request, options->window, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  call_helper (self, g_steal_pointer (&request), TREE_TIMEOUT_MS, task);
}

/* Reads the tree of @call's options; @done gets it, then returns the
 * task of @callback, which owns @call. */
static void
start_tree_call (PortholeA11y        *self,
                 TreeCall            *call,
                 gpointer             source_tag,
                 GAsyncReadyCallback  done,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) tree_call_free);
  read_tree (self, &call->options, g_task_new (self, cancellable, done, task));
}

/* The tree as read, with refs, or NULL with @error. */
static JsonArray *
finish_tree (PortholeA11y  *self,
             GAsyncResult  *result,
             gboolean      *truncated,
             GError       **error)
{
  g_autoptr(JsonObject) tree = g_task_propagate_pointer (G_TASK (result), error);
  JsonArray *applications;

  if (tree == NULL)
    return NULL;

  applications = json_object_get_array_member (tree, "applications");
  *truncated = json_object_get_boolean_member_with_default (tree, "truncated", FALSE);
  assign_refs (self, applications);

  return json_array_ref (applications);
}

/**
 * porthole_a11y_tree_options_parse:
 * @fields: window_id (or id), max_depth, max_nodes, interesting_only
 *
 * Returns: FALSE with an INVALID_REQUEST error
 */
gboolean
porthole_a11y_tree_options_parse (PortholeA11yTreeOptions  *options,
                                  JsonObject               *fields,
                                  GError                  **error)
{
  gint64 max_depth, max_nodes;

  if (!porthole_desktop_fields_get_window (fields, "window_id|id", &options->window, error) ||
      !porthole_desktop_fields_get_int (fields, "max_depth", PORTHOLE_A11Y_DEFAULT_MAX_DEPTH,
                                        1, PORTHOLE_A11Y_MAX_DEPTH, &max_depth, error) ||
      !porthole_desktop_fields_get_int (fields, "max_nodes", PORTHOLE_A11Y_DEFAULT_MAX_NODES,
                                        1, PORTHOLE_A11Y_MAX_NODES, &max_nodes, error) ||
      !porthole_desktop_fields_get_boolean (fields, "interesting_only", TRUE,
                                            &options->interesting_only, error))
    return FALSE;

  options->max_depth = max_depth;
  options->max_nodes = max_nodes;
  return TRUE;
}

static void
on_snapshot_tree (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PortholeA11y *self = PORTHOLE_A11Y (object);
  g_autoptr(GTask) task = user_data;
  TreeCall *call = g_task_get_task_data (task);
  g_autoptr(JsonArray) applications = NULL;
  g_autoptr(JsonArray) nodes = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean truncated = FALSE;

  applications = finish_tree (self, result, &truncated, &error);
  if (applications == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (call->options.window != 0 && json_array_get_length (applications) == 0)
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND,
                               "Accessible widgets not found for window 0x%" G_GINT64_MODIFIER "x: its "
                               "application does not speak AT-SPI, or was started before the "
                               "accessibility bus", call->options.window);
      return;
    }

  nodes = call->options.interesting_only ? porthole_a11y_tree_prune (applications) : json_array_ref (applications);
  text = porthole_a11y_tree_to_text (nodes);

  reply = json_object_new ();
  json_object_set_array_member (reply, "nodes", json_array_ref (nodes));
  json_object_set_string_member (reply, "text", text);
  json_object_set_int_member (reply, "count", porthole_a11y_tree_count (nodes));
  json_object_set_int_member (reply, "applications", json_array_get_length (applications));
  json_object_set_boolean_member (reply, "truncated", truncated);
  json_object_set_boolean_member (reply, "interesting_only", call->options.interesting_only);
  if (call->options.window != 0)
    json_object_set_int_member (reply, "window_id", call->options.window);

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) json_object_unref);
}

/**
 * porthole_a11y_snapshot_async:
 *
 * Reads the widgets of every application (or of one window), gives them
 * refs, and keeps the interesting ones if asked.
 */
void
porthole_a11y_snapshot_async (PortholeA11y                  *self,
                              const PortholeA11yTreeOptions *options,
                              GCancellable                  *cancellable,
                              GAsyncReadyCallback            callback,
                              gpointer                       user_data)
{
  TreeCall *call;

  g_return_if_fail (PORTHOLE_IS_A11Y (self));
  g_return_if_fail (options != NULL);

  call = g_new0 (TreeCall, 1);
  call->options = *options;
  start_tree_call (self, call, porthole_a11y_snapshot_async, on_snapshot_tree, cancellable, callback, user_data);
}

/**
 * porthole_a11y_snapshot_finish:
 *
 * Returns: (transfer full): nodes (the tree), text (its text form),
 *   count, applications, truncated, interesting_only[, window_id]
 */
JsonObject *
porthole_a11y_snapshot_finish (PortholeA11y  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return propagate_object (self, result, error);
}

static void
on_find_tree (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PortholeA11y *self = PORTHOLE_A11Y (object);
  g_autoptr(GTask) task = user_data;
  TreeCall *call = g_task_get_task_data (task);
  g_autoptr(JsonArray) applications = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *matches;
  gboolean truncated = FALSE, more = FALSE;

  applications = finish_tree (self, result, &truncated, &error);
  if (applications == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  matches = porthole_a11y_query_run (&call->query, applications, &more);
  reply = json_object_new ();
  json_object_set_int_member (reply, "count", json_array_get_length (matches));
  json_object_set_boolean_member (reply, "found", json_array_get_length (matches) > 0);
  json_object_set_array_member (reply, "matches", matches);
  json_object_set_boolean_member (reply, "more", more);
  json_object_set_boolean_member (reply, "truncated", truncated);

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) json_object_unref);
}

/**
 * porthole_a11y_find_async:
 *
 * Searches every widget (of @query's window, if it names one).
 */
void
porthole_a11y_find_async (PortholeA11y            *self,
                          const PortholeA11yQuery *query,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  TreeCall *call;

  g_return_if_fail (PORTHOLE_IS_A11Y (self));
  g_return_if_fail (query != NULL);

  call = g_new0 (TreeCall, 1);
  porthole_a11y_query_copy (query, &call->query);
  call->options.window = query->window;
  call->options.max_depth = PORTHOLE_A11Y_MAX_DEPTH;
  call->options.max_nodes = PORTHOLE_A11Y_MAX_NODES;
  start_tree_call (self, call, porthole_a11y_find_async, on_find_tree, cancellable, callback, user_data);
}

/**
 * porthole_a11y_find_finish:
 *
 * Returns: (transfer full): matches (nodes without children, each with
 *   its ref, application and window_id), count, found, more, truncated
 */
JsonObject *
porthole_a11y_find_finish (PortholeA11y  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return propagate_object (self, result, error);
}

/* Acting */

typedef struct
{
  char *ref;
  char *action;
  char *text;
  JsonObject *reply;
} ActCall;

static void
act_call_free (ActCall *call)
{
  g_free (call->ref);
  g_free (call->action);
  g_free (call->text);
  g_clear_pointer (&call->reply, json_object_unref);
  g_free (call);
}

static void
on_input_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ActCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!porthole_x11_input_run_finish (PORTHOLE_X11_INPUT (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, json_object_ref (call->reply), (GDestroyNotify) json_object_unref);
}

/* What AT-SPI could not do, done with the pointer or the keyboard. */
static gboolean
act_by_input (PortholeA11y  *self,
              GTask         *task,
              const char    *fallback,
              GError       **error)
{
  ActCall *call = g_task_get_task_data (task);
  PortholeX11Input *input = porthole_desktop_get_input (self->desktop);
  JsonObject *bounds = porthole_json_object_get_object (call->reply, "bounds");
  g_autoptr(PortholeInputScript) script = porthole_input_script_new ();

  if (input == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
      return FALSE;
    }

  if (g_str_equal (fallback, "keyboard"))
    {
      static const guint32 select_all[] = { XK_Control_L, XK_a };

      porthole_input_script_add_chord (script, select_all, G_N_ELEMENTS (select_all));
      /* An empty text: what is selected is deleted. */
      if (*call->text == '\0')
        {
          porthole_input_script_add_key (script, XK_BackSpace, TRUE);
          porthole_input_script_add_key (script, XK_BackSpace, FALSE);
        }
      porthole_input_script_add_text (script, call->text, TYPE_DELAY_MS);
    }
  else
    {
      gint64 width = bounds ? json_object_get_int_member_with_default (bounds, "width", 0) : 0;
      gint64 height = bounds ? json_object_get_int_member_with_default (bounds, "height", 0) : 0;
      int x, y;

      if (width <= 0 || height <= 0)
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                       "Cannot %s this element: it has no action for it and no place on screen to click",
                       call->action);
          return FALSE;
        }
      x = json_object_get_int_member (bounds, "x") + width / 2;
      y = json_object_get_int_member (bounds, "y") + height / 2;
      porthole_input_script_add_motion (script, x, y);
      porthole_input_script_add_button (script, 1, TRUE);
      porthole_input_script_add_button (script, 1, FALSE);
    }

  json_object_set_string_member (call->reply, "method", fallback);
  porthole_x11_input_run_async (input, script, g_task_get_cancellable (task), on_input_done, g_object_ref (task));
  return TRUE;
}

static void
on_acted (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  PortholeA11y *self = PORTHOLE_A11Y (object);
  g_autoptr(GTask) task = user_data;
  ActCall *call = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *fallback;

  answer = g_task_propagate_pointer (G_TASK (result), &error);
  if (answer == NULL)
    {
      if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND))
        g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND,
                                 "Element %s not found: %s. Refs go stale when their element goes; "
                                 "take a new snapshot", call->ref, error->message);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call->reply = json_object_new ();
  json_object_set_string_member (call->reply, "ref", call->ref);
  json_object_set_string_member (call->reply, "action", call->action);
  for (const char *const *member = (const char *const[]) { "role", "name", "method", "action_name", NULL };
       *member != NULL; member++)
    if (porthole_json_object_get_string (answer, *member) != NULL)
      json_object_set_string_member (call->reply, *member, porthole_json_object_get_string (answer, *member));
  if (porthole_json_object_get_object (answer, "bounds") != NULL)
    json_object_set_object_member (call->reply, "bounds",
                                   json_object_ref (porthole_json_object_get_object (answer, "bounds")));

  fallback = porthole_json_object_get_string (answer, "fallback");
  if (fallback != NULL)
    {
      if (!act_by_input (self, task, fallback, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, json_object_ref (call->reply), (GDestroyNotify) json_object_unref);
}

/**
 * porthole_a11y_act_async:
 * @ref: from a snapshot or a search
 * @action: click, focus, set_text, select, toggle, scroll_into_view, or
 *   the name of one of the element's AT-SPI actions
 * @text: (nullable): for set_text
 *
 * A ref unknown or whose element is gone is a NOT_FOUND error; an action
 * the element cannot do, INVALID_REQUEST.
 */
void
porthole_a11y_act_async (PortholeA11y        *self,
                         const char          *ref,
                         const char          *action,
                         const char          *text,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  const char *key;
  ActCall *call;

  g_return_if_fail (PORTHOLE_IS_A11Y (self));
  g_return_if_fail (ref != NULL && action != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_a11y_act_async);
  call = g_new0 (ActCall, 1);
  call->ref = g_strdup (ref);
  call->action = g_strdup (action);
  call->text = g_strdup (text);
  g_task_set_task_data (task, call, (GDestroyNotify) act_call_free);

  if (g_str_equal (action, "set_text") && text == NULL)
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                               "set_text needs a text");
      return;
    }

  key = g_hash_table_lookup (self->refs, ref);
  if (key == NULL)
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND,
                               "Element %s not found: no snapshot or search gave this ref "
                               "(or it is very old)", ref);
      return;
    }

  parts = g_strsplit (key, " ", 2);
  request = json_object_new ();
  json_object_set_string_member (request, "op", "act");
  json_object_set_string_member (request, "bus", parts[0]);
  json_object_set_string_member (request, "path", parts[1] ? parts[1] : "");
  json_object_set_string_member (request, "action", action);
  if (text != NULL)
    json_object_set_string_member (request, "text", text);
  if (!add_windows (self, request, 0, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call_helper (self, g_steal_pointer (&request), ACT_TIMEOUT_MS,
               g_task_new (self, cancellable, on_acted, g_steal_pointer (&task)));
}

/**
 * porthole_a11y_act_finish:
 *
 * Returns: (transfer full): ref, action, role, name, bounds, method
 *   (action, selection, component, editable-text, pointer or keyboard)
 *   and action_name (the AT-SPI action used)
 */
JsonObject *
porthole_a11y_act_finish (PortholeA11y  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return propagate_object (self, result, error);
}

/* Watching */

static void
send_watch (PortholeA11y *self,
            gboolean      enable)
{
  JsonObject *request = json_object_new ();

  json_object_set_string_member (request, "op", "watch");
  json_object_set_boolean_member (request, "enable", enable);
  call_helper (self, request, WATCH_TIMEOUT_MS, NULL);
}

/**
 * porthole_a11y_watch:
 *
 * Starts emitting "changed" (starting the helper if need be); undone
 * by porthole_a11y_unwatch().
 */
void
porthole_a11y_watch (PortholeA11y *self)
{
  g_return_if_fail (PORTHOLE_IS_A11Y (self));

  if (self->watchers++ == 0)
    send_watch (self, TRUE);
}

void
porthole_a11y_unwatch (PortholeA11y *self)
{
  g_return_if_fail (PORTHOLE_IS_A11Y (self));
  g_return_if_fail (self->watchers > 0);

  if (--self->watchers == 0 && self->process != NULL)
    send_watch (self, FALSE);
}
