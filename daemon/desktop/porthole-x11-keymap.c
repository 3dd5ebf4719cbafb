/* porthole-x11-keymap.c
 *
 * Keysyms are found in the core keymap at level 0 or 1 (Shift). A keysym
 * the keymap lacks (accents, CJK, emoji) is bound to a spare keycode, one
 * that has no symbols at all, for both levels, as xdotool does. Clients
 * read the new mapping only when they handle the MappingNotify that
 * precedes the key event, so a spare keycode is never rebound shortly
 * after it was used: bindings rotate least-recently-used, a rebind waits
 * REBIND_DELAY after the previous use, and all of them are restored once
 * input has been idle for RESTORE_DELAY.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/Xlib.h>
#include <X11/XKBlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#include "porthole-error.h"
#include "porthole-x11-keymap.h"

#define REBIND_DELAY_USEC  (100 * 1000)
#define RESTORE_DELAY_MSEC 500

typedef struct
{
  KeyCode keycode;
  KeySym keysym;          /* NoSymbol when free */
  gint64 last_used;
  guint pressed : 1;
} SpareKey;

struct _PortholeX11Keymap
{
  GObject parent_instance;

  PortholeX11Display *display;
  guint filter_id;

  int min_keycode;
  int max_keycode;
  int keysyms_per_keycode;
  KeySym *keysyms;        /* the core mapping, as read */

  GArray *spares;         /* SpareKey */
  guint restore_id;
};

G_DEFINE_FINAL_TYPE (PortholeX11Keymap, porthole_x11_keymap, G_TYPE_OBJECT)

static void
load_mapping (PortholeX11Keymap *self)
{
  Display *xdisplay = porthole_x11_display_get_xdisplay (self->display);

  g_clear_pointer (&self->keysyms, XFree);
  if (porthole_x11_display_is_closed (self->display))
    return;

  XDisplayKeycodes (xdisplay, &self->min_keycode, &self->max_keycode);
  self->keysyms = XGetKeyboardMapping (xdisplay, self->min_keycode,
                                       self->max_keycode - self->min_keycode + 1,
                                       &self->keysyms_per_keycode);
}

static KeySym
keysym_at (PortholeX11Keymap *self,
           int                keycode,
           int                level)
{
  if (self->keysyms == NULL || level >= self->keysyms_per_keycode)
    return NoSymbol;

  return self->keysyms[(keycode - self->min_keycode) * self->keysyms_per_keycode + level];
}

static void
find_spares (PortholeX11Keymap *self)
{
  if (self->keysyms == NULL)
    return;

  for (int keycode = self->min_keycode; keycode <= self->max_keycode; keycode++)
    {
      gboolean empty = TRUE;

      for (int level = 0; level < self->keysyms_per_keycode && empty; level++)
        empty = keysym_at (self, keycode, level) == NoSymbol;

      /* Keycode 8 is never sent by real keyboards and some toolkits
       * ignore it. */
      if (empty && keycode > 8)
        {
          SpareKey spare = { .keycode = keycode, .keysym = NoSymbol };

          g_array_append_val (self->spares, spare);
        }
    }
}

static gboolean
keymap_filter (PortholeX11Display *display,
               XEvent             *event,
               gpointer            user_data)
{
  PortholeX11Keymap *self = user_data;

  if (event->type == MappingNotify && event->xmapping.request == MappingKeyboard)
    {
      XRefreshKeyboardMapping (&event->xmapping);
      load_mapping (self);
    }

  return FALSE;
}

static void
porthole_x11_keymap_dispose (GObject *object)
{
  PortholeX11Keymap *self = (PortholeX11Keymap *)object;

  if (self->display != NULL)
    {
      porthole_x11_keymap_restore (self);
      porthole_x11_display_remove_filter (self->display, self->filter_id);
    }
  g_clear_handle_id (&self->restore_id, g_source_remove);
  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_keymap_parent_class)->dispose (object);
}

static void
porthole_x11_keymap_finalize (GObject *object)
{
  PortholeX11Keymap *self = (PortholeX11Keymap *)object;

  g_clear_pointer (&self->keysyms, XFree);
  g_clear_pointer (&self->spares, g_array_unref);

  G_OBJECT_CLASS (porthole_x11_keymap_parent_class)->finalize (object);
}

static void
porthole_x11_keymap_class_init (PortholeX11KeymapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_x11_keymap_dispose;
  object_class->finalize = porthole_x11_keymap_finalize;
}

