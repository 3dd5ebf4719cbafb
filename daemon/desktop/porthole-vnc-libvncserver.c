/* porthole-vnc-libvncserver.c — the vnc plugin
 *
 * libvncserver 0.9.14 (PLATFORM.md §5, SECURITY.md §5) serving the
 * framebuffer portholed fills. Its loop runs in a thread of its own, not
 * in the main loop: encoding a full 1080p update (Tight/ZRLE) takes tens
 * of milliseconds per viewer, and every HTTP route would wait that long.
 * libvncserver is only ever called from that thread; the main thread
 * talks to it through requests under @lock plus an eventfd, and gets
 * viewer input back as events dispatched in its context.
 *
 * The thread waits in poll() on the eventfd and the viewers' sockets
 * (no timeout while nothing is deferred: an idle server costs nothing)
 * and then lets rfbProcessEvents() do the work without waiting. It
 * never listens: portholed accepts viewers itself and hands over one
 * end of a socketpair each (porthole-vnc-viewer.c), so no listening
 * socket of libvncserver's (which lack FD_CLOEXEC) exists, its built-in
 * HTTP server stays off, and every fd it select()s is one portholed
 * checked to be below FD_SETSIZE.
 *
 * A synchronous server (the fuzz target's) has no thread: its caller
 * runs the same turn of the loop with iterate(), and gets the events in
 * its context as portholed does.
 *
 * The pixels are shared with the main thread, which copies damaged
 * areas in under @fb_lock; the thread holds @fb_lock while it encodes
 * an update (displayHook .. displayFinishedHook) and while it swaps the
 * framebuffer, so an update never shows a half-copied area.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>
#include <gmodule.h>
#include <rfb/rfb.h>

#include "porthole-error.h"
#include "porthole-plugin.h"
#include "porthole-vnc.h"

/* Changes reach viewers as soon as they were copied: the copy already
 * gathers everything that changed since the viewer's last request
 * (porthole-vnc-server.c), so waiting longer here would only add
 * latency. A little is kept so that areas marked one after the other
 * go out in one update. */
#define DEFER_UPDATE_MS 2
/* A viewer's socket that takes no data for this long is dropped
 * (libvncserver waits for it in its loop, holding up the others
 * meanwhile). portholed's main loop reads every viewer's socket whether
 * the viewer reads or not (porthole-vnc-viewer.c), so this is only ever
 * a wait for the main loop. */
#define MAX_CLIENT_WAIT_MS 10000
/* Pointer events queued for the main thread, beyond which motion is
 * merged into the last one. */
#define MAX_QUEUED_EVENTS 256

typedef enum
{
  EVENT_POINTER,
  EVENT_KEY,
  EVENT_CUT_TEXT,
  EVENT_SET_SIZE,
  EVENT_WANT_FRAME,
  EVENT_RESIZED,
  EVENT_VIEWER_ADDED,
  EVENT_VIEWER_REMOVED,
} EventType;

typedef struct
{
  EventType type;
  int x;
  int y;
  guint value;
  char *text;
} Event;

typedef struct
{
  int fd;
  gboolean needs_password;
} NewViewer;

typedef struct
{
  int width;
  int height;
  int hot_x;
  int hot_y;
  guint32 *argb;
} PendingCursor;

struct _PortholeVncBackend
{
  PortholeVncCallbacks callbacks;
  gpointer user_data;
  GSource *event_source;

  rfbScreenInfoPtr screen;
  GThread *thread;
  int wake_fd;
  char *desktop_name;
  char *passwords[2];
  gboolean view_only;
  int max_width;
  int max_height;
  guint max_viewers;
  gboolean synchronous;
  gint want_posted;             /* atomic */
  gint n_viewers;               /* atomic: accepted, not yet gone */

  /* Requests between the threads. */
  GMutex lock;
  GQueue events;                /* Event *, for the main thread */
  GQueue new_viewers;           /* NewViewer * */
  GArray *damage;               /* PortholeRect */
  int resize_width;
  int resize_height;
  PendingCursor *cursor;
  char *cut_text;
  gboolean stopping;

