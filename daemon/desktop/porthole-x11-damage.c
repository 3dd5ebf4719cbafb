/* porthole-x11-damage.c
 *
 * One XDamage object on the root window, on the daemon's own connection,
 * shared by every subscriber (waits, and whatever else wants to hear of
 * changes): it exists only while somebody listens, so an idle daemon
 * asks the X server for nothing. The level is raw rectangles: each
 * drawing request is reported as it happens, with no XDamageSubtract
 * round trip on our side; one burst (the events until `more` is FALSE)
 * is handed out at once, clipped to each subscriber's region. A RandR
 * size change counts as the whole screen changing.
 *
 * Creating a damage object on a window makes the X server report the
 * whole window as damaged (damageext.c): that is not a change, so the
 * events produced by the creation itself (those whose serial is not past
 * the request after it) are dropped.
 *
 * The continuous capture (porthole-x11-capture.c) and the VNC server keep
 * their own report-non-empty objects: they read the damage region at
 * their own pace (VNC when a viewer asks), which this notifier does not
 * keep.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>

#include "porthole-x11-damage.h"

/* A burst of more rectangles than this is handed out as its bounding
 * box: subscribers want to know where, not every glyph. */
#define MAX_AREAS 64

typedef struct
{
  guint id;
  gboolean whole_screen;
  PortholeRect region;
  PortholeX11DamageFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} Subscriber;

struct _PortholeX11Damage
{
  GObject parent_instance;

  PortholeX11Display *display;
  GPtrArray *subscribers;       /* Subscriber */
  guint last_id;

  Damage damage;
  gulong first_serial;
  guint filter_id;
  gulong size_changed_id;
  GArray *pending;              /* PortholeRect: the burst being read */
  guint flush_id;
};

G_DEFINE_FINAL_TYPE (PortholeX11Damage, porthole_x11_damage, G_TYPE_OBJECT)

static void
subscriber_free (Subscriber *subscriber)
{
  if (subscriber->destroy != NULL)
    subscriber->destroy (subscriber->user_data);
  g_free (subscriber);
}

static void
stop_tracking (PortholeX11Damage *self)
{
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_array_set_size (self->pending, 0);

  if (self->damage != None && !porthole_x11_display_is_closed (self->display))
    {
      porthole_x11_display_error_trap_push (self->display);
      XDamageDestroy (porthole_x11_display_get_xdisplay (self->display), self->damage);
      porthole_x11_display_error_trap_pop_ignored (self->display);
    }
  self->damage = None;

  if (self->filter_id != 0)
    porthole_x11_display_remove_filter (self->display, self->filter_id);
  self->filter_id = 0;
  g_clear_signal_handler (&self->size_changed_id, self->display);
}

static void
porthole_x11_damage_dispose (GObject *object)
{
  PortholeX11Damage *self = (PortholeX11Damage *)object;

  if (self->display != NULL)
    stop_tracking (self);
  g_ptr_array_set_size (self->subscribers, 0);
  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_damage_parent_class)->dispose (object);
}

static void
porthole_x11_damage_finalize (GObject *object)
{
  PortholeX11Damage *self = (PortholeX11Damage *)object;

  g_clear_pointer (&self->subscribers, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);

  G_OBJECT_CLASS (porthole_x11_damage_parent_class)->finalize (object);
}

static void
porthole_x11_damage_class_init (PortholeX11DamageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_x11_damage_dispose;
  object_class->finalize = porthole_x11_damage_finalize;
}

static void
porthole_x11_damage_init (PortholeX11Damage *self)
{
  self->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);
  self->pending = g_array_new (FALSE, FALSE, sizeof (PortholeRect));
}

PortholeX11Damage *
porthole_x11_damage_new (PortholeX11Display *display)
{
  PortholeX11Damage *self;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_DAMAGE, NULL);
  self->display = g_object_ref (display);

  return self;
}

/**
 * porthole_x11_damage_is_available:
 *
 * Returns: whether changes can be reported at all (the X server has
 *   DAMAGE and the connection is open)
 */
gboolean
porthole_x11_damage_is_available (PortholeX11Damage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_X11_DAMAGE (self), FALSE);

  return !porthole_x11_display_is_closed (self->display) &&
         porthole_x11_display_has_extensions (self->display, PORTHOLE_X11_EXTENSION_DAMAGE);
}

static Subscriber *
find_subscriber (PortholeX11Damage *self,
                 guint              id,
                 guint             *index)
{
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *subscriber = g_ptr_array_index (self->subscribers, i);

      if (subscriber->id == id)
        {
          if (index != NULL)
            *index = i;
          return subscriber;
        }
    }

  return NULL;
}

/* Hands @areas to every subscriber whose region they touch. Subscribers
 * may come and go from their callbacks. */
