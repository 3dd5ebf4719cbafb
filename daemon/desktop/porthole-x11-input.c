/* porthole-x11-input.c
 *
 * XTest in-process: no xdotool. Keysyms become keycodes through
 * PortholeX11Keymap; a keysym found at the Shift level gets a Shift press
 * around it unless Shift is already down.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "porthole-error.h"
#include "porthole-x11-input.h"
#include "porthole-x11-keymap.h"

/* Steps sent in one go before other main-loop sources get a turn. */
#define STEPS_PER_DISPATCH 256

typedef struct
{
  guint32 keysym;
  KeyCode keycode;
  /* We pressed Shift for it and release Shift with it. */
  gboolean added_shift;
} PressedKey;

typedef struct
{
  PortholeInputScript *script;
  guint next;
  GArray *keys;          /* PressedKey, held by this script */
  guint buttons;         /* bit N: button N held by this script */
  guint source_id;
  gulong cancelled_id;
} Run;

struct _PortholeX11Input
{
  GObject parent_instance;

  PortholeX11Display *display;
  PortholeX11Keymap *keymap;
  KeyCode shift_keycode;

  GQueue pending;        /* GTask, the head is running */
  GArray *keys;          /* PressedKey, held through the single-event API */
  guint buttons;
  guint n_shift_down;
};

G_DEFINE_FINAL_TYPE (PortholeX11Input, porthole_x11_input, G_TYPE_OBJECT)

static void run_next (PortholeX11Input *self);

static void
run_free (Run *run)
{
  g_assert (run->source_id == 0);

  g_clear_pointer (&run->script, porthole_input_script_unref);
  g_clear_pointer (&run->keys, g_array_unref);
  g_free (run);
}

static void
porthole_x11_input_dispose (GObject *object)
{
  PortholeX11Input *self = (PortholeX11Input *)object;

  g_assert (self->pending.length == 0);

  if (self->display != NULL)
    porthole_x11_input_release_all (self);
  g_clear_object (&self->keymap);
  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_input_parent_class)->dispose (object);
}

static void
porthole_x11_input_finalize (GObject *object)
{
  PortholeX11Input *self = (PortholeX11Input *)object;

  g_clear_pointer (&self->keys, g_array_unref);

  G_OBJECT_CLASS (porthole_x11_input_parent_class)->finalize (object);
}

static void
porthole_x11_input_class_init (PortholeX11InputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_x11_input_dispose;
  object_class->finalize = porthole_x11_input_finalize;
}

static void
porthole_x11_input_init (PortholeX11Input *self)
{
  g_queue_init (&self->pending);
  self->keys = g_array_new (FALSE, FALSE, sizeof (PressedKey));
}

PortholeX11Input *
porthole_x11_input_new (PortholeX11Display *display)
{
  PortholeX11Input *self;
  gboolean needs_shift;
  gint64 ready_at;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_INPUT, NULL);
  self->display = g_object_ref (display);
  self->keymap = porthole_x11_keymap_new (display);
  if (!porthole_x11_keymap_lookup (self->keymap, XK_Shift_L, &self->shift_keycode, &needs_shift, &ready_at))
    self->shift_keycode = 0;

  return self;
}

static Display *
get_xdisplay (PortholeX11Input *self)
{
  return porthole_x11_display_get_xdisplay (self->display);
}

static gboolean
is_shift (PortholeX11Input *self,
          guint32           keysym)
{
  return keysym == XK_Shift_L || keysym == XK_Shift_R;
}

static void
send_key (PortholeX11Input *self,
          KeyCode           keycode,
          gboolean          pressed)
{
  XTestFakeKeyEvent (get_xdisplay (self), keycode, pressed, CurrentTime);
  porthole_x11_keymap_key_pressed (self->keymap, keycode, pressed);
}

/* Presses @keysym and records it in @keys. Returns FALSE with *ready_at
 * set when the keycode may not be sent yet. */
static gboolean
press_key (PortholeX11Input  *self,
           GArray            *keys,
           guint32            keysym,
           gint64            *ready_at,
           GError           **error)
{
  PressedKey key = { .keysym = keysym };
  gboolean needs_shift;

  if (!porthole_x11_keymap_lookup (self->keymap, keysym, &key.keycode, &needs_shift, ready_at))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "No keycode is free to type keysym 0x%x", keysym);
      return FALSE;
    }

  if (*ready_at > g_get_monotonic_time ())
    return FALSE;
  *ready_at = 0;

  if (needs_shift && self->n_shift_down == 0 && self->shift_keycode != 0)
    {
      send_key (self, self->shift_keycode, TRUE);
      key.added_shift = TRUE;
    }

  send_key (self, key.keycode, TRUE);
  if (is_shift (self, keysym))
    self->n_shift_down++;
  g_array_append_val (keys, key);

  return TRUE;
}

