/* porthole-metrics-page.h — live charts of the sandbox and of portholed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-chart.h"
#include "porthole-page.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_METRICS_PAGE (porthole_metrics_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMetricsPage, porthole_metrics_page, PORTHOLE, METRICS_PAGE, PortholePage)

void                 porthole_metrics_page_set_interval (PortholeMetricsPage *self,
                                                         double               seconds);
void                 porthole_metrics_page_set_window   (PortholeMetricsPage *self,
                                                         guint                seconds);
PortholeChartSeries *porthole_metrics_page_get_series   (PortholeMetricsPage *self,
                                                         const char          *id);
PortholeChart       *porthole_metrics_page_get_chart    (PortholeMetricsPage *self,
                                                         const char          *series_id);
guint64              porthole_metrics_page_get_n_samples (PortholeMetricsPage *self);
const char          *porthole_metrics_page_get_summary  (PortholeMetricsPage *self);

G_END_DECLS
