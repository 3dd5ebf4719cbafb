/* porthole-recording.c
 *
 * Two threads per recording. The capture thread has its own X
 * connection (Xlib connections are not shared across threads here) and
 * a steady clock: frame N is due at start + N/fps. It reads the screen
 * with XShm (porthole_x11_capture_peek: no copy) and converts it
 * straight away (the plugin's swscale), so the queue holds YUV pictures,
 * a few megabytes each; when XDamage says nothing changed, the last
 * picture is given again instead. The encode thread encodes and muxes.
 *
 * The timeline is wall time, whatever the load: when the capture thread
 * wakes late, the slots it missed repeat the last picture (the screen
 * showed it), so a file of T seconds has T*fps frames. When the
 * encoder is slower than the clock the queue fills up; a frame that
 * finds it full is dropped and counted, and the file has a gap there
 * (its timestamps still follow the clock). Memory stays bounded.
 *
 * The screen may change size during a recording (RandR): the file keeps
 * its size, and the new screen is scaled to fit it (aspect kept, black
 * bars). An X server that goes away ends the recording as "failed", with
 * the file finished from what was captured.
 *
 * The file is a temporary file in its directory until the trailer is
 * written: then it takes its name (porthole-atomic-file.c), so nobody
 * reads a half-written MP4 under the final name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "porthole-atomic-file.h"
#include "porthole-error.h"
#include "porthole-fs-policy.h"
#include "porthole-json.h"
#include "porthole-plugin.h"
#include "porthole-recording.h"
#include "porthole-x11-capture.h"

/* Converted pictures waiting for the encoder: at most this much memory,
 * and between these many pictures. */
#define QUEUE_BYTES (32 * 1024 * 1024)
#define QUEUE_MIN_PICTURES 2
#define QUEUE_MAX_PICTURES 8

/* A converted picture, shared by the slots that show it. */
typedef struct
{
  const PortholeVideoEncoderPlugin *plugin;
  PortholeVideoPicture *picture;
} Picture;

typedef struct
{
  Picture *picture;             /* NULL: the end */
  gint64 pts;
  gboolean repeated;
} Item;

struct _PortholeRecording
{
  GObject parent_instance;

  char *id;
  PortholeRecordingOptions options;
  const PortholeVideoEncoderPlugin *plugin;
  PortholeLogBuffer *log;

  /* The file */
  int dirfd;
  char *name;
  char *path;
  gboolean owned;
  PortholeAtomicFile *file;
  PortholeVideoEncoder *encoder;

  /* Used by the capture thread only, once it runs */
  GMainContext *capture_context;
  PortholeX11Display *display;
  PortholeX11Capture *capture;

  GThread *capture_thread;
  GThread *encode_thread;
  GAsyncQueue *queue;
  guint queue_limit;
  gint64 start_time;
  gint64 start_monotonic;

  /* Counters, atomic */
  int frames;
  int repeated;
  int dropped;
  gsize bytes;                  /* the finished file's size */

  GMutex lock;                  /* guards the members up to the next comment */
  GCond cond;
  gboolean stop_requested;
  gint64 stop_monotonic;
  PortholeRecordingEnd end;
  gboolean failed;
  char *error;
  gint64 end_time;
  gint64 n_slots;               /* the file's length in frames, once ended */
  gboolean file_ready;

  /* The main thread's */
  PortholeRecordingState state;
  GMainContext *main_context;
  GSource *done_source;
  GPtrArray *stop_tasks;
};

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeRecording, porthole_recording, G_TYPE_OBJECT)

static const char *const end_names[] = {
  [PORTHOLE_RECORDING_END_NONE] = NULL,
  [PORTHOLE_RECORDING_END_REQUESTED] = "requested",
  [PORTHOLE_RECORDING_END_MAX_DURATION] = "max_duration",
  [PORTHOLE_RECORDING_END_MAX_SIZE] = "max_size",
  [PORTHOLE_RECORDING_END_SHUTDOWN] = "shutdown",
  [PORTHOLE_RECORDING_END_DISPLAY_LOST] = "display_lost",
  [PORTHOLE_RECORDING_END_ERROR] = "error",
  [PORTHOLE_RECORDING_END_NO_SPACE] = "no_space",
};