static void
release_key_at (PortholeX11Input *self,
                GArray           *keys,
                guint             index)
{
  PressedKey key = g_array_index (keys, PressedKey, index);

  g_array_remove_index (keys, index);
  send_key (self, key.keycode, FALSE);
  if (is_shift (self, key.keysym) && self->n_shift_down > 0)
    self->n_shift_down--;
  if (key.added_shift)
    send_key (self, self->shift_keycode, FALSE);
}

static void
release_key (PortholeX11Input *self,
             GArray           *keys,
             guint32           keysym)
{
  /* The most recent press of this keysym. */
  for (guint i = keys->len; i > 0; i--)
    if (g_array_index (keys, PressedKey, i - 1).keysym == keysym)
      {
        release_key_at (self, keys, i - 1);
        return;
      }
}

static void
release_everything (PortholeX11Input *self,
                    GArray           *keys,
                    guint            *buttons)
{
  if (porthole_x11_display_is_closed (self->display))
    {
      g_array_set_size (keys, 0);
      *buttons = 0;
      return;
    }

  while (keys->len > 0)
    release_key_at (self, keys, keys->len - 1);

  for (guint button = 1; *buttons != 0; button++)
    if (*buttons & (1u << button))
      {
        XTestFakeButtonEvent (get_xdisplay (self), button, False, CurrentTime);
        *buttons &= ~(1u << button);
      }

  XFlush (get_xdisplay (self));
}

static void
send_button (PortholeX11Input *self,
             guint            *buttons,
             guint             button,
             gboolean          pressed)
{
  XTestFakeButtonEvent (get_xdisplay (self), button, pressed, CurrentTime);
  if (button < 32)
    {
      if (pressed)
        *buttons |= 1u << button;
      else
        *buttons &= ~(1u << button);
    }
}

void
porthole_x11_input_pointer_motion (PortholeX11Input *self,
                                   int               x,
                                   int               y)
{
  int width, height;

  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));

  if (porthole_x11_display_is_closed (self->display))
    return;

  /* XTest carries 16-bit signed places: a VNC viewer's x of 40000 (or
   * 65535 scaled by its SetScale) came out as -25536, at the opposite
   * edge (found by fuzz/fuzz-vnc-input). Off the screen is its edge. */
  porthole_x11_display_get_size (self->display, &width, &height);
  x = CLAMP (x, 0, MAX (width, 1) - 1);
  y = CLAMP (y, 0, MAX (height, 1) - 1);
  XTestFakeMotionEvent (get_xdisplay (self), -1, x, y, CurrentTime);
  XFlush (get_xdisplay (self));
}

void
porthole_x11_input_pointer_button (PortholeX11Input *self,
                                   guint             button,
                                   gboolean          pressed)
{
  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));
  g_return_if_fail (button >= 1 && button < 32);

  if (porthole_x11_display_is_closed (self->display))
    return;

  send_button (self, &self->buttons, button, pressed);
  XFlush (get_xdisplay (self));
}

/**
 * porthole_x11_input_keysym:
 *
 * Returns: FALSE if the keysym cannot be typed now
 */
gboolean
porthole_x11_input_keysym (PortholeX11Input *self,
                           guint32           keysym,
                           gboolean          pressed)
{
  gint64 ready_at = 0;

  g_return_val_if_fail (PORTHOLE_IS_X11_INPUT (self), FALSE);

  if (porthole_x11_display_is_closed (self->display))
    return FALSE;

  if (pressed)
    {
      if (!press_key (self, self->keys, keysym, &ready_at, NULL))
        return FALSE;
    }
  else
    release_key (self, self->keys, keysym);

  XFlush (get_xdisplay (self));
  porthole_x11_keymap_restore_later (self->keymap);

  return TRUE;
}

/**
 * porthole_x11_input_release_all:
 *
 * Releases what the single-event API holds (a remote client went away).
 */
void
porthole_x11_input_release_all (PortholeX11Input *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));

  release_everything (self, self->keys, &self->buttons);
}

/* Scripts */

