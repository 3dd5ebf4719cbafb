/* porthole-run-table.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-run-table.h"

struct _PortholeRunTable
{
  GObject parent_instance;

  /* Newest last. */
  GPtrArray *runs;
};

G_DEFINE_FINAL_TYPE (PortholeRunTable, porthole_run_table, G_TYPE_OBJECT)

static void
porthole_run_table_finalize (GObject *object)
{
  PortholeRunTable *self = (PortholeRunTable *)object;

  g_clear_pointer (&self->runs, g_ptr_array_unref);

  G_OBJECT_CLASS (porthole_run_table_parent_class)->finalize (object);
}

static void
porthole_run_table_class_init (PortholeRunTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_run_table_finalize;
}

static void
porthole_run_table_init (PortholeRunTable *self)
{
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
}

PortholeRunTable *
porthole_run_table_new (void)
{
  return g_object_new (PORTHOLE_TYPE_RUN_TABLE, NULL);
}

/* Drops finished runs older than the retention time, keeping the newest
 * PORTHOLE_RUN_TABLE_KEEP_FINISHED finished ones whatever their age. */
static void
prune (PortholeRunTable *self)
{
  gint64 cutoff = g_get_real_time () - PORTHOLE_RUN_TABLE_RETENTION_SECONDS * G_USEC_PER_SEC;
  guint finished_seen = 0;

  for (guint i = self->runs->len; i > 0; i--)
    {
      PortholeRun *run = g_ptr_array_index (self->runs, i - 1);

      if (!porthole_run_is_finished (run))
        continue;
      if (++finished_seen > PORTHOLE_RUN_TABLE_KEEP_FINISHED &&
          porthole_run_get_end_time (run) < cutoff)
        g_ptr_array_remove_index (self->runs, i - 1);
    }
}

void
porthole_run_table_add (PortholeRunTable *self,
                        PortholeRun      *run)
{
  g_return_if_fail (PORTHOLE_IS_RUN_TABLE (self));
  g_return_if_fail (PORTHOLE_IS_RUN (run));

  prune (self);
  g_ptr_array_add (self->runs, g_object_ref (run));
}

/**
 * porthole_run_table_lookup:
 * @id: a process id, an execution id, or a decimal OS pid
 *
 * Returns: (transfer none) (nullable): the run
 */
PortholeRun *
porthole_run_table_lookup (PortholeRunTable *self,
                           const char       *id)
{
  guint64 pid = 0;
  gboolean numeric;

  g_return_val_if_fail (PORTHOLE_IS_RUN_TABLE (self), NULL);

  if (id == NULL)
    return NULL;

  numeric = g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT, &pid, NULL);

  for (guint i = self->runs->len; i > 0; i--)
    {
      PortholeRun *run = g_ptr_array_index (self->runs, i - 1);
      PortholeProcess *process = porthole_run_get_process (run);

      if (g_str_equal (id, porthole_run_get_process_id (run)) ||
          g_str_equal (id, porthole_run_get_execution_id (run)) ||
          (numeric && process != NULL && porthole_process_get_pid (process) == (GPid) pid))
        return run;
    }

  return NULL;
}

/**
 * porthole_run_table_list:
 *
 * Returns: (transfer container) (element-type PortholeRun): newest first
 */
GPtrArray *
porthole_run_table_list (PortholeRunTable *self)
{
  GPtrArray *list = g_ptr_array_new_full (self->runs->len, g_object_unref);

  prune (self);
  for (guint i = self->runs->len; i > 0; i--)
    g_ptr_array_add (list, g_object_ref (g_ptr_array_index (self->runs, i - 1)));

  return list;
}

guint
porthole_run_table_count_active (PortholeRunTable *self)
{
  guint n = 0;

  for (guint i = 0; i < self->runs->len; i++)
    if (!porthole_run_is_finished (g_ptr_array_index (self->runs, i)))
      n++;

  return n;
}

void
porthole_run_table_kill_all (PortholeRunTable *self)
{
  for (guint i = 0; i < self->runs->len; i++)
    porthole_run_kill (g_ptr_array_index (self->runs, i));
}
