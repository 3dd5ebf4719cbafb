/* porthole-request-stats.c
 *
 * Fed by the HTTP server's "request-done" signal, the one place every
 * request passes (WebSocket upgrades and refused requests included).
 * Label cardinality is bounded by the route table: requests are counted
 * under their route's template, never their URL, and everything that
 * matched no route shares one entry. Memory is allocated only for
 * routes that were used, and per status class only for classes seen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "porthole-prometheus.h"
#include "porthole-request-stats.h"

/* Latencies kept per route for the p95 of recent requests. */
#define RECENT 256

/* Histogram bucket bounds, seconds (+Inf is implied). */
static const double bucket_bounds[] = {
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
};
#define N_BUCKETS G_N_ELEMENTS (bucket_bounds)
/* The same, as `le` label values, +Inf last. */
static const char *const bucket_names[N_BUCKETS + 1] = {
  "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf",
};

/* 1xx … 5xx, then answers that never got a status (aborted). */
static const char *const class_names[] = { "1xx", "2xx", "3xx", "4xx", "5xx", "aborted" };
#define N_CLASSES G_N_ELEMENTS (class_names)

typedef struct
{
  guint64 buckets[N_BUCKETS + 1];  /* not cumulative; the last is +Inf */
  guint64 count;
  double sum;
} Histogram;

typedef struct
{
  char *method;
  char *path;
  char *key;
  guint64 success;
  guint64 errors;
  double total_seconds;
  Histogram *classes[N_CLASSES];
  double recent[RECENT];
  guint n_recent;
  guint next_recent;
} RouteStats;

struct _PortholeRequestStats
{
  GObject parent_instance;

  /* const PortholeRoute * (NULL for unmatched) → RouteStats */
  GHashTable *routes;
  guint64 total;
  guint64 errors;
};

G_DEFINE_FINAL_TYPE (PortholeRequestStats, porthole_request_stats, G_TYPE_OBJECT)

static void
route_stats_free (RouteStats *stats)
{
  for (guint i = 0; i < N_CLASSES; i++)
    g_free (stats->classes[i]);
  g_free (stats->method);
  g_free (stats->path);
  g_free (stats->key);
  g_free (stats);
}

static void
porthole_request_stats_finalize (GObject *object)
{
  PortholeRequestStats *self = (PortholeRequestStats *)object;

  g_clear_pointer (&self->routes, g_hash_table_unref);

  G_OBJECT_CLASS (porthole_request_stats_parent_class)->finalize (object);
}

static void
porthole_request_stats_class_init (PortholeRequestStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_request_stats_finalize;
}

static void
porthole_request_stats_init (PortholeRequestStats *self)
{
  self->routes = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) route_stats_free);
}

PortholeRequestStats *
porthole_request_stats_new (void)
{
  return g_object_new (PORTHOLE_TYPE_REQUEST_STATS, NULL);
}

static guint
status_class (guint status)
{
  if (status < 100 || status >= 600)
    return N_CLASSES - 1;

  return status / 100 - 1;
}

/**
 * porthole_request_stats_record:
 * @route: (nullable): the matched route
 * @duration_usec: from the request's headers to the end of its answer
 */
void
porthole_request_stats_record (PortholeRequestStats *self,
                               const PortholeRoute  *route,
                               guint                 status,
                               gint64                duration_usec)
{
  RouteStats *stats = g_hash_table_lookup (self->routes, route);
  double seconds = MAX (duration_usec, 0) / (double) G_USEC_PER_SEC;
  guint class = status_class (status);
  Histogram *histogram;
  guint bucket = 0;

  g_return_if_fail (PORTHOLE_IS_REQUEST_STATS (self));

  if (stats == NULL)
    {
      stats = g_new0 (RouteStats, 1);
      stats->method = g_strdup (route ? route->method : PORTHOLE_REQUEST_STATS_UNMATCHED_METHOD);
      stats->path = g_strdup (route ? route->path : PORTHOLE_REQUEST_STATS_UNMATCHED_PATH);
      stats->key = g_strdup_printf ("%s %s", stats->method, stats->path);
      g_hash_table_insert (self->routes, (gpointer) route, stats);
    }

  self->total++;
  if (status >= 400 || status < 100)
    {
      self->errors++;
      stats->errors++;
    }
  else
    stats->success++;
  stats->total_seconds += seconds;

  stats->recent[stats->next_recent] = seconds;
  stats->next_recent = (stats->next_recent + 1) % RECENT;
  stats->n_recent = MIN (stats->n_recent + 1, RECENT);

  if ((histogram = stats->classes[class]) == NULL)
    histogram = stats->classes[class] = g_new0 (Histogram, 1);
  while (bucket < N_BUCKETS && seconds > bucket_bounds[bucket])
    bucket++;
  histogram->buckets[bucket]++;
  histogram->count++;
  histogram->sum += seconds;
}

guint64
porthole_request_stats_get_total (PortholeRequestStats *self)
{
  return self->total;
}

