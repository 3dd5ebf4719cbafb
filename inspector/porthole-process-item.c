/* porthole-process-item.c
 *
 * Each field is a property, notified only when a refresh changes it, so
 * the rows of the column view update in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-json.h"
#include "porthole-process-item.h"
#include "porthole-util.h"

struct _PortholeProcessItem
{
  GObject parent_instance;

  gint64 pid;
  gint64 ppid;
  char *name;
  char *user;
  char *command;
  char *status;
  char *process_id;
  double cpu;
  double memory_mb;
  double memory_percent;
  gint64 threads;
  /* Unix microseconds, 0 when unknown. */
  gint64 started;
};

enum {
  PROP_0,
  PROP_PID,
  PROP_PPID,
  PROP_NAME,
  PROP_USER,
  PROP_COMMAND,
  PROP_STATUS,
  PROP_PROCESS_ID,
  PROP_CPU,
  PROP_MEMORY_MB,
  PROP_MEMORY_PERCENT,
  PROP_THREADS,
  PROP_STARTED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PortholeProcessItem, porthole_process_item, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
porthole_process_item_finalize (GObject *object)
{
  PortholeProcessItem *self = (PortholeProcessItem *)object;

  g_free (self->name);
  g_free (self->user);
  g_free (self->command);
  g_free (self->status);
  g_free (self->process_id);

  G_OBJECT_CLASS (porthole_process_item_parent_class)->finalize (object);
}

static void
porthole_process_item_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PortholeProcessItem *self = PORTHOLE_PROCESS_ITEM (object);

  switch (prop_id)
    {
    case PROP_PID:
      g_value_set_int64 (value, self->pid);
      break;
    case PROP_PPID:
      g_value_set_int64 (value, self->ppid);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_COMMAND:
      g_value_set_string (value, self->command);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_PROCESS_ID:
      g_value_set_string (value, self->process_id);
      break;
    case PROP_CPU:
      g_value_set_double (value, self->cpu);
      break;
    case PROP_MEMORY_MB:
      g_value_set_double (value, self->memory_mb);
      break;
    case PROP_MEMORY_PERCENT:
      g_value_set_double (value, self->memory_percent);
      break;
    case PROP_THREADS:
      g_value_set_int64 (value, self->threads);
      break;
    case PROP_STARTED:
      g_value_set_int64 (value, self->started);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_process_item_class_init (PortholeProcessItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = porthole_process_item_finalize;
  object_class->get_property = porthole_process_item_get_property;

  properties[PROP_PID] = g_param_spec_int64 ("pid", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PPID] = g_param_spec_int64 ("ppid", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL, flags);
  properties[PROP_COMMAND] = g_param_spec_string ("command", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_PROCESS_ID] = g_param_spec_string ("process-id", NULL, NULL, NULL, flags);
  properties[PROP_CPU] = g_param_spec_double ("cpu", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_MEMORY_MB] = g_param_spec_double ("memory-mb", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_MEMORY_PERCENT] = g_param_spec_double ("memory-percent", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_THREADS] = g_param_spec_int64 ("threads", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_STARTED] = g_param_spec_int64 ("started", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
porthole_process_item_init (PortholeProcessItem *self)
{
}

PortholeProcessItem *
porthole_process_item_new (gint64 pid)
{
  PortholeProcessItem *self = g_object_new (PORTHOLE_TYPE_PROCESS_ITEM, NULL);

  self->pid = pid;

  return self;
}

static void
update_string (PortholeProcessItem  *self,
               char                **field,
               JsonObject           *process,
               const char           *member,
               int                   prop)
{
  if (porthole_set_str (field, porthole_json_object_get_string (process, member)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_double (PortholeProcessItem *self,
               double              *field,
               JsonObject          *process,
               const char          *member,
               int                  prop)
{
  double value = 0;

  porthole_json_node_get_double (json_object_get_member (process, member), &value);
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
    }
}

static void
update_int (PortholeProcessItem *self,
            gint64              *field,
            JsonObject          *process,
            const char          *member,
            int                  prop)
{
  gint64 value = 0;

  porthole_json_node_get_int (json_object_get_member (process, member), &value);
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
    }
}

/**
 * porthole_process_item_update:
 * @process: this pid's entry of GET /processes (API.md §9.1)
 */
void
porthole_process_item_update (PortholeProcessItem *self,
                              JsonObject          *process)
{
  gint64 started = 0;

  g_return_if_fail (PORTHOLE_IS_PROCESS_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));

  update_int (self, &self->ppid, process, "ppid", PROP_PPID);
  update_string (self, &self->name, process, "name", PROP_NAME);
  update_string (self, &self->user, process, "user", PROP_USER);
  update_string (self, &self->command, process, "command", PROP_COMMAND);
  update_string (self, &self->status, process, "status", PROP_STATUS);
  update_string (self, &self->process_id, process, "process_id", PROP_PROCESS_ID);
  update_double (self, &self->cpu, process, "cpu_percent", PROP_CPU);
  update_double (self, &self->memory_mb, process, "memory_mb", PROP_MEMORY_MB);
  update_double (self, &self->memory_percent, process, "memory_percent", PROP_MEMORY_PERCENT);
  update_int (self, &self->threads, process, "threads", PROP_THREADS);

  if (!porthole_timestamp_parse (porthole_json_object_get_string (process, "start_time"), &started))
    started = 0;
  if (self->started != started)
    {
      self->started = started;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

gint64
porthole_process_item_get_pid (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->pid;
}

gint64
porthole_process_item_get_ppid (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->ppid;
}

const char *
porthole_process_item_get_name (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), NULL);
  return self->name;
}

const char *
porthole_process_item_get_user (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), NULL);
  return self->user;
}

const char *
porthole_process_item_get_command (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), NULL);
  return self->command;
}

const char *
porthole_process_item_get_status (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), NULL);
  return self->status;
}

/**
 * porthole_process_item_get_process_id:
 *
 * Returns: (nullable): the daemon's id when portholed started this
 *   process as a background run
 */
const char *
porthole_process_item_get_process_id (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), NULL);
  return self->process_id;
}

double
porthole_process_item_get_cpu (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->cpu;
}

double
porthole_process_item_get_memory_mb (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->memory_mb;
}

double
porthole_process_item_get_memory_percent (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->memory_percent;
}

gint64
porthole_process_item_get_threads (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->threads;
}

/**
 * porthole_process_item_get_started:
 *
 * Returns: the start time in Unix microseconds, 0 when unknown
 */
gint64
porthole_process_item_get_started (PortholeProcessItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_PROCESS_ITEM (self), 0);
  return self->started;
}
