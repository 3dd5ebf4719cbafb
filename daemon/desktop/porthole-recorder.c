/* porthole-recorder.c
 *
 * The recordings of this run, oldest first: a few at once
 * (recording-max-concurrent), and the last ended ones
 * (recording-max-kept) for status and download. Dropping an ended
 * recording removes its file when it is in the recordings directory;
 * files a client named (output_file) are the client's. The recordings
 * directory is opened on first use, and what earlier runs left there is
 * cut down to the same number of files, newest kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-atomic-file.h"
#include "porthole-config.h"
#include "porthole-error.h"
#include "porthole-fs-policy.h"
#include "porthole-recorder.h"

#define ID_PREFIX "rec_"
/* Directory entries the start-up clean-up looks at, at most. */
#define CLEAN_BUDGET 10000

struct _PortholeRecorder
{
  GObject parent_instance;

  PortholeConfig *config;
  PortholeLogBuffer *log;
  GPtrArray *recordings;        /* PortholeRecording, oldest first */
  int dirfd;
  char *dir;
};

G_DEFINE_FINAL_TYPE (PortholeRecorder, porthole_recorder, G_TYPE_OBJECT)

static void
porthole_recorder_dispose (GObject *object)
{
  PortholeRecorder *self = (PortholeRecorder *)object;

  if (self->recordings != NULL)
    porthole_recorder_stop_all (self);
  g_clear_pointer (&self->recordings, g_ptr_array_unref);

  G_OBJECT_CLASS (porthole_recorder_parent_class)->dispose (object);
}

static void
porthole_recorder_finalize (GObject *object)
{
  PortholeRecorder *self = (PortholeRecorder *)object;

  g_clear_object (&self->config);
  g_clear_object (&self->log);
  if (self->dirfd >= 0)
    close (self->dirfd);
  g_free (self->dir);

  G_OBJECT_CLASS (porthole_recorder_parent_class)->finalize (object);
}

static void
porthole_recorder_class_init (PortholeRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_recorder_dispose;
  object_class->finalize = porthole_recorder_finalize;
}

static void
porthole_recorder_init (PortholeRecorder *self)
{
  self->recordings = g_ptr_array_new_with_free_func (g_object_unref);
  self->dirfd = -1;
}

PortholeRecorder *
porthole_recorder_new (PortholeConfig    *config,
                       PortholeLogBuffer *log)
{
  PortholeRecorder *self = g_object_new (PORTHOLE_TYPE_RECORDER, NULL);

  self->config = g_object_ref (config);
  self->log = g_object_ref (log);

  return self;
}

typedef struct
{
  char *name;
  gint64 mtime;
} OldFile;

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const OldFile *x = a, *y = b;

  return (x->mtime < y->mtime) - (x->mtime > y->mtime);
}

static gboolean
is_recording_name (const char *name)
{
  return g_str_has_prefix (name, ID_PREFIX) &&
         (g_str_has_suffix (name, ".mp4") || g_str_has_suffix (name, ".webm"));
}

/* Earlier runs' recordings beyond the newest max-kept ones. */
static void
prune_old_files (PortholeRecorder *self,
                 int               dirfd)
{
  g_autoptr(GArray) files = g_array_new (FALSE, FALSE, sizeof (OldFile));
  guint keep = porthole_config_get_recording_max_kept (self->config);
  int fd = fcntl (dirfd, F_DUPFD_CLOEXEC, 0);
  struct dirent *entry;
  guint budget = CLEAN_BUDGET;
  DIR *dir;

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  while (budget-- > 0 && (entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (is_recording_name (entry->d_name) &&
          fstatat (dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode))
        g_array_append_val (files, ((OldFile) { g_strdup (entry->d_name), st.st_mtime }));
    }
  closedir (dir);

  g_array_sort (files, newest_first);
  for (guint i = 0; i < files->len; i++)
    {
      OldFile *file = &g_array_index (files, OldFile, i);

      if (i >= keep && unlinkat (dirfd, file->name, 0) == 0)
        porthole_log_buffer_append (self->log, "recording", "Removed an old recording, %s", file->name);
      g_free (file->name);
    }
}

/* The recordings directory, created (0700) and opened on first use. */
static int
open_directory (PortholeRecorder  *self,
                GError           **error)
{
  const char *dir = porthole_config_get_recordings_dir (self->config);
  int fd;

  if (self->dirfd >= 0 && g_strcmp0 (dir, self->dir) == 0)
    return self->dirfd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      porthole_fs_set_error (error, errno, dir);
      return -1;
    }
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      porthole_fs_set_error (error, errno, dir);
      return -1;
    }

  porthole_atomic_file_clean_stale (dir, CLEAN_BUDGET);
  prune_old_files (self, fd);

  if (self->dirfd >= 0)
    close (self->dirfd);
  self->dirfd = fd;
  g_free (self->dir);
  self->dir = g_strdup (dir);

  return fd;
}

static guint
count (PortholeRecorder *self,
       gboolean          active)
{
  guint n = 0;

  for (guint i = 0; i < self->recordings->len; i++)
    n += porthole_recording_is_active (g_ptr_array_index (self->recordings, i)) == active;

  return n;
}

