/* porthole-transfer-row.c
 *
 * Follows its transfer's "fraction" and "state". The button cancels a
 * running transfer and dismisses a finished one; a finished row goes by
 * itself a few seconds later ("dismissed" tells the page either way).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-transfer-row.h"

/* A finished transfer's row stays this long. */
#define LINGER_S 4

struct _PortholeTransferRow
{
  GtkListBoxRow parent_instance;

  PortholeFileTransfer *transfer;
  GtkProgressBar *bar;
  GtkLabel *status;
  GtkButton *button;
  guint linger_id;
  gboolean dismissed;
};

enum {
  DISMISSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeTransferRow, porthole_transfer_row, GTK_TYPE_LIST_BOX_ROW)

static void
dismiss (PortholeTransferRow *self)
{
  g_clear_handle_id (&self->linger_id, g_source_remove);
  if (self->dismissed)
    return;

  self->dismissed = TRUE;
  g_signal_emit (self, signals[DISMISSED], 0);
}

static gboolean
linger_done (gpointer user_data)
{
  PortholeTransferRow *self = user_data;

  self->linger_id = 0;
  dismiss (self);
  return G_SOURCE_REMOVE;
}

static void
on_fraction (PortholeTransferRow *self)
{
  gtk_progress_bar_set_fraction (self->bar, porthole_file_transfer_get_fraction (self->transfer));
}

static void
on_state (PortholeTransferRow *self)
{
  switch (porthole_file_transfer_get_state (self->transfer))
    {
    case PORTHOLE_FILE_TRANSFER_DONE:
      gtk_label_set_label (self->status, _("Done"));
      break;
    case PORTHOLE_FILE_TRANSFER_CANCELLED:
      gtk_label_set_label (self->status, _("Cancelled"));
      break;
    case PORTHOLE_FILE_TRANSFER_FAILED:
      gtk_label_set_label (self->status, _("Failed"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status), porthole_file_transfer_get_error (self->transfer));
      gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
      break;
    case PORTHOLE_FILE_TRANSFER_RUNNING:
    default:
      return;
    }

  gtk_button_set_icon_name (self->button, "window-close-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Dismiss"));
  if (self->linger_id == 0)
    self->linger_id = g_timeout_add_seconds (LINGER_S, linger_done, self);
}

static void
button_clicked_cb (PortholeTransferRow *self)
{
  if (porthole_file_transfer_get_state (self->transfer) == PORTHOLE_FILE_TRANSFER_RUNNING)
    porthole_file_transfer_cancel (self->transfer);
  else
    dismiss (self);
}

static void
porthole_transfer_row_dispose (GObject *object)
{
  PortholeTransferRow *self = (PortholeTransferRow *)object;

  g_clear_handle_id (&self->linger_id, g_source_remove);
  g_clear_object (&self->transfer);

  G_OBJECT_CLASS (porthole_transfer_row_parent_class)->dispose (object);
}

static void
porthole_transfer_row_class_init (PortholeTransferRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_transfer_row_dispose;

  /**
   * PortholeTransferRow::dismissed:
   *
   * The row is done with: take it away.
   */
  signals[DISMISSED] =
    g_signal_new ("dismissed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_transfer_row_init (PortholeTransferRow *self)
{
}

/**
 * porthole_transfer_row_new:
 * @verb: what the row says while it runs ("Uploading")
 */
GtkWidget *
porthole_transfer_row_new (PortholeFileTransfer *transfer,
                           const char           *verb)
{
  PortholeTransferRow *self = g_object_new (PORTHOLE_TYPE_TRANSFER_ROW, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *name = gtk_label_new (porthole_file_transfer_get_name (transfer));

  self->transfer = g_object_ref (transfer);
  self->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  self->status = GTK_LABEL (gtk_label_new (verb));
  self->button = GTK_BUTTON (gtk_button_new_from_icon_name ("process-stop-symbolic"));

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Cancel"));
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_box_append (GTK_BOX (texts), name);
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->bar));
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->button));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);

  g_signal_connect_object (transfer, "notify::fraction", G_CALLBACK (on_fraction), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (transfer, "notify::state", G_CALLBACK (on_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (button_clicked_cb), self);
  on_fraction (self);
  on_state (self);

  return GTK_WIDGET (self);
}

/**
 * porthole_transfer_row_get_transfer:
 *
 * Returns: (transfer none): the row's transfer
 */
PortholeFileTransfer *
porthole_transfer_row_get_transfer (PortholeTransferRow *self)
{
  g_return_val_if_fail (PORTHOLE_IS_TRANSFER_ROW (self), NULL);

  return self->transfer;
}
