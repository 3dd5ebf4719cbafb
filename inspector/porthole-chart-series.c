/* porthole-chart-series.c
 *
 * A ring of (monotonic time, value) points, long enough for the longest
 * window a chart shows (15 minutes at the fastest rate the Metrics page
 * asks for). A gap (NAN) breaks the line where no samples came (the page
 * was hidden).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "porthole-chart-series.h"

#define CAPACITY 4096

typedef struct
{
  gint64 time;
  double value;
} Point;

struct _PortholeChartSeries
{
  GObject parent_instance;

  char *id;
  char *title;
  GdkRGBA color;
  PortholeChartFormat format;
  Point *points;
  guint first;
  guint length;
  guint64 n_received;
};

G_DEFINE_FINAL_TYPE (PortholeChartSeries, porthole_chart_series, G_TYPE_OBJECT)

static void
porthole_chart_series_finalize (GObject *object)
{
  PortholeChartSeries *self = (PortholeChartSeries *)object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->points);

  G_OBJECT_CLASS (porthole_chart_series_parent_class)->finalize (object);
}

static void
porthole_chart_series_class_init (PortholeChartSeriesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_chart_series_finalize;
}

static void
porthole_chart_series_init (PortholeChartSeries *self)
{
  self->points = g_new (Point, CAPACITY);
}

/**
 * porthole_chart_series_new:
 * @id: what the program calls it ("cpu")
 * @title: what the user reads, translated
 * @color: a CSS colour
 */
PortholeChartSeries *
porthole_chart_series_new (const char          *id,
                           const char          *title,
                           const char          *color,
                           PortholeChartFormat  format)
{
  PortholeChartSeries *self = g_object_new (PORTHOLE_TYPE_CHART_SERIES, NULL);

  self->id = g_strdup (id);
  self->title = g_strdup (title);
  self->format = format;
  if (!gdk_rgba_parse (&self->color, color))
    g_critical ("Not a colour: %s", color);

  return self;
}

const char *
porthole_chart_series_get_id (PortholeChartSeries *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), NULL);

  return self->id;
}

const char *
porthole_chart_series_get_title (PortholeChartSeries *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), NULL);

  return self->title;
}

const GdkRGBA *
porthole_chart_series_get_color (PortholeChartSeries *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), NULL);

  return &self->color;
}

static void
append (PortholeChartSeries *self,
        gint64               time,
        double               value)
{
  if (self->length == CAPACITY)
    {
      self->first = (self->first + 1) % CAPACITY;
      self->length--;
    }

  self->points[(self->first + self->length) % CAPACITY] = (Point) { time, value };
  self->length++;
}

/**
 * porthole_chart_series_add:
 * @time: monotonic microseconds
 */
void
porthole_chart_series_add (PortholeChartSeries *self,
                           gint64               time,
                           double               value)
{
  g_return_if_fail (PORTHOLE_IS_CHART_SERIES (self));

  append (self, time, value);
  self->n_received++;
}

/**
 * porthole_chart_series_add_gap:
 *
 * No values before @time: the line stops and starts again.
 */
void
porthole_chart_series_add_gap (PortholeChartSeries *self,
                               gint64               time)
{
  g_return_if_fail (PORTHOLE_IS_CHART_SERIES (self));

  if (self->length > 0)
    append (self, time, NAN);
}

guint
porthole_chart_series_get_n_points (PortholeChartSeries *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), 0);

  return self->length;
}

/**
 * porthole_chart_series_get_point:
 * @index: from 0, the oldest
 * @value: (out): the value, NAN for a gap
 */
void
porthole_chart_series_get_point (PortholeChartSeries *self,
                                 guint                index,
                                 gint64              *time,
                                 double              *value)
{
  const Point *point;

  g_return_if_fail (PORTHOLE_IS_CHART_SERIES (self));
  g_return_if_fail (index < self->length);

  point = &self->points[(self->first + index) % CAPACITY];
  *time = point->time;
  *value = point->value;
}

/**
 * porthole_chart_series_get_n_received:
 *
 * Returns: how many values were ever added
 */
guint64
porthole_chart_series_get_n_received (PortholeChartSeries *self)
{
  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), 0);

  return self->n_received;
}

gboolean
porthole_chart_series_get_last (PortholeChartSeries *self,
                                double              *value)
{
  gint64 time;

  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), FALSE);

  if (self->length == 0)
    return FALSE;

  porthole_chart_series_get_point (self, self->length - 1, &time, value);

  return !isnan (*value);
}

/**
 * porthole_chart_series_value_at:
 *
 * The value of the point nearest @time (none across a gap).
 */
gboolean
porthole_chart_series_value_at (PortholeChartSeries *self,
                                gint64               time,
                                double              *value)
{
  gint64 best = G_MAXINT64;

  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), FALSE);

  for (guint i = 0; i < self->length; i++)
    {
      const Point *point = &self->points[(self->first + i) % CAPACITY];
      gint64 distance = ABS (point->time - time);

      if (distance < best)
        {
          best = distance;
          *value = point->value;
        }
    }

  return best != G_MAXINT64 && !isnan (*value);
}

/**
 * porthole_chart_series_format:
 *
 * Returns: (transfer full): @value as the user reads it
 */
char *
porthole_chart_series_format (PortholeChartSeries *self,
                              double               value)
{
  g_autofree char *size = NULL;

  g_return_val_if_fail (PORTHOLE_IS_CHART_SERIES (self), NULL);

  switch (self->format)
    {
    case PORTHOLE_CHART_PERCENT:
      /* Translators: a percentage */
      return g_strdup_printf (_("%.1f %%"), value);
    case PORTHOLE_CHART_BYTES:
      return g_format_size ((guint64) MAX (value, 0));
    case PORTHOLE_CHART_BYTES_PER_SECOND:
      size = g_format_size ((guint64) MAX (value, 0));
      /* Translators: a rate, e.g. "1.2 kB/s" */
      return g_strdup_printf (_("%s/s"), size);
    case PORTHOLE_CHART_COUNT:
      return g_strdup_printf ("%.0f", value);
    case PORTHOLE_CHART_PER_SECOND:
      /* Translators: events per second */
      return g_strdup_printf (_("%.1f/s"), value);
    default:
      g_return_val_if_reached (NULL);
    }
}
