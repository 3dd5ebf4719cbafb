/* porthole-terminal-view.c
 *
 * A VteTerminal without a PTY of its own has nobody to tell when its
 * grid changes (VTE sets the PTY's size itself): the view emits
 * "grid-changed" after each allocation that changed the number of
 * columns or rows — a new widget size, or a new font size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-terminal-view.h"

struct _PortholeTerminalView
{
  VteTerminal parent_instance;

  glong columns;
  glong rows;
};

enum {
  GRID_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeTerminalView, porthole_terminal_view, VTE_TYPE_TERMINAL)

static void
porthole_terminal_view_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  PortholeTerminalView *self = PORTHOLE_TERMINAL_VIEW (widget);
  glong columns, rows;

  GTK_WIDGET_CLASS (porthole_terminal_view_parent_class)->size_allocate (widget, width, height, baseline);

  columns = vte_terminal_get_column_count (VTE_TERMINAL (self));
  rows = vte_terminal_get_row_count (VTE_TERMINAL (self));
  if (columns == self->columns && rows == self->rows)
    return;

  self->columns = columns;
  self->rows = rows;
  g_signal_emit (self, signals[GRID_CHANGED], 0);
}

static void
porthole_terminal_view_class_init (PortholeTerminalViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->size_allocate = porthole_terminal_view_size_allocate;

  /**
   * PortholeTerminalView::grid-changed:
   *
   * The number of columns or rows changed.
   */
  signals[GRID_CHANGED] =
    g_signal_new ("grid-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
porthole_terminal_view_init (PortholeTerminalView *self)
{
}
