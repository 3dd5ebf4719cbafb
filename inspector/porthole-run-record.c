/* porthole-run-record.c
 *
 * Outputs are kept in arrival order, text and rich outputs mixed, so the
 * page can show an earlier run exactly as it looked. Consecutive chunks
 * of one stream are merged. "notify::finished" tells the history row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-run-record.h"

typedef struct
{
  PortholeRunOutputKind kind;
  GString *text;
  char *mime;
  JsonNode *data;
} Output;

struct _PortholeRunRecord
{
  GObject parent_instance;

  char *code;
  char *language;
  gboolean shell;
  gboolean keep_state;
  GPtrArray *outputs;
  gboolean finished;
  int exit_code;
  double duration;
};

enum {
  PROP_0,
  PROP_FINISHED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PortholeRunRecord, porthole_run_record, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
output_free (Output *output)
{
  if (output->text != NULL)
    g_string_free (output->text, TRUE);
  g_free (output->mime);
  g_clear_pointer (&output->data, json_node_unref);
  g_free (output);
}

static void
porthole_run_record_finalize (GObject *object)
{
  PortholeRunRecord *self = (PortholeRunRecord *)object;

  g_free (self->code);
  g_free (self->language);
  g_ptr_array_unref (self->outputs);

  G_OBJECT_CLASS (porthole_run_record_parent_class)->finalize (object);
}

static void
porthole_run_record_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PortholeRunRecord *self = PORTHOLE_RUN_RECORD (object);

  switch (prop_id)
    {
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_run_record_class_init (PortholeRunRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_run_record_finalize;
  object_class->get_property = porthole_run_record_get_property;

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
porthole_run_record_init (PortholeRunRecord *self)
{
  self->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  self->exit_code = -1;
}

/**
 * porthole_run_record_new:
 * @language: python, javascript, bash or go (ignored for @shell)
 * @shell: whether @code is a shell command line
 * @keep_state: whether it ran in the page's kernel session
 */
PortholeRunRecord *
porthole_run_record_new (const char *code,
                         const char *language,
                         gboolean    shell,
                         gboolean    keep_state)
{
  PortholeRunRecord *self = g_object_new (PORTHOLE_TYPE_RUN_RECORD, NULL);

  self->code = g_strdup (code);
  self->language = g_strdup (language);
  self->shell = shell;
  self->keep_state = keep_state;

  return self;
}

const char *
porthole_run_record_get_code (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), NULL);

  return self->code;
}

const char *
porthole_run_record_get_language (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), NULL);

  return self->language;
}

gboolean
porthole_run_record_get_shell (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), FALSE);

  return self->shell;
}

gboolean
porthole_run_record_get_keep_state (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), FALSE);

  return self->keep_state;
}

/**
 * porthole_run_record_dup_title:
 *
 * Returns: (transfer full): the code's first non-empty line
 */
char *
porthole_run_record_dup_title (PortholeRunRecord *self)
{
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), NULL);

  lines = g_strsplit (self->code, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        return g_strdup (lines[i]);
    }

  return g_strdup (_("(empty)"));
}

void
porthole_run_record_add_text (PortholeRunRecord     *self,
                              PortholeRunOutputKind  kind,
                              const char            *text)
{
  Output *last;

  g_return_if_fail (PORTHOLE_IS_RUN_RECORD (self));
  g_return_if_fail (kind != PORTHOLE_RUN_OUTPUT_RICH);

  last = self->outputs->len > 0 ? g_ptr_array_index (self->outputs, self->outputs->len - 1) : NULL;
  if (last != NULL && last->kind == kind)
    {
      g_string_append (last->text, text);
      return;
    }

  last = g_new0 (Output, 1);
  last->kind = kind;
  last->text = g_string_new (text);
  g_ptr_array_add (self->outputs, last);
}

void
porthole_run_record_add_rich (PortholeRunRecord *self,
                              const char        *mime,
                              JsonNode          *data)
{
  Output *output;

  g_return_if_fail (PORTHOLE_IS_RUN_RECORD (self));

  output = g_new0 (Output, 1);
  output->kind = PORTHOLE_RUN_OUTPUT_RICH;
  output->mime = g_strdup (mime);
  output->data = json_node_copy (data);
  g_ptr_array_add (self->outputs, output);
}

/**
 * porthole_run_record_foreach:
 * @func: (scope call): called for each output, in order
 */
void
porthole_run_record_foreach (PortholeRunRecord     *self,
                             PortholeRunOutputFunc  func,
                             gpointer               user_data)
{
  g_return_if_fail (PORTHOLE_IS_RUN_RECORD (self));

  for (guint i = 0; i < self->outputs->len; i++)
    {
      Output *output = g_ptr_array_index (self->outputs, i);

      func (output->kind, output->text ? output->text->str : NULL, output->mime, output->data, user_data);
    }
}

gboolean
porthole_run_record_get_finished (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), FALSE);

  return self->finished;
}

void
porthole_run_record_finish (PortholeRunRecord *self,
                            int                exit_code,
                            double             duration)
{
  g_return_if_fail (PORTHOLE_IS_RUN_RECORD (self));

  if (self->finished)
    return;

  self->finished = TRUE;
  self->exit_code = exit_code;
  self->duration = duration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
}

int
porthole_run_record_get_exit_code (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), -1);

  return self->exit_code;
}

double
porthole_run_record_get_duration (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), 0);

  return self->duration;
}

/**
 * porthole_run_record_dup_status:
 *
 * Returns: (transfer full): "Running…", or the exit code and duration
 */
char *
porthole_run_record_dup_status (PortholeRunRecord *self)
{
  g_return_val_if_fail (PORTHOLE_IS_RUN_RECORD (self), NULL);

  if (!self->finished)
    return g_strdup (_("Running…"));

  /* Translators: the exit code, then the run's duration in seconds */
  return g_strdup_printf (_("Exit code %d · %.2f s"), self->exit_code, self->duration);
}
