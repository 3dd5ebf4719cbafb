/* porthole-x11-capture.c
 *
 * MIT-SHM first: XShmGetImage of a 1920x1080 root takes about 1 ms,
 * XGetImage about 60 ms (PLATFORM.md §3). One segment sized for the
 * root is kept and reused for any smaller area by changing the image's
 * width and height. The segment is marked for removal as soon as the
 * server has attached it, so nothing is left behind if we crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>

#include "porthole-error.h"
#include "porthole-x11-capture.h"

typedef struct
{
  guint id;
  guint fps;
} Consumer;

struct _PortholeX11Capture
{
  GObject parent_instance;

  PortholeX11Display *display;

  XImage *shm_image;
  XShmSegmentInfo shm_info;
  int shm_width;
  int shm_height;
  guint shm_failed : 1;
  /* What porthole_x11_capture_peek() returned, when it is not the
   * shared memory. */
  GBytes *peeked;

  /* A caller's segment (the VNC framebuffer), attached by id */
  XShmSegmentInfo shared_info;
  XImage *shared_image;

  /* Continuous capture */
  GArray *consumers;
  guint last_consumer_id;
  Damage damage;
  guint filter_id;
  guint clock_id;
  guint clock_fps;
  gboolean dirty;
};

enum {
  FRAME_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeX11Capture, porthole_x11_capture, G_TYPE_OBJECT)

static void on_size_changed (PortholeX11Capture *self);

static Display *
get_xdisplay (PortholeX11Capture *self)
{
  return porthole_x11_display_get_xdisplay (self->display);
}

static void
destroy_shm (PortholeX11Capture *self)
{
  if (self->shm_image == NULL)
    return;

  if (!porthole_x11_display_is_closed (self->display))
    {
      porthole_x11_display_error_trap_push (self->display);
      XShmDetach (get_xdisplay (self), &self->shm_info);
      porthole_x11_display_error_trap_pop_ignored (self->display);
    }
  /* XDestroyImage would free() the shared memory as if it were heap. */
  self->shm_image->data = NULL;
  XDestroyImage (self->shm_image);
  self->shm_image = NULL;
  shmdt (self->shm_info.shmaddr);
  self->shm_width = self->shm_height = 0;
}

static gboolean
ensure_shm (PortholeX11Capture *self,
            int                 width,
            int                 height)
{
  Display *xdisplay = get_xdisplay (self);
  int screen = DefaultScreen (xdisplay);
  gsize size;

  if (self->shm_failed || !porthole_x11_display_has_extensions (self->display, PORTHOLE_X11_EXTENSION_SHM))
    return FALSE;

  if (self->shm_image != NULL && width <= self->shm_width && height <= self->shm_height)
    return TRUE;

  destroy_shm (self);

  self->shm_image = XShmCreateImage (xdisplay, DefaultVisual (xdisplay, screen),
                                     DefaultDepth (xdisplay, screen), ZPixmap, NULL,
                                     &self->shm_info, width, height);
  if (self->shm_image == NULL)
    goto failed;

  size = (gsize) self->shm_image->bytes_per_line * height;
  self->shm_info.shmid = shmget (IPC_PRIVATE, size, IPC_CREAT | 0600);
  if (self->shm_info.shmid < 0)
    {
      XDestroyImage (self->shm_image);
      self->shm_image = NULL;
      goto failed;
    }

  self->shm_info.shmaddr = self->shm_image->data = shmat (self->shm_info.shmid, NULL, 0);
  self->shm_info.readOnly = False;
  if (self->shm_info.shmaddr == (char *) -1)
    {
      shmctl (self->shm_info.shmid, IPC_RMID, NULL);
      self->shm_image->data = NULL;
      XDestroyImage (self->shm_image);
      self->shm_image = NULL;
      goto failed;
    }

  porthole_x11_display_error_trap_push (self->display);
  XShmAttach (xdisplay, &self->shm_info);
  if (porthole_x11_display_error_trap_pop (self->display) != 0)
    {
      /* A server on another host, or one that may not attach our memory. */
      shmctl (self->shm_info.shmid, IPC_RMID, NULL);
      shmdt (self->shm_info.shmaddr);
      self->shm_image->data = NULL;
      XDestroyImage (self->shm_image);
      self->shm_image = NULL;
      goto failed;
    }

  shmctl (self->shm_info.shmid, IPC_RMID, NULL);
  self->shm_width = width;
  self->shm_height = height;
  return TRUE;

failed:
  porthole_log_buffer_append (porthole_x11_display_get_log (self->display), "capture",
                              "MIT-SHM capture unavailable, using XGetImage");
  self->shm_failed = TRUE;
  return FALSE;
}