static void
deliver (PortholeX11Damage  *self,
         const PortholeRect *areas,
         guint               n_areas)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->subscribers->len);
  g_autoptr(GArray) clipped = g_array_new (FALSE, FALSE, sizeof (PortholeRect));
  g_autoptr(PortholeX11Damage) alive = g_object_ref (self);
  PortholeRect box = { 0, 0, 0, 0 };
  gint64 now = g_get_monotonic_time ();

  if (n_areas > MAX_AREAS)
    {
      for (guint i = 0; i < n_areas; i++)
        porthole_rect_union (&box, &areas[i], &box);
      areas = &box;
      n_areas = 1;
    }

  for (guint i = 0; i < self->subscribers->len; i++)
    g_array_append_val (ids, ((Subscriber *) g_ptr_array_index (self->subscribers, i))->id);

  for (guint i = 0; i < ids->len; i++)
    {
      Subscriber *subscriber = find_subscriber (self, g_array_index (ids, guint, i), NULL);

      if (subscriber == NULL)
        continue;

      g_array_set_size (clipped, 0);
      for (guint j = 0; j < n_areas; j++)
        {
          PortholeRect part;

          if (subscriber->whole_screen)
            g_array_append_val (clipped, areas[j]);
          else if (porthole_rect_intersect (&areas[j], &subscriber->region, &part))
            g_array_append_val (clipped, part);
        }

      if (clipped->len > 0)
        subscriber->func (self, (const PortholeRect *) clipped->data, clipped->len, now,
                          subscriber->user_data);
    }
}

static void
flush (PortholeX11Damage *self)
{
  g_autoptr(GArray) areas = NULL;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->pending->len == 0)
    return;

  /* Callbacks may subscribe or unsubscribe, which may touch pending. */
  areas = g_steal_pointer (&self->pending);
  self->pending = g_array_new (FALSE, FALSE, sizeof (PortholeRect));
  deliver (self, (const PortholeRect *) areas->data, areas->len);
}

static gboolean
flush_cb (gpointer user_data)
{
  PortholeX11Damage *self = user_data;

  self->flush_id = 0;
  flush (self);

  return G_SOURCE_REMOVE;
}

static gboolean
damage_filter (PortholeX11Display *display,
               XEvent             *event,
               gpointer            user_data)
{
  PortholeX11Damage *self = user_data;
  XDamageNotifyEvent *notify = (XDamageNotifyEvent *) event;

  if (event->type != porthole_x11_display_get_event_base (display, PORTHOLE_X11_EXTENSION_DAMAGE) + XDamageNotify ||
      notify->damage != self->damage)
    return FALSE;

  /* The whole screen, "damaged" by XDamageCreate. */
  if ((long) (event->xany.serial - self->first_serial) < 0)
    return TRUE;

  g_array_append_val (self->pending, ((PortholeRect) { notify->area.x, notify->area.y,
                                                       notify->area.width, notify->area.height }));
  if (!notify->more)
    flush (self);
  /* The rest of a burst should follow at once; if it does not, say
   * what we have as soon as the loop is free. */
  else if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_HIGH, flush_cb, self, NULL);

  return TRUE;
}

static void
on_size_changed (PortholeX11Damage *self)
{
  PortholeRect screen = { 0, 0, 0, 0 };

  porthole_x11_display_get_size (self->display, &screen.width, &screen.height);
  g_array_append_val (self->pending, screen);
  flush (self);
}

static void
start_tracking (PortholeX11Damage *self)
{
  if (self->damage != None || !porthole_x11_damage_is_available (self))
    return;

  self->damage = XDamageCreate (porthole_x11_display_get_xdisplay (self->display),
                                porthole_x11_display_get_root (self->display),
                                XDamageReportRawRectangles);
  /* Events of later drawing carry at least the serial of the next
   * request, which XSync makes now. */
  self->first_serial = NextRequest (porthole_x11_display_get_xdisplay (self->display));
  XSync (porthole_x11_display_get_xdisplay (self->display), False);
  self->filter_id = porthole_x11_display_add_filter (self->display, damage_filter, self);
  self->size_changed_id = g_signal_connect_swapped (self->display, "size-changed",
                                                    G_CALLBACK (on_size_changed), self);
}

/**
 * porthole_x11_damage_subscribe:
 * @region: (nullable): root coordinates; %NULL for the whole screen
 * @func: called with every change that touches @region
 * @destroy: (nullable): frees @user_data when the subscription ends
 *
 * Changes are reported from the moment of the call on (those that
 * happened before are not).
 *
 * Returns: an id for porthole_x11_damage_unsubscribe()
 */
guint
porthole_x11_damage_subscribe (PortholeX11Damage     *self,
                               const PortholeRect    *region,
                               PortholeX11DamageFunc  func,
                               gpointer               user_data,
                               GDestroyNotify         destroy)
{
  Subscriber *subscriber;

  g_return_val_if_fail (PORTHOLE_IS_X11_DAMAGE (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  subscriber = g_new0 (Subscriber, 1);
  subscriber->id = ++self->last_id;
  subscriber->whole_screen = region == NULL;
  if (region != NULL)
    subscriber->region = *region;
  subscriber->func = func;
  subscriber->user_data = user_data;
  subscriber->destroy = destroy;
  g_ptr_array_add (self->subscribers, subscriber);

  start_tracking (self);

  return subscriber->id;
}

void
porthole_x11_damage_unsubscribe (PortholeX11Damage *self,
                                 guint              subscription_id)
{
  guint index;

  g_return_if_fail (PORTHOLE_IS_X11_DAMAGE (self));

  if (find_subscriber (self, subscription_id, &index) == NULL)
    return;

  g_ptr_array_remove_index (self->subscribers, index);
  if (self->subscribers->len == 0)
    stop_tracking (self);
}

guint
porthole_x11_damage_get_n_subscribers (PortholeX11Damage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_X11_DAMAGE (self), 0);

  return self->subscribers->len;
}
