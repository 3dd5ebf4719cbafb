/* porthole-updater.c
 *
 * Self-update, off unless `update-enabled` is set (every route then
 * answers 503 FEATURE_DISABLED). The steps, each refusing on failure
 * and leaving the running binary untouched:
 *
 *  - upload: the multipart `file` part streams to <state>/update/staged
 *    (size-capped, hashed on the way; a `sha256` field is checked);
 *  - apply: the staged file is copied to a scratch directory and checked
 *    there, so that what is checked is what gets installed: its SHA-256
 *    against the caller's, an ELF header for this machine (class, byte
 *    order and machine of the running binary), `--version` (against the
 *    caller's version, if any) and `--self-test`, both run through
 *    PortholeProcess with a timeout. Then the binary in place is copied
 *    to a numbered backup (the oldest beyond update-max-backups go) and
 *    the candidate replaces it with rename(2), so the path always holds
 *    a whole binary;
 *  - rollback: a backup goes back in place the same way;
 *  - restart: porthole-restart.c runs the binary in place.
 *
 * The binary replaced and re-executed is the running one unless
 * `update-self-path` names another (the tests use a copy).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-process.h"
#include "porthole-protocol.h"
#include "porthole-update-files.h"
#include "porthole-update-upload.h"
#include "porthole-updater.h"
#include "porthole-version.h"

#define STAGED_NAME "staged"
#define STAGED_INFO_NAME "staged.json"
#define BACKUP_PREFIX "portholed."
#define INFO_SUFFIX ".json"
/* `--version` and `--self-test` of a candidate must end within this. */
#define CHECK_TIMEOUT_SECONDS 30
/* Multipart framing allowed on top of the file in a declared length. */
#define MULTIPART_OVERHEAD (64 * 1024)

struct _PortholeUpdater
{
  GObject parent_instance;

  PortholeConfig *config;
  char *target;
  char *dir;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (PortholeUpdater, porthole_updater, G_TYPE_OBJECT)

static void
porthole_updater_finalize (GObject *object)
{
  PortholeUpdater *self = (PortholeUpdater *)object;

  g_clear_object (&self->config);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->dir, g_free);

  G_OBJECT_CLASS (porthole_updater_parent_class)->finalize (object);
}

static void
porthole_updater_class_init (PortholeUpdaterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_updater_finalize;
}

static void
porthole_updater_init (PortholeUpdater *self)
{
}

/**
 * porthole_updater_new:
 *
 * Notes the binary to replace: `update-self-path`, else the running one.
 */
PortholeUpdater *
porthole_updater_new (PortholeConfig *config)
{
  PortholeUpdater *self = g_object_new (PORTHOLE_TYPE_UPDATER, NULL);
  const char *self_path = porthole_config_get_update_self_path (config);

  self->config = g_object_ref (config);
  self->dir = g_build_filename (porthole_config_get_state_dir (config), "update", NULL);
  if (self_path != NULL)
    self->target = g_canonicalize_filename (self_path, NULL);
  else
    self->target = g_file_read_link ("/proc/self/exe", NULL);

  return self;
}

gboolean
porthole_updater_check_enabled (PortholeUpdater  *self,
                                GError          **error)
{
  if (!porthole_config_get_update_enabled (self->config))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FEATURE_DISABLED,
                           "Updates are disabled (set update-enabled in the configuration)");
      return FALSE;
    }

  if (self->target == NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FEATURE_DISABLED,
                           "The daemon binary could not be located");
      return FALSE;
    }

  return TRUE;
}

const char *
porthole_updater_get_target (PortholeUpdater *self)
{
  return self->target;
}

static gboolean
ensure_dir (const char  *path,
            GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot create %s: %s", path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_busy (PortholeUpdater  *self,
            GError          **error)
{
  if (self->busy)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_CONFLICT,
                           "An update is being applied");
      return FALSE;
    }

  return TRUE;
}

/* Upload */