static void
detach_shared (PortholeX11Capture *self)
{
  if (self->shared_image == NULL)
    return;

  if (!porthole_x11_display_is_closed (self->display))
    {
      porthole_x11_display_error_trap_push (self->display);
      XShmDetach (get_xdisplay (self), &self->shared_info);
      porthole_x11_display_error_trap_pop_ignored (self->display);
    }
  /* The memory is the caller's. */
  self->shared_image->data = NULL;
  XDestroyImage (self->shared_image);
  self->shared_image = NULL;
}

static void
porthole_x11_capture_dispose (GObject *object)
{
  PortholeX11Capture *self = (PortholeX11Capture *)object;

  g_clear_handle_id (&self->clock_id, g_source_remove);
  if (self->display != NULL)
    {
      if (self->damage != None && !porthole_x11_display_is_closed (self->display))
        {
          porthole_x11_display_error_trap_push (self->display);
          XDamageDestroy (get_xdisplay (self), self->damage);
          porthole_x11_display_error_trap_pop_ignored (self->display);
        }
      self->damage = None;
      if (self->filter_id != 0)
        {
          porthole_x11_display_remove_filter (self->display, self->filter_id);
          g_signal_handlers_disconnect_by_func (self->display, on_size_changed, self);
        }
      self->filter_id = 0;
      destroy_shm (self);
      detach_shared (self);
    }
  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_capture_parent_class)->dispose (object);
}

static void
porthole_x11_capture_finalize (GObject *object)
{
  PortholeX11Capture *self = (PortholeX11Capture *)object;

  g_clear_pointer (&self->consumers, g_array_unref);
  g_clear_pointer (&self->peeked, g_bytes_unref);

  G_OBJECT_CLASS (porthole_x11_capture_parent_class)->finalize (object);
}

static void
porthole_x11_capture_class_init (PortholeX11CaptureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_x11_capture_dispose;
  object_class->finalize = porthole_x11_capture_finalize;

  /**
   * PortholeX11Capture::frame-ready:
   * @frame: the whole screen, as it is now
   *
   * The screen changed and a consumer is registered.
   */
  signals[FRAME_READY] =
    g_signal_new ("frame-ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PORTHOLE_TYPE_FRAME);
}

static void
porthole_x11_capture_init (PortholeX11Capture *self)
{
  self->consumers = g_array_new (FALSE, FALSE, sizeof (Consumer));
}

PortholeX11Capture *
porthole_x11_capture_new (PortholeX11Display *display)
{
  PortholeX11Capture *self;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_CAPTURE, NULL);
  self->display = g_object_ref (display);

  return self;
}

gboolean
porthole_x11_capture_uses_shm (PortholeX11Capture *self)
{
  return self->shm_image != NULL;
}

/**
 * porthole_x11_capture_set_use_shm:
 *
 * %FALSE: plain XGetImage from now on, as when MIT-SHM is unavailable.
 */
void
porthole_x11_capture_set_use_shm (PortholeX11Capture *self,
                                  gboolean            use_shm)
{
  g_return_if_fail (PORTHOLE_IS_X11_CAPTURE (self));

  if (!use_shm)
    destroy_shm (self);
  self->shm_failed = !use_shm;
}

/**
 * porthole_x11_capture_clip:
 *
 * Clips @area to the screen.
 *
 * Returns: FALSE if nothing is left
 */
