/* porthole-chart.c
 *
 * In the manner of sysprof 3.46's visualizers: the chart is a stack of
 * layers drawn in one snapshot — the grid, then one line per series
 * (each series an object of its own, with its points and colour), then
 * the hover mark with the values under the pointer. Lines are cairo
 * paths inside the snapshot (GSK has no paths before GTK 4.14).
 *
 * The time axis ends at the newest point, not at "now": the chart only
 * changes when a sample arrives, so nothing ticks while nothing comes
 * (a hidden page draws nothing at all).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "porthole-chart.h"

#define GRID_LINES 4

struct _PortholeChart
{
  GtkWidget parent_instance;

  GListStore *series;
  double maximum;
  guint window;
  double hover_x;
  guint64 n_draws;
};

G_DEFINE_FINAL_TYPE (PortholeChart, porthole_chart, GTK_TYPE_WIDGET)

/* The newest point of any series, the chart's right edge. */
static gint64
get_end_time (PortholeChart *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->series));
  gint64 end = G_MININT64;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortholeChartSeries) series = g_list_model_get_item (G_LIST_MODEL (self->series), i);
      guint points = porthole_chart_series_get_n_points (series);
      gint64 time;
      double value;

      if (points == 0)
        continue;
      porthole_chart_series_get_point (series, points - 1, &time, &value);
      end = MAX (end, time);
    }

  return end;
}

static double
get_top (PortholeChart *self,
         gint64         start)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->series));
  double top = 0;

  if (self->maximum > 0)
    return self->maximum;

  /* Room above the highest visible point, and never a zero range. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortholeChartSeries) series = g_list_model_get_item (G_LIST_MODEL (self->series), i);

      for (guint j = 0; j < porthole_chart_series_get_n_points (series); j++)
        {
          gint64 time;
          double value;

          porthole_chart_series_get_point (series, j, &time, &value);
          if (time >= start && !isnan (value))
            top = MAX (top, value);
        }
    }

  return top > 0 ? top * 1.15 : 1;
}

static void
draw_series (PortholeChartSeries *series,
             cairo_t             *cr,
             gint64               start,
             gint64               end,
             double               top,
             int                  width,
             int                  height)
{
  const GdkRGBA *color = porthole_chart_series_get_color (series);
  guint n = porthole_chart_series_get_n_points (series);
  gboolean drawing = FALSE;
  double first_x = 0, last_x = 0;

  cairo_new_path (cr);
  for (guint i = 0; i < n; i++)
    {
      gint64 time;
      double value, x, y;

      porthole_chart_series_get_point (series, i, &time, &value);
      /* One point left of the window, so the line reaches the edge. */
      if (i + 1 < n)
        {
          gint64 next_time;
          double next_value;

          porthole_chart_series_get_point (series, i + 1, &next_time, &next_value);
          if (next_time < start)
            continue;
        }

      if (isnan (value))
        {
          drawing = FALSE;
          continue;
        }

      x = (double) (time - start) / (end - start) * width;
      y = height - CLAMP (value / top, 0, 1) * (height - 1);
      if (!drawing)
        {
          cairo_move_to (cr, x, y);
          first_x = x;
        }
      else
        cairo_line_to (cr, x, y);
      last_x = x;
      drawing = TRUE;
    }

  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_stroke_preserve (cr);

  /* A light fill under the last stretch of the line. */
  if (drawing)
    {
      cairo_line_to (cr, last_x, height);
      cairo_line_to (cr, first_x, height);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.12);
      cairo_fill (cr);
    }
  cairo_new_path (cr);
}

static void
porthole_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  PortholeChart *self = PORTHOLE_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->series));
  GdkRGBA fg;
  gint64 end, start;
  double top;
  cairo_t *cr;

  self->n_draws++;
  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* Layer: the grid. */
  for (guint i = 1; i < GRID_LINES; i++)
    {
      GdkRGBA line = fg;

      line.alpha = 0.1;
      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (0, roundf (height * i / (float) GRID_LINES), width, 1));
    }

  end = get_end_time (self);
  if (end == G_MININT64)
    return;
  start = end - (gint64) self->window * G_USEC_PER_SEC;
  top = get_top (self, start);

  /* Layers: the series, the first one on top. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PortholeChartSeries) series = g_list_model_get_item (G_LIST_MODEL (self->series), i - 1);

      draw_series (series, cr, start, end, top, width, height);
    }
  cairo_destroy (cr);

  /* Layer: where the pointer is. */
  if (self->hover_x >= 0 && self->hover_x < width)
    {
      g_autofree char *text = porthole_chart_dup_hover_text (self);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
      GdkRGBA mark = fg, box;
      int text_width, text_height;
      double x;

      mark.alpha = 0.5;
      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (self->hover_x, 0, 1, height));

      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      x = self->hover_x + 6 + text_width > width ? self->hover_x - 6 - text_width : self->hover_x + 6;
      gdk_rgba_parse (&box, "rgba(0,0,0,0.65)");
      gtk_snapshot_append_color (snapshot, &box, &GRAPHENE_RECT_INIT (x - 4, 2, text_width + 8, text_height + 4));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, 4));
      gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { 1, 1, 1, 1 });
      gtk_snapshot_restore (snapshot);
      g_object_unref (layout);
    }
}