static void
porthole_x11_keymap_init (PortholeX11Keymap *self)
{
  self->spares = g_array_new (FALSE, TRUE, sizeof (SpareKey));
}

PortholeX11Keymap *
porthole_x11_keymap_new (PortholeX11Display *display)
{
  PortholeX11Keymap *self;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_KEYMAP, NULL);
  self->display = g_object_ref (display);
  self->filter_id = porthole_x11_display_add_filter (display, keymap_filter, self);
  load_mapping (self);
  find_spares (self);

  return self;
}

static void
bind_keycode (PortholeX11Keymap *self,
              KeyCode            keycode,
              KeySym             keysym)
{
  Display *xdisplay = porthole_x11_display_get_xdisplay (self->display);
  KeySym syms[2] = { keysym, keysym };

  porthole_x11_display_error_trap_push (self->display);
  XChangeKeyboardMapping (xdisplay, keycode, 2, syms, 1);
  porthole_x11_display_error_trap_pop_ignored (self->display);
  /* Our own MappingNotify comes later; keep the cache right meanwhile. */
  load_mapping (self);
}

/* @keysym at level 0 or 1 of the core mapping. */
static gboolean
find_in_mapping (PortholeX11Keymap *self,
                 KeySym             keysym,
                 KeyCode           *keycode,
                 gboolean          *needs_shift)
{
  for (int level = 0; level < 2; level++)
    for (int code = self->min_keycode; code <= self->max_keycode; code++)
      if (keysym_at (self, code, level) == keysym)
        {
          *keycode = code;
          *needs_shift = level == 1;
          return TRUE;
        }

  return FALSE;
}

/**
 * porthole_x11_keymap_can_type:
 *
 * Returns: FALSE if @keysym has no keycode and there is no spare keycode
 *   to bind it to, now or later; binds nothing
 */
gboolean
porthole_x11_keymap_can_type (PortholeX11Keymap *self,
                              KeySym             keysym)
{
  KeyCode keycode;
  gboolean needs_shift;

  g_return_val_if_fail (PORTHOLE_IS_X11_KEYMAP (self), FALSE);

  if (porthole_x11_display_is_closed (self->display) || keysym == NoSymbol)
    return FALSE;

  return self->spares->len > 0 || find_in_mapping (self, keysym, &keycode, &needs_shift);
}

/**
 * porthole_x11_keymap_lookup:
 * @needs_shift: (out): the keysym is at level 1 of @keycode
 * @ready_at: (out): monotonic time before which @keycode must not be
 *   sent: a spare keycode that clients may still be reading for its
 *   previous use, not rebound yet; ask again then
 *
 * Returns: FALSE if @keysym has no keycode and none could be bound
 */
gboolean
porthole_x11_keymap_lookup (PortholeX11Keymap *self,
                            KeySym             keysym,
                            KeyCode           *keycode,
                            gboolean          *needs_shift,
                            gint64            *ready_at)
{
  SpareKey *victim = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (PORTHOLE_IS_X11_KEYMAP (self), FALSE);

  *ready_at = 0;
  *needs_shift = FALSE;

  if (porthole_x11_display_is_closed (self->display) || keysym == NoSymbol)
    return FALSE;

  /* Input is going on: bindings stay until it has been quiet a while. */
  g_clear_handle_id (&self->restore_id, g_source_remove);

  for (guint i = 0; i < self->spares->len; i++)
    {
      SpareKey *spare = &g_array_index (self->spares, SpareKey, i);

      if (spare->keysym == keysym)
        {
          spare->last_used = now;
          *keycode = spare->keycode;
          return TRUE;
        }
    }

  if (find_in_mapping (self, keysym, keycode, needs_shift))
    return TRUE;

  for (guint i = 0; i < self->spares->len; i++)
    {
      SpareKey *spare = &g_array_index (self->spares, SpareKey, i);

      if (spare->pressed)
        continue;
      if (victim == NULL || spare->keysym == NoSymbol ||
          (victim->keysym != NoSymbol && spare->last_used < victim->last_used))
        victim = spare;
      if (victim->keysym == NoSymbol)
        break;
    }

  if (victim == NULL)
    return FALSE;

  /* Not rebound before then, not only not pressed: a client reads the
   * symbols of a key event's keycode from the server when it handles the
   * event (or the MappingNotify before it), so one that runs late on a
   * busy machine would read the new binding for the previous use. The
   * caller asks again at *ready_at. */
  *keycode = victim->keycode;
  if (victim->keysym != NoSymbol && now < victim->last_used + REBIND_DELAY_USEC)
    {
      *ready_at = victim->last_used + REBIND_DELAY_USEC;
      return TRUE;
    }

  bind_keycode (self, victim->keycode, keysym);
  victim->keysym = keysym;
  victim->last_used = now;

  return TRUE;
}

