/* porthole-metrics-page.c
 *
 * One /metrics/stream subscription while the page is shown; each sample
 * adds a point to every series and redraws the charts once. Hidden, the
 * page closes the stream, so it neither receives nor draws anything;
 * shown again, the lines start again after a gap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-client-metrics.h"
#include "porthole-json.h"
#include "porthole-metrics-page.h"

#define MAX_SERIES 2

typedef struct
{
  const char *id;
  const char *title;
  const char *color;
  PortholeChartFormat format;
  /* Where the value is in a sample: members, dot-separated. */
  const char *path;
} SeriesSpec;

static const struct {
  const char *title;
  double maximum;
  SeriesSpec series[MAX_SERIES];
} charts[] = {
  { N_("CPU"), 100, { { "cpu", N_("CPU"), "#3584e4", PORTHOLE_CHART_PERCENT, "system.cpu.usage_percent" } } },
  { N_("Memory"), 100, { { "memory", N_("Memory"), "#9141ac", PORTHOLE_CHART_PERCENT, "system.memory.usage_percent" } } },
  { N_("Disk"), 100, { { "disk", N_("Disk"), "#c64600", PORTHOLE_CHART_PERCENT, "system.disk.usage_percent" } } },
  { N_("Network"), 0, {
      { "network-rx", N_("Received"), "#26a269", PORTHOLE_CHART_BYTES_PER_SECOND, "system.network.rx_bytes_per_second" },
      { "network-tx", N_("Sent"), "#e5a50a", PORTHOLE_CHART_BYTES_PER_SECOND, "system.network.tx_bytes_per_second" } } },
  { N_("portholed Memory"), 0, { { "daemon-rss", N_("Resident"), "#1c71d8", PORTHOLE_CHART_BYTES, "daemon.rss_bytes" } } },
  { N_("Activity"), 0, {
      { "executions", N_("Executions"), "#e01b24", PORTHOLE_CHART_COUNT, "active.executions" },
      { "terminals", N_("Terminals"), "#2ec27e", PORTHOLE_CHART_COUNT, "active.terminals" } } },
  { N_("Requests"), 0, {
      { "requests", N_("Requests"), "#613583", PORTHOLE_CHART_PER_SECOND, "requests.per_second" },
      { "errors", N_("Errors"), "#c01c28", PORTHOLE_CHART_PER_SECOND, "requests.errors_per_second" } } },
};

#define N_CHARTS G_N_ELEMENTS (charts)

struct _PortholeMetricsPage
{
  PortholePage parent_instance;

  /* Template widgets */
  GtkLabel *summary_label;
  GtkToggleButton *window_1;
  GtkToggleButton *window_5;
  GtkToggleButton *window_15;
  GtkFlowBox *charts_box;

  /* Owned references */
  PortholeMetricsSubscription *subscription;
  PortholeChartSeries *series[N_CHARTS][MAX_SERIES];

  /* Borrowed: in the flow box. */
  PortholeChart *charts[N_CHARTS];
  GtkLabel *value_labels[N_CHARTS];

  double interval;
  guint64 n_samples;
  guint resubscribe_id;
  guint watchdog_id;
  gint64 last_sample;
};

G_DEFINE_FINAL_TYPE (PortholeMetricsPage, porthole_metrics_page, PORTHOLE_TYPE_PAGE)

static gboolean
lookup_number (JsonObject *sample,
               const char *path,
               double     *value)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonObject *object = sample;
  guint i;

  for (i = 0; parts[i + 1] != NULL; i++)
    if ((object = porthole_json_object_get_object (object, parts[i])) == NULL)
      return FALSE;

  return porthole_json_node_get_double (json_object_get_member (object, parts[i]), value);
}

/* "12.3 %", or "Received 1 kB/s · Sent 2 kB/s" for several series. */
static char *
format_chart_value (PortholeMetricsPage *self,
                    guint                chart)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = charts[chart].series[1].id ? 2 : 1;

  for (guint j = 0; j < n; j++)
    {
      g_autofree char *value_text = NULL;
      double value;

      if (!porthole_chart_series_get_last (self->series[chart][j], &value))
        continue;
      value_text = porthole_chart_series_format (self->series[chart][j], value);
      if (text->len > 0)
        g_string_append (text, " · ");
      if (n > 1)
        g_string_append_printf (text, "%s ", _(charts[chart].series[j].title));
      g_string_append (text, value_text);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_sample (PortholeMetricsPage *self,
           JsonObject          *sample)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  gint64 now = g_get_monotonic_time ();

  self->n_samples++;
  self->last_sample = g_get_monotonic_time ();
  for (guint i = 0; i < N_CHARTS; i++)
    {
      g_autofree char *value_text = NULL;

      for (guint j = 0; j < MAX_SERIES && charts[i].series[j].id != NULL; j++)
        {
          double value;

          if (lookup_number (sample, charts[i].series[j].path, &value))
            porthole_chart_series_add (self->series[i][j], now, value);
        }

      value_text = format_chart_value (self, i);
      gtk_label_set_label (self->value_labels[i], value_text);
      /* Several series name themselves already. */
      if (*value_text != '\0')
        g_string_append_printf (summary, "%s%s%s%s", summary->len ? "   " : "",
                                charts[i].series[1].id ? "" : _(charts[i].title),
                                charts[i].series[1].id ? "" : " ", value_text);
      gtk_widget_queue_draw (GTK_WIDGET (self->charts[i]));
    }

  gtk_label_set_label (self->summary_label, summary->str);
}