static void
on_motion (PortholeChart *self,
           double         x,
           double         y)
{
  porthole_chart_set_hover (self, x);
}

static void
on_leave (PortholeChart *self)
{
  porthole_chart_set_hover (self, -1);
}

static void
on_series_changed (PortholeChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
porthole_chart_dispose (GObject *object)
{
  PortholeChart *self = (PortholeChart *)object;

  g_clear_object (&self->series);

  G_OBJECT_CLASS (porthole_chart_parent_class)->dispose (object);
}

static void
porthole_chart_class_init (PortholeChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = porthole_chart_dispose;
  widget_class->snapshot = porthole_chart_snapshot;

  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
porthole_chart_init (PortholeChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->series = g_list_store_new (PORTHOLE_TYPE_CHART_SERIES);
  self->window = 60;
  self->hover_x = -1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 120, 80);

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

/**
 * porthole_chart_add_series:
 *
 * Adds a line. Adding points to a series does not redraw the chart:
 * its owner queues one draw per sample (gtk_widget_queue_draw()).
 */
void
porthole_chart_add_series (PortholeChart       *self,
                           PortholeChartSeries *series)
{
  g_return_if_fail (PORTHOLE_IS_CHART (self));
  g_return_if_fail (PORTHOLE_IS_CHART_SERIES (series));

  g_list_store_append (self->series, series);
  on_series_changed (self);
}

/**
 * porthole_chart_get_series:
 *
 * Returns: (transfer none): the chart's series, in order
 */
GListModel *
porthole_chart_get_series (PortholeChart *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART (self), NULL);

  return G_LIST_MODEL (self->series);
}

/**
 * porthole_chart_set_maximum:
 * @maximum: the top of the axis, 0 to follow the values
 */
void
porthole_chart_set_maximum (PortholeChart *self,
                            double         maximum)
{
  g_return_if_fail (PORTHOLE_IS_CHART (self));

  self->maximum = maximum;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * porthole_chart_set_window:
 * @seconds: how much time the chart spans
 */
void
porthole_chart_set_window (PortholeChart *self,
                           guint          seconds)
{
  g_return_if_fail (PORTHOLE_IS_CHART (self));

  self->window = MAX (seconds, 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
porthole_chart_get_window (PortholeChart *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART (self), 0);

  return self->window;
}

/**
 * porthole_chart_set_hover:
 * @x: where the pointer is, -1 for nowhere
 */
void
porthole_chart_set_hover (PortholeChart *self,
                          double         x)
{
  g_return_if_fail (PORTHOLE_IS_CHART (self));

  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * porthole_chart_dup_hover_text:
 *
 * Returns: (transfer full) (nullable): the values under the pointer,
 *   one line per series, or %NULL when it is not over the chart
 */
char *
porthole_chart_dup_hover_text (PortholeChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->series));
  gint64 end = get_end_time (self);
  gint64 time;

  g_return_val_if_fail (PORTHOLE_IS_CHART (self), NULL);

  if (self->hover_x < 0 || width <= 0 || end == G_MININT64)
    return NULL;

  time = end - (gint64) self->window * G_USEC_PER_SEC + (gint64) (self->hover_x / width * self->window * G_USEC_PER_SEC);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortholeChartSeries) series = g_list_model_get_item (G_LIST_MODEL (self->series), i);
      g_autofree char *value_text = NULL;
      double value;

      if (!porthole_chart_series_value_at (series, time, &value))
        continue;
      value_text = porthole_chart_series_format (series, value);
      g_string_append_printf (text, "%s%s: %s", text->len ? "\n" : "", porthole_chart_series_get_title (series),
                              value_text);
    }

  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/**
 * porthole_chart_get_n_draws:
 *
 * Returns: how often the chart was drawn (a hidden one is not)
 */
guint64
porthole_chart_get_n_draws (PortholeChart *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART (self), 0);

  return self->n_draws;
}