/**
 * porthole_updater_open_upload:
 * @headers: the request headers (content type and length)
 *
 * Returns: (transfer full): the stream the multipart body goes to
 */
GOutputStream *
porthole_updater_open_upload (PortholeUpdater     *self,
                              SoupMessageHeaders  *headers,
                              GError             **error)
{
  g_autoptr(GHashTable) params = NULL;
  const char *content_type;
  const char *boundary;
  gsize max_size = porthole_config_get_update_max_size (self->config);

  if (!porthole_updater_check_enabled (self, error) || !check_busy (self, error))
    return NULL;

  content_type = soup_message_headers_get_content_type (headers, &params);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "multipart/form-data") != 0 ||
      (boundary = g_hash_table_lookup (params, "boundary")) == NULL)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Expected a multipart/form-data body with a 'file' part");
      return NULL;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > max_size + MULTIPART_OVERHEAD)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PAYLOAD_TOO_LARGE,
                   "The update is larger than %zu bytes", max_size);
      return NULL;
    }

  if (!ensure_dir (self->dir, error))
    return NULL;

  return G_OUTPUT_STREAM (porthole_update_upload_new (self->dir, boundary, max_size, error));
}

/**
 * porthole_updater_stage:
 * @upload: the stream from porthole_updater_open_upload(), complete
 *
 * Closes @upload and keeps its file as the staged update.
 *
 * Returns: (transfer full): the upload's answer (API.md §12)
 */
JsonObject *
porthole_updater_stage (PortholeUpdater  *self,
                        GOutputStream    *upload,
                        GError          **error)
{
  PortholeUpdateUpload *file = PORTHOLE_UPDATE_UPLOAD (upload);
  g_autofree char *staged = g_build_filename (self->dir, STAGED_NAME, NULL);
  g_autofree char *info_path = g_build_filename (self->dir, STAGED_INFO_NAME, NULL);
  g_autoptr(JsonObject) info = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  const char *expected, *version, *sha256;
  JsonObject *result;

  if (!check_busy (self, error) ||
      (!g_output_stream_is_closed (upload) && !g_output_stream_close (upload, NULL, error)))
    return NULL;

  sha256 = porthole_update_upload_get_sha256 (file);
  expected = porthole_update_upload_get_field (file, "sha256");
  version = porthole_update_upload_get_field (file, "version");

  if (expected != NULL && g_ascii_strcasecmp (expected, sha256) != 0)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "SHA-256 mismatch: the upload hashes to %s", sha256);
      return NULL;
    }

  json_object_set_string_member (info, "sha256", sha256);
  if (expected != NULL)
    json_object_set_string_member (info, "expected_sha256", expected);
  if (version != NULL)
    json_object_set_string_member (info, PORTHOLE_MEMBER_VERSION, version);
  json_object_set_int_member (info, "size", porthole_update_upload_get_size (file));
  json_object_set_string_member (info, "uploaded_at", timestamp);

  if (rename (porthole_update_upload_get_path (file), staged) != 0)
    {
      porthole_update_set_errno_error (error, "stage", staged);
      return NULL;
    }
  porthole_update_upload_keep_file (file);
  if (!porthole_update_write_info (info_path, info, error))
    return NULL;

  result = json_object_new ();
  json_object_set_boolean_member (result, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (result, PORTHOLE_MEMBER_PATH, staged);
  json_object_set_int_member (result, "size", porthole_update_upload_get_size (file));
  json_object_set_string_member (result, "sha256", sha256);
  if (version != NULL)
    json_object_set_string_member (result, PORTHOLE_MEMBER_VERSION, version);
  else
    json_object_set_null_member (result, PORTHOLE_MEMBER_VERSION);
  json_object_set_string_member (result, PORTHOLE_MEMBER_MESSAGE, "Update staged; apply it with POST /update/apply");

  return result;
}

/* Backups */

typedef struct
{
  guint number;
  char *name;
  char *path;
} Backup;

static void
backup_free (Backup *backup)
{
  g_free (backup->name);
  g_free (backup->path);
  g_free (backup);
}

