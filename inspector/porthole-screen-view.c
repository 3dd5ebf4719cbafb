/* porthole-screen-view.c
 *
 * Draws the paintable fitted to the widget ("fit", aspect kept,
 * centred) or pixel for pixel ("actual", inside a scrolled window).
 *
 * With input enabled, pointer, buttons, wheel and keys become "pointer"
 * (remote x, y, RFB button mask) and "key" (down, keysym) signals. GDK
 * keyvals are X keysyms; each key is released with the keysym it was
 * pressed with (Shift may have changed in between), and everything
 * still held is released when input stops or focus leaves, so nothing
 * stays stuck on the remote side. Ctrl+Alt+G asks to give control back
 * ("release-requested"): every other key goes to the remote desktop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "porthole-framebuffer.h"
#include "porthole-screen-view.h"
#include "porthole-vnc-session.h"

struct _PortholeScreenView
{
  GtkWidget parent_instance;

  GdkPaintable *paintable;
  GdkCursor *remote_cursor;
  gboolean fit;
  gboolean input_enabled;

  /* The scrolled window's viewport (1:1), whose scrolling shows other
   * tiles of the framebuffer. */
  GtkWidget *viewport;

  /* Where the last snapshot put the screen. */
  double scale;
  double offset_x;
  double offset_y;

  double pointer_x;
  double pointer_y;
  guint8 buttons;
  /* keycode → keysym of the keys held. */
  GHashTable *pressed_keys;
};

enum {
  PROP_0,
  PROP_PAINTABLE,
  PROP_SCALE_MODE,
  PROP_INPUT_ENABLED,
  N_PROPS
};

enum {
  POINTER,
  KEY,
  RELEASE_REQUESTED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (PortholeScreenView, porthole_screen_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
get_intrinsic_size (PortholeScreenView *self,
                    int                *width,
                    int                *height)
{
  *width = self->paintable ? gdk_paintable_get_intrinsic_width (self->paintable) : 0;
  *height = self->paintable ? gdk_paintable_get_intrinsic_height (self->paintable) : 0;
}

static void
update_geometry (PortholeScreenView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int remote_width, remote_height;

  get_intrinsic_size (self, &remote_width, &remote_height);
  if (remote_width <= 0 || remote_height <= 0)
    {
      self->scale = 1;
      self->offset_x = self->offset_y = 0;
      return;
    }

  self->scale = self->fit ? MIN ((double) width / remote_width, (double) height / remote_height) : 1.0;
  if (self->scale <= 0)
    self->scale = 1;
  /* Centred on whole pixels: at 1:1 a half-pixel offset would blur
   * every remote pixel over two of ours and leave a click on the edge
   * between two remote pixels. */
  self->offset_x = floor (MAX (0, (width - remote_width * self->scale) / 2));
  self->offset_y = floor (MAX (0, (height - remote_height * self->scale) / 2));
}

/* The part of the screen the viewport shows, in the paintable's
 * coordinates; FALSE when the view is not scrolled. */
static gboolean
visible_area (PortholeScreenView *self,
              graphene_rect_t    *area)
{
  graphene_point_t origin;

  if (self->viewport == NULL ||
      !gtk_widget_compute_point (self->viewport, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (0, 0), &origin))
    return FALSE;

  graphene_rect_init (area, origin.x - self->offset_x, origin.y - self->offset_y,
                      gtk_widget_get_width (self->viewport), gtk_widget_get_height (self->viewport));

  return TRUE;
}

static void
porthole_screen_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  PortholeScreenView *self = PORTHOLE_SCREEN_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int remote_width, remote_height;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));

  update_geometry (self);
  get_intrinsic_size (self, &remote_width, &remote_height);
  if (remote_width <= 0 || remote_height <= 0)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->offset_x, self->offset_y));
  if (PORTHOLE_IS_FRAMEBUFFER (self->paintable))
    {
      graphene_rect_t area;

      /* Only the tiles the viewport shows of a screen larger than it. */
      porthole_framebuffer_snapshot_area (PORTHOLE_FRAMEBUFFER (self->paintable), snapshot,
                                          remote_width * self->scale, remote_height * self->scale,
                                          visible_area (self, &area) ? &area : NULL);
    }
  else
    gdk_paintable_snapshot (self->paintable, snapshot,
                            remote_width * self->scale, remote_height * self->scale);
  gtk_snapshot_restore (snapshot);
}