gboolean
porthole_x11_capture_clip (PortholeX11Capture *self,
                           PortholeRect       *area)
{
  int width, height;
  int x1, y1, x2, y2;

  porthole_x11_display_get_size (self->display, &width, &height);

  x1 = CLAMP (area->x, 0, width);
  y1 = CLAMP (area->y, 0, height);
  x2 = CLAMP ((gint64) area->x + area->width, 0, width);
  y2 = CLAMP ((gint64) area->y + area->height, 0, height);

  area->x = x1;
  area->y = y1;
  area->width = x2 - x1;
  area->height = y2 - y1;

  return area->width > 0 && area->height > 0;
}

static gboolean
is_bgrx (XImage *image)
{
  return image->bits_per_pixel == 32 && image->byte_order == LSBFirst &&
         image->red_mask == 0xff0000 && image->green_mask == 0xff00 && image->blue_mask == 0xff;
}

static guint8
scale_channel (unsigned long pixel,
               unsigned long mask)
{
  int shift = 0;
  unsigned long max;

  if (mask == 0)
    return 0;
  while (!(mask & 1))
    {
      mask >>= 1;
      shift++;
    }
  max = mask;

  return ((pixel >> shift) & max) * 255 / max;
}

/* Copies @image into BGRX, converting other layouts (depth 16). */
static GBytes *
copy_pixels (XImage *image,
             guint  *stride)
{
  guint8 *out;

  if (is_bgrx (image))
    {
      *stride = image->bytes_per_line;
      return g_bytes_new (image->data, (gsize) image->bytes_per_line * image->height);
    }

  *stride = image->width * 4;
  out = g_malloc ((gsize) *stride * image->height);
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        unsigned long pixel = XGetPixel (image, x, y);
        guint8 *p = out + (gsize) y * *stride + x * 4;

        p[0] = scale_channel (pixel, image->blue_mask);
        p[1] = scale_channel (pixel, image->green_mask);
        p[2] = scale_channel (pixel, image->red_mask);
        p[3] = 0xff;
      }

  return g_bytes_new_take (out, (gsize) *stride * image->height);
}

/* Reads @area (clipped) into an image: the shared one, valid until the
 * next read (*owned FALSE), or a new one to XDestroyImage (*owned TRUE). */
static XImage *
read_image (PortholeX11Capture  *self,
            const PortholeRect  *area,
            gboolean            *owned,
            GError             **error)
{
  Display *xdisplay = get_xdisplay (self);
  Window root = porthole_x11_display_get_root (self->display);
  int screen_width, screen_height;
  XImage *image;

  porthole_x11_display_get_size (self->display, &screen_width, &screen_height);

  if (ensure_shm (self, screen_width, screen_height))
    {
      int code;

      self->shm_image->width = area->width;
      self->shm_image->height = area->height;
      self->shm_image->bytes_per_line = area->width * (self->shm_image->bits_per_pixel / 8);

      porthole_x11_display_error_trap_push (self->display);
      XShmGetImage (xdisplay, root, self->shm_image, area->x, area->y, AllPlanes);
      code = porthole_x11_display_error_trap_pop (self->display);
      if (code == 0)
        {
          *owned = FALSE;
          return self->shm_image;
        }
    }

  porthole_x11_display_error_trap_push (self->display);
  image = XGetImage (xdisplay, root, area->x, area->y, area->width, area->height,
                     AllPlanes, ZPixmap);
  porthole_x11_display_error_trap_pop_ignored (self->display);
  if (image == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR,
                   porthole_x11_display_is_closed (self->display)
                     ? PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE : PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot read the screen of %s", porthole_x11_display_get_name (self->display));
      return NULL;
    }

  *owned = TRUE;
  return image;
}

static gboolean
check_open (PortholeX11Capture  *self,
            GError             **error)
{
  if (!porthole_x11_display_is_closed (self->display))
    return TRUE;

  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
               "The X display went away");
  return FALSE;
}

/**
 * porthole_x11_capture_grab:
 * @area: (nullable): root coordinates, clipped to the screen; %NULL for
 *   the whole screen
 *
 * Returns: (transfer full): the pixels now on screen
 */