static void subscribe         (PortholeMetricsPage *self);
static void drop_subscription (PortholeMetricsPage *self);

static gboolean
on_resubscribe_timeout (gpointer user_data)
{
  PortholeMetricsPage *self = user_data;

  self->resubscribe_id = 0;
  subscribe (self);

  return G_SOURCE_REMOVE;
}

static void
on_closed (PortholeMetricsPage *self)
{
  /* The stream ended under a running page (a daemon going away is also
   * noticed by the health check, which stops the page): follow it again
   * a second later, after a gap in the lines. */
  g_debug ("The metrics stream ended");
  drop_subscription (self);
  if (porthole_page_get_running (PORTHOLE_PAGE (self)) && self->resubscribe_id == 0)
    self->resubscribe_id = g_timeout_add_seconds (1, on_resubscribe_timeout, self);
}

static void
drop_subscription (PortholeMetricsPage *self)
{
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (self->subscription != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->subscription, self);
      porthole_ws_object_close (PORTHOLE_WS_OBJECT (self->subscription));
      g_clear_object (&self->subscription);
    }
}

/* A stream that went quiet without closing (seen with libsoup 3.2 on a
 * loaded machine: the daemon sends, the client reads no more) is
 * replaced, so the charts do not freeze. */
static gboolean
on_watchdog (gpointer user_data)
{
  PortholeMetricsPage *self = user_data;
  gint64 quiet = g_get_monotonic_time () - self->last_sample;

  if (quiet < MAX (3 * self->interval, 3.0) * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  g_debug ("The metrics stream went quiet: following it again");
  self->watchdog_id = 0;
  drop_subscription (self);
  subscribe (self);

  return G_SOURCE_REMOVE;
}

static void
subscribed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortholeMetricsPage) self = user_data;
  g_autoptr(PortholeMetricsSubscription) subscription = NULL;
  g_autoptr(GError) error = NULL;

  subscription = porthole_client_subscribe_metrics_finish (PORTHOLE_CLIENT (object), result, &error);
  if (subscription == NULL)
    {
      porthole_page_show_error (PORTHOLE_PAGE (self), _("Could not follow the metrics"), error);
      return;
    }

  if (!porthole_page_get_running (PORTHOLE_PAGE (self)))
    return;

  self->subscription = g_steal_pointer (&subscription);
  g_signal_connect_object (self->subscription, "sample", G_CALLBACK (on_sample), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->subscription, "closed", G_CALLBACK (on_closed), self, G_CONNECT_SWAPPED);
  self->last_sample = g_get_monotonic_time ();
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  self->watchdog_id = g_timeout_add_seconds (1, on_watchdog, self);
}

static void
subscribe (PortholeMetricsPage *self)
{
  PortholeSandbox *sandbox = porthole_page_get_sandbox (PORTHOLE_PAGE (self));
  gint64 now = g_get_monotonic_time ();

  if (sandbox == NULL || !porthole_page_get_running (PORTHOLE_PAGE (self)))
    return;

  for (guint i = 0; i < N_CHARTS; i++)
    for (guint j = 0; j < MAX_SERIES && self->series[i][j] != NULL; j++)
      porthole_chart_series_add_gap (self->series[i][j], now);

  porthole_client_subscribe_metrics_async (porthole_sandbox_get_client (sandbox), self->interval,
                                           porthole_page_get_cancellable (PORTHOLE_PAGE (self)),
                                           subscribed_cb, g_object_ref (self));
}

static void
porthole_metrics_page_start (PortholePage    *page,
                             PortholeSandbox *sandbox,
                             GCancellable    *cancellable)
{
  subscribe (PORTHOLE_METRICS_PAGE (page));
}

static void
porthole_metrics_page_stop (PortholePage *page)
{
  PortholeMetricsPage *self = PORTHOLE_METRICS_PAGE (page);

  g_clear_handle_id (&self->resubscribe_id, g_source_remove);
  drop_subscription (self);
}

static void
window_toggled_cb (PortholeMetricsPage *self,
                   GtkToggleButton     *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  porthole_metrics_page_set_window (self, button == self->window_15 ? 15 * 60 : button == self->window_5 ? 5 * 60 : 60);
}

