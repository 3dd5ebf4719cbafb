/* porthole-input-script.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-input-script.h"
#include "porthole-x11-keymap.h"

/* Motion events per second of a drag, so drag-aware clients see the
 * pointer travel and not jump. */
#define DRAG_MOTION_HZ 60
#define DRAG_MIN_STEPS 5

struct _PortholeInputScript
{
  GArray *steps;
  gatomicrefcount ref_count;
};

G_DEFINE_BOXED_TYPE (PortholeInputScript, porthole_input_script,
                     porthole_input_script_ref, porthole_input_script_unref)

PortholeInputScript *
porthole_input_script_new (void)
{
  PortholeInputScript *self = g_new0 (PortholeInputScript, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->steps = g_array_new (FALSE, TRUE, sizeof (PortholeInputStep));

  return self;
}

PortholeInputScript *
porthole_input_script_ref (PortholeInputScript *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
porthole_input_script_unref (PortholeInputScript *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->steps);
      g_free (self);
    }
}

static void
add_step (PortholeInputScript     *self,
          const PortholeInputStep *step)
{
  g_array_append_vals (self->steps, step, 1);
}

void
porthole_input_script_add_motion (PortholeInputScript *self,
                                  int                  x,
                                  int                  y)
{
  add_step (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_MOTION, .x = x, .y = y });
}

void
porthole_input_script_add_button (PortholeInputScript *self,
                                  guint                button,
                                  gboolean             pressed)
{
  g_return_if_fail (button >= 1);

  add_step (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_BUTTON,
                                         .button = button, .pressed = pressed });
}

void
porthole_input_script_add_key (PortholeInputScript *self,
                               guint32              keysym,
                               gboolean             pressed)
{
  add_step (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_KEY,
                                         .keysym = keysym, .pressed = pressed });
}

void
porthole_input_script_add_delay (PortholeInputScript *self,
                                 guint                delay_ms)
{
  if (delay_ms > 0)
    add_step (self, &(PortholeInputStep) { .type = PORTHOLE_INPUT_STEP_DELAY, .delay_ms = delay_ms });
}

/**
 * porthole_input_script_add_chord:
 *
 * Presses @keysyms in order and releases them in reverse order
 * ("ctrl+shift+t").
 */
void
porthole_input_script_add_chord (PortholeInputScript *self,
                                 const guint32       *keysyms,
                                 guint                n_keysyms)
{
  for (guint i = 0; i < n_keysyms; i++)
    porthole_input_script_add_key (self, keysyms[i], TRUE);
  for (guint i = n_keysyms; i > 0; i--)
    porthole_input_script_add_key (self, keysyms[i - 1], FALSE);
}

/**
 * porthole_input_script_add_click:
 * @count: clicks (a double click is 2), or wheel steps for buttons 4-7
 * @delay_ms: pause between clicks
 *
 * Presses and releases @button @count times, where the pointer is.
 */
void
porthole_input_script_add_click (PortholeInputScript *self,
                                 guint                button,
                                 guint                count,
                                 guint                delay_ms)
{
  for (guint i = 0; i < count; i++)
    {
      if (i > 0 && delay_ms > 0)
        porthole_input_script_add_delay (self, delay_ms);
      porthole_input_script_add_button (self, button, TRUE);
      porthole_input_script_add_button (self, button, FALSE);
    }
}

/**
 * porthole_input_script_add_text:
 * @text: UTF-8
 * @delay_ms: pause between characters
 *
 * Types @text key by key ("\r\n" is one line break); characters no
 * keysym stands for are skipped.
 *
 * Returns: the number of characters typed
 */
guint
porthole_input_script_add_text (PortholeInputScript *self,
                                const char          *text,
                                guint                delay_ms)
{
  guint length = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint32 keysym;

      if (c == '\r' && p[1] == '\n')
        continue;

      keysym = porthole_keysym_from_unichar (c);
      if (keysym == 0)
        continue;

      if (length > 0)
        porthole_input_script_add_delay (self, delay_ms);
      porthole_input_script_add_key (self, keysym, TRUE);
      porthole_input_script_add_key (self, keysym, FALSE);
      length++;
    }

  return length;
}

/**
 * porthole_input_script_add_drag:
 *
 * Press at the start, travel with intermediate motion over
 * @duration_ms, release at the end.
 */
void
porthole_input_script_add_drag (PortholeInputScript *self,
                                guint                button,
                                int                  from_x,
                                int                  from_y,
                                int                  to_x,
                                int                  to_y,
                                guint                duration_ms)
{
  guint n_steps = MAX (DRAG_MIN_STEPS, duration_ms * DRAG_MOTION_HZ / 1000);
  guint pause = duration_ms / n_steps;

  porthole_input_script_add_motion (self, from_x, from_y);
  porthole_input_script_add_button (self, button, TRUE);
  for (guint i = 1; i <= n_steps; i++)
    {
      porthole_input_script_add_delay (self, pause);
      porthole_input_script_add_motion (self,
                                        from_x + (to_x - from_x) * (int) i / (int) n_steps,
                                        from_y + (to_y - from_y) * (int) i / (int) n_steps);
    }
  porthole_input_script_add_button (self, button, FALSE);
}

guint
porthole_input_script_get_n_steps (PortholeInputScript *self)
{
  return self->steps->len;
}

const PortholeInputStep *
porthole_input_script_get_step (PortholeInputScript *self,
                                guint                index)
{
  g_return_val_if_fail (index < self->steps->len, NULL);

  return &g_array_index (self->steps, PortholeInputStep, index);
}