static Picture *
picture_new (const PortholeVideoEncoderPlugin *plugin,
             PortholeVideoPicture             *converted)
{
  Picture *picture;

  if (converted == NULL)
    return NULL;

  picture = g_atomic_rc_box_new0 (Picture);
  picture->plugin = plugin;
  picture->picture = converted;

  return picture;
}

static void
picture_clear (Picture *picture)
{
  picture->plugin->picture_free (picture->picture);
}

static void
picture_unref (Picture *picture)
{
  g_atomic_rc_box_release_full (picture, (GDestroyNotify) picture_clear);
}

static void
item_free (Item *item)
{
  g_clear_pointer (&item->picture, picture_unref);
  g_free (item);
}

/* Any thread: ends the recording for @reason (the first reason given
 * wins, but for a failure after it: a stop whose file could not be
 * finished failed, and says why); @message says what went wrong, for
 * failures. */
static void
end_with (PortholeRecording    *self,
          PortholeRecordingEnd  reason,
          const char           *message)
{
  gboolean failure = reason == PORTHOLE_RECORDING_END_DISPLAY_LOST || reason == PORTHOLE_RECORDING_END_ERROR ||
                     reason == PORTHOLE_RECORDING_END_NO_SPACE;

  g_mutex_lock (&self->lock);
  if (self->end == PORTHOLE_RECORDING_END_NONE)
    self->stop_monotonic = g_get_monotonic_time ();
  if (self->end == PORTHOLE_RECORDING_END_NONE || (failure && !self->failed))
    self->end = reason;
  if (failure && !self->failed)
    {
      self->failed = TRUE;
      self->error = g_strdup (message);
    }
  self->stop_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Any thread: ends the recording for a failure of the file or its
 * encoding; a full disk has its own reason (the file is not kept). */
static void
end_with_error (PortholeRecording *self,
                const GError      *error)
{
  end_with (self,
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ? PORTHOLE_RECORDING_END_NO_SPACE
                                                                      : PORTHOLE_RECORDING_END_ERROR,
            error->message);
}

/* Capture thread */

/* Returns FALSE when the recording is to end rather than wait. */
static gboolean
wait_until (PortholeRecording *self,
            gint64             due)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  while (!self->stop_requested && g_cond_wait_until (&self->cond, &self->lock, due))
    ;
  stop = self->stop_requested;
  g_mutex_unlock (&self->lock);

  return !stop;
}

static void
enqueue (PortholeRecording *self,
         Picture           *picture,
         gint64             pts,
         gboolean           repeated)
{
  Item *item;

  /* The encoder is behind: this slot stays empty in the file. */
  if (g_async_queue_length (self->queue) >= (int) self->queue_limit)
    {
      g_atomic_int_inc (&self->dropped);
      return;
    }

  item = g_new0 (Item, 1);
  item->picture = g_atomic_rc_box_acquire (picture);
  item->pts = pts;
  item->repeated = repeated;
  g_async_queue_push (self->queue, item);
}