static void
finish_run (PortholeX11Input *self,
            GTask            *task,
            GError           *error)
{
  Run *run = g_task_get_task_data (task);

  g_clear_handle_id (&run->source_id, g_source_remove);
  g_cancellable_disconnect (g_task_get_cancellable (task), run->cancelled_id);
  run->cancelled_id = 0;

  release_everything (self, run->keys, &run->buttons);
  if (!porthole_x11_display_is_closed (self->display))
    {
      /* The server has handled every event when we answer. */
      XSync (get_xdisplay (self), False);
      porthole_x11_keymap_restore_later (self->keymap);
    }

  g_queue_remove (&self->pending, task);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);

  run_next (self);
}

static gboolean run_steps_cb (gpointer user_data);

static void
schedule (GTask  *task,
          guint   delay_ms)
{
  Run *run = g_task_get_task_data (task);

  g_assert (run->source_id == 0);

  /* Not an idle priority: it would starve while clients keep the main
   * loop busy, and the request would never be answered. */
  if (delay_ms == 0)
    run->source_id = g_idle_add_full (G_PRIORITY_DEFAULT, run_steps_cb, task, NULL);
  else
    run->source_id = g_timeout_add (delay_ms, run_steps_cb, task);
}

static void
run_steps (GTask *task)
{
  PortholeX11Input *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  guint n_steps = porthole_input_script_get_n_steps (run->script);
  guint sent = 0;

  while (run->next < n_steps)
    {
      const PortholeInputStep *step = porthole_input_script_get_step (run->script, run->next);
      g_autoptr(GError) error = NULL;
      gint64 ready_at = 0;

      if (porthole_x11_display_is_closed (self->display))
        {
          finish_run (self, task, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                                               "The X display went away"));
          return;
        }

      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
        {
          finish_run (self, task, g_steal_pointer (&error));
          return;
        }

      if (sent >= STEPS_PER_DISPATCH)
        {
          XFlush (get_xdisplay (self));
          schedule (task, 0);
          return;
        }

      switch (step->type)
        {
        case PORTHOLE_INPUT_STEP_MOTION:
          XTestFakeMotionEvent (get_xdisplay (self), -1, step->x, step->y, CurrentTime);
          break;

        case PORTHOLE_INPUT_STEP_BUTTON:
          send_button (self, &run->buttons, step->button, step->pressed);
          break;

        case PORTHOLE_INPUT_STEP_KEY:
          if (!step->pressed)
            release_key (self, run->keys, step->keysym);
          else if (!press_key (self, run->keys, step->keysym, &ready_at, &error))
            {
              if (error != NULL)
                {
                  finish_run (self, task, g_steal_pointer (&error));
                  return;
                }
              /* A spare keycode still in use by clients: come back. */
              XFlush (get_xdisplay (self));
              schedule (task, (ready_at - g_get_monotonic_time ()) / 1000 + 1);
              return;
            }
          break;

        case PORTHOLE_INPUT_STEP_DELAY:
          run->next++;
          XFlush (get_xdisplay (self));
          schedule (task, step->delay_ms);
          return;

        default:
          g_assert_not_reached ();
        }

      run->next++;
      sent++;
    }

  finish_run (self, task, NULL);
}

static gboolean
run_steps_cb (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->source_id = 0;
  run_steps (task);

  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              GTask        *task)
{
  Run *run = g_task_get_task_data (task);

  /* Let the next step notice, from the main loop. */
  if (run->source_id != 0)
    {
      g_source_remove (run->source_id);
      run->source_id = 0;
      schedule (task, 0);
    }
}

static void
run_next (PortholeX11Input *self)
{
  GTask *task = g_queue_peek_head (&self->pending);
  Run *run;

  if (task == NULL)
    return;

  run = g_task_get_task_data (task);
  if (run->source_id != 0 || run->next > 0)
    return;

  if (g_task_get_cancellable (task) != NULL)
    run->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task),
                                               G_CALLBACK (on_cancelled), task, NULL);
  schedule (task, 0);
}

/**
 * porthole_x11_input_run_async:
 *
 * Queues @script; it starts when the scripts before it are done.
 */
void
porthole_x11_input_run_async (PortholeX11Input    *self,
                              PortholeInputScript *script,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));
  g_return_if_fail (script != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_x11_input_run_async);

  run = g_new0 (Run, 1);
  run->script = porthole_input_script_ref (script);
  run->keys = g_array_new (FALSE, FALSE, sizeof (PressedKey));
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  g_queue_push_tail (&self->pending, task);
  if (self->pending.length == 1)
    run_next (self);
}

gboolean
porthole_x11_input_run_finish (PortholeX11Input  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