static int
newest_backup_first (gconstpointer a,
                     gconstpointer b)
{
  const Backup *x = *(const Backup **) a, *y = *(const Backup **) b;

  return (x->number < y->number) - (x->number > y->number);
}

/* Backups as numbered files portholed.N, newest (highest N) first. */
static GPtrArray *
list_backups (PortholeUpdater *self)
{
  g_autofree char *dir_path = g_build_filename (self->dir, "backups", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *backups = g_ptr_array_new_with_free_func ((GDestroyNotify) backup_free);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      guint64 number;
      Backup *backup;

      if (!g_str_has_prefix (name, BACKUP_PREFIX) ||
          !g_ascii_string_to_unsigned (name + strlen (BACKUP_PREFIX), 10, 1, G_MAXUINT, &number, NULL))
        continue;

      backup = g_new0 (Backup, 1);
      backup->number = number;
      backup->name = g_strdup (name);
      backup->path = g_build_filename (dir_path, name, NULL);
      g_ptr_array_add (backups, backup);
    }

  g_ptr_array_sort (backups, newest_backup_first);
  return backups;
}

static void
remove_backup (const Backup *backup)
{
  g_autofree char *info = g_strconcat (backup->path, INFO_SUFFIX, NULL);

  g_unlink (backup->path);
  g_unlink (info);
}

/* Copies the binary in place to the next backup; drops the oldest. */
static char *
make_backup (PortholeUpdater  *self,
             const char       *version,
             GError          **error)
{
  g_autofree char *dir = g_build_filename (self->dir, "backups", NULL);
  g_autoptr(GPtrArray) backups = list_backups (self);
  guint number = backups->len > 0 ? ((Backup *) g_ptr_array_index (backups, 0))->number + 1 : 1;
  g_autofree char *name = g_strdup_printf (BACKUP_PREFIX "%u", number);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *info_path = g_strconcat (path, INFO_SUFFIX, NULL);
  g_autofree char *timestamp = porthole_timestamp_now ();
  g_autoptr(JsonObject) info = json_object_new ();
  guint keep = porthole_config_get_update_max_backups (self->config);

  if (!ensure_dir (dir, error) ||
      !porthole_update_copy_file (self->target, path, 0700, error))
    return NULL;

  json_object_set_string_member (info, PORTHOLE_MEMBER_VERSION, version);
  json_object_set_string_member (info, "created_at", timestamp);
  if (!porthole_update_write_info (info_path, info, error))
    return NULL;

  /* The new one is not in the list: keep - 1 of the old ones. */
  for (guint i = keep > 0 ? keep - 1 : 0; i < backups->len; i++)
    remove_backup (g_ptr_array_index (backups, i));

  return g_steal_pointer (&path);
}

/**
 * porthole_updater_list_backups:
 *
 * Returns: (transfer full): `backups` ({name, path, size, version,
 *   created_at}, newest first) and `count`
 */
JsonObject *
porthole_updater_list_backups (PortholeUpdater *self)
{
  g_autoptr(GPtrArray) backups = list_backups (self);
  JsonObject *result = json_object_new ();
  JsonArray *array = json_array_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();

  for (guint i = 0; i < backups->len; i++)
    {
      Backup *backup = g_ptr_array_index (backups, i);
      g_autofree char *info_path = g_strconcat (backup->path, INFO_SUFFIX, NULL);
      g_autoptr(JsonObject) info = porthole_update_read_info (info_path);
      JsonObject *entry = json_object_new ();
      GStatBuf st;

      json_object_set_string_member (entry, "name", backup->name);
      json_object_set_string_member (entry, PORTHOLE_MEMBER_PATH, backup->path);
      json_object_set_int_member (entry, "size", g_stat (backup->path, &st) == 0 ? st.st_size : 0);
      json_object_set_string_member (entry, PORTHOLE_MEMBER_VERSION,
                                     porthole_update_info_string (info, PORTHOLE_MEMBER_VERSION) ?: "unknown");
      if (porthole_update_info_string (info, "created_at") != NULL)
        json_object_set_string_member (entry, "created_at", porthole_update_info_string (info, "created_at"));
      else
        {
          g_autofree char *created = porthole_timestamp_from_unix ((gint64) st.st_mtime * G_USEC_PER_SEC);

          json_object_set_string_member (entry, "created_at", created);
        }
      json_array_add_object_element (array, entry);
    }

  json_object_set_array_member (result, "backups", array);
  json_object_set_int_member (result, PORTHOLE_MEMBER_COUNT, backups->len);
  json_object_set_string_member (result, PORTHOLE_MEMBER_TIMESTAMP, timestamp);

  return result;
}