static void
porthole_screen_view_root (GtkWidget *widget)
{
  PortholeScreenView *self = PORTHOLE_SCREEN_VIEW (widget);

  GTK_WIDGET_CLASS (porthole_screen_view_parent_class)->root (widget);

  /* GTK moves a scrolled child without drawing it again: the tiles that
   * come into view must be drawn. */
  self->viewport = gtk_widget_get_ancestor (widget, GTK_TYPE_VIEWPORT);
  if (self->viewport != NULL)
    {
      g_signal_connect_object (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->viewport)), "value-changed",
                               G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->viewport)), "value-changed",
                               G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
    }
}

static void
porthole_screen_view_unroot (GtkWidget *widget)
{
  PortholeScreenView *self = PORTHOLE_SCREEN_VIEW (widget);

  if (self->viewport != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->viewport)), self);
      g_signal_handlers_disconnect_by_data (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->viewport)), self);
      self->viewport = NULL;
    }

  GTK_WIDGET_CLASS (porthole_screen_view_parent_class)->unroot (widget);
}

static void
porthole_screen_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  PortholeScreenView *self = PORTHOLE_SCREEN_VIEW (widget);
  int remote_width, remote_height;
  int size;

  get_intrinsic_size (self, &remote_width, &remote_height);
  size = orientation == GTK_ORIENTATION_HORIZONTAL ? remote_width : remote_height;

  /* Fitted, the view takes whatever it is given; pixel for pixel, it
   * needs the whole screen (its scrolled window scrolls). */
  *minimum = self->fit ? 0 : size;
  *natural = size;
}

/* The centre of the device pixel under @coordinate. A pointer event
 * names a pixel, and GTK's float transforms deliver the pointer at pixel
 * 269 as 268.99998 as often as 269.00002: truncating that sent the click
 * one remote pixel left or up. The remote pixel shown at the centre of
 * the pointer's pixel is the one under it, scaled or not. */
static double
device_pixel_centre (PortholeScreenView *self,
                     double              coordinate)
{
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  return (floor (coordinate * device + 1.0 / 64) + 0.5) / device;
}

/**
 * porthole_screen_view_widget_to_remote:
 * @x: widget coordinate
 * @y: widget coordinate
 *
 * Returns: %TRUE if (@x, @y) is on the remote screen; the remote point
 *   is clamped to the screen either way
 */
gboolean
porthole_screen_view_widget_to_remote (PortholeScreenView *self,
                                       double              x,
                                       double              y,
                                       int                *remote_x,
                                       int                *remote_y)
{
  int remote_width, remote_height;
  double rx, ry;

  g_return_val_if_fail (PORTHOLE_IS_SCREEN_VIEW (self), FALSE);

  update_geometry (self);
  get_intrinsic_size (self, &remote_width, &remote_height);
  rx = (device_pixel_centre (self, x) - self->offset_x) / self->scale;
  ry = (device_pixel_centre (self, y) - self->offset_y) / self->scale;

  *remote_x = CLAMP ((int) floor (rx), 0, MAX (remote_width - 1, 0));
  *remote_y = CLAMP ((int) floor (ry), 0, MAX (remote_height - 1, 0));

  return rx >= 0 && ry >= 0 && rx < remote_width && ry < remote_height;
}

/**
 * porthole_screen_view_remote_to_widget:
 *
 * The widget point at the centre of remote pixel (@remote_x, @remote_y).
 */