  /* The pixels; @width and @height change with @fb_lock held. */
  GMutex fb_lock;
  guint8 *framebuffer;
  int shm_id;
  int width;
  int height;

  /* The thread's: the viewer being added. */
  gboolean adding_needs_password;
};

/* libvncserver logs through two globals: its chatter per viewer goes
 * to the debug log, formatted only when that is shown (some 25 lines
 * a viewer, its statistics at the end among them; under ASan even a
 * g_free (NULL) records a stack, hence no g_autofree). */
static void G_GNUC_PRINTF (1, 2)
log_debug (const char *format,
           ...)
{
  char *text;
  va_list args;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("libvncserver: %s", g_strchomp (text));
  g_free (text);
}

static void
event_free (Event *event)
{
  g_free (event->text);
  g_free (event);
}

static void
pending_cursor_free (PendingCursor *cursor)
{
  g_free (cursor->argb);
  g_free (cursor);
}

static void
wake_thread (PortholeVncBackend *self)
{
  guint64 one = 1;

  /* Nobody waits: iterate() takes the requests. */
  if (self->synchronous)
    return;

  while (write (self->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

/* Main thread side of the events */

static gboolean
dispatch_events (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  PortholeVncBackend *self = user_data;
  GQueue events = G_QUEUE_INIT;
  Event *event;

  /* Before taking the queue: an event queued after this re-arms it. */
  g_source_set_ready_time (source, -1);

  g_mutex_lock (&self->lock);
  events = self->events;
  g_queue_init (&self->events);
  g_mutex_unlock (&self->lock);

  while ((event = g_queue_pop_head (&events)) != NULL)
    {
      switch (event->type)
        {
        case EVENT_POINTER:
          self->callbacks.pointer (self->user_data, event->x, event->y, event->value);
          break;
        case EVENT_KEY:
          self->callbacks.key (self->user_data, event->value, event->x);
          break;
        case EVENT_CUT_TEXT:
          self->callbacks.cut_text (self->user_data, event->text);
          break;
        case EVENT_SET_SIZE:
          self->callbacks.set_size (self->user_data, event->x, event->y);
          break;
        case EVENT_WANT_FRAME:
          g_atomic_int_set (&self->want_posted, 0);
          self->callbacks.want_frame (self->user_data);
          break;
        case EVENT_RESIZED:
          self->callbacks.resized (self->user_data, event->x, event->y);
          break;
        case EVENT_VIEWER_ADDED:
        case EVENT_VIEWER_REMOVED:
          self->callbacks.viewer_changed (self->user_data, event->type == EVENT_VIEWER_ADDED);
          break;
        default:
          g_assert_not_reached ();
        }
      event_free (event);
    }

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs event_source_funcs = {
  .dispatch = dispatch_events,
};

/* From the VNC thread. */
static void
post_event (PortholeVncBackend *self,
            EventType           type,
            int                 x,
            int                 y,
            guint               value,
            char               *text)
{
  Event *event;

  g_mutex_lock (&self->lock);
  event = g_queue_peek_tail (&self->events);
  /* A viewer dragging faster than X takes it: keep the latest place. */
  if (type == EVENT_POINTER && event != NULL && event->type == EVENT_POINTER &&
      event->value == value && self->events.length >= MAX_QUEUED_EVENTS)
    {
      event->x = x;
      event->y = y;
      g_mutex_unlock (&self->lock);
      return;
    }
  event = g_new0 (Event, 1);
  event->type = type;
  event->x = x;
  event->y = y;
  event->value = value;
  event->text = text;
  g_queue_push_tail (&self->events, event);
  g_mutex_unlock (&self->lock);

  /* Thread-safe; wakes the main context. */
  g_source_set_ready_time (self->event_source, 0);
}

/* libvncserver hooks, in the VNC thread */

static PortholeVncBackend *
backend_of (rfbClientPtr cl)
{
  return cl->screen->screenData;
}

static void
on_pointer (int          buttons,
            int          x,
            int          y,
            rfbClientPtr cl)
{
  PortholeVncBackend *self = backend_of (cl);

  rfbDefaultPtrAddEvent (buttons, x, y, cl);
  if (!cl->viewOnly)
    post_event (self, EVENT_POINTER, x, y, buttons, NULL);
}

static void
on_key (rfbBool      down,
        rfbKeySym    keysym,
        rfbClientPtr cl)
{
  if (!cl->viewOnly)
    post_event (backend_of (cl), EVENT_KEY, down ? 1 : 0, 0, keysym, NULL);
}

static void
on_cut_text_latin1 (char        *text,
                    int          length,
                    rfbClientPtr cl)
{
  char *utf8;

  if (cl->viewOnly || length < 0)
    return;

  utf8 = g_convert (text, length, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 != NULL)
    post_event (backend_of (cl), EVENT_CUT_TEXT, 0, 0, 0, utf8);
}

static void
on_cut_text_utf8 (char        *text,
                  int          length,
                  rfbClientPtr cl)
{
  const char *end;

  if (cl->viewOnly || length < 0)
    return;

  /* Extended clipboard text ends with a NUL that is part of @length. */
  if (length > 0 && text[length - 1] == '\0')
    length--;
  if (!g_utf8_validate_len (text, length, &end))
    return;

  post_event (backend_of (cl), EVENT_CUT_TEXT, 0, 0, 0, g_strndup (text, length));
}

static int
on_set_desktop_size (int                          width,
                     int                          height,
                     int                          n_screens,
                     struct rfbExtDesktopScreen  *screens,
                     rfbClientPtr                 cl)
{
  PortholeVncBackend *self = backend_of (cl);

  if (cl->viewOnly)
    return rfbExtDesktopSize_ResizeProhibited;
  if (width < 1 || height < 1 || width > self->max_width || height > self->max_height)
    return rfbExtDesktopSize_OutOfResources;

  /* Answered when the new framebuffer is made (ExtendedDesktopSize). */
  post_event (self, EVENT_SET_SIZE, width, height, 0, NULL);
  return rfbExtDesktopSize_Success;
}

static void
on_update_request (rfbClientPtr                     cl,
                   rfbFramebufferUpdateRequestMsg  *request)
{
  PortholeVncBackend *self = backend_of (cl);

  /* One pending "want" is enough, however many viewers ask. */
  if (!g_atomic_int_exchange (&self->want_posted, 1))
    post_event (self, EVENT_WANT_FRAME, 0, 0, 0, NULL);
}

static void
on_display (rfbClientPtr cl)
{
  g_mutex_lock (&backend_of (cl)->fb_lock);
}

static void
on_display_finished (rfbClientPtr cl,
                     int          result)
{
  g_mutex_unlock (&backend_of (cl)->fb_lock);
}

static void
on_client_gone (rfbClientPtr cl)
{
  PortholeVncBackend *self = backend_of (cl);

  g_atomic_int_add (&self->n_viewers, -1);
  post_event (self, EVENT_VIEWER_REMOVED, 0, 0, 0, NULL);
}

static enum rfbNewClientAction
on_new_client (rfbClientPtr cl)
{
  PortholeVncBackend *self = backend_of (cl);

  if ((guint) g_atomic_int_get (&self->n_viewers) >= self->max_viewers)
    return RFB_CLIENT_REFUSE;

  /* libvncserver asks the password of every viewer or of none; the
   * WebSocket bridge's viewers authenticated with the token already.
   * A "reverse connection" skips the security type (auth.c), and that
   * is all the flag changes for a shared server. */
  cl->reverseConnection = !self->adding_needs_password;
  cl->viewOnly = self->view_only;
  cl->clientGoneHook = on_client_gone;
  cl->clientFramebufferUpdateRequestHook = on_update_request;

  g_atomic_int_inc (&self->n_viewers);
  post_event (self, EVENT_VIEWER_ADDED, 0, 0, 0, NULL);
  return RFB_CLIENT_ACCEPT;
}

/* Framebuffers live in SysV shared memory, so that the X server copies
 * the screen straight into them (MIT-SHM, porthole-x11-capture.c): one
 * copy per frame instead of two. The segment is marked for removal at
 * once (Linux still attaches it by id), so nothing outlives portholed.
 * Plain memory when shared memory is refused. */
static guint8 *
framebuffer_new (int  width,
                 int  height,
                 int *shm_id)
{
  gsize size = (gsize) width * height * 4;
  void *memory;

  *shm_id = shmget (IPC_PRIVATE, size, IPC_CREAT | 0600);
  if (*shm_id >= 0)
    {
      memory = shmat (*shm_id, NULL, 0);
      shmctl (*shm_id, IPC_RMID, NULL);
      if (memory != (void *) -1)
        return memory;
      *shm_id = -1;
    }

  return g_malloc0 (size);
}

static void
framebuffer_free (guint8 *framebuffer,
                  int     shm_id)
{
  if (framebuffer == NULL)
    return;
  if (shm_id >= 0)
    shmdt (framebuffer);
  else
    g_free (framebuffer);
}

/* The X server's pixels are BGRX in memory; libvncserver assumes RGBX
 * whenever it makes a framebuffer. */
static void
set_bgrx_format (rfbScreenInfoPtr screen)
{
  screen->serverFormat.redShift = 16;
  screen->serverFormat.greenShift = 8;
  screen->serverFormat.blueShift = 0;
}

/* The VNC thread */

static void
swap_framebuffer (PortholeVncBackend *self,
                  int                 width,
                  int                 height)
{
  guint8 *old = self->framebuffer;
  int old_shm_id = self->shm_id;
  rfbClientIteratorPtr iterator;
  rfbClientPtr cl;

  g_mutex_lock (&self->fb_lock);
  self->framebuffer = framebuffer_new (width, height, &self->shm_id);
  self->width = width;
  self->height = height;
  rfbNewFramebuffer (self->screen, (char *) self->framebuffer, width, height, 8, 3, 4);
  set_bgrx_format (self->screen);
  iterator = rfbGetClientIterator (self->screen);
  while ((cl = rfbClientIteratorNext (iterator)) != NULL)
    self->screen->setTranslateFunction (cl);
  rfbReleaseClientIterator (iterator);
  g_mutex_unlock (&self->fb_lock);
  framebuffer_free (old, old_shm_id);

  post_event (self, EVENT_RESIZED, width, height, 0, NULL);
}

static void
apply_cursor (PortholeVncBackend *self,
              PendingCursor      *pending)
{
  rfbCursorPtr cursor = calloc (1, sizeof (rfbCursor));
  int mask_stride = (pending->width + 7) / 8;
  gsize n_pixels = (gsize) pending->width * pending->height;

  cursor->cleanup = cursor->cleanupSource = cursor->cleanupMask = cursor->cleanupRichSource = TRUE;
  cursor->width = pending->width;
  cursor->height = pending->height;
  cursor->xhot = pending->hot_x;
  cursor->yhot = pending->hot_y;
  cursor->richSource = calloc (n_pixels, 4);
  cursor->mask = calloc (mask_stride, pending->height);

  for (int y = 0; y < pending->height; y++)
    for (int x = 0; x < pending->width; x++)
      {
        guint32 pixel = pending->argb[(gsize) y * pending->width + x];
        guint alpha = pixel >> 24;
        guint8 *out = cursor->richSource + ((gsize) y * pending->width + x) * 4;

        if (alpha < 128)
          continue;
        /* Premultiplied: back to plain colour, BGRX like the screen. */
        out[0] = MIN (255u, (pixel & 0xff) * 255 / alpha);
        out[1] = MIN (255u, ((pixel >> 8) & 0xff) * 255 / alpha);
        out[2] = MIN (255u, ((pixel >> 16) & 0xff) * 255 / alpha);
        cursor->mask[y * mask_stride + x / 8] |= 0x80 >> (x % 8);
      }
  rfbMakeXCursorFromRichCursor (self->screen, cursor);

  g_mutex_lock (&self->fb_lock);
  rfbSetCursor (self->screen, cursor);
  g_mutex_unlock (&self->fb_lock);
}

static void
add_viewer_now (PortholeVncBackend *self,
                NewViewer          *viewer)
{
  self->adding_needs_password = viewer->needs_password;
  /* Closes the socket itself when it refuses. */
  rfbNewClient (self->screen, viewer->fd);
}

/* rfbSendServerCutTextUTF8() (0.9.14) has three faults worked around
 * here: to a viewer without the extended clipboard it announces the
 * UTF-8 length and then sends the Latin-1 text (so the Latin-1 text is
 * padded with NULs to that length); without a Latin-1 text it leaves
 * that viewer's send lock held (so there always is one); and it writes
 * to viewers still in their handshake (so those are passed over as
 * extended-clipboard viewers that take nothing, for the call). */
static void
send_cut_text (PortholeVncBackend *self,
               const char         *text)
{
  g_autofree char *latin1 = g_convert_with_fallback (text, -1, "ISO-8859-1", "UTF-8", "?", NULL, NULL, NULL);
  gsize length = strlen (text);
  g_autofree char *padded = g_malloc0 (length + 1);
  g_autoptr(GPtrArray) skipped = g_ptr_array_new ();
  rfbClientIteratorPtr iterator;
  rfbClientPtr cl;

  if (latin1 != NULL)
    memcpy (padded, latin1, MIN (strlen (latin1), length));

  iterator = rfbGetClientIterator (self->screen);
  while ((cl = rfbClientIteratorNext (iterator)) != NULL)
    if (cl->state != RFB_NORMAL && !cl->enableExtendedClipboard)
      {
        cl->enableExtendedClipboard = TRUE;
        cl->extClipboardUserCap = 0;
        g_ptr_array_add (skipped, cl);
      }
  rfbReleaseClientIterator (iterator);

  rfbSendServerCutTextUTF8 (self->screen, (char *) text, length, padded, length);

  for (guint i = 0; i < skipped->len; i++)
    {
      cl = g_ptr_array_index (skipped, i);
      cl->enableExtendedClipboard = FALSE;
      /* libvncserver's default, restored before the viewer can ask. */
      cl->extClipboardUserCap = 0x1B000007;
    }
}

/* Takes what the main thread asked for; FALSE when stopping. */
static gboolean
handle_requests (PortholeVncBackend *self)
{
  g_autoptr(GArray) damage = NULL;
  /* Not g_autofree: it is NULL on almost every turn, and under ASan
   * (the fuzz target's turns) even g_free (NULL) records a stack. */
  char *cut_text;
  PendingCursor *cursor;
  GQueue viewers;
  NewViewer *viewer;
  int width, height;
  gboolean stopping;

  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  viewers = self->new_viewers;
  g_queue_init (&self->new_viewers);
  if (self->damage->len > 0)
    {
      damage = self->damage;
      self->damage = g_array_new (FALSE, FALSE, sizeof (PortholeRect));
    }
  width = self->resize_width;
  height = self->resize_height;
  self->resize_width = self->resize_height = 0;
  cursor = g_steal_pointer (&self->cursor);
  cut_text = g_steal_pointer (&self->cut_text);
  g_mutex_unlock (&self->lock);

  while ((viewer = g_queue_pop_head (&viewers)) != NULL)
    {
      if (stopping)
        close (viewer->fd);
      else
        add_viewer_now (self, viewer);
      g_free (viewer);
    }

  if (stopping)
    {
      g_clear_pointer (&cursor, pending_cursor_free);
      g_clear_pointer (&cut_text, g_free);
      return FALSE;
    }

  if (width > 0)
    swap_framebuffer (self, width, height);

  for (guint i = 0; damage != NULL && i < damage->len; i++)
    {
      PortholeRect *area = &g_array_index (damage, PortholeRect, i);
      int x2 = MIN (area->x + area->width, self->width);
      int y2 = MIN (area->y + area->height, self->height);

      if (x2 > area->x && y2 > area->y)
        rfbMarkRectAsModified (self->screen, area->x, area->y, x2, y2);
    }

  if (cursor != NULL)
    {
      apply_cursor (self, cursor);
      pending_cursor_free (cursor);
    }

  if (cut_text != NULL)
    {
      send_cut_text (self, cut_text);
      g_free (cut_text);
    }

  return TRUE;
}

/* A viewer has an update waiting out its deferral. */
static gboolean
has_deferred_update (PortholeVncBackend *self)
{
  rfbClientIteratorPtr iterator = rfbGetClientIterator (self->screen);
  gboolean deferred = FALSE;
  rfbClientPtr cl;

  while (!deferred && (cl = rfbClientIteratorNext (iterator)) != NULL)
    deferred = cl->startDeferring.tv_usec != 0;
  rfbReleaseClientIterator (iterator);

  return deferred;
}

/* libvncserver sends a new framebuffer size (which every non-incremental
 * request of an ExtendedDesktopSize viewer asks for) in an update of its
 * own, and the pixels asked for at its next turn: a viewer that reads
 * brings that turn with its next request, but one that does not never
 * would. So a turn where a size was pending is followed by another. */
static gboolean
has_pending_size (PortholeVncBackend *self)
{
  rfbClientIteratorPtr iterator = rfbGetClientIterator (self->screen);
  gboolean pending = FALSE;
  rfbClientPtr cl;

  while (!pending && (cl = rfbClientIteratorNext (iterator)) != NULL)
    pending = cl->useNewFBSize && cl->newFBSizePending;
  rfbReleaseClientIterator (iterator);

  return pending;
}

/* One turn of the server: what the main thread asked, then at most one
 * message of each viewer and the updates due, without waiting for more
 * input. FALSE when stopping. @another_turn (may be %NULL): whether a
 * size went out this turn, so its pixels go at the next (has_pending_size). */
static gboolean
serve (PortholeVncBackend *self,
       gboolean           *another_turn)
{
  if (!handle_requests (self))
    return FALSE;

  if (another_turn != NULL)
    *another_turn = has_pending_size (self);
  rfbProcessEvents (self->screen, 0);
  return TRUE;
}

static gpointer
run_thread (gpointer user_data)
{
  PortholeVncBackend *self = user_data;
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (struct pollfd));
  gboolean another_turn = FALSE;

  for (;;)
    {
      rfbClientIteratorPtr iterator;
      rfbClientPtr cl;
      int timeout = another_turn || has_deferred_update (self) ? DEFER_UPDATE_MS + 1 : -1;

      g_array_set_size (fds, 0);
      g_array_append_val (fds, ((struct pollfd) { self->wake_fd, POLLIN, 0 }));
      iterator = rfbGetClientIterator (self->screen);
      while ((cl = rfbClientIteratorNext (iterator)) != NULL)
        if (cl->sock != RFB_INVALID_SOCKET)
          g_array_append_val (fds, ((struct pollfd) { cl->sock, POLLIN, 0 }));
      rfbReleaseClientIterator (iterator);

      if (poll (&g_array_index (fds, struct pollfd, 0), fds->len, timeout) < 0 && errno != EINTR)
        g_error ("VNC server: poll() failed: %s", g_strerror (errno));

      if (g_array_index (fds, struct pollfd, 0).revents & POLLIN)
        {
          guint64 count;

          while (read (self->wake_fd, &count, sizeof count) < 0 && errno == EINTR)
            ;
        }

      if (!serve (self, &another_turn))
        break;
    }

  /* Every viewer is closed here; clientGoneHook counts them out. */
  rfbShutdownServer (self->screen, TRUE);
  return NULL;
}

/* The table */

static void backend_free (PortholeVncBackend *self);

static PortholeVncBackend *
backend_new (const PortholeVncOptions   *options,
             const PortholeVncCallbacks *callbacks,
             gpointer                    user_data,
             GError                    **error)
{
  PortholeVncBackend *self = g_new0 (PortholeVncBackend, 1);
  rfbScreenInfoPtr screen;
  int argc = 0;

  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->view_only = options->view_only;
  self->max_width = options->max_width;
  self->max_height = options->max_height;
  self->max_viewers = options->max_viewers;
  self->synchronous = options->synchronous;
  self->passwords[0] = g_strdup (options->password);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->fb_lock);
  g_queue_init (&self->events);
  g_queue_init (&self->new_viewers);
  self->damage = g_array_new (FALSE, FALSE, sizeof (PortholeRect));

  self->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->wake_fd < 0)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot start the VNC server: eventfd: %s", g_strerror (errno));
      backend_free (self);
      return NULL;
    }

  self->event_source = g_source_new (&event_source_funcs, sizeof (GSource));
  g_source_set_callback (self->event_source, NULL, self, NULL);
  g_source_set_static_name (self->event_source, "[portholed] VNC events");
  g_source_attach (self->event_source, g_main_context_get_thread_default ());

  rfbLog = log_debug;
  /* Its errors are mostly a viewer that went away (logged as such). */
  rfbErr = log_debug;

  self->width = options->width;
  self->height = options->height;
  self->framebuffer = framebuffer_new (self->width, self->height, &self->shm_id);
  screen = rfbGetScreen (&argc, NULL, self->width, self->height, 8, 3, 4);
  if (screen == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot start the VNC server: out of memory");
      backend_free (self);
      return NULL;
    }
  self->screen = screen;
  screen->screenData = self;
  screen->frameBuffer = (char *) self->framebuffer;
  set_bgrx_format (screen);
  self->desktop_name = g_strdup (options->desktop_name);
  screen->desktopName = self->desktop_name;

  /* No listener and no HTTP server (SECURITY.md §5): portholed hands
   * each viewer over. */
  screen->port = -1;
  screen->ipv6port = -1;
  screen->httpPort = -1;
  screen->httpDir = NULL;
  screen->autoPort = FALSE;
  screen->permitFileTransfer = FALSE;
  screen->alwaysShared = TRUE;
  screen->deferUpdateTime = self->synchronous ? 0 : DEFER_UPDATE_MS;
  screen->maxClientWait = MAX_CLIENT_WAIT_MS;
  /* SIGPIPE is ignored by portholed already (and reset for children). */
  screen->ignoreSIGPIPE = FALSE;
  if (self->passwords[0] != NULL)
    {
      screen->authPasswdData = self->passwords;
      screen->passwordCheck = rfbCheckPasswordByList;
    }

  screen->newClientHook = on_new_client;
  screen->ptrAddEvent = on_pointer;
  screen->kbdAddEvent = on_key;
  screen->setXCutText = on_cut_text_latin1;
  screen->setXCutTextUTF8 = on_cut_text_utf8;
  screen->setDesktopSizeHook = on_set_desktop_size;
  screen->displayHook = on_display;
  screen->displayFinishedHook = on_display_finished;

  rfbInitServer (screen);

  if (self->synchronous)
    return self;

  self->thread = g_thread_try_new ("portholed-vnc", run_thread, self, error);
  if (self->thread == NULL)
    {
      backend_free (self);
      return NULL;
    }

  return self;
}

