/* porthole-page.c
 *
 * A page runs (polls, streams) only while it is the visible page and
 * its sandbox is online; it stops, cancelling everything in flight, as
 * soon as either changes, and starts again when the sandbox comes back,
 * so a restarted daemon is picked up without a click.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-error.h"
#include "porthole-page.h"

typedef struct
{
  PortholeSandbox *sandbox;
  GCancellable *cancellable;
  gboolean active;
  gboolean running;
} PortholePagePrivate;

enum {
  PROP_0,
  PROP_SANDBOX,
  PROP_ACTIVE,
  PROP_RUNNING,
  N_PROPS
};

G_DEFINE_TYPE_WITH_PRIVATE (PortholePage, porthole_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
update_running (PortholePage *self)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);
  gboolean running;

  running = priv->active && priv->sandbox != NULL && porthole_sandbox_is_online (priv->sandbox);
  if (running == priv->running)
    return;

  priv->running = running;
  if (running)
    {
      priv->cancellable = g_cancellable_new ();
      if (PORTHOLE_PAGE_GET_CLASS (self)->start)
        PORTHOLE_PAGE_GET_CLASS (self)->start (self, priv->sandbox, priv->cancellable);
    }
  else
    {
      g_cancellable_cancel (priv->cancellable);
      g_clear_object (&priv->cancellable);
      if (PORTHOLE_PAGE_GET_CLASS (self)->stop)
        PORTHOLE_PAGE_GET_CLASS (self)->stop (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
on_sandbox_state (PortholePage *self)
{
  update_running (self);
}

static void
porthole_page_dispose (GObject *object)
{
  PortholePage *self = (PortholePage *)object;

  porthole_page_set_active (self, FALSE);
  porthole_page_set_sandbox (self, NULL);

  G_OBJECT_CLASS (porthole_page_parent_class)->dispose (object);
}

static void
porthole_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PortholePage *self = PORTHOLE_PAGE (object);
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SANDBOX:
      g_value_set_object (value, priv->sandbox);
      break;

    case PROP_ACTIVE:
      g_value_set_boolean (value, priv->active);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, priv->running);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PortholePage *self = PORTHOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SANDBOX:
      porthole_page_set_sandbox (self, g_value_get_object (value));
      break;

    case PROP_ACTIVE:
      porthole_page_set_active (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_page_class_init (PortholePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_page_dispose;
  object_class->get_property = porthole_page_get_property;
  object_class->set_property = porthole_page_set_property;

  properties[PROP_SANDBOX] =
    g_param_spec_object ("sandbox", NULL, NULL, PORTHOLE_TYPE_SANDBOX,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
porthole_page_init (PortholePage *self)
{
}

/**
 * porthole_page_get_sandbox:
 *
 * Returns: (transfer none) (nullable): the sandbox shown
 */
PortholeSandbox *
porthole_page_get_sandbox (PortholePage *self)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_PAGE (self), NULL);

  return priv->sandbox;
}

void
porthole_page_set_sandbox (PortholePage    *self,
                           PortholeSandbox *sandbox)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  g_return_if_fail (PORTHOLE_IS_PAGE (self));
  g_return_if_fail (!sandbox || PORTHOLE_IS_SANDBOX (sandbox));

  if (priv->sandbox == sandbox)
    return;

  /* Stop on the old sandbox before anything refers to the new one. */
  if (priv->sandbox != NULL)
    {
      g_signal_handlers_disconnect_by_func (priv->sandbox, on_sandbox_state, self);
      g_clear_object (&priv->sandbox);
      update_running (self);
    }

  if (sandbox != NULL)
    {
      priv->sandbox = g_object_ref (sandbox);
      g_signal_connect_object (sandbox, "notify::state", G_CALLBACK (on_sandbox_state), self, G_CONNECT_SWAPPED);
    }

  update_running (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANDBOX]);
}

gboolean
porthole_page_get_active (PortholePage *self)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_PAGE (self), FALSE);

  return priv->active;
}

/**
 * porthole_page_set_active:
 * @active: whether the page is the one shown
 */
