/* porthole-input-script.h — a sequence of input events and pauses
 *
 * Protocol-neutral: the HTTP routes build scripts, a VNC session would
 * send single events; both end in PortholeX11Input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_INPUT_STEP_MOTION,
  PORTHOLE_INPUT_STEP_BUTTON,
  PORTHOLE_INPUT_STEP_KEY,
  PORTHOLE_INPUT_STEP_DELAY,
} PortholeInputStepType;

typedef struct
{
  PortholeInputStepType type;
  gboolean pressed;
  int x;
  int y;
  guint button;
  guint32 keysym;
  guint delay_ms;
} PortholeInputStep;

/* X pointer buttons: 4-7 are the scroll wheel. */
#define PORTHOLE_BUTTON_LEFT         1
#define PORTHOLE_BUTTON_MIDDLE       2
#define PORTHOLE_BUTTON_RIGHT        3
#define PORTHOLE_BUTTON_SCROLL_UP    4
#define PORTHOLE_BUTTON_SCROLL_DOWN  5
#define PORTHOLE_BUTTON_SCROLL_LEFT  6
#define PORTHOLE_BUTTON_SCROLL_RIGHT 7

#define PORTHOLE_TYPE_INPUT_SCRIPT (porthole_input_script_get_type ())

typedef struct _PortholeInputScript PortholeInputScript;

GType                    porthole_input_script_get_type     (void) G_GNUC_CONST;
PortholeInputScript     *porthole_input_script_new          (void);
PortholeInputScript     *porthole_input_script_ref          (PortholeInputScript *self);
void                     porthole_input_script_unref        (PortholeInputScript *self);

void                     porthole_input_script_add_motion   (PortholeInputScript *self,
                                                             int                  x,
                                                             int                  y);
void                     porthole_input_script_add_button   (PortholeInputScript *self,
                                                             guint                button,
                                                             gboolean             pressed);
void                     porthole_input_script_add_key      (PortholeInputScript *self,
                                                             guint32              keysym,
                                                             gboolean             pressed);
void                     porthole_input_script_add_delay    (PortholeInputScript *self,
                                                             guint                delay_ms);
void                     porthole_input_script_add_chord    (PortholeInputScript *self,
                                                             const guint32       *keysyms,
                                                             guint                n_keysyms);
void                     porthole_input_script_add_click    (PortholeInputScript *self,
                                                             guint                button,
                                                             guint                count,
                                                             guint                delay_ms);
guint                    porthole_input_script_add_text     (PortholeInputScript *self,
                                                             const char          *text,
                                                             guint                delay_ms);
void                     porthole_input_script_add_drag     (PortholeInputScript *self,
                                                             guint                button,
                                                             int                  from_x,
                                                             int                  from_y,
                                                             int                  to_x,
                                                             int                  to_y,
                                                             guint                duration_ms);

guint                    porthole_input_script_get_n_steps  (PortholeInputScript *self);
const PortholeInputStep *porthole_input_script_get_step     (PortholeInputScript *self,
                                                             guint                index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeInputScript, porthole_input_script_unref)

G_END_DECLS