static gpointer
capture_thread (gpointer data)
{
  PortholeRecording *self = data;
  guint fps = self->options.video.fps;
  gint64 max_slots = self->options.max_duration > 0 ? (gint64) self->options.max_duration * fps : G_MAXINT64;
  gint64 next_slot = 0;
  Picture *last = NULL;

  g_main_context_push_thread_default (self->capture_context);
  porthole_x11_capture_track_changes (self->capture);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      const guint8 *pixels;
      Picture *picture;
      gint64 slot;
      int width, height;
      guint stride;

      if (next_slot >= max_slots)
        {
          end_with (self, PORTHOLE_RECORDING_END_MAX_DURATION, NULL);
          break;
        }
      if (!wait_until (self, self->start_monotonic + next_slot * G_USEC_PER_SEC / fps))
        break;

      /* X events: a new screen size, a lost connection. */
      while (g_main_context_iteration (self->capture_context, FALSE))
        ;

      slot = (g_get_monotonic_time () - self->start_monotonic) * fps / G_USEC_PER_SEC;
      slot = CLAMP (slot, next_slot, max_slots - 1);

      /* A still screen is neither read nor converted again. */
      if (last != NULL && !porthole_x11_capture_has_changed (self->capture) &&
          !porthole_x11_display_is_closed (self->display))
        picture = g_atomic_rc_box_acquire (last);
      else if ((pixels = porthole_x11_capture_peek (self->capture, &width, &height, &stride, &error)) != NULL)
        picture = picture_new (self->plugin, self->plugin->convert (self->encoder, pixels, stride,
                                                                    width, height, &error));
      else
        picture = NULL;
      if (picture == NULL)
        {
          end_with (self, porthole_x11_display_is_closed (self->display) ? PORTHOLE_RECORDING_END_DISPLAY_LOST
                                                                         : PORTHOLE_RECORDING_END_ERROR,
                    error->message);
          break;
        }

      /* We woke late: the slots in between showed the last picture. */
      for (; next_slot < slot; next_slot++)
        enqueue (self, last ? last : picture, next_slot, TRUE);
      enqueue (self, picture, slot, FALSE);
      next_slot = slot + 1;

      g_clear_pointer (&last, picture_unref);
      last = picture;
    }

  /* The file lasts until the stop, whenever this thread last ran: the
   * screen showed the last picture until then. Not after a failure. */
  g_mutex_lock (&self->lock);
  if (last != NULL && !self->failed)
    {
      gint64 stop_slot = (self->stop_monotonic - self->start_monotonic) * fps / G_USEC_PER_SEC;

      for (stop_slot = MIN (stop_slot, max_slots); next_slot < stop_slot; next_slot++)
        enqueue (self, last, next_slot, TRUE);
    }
  self->n_slots = next_slot;
  self->end_time = self->start_time + (self->stop_monotonic - self->start_monotonic);
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&last, picture_unref);
  g_async_queue_push (self->queue, g_new0 (Item, 1));

  /* The X resources go with the thread that used them. */
  g_clear_object (&self->capture);
  porthole_x11_display_close (self->display);
  g_clear_object (&self->display);
  g_main_context_pop_thread_default (self->capture_context);

  return NULL;
}

/* Encode thread */

static gboolean
done_cb (gpointer user_data);

