/* porthole-chart.h — a live line chart of one or more series
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "porthole-chart-series.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_CHART (porthole_chart_get_type ())

G_DECLARE_FINAL_TYPE (PortholeChart, porthole_chart, PORTHOLE, CHART, GtkWidget)

void     porthole_chart_add_series   (PortholeChart       *self,
                                      PortholeChartSeries *series);
GListModel *porthole_chart_get_series (PortholeChart      *self);
void     porthole_chart_set_maximum  (PortholeChart       *self,
                                      double               maximum);
void     porthole_chart_set_window   (PortholeChart       *self,
                                      guint                seconds);
guint    porthole_chart_get_window   (PortholeChart       *self);
void     porthole_chart_set_hover    (PortholeChart       *self,
                                      double               x);
char    *porthole_chart_dup_hover_text (PortholeChart     *self);
guint64  porthole_chart_get_n_draws  (PortholeChart       *self);

G_END_DECLS