static void
backend_free (PortholeVncBackend *self)
{
  NewViewer *viewer;

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_mutex_unlock (&self->lock);
      wake_thread (self);
      g_thread_join (self->thread);
    }
  else if (self->synchronous && self->screen != NULL)
    {
      /* As the thread ends. */
      self->stopping = TRUE;
      serve (self, NULL);
      rfbShutdownServer (self->screen, TRUE);
    }

  if (self->screen != NULL)
    rfbScreenCleanup (self->screen);

  if (self->event_source != NULL)
    {
      g_source_destroy (self->event_source);
      g_source_unref (self->event_source);
    }

  while ((viewer = g_queue_pop_head (&self->new_viewers)) != NULL)
    {
      close (viewer->fd);
      g_free (viewer);
    }
  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_clear_pointer (&self->cursor, pending_cursor_free);
  g_clear_pointer (&self->damage, g_array_unref);
  g_free (self->cut_text);
  g_free (self->passwords[0]);
  g_free (self->desktop_name);
  framebuffer_free (self->framebuffer, self->shm_id);
  if (self->wake_fd >= 0)
    close (self->wake_fd);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->fb_lock);
  g_free (self);
}

static gboolean
add_viewer (PortholeVncBackend *self,
            int                 fd,
            gboolean            needs_password)
{
  NewViewer *viewer;
  guint queued;

  g_return_val_if_fail (fd >= 0 && fd < PORTHOLE_VNC_MAX_FD, FALSE);

  g_mutex_lock (&self->lock);
  queued = self->new_viewers.length;
  if ((guint) g_atomic_int_get (&self->n_viewers) + queued >= self->max_viewers || self->stopping)
    {
      g_mutex_unlock (&self->lock);
      close (fd);
      return FALSE;
    }
  viewer = g_new0 (NewViewer, 1);
  viewer->fd = fd;
  viewer->needs_password = needs_password;
  g_queue_push_tail (&self->new_viewers, viewer);
  g_mutex_unlock (&self->lock);

  wake_thread (self);
  return TRUE;
}