static gpointer
encode_thread (gpointer data)
{
  PortholeRecording *self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  GSource *source;

  for (;;)
    {
      Item *item = g_async_queue_pop (self->queue);
      gboolean last = item->picture == NULL;

      if (!last && ok)
        {
          ok = self->plugin->encode (self->encoder, item->picture->picture, item->pts, &error);
          if (!ok)
            end_with_error (self, error);
          else
            {
              g_atomic_int_inc (&self->frames);
              if (item->repeated)
                g_atomic_int_inc (&self->repeated);
              if (self->options.max_size > 0 &&
                  self->plugin->get_bytes_written (self->encoder) >= self->options.max_size)
                end_with (self, PORTHOLE_RECORDING_END_MAX_SIZE, NULL);
            }
        }
      item_free (item);
      if (last)
        break;
    }

  /* Also after the X server went away: what was captured is kept.
   * After a failure the temporary file goes (join_threads): on a full
   * disk that gives the space back, and no half-written file remains. */
  if (ok && (!self->plugin->finish (self->encoder, &error) ||
             !porthole_atomic_file_commit (self->file, self->dirfd, self->name,
                                           self->owned ? 0600 : 0644, TRUE, self->path, &error)))
    {
      ok = FALSE;
      end_with_error (self, error);
    }

  if (ok)
    g_atomic_pointer_set (&self->bytes, (gsize) self->plugin->get_bytes_written (self->encoder));
  g_mutex_lock (&self->lock);
  self->file_ready = ok;
  g_mutex_unlock (&self->lock);

  /* Joined by the main thread, which only reads done_source then. At
   * the default priority: an idle one starves while clients keep the
   * main loop busy, and the recording would never end. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, done_cb, self, NULL);
  g_source_set_static_name (source, "[portholed] recording done");
  self->done_source = source;
  g_source_attach (source, self->main_context);

  return NULL;
}

/* Main thread */

/* A recording the full disk ended has no file: its stop and download
 * answer as file writes do then (507). */
static gboolean
check_space (PortholeRecording  *self,
             GError            **error)
{
  g_autofree char *message = NULL;

  g_mutex_lock (&self->lock);
  if (self->end == PORTHOLE_RECORDING_END_NO_SPACE)
    message = g_strdup (self->error);
  g_mutex_unlock (&self->lock);

  if (message == NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "Recording %s ended without a file: %s",
               self->id, message);
  return FALSE;
}

static void
return_stopped (PortholeRecording *self,
                GTask             *task)
{
  GError *error = NULL;

  if (check_space (self, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
join_threads (PortholeRecording *self)
{
  if (self->encode_thread == NULL)
    return FALSE;

  if (self->capture_thread != NULL)
    g_thread_join (g_steal_pointer (&self->capture_thread));
  g_thread_join (g_steal_pointer (&self->encode_thread));
  if (self->done_source != NULL)
    {
      g_source_destroy (self->done_source);
      g_clear_pointer (&self->done_source, g_source_unref);
    }
  if (self->encoder != NULL)
    g_clear_pointer (&self->encoder, self->plugin->encoder_free);
  g_clear_pointer (&self->file, porthole_atomic_file_free);

  return TRUE;
}

static void
complete (PortholeRecording *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (!join_threads (self))
    return;

  self->state = self->failed ? PORTHOLE_RECORDING_STATE_FAILED : PORTHOLE_RECORDING_STATE_STOPPED;
  if (self->failed)
    porthole_log_buffer_append (self->log, "recording", "Recording %s failed: %s", self->id,
                                self->error ? self->error : "unknown error");
  else
    porthole_log_buffer_append (self->log, "recording", "Recording %s ended (%s): %d frames, %d repeated, %d dropped",
                                self->id, end_names[self->end], g_atomic_int_get (&self->frames),
                                g_atomic_int_get (&self->repeated), g_atomic_int_get (&self->dropped));

  g_signal_emit (self, signals[FINISHED], 0);

  tasks = g_steal_pointer (&self->stop_tasks);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    return_stopped (self, g_ptr_array_index (tasks, i));
}

static gboolean
done_cb (gpointer user_data)
{
  complete (user_data);

  return G_SOURCE_REMOVE;
}

static void
porthole_recording_dispose (GObject *object)
{
  PortholeRecording *self = (PortholeRecording *)object;

  /* Normally ended by now (the recorder ends every recording); a
   * recording that never started has no threads. */
  if (self->encode_thread != NULL)
    {
      end_with (self, PORTHOLE_RECORDING_END_SHUTDOWN, NULL);
      join_threads (self);
    }

  G_OBJECT_CLASS (porthole_recording_parent_class)->dispose (object);
}

static void
porthole_recording_finalize (GObject *object)
{
  PortholeRecording *self = (PortholeRecording *)object;

  if (self->encoder != NULL)
    self->plugin->encoder_free (self->encoder);
  g_clear_pointer (&self->file, porthole_atomic_file_free);
  g_clear_object (&self->capture);
  if (self->display != NULL)
    porthole_x11_display_close (self->display);
  g_clear_object (&self->display);
  g_clear_pointer (&self->capture_context, g_main_context_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->stop_tasks, g_ptr_array_unref);
  g_clear_object (&self->log);
  if (self->dirfd >= 0)
    close (self->dirfd);
  g_free (self->id);
  g_free (self->name);
  g_free (self->path);
  g_free (self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (porthole_recording_parent_class)->finalize (object);
}

static void
porthole_recording_class_init (PortholeRecordingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_recording_dispose;
  object_class->finalize = porthole_recording_finalize;

  /**
   * PortholeRecording::finished:
   *
   * The recording ended and its file is written (or could not be).
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_recording_init (PortholeRecording *self)
{
  self->dirfd = -1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->queue = g_async_queue_new_full ((GDestroyNotify) item_free);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Opens our own connection to @display_name, its sources on the capture
 * thread's context. */
static gboolean
open_display (PortholeRecording  *self,
              const char         *display_name,
              GError            **error)
{
  self->capture_context = g_main_context_new ();
  g_main_context_push_thread_default (self->capture_context);
  self->display = porthole_x11_display_open (display_name, self->log, error);
  g_main_context_pop_thread_default (self->capture_context);

  if (self->display == NULL)
    {
      g_prefix_error (error, "Cannot record: ");
      if (error != NULL && (*error)->domain != PORTHOLE_ERROR)
        {
          GError *converted = g_error_new_literal (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                                                   (*error)->message);

          g_clear_error (error);
          g_propagate_error (error, converted);
        }
      return FALSE;
    }

  self->capture = porthole_x11_capture_new (self->display);
  return TRUE;
}

static gboolean
start_threads (PortholeRecording  *self,
               GError            **error)
{
  self->encode_thread = g_thread_try_new ("rec-encode", encode_thread, self, error);
  if (self->encode_thread == NULL)
    return FALSE;

  self->capture_thread = g_thread_try_new ("rec-capture", capture_thread, self, error);
  if (self->capture_thread == NULL)
    {
      /* The encoder ends at once, with an empty file it throws away. */
      end_with (self, PORTHOLE_RECORDING_END_ERROR, "no capture thread");
      g_async_queue_push (self->queue, g_new0 (Item, 1));
      join_threads (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * porthole_recording_start:
 * @id: `rec_…`
 * @options: the frame size is taken from the screen
 *
 * Opens a connection to @display_name, the file, the encoder (the
 * recording plugin, loaded by the caller) and starts recording.
 *
 * Returns: (transfer full): the recording, or %NULL
 */
PortholeRecording *
porthole_recording_start (const char                     *id,
                          const char                     *display_name,
                          const PortholeRecordingOptions *options,
                          const PortholeRecordingTarget  *target,
                          PortholeLogBuffer              *log,
                          GError                        **error)
{
  g_autoptr(PortholeRecording) self = NULL;
  const PortholeVideoEncoderPlugin *plugin;
  int width, height;
  gsize picture_bytes;

  g_return_val_if_fail (options->video.fps > 0, NULL);

  plugin = porthole_plugin_load (PORTHOLE_PLUGIN_RECORDING, error);
  if (plugin == NULL)
    return NULL;

  self = g_object_new (PORTHOLE_TYPE_RECORDING, NULL);
  self->id = g_strdup (id);
  self->options = *options;
  self->plugin = plugin;
  self->log = g_object_ref (log);
  self->name = g_strdup (target->name);
  self->path = g_strdup (target->path);
  self->owned = target->owned;
  self->main_context = g_main_context_ref_thread_default ();

  self->dirfd = fcntl (target->dirfd, F_DUPFD_CLOEXEC, 0);
  if (self->dirfd < 0)
    {
      porthole_fs_set_error (error, errno, target->path);
      return NULL;
    }

  if (!open_display (self, display_name, error))
    return NULL;

  /* 4:2:0 needs even sizes: an odd last row or column is left out. */
  porthole_x11_display_get_size (self->display, &width, &height);
  self->options.video.width = width & ~1;
  self->options.video.height = height & ~1;
  if (self->options.video.width < 2 || self->options.video.height < 2)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "Cannot record a %dx%d screen", width, height);
      return NULL;
    }
  picture_bytes = (gsize) self->options.video.width * self->options.video.height * 3 / 2;
  self->queue_limit = CLAMP (QUEUE_BYTES / picture_bytes, QUEUE_MIN_PICTURES, QUEUE_MAX_PICTURES);

  self->file = porthole_atomic_file_new (self->dirfd, self->path, error);
  if (self->file == NULL)
    return NULL;
  self->encoder = plugin->encoder_new (&self->options.video, porthole_atomic_file_get_fd (self->file), error);
  if (self->encoder == NULL)
    return NULL;

  self->start_time = g_get_real_time ();
  self->start_monotonic = g_get_monotonic_time ();
  if (!start_threads (self, error))
    return NULL;

  porthole_log_buffer_append (log, "recording", "Recording %s started: %dx%d, %u fps, %s (%s), to %s",
                              id, self->options.video.width, self->options.video.height, self->options.video.fps,
                              porthole_video_format_to_string (self->options.video.format),
                              porthole_video_quality_to_string (self->options.video.quality), self->path);

  return g_steal_pointer (&self);
}

/**
 * porthole_recording_stop_async:
 *
 * Ends the recording and finishes once its file is written (at once if
 * it ended already). Never cancelled: a stop asked for is carried out,
 * whether the client waits or not. Fails with %G_IO_ERROR_NO_SPACE when
 * the disk filled up (there is no file then).
 */
void
porthole_recording_stop_async (PortholeRecording   *self,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTHOLE_IS_RECORDING (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, porthole_recording_stop_async);

  if (!porthole_recording_is_active (self))
    {
      return_stopped (self, task);
      return;
    }

  self->state = PORTHOLE_RECORDING_STATE_STOPPING;
  g_ptr_array_add (self->stop_tasks, g_steal_pointer (&task));
  end_with (self, PORTHOLE_RECORDING_END_REQUESTED, NULL);
}

gboolean
porthole_recording_stop_finish (PortholeRecording  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * porthole_recording_request_end:
 *
 * Tells the recording to end, without waiting for its file.
 */
void
porthole_recording_request_end (PortholeRecording    *self,
                                PortholeRecordingEnd  reason)
{
  g_return_if_fail (PORTHOLE_IS_RECORDING (self));

  if (porthole_recording_is_active (self))
    end_with (self, reason, NULL);
}

/**
 * porthole_recording_stop_sync:
 *
 * Ends the recording and waits for its file (daemon shutdown: the main
 * loop may not run again).
 */
void
porthole_recording_stop_sync (PortholeRecording    *self,
                              PortholeRecordingEnd  reason)
{
  g_autoptr(PortholeRecording) hold = g_object_ref (self);

  g_return_if_fail (PORTHOLE_IS_RECORDING (self));

  if (!porthole_recording_is_active (self))
    return;

  end_with (self, reason, NULL);
  complete (self);
}

const char *
porthole_recording_get_id (PortholeRecording *self)
{
  return self->id;
}

PortholeRecordingState
porthole_recording_get_state (PortholeRecording *self)
{
  return self->state;
}

/**
 * porthole_recording_is_active:
 *
 * Returns: %TRUE until the file is finished (also while stopping)
 */
gboolean
porthole_recording_is_active (PortholeRecording *self)
{
  return self->state == PORTHOLE_RECORDING_STATE_RECORDING ||
         self->state == PORTHOLE_RECORDING_STATE_STOPPING;
}

PortholeVideoFormat
porthole_recording_get_format (PortholeRecording *self)
{
  return self->options.video.format;
}

static gboolean
has_file (PortholeRecording *self)
{
  gboolean ready;

  g_mutex_lock (&self->lock);
  ready = self->file_ready;
  g_mutex_unlock (&self->lock);

  return ready && !porthole_recording_is_active (self);
}

/**
 * porthole_recording_open_file:
 *
 * The finished file, opened where it was written (a link put there
 * since is not followed).
 *
 * Returns: a descriptor, or -1 with @error set
 */
int
porthole_recording_open_file (PortholeRecording  *self,
                              GError            **error)
{
  int fd;

  if (!porthole_recording_is_active (self) && !check_space (self, error))
    return -1;
  if (!has_file (self))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_NOT_FOUND,
                   "Recording file not found: %s (%s)", self->id,
                   porthole_recording_is_active (self) ? "recording in progress"
                                                       : self->error ? self->error : "not written");
      return -1;
    }

  fd = openat (self->dirfd, self->name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    porthole_fs_set_error (error, errno, self->path);

  return fd;
}

/**
 * porthole_recording_delete_file:
 *
 * Removes the file when it is in the recordings directory (a file the
 * client named is the client's).
 */
void
porthole_recording_delete_file (PortholeRecording *self)
{
  if (self->owned && has_file (self) && unlinkat (self->dirfd, self->name, 0) != 0 && errno != ENOENT)
    porthole_log_buffer_append (self->log, "recording", "Cannot remove %s: %s", self->path, g_strerror (errno));
}

/**
 * porthole_recording_to_json:
 *
 * Returns: (transfer full): the fields of API.md §8.6, and portholed's
 *   own (frame counts, why it ended)
 */
JsonObject *
porthole_recording_to_json (PortholeRecording *self)
{
  JsonObject *object = json_object_new ();
  g_autofree char *start_time = porthole_timestamp_from_unix (self->start_time);
  gboolean active = porthole_recording_is_active (self);
  guint fps = self->options.video.fps;
  gint64 end_time, n_slots;
  PortholeRecordingEnd end;
  g_autofree char *error = NULL;
  double duration;
  guint64 size;

  g_mutex_lock (&self->lock);
  end_time = self->end_time;
  n_slots = self->n_slots;
  end = self->end;
  error = g_strdup (self->error);
  g_mutex_unlock (&self->lock);

  if (active)
    {
      duration = (g_get_monotonic_time () - self->start_monotonic) / (double) G_USEC_PER_SEC;
      size = self->plugin->get_bytes_written (self->encoder);
    }
  else
    {
      duration = n_slots / (double) fps;
      size = g_atomic_pointer_get (&self->bytes);
    }

  json_object_set_string_member (object, "recording_id", self->id);
  json_object_set_string_member (object, "status",
                                 active ? "recording"
                                        : self->state == PORTHOLE_RECORDING_STATE_FAILED ? "failed" : "stopped");
  json_object_set_boolean_member (object, "recording", active);
  json_object_set_boolean_member (object, "stopping", self->state == PORTHOLE_RECORDING_STATE_STOPPING);
  json_object_set_string_member (object, "start_time", start_time);
  if (active)
    json_object_set_null_member (object, "end_time");
  else
    {
      g_autofree char *text = porthole_timestamp_from_unix (end_time);

      json_object_set_string_member (object, "end_time", text);
    }
  json_object_set_double_member (object, "duration", duration);
  json_object_set_int_member (object, "file_size", size);
  json_object_set_string_member (object, "format", porthole_video_format_to_string (self->options.video.format));
  json_object_set_string_member (object, "quality", porthole_video_quality_to_string (self->options.video.quality));
  json_object_set_int_member (object, "fps", fps);
  json_object_set_int_member (object, "width", self->options.video.width);
  json_object_set_int_member (object, "height", self->options.video.height);
  json_object_set_string_member (object, "file_path", self->path);
  json_object_set_string_member (object, "output_file", self->path);
  json_object_set_int_member (object, "frames", g_atomic_int_get (&self->frames));
  json_object_set_int_member (object, "repeated_frames", g_atomic_int_get (&self->repeated));
  json_object_set_int_member (object, "dropped_frames", g_atomic_int_get (&self->dropped));
  if (self->options.max_duration > 0)
    json_object_set_int_member (object, "max_duration", self->options.max_duration);
  else
    json_object_set_null_member (object, "max_duration");
  if (end_names[end] != NULL && !active)
    json_object_set_string_member (object, "end_reason", end_names[end]);
  else
    json_object_set_null_member (object, "end_reason");
  if (error != NULL && !active)
    json_object_set_string_member (object, "error", error);

  return object;
}
