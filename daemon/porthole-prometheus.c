/* porthole-prometheus.c
 *
 * https://prometheus.io/docs/instrumenting/exposition_formats/: every
 * family has one HELP and one TYPE line followed by all its samples;
 * label values escape backslash, double quote and newline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdarg.h>

#include "porthole-prometheus.h"

void
porthole_prometheus_family (GString    *out,
                            const char *name,
                            const char *type,
                            const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "NaN");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "+Inf" : "-Inf");
  else if (value == (double) (gint64) value && fabs (value) < 1e15)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
  else
    g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.10g", value));
}

/**
 * porthole_prometheus_value:
 * @labels: (nullable): from porthole_prometheus_labels()
 */
void
porthole_prometheus_value (GString    *out,
                           const char *name,
                           const char *labels,
                           double      value)
{
  g_string_append (out, name);
  if (labels != NULL)
    g_string_append (out, labels);
  g_string_append_c (out, ' ');
  append_number (out, value);
  g_string_append_c (out, '\n');
}

/* A family with a single unlabelled sample. */
void
porthole_prometheus_metric (GString    *out,
                            const char *name,
                            const char *type,
                            const char *help,
                            double      value)
{
  porthole_prometheus_family (out, name, type, help);
  porthole_prometheus_value (out, name, NULL, value);
}

/**
 * porthole_prometheus_labels:
 * @first_name: a label name, followed by its value, then more pairs,
 *   then %NULL
 *
 * Returns: (transfer full): `{name="value",…}`
 */
char *
porthole_prometheus_labels (const char *first_name,
                            ...)
{
  GString *labels = g_string_new ("{");
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (labels->len > 1)
        g_string_append_c (labels, ',');
      g_string_append_printf (labels, "%s=\"", name);
      for (const char *p = value; *p; p++)
        {
          if (*p == '\\' || *p == '"')
            g_string_append_c (labels, '\\');
          if (*p == '\n')
            g_string_append (labels, "\\n");
          else
            g_string_append_c (labels, *p);
        }
      g_string_append_c (labels, '"');
      name = va_arg (args, const char *);
    }
  va_end (args);

  g_string_append_c (labels, '}');
  return g_string_free (labels, FALSE);
}