static guint8 *
try_lock (PortholeVncBackend *self,
          int                *width,
          int                *height,
          int                *stride,
          int                *shm_id)
{
  if (!g_mutex_trylock (&self->fb_lock))
    return NULL;

  *shm_id = self->shm_id;
  *width = self->width;
  *height = self->height;
  *stride = self->width * 4;
  return self->framebuffer;
}

static void
unlock (PortholeVncBackend *self,
        const PortholeRect *areas,
        guint               n_areas)
{
  g_mutex_unlock (&self->fb_lock);

  if (n_areas == 0)
    return;

  g_mutex_lock (&self->lock);
  g_array_append_vals (self->damage, areas, n_areas);
  g_mutex_unlock (&self->lock);
  wake_thread (self);
}

static void
resize (PortholeVncBackend *self,
        int                 width,
        int                 height)
{
  g_return_if_fail (width > 0 && height > 0);

  g_mutex_lock (&self->lock);
  self->resize_width = width;
  self->resize_height = height;
  g_mutex_unlock (&self->lock);
  wake_thread (self);
}

static void
set_cursor (PortholeVncBackend *self,
            int                 width,
            int                 height,
            int                 hot_x,
            int                 hot_y,
            const guint32      *argb)
{
  PendingCursor *cursor;

  if (width <= 0 || height <= 0 || width > 256 || height > 256)
    return;

  cursor = g_new0 (PendingCursor, 1);
  cursor->width = width;
  cursor->height = height;
  cursor->hot_x = CLAMP (hot_x, 0, width - 1);
  cursor->hot_y = CLAMP (hot_y, 0, height - 1);
  cursor->argb = g_memdup2 (argb, (gsize) width * height * sizeof (guint32));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->cursor, pending_cursor_free);
  self->cursor = cursor;
  g_mutex_unlock (&self->lock);
  wake_thread (self);
}

static void
set_cut_text (PortholeVncBackend *self,
              const char         *text)
{
  g_mutex_lock (&self->lock);
  g_free (self->cut_text);
  self->cut_text = g_strdup (text);
  g_mutex_unlock (&self->lock);
  wake_thread (self);
}

static void
iterate (PortholeVncBackend *self)
{
  g_return_if_fail (self->synchronous);

  /* The caller turns again until its viewer is gone, sizes included. */
  serve (self, NULL);
}

static const PortholeVncPlugin vnc_plugin = {
  .backend_new = backend_new,
  .backend_free = backend_free,
  .add_viewer = add_viewer,
  .try_lock = try_lock,
  .unlock = unlock,
  .resize = resize,
  .set_cursor = set_cursor,
  .set_cut_text = set_cut_text,
  .iterate = iterate,
};

static const PortholePluginInfo plugin_info = {
  .abi_version = PORTHOLE_PLUGIN_ABI_VERSION,
  .name = PORTHOLE_PLUGIN_VNC,
  .vtable = &vnc_plugin,
};

G_MODULE_EXPORT const PortholePluginInfo *
porthole_plugin_query (void)
{
  return &plugin_info;
}