guint64
porthole_request_stats_get_errors (PortholeRequestStats *self)
{
  return self->errors;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The 95th percentile of the route's recent latencies (nearest rank). */
static double
recent_p95 (RouteStats *stats)
{
  double sorted[RECENT];
  guint rank;

  if (stats->n_recent == 0)
    return 0.0;

  memcpy (sorted, stats->recent, stats->n_recent * sizeof (double));
  qsort (sorted, stats->n_recent, sizeof (double), compare_doubles);
  rank = (guint) ceil (0.95 * stats->n_recent);

  return sorted[MAX (rank, 1) - 1];
}

/* Used routes in route-table order, the unmatched entry last, so that
 * output is stable. */
static GPtrArray *
sorted_stats (PortholeRequestStats *self)
{
  GPtrArray *list = g_ptr_array_new ();
  guint n_routes;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);
  RouteStats *stats;

  for (guint i = 0; i < n_routes; i++)
    if ((stats = g_hash_table_lookup (self->routes, &routes[i])) != NULL)
      g_ptr_array_add (list, stats);
  if ((stats = g_hash_table_lookup (self->routes, NULL)) != NULL)
    g_ptr_array_add (list, stats);

  return list;
}

/**
 * porthole_request_stats_add_json:
 *
 * Adds `requests_total` ({success, error} per "METHOD /path"),
 * `avg_duration_ms` and `p95_duration_ms` to @snapshot (API.md §9.2).
 */
void
porthole_request_stats_add_json (PortholeRequestStats *self,
                                 JsonObject           *snapshot)
{
  g_autoptr(GPtrArray) list = sorted_stats (self);
  JsonObject *requests = json_object_new ();
  JsonObject *average = json_object_new ();
  JsonObject *p95 = json_object_new ();

  for (guint i = 0; i < list->len; i++)
    {
      RouteStats *stats = g_ptr_array_index (list, i);
      JsonObject *counts = json_object_new ();
      guint64 n = stats->success + stats->errors;

      json_object_set_int_member (counts, "success", stats->success);
      json_object_set_int_member (counts, "error", stats->errors);
      json_object_set_object_member (requests, stats->key, counts);
      json_object_set_double_member (average, stats->key, n ? 1000.0 * stats->total_seconds / n : 0.0);
      json_object_set_double_member (p95, stats->key, 1000.0 * recent_p95 (stats));
    }

  json_object_set_object_member (snapshot, "requests_total", requests);
  json_object_set_object_member (snapshot, "avg_duration_ms", average);
  json_object_set_object_member (snapshot, "p95_duration_ms", p95);
}

/**
 * porthole_request_stats_write_prometheus:
 *
 * Writes `hopx_agent_http_requests_total{method,path,status}` and the
 * `hopx_agent_http_request_duration_seconds` histogram, labelled by
 * route template and status class.
 */
void
porthole_request_stats_write_prometheus (PortholeRequestStats *self,
                                         GString              *out)
{
  g_autoptr(GPtrArray) list = sorted_stats (self);

  porthole_prometheus_family (out, "hopx_agent_http_requests_total", "counter",
                              "HTTP requests handled, by route template and status class.");
  for (guint i = 0; i < list->len; i++)
    {
      RouteStats *stats = g_ptr_array_index (list, i);

      for (guint c = 0; c < N_CLASSES; c++)
        {
          g_autofree char *labels = NULL;

          if (stats->classes[c] == NULL)
            continue;
          labels = porthole_prometheus_labels ("method", stats->method, "path", stats->path,
                                               "status", class_names[c], NULL);
          porthole_prometheus_value (out, "hopx_agent_http_requests_total", labels,
                                     stats->classes[c]->count);
        }
    }

  porthole_prometheus_family (out, "hopx_agent_http_request_duration_seconds", "histogram",
                              "Time from request headers to the end of the answer.");
  for (guint i = 0; i < list->len; i++)
    {
      RouteStats *stats = g_ptr_array_index (list, i);

      for (guint c = 0; c < N_CLASSES; c++)
        {
          Histogram *histogram = stats->classes[c];
          g_autofree char *labels = NULL;
          g_autoptr(GString) bucket_labels = NULL;
          gsize prefix_length;
          guint64 cumulative = 0;

          if (histogram == NULL)
            continue;

          /* {method=…,path=…,status=…,le="…"}: the same but for le. */
          labels = porthole_prometheus_labels ("method", stats->method, "path", stats->path,
                                               "status", class_names[c], NULL);
          bucket_labels = g_string_new_len (labels, strlen (labels) - 1);
          g_string_append (bucket_labels, ",le=\"");
          prefix_length = bucket_labels->len;

          for (guint b = 0; b <= N_BUCKETS; b++)
            {
              cumulative += histogram->buckets[b];
              g_string_truncate (bucket_labels, prefix_length);
              g_string_append (bucket_labels, bucket_names[b]);
              g_string_append (bucket_labels, "\"}");
              porthole_prometheus_value (out, "hopx_agent_http_request_duration_seconds_bucket",
                                         bucket_labels->str, cumulative);
            }

          porthole_prometheus_value (out, "hopx_agent_http_request_duration_seconds_sum",
                                     labels, histogram->sum);
          porthole_prometheus_value (out, "hopx_agent_http_request_duration_seconds_count",
                                     labels, histogram->count);
        }
    }
}
