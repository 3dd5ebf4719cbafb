/* porthole-sandbox-row.c
 *
 * The dot's colour is the health: green online, yellow while
 * connecting or without a usable token, red unreachable. The second
 * line says the version and the desktop, or the problem.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-sandbox-row.h"

struct _PortholeSandboxRow
{
  GtkListBoxRow parent_instance;

  /* Template widgets */
  GtkImage *status_icon;
  GtkLabel *name_label;
  GtkLabel *subtitle_label;
  GtkMenuButton *menu_button;

  PortholeSandbox *sandbox;
};

G_DEFINE_FINAL_TYPE (PortholeSandboxRow, porthole_sandbox_row, GTK_TYPE_LIST_BOX_ROW)

static const char *status_classes[] = { PORTHOLE_SANDBOX_STATUS_CLASSES };

static void
update (PortholeSandboxRow *self)
{
  g_autofree char *subtitle = porthole_sandbox_dup_subtitle (self->sandbox);
  g_autofree char *details = porthole_sandbox_dup_status_details (self->sandbox);
  const char *status_class = porthole_sandbox_get_status_class (self->sandbox);

  gtk_label_set_label (self->name_label, porthole_sandbox_get_name (self->sandbox));
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), details);

  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), status_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), status_class);
}

static GMenuModel *
build_menu (PortholeSandbox *sandbox)
{
  GMenu *menu = g_menu_new ();
  GVariant *id = g_variant_new_string (porthole_sandbox_get_id (sandbox));
  struct {
    const char *label;
    const char *action;
  } items[] = {
    { N_("_Edit…"), "win.edit-sandbox" },
    { N_("_Check Now"), "win.check-sandbox" },
    { N_("Copy _Link"), "win.copy-sandbox-link" },
    { N_("_Remove…"), "win.remove-sandbox" },
  };

  g_variant_ref_sink (id);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, items[i].action, id);
      g_menu_append_item (menu, item);
    }
  g_variant_unref (id);

  return G_MENU_MODEL (menu);
}

static void
porthole_sandbox_row_dispose (GObject *object)
{
  PortholeSandboxRow *self = (PortholeSandboxRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_SANDBOX_ROW);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (porthole_sandbox_row_parent_class)->dispose (object);
}

static void
porthole_sandbox_row_class_init (PortholeSandboxRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_sandbox_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-sandbox-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeSandboxRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, PortholeSandboxRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeSandboxRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeSandboxRow, menu_button);
}

static void
porthole_sandbox_row_init (PortholeSandboxRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
porthole_sandbox_row_new (PortholeSandbox *sandbox)
{
  PortholeSandboxRow *self;
  g_autoptr(GMenuModel) menu = NULL;

  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (sandbox), NULL);

  self = g_object_new (PORTHOLE_TYPE_SANDBOX_ROW, NULL);
  self->sandbox = g_object_ref (sandbox);

  menu = build_menu (sandbox);
  gtk_menu_button_set_menu_model (self->menu_button, menu);

  g_signal_connect_object (sandbox, "notify::name", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sandbox, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sandbox, "notify::version", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sandbox, "notify::desktop", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sandbox, "notify::url", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}

/**
 * porthole_sandbox_row_get_sandbox:
 *
 * Returns: (transfer none): the row's sandbox
 */
PortholeSandbox *
porthole_sandbox_row_get_sandbox (PortholeSandboxRow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_ROW (self), NULL);

  return self->sandbox;
}

/**
 * porthole_sandbox_row_get_subtitle:
 *
 * Returns: the second line, as shown
 */
const char *
porthole_sandbox_row_get_subtitle (PortholeSandboxRow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX_ROW (self), NULL);

  return gtk_label_get_label (self->subtitle_label);
}
