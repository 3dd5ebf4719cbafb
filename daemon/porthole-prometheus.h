/* porthole-prometheus.h — writing the Prometheus text exposition format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTHOLE_PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

void porthole_prometheus_family (GString    *out,
                                 const char *name,
                                 const char *type,
                                 const char *help);
void porthole_prometheus_value  (GString    *out,
                                 const char *name,
                                 const char *labels,
                                 double      value);
void porthole_prometheus_metric (GString    *out,
                                 const char *name,
                                 const char *type,
                                 const char *help,
                                 double      value);
char *porthole_prometheus_labels (const char *first_name,
                                  ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
