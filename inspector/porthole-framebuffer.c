/* porthole-framebuffer.c
 *
 * Two ways in. The VNC session writes pixels into the buffer
 * (porthole_framebuffer_get_data) and reports each rectangle with
 * porthole_framebuffer_damage(); the owner calls
 * porthole_framebuffer_flush() once per frame-clock tick, which turns
 * whatever changed since the last tick into one new GdkMemoryTexture —
 * however many rectangles arrived, one texture per displayed frame. The
 * screenshot fallback hands over decoded textures whole
 * (porthole_framebuffer_set_texture).
 *
 * Pixels are 32-bit B,G,R,X in memory (the VNC pixel format asked for);
 * the X byte is whatever the server leaves there, so damaged rows get
 * their alpha forced to 0xff before they are shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-framebuffer.h"

#define BYTES_PER_PIXEL 4

struct _PortholeFramebuffer
{
  GObject parent_instance;

  guint8 *data;
  int width;
  int height;
  int stride;

  /* Damage since the last flush. */
  cairo_rectangle_int_t damage;
  gboolean damaged;

  GdkTexture *texture;
  guint64 frame_count;
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortholeFramebuffer, porthole_framebuffer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static void
porthole_framebuffer_snapshot (GdkPaintable *paintable,
                               GdkSnapshot  *snapshot,
                               double        width,
                               double        height)
{
  PortholeFramebuffer *self = PORTHOLE_FRAMEBUFFER (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
  else
    gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &(GdkRGBA) { 0, 0, 0, 1 },
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static int
porthole_framebuffer_get_intrinsic_width (GdkPaintable *paintable)
{
  PortholeFramebuffer *self = PORTHOLE_FRAMEBUFFER (paintable);

  if (self->texture != NULL)
    return gdk_texture_get_width (self->texture);

  return self->width;
}

static int
porthole_framebuffer_get_intrinsic_height (GdkPaintable *paintable)
{
  PortholeFramebuffer *self = PORTHOLE_FRAMEBUFFER (paintable);

  if (self->texture != NULL)
    return gdk_texture_get_height (self->texture);

  return self->height;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = porthole_framebuffer_snapshot;
  iface->get_intrinsic_width = porthole_framebuffer_get_intrinsic_width;
  iface->get_intrinsic_height = porthole_framebuffer_get_intrinsic_height;
}

static void
porthole_framebuffer_finalize (GObject *object)
{
  PortholeFramebuffer *self = (PortholeFramebuffer *)object;

  g_clear_pointer (&self->data, g_free);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (porthole_framebuffer_parent_class)->finalize (object);
}

static void
porthole_framebuffer_class_init (PortholeFramebufferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_framebuffer_finalize;
}

static void
porthole_framebuffer_init (PortholeFramebuffer *self)
{
}

PortholeFramebuffer *
porthole_framebuffer_new (void)
{
  return g_object_new (PORTHOLE_TYPE_FRAMEBUFFER, NULL);
}

static void
set_texture (PortholeFramebuffer *self,
             GdkTexture          *texture)
{
  gboolean resized = texture == NULL || self->texture == NULL ||
                     gdk_texture_get_width (texture) != gdk_texture_get_width (self->texture) ||
                     gdk_texture_get_height (texture) != gdk_texture_get_height (self->texture);

  g_set_object (&self->texture, texture);
  self->frame_count++;

  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

/**
 * porthole_framebuffer_resize:
 *
 * A new, black buffer of @width x @height for the VNC session to write
 * into. The screen keeps showing the last frame (and its size) until the
 * first rectangle drawn into the new one is flushed.
 */
void
porthole_framebuffer_resize (PortholeFramebuffer *self,
                             int                  width,
                             int                  height)
{
  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));
  g_return_if_fail (width > 0 && height > 0);

  g_free (self->data);
  self->width = width;
  self->height = height;
  self->stride = width * BYTES_PER_PIXEL;
  self->data = g_malloc0_n ((gsize) self->stride, height);
  /* Nothing to show until the server has drawn into it: a black frame
   * would flash between two screens. */
  self->damaged = FALSE;
}

/**
 * porthole_framebuffer_get_data:
 *
 * Returns: (transfer none): the buffer the VNC session writes into,
 *   porthole_framebuffer_get_stride() bytes per row
 */
guint8 *
porthole_framebuffer_get_data (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), NULL);

  return self->data;
}