/**
 * porthole_x11_keymap_key_pressed:
 *
 * Tells us a keycode is down, so its binding stays until it is up.
 */
void
porthole_x11_keymap_key_pressed (PortholeX11Keymap *self,
                                 KeyCode            keycode,
                                 gboolean           pressed)
{
  for (guint i = 0; i < self->spares->len; i++)
    {
      SpareKey *spare = &g_array_index (self->spares, SpareKey, i);

      if (spare->keycode == keycode)
        {
          spare->pressed = pressed;
          spare->last_used = g_get_monotonic_time ();
        }
    }
}

/**
 * porthole_x11_keymap_restore:
 *
 * Gives every spare keycode that is not held down its empty mapping back.
 */
void
porthole_x11_keymap_restore (PortholeX11Keymap *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_KEYMAP (self));

  g_clear_handle_id (&self->restore_id, g_source_remove);

  for (guint i = 0; i < self->spares->len; i++)
    {
      SpareKey *spare = &g_array_index (self->spares, SpareKey, i);

      if (spare->keysym == NoSymbol || spare->pressed)
        continue;

      spare->keysym = NoSymbol;
      if (!porthole_x11_display_is_closed (self->display))
        bind_keycode (self, spare->keycode, NoSymbol);
    }
}

static gboolean
restore_cb (gpointer user_data)
{
  PortholeX11Keymap *self = user_data;

  self->restore_id = 0;
  porthole_x11_keymap_restore (self);

  return G_SOURCE_REMOVE;
}

/**
 * porthole_x11_keymap_restore_later:
 *
 * Restores the spare keycodes after a quiet period, once clients have
 * had time to handle the key events that used them.
 */
void
porthole_x11_keymap_restore_later (PortholeX11Keymap *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_KEYMAP (self));

  g_clear_handle_id (&self->restore_id, g_source_remove);
  self->restore_id = g_timeout_add (RESTORE_DELAY_MSEC, restore_cb, self);
}

/* Names and characters */

static const struct
{
  const char *alias;
  KeySym keysym;
} key_aliases[] = {
  { "enter", XK_Return }, { "return", XK_Return },
  { "esc", XK_Escape }, { "escape", XK_Escape },
  { "tab", XK_Tab }, { "space", XK_space },
  { "backspace", XK_BackSpace },
  { "delete", XK_Delete }, { "del", XK_Delete },
  { "insert", XK_Insert }, { "ins", XK_Insert },
  { "home", XK_Home }, { "end", XK_End },
  { "pageup", XK_Prior }, { "page_up", XK_Prior }, { "pgup", XK_Prior }, { "prior", XK_Prior },
  { "pagedown", XK_Next }, { "page_down", XK_Next }, { "pgdn", XK_Next }, { "next", XK_Next },
  { "up", XK_Up }, { "down", XK_Down }, { "left", XK_Left }, { "right", XK_Right },
  { "capslock", XK_Caps_Lock }, { "caps_lock", XK_Caps_Lock },
  { "print", XK_Print }, { "printscreen", XK_Print }, { "prtsc", XK_Print },
  { "menu", XK_Menu },
  { "ctrl", XK_Control_L }, { "control", XK_Control_L }, { "ctl", XK_Control_L },
  { "shift", XK_Shift_L },
  { "alt", XK_Alt_L }, { "option", XK_Alt_L },
  { "super", XK_Super_L }, { "win", XK_Super_L }, { "windows", XK_Super_L },
  { "meta", XK_Super_L }, { "cmd", XK_Super_L }, { "command", XK_Super_L },
  { "plus", XK_plus }, { "minus", XK_minus },
};

/**
 * porthole_keysym_from_name:
 * @name: an X keysym name ("Return", "Control_L", "F5"), a friendly
 *   alias of API.md §8.0 (any case), or a single character
 *
 * Returns: FALSE if @name names no key
 */
