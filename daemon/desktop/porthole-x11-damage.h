/* porthole-x11-damage.h — "the screen changed here", for any number of
 * subscribers, from one XDamage object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-frame.h"
#include "porthole-x11-display.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_X11_DAMAGE (porthole_x11_damage_get_type ())

G_DECLARE_FINAL_TYPE (PortholeX11Damage, porthole_x11_damage, PORTHOLE, X11_DAMAGE, GObject)

/* @areas: what changed, in root coordinates, clipped to the subscriber's
 * region; @when: g_get_monotonic_time() as the change was read. */
typedef void (*PortholeX11DamageFunc) (PortholeX11Damage  *damage,
                                       const PortholeRect *areas,
                                       guint               n_areas,
                                       gint64              when,
                                       gpointer            user_data);

PortholeX11Damage *porthole_x11_damage_new           (PortholeX11Display    *display);
gboolean           porthole_x11_damage_is_available  (PortholeX11Damage     *self);
guint              porthole_x11_damage_subscribe     (PortholeX11Damage     *self,
                                                      const PortholeRect    *region,
                                                      PortholeX11DamageFunc  func,
                                                      gpointer               user_data,
                                                      GDestroyNotify         destroy);
void               porthole_x11_damage_unsubscribe   (PortholeX11Damage     *self,
                                                      guint                  subscription_id);
guint              porthole_x11_damage_get_n_subscribers (PortholeX11Damage *self);

G_END_DECLS
