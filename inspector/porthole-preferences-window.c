/* porthole-preferences-window.c
 *
 * Every row is bound to its key: changes apply at once, nothing to save.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-preferences-window.h"

struct _PortholePreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwComboRow *style_row;
  GtkSwitch *fit_switch;
  GtkSwitch *resize_switch;
  GtkSpinButton *screenshot_spin;
  GtkSpinButton *health_spin;
  GtkSpinButton *processes_spin;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (PortholePreferencesWindow, porthole_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo row's positions, in the order of the .ui's string list. */
static const char *styles[] = { "default", "light", "dark" };

static gboolean
style_to_position (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      if (g_str_equal (style, styles[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
position_to_style (const GValue       *value,
                   const GVariantType *type,
                   gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  return g_variant_new_string (styles[position < G_N_ELEMENTS (styles) ? position : 0]);
}

static gboolean
scale_mode_to_fit (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  g_value_set_boolean (value, g_strcmp0 (g_variant_get_string (variant, NULL), "actual") != 0);
  return TRUE;
}

static GVariant *
fit_to_scale_mode (const GValue       *value,
                   const GVariantType *type,
                   gpointer            user_data)
{
  return g_variant_new_string (g_value_get_boolean (value) ? "fit" : "actual");
}

static gboolean
milliseconds_to_seconds (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 1000.0);
  return TRUE;
}

static GVariant *
seconds_to_milliseconds (const GValue       *value,
                         const GVariantType *type,
                         gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) * 1000 + 0.5));
}

static gboolean
uint_to_double (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
double_to_uint (const GValue       *value,
                const GVariantType *type,
                gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) + 0.5));
}

static void
porthole_preferences_window_dispose (GObject *object)
{
  PortholePreferencesWindow *self = (PortholePreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (porthole_preferences_window_parent_class)->dispose (object);
}

static void
porthole_preferences_window_class_init (PortholePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/porthole/Porthole/porthole-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholePreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, PortholePreferencesWindow, fit_switch);
  gtk_widget_class_bind_template_child (widget_class, PortholePreferencesWindow, resize_switch);
  gtk_widget_class_bind_template_child (widget_class, PortholePreferencesWindow, screenshot_spin);
  gtk_widget_class_bind_template_child (widget_class, PortholePreferencesWindow, health_spin);
  gtk_widget_class_bind_template_child (widget_class, PortholePreferencesWindow, processes_spin);
}

static void
porthole_preferences_window_init (PortholePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
porthole_preferences_window_new (GtkWindow *parent,
                                 GSettings *settings)
{
  PortholePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PORTHOLE_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "style-variant", self->style_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                style_to_position, position_to_style, NULL, NULL);
  g_settings_bind_with_mapping (settings, "scale-mode", self->fit_switch, "active", G_SETTINGS_BIND_DEFAULT,
                                scale_mode_to_fit, fit_to_scale_mode, NULL, NULL);
  g_settings_bind (settings, "resize-remote", self->resize_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "screenshot-interval", self->screenshot_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, milliseconds_to_seconds, seconds_to_milliseconds,
                                NULL, NULL);
  g_settings_bind_with_mapping (settings, "health-interval", self->health_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, uint_to_double, double_to_uint, NULL, NULL);
  g_settings_bind_with_mapping (settings, "processes-interval", self->processes_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, uint_to_double, double_to_uint, NULL, NULL);

  return GTK_WIDGET (self);
}
