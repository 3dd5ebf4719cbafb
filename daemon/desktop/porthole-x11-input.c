/* porthole-x11-input.c
 *
 * XTest in-process: no xdotool. Keysyms become keycodes through
 * PortholeX11Keymap; a keysym found at the Shift level gets a Shift press
 * around it unless Shift is already down. A spare keycode may not be
 * rebound yet (porthole-x11-keymap.c): a script waits for it, and so do
 * single events (a VNC viewer's), in a queue, in order, every event
 * after the one that waits too; a timer sends them once the keycode is
 * ready.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "porthole-defer.h"
#include "porthole-error.h"
#include "porthole-x11-input.h"
#include "porthole-x11-keymap.h"

/* Steps sent in one go before other main-loop sources get a turn. */
#define STEPS_PER_DISPATCH 256

/* Single events waiting at most: a viewer may send keys faster than
 * spare keycodes can be rebound (each 100 ms after its last use), and
 * 4096 events are some 2000 keys typed, in 256 KiB at most. Beyond,
 * events are dropped, logged once: a key whose release is dropped stays
 * down until the viewer types it again or leaves. */
#define MAX_WAITING 4096

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

  /* Single events not sent yet, PortholeInputStep; the head waits for
   * its keycode, and waiting_id sends it then. */
  GQueue waiting;
  guint waiting_id;
  guint n_dropped;       /* beyond MAX_WAITING, since the queue was empty */
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

  /* The waiting events and their timer go too. */
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
  g_queue_init (&self->waiting);
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

  /* Lookup's verdict, not the clock's now: the keycode is not rebound
   * yet, even if ready_at passed meanwhile (the key would be typed as
   * the keycode's previous keysym, found by /vnc/key-burst). */
  if (*ready_at != 0)
    return FALSE;

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

static void
send_motion (PortholeX11Input *self,
             int               x,
             int               y)
{
  int width, height;

  /* XTest carries 16-bit signed places: a VNC viewer's x of 40000 (or
   * 65535 scaled by its SetScale) came out as -25536, at the opposite
   * edge (found by fuzz/fuzz-vnc-input). Off the screen is its edge. */
  porthole_x11_display_get_size (self->display, &width, &height);
  x = CLAMP (x, 0, MAX (width, 1) - 1);
  y = CLAMP (y, 0, MAX (height, 1) - 1);
  XTestFakeMotionEvent (get_xdisplay (self), -1, x, y, CurrentTime);
}

/* Sends a motion, button or key @step for whoever holds @keys and
 * @buttons. Returns FALSE with *ready_at set when a key may not be
 * pressed yet, or with @error when it cannot be typed. */
static gboolean
send_step (PortholeX11Input         *self,
           const PortholeInputStep  *step,
           GArray                   *keys,
           guint                    *buttons,
           gint64                   *ready_at,
           GError                  **error)
{
  switch (step->type)
    {
    case PORTHOLE_INPUT_STEP_MOTION:
      send_motion (self, step->x, step->y);
      return TRUE;

    case PORTHOLE_INPUT_STEP_BUTTON:
      send_button (self, buttons, step->button, step->pressed);
      return TRUE;

    case PORTHOLE_INPUT_STEP_KEY:
      if (step->pressed)
        return press_key (self, keys, step->keysym, ready_at, error);
      release_key (self, keys, step->keysym);
      return TRUE;

    case PORTHOLE_INPUT_STEP_DELAY:
    default:
      g_assert_not_reached ();
    }
}

/* A timeout's milliseconds until @ready_at has passed. */
static guint
ms_until (gint64 ready_at)
{
  return MAX (ready_at - g_get_monotonic_time (), 0) / 1000 + 1;
}

/* Single events */

static void
clear_waiting (PortholeX11Input *self)
{
  g_clear_handle_id (&self->waiting_id, g_source_remove);
  g_queue_clear_full (&self->waiting, g_free);
  self->n_dropped = 0;
}

static gboolean send_waiting_cb (gpointer user_data);