PortholeFrame *
porthole_x11_capture_grab (PortholeX11Capture  *self,
                           const PortholeRect  *area,
                           GError             **error)
{
  PortholeRect clipped = { 0, 0, G_MAXINT / 2, G_MAXINT / 2 };
  g_autoptr(GBytes) pixels = NULL;
  gboolean owned;
  XImage *image;
  guint stride;

  g_return_val_if_fail (PORTHOLE_IS_X11_CAPTURE (self), NULL);

  if (!check_open (self, error))
    return NULL;

  if (area != NULL)
    clipped = *area;
  if (!porthole_x11_capture_clip (self, &clipped))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "The area %dx%d+%d+%d is outside the screen",
                   area ? area->width : 0, area ? area->height : 0, area ? area->x : 0, area ? area->y : 0);
      return NULL;
    }

  image = read_image (self, &clipped, &owned, error);
  if (image == NULL)
    return NULL;
  pixels = copy_pixels (image, &stride);
  if (owned)
    XDestroyImage (image);

  return porthole_frame_new (&clipped, stride, pixels);
}

/**
 * porthole_x11_capture_grab_into:
 * @area: root coordinates, inside the screen
 * @dest: where the area's top-left pixel goes, 32-bit BGRX
 * @dest_stride: bytes per row of @dest
 *
 * Copies the pixels now on screen straight into a caller's buffer (the
 * VNC framebuffer), with no allocation on the MIT-SHM path.
 */
gboolean
porthole_x11_capture_grab_into (PortholeX11Capture  *self,
                                const PortholeRect  *area,
                                guint8              *dest,
                                gsize                dest_stride,
                                GError             **error)
{
  g_autoptr(PortholeFrame) frame = NULL;
  const guint8 *src;
  gsize src_stride;
  int screen_width, screen_height;

  g_return_val_if_fail (PORTHOLE_IS_X11_CAPTURE (self), FALSE);

  porthole_x11_display_get_size (self->display, &screen_width, &screen_height);
  if (!porthole_x11_display_is_closed (self->display) &&
      ensure_shm (self, screen_width, screen_height) && is_bgrx (self->shm_image))
    {
      self->shm_image->width = area->width;
      self->shm_image->height = area->height;
      self->shm_image->bytes_per_line = area->width * 4;

      porthole_x11_display_error_trap_push (self->display);
      XShmGetImage (get_xdisplay (self), porthole_x11_display_get_root (self->display),
                    self->shm_image, area->x, area->y, AllPlanes);
      if (porthole_x11_display_error_trap_pop (self->display) == 0)
        {
          src = (const guint8 *) self->shm_image->data;
          src_stride = self->shm_image->bytes_per_line;
          for (int y = 0; y < area->height; y++)
            memcpy (dest + y * dest_stride, src + y * src_stride, (gsize) area->width * 4);
          return TRUE;
        }
    }

  /* XGetImage, or a layout to convert (depth 16). */
  frame = porthole_x11_capture_grab (self, area, error);
  if (frame == NULL)
    return FALSE;

  src = porthole_frame_get_data (frame);
  src_stride = porthole_frame_get_stride (frame);
  for (int y = 0; y < porthole_frame_get_height (frame); y++)
    memcpy (dest + y * dest_stride, src + y * src_stride, (gsize) porthole_frame_get_width (frame) * 4);

  return TRUE;
}

/**
 * porthole_x11_capture_grab_rows_shared:
 * @shm_id: a SysV segment of the caller's, 32-bit pixels, rows as wide
 *   as the screen (it may be marked for removal already: Linux attaches
 *   it by id all the same)
 * @shm_addr: where the caller has it mapped
 * @y: first row
 * @height: rows
 *
 * Has the X server write whole rows of the screen straight into the
 * caller's memory (the VNC framebuffer): one copy, in the server. The
 * segment stays attached until another id is given or the capture
 * goes. Only for a BGRX screen.
 *
 * Returns: FALSE when this cannot be done (the caller copies another
 *   way)
 */
