/* test-inspector-metrics.c — the Metrics page against the real daemon:
 * its series fill from /metrics/stream while it is shown, nothing
 * arrives and nothing is drawn while it is hidden, hovering shows the
 * values under the pointer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "inspector-test-utils.h"
#include "porthole-metrics-page.h"

static const char * const series_ids[] = {
  "cpu", "memory", "disk", "network-rx", "network-tx", "daemon-rss", "executions", "terminals", "requests", "errors",
};

typedef struct
{
  PortholeTestDaemon *daemon;
  PortholeWindow *window;
  PortholeMetricsPage *page;
  PortholeSandbox *sandbox;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->daemon = porthole_test_daemon_new (NULL);
  fixture->window = porthole_inspector_test_window_new ();
  fixture->page = PORTHOLE_METRICS_PAGE (porthole_window_get_page (fixture->window, "metrics"));
  porthole_metrics_page_set_interval (fixture->page, 0.5);
  porthole_window_show_page (fixture->window, "metrics");
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url,
                                                          fixture->daemon->token, "Metrics test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_daemon_free (fixture->daemon);
}

static guint64
received (Fixture    *fixture,
          const char *id)
{
  return porthole_chart_series_get_n_received (porthole_metrics_page_get_series (fixture->page, id));
}

/* Moves the pointer over the chart's newest values (again: the window
 * may have moved under it meanwhile) and says what the chart shows. */
static char *
hover_text (PortholeChart *chart)
{
  static int wiggle;

  porthole_inspector_test_pointer (GTK_WIDGET (chart), gtk_widget_get_width (GTK_WIDGET (chart)) - 3 - (wiggle++ % 2), 20);
  porthole_inspector_test_spin (50);

  return porthole_chart_dup_hover_text (chart);
}

static void
test_samples (Fixture       *fixture,
              gconstpointer  data)
{
  PortholeChart *cpu_chart = porthole_metrics_page_get_chart (fixture->page, "cpu");
  g_autofree char *png = NULL;
  g_autofree char *hover = NULL;
  guint64 before[G_N_ELEMENTS (series_ids)];
  guint64 draws;
  double rss;

  /* Every series of every chart gets at least 3 more samples (one
   * every 0.5 s) while the page runs; how long that takes is the
   * loaded machine's business. A health check that failed on a loaded
   * machine stops the page (and its stream) for a while: such a span
   * does not count, the next one does. */
  for (guint attempt = 0;; attempt++)
    {
      gboolean stayed = TRUE;
      gboolean all = FALSE;
      gint64 deadline;
      guint64 first;

      g_assert_cmpuint (attempt, <, 10);
      /* From a sample that came now: the stream is there. */
      PORTHOLE_INSPECTOR_WAIT (porthole_page_get_running (PORTHOLE_PAGE (fixture->page)));
      first = received (fixture, "cpu");
      PORTHOLE_INSPECTOR_WAIT (received (fixture, "cpu") > first);
      for (guint i = 0; i < G_N_ELEMENTS (series_ids); i++)
        before[i] = received (fixture, series_ids[i]);
      deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      while (stayed && !all)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          porthole_inspector_test_spin (10);
          stayed = porthole_page_get_running (PORTHOLE_PAGE (fixture->page));
          all = TRUE;
          for (guint i = 0; i < G_N_ELEMENTS (series_ids); i++)
            all = all && received (fixture, series_ids[i]) - before[i] >= 3;
        }
      if (!stayed)
        {
          g_test_message ("The page stopped meanwhile (attempt %u): again", attempt);
          continue;
        }

      for (guint i = 0; i < G_N_ELEMENTS (series_ids); i++)
        g_test_message ("%s: %" G_GUINT64_FORMAT " samples", series_ids[i],
                        received (fixture, series_ids[i]) - before[i]);
      break;
    }

  /* Real values: the daemon's own memory is there. */
  g_assert_true (porthole_chart_series_get_last (porthole_metrics_page_get_series (fixture->page, "daemon-rss"), &rss));
  g_assert_cmpfloat (rss, >, 1024 * 1024);
  g_assert_nonnull (strstr (porthole_metrics_page_get_summary (fixture->page), "CPU "));
  g_assert_cmpuint (porthole_chart_get_n_draws (cpu_chart), >, 0);

  /* Hover: the values under the pointer. */
  porthole_inspector_test_wait_stable (GTK_WIDGET (cpu_chart));
  PORTHOLE_INSPECTOR_WAIT ((g_free (hover), hover = hover_text (cpu_chart)) != NULL);
  g_assert_true (g_str_has_prefix (hover, "CPU: "));
  g_assert_true (g_str_has_suffix (hover, " %"));

  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-metrics.png");
  porthole_inspector_test_pointer (GTK_WIDGET (fixture->window), 5, 5);

  /* Hidden: no samples, no drawing. */
  porthole_window_show_page (fixture->window, "processes");
  porthole_inspector_test_spin (200);
  g_assert_false (porthole_page_get_running (PORTHOLE_PAGE (fixture->page)));
  for (guint i = 0; i < G_N_ELEMENTS (series_ids); i++)
    before[i] = received (fixture, series_ids[i]);
  draws = porthole_chart_get_n_draws (cpu_chart);
  porthole_inspector_test_spin (2500);
  for (guint i = 0; i < G_N_ELEMENTS (series_ids); i++)
    g_assert_cmpuint (received (fixture, series_ids[i]), ==, before[i]);
  g_assert_cmpuint (porthole_chart_get_n_draws (cpu_chart), ==, draws);

  /* Shown again: samples again. */
  porthole_window_show_page (fixture->window, "metrics");
  PORTHOLE_INSPECTOR_WAIT (received (fixture, "cpu") > before[0]);
  PORTHOLE_INSPECTOR_WAIT (porthole_chart_get_n_draws (cpu_chart) > draws);
}

static void
test_windows (Fixture       *fixture,
              gconstpointer  data)
{
  PortholeChart *chart = porthole_metrics_page_get_chart (fixture->page, "network-rx");

  g_assert_true (chart == porthole_metrics_page_get_chart (fixture->page, "network-tx"));
  g_assert_cmpuint (porthole_chart_get_window (chart), ==, 60);
  porthole_metrics_page_set_window (fixture->page, 15 * 60);
  g_assert_cmpuint (porthole_chart_get_window (chart), ==, 15 * 60);
  g_assert_cmpuint (porthole_chart_get_window (porthole_metrics_page_get_chart (fixture->page, "cpu")), ==, 15 * 60);
  porthole_metrics_page_set_window (fixture->page, 60);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/metrics/samples", test_samples);
  ADD ("/inspector/metrics/windows", test_windows);
#undef ADD

  return g_test_run ();
}