void
porthole_screen_view_remote_to_widget (PortholeScreenView *self,
                                       int                 remote_x,
                                       int                 remote_y,
                                       double             *x,
                                       double             *y)
{
  g_return_if_fail (PORTHOLE_IS_SCREEN_VIEW (self));

  update_geometry (self);
  *x = self->offset_x + (remote_x + 0.5) * self->scale;
  *y = self->offset_y + (remote_y + 0.5) * self->scale;
}

static void
emit_pointer (PortholeScreenView *self)
{
  int x, y;

  porthole_screen_view_widget_to_remote (self, self->pointer_x, self->pointer_y, &x, &y);
  g_signal_emit (self, signals[POINTER], 0, x, y, (guint) self->buttons);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           PortholeScreenView       *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (self->input_enabled)
    emit_pointer (self);
}

static guint8
button_bit (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return PORTHOLE_VNC_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
      return PORTHOLE_VNC_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return PORTHOLE_VNC_BUTTON_RIGHT;
    default:
      return 0;
    }
}

static void
on_pressed (GtkGestureClick    *gesture,
            int                 n_press,
            double              x,
            double              y,
            PortholeScreenView *self)
{
  guint8 bit = button_bit (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)));

  if (!self->input_enabled)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->pointer_x = x;
  self->pointer_y = y;
  self->buttons |= bit;
  emit_pointer (self);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_released (GtkGestureClick    *gesture,
             int                 n_press,
             double              x,
             double              y,
             PortholeScreenView *self)
{
  guint8 bit = button_bit (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)));

  if (!self->input_enabled || !(self->buttons & bit))
    return;

  self->pointer_x = x;
  self->pointer_y = y;
  self->buttons &= ~bit;
  emit_pointer (self);
}

static void
on_unpaired_release (GtkGestureClick    *gesture,
                     double              x,
                     double              y,
                     guint               button,
                     GdkEventSequence   *sequence,
                     PortholeScreenView *self)
{
  guint8 bit = button_bit (button);

  if (!self->input_enabled || !(self->buttons & bit))
    return;

  self->buttons &= ~bit;
  emit_pointer (self);
}

static void
click_wheel (PortholeScreenView *self,
             guint8              bit,
             int                 clicks)
{
  int x, y;

  porthole_screen_view_widget_to_remote (self, self->pointer_x, self->pointer_y, &x, &y);
  for (int i = 0; i < clicks; i++)
    {
      g_signal_emit (self, signals[POINTER], 0, x, y, (guint) (self->buttons | bit));
      g_signal_emit (self, signals[POINTER], 0, x, y, (guint) self->buttons);
    }
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           PortholeScreenView       *self)
{
  if (!self->input_enabled)
    return FALSE;

  /* Discrete steps: one wheel click each, at most a few per event. */
  if (dy < 0)
    click_wheel (self, PORTHOLE_VNC_BUTTON_SCROLL_UP, MIN (5, (int) MAX (1, -dy)));
  else if (dy > 0)
    click_wheel (self, PORTHOLE_VNC_BUTTON_SCROLL_DOWN, MIN (5, (int) MAX (1, dy)));
  if (dx < 0)
    click_wheel (self, PORTHOLE_VNC_BUTTON_SCROLL_LEFT, MIN (5, (int) MAX (1, -dx)));
  else if (dx > 0)
    click_wheel (self, PORTHOLE_VNC_BUTTON_SCROLL_RIGHT, MIN (5, (int) MAX (1, dx)));

  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PortholeScreenView    *self)
{
  if (!self->input_enabled)
    return FALSE;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == (GDK_CONTROL_MASK | GDK_ALT_MASK) &&
      (keyval == GDK_KEY_g || keyval == GDK_KEY_G))
    {
      g_signal_emit (self, signals[RELEASE_REQUESTED], 0);
      return TRUE;
    }

  /* Auto-repeat presses the same key again: the remote side repeats
   * too, with the keysym it got first. */
  if (g_hash_table_contains (self->pressed_keys, GUINT_TO_POINTER (keycode)))
    keyval = GPOINTER_TO_UINT (g_hash_table_lookup (self->pressed_keys, GUINT_TO_POINTER (keycode)));
  else
    g_hash_table_insert (self->pressed_keys, GUINT_TO_POINTER (keycode), GUINT_TO_POINTER (keyval));

  g_signal_emit (self, signals[KEY], 0, TRUE, keyval);

  return TRUE;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 PortholeScreenView    *self)
{
  gpointer pressed;

  if (!g_hash_table_steal_extended (self->pressed_keys, GUINT_TO_POINTER (keycode), NULL, &pressed))
    return;

  g_signal_emit (self, signals[KEY], 0, FALSE, GPOINTER_TO_UINT (pressed));
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                PortholeScreenView      *self)
{
  porthole_screen_view_release_all (self);
}