/**
 * porthole_updater_rollback:
 * @name: (nullable): a backup's name; %NULL for the newest
 *
 * Puts a backup back in place (atomically). It runs after a restart.
 * The route checks that updates are enabled; `portholed --rollback`, an
 * operator's command, does not.
 */
JsonObject *
porthole_updater_rollback (PortholeUpdater  *self,
                           const char       *name,
                           GError          **error)
{
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *info_path = NULL;
  g_autoptr(JsonObject) info = NULL;
  Backup *backup = NULL;
  JsonObject *result;

  if (!check_busy (self, error))
    return NULL;

  backups = list_backups (self);
  for (guint i = 0; i < backups->len && backup == NULL; i++)
    {
      Backup *candidate = g_ptr_array_index (backups, i);

      if (name == NULL || g_str_equal (name, candidate->name))
        backup = candidate;
    }

  if (backup == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND,
                   name ? "Backup not found: %s" : "No backup to roll back to%s", name ? name : "");
      return NULL;
    }

  if (!porthole_update_check_elf (backup->path, error) ||
      !porthole_update_copy_file (backup->path, self->target, 0755, error))
    return NULL;

  info_path = g_strconcat (backup->path, INFO_SUFFIX, NULL);
  info = porthole_update_read_info (info_path);

  result = json_object_new ();
  json_object_set_boolean_member (result, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (result, PORTHOLE_MEMBER_MESSAGE,
                                 "Backup restored; it runs after POST /update/restart");
  json_object_set_string_member (result, "restored", backup->name);
  json_object_set_string_member (result, PORTHOLE_MEMBER_PATH, self->target);
  json_object_set_string_member (result, PORTHOLE_MEMBER_VERSION,
                                 porthole_update_info_string (info, PORTHOLE_MEMBER_VERSION) ?: "unknown");

  return result;
}

/* Apply */

typedef enum
{
  STEP_PREPARE,         /* thread: copy to scratch, hash, ELF */
  STEP_VERSION,         /* candidate --version */
  STEP_SELF_TEST,       /* candidate --self-test */
  STEP_CURRENT_VERSION, /* target --version, for the backup's record */
  STEP_INSTALL,         /* thread: backup, replace */
} Step;

typedef struct
{
  char *expected_sha256;
  char *expected_version;
  char *scratch;
  char *candidate;
  char *candidate_version;
  char *current_version;
  char *backup;
  Step step;
} Apply;

static void
apply_free (Apply *apply)
{
  if (apply->scratch != NULL)
    {
      g_unlink (apply->candidate);
      g_rmdir (apply->scratch);
    }
  g_free (apply->expected_sha256);
  g_free (apply->expected_version);
  g_free (apply->scratch);
  g_free (apply->candidate);
  g_free (apply->candidate_version);
  g_free (apply->current_version);
  g_free (apply->backup);
  g_free (apply);
}