void
porthole_page_set_active (PortholePage *self,
                          gboolean      active)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  g_return_if_fail (PORTHOLE_IS_PAGE (self));

  active = !!active;
  if (priv->active == active)
    return;

  priv->active = active;
  update_running (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

gboolean
porthole_page_get_running (PortholePage *self)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_PAGE (self), FALSE);

  return priv->running;
}

/**
 * porthole_page_get_cancellable:
 *
 * Returns: (transfer none) (nullable): the cancellable of the current
 *   run, %NULL while stopped
 */
GCancellable *
porthole_page_get_cancellable (PortholePage *self)
{
  PortholePagePrivate *priv = porthole_page_get_instance_private (self);

  g_return_val_if_fail (PORTHOLE_IS_PAGE (self), NULL);

  return priv->cancellable;
}

/**
 * porthole_page_show_toast:
 *
 * Shows @message in the window's toast overlay.
 */
void
porthole_page_show_toast (PortholePage *self,
                          const char   *message)
{
  GtkWidget *overlay;

  g_return_if_fail (PORTHOLE_IS_PAGE (self));

  /* The window shows it (win.show-toast) when the page is in one. */
  if (gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message))
    return;

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("%s", message);
}

/**
 * porthole_page_show_error:
 * @what: what failed, e.g. "Could not end the process"
 *
 * A toast for a failed action, in plain words where the error has them;
 * a cancelled action shows nothing.
 */
void
porthole_page_show_error (PortholePage *self,
                          const char   *what,
                          const GError *error)
{
  g_autofree char *message = NULL;
  const char *reason = error->message;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error->domain == PORTHOLE_CLIENT_ERROR)
    {
      switch (error->code)
        {
        case PORTHOLE_ERROR_TOKEN_INVALID:
          reason = _("the token was refused");
          break;
        case PORTHOLE_ERROR_TOKEN_EXPIRED:
          reason = _("the token has expired");
          break;
        case PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE:
          reason = _("the sandbox has no desktop");
          break;
        default:
          break;
        }
    }
  else if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    reason = _("the sandbox does not answer");

  /* Translators: "<what failed>: <why>" */
  message = g_strdup_printf (_("%s: %s"), what, reason);
  porthole_page_show_toast (self, message);
}

typedef struct
{
  PortholePage *page;
  char *response;
  PortholePageAnswerFunc answer;
  gpointer data;
  GDestroyNotify data_free;
} Question;

static void
question_free (Question *question)
{
  g_object_unref (question->page);
  g_free (question->response);
  if (question->data_free != NULL)
    question->data_free (question->data);
  g_free (question);
}

static void
question_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      Question         *question)
{
  if (g_strcmp0 (response, question->response) == 0)
    question->answer (question->page, question->data);
}

/**
 * porthole_page_ask:
 * @response: the id of the yes response
 * @label: its label, with a mnemonic
 * @appearance: e.g. %ADW_RESPONSE_DESTRUCTIVE
 * @answer: (scope notified): called if the user answers @response
 * @data: (closure answer): for @answer
 * @data_free: (destroy data): frees @data
 *
 * Asks before a step that cannot be undone: Cancel (the default, also
 * on Escape) or @label.
 *
 * Returns: (transfer none): the dialog, already shown
 */
AdwMessageDialog *
porthole_page_ask (PortholePage          *self,
                   const char            *heading,
                   const char            *body,
                   const char            *response,
                   const char            *label,
                   AdwResponseAppearance  appearance,
                   PortholePageAnswerFunc answer,
                   gpointer               data,
                   GDestroyNotify         data_free)
{
  AdwMessageDialog *dialog;
  Question *question;

  g_return_val_if_fail (PORTHOLE_IS_PAGE (self), NULL);
  g_return_val_if_fail (response != NULL && answer != NULL, NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    response, label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, appearance);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  question = g_new0 (Question, 1);
  question->page = g_object_ref (self);
  question->response = g_strdup (response);
  question->answer = answer;
  question->data = data;
  question->data_free = data_free;
  g_signal_connect_data (dialog, "response", G_CALLBACK (question_response_cb), question,
                         (GClosureNotify) question_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}