static GtkWidget *
make_card (PortholeMetricsPage *self,
           guint                index)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (_(charts[index].title));
  GtkWidget *value = gtk_label_new (NULL);
  PortholeChart *chart = g_object_new (PORTHOLE_TYPE_CHART, NULL);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "metrics-card");
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (value, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), value);
  gtk_box_append (GTK_BOX (card), header);

  gtk_widget_set_size_request (GTK_WIDGET (chart), 240, 110);
  porthole_chart_set_maximum (chart, charts[index].maximum);
  for (guint j = 0; j < MAX_SERIES && charts[index].series[j].id != NULL; j++)
    {
      const SeriesSpec *spec = &charts[index].series[j];

      self->series[index][j] = porthole_chart_series_new (spec->id, _(spec->title), spec->color, spec->format);
      porthole_chart_add_series (chart, self->series[index][j]);
    }
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (chart));

  self->charts[index] = chart;
  self->value_labels[index] = GTK_LABEL (value);

  return card;
}

static void
porthole_metrics_page_dispose (GObject *object)
{
  PortholeMetricsPage *self = (PortholeMetricsPage *)object;

  porthole_page_set_active (PORTHOLE_PAGE (self), FALSE);
  porthole_page_set_sandbox (PORTHOLE_PAGE (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PORTHOLE_TYPE_METRICS_PAGE);
  for (guint i = 0; i < N_CHARTS; i++)
    for (guint j = 0; j < MAX_SERIES; j++)
      g_clear_object (&self->series[i][j]);

  G_OBJECT_CLASS (porthole_metrics_page_parent_class)->dispose (object);
}

static void
porthole_metrics_page_class_init (PortholeMetricsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PortholePageClass *page_class = PORTHOLE_PAGE_CLASS (klass);

  object_class->dispose = porthole_metrics_page_dispose;
  page_class->start = porthole_metrics_page_start;
  page_class->stop = porthole_metrics_page_stop;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/porthole/Porthole/porthole-metrics-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortholeMetricsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PortholeMetricsPage, window_1);
  gtk_widget_class_bind_template_child (widget_class, PortholeMetricsPage, window_5);
  gtk_widget_class_bind_template_child (widget_class, PortholeMetricsPage, window_15);
  gtk_widget_class_bind_template_child (widget_class, PortholeMetricsPage, charts_box);
  gtk_widget_class_bind_template_callback (widget_class, window_toggled_cb);
}

static void
porthole_metrics_page_init (PortholeMetricsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->interval = 1.0;
  for (guint i = 0; i < N_CHARTS; i++)
    gtk_flow_box_append (self->charts_box, make_card (self, i));
}

/**
 * porthole_metrics_page_set_interval:
 * @seconds: between samples, 0.25 to 60; from the next start
 */
void
porthole_metrics_page_set_interval (PortholeMetricsPage *self,
                                    double               seconds)
{
  g_return_if_fail (PORTHOLE_IS_METRICS_PAGE (self));

  self->interval = CLAMP (seconds, 0.25, 60);
}

/**
 * porthole_metrics_page_set_window:
 * @seconds: the time every chart spans
 */
void
porthole_metrics_page_set_window (PortholeMetricsPage *self,
                                  guint                seconds)
{
  g_return_if_fail (PORTHOLE_IS_METRICS_PAGE (self));

  for (guint i = 0; i < N_CHARTS; i++)
    porthole_chart_set_window (self->charts[i], seconds);
}

/**
 * porthole_metrics_page_get_series:
 * @id: "cpu", "memory", "disk", "network-rx", "network-tx",
 *   "daemon-rss", "executions", "terminals", "requests", "errors"
 *
 * Returns: (transfer none) (nullable): the series
 */
PortholeChartSeries *
porthole_metrics_page_get_series (PortholeMetricsPage *self,
                                  const char          *id)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_PAGE (self), NULL);

  for (guint i = 0; i < N_CHARTS; i++)
    for (guint j = 0; j < MAX_SERIES && charts[i].series[j].id != NULL; j++)
      if (g_str_equal (charts[i].series[j].id, id))
        return self->series[i][j];

  return NULL;
}

/**
 * porthole_metrics_page_get_chart:
 *
 * Returns: (transfer none) (nullable): the chart that draws @series_id
 */
PortholeChart *
porthole_metrics_page_get_chart (PortholeMetricsPage *self,
                                 const char          *series_id)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_PAGE (self), NULL);

  for (guint i = 0; i < N_CHARTS; i++)
    for (guint j = 0; j < MAX_SERIES && charts[i].series[j].id != NULL; j++)
      if (g_str_equal (charts[i].series[j].id, series_id))
        return self->charts[i];

  return NULL;
}

guint64
porthole_metrics_page_get_n_samples (PortholeMetricsPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_PAGE (self), 0);

  return self->n_samples;
}

/**
 * porthole_metrics_page_get_summary:
 *
 * Returns: the header's current figures
 */
const char *
porthole_metrics_page_get_summary (PortholeMetricsPage *self)
{
  g_return_val_if_fail (PORTHOLE_IS_METRICS_PAGE (self), NULL);

  return gtk_label_get_label (self->summary_label);
}
