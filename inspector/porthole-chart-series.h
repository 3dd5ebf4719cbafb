/* porthole-chart-series.h — one line of a chart: timed values, a name,
 * a colour and how its values read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_CHART_PERCENT,
  PORTHOLE_CHART_BYTES,
  PORTHOLE_CHART_BYTES_PER_SECOND,
  PORTHOLE_CHART_COUNT,
  PORTHOLE_CHART_PER_SECOND,
} PortholeChartFormat;

#define PORTHOLE_TYPE_CHART_SERIES (porthole_chart_series_get_type ())

G_DECLARE_FINAL_TYPE (PortholeChartSeries, porthole_chart_series, PORTHOLE, CHART_SERIES, GObject)

PortholeChartSeries *porthole_chart_series_new          (const char          *id,
                                                         const char          *title,
                                                         const char          *color,
                                                         PortholeChartFormat  format);
const char          *porthole_chart_series_get_id       (PortholeChartSeries *self);
const char          *porthole_chart_series_get_title    (PortholeChartSeries *self);
const GdkRGBA       *porthole_chart_series_get_color    (PortholeChartSeries *self);
void                 porthole_chart_series_add          (PortholeChartSeries *self,
                                                         gint64               time,
                                                         double               value);
void                 porthole_chart_series_add_gap      (PortholeChartSeries *self,
                                                         gint64               time);
guint                porthole_chart_series_get_n_points (PortholeChartSeries *self);
void                 porthole_chart_series_get_point    (PortholeChartSeries *self,
                                                         guint                index,
                                                         gint64              *time,
                                                         double              *value);
guint64              porthole_chart_series_get_n_received (PortholeChartSeries *self);
gboolean             porthole_chart_series_get_last     (PortholeChartSeries *self,
                                                         double              *value);
gboolean             porthole_chart_series_value_at     (PortholeChartSeries *self,
                                                         gint64               time,
                                                         double              *value);
char                *porthole_chart_series_format       (PortholeChartSeries *self,
                                                         double               value);

G_END_DECLS