static void apply_next (GTask *task);

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PortholeUpdater *self = source_object;
  Apply *apply = task_data;
  g_autofree char *staged = g_build_filename (self->dir, STAGED_NAME, NULL);
  g_autofree char *template = g_build_filename (self->dir, "check-XXXXXX", NULL);
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (staged, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                               "No update is staged: upload one with POST /update/upload");
      return;
    }

  /* What is checked below is this copy, and it is what gets installed. */
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      porthole_update_set_errno_error (&error, "create", template);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  apply->scratch = g_steal_pointer (&template);
  apply->candidate = g_build_filename (apply->scratch, "portholed", NULL);

  if (!porthole_update_copy_file (staged, apply->candidate, 0700, &error) ||
      (sha256 = porthole_update_sha256_file (apply->candidate, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_ascii_strcasecmp (sha256, apply->expected_sha256) != 0)
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                               "SHA-256 mismatch: the staged update hashes to %s", sha256);
      return;
    }

  if (!porthole_update_check_elf (apply->candidate, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
install_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PortholeUpdater *self = source_object;
  Apply *apply = task_data;
  g_autofree char *staged = g_build_filename (self->dir, STAGED_NAME, NULL);
  g_autofree char *staged_info = g_build_filename (self->dir, STAGED_INFO_NAME, NULL);
  g_autoptr(GError) error = NULL;

  if ((apply->backup = make_backup (self, apply->current_version, &error)) == NULL ||
      !porthole_update_copy_file (apply->candidate, self->target, 0755, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_unlink (staged);
  g_unlink (staged_info);
  g_task_return_boolean (task, TRUE);
}

static void
thread_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  apply_next (task);
}

static void
run_in_thread (GTask           *task,
               GTaskThreadFunc  func)
{
  PortholeUpdater *self = g_task_get_source_object (task);
  g_autoptr(GTask) step = g_task_new (self, NULL, thread_done, g_object_ref (task));

  g_task_set_task_data (step, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (step, func);
}

/* "portholed 1.2.3 (…)" → "1.2.3" */
static char *
parse_version (const char *output)
{
  g_auto(GStrv) words = g_strsplit_set (output, " \t\n", 3);

  if (g_strv_length (words) < 2 || !g_str_equal (words[0], "portholed") || *words[1] == '\0')
    return NULL;

  return g_strdup (words[1]);
}

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortholeProcess *process = PORTHOLE_PROCESS (object);
  Apply *apply = g_task_get_task_data (task);
  int exit_code;
  g_autoptr(GError) error = NULL;

  porthole_process_wait_finish (process, result, NULL);
  exit_code = porthole_process_get_exit_code (process);

  switch (apply->step)
    {
    case STEP_VERSION:
      if (exit_code != 0 ||
          (apply->candidate_version = parse_version (porthole_process_get_stdout (process))) == NULL)
        {
          g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                                   "The update is not a working portholed: --version exited with %d",
                                   exit_code);
          return;
        }
      if (apply->expected_version != NULL &&
          !g_str_equal (apply->expected_version, apply->candidate_version))
        {
          g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                                   "Version mismatch: the update is portholed %s, not %s",
                                   apply->candidate_version, apply->expected_version);
          return;
        }
      apply->step = STEP_SELF_TEST;
      break;

    case STEP_SELF_TEST:
      if (exit_code != 0)
        {
          const char *output = porthole_process_get_stderr (process);
          gsize length = strlen (output);
          g_autofree char *tail = g_strdup (output + (length > 400 ? length - 400 : 0));

          g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                                   "The update failed its self-test (exit code %d): %s",
                                   exit_code, g_strstrip (tail));
          return;
        }
      apply->step = STEP_CURRENT_VERSION;
      break;

    case STEP_CURRENT_VERSION:
      apply->current_version = exit_code == 0 ? parse_version (porthole_process_get_stdout (process)) : NULL;
      if (apply->current_version == NULL)
        apply->current_version = g_strdup ("unknown");
      apply->step = STEP_INSTALL;
      break;

    case STEP_PREPARE:
    case STEP_INSTALL:
    default:
      g_assert_not_reached ();
    }

  apply_next (task);
}