/**
 * porthole_screen_view_release_all:
 *
 * Releases every key and button held on the remote side.
 */
void
porthole_screen_view_release_all (PortholeScreenView *self)
{
  GHashTableIter iter;
  gpointer keysym;

  g_return_if_fail (PORTHOLE_IS_SCREEN_VIEW (self));

  g_hash_table_iter_init (&iter, self->pressed_keys);
  while (g_hash_table_iter_next (&iter, NULL, &keysym))
    {
      g_hash_table_iter_remove (&iter);
      g_signal_emit (self, signals[KEY], 0, FALSE, GPOINTER_TO_UINT (keysym));
    }

  if (self->buttons != 0)
    {
      self->buttons = 0;
      emit_pointer (self);
    }
}

static void
update_cursor (PortholeScreenView *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), self->input_enabled ? self->remote_cursor : NULL);
}

static void
on_paintable_size_changed (PortholeScreenView *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
on_paintable_contents_changed (PortholeScreenView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
porthole_screen_view_dispose (GObject *object)
{
  PortholeScreenView *self = (PortholeScreenView *)object;

  porthole_screen_view_set_paintable (self, NULL);
  g_clear_object (&self->remote_cursor);

  G_OBJECT_CLASS (porthole_screen_view_parent_class)->dispose (object);
}

static void
porthole_screen_view_finalize (GObject *object)
{
  PortholeScreenView *self = (PortholeScreenView *)object;

  g_hash_table_unref (self->pressed_keys);

  G_OBJECT_CLASS (porthole_screen_view_parent_class)->finalize (object);
}

static void
porthole_screen_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PortholeScreenView *self = PORTHOLE_SCREEN_VIEW (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;

    case PROP_SCALE_MODE:
      g_value_set_string (value, porthole_screen_view_get_scale_mode (self));
      break;

    case PROP_INPUT_ENABLED:
      g_value_set_boolean (value, self->input_enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_screen_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PortholeScreenView *self = PORTHOLE_SCREEN_VIEW (object);

  switch (prop_id)
    {
    case PROP_PAINTABLE:
      porthole_screen_view_set_paintable (self, g_value_get_object (value));
      break;

    case PROP_SCALE_MODE:
      porthole_screen_view_set_scale_mode (self, g_value_get_string (value));
      break;

    case PROP_INPUT_ENABLED:
      porthole_screen_view_set_input_enabled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_screen_view_class_init (PortholeScreenViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_screen_view_dispose;
  object_class->finalize = porthole_screen_view_finalize;
  object_class->get_property = porthole_screen_view_get_property;
  object_class->set_property = porthole_screen_view_set_property;

  widget_class->snapshot = porthole_screen_view_snapshot;
  widget_class->root = porthole_screen_view_root;
  widget_class->unroot = porthole_screen_view_unroot;
  widget_class->measure = porthole_screen_view_measure;

  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SCALE_MODE] =
    g_param_spec_string ("scale-mode", NULL, NULL, "fit",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_INPUT_ENABLED] =
    g_param_spec_boolean ("input-enabled", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortholeScreenView::pointer:
   * @x: remote x
   * @y: remote y
   * @buttons: RFB button mask (PORTHOLE_VNC_BUTTON_*)
   */
  signals[POINTER] =
    g_signal_new ("pointer",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_UINT);

  /**
   * PortholeScreenView::key:
   * @down: pressed or released
   * @keysym: the X keysym
   */
  signals[KEY] =
    g_signal_new ("key",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_UINT);

  /**
   * PortholeScreenView::release-requested:
   *
   * Ctrl+Alt+G was pressed while input was on.
   */
  signals[RELEASE_REQUESTED] =
    g_signal_new ("release-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "screenview");
}

static void
porthole_screen_view_init (PortholeScreenView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->fit = TRUE;
  self->scale = 1;
  self->pressed_keys = g_hash_table_new (NULL, NULL);

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  g_signal_connect (click, "unpaired-release", G_CALLBACK (on_unpaired_release), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
porthole_screen_view_new (void)
{
  return g_object_new (PORTHOLE_TYPE_SCREEN_VIEW, NULL);
}

/**
 * porthole_screen_view_get_paintable:
 *
 * Returns: (transfer none) (nullable): the remote screen
 */
GdkPaintable *
porthole_screen_view_get_paintable (PortholeScreenView *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_VIEW (self), NULL);

  return self->paintable;
}

void
porthole_screen_view_set_paintable (PortholeScreenView *self,
                                    GdkPaintable       *paintable)
{
  g_return_if_fail (PORTHOLE_IS_SCREEN_VIEW (self));
  g_return_if_fail (!paintable || GDK_IS_PAINTABLE (paintable));

  if (self->paintable == paintable)
    return;

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);
  g_set_object (&self->paintable, paintable);
  if (paintable != NULL)
    {
      g_signal_connect_swapped (paintable, "invalidate-size", G_CALLBACK (on_paintable_size_changed), self);
      g_signal_connect_swapped (paintable, "invalidate-contents", G_CALLBACK (on_paintable_contents_changed), self);
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
}

const char *
porthole_screen_view_get_scale_mode (PortholeScreenView *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_VIEW (self), NULL);

  return self->fit ? "fit" : "actual";
}

/**
 * porthole_screen_view_set_scale_mode:
 * @scale_mode: "fit" or "actual"
 */
void
porthole_screen_view_set_scale_mode (PortholeScreenView *self,
                                     const char         *scale_mode)
{
  gboolean fit = g_strcmp0 (scale_mode, "actual") != 0;

  g_return_if_fail (PORTHOLE_IS_SCREEN_VIEW (self));

  if (self->fit == fit)
    return;

  self->fit = fit;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE_MODE]);
}

gboolean
porthole_screen_view_get_input_enabled (PortholeScreenView *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SCREEN_VIEW (self), FALSE);

  return self->input_enabled;
}

/**
 * porthole_screen_view_set_input_enabled:
 *
 * Off (view only), nothing reaches the remote desktop; switching off
 * releases what is held.
 */
void
porthole_screen_view_set_input_enabled (PortholeScreenView *self,
                                        gboolean            input_enabled)
{
  g_return_if_fail (PORTHOLE_IS_SCREEN_VIEW (self));

  input_enabled = !!input_enabled;
  if (self->input_enabled == input_enabled)
    return;

  if (!input_enabled)
    porthole_screen_view_release_all (self);

  self->input_enabled = input_enabled;
  gtk_widget_set_focusable (GTK_WIDGET (self), input_enabled);
  if (input_enabled)
    gtk_widget_grab_focus (GTK_WIDGET (self));
  update_cursor (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INPUT_ENABLED]);
}

/**
 * porthole_screen_view_set_remote_cursor:
 * @cursor: (nullable): the remote cursor's shape, shown while in control
 */
void
porthole_screen_view_set_remote_cursor (PortholeScreenView *self,
                                        GdkCursor          *cursor)
{
  g_return_if_fail (PORTHOLE_IS_SCREEN_VIEW (self));

  g_set_object (&self->remote_cursor, cursor);
  update_cursor (self);
}