/* Ended recordings beyond max-kept go, oldest first. */
static void
on_finished (PortholeRecorder *self)
{
  guint ended = count (self, FALSE);
  guint keep = porthole_config_get_recording_max_kept (self->config);

  for (guint i = 0; i < self->recordings->len && ended > keep; )
    {
      PortholeRecording *recording = g_ptr_array_index (self->recordings, i);

      if (porthole_recording_is_active (recording))
        {
          i++;
          continue;
        }
      porthole_recording_delete_file (recording);
      g_ptr_array_remove_index (self->recordings, i);
      ended--;
    }
}

static char *
new_id (PortholeRecorder *self)
{
  for (;;)
    {
      guint64 bits = ((guint64) g_random_int () << 16) ^ g_random_int ();
      g_autofree char *id = g_strdup_printf (ID_PREFIX "%012" G_GINT64_MODIFIER "x", bits & G_GUINT64_CONSTANT (0xffffffffffff));

      if (porthole_recorder_lookup (self, id) == NULL)
        return g_steal_pointer (&id);
    }
}

/**
 * porthole_recorder_start:
 * @options: max_duration is cut to the configured maximum (0: that
 *   maximum); max_size is set here
 * @target: (nullable): where the file goes; %NULL for the recordings
 *   directory, as `rec_….mp4` or `.webm`
 *
 * Returns: (transfer full): the recording, started; %NULL with
 *   PORTHOLE_ERROR_CONFLICT when too many are in progress
 */
PortholeRecording *
porthole_recorder_start (PortholeRecorder               *self,
                         const char                     *display_name,
                         PortholeRecordingOptions       *options,
                         const PortholeRecordingTarget  *target,
                         GError                        **error)
{
  guint max_concurrent = porthole_config_get_recording_max_concurrent (self->config);
  guint max_duration = porthole_config_get_recording_max_duration (self->config);
  g_autoptr(PortholeRecording) recording = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  PortholeRecordingTarget own;

  g_return_val_if_fail (PORTHOLE_IS_RECORDER (self), NULL);

  if (count (self, TRUE) >= max_concurrent)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_CONFLICT,
                   "%u recordings are in progress already (recording-max-concurrent): stop one first",
                   max_concurrent);
      return NULL;
    }

  if (options->max_duration == 0 || options->max_duration > max_duration)
    options->max_duration = max_duration;
  options->max_size = porthole_config_get_recording_max_size (self->config);

  id = new_id (self);
  if (target == NULL)
    {
      int dirfd = open_directory (self, error);

      if (dirfd < 0)
        return NULL;
      name = g_strconcat (id, ".", porthole_video_format_to_string (options->video.format), NULL);
      path = g_build_filename (self->dir, name, NULL);
      own = (PortholeRecordingTarget) { dirfd, name, path, TRUE };
      target = &own;
    }

  recording = porthole_recording_start (id, display_name, options, target, self->log, error);
  if (recording == NULL)
    return NULL;

  g_signal_connect_object (recording, "finished", G_CALLBACK (on_finished), self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->recordings, g_object_ref (recording));

  return g_steal_pointer (&recording);
}

/**
 * porthole_recorder_lookup:
 *
 * Returns: (transfer none) (nullable): the recording called @id
 */
PortholeRecording *
porthole_recorder_lookup (PortholeRecorder *self,
                          const char       *id)
{
  for (guint i = 0; i < self->recordings->len; i++)
    if (g_str_equal (porthole_recording_get_id (g_ptr_array_index (self->recordings, i)), id))
      return g_ptr_array_index (self->recordings, i);

  return NULL;
}

/**
 * porthole_recorder_get_latest:
 * @active_only: only a recording still in progress
 *
 * Returns: (transfer none) (nullable): the most recently started one
 */
PortholeRecording *
porthole_recorder_get_latest (PortholeRecorder *self,
                              gboolean          active_only)
{
  for (guint i = self->recordings->len; i > 0; i--)
    {
      PortholeRecording *recording = g_ptr_array_index (self->recordings, i - 1);

      if (!active_only || porthole_recording_is_active (recording))
        return recording;
    }

  return NULL;
}

/**
 * porthole_recorder_stop_all:
 *
 * Daemon shutdown: ends every recording and waits for its file.
 */
void
porthole_recorder_stop_all (PortholeRecorder *self)
{
  g_autoptr(GPtrArray) active = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (PORTHOLE_IS_RECORDER (self));

  for (guint i = 0; i < self->recordings->len; i++)
    if (porthole_recording_is_active (g_ptr_array_index (self->recordings, i)))
      g_ptr_array_add (active, g_object_ref (g_ptr_array_index (self->recordings, i)));

  /* All told first, so that their trailers are written in parallel. */
  for (guint i = 0; i < active->len; i++)
    porthole_recording_request_end (g_ptr_array_index (active, i), PORTHOLE_RECORDING_END_SHUTDOWN);
  for (guint i = 0; i < active->len; i++)
    porthole_recording_stop_sync (g_ptr_array_index (active, i), PORTHOLE_RECORDING_END_SHUTDOWN);
}