gboolean
porthole_x11_capture_grab_rows_shared (PortholeX11Capture *self,
                                       int                 shm_id,
                                       guint8             *shm_addr,
                                       int                 y,
                                       int                 height)
{
  Display *xdisplay = get_xdisplay (self);
  int screen = DefaultScreen (xdisplay);
  int width, screen_height;

  g_return_val_if_fail (PORTHOLE_IS_X11_CAPTURE (self), FALSE);

  if (self->shm_failed || shm_id < 0 || porthole_x11_display_is_closed (self->display) ||
      !porthole_x11_display_has_extensions (self->display, PORTHOLE_X11_EXTENSION_SHM))
    return FALSE;

  porthole_x11_display_get_size (self->display, &width, &screen_height);
  if (self->shared_image != NULL &&
      (self->shared_info.shmid != shm_id || self->shared_info.shmaddr != (char *) shm_addr ||
       self->shared_image->width != width))
    detach_shared (self);

  if (self->shared_image == NULL)
    {
      self->shared_image = XShmCreateImage (xdisplay, DefaultVisual (xdisplay, screen),
                                            DefaultDepth (xdisplay, screen), ZPixmap, NULL,
                                            &self->shared_info, width, 1);
      if (self->shared_image == NULL)
        return FALSE;
      if (!is_bgrx (self->shared_image) || self->shared_image->bytes_per_line != width * 4)
        {
          XDestroyImage (self->shared_image);
          self->shared_image = NULL;
          return FALSE;
        }
      self->shared_info.shmid = shm_id;
      self->shared_info.shmaddr = (char *) shm_addr;
      self->shared_info.readOnly = False;
      porthole_x11_display_error_trap_push (self->display);
      XShmAttach (xdisplay, &self->shared_info);
      XSync (xdisplay, False);
      if (porthole_x11_display_error_trap_pop (self->display) != 0)
        {
          XDestroyImage (self->shared_image);
          self->shared_image = NULL;
          return FALSE;
        }
    }

  /* Xlib sends the image's offset in the segment. */
  self->shared_image->data = (char *) shm_addr + (gsize) y * width * 4;
  self->shared_image->height = height;
  porthole_x11_display_error_trap_push (self->display);
  XShmGetImage (xdisplay, porthole_x11_display_get_root (self->display), self->shared_image, 0, y, AllPlanes);
  return porthole_x11_display_error_trap_pop (self->display) == 0;
}

/**
 * porthole_x11_capture_peek:
 * @width: (out): the screen's width
 * @height: (out): the screen's height
 * @stride: (out): bytes per row
 *
 * The whole screen, without a copy where MIT-SHM is used: for a
 * consumer that reads every pixel once per frame (the recorder). A
 * screen that changed size since the last RandR event is read again at
 * its new size.
 *
 * Returns: (transfer none): BGRX pixels, valid until the next peek or
 *   grab on @self, or %NULL with @error set
 */
const guint8 *
porthole_x11_capture_peek (PortholeX11Capture  *self,
                           int                 *width,
                           int                 *height,
                           guint               *stride,
                           GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  PortholeRect screen = { 0, 0, 0, 0 };
  gboolean owned = FALSE;
  XImage *image = NULL;

  g_return_val_if_fail (PORTHOLE_IS_X11_CAPTURE (self), NULL);

  g_clear_pointer (&self->peeked, g_bytes_unref);

  for (guint attempt = 0; attempt < 2 && image == NULL; attempt++)
    {
      if (!check_open (self, error))
        return NULL;

      /* Smaller than we think (BadMatch): ask the server its size. */
      if (attempt > 0)
        {
          porthole_x11_display_refresh_size (self->display);
          g_clear_error (&local_error);
        }

      porthole_x11_display_get_size (self->display, &screen.width, &screen.height);
      image = read_image (self, &screen, &owned, &local_error);
    }

  if (image == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  *width = screen.width;
  *height = screen.height;
  if (!owned && is_bgrx (image))
    {
      *stride = image->bytes_per_line;
      return (const guint8 *) image->data;
    }

  self->peeked = copy_pixels (image, stride);
  if (owned)
    XDestroyImage (image);

  return g_bytes_get_data (self->peeked, NULL);
}

/* Continuous capture */

static gboolean
damage_filter (PortholeX11Display *display,
               XEvent             *event,
               gpointer            user_data)
{
  PortholeX11Capture *self = user_data;

  if (event->type == porthole_x11_display_get_event_base (display, PORTHOLE_X11_EXTENSION_DAMAGE) + XDamageNotify &&
      ((XDamageNotifyEvent *) event)->damage == self->damage)
    {
      /* Report-non-empty: acknowledge, so the next change notifies again. */
      XDamageSubtract (get_xdisplay (self), self->damage, None, None);
      self->dirty = TRUE;
      return TRUE;
    }

  return FALSE;
}

static void
on_size_changed (PortholeX11Capture *self)
{
  self->dirty = TRUE;
}

static void
ensure_damage (PortholeX11Capture *self)
{
  if (self->damage != None ||
      !porthole_x11_display_has_extensions (self->display, PORTHOLE_X11_EXTENSION_DAMAGE))
    return;

  self->damage = XDamageCreate (get_xdisplay (self), porthole_x11_display_get_root (self->display),
                                XDamageReportNonEmpty);
  self->filter_id = porthole_x11_display_add_filter (self->display, damage_filter, self);
  /* A new size is a change, whatever XDamage says. */
  g_signal_connect_swapped (self->display, "size-changed", G_CALLBACK (on_size_changed), self);
}

/**
 * porthole_x11_capture_track_changes:
 *
 * From now on porthole_x11_capture_has_changed() says whether the
 * screen changed (XDamage, seen as the display's events are dispatched):
 * for a consumer that reads the screen on its own clock and can skip
 * reading it again when nothing changed (the recorder).
 */
void
porthole_x11_capture_track_changes (PortholeX11Capture *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_CAPTURE (self));

  ensure_damage (self);
  self->dirty = TRUE;
}

