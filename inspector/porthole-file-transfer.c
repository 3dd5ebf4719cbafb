/* porthole-file-transfer.c
 *
 * "fraction" and "state" notify, so a row binds to them. The highest
 * fraction reached is kept as well: the test checks that an upload got
 * to 100 % without watching every notification.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-file-transfer.h"

struct _PortholeFileTransfer
{
  GObject parent_instance;

  char *name;
  char *path;
  double fraction;
  double max_fraction;
  PortholeFileTransferState state;
  char *error;
  GCancellable *cancellable;
};

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_STATE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PortholeFileTransfer, porthole_file_transfer, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
porthole_file_transfer_finalize (GObject *object)
{
  PortholeFileTransfer *self = (PortholeFileTransfer *)object;

  g_free (self->name);
  g_free (self->path);
  g_free (self->error);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (porthole_file_transfer_parent_class)->finalize (object);
}

static void
porthole_file_transfer_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  PortholeFileTransfer *self = PORTHOLE_FILE_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_file_transfer_class_init (PortholeFileTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = porthole_file_transfer_finalize;
  object_class->get_property = porthole_file_transfer_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      PORTHOLE_FILE_TRANSFER_RUNNING, PORTHOLE_FILE_TRANSFER_CANCELLED,
                      PORTHOLE_FILE_TRANSFER_RUNNING,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
porthole_file_transfer_init (PortholeFileTransfer *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * porthole_file_transfer_new:
 * @name: what the row shows
 * @path: the file in the sandbox
 */
PortholeFileTransfer *
porthole_file_transfer_new (const char *name,
                            const char *path)
{
  PortholeFileTransfer *self = g_object_new (PORTHOLE_TYPE_FILE_TRANSFER, NULL);

  self->name = g_strdup (name);
  self->path = g_strdup (path);

  return self;
}

const char *
porthole_file_transfer_get_name (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), NULL);

  return self->name;
}

const char *
porthole_file_transfer_get_path (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), NULL);

  return self->path;
}

double
porthole_file_transfer_get_fraction (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), 0);

  return self->fraction;
}

double
porthole_file_transfer_get_max_fraction (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), 0);

  return self->max_fraction;
}

void
porthole_file_transfer_set_progress (PortholeFileTransfer *self,
                                     goffset               done,
                                     goffset               total)
{
  double fraction;

  g_return_if_fail (PORTHOLE_IS_FILE_TRANSFER (self));

  if (total <= 0)
    return;

  fraction = CLAMP ((double) done / total, 0, 1);
  if (fraction == self->fraction)
    return;

  self->fraction = fraction;
  self->max_fraction = MAX (self->max_fraction, fraction);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

PortholeFileTransferState
porthole_file_transfer_get_state (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), PORTHOLE_FILE_TRANSFER_FAILED);

  return self->state;
}

/**
 * porthole_file_transfer_finish:
 * @error: (nullable): why it failed
 */
void
porthole_file_transfer_finish (PortholeFileTransfer *self,
                               const GError         *error)
{
  g_return_if_fail (PORTHOLE_IS_FILE_TRANSFER (self));

  if (self->state != PORTHOLE_FILE_TRANSFER_RUNNING)
    return;

  if (error == NULL)
    self->state = PORTHOLE_FILE_TRANSFER_DONE;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->state = PORTHOLE_FILE_TRANSFER_CANCELLED;
  else
    {
      self->state = PORTHOLE_FILE_TRANSFER_FAILED;
      self->error = g_strdup (error->message);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * porthole_file_transfer_get_error:
 *
 * Returns: (nullable): why it failed
 */
const char *
porthole_file_transfer_get_error (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), NULL);

  return self->error;
}

/**
 * porthole_file_transfer_get_cancellable:
 *
 * Returns: (transfer none): what cancels it
 */
GCancellable *
porthole_file_transfer_get_cancellable (PortholeFileTransfer *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_TRANSFER (self), NULL);

  return self->cancellable;
}

void
porthole_file_transfer_cancel (PortholeFileTransfer *self)
{
  g_return_if_fail (PORTHOLE_IS_FILE_TRANSFER (self));

  g_cancellable_cancel (self->cancellable);
}