/* Runs `@binary @arg` in the scratch directory. */
static void
run_check (GTask      *task,
           const char *binary,
           const char *arg)
{
  Apply *apply = g_task_get_task_data (task);
  const char *argv[] = { binary, arg, NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "HOME", apply->scratch, TRUE);
  g_autoptr(PortholeProcess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = porthole_process_new (argv, (const char *const *) envp, apply->scratch,
                                  PORTHOLE_PROCESS_FLAGS_CAPTURE | PORTHOLE_PROCESS_FLAGS_DAEMON);
  porthole_process_set_timeout (process, CHECK_TIMEOUT_SECONDS);
  porthole_process_set_capture_limit (process, 64 * 1024);
  if (!porthole_process_spawn (process, &error))
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                               "Cannot run %s: %s", binary, error->message);
      return;
    }

  porthole_process_wait_async (process, NULL, check_done, g_object_ref (task));
}

static void
apply_next (GTask *task)
{
  PortholeUpdater *self = g_task_get_source_object (task);
  Apply *apply = g_task_get_task_data (task);
  g_autofree char *message = NULL;
  JsonObject *result;

  switch (apply->step)
    {
    case STEP_PREPARE:
      apply->step = STEP_VERSION;
      run_in_thread (task, prepare_thread);
      return;

    case STEP_VERSION:
      run_check (task, apply->candidate, "--version");
      return;

    case STEP_SELF_TEST:
      run_check (task, apply->candidate, "--self-test");
      return;

    case STEP_CURRENT_VERSION:
      run_check (task, self->target, "--version");
      return;

    case STEP_INSTALL:
      if (apply->backup == NULL)
        {
          run_in_thread (task, install_thread);
          return;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  message = g_strdup_printf ("portholed %s installed at %s; it runs after POST /update/restart",
                             apply->candidate_version, self->target);
  result = json_object_new ();
  json_object_set_boolean_member (result, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (result, PORTHOLE_MEMBER_MESSAGE, message);
  json_object_set_string_member (result, "backup", apply->backup);
  json_object_set_string_member (result, PORTHOLE_MEMBER_VERSION, apply->candidate_version);
  json_object_set_string_member (result, "previous_version", apply->current_version);
  json_object_set_string_member (result, PORTHOLE_MEMBER_PATH, self->target);
  json_object_set_boolean_member (result, "restart_required", TRUE);
  g_task_return_pointer (task, result, (GDestroyNotify) json_object_unref);
}

static void
apply_task_done (PortholeUpdater *self)
{
  self->busy = FALSE;
}

/**
 * porthole_updater_apply_async:
 * @sha256: (nullable): the caller's SHA-256; else the one given with the
 *   upload. One of them is required.
 * @version: (nullable): the version the update must report
 */
void
porthole_updater_apply_async (PortholeUpdater     *self,
                              const char          *sha256,
                              const char          *version,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *info_path = g_build_filename (self->dir, STAGED_INFO_NAME, NULL);
  g_autoptr(JsonObject) info = porthole_update_read_info (info_path);
  g_autoptr(GError) error = NULL;
  Apply *apply;

  g_task_set_source_tag (task, porthole_updater_apply_async);

  if (!porthole_updater_check_enabled (self, &error) || !check_busy (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply = g_new0 (Apply, 1);
  apply->expected_sha256 = g_strdup (sha256 ?: porthole_update_info_string (info, "expected_sha256"));
  apply->expected_version = g_strdup (version ?: porthole_update_info_string (info, PORTHOLE_MEMBER_VERSION));
  g_task_set_task_data (task, apply, (GDestroyNotify) apply_free);

  if (apply->expected_sha256 == NULL)
    {
      g_task_return_new_error (task, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER,
                               "Missing required parameter: sha256 (with the upload or here)");
      return;
    }

  self->busy = TRUE;
  /* Runs when the task is done, whichever way. */
  g_object_weak_ref (G_OBJECT (task), (GWeakNotify) apply_task_done, self);
  apply_next (task);
}

JsonObject *
porthole_updater_apply_finish (PortholeUpdater  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