/**
 * porthole_x11_capture_has_changed:
 *
 * Returns: whether the screen changed since the last call (always
 *   %TRUE without XDamage); a change shows once its event was
 *   dispatched
 */
gboolean
porthole_x11_capture_has_changed (PortholeX11Capture *self)
{
  gboolean changed = self->dirty || self->damage == None;

  self->dirty = FALSE;
  return changed;
}

static gboolean
clock_cb (gpointer user_data)
{
  PortholeX11Capture *self = user_data;
  g_autoptr(PortholeFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  /* Without XDamage every tick is a frame. */
  if (!self->dirty && self->damage != None)
    return G_SOURCE_CONTINUE;

  self->dirty = FALSE;
  frame = porthole_x11_capture_grab (self, NULL, &error);
  if (frame != NULL)
    g_signal_emit (self, signals[FRAME_READY], 0, frame);

  return G_SOURCE_CONTINUE;
}

static void
update_clock (PortholeX11Capture *self)
{
  guint fps = 0;

  for (guint i = 0; i < self->consumers->len; i++)
    fps = MAX (fps, g_array_index (self->consumers, Consumer, i).fps);

  if (fps == self->clock_fps)
    return;

  g_clear_handle_id (&self->clock_id, g_source_remove);
  self->clock_fps = fps;
  if (fps > 0)
    {
      self->clock_id = g_timeout_add (1000 / fps, clock_cb, self);
      g_source_set_name_by_id (self->clock_id, "[portholed] frame clock");
    }
}

/**
 * porthole_x11_capture_add_consumer:
 * @fps: the most frames per second this consumer wants
 *
 * Returns: an id for porthole_x11_capture_remove_consumer()
 */
guint
porthole_x11_capture_add_consumer (PortholeX11Capture *self,
                                   guint               fps)
{
  Consumer consumer = { ++self->last_consumer_id, CLAMP (fps, 1, 60) };

  g_return_val_if_fail (PORTHOLE_IS_X11_CAPTURE (self), 0);

  ensure_damage (self);

  /* The first frame is always sent. */
  self->dirty = TRUE;
  g_array_append_val (self->consumers, consumer);
  update_clock (self);

  return consumer.id;
}

void
porthole_x11_capture_remove_consumer (PortholeX11Capture *self,
                                      guint               consumer_id)
{
  g_return_if_fail (PORTHOLE_IS_X11_CAPTURE (self));

  for (guint i = 0; i < self->consumers->len; i++)
    if (g_array_index (self->consumers, Consumer, i).id == consumer_id)
      {
        g_array_remove_index (self->consumers, i);
        break;
      }

  update_clock (self);
}