gboolean
porthole_keysym_from_name (const char *name,
                           KeySym     *keysym)
{
  g_autofree char *lower = NULL;
  KeySym found;

  g_return_val_if_fail (name != NULL, FALSE);

  if (*name == '\0')
    return FALSE;

  /* A single character is that character ("a", "A", "1", "é", "+"). */
  if (g_utf8_validate (name, -1, NULL) && g_utf8_strlen (name, -1) == 1)
    {
      *keysym = porthole_keysym_from_unichar (g_utf8_get_char (name));
      return *keysym != NoSymbol;
    }

  lower = g_ascii_strdown (name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (key_aliases); i++)
    if (g_str_equal (lower, key_aliases[i].alias))
      {
        *keysym = key_aliases[i].keysym;
        return TRUE;
      }

  /* f1 ... f35 */
  if (lower[0] == 'f' && g_ascii_isdigit (lower[1]))
    {
      guint64 n;

      if (g_ascii_string_to_unsigned (lower + 1, 10, 1, 35, &n, NULL))
        {
          *keysym = XK_F1 + n - 1;
          return TRUE;
        }
    }

  found = XStringToKeysym (name);
  if (found == NoSymbol)
    {
      /* "CONTROL_L", "kp_enter": try the usual capitalisation. */
      g_autofree char *title = g_strdup (lower);

      title[0] = g_ascii_toupper (title[0]);
      for (char *p = title; *p; p++)
        if (p[0] == '_' && p[1] != '\0')
          p[1] = g_ascii_toupper (p[1]);
      if (g_str_has_prefix (title, "Kp_"))
        title[1] = 'P';
      found = XStringToKeysym (title);
    }

  if (found == NoSymbol)
    return FALSE;

  *keysym = found;
  return TRUE;
}

/**
 * porthole_keysym_from_unichar:
 *
 * Returns: the keysym that types @c: Latin-1 keysyms are the code point,
 *   others the Unicode keysym 0x01000000 + code point (keysymdef.h);
 *   newline and tab are Return and Tab
 */
KeySym
porthole_keysym_from_unichar (gunichar c)
{
  if (c == '\n' || c == '\r')
    return XK_Return;
  if (c == '\t')
    return XK_Tab;
  if (c == '\b')
    return XK_BackSpace;
  if (c == 0x1b)
    return XK_Escape;
  if (c < 0x20 || (c >= 0x7f && c < 0xa0) || !g_unichar_validate (c))
    return NoSymbol;
  if (c < 0x100)
    return c;

  return 0x01000000 | c;
}

gboolean
porthole_keysym_is_modifier (KeySym keysym)
{
  return IsModifierKey (keysym);
}

/* Splits "ctrl+shift+t" into names; "ctrl++" is ctrl and "+". */
static GStrv
split_chord (const char *chord)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) token = g_string_new (NULL);

  for (const char *p = chord; *p; p++)
    {
      if (*p == '+' && token->len > 0)
        {
          g_strv_builder_add (builder, token->str);
          g_string_truncate (token, 0);
        }
      else if (*p == '+' && p[1] != '\0' && p[1] != '+' && p != chord)
        return NULL;                    /* "a++b": an empty key */
      else
        g_string_append_c (token, *p);
    }

  if (token->len == 0)
    return NULL;
  g_strv_builder_add (builder, token->str);

  return g_strv_builder_end (builder);
}

/**
 * porthole_keysyms_from_chord:
 * @chord: key names joined by '+' ("ctrl+shift+t", "Return", "ctrl++")
 * @keysyms: (element-type guint32): where the keysyms go, in order
 *
 * Returns: %FALSE with a PORTHOLE_ERROR_INVALID_REQUEST error naming a
 *   key that is not one
 */
gboolean
porthole_keysyms_from_chord (const char  *chord,
                             GArray      *keysyms,
                             GError     **error)
{
  g_auto(GStrv) parts = split_chord (chord);

  if (parts == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST, "Invalid key \"%s\"", chord);
      return FALSE;
    }

  for (guint j = 0; parts[j]; j++)
    {
      KeySym keysym;

      if (!porthole_keysym_from_name (parts[j], &keysym))
        {
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST, "Unknown key \"%s\"", parts[j]);
          return FALSE;
        }
      g_array_append_val (keysyms, (guint32) { keysym });
    }

  return TRUE;
}