int
porthole_framebuffer_get_stride (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return self->stride;
}

int
porthole_framebuffer_get_width (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (self));
}

int
porthole_framebuffer_get_height (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (self));
}

/**
 * porthole_framebuffer_damage:
 *
 * The VNC session wrote this rectangle; it shows at the next flush.
 */
void
porthole_framebuffer_damage (PortholeFramebuffer *self,
                             int                  x,
                             int                  y,
                             int                  width,
                             int                  height)
{
  cairo_rectangle_int_t rect = { x, y, width, height };
  cairo_rectangle_int_t bounds = { 0, 0, self->width, self->height };

  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));

  if (!gdk_rectangle_intersect (&rect, &bounds, &rect))
    return;

  /* The server leaves the fourth byte alone: make the pixels opaque. */
  for (int row = rect.y; row < rect.y + rect.height; row++)
    {
      guint32 *pixel = (guint32 *) (self->data + (gsize) row * self->stride) + rect.x;

      for (int i = 0; i < rect.width; i++)
        pixel[i] |= GUINT32_TO_LE (0xff000000);
    }

  if (self->damaged)
    gdk_rectangle_union (&self->damage, &rect, &self->damage);
  else
    self->damage = rect;
  self->damaged = TRUE;
}

/**
 * porthole_framebuffer_flush:
 *
 * Shows what was damaged since the last flush: call once per frame.
 *
 * Returns: %TRUE if a new frame was made
 */
gboolean
porthole_framebuffer_flush (PortholeFramebuffer *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), FALSE);

  if (!self->damaged || self->data == NULL)
    return FALSE;

  /* A GdkMemoryTexture owns immutable bytes: the buffer keeps changing
   * under the session, so the frame is a copy. */
  bytes = g_bytes_new (self->data, (gsize) self->stride * self->height);
  texture = gdk_memory_texture_new (self->width, self->height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                    bytes, self->stride);
  self->damaged = FALSE;
  set_texture (self, texture);

  return TRUE;
}

/**
 * porthole_framebuffer_set_texture:
 *
 * Shows @texture as it is (the screenshot fallback); the buffer is
 * dropped.
 */
void
porthole_framebuffer_set_texture (PortholeFramebuffer *self,
                                  GdkTexture          *texture)
{
  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  g_clear_pointer (&self->data, g_free);
  self->width = self->height = self->stride = 0;
  self->damaged = FALSE;
  set_texture (self, texture);
}

/**
 * porthole_framebuffer_get_texture:
 *
 * Returns: (transfer none) (nullable): the frame shown
 */
GdkTexture *
porthole_framebuffer_get_texture (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), NULL);

  return self->texture;
}

/**
 * porthole_framebuffer_clear:
 *
 * Forgets the screen (another sandbox is coming).
 */
void
porthole_framebuffer_clear (PortholeFramebuffer *self)
{
  g_return_if_fail (PORTHOLE_IS_FRAMEBUFFER (self));

  g_clear_pointer (&self->data, g_free);
  self->width = self->height = self->stride = 0;
  self->damaged = FALSE;
  if (self->texture != NULL)
    {
      g_clear_object (&self->texture);
      gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
      gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
    }
}

/**
 * porthole_framebuffer_get_frame_count:
 *
 * Returns: how many frames were shown (for frame rate measurements)
 */
guint64
porthole_framebuffer_get_frame_count (PortholeFramebuffer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FRAMEBUFFER (self), 0);

  return self->frame_count;
}