/* Sends the waiting events in order, up to one that must wait again. */
static void
send_waiting (PortholeX11Input *self)
{
  PortholeLogBuffer *log = porthole_x11_display_get_log (self->display);
  PortholeInputStep *step;
  guint sent = 0;

  if (porthole_x11_display_is_closed (self->display))
    {
      clear_waiting (self);
      return;
    }

  while ((step = g_queue_peek_head (&self->waiting)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      gint64 ready_at = 0;

      if (sent >= STEPS_PER_DISPATCH)
        {
          self->waiting_id = porthole_defer (send_waiting_cb, self);
          break;
        }

      if (!send_step (self, step, self->keys, &self->buttons, &ready_at, &error))
        {
          if (error == NULL)
            {
              self->waiting_id = g_timeout_add (ms_until (ready_at), send_waiting_cb, self);
              break;
            }
          /* Every spare keycode is held down. */
          porthole_log_buffer_append (log, "input", "A key press that waited dropped: %s", error->message);
        }

      g_free (g_queue_pop_head (&self->waiting));
      sent++;
    }

  XFlush (get_xdisplay (self));
  porthole_x11_keymap_restore_later (self->keymap);

  if (self->waiting.length == 0 && self->n_dropped > 0)
    {
      porthole_log_buffer_append (log, "input", "%u input events dropped: %u waited already",
                                  self->n_dropped, MAX_WAITING);
      self->n_dropped = 0;
    }
}

static gboolean
send_waiting_cb (gpointer user_data)
{
  PortholeX11Input *self = user_data;

  self->waiting_id = 0;
  send_waiting (self);

  return G_SOURCE_REMOVE;
}

/* Sends @step, or queues it when it must wait or others wait already:
 * none overtakes another (a release its press, a click a key typed
 * before it). Returns FALSE for a key that can never be typed. */
static gboolean
send_single (PortholeX11Input        *self,
             const PortholeInputStep *step)
{
  gboolean is_press = step->type == PORTHOLE_INPUT_STEP_KEY && step->pressed;
  gint64 ready_at = 0;

  if (porthole_x11_display_is_closed (self->display))
    return FALSE;

  if (self->waiting.length == 0)
    {
      g_autoptr(GError) error = NULL;

      if (send_step (self, step, self->keys, &self->buttons, &ready_at, &error))
        {
          XFlush (get_xdisplay (self));
          if (step->type == PORTHOLE_INPUT_STEP_KEY)
            porthole_x11_keymap_restore_later (self->keymap);
          return TRUE;
        }
      if (error != NULL)
        return FALSE;
      self->waiting_id = g_timeout_add (ms_until (ready_at), send_waiting_cb, self);
    }
  else if (is_press && !porthole_x11_keymap_can_type (self->keymap, step->keysym))
    return FALSE;
  else if (self->waiting.length >= MAX_WAITING)
    {
      if (self->n_dropped++ == 0)
        porthole_log_buffer_append (porthole_x11_display_get_log (self->display), "input",
                                    "%u input events wait for a spare keycode: more are dropped", MAX_WAITING);
      return TRUE;
    }

  g_queue_push_tail (&self->waiting, g_memdup2 (step, sizeof *step));

  return TRUE;
}

void
porthole_x11_input_pointer_motion (PortholeX11Input *self,
                                   int               x,
                                   int               y)
{
  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));

  send_single (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_MOTION, .x = x, .y = y });
}

void
porthole_x11_input_pointer_button (PortholeX11Input *self,
                                   guint             button,
                                   gboolean          pressed)
{
  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));
  g_return_if_fail (button >= 1 && button < 32);

  send_single (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_BUTTON, .button = button,
                                            .pressed = pressed });
}

/**
 * porthole_x11_input_keysym:
 *
 * Sends the key event now, or once the events before it are sent and
 * its keycode is ready.
 *
 * Returns: FALSE if the keysym can never be typed
 */
gboolean
porthole_x11_input_keysym (PortholeX11Input *self,
                           guint32           keysym,
                           gboolean          pressed)
{
  g_return_val_if_fail (PORTHOLE_IS_X11_INPUT (self), FALSE);

  return send_single (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_KEY, .keysym = keysym,
                                                   .pressed = pressed });
}

/**
 * porthole_x11_input_release_all:
 *
 * Drops the single events that wait and releases what the single-event
 * API holds (a remote client went away).
 */
void
porthole_x11_input_release_all (PortholeX11Input *self)
{
  g_return_if_fail (PORTHOLE_IS_X11_INPUT (self));

  clear_waiting (self);
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

  if (delay_ms == 0)
    run->source_id = porthole_defer (run_steps_cb, task);
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

      if (step->type == PORTHOLE_INPUT_STEP_DELAY)
        {
          run->next++;
          XFlush (get_xdisplay (self));
          schedule (task, step->delay_ms);
          return;
        }

      if (!send_step (self, step, run->keys, &run->buttons, &ready_at, &error))
        {
          if (error != NULL)
            {
              finish_run (self, task, g_steal_pointer (&error));
              return;
            }
          /* A spare keycode still in use by clients: come back. */
          XFlush (get_xdisplay (self));
          schedule (task, ms_until (ready_at));
          return;
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
