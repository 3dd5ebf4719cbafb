/* porthole-sandbox.c
 *
 * A sandbox checks its agent's health on its own: every check-interval
 * seconds while it answers, and after 1, 2, 4… up to 30 s while it does
 * not, so a daemon that restarts is seen again within seconds and a dead
 * one costs almost nothing. Every check runs asynchronously and is
 * cancelled when monitoring stops.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "porthole-sandbox.h"
#include "porthole-util.h"

#define CHECK_TIMEOUT_SECONDS 10
#define MAX_BACKOFF_SECONDS 30

struct _PortholeSandbox
{
  GObject parent_instance;

  char *id;
  char *name;
  char *url;
  char *token;
  PortholeClient *client;

  PortholeSandboxState state;
  PortholeDesktopState desktop;
  char *version;
  char *message;

  guint check_interval;
  guint failures;
  guint timeout_id;
  GCancellable *cancellable;
  gboolean monitoring;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_URL,
  PROP_CLIENT,
  PROP_STATE,
  PROP_VERSION,
  PROP_DESKTOP,
  PROP_MESSAGE,
  PROP_HAS_TOKEN,
  N_PROPS
};

enum {
  CHECKED,
  N_SIGNALS
};

G_DEFINE_ENUM_TYPE (PortholeSandboxState, porthole_sandbox_state,
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_UNREACHABLE, "unreachable"),
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_TOKEN_INVALID, "token-invalid"),
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_TOKEN_EXPIRED, "token-expired"),
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_NO_TOKEN, "no-token"),
                    G_DEFINE_ENUM_VALUE (PORTHOLE_SANDBOX_UNHEALTHY, "unhealthy"))

G_DEFINE_FINAL_TYPE (PortholeSandbox, porthole_sandbox, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_check (PortholeSandbox *self,
                            guint            seconds);

static void
porthole_sandbox_dispose (GObject *object)
{
  PortholeSandbox *self = (PortholeSandbox *)object;

  porthole_sandbox_stop_monitoring (self);

  G_OBJECT_CLASS (porthole_sandbox_parent_class)->dispose (object);
}

static void
porthole_sandbox_finalize (GObject *object)
{
  PortholeSandbox *self = (PortholeSandbox *)object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->url);
  g_free (self->token);
  g_free (self->version);
  g_free (self->message);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (porthole_sandbox_parent_class)->finalize (object);
}

static void
porthole_sandbox_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PortholeSandbox *self = PORTHOLE_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;

    case PROP_DESKTOP:
      g_value_set_int (value, self->desktop);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_HAS_TOKEN:
      g_value_set_boolean (value, self->token != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_sandbox_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  PortholeSandbox *self = PORTHOLE_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      porthole_sandbox_set_name (self, g_value_get_string (value));
      break;

    case PROP_URL:
      porthole_sandbox_set_url (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
porthole_sandbox_class_init (PortholeSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_sandbox_dispose;
  object_class->finalize = porthole_sandbox_finalize;
  object_class->get_property = porthole_sandbox_get_property;
  object_class->set_property = porthole_sandbox_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, PORTHOLE_TYPE_CLIENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PORTHOLE_TYPE_SANDBOX_STATE, PORTHOLE_SANDBOX_CONNECTING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESKTOP] =
    g_param_spec_int ("desktop", NULL, NULL,
                      PORTHOLE_DESKTOP_UNKNOWN, PORTHOLE_DESKTOP_UNAVAILABLE, PORTHOLE_DESKTOP_UNKNOWN,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_TOKEN] =
    g_param_spec_boolean ("has-token", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortholeSandbox::checked:
   *
   * A health check finished (whatever it found).
   */
  signals[CHECKED] =
    g_signal_new ("checked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
porthole_sandbox_init (PortholeSandbox *self)
{
  self->check_interval = 5;
  self->state = PORTHOLE_SANDBOX_CONNECTING;
}

PortholeSandbox *
porthole_sandbox_new (const char *id,
                      const char *name,
                      const char *url)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (PORTHOLE_TYPE_SANDBOX,
                       "id", id,
                       "name", name,
                       "url", url,
                       NULL);
}

const char *
porthole_sandbox_get_id (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->id;
}

const char *
porthole_sandbox_get_name (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->name;
}

void
porthole_sandbox_set_name (PortholeSandbox *self,
                           const char      *name)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));

  if (porthole_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
porthole_sandbox_get_url (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->url;
}

/* A new URL is a new agent: a new client, and everything known about
 * the old one is forgotten. */
void
porthole_sandbox_set_url (PortholeSandbox *self,
                          const char      *url)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));
  g_return_if_fail (url != NULL);

  if (!porthole_set_str (&self->url, url))
    return;

  g_clear_object (&self->client);
  self->client = porthole_client_new (url, self->token);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);

  if (self->monitoring)
    porthole_sandbox_check_now (self);
}

/**
 * porthole_sandbox_get_client:
 *
 * Returns: (transfer none): the client of this sandbox's agent; it
 *   changes with the URL ("client" is notified)
 */
PortholeClient *
porthole_sandbox_get_client (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->client;
}

gboolean
porthole_sandbox_has_token (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), FALSE);

  return self->token != NULL;
}

const char *
porthole_sandbox_get_token (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->token;
}

/**
 * porthole_sandbox_set_token:
 * @token: (nullable): the token, kept in memory only (the keyring has
 *   the lasting copy)
 */
void
porthole_sandbox_set_token (PortholeSandbox *self,
                            const char      *token)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));

  if (token != NULL && *token == '\0')
    token = NULL;
  if (!porthole_set_str (&self->token, token))
    return;

  porthole_client_set_token (self->client, token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TOKEN]);

  if (self->monitoring)
    porthole_sandbox_check_now (self);
}

PortholeSandboxState
porthole_sandbox_get_state (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), PORTHOLE_SANDBOX_CONNECTING);

  return self->state;
}

gboolean
porthole_sandbox_is_online (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), FALSE);

  return self->state == PORTHOLE_SANDBOX_ONLINE;
}

/**
 * porthole_sandbox_get_version:
 *
 * Returns: (nullable): the agent's version, once it answered
 */
const char *
porthole_sandbox_get_version (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->version;
}

PortholeDesktopState
porthole_sandbox_get_desktop (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), PORTHOLE_DESKTOP_UNKNOWN);

  return self->desktop;
}

/**
 * porthole_sandbox_get_message:
 *
 * Returns: (nullable): the technical words of the last problem
 */
const char *
porthole_sandbox_get_message (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  return self->message;
}

/**
 * porthole_sandbox_dup_status_title:
 *
 * Returns: (transfer full): the state in a few plain words
 */
char *
porthole_sandbox_dup_status_title (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  switch (self->state)
    {
    case PORTHOLE_SANDBOX_CONNECTING:
      return g_strdup (_("Connecting…"));
    case PORTHOLE_SANDBOX_ONLINE:
      return g_strdup (_("Online"));
    case PORTHOLE_SANDBOX_UNREACHABLE:
      return g_strdup (_("Unreachable"));
    case PORTHOLE_SANDBOX_TOKEN_INVALID:
      return g_strdup (_("Token Refused"));
    case PORTHOLE_SANDBOX_TOKEN_EXPIRED:
      return g_strdup (_("Token Expired"));
    case PORTHOLE_SANDBOX_NO_TOKEN:
      return g_strdup (_("No Token"));
    case PORTHOLE_SANDBOX_UNHEALTHY:
      return g_strdup (_("Not a Healthy Agent"));
    default:
      g_assert_not_reached ();
    }
}

/**
 * porthole_sandbox_dup_status_details:
 *
 * Returns: (transfer full): what the state means and what to do, in a
 *   sentence or two
 */
char *
porthole_sandbox_dup_status_details (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  switch (self->state)
    {
    case PORTHOLE_SANDBOX_CONNECTING:
      return g_strdup_printf (_("Asking the agent at %s how it is."), self->url);
    case PORTHOLE_SANDBOX_ONLINE:
      return g_strdup_printf (_("The agent at %s answers."), self->url);
    case PORTHOLE_SANDBOX_UNREACHABLE:
      return g_strdup_printf (_("Nothing answers at %s. Is portholed running there? "
                                "Porthole keeps trying and reconnects by itself."), self->url);
    case PORTHOLE_SANDBOX_TOKEN_INVALID:
      return g_strdup (_("The agent does not accept this sandbox’s token. "
                         "Edit the sandbox and paste a token the agent issued."));
    case PORTHOLE_SANDBOX_TOKEN_EXPIRED:
      return g_strdup (_("The token has expired. Edit the sandbox and paste a new one."));
    case PORTHOLE_SANDBOX_NO_TOKEN:
      return g_strdup (_("The agent answers, but Porthole has no token for it. "
                         "Edit the sandbox and paste its token."));
    case PORTHOLE_SANDBOX_UNHEALTHY:
      return g_strdup_printf (_("Something answers at %s, but not a healthy portholed."), self->url);
    default:
      g_assert_not_reached ();
    }
}

/**
 * porthole_sandbox_dup_subtitle:
 *
 * Returns: (transfer full): the sidebar's second line: the version and
 *   the desktop when online, the state otherwise
 */
char *
porthole_sandbox_dup_subtitle (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), NULL);

  if (self->state != PORTHOLE_SANDBOX_ONLINE)
    return porthole_sandbox_dup_status_title (self);

  switch (self->desktop)
    {
    case PORTHOLE_DESKTOP_AVAILABLE:
      /* Translators: the agent's version, then whether it has a desktop. */
      return g_strdup_printf (_("%s · desktop"), self->version ? self->version : "?");
    case PORTHOLE_DESKTOP_UNAVAILABLE:
      return g_strdup_printf (_("%s · no desktop"), self->version ? self->version : "?");
    case PORTHOLE_DESKTOP_UNKNOWN:
    default:
      return g_strdup (self->version ? self->version : "?");
    }
}

static void
set_string_property (PortholeSandbox  *self,
                     char            **field,
                     const char       *value,
                     int               prop)
{
  if (porthole_set_str (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static PortholeSandboxState
state_from_health (PortholeSandbox *self,
                   PortholeHealth  *health)
{
  switch (porthole_health_get_status (health))
    {
    case PORTHOLE_HEALTH_ONLINE:
      return PORTHOLE_SANDBOX_ONLINE;
    case PORTHOLE_HEALTH_UNREACHABLE:
      return PORTHOLE_SANDBOX_UNREACHABLE;
    case PORTHOLE_HEALTH_TOKEN_INVALID:
      return self->token == NULL ? PORTHOLE_SANDBOX_NO_TOKEN : PORTHOLE_SANDBOX_TOKEN_INVALID;
    case PORTHOLE_HEALTH_TOKEN_EXPIRED:
      return PORTHOLE_SANDBOX_TOKEN_EXPIRED;
    case PORTHOLE_HEALTH_UNHEALTHY:
    default:
      return PORTHOLE_SANDBOX_UNHEALTHY;
    }
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PortholeSandbox) self = user_data;
  g_autoptr(PortholeHealth) health = NULL;
  g_autoptr(GError) error = NULL;
  PortholeSandboxState state;
  PortholeDesktopState desktop;

  health = porthole_client_check_health_finish (PORTHOLE_CLIENT (object), result, &error);
  if (health == NULL)
    return;  /* cancelled: monitoring stopped, or a newer check replaced this one */

  g_clear_object (&self->cancellable);

  g_object_freeze_notify (G_OBJECT (self));

  state = state_from_health (self, health);
  set_string_property (self, &self->message, porthole_health_get_message (health), PROP_MESSAGE);
  if (porthole_health_get_version (health) != NULL)
    set_string_property (self, &self->version, porthole_health_get_version (health), PROP_VERSION);
  desktop = porthole_health_get_desktop (health);
  if (self->desktop != desktop && state != PORTHOLE_SANDBOX_UNREACHABLE)
    {
      self->desktop = desktop;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESKTOP]);
    }
  if (self->state != state)
    {
      g_autofree char *name = g_enum_to_string (PORTHOLE_TYPE_SANDBOX_STATE, state);

      g_debug ("Sandbox %s: %s", self->name, name);
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  g_object_thaw_notify (G_OBJECT (self));

  if (state == PORTHOLE_SANDBOX_ONLINE)
    {
      self->failures = 0;
      schedule_check (self, self->check_interval);
    }
  else
    {
      self->failures = MIN (self->failures + 1, 6);
      schedule_check (self, MIN (1u << (self->failures - 1), MAX_BACKOFF_SECONDS));
    }

  g_signal_emit (self, signals[CHECKED], 0);
}

static void
check (PortholeSandbox *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  self->cancellable = g_cancellable_new ();
  porthole_client_check_health_async (self->client, CHECK_TIMEOUT_SECONDS, self->cancellable,
                                      check_cb, g_object_ref (self));
}

static gboolean
on_check_timeout (gpointer user_data)
{
  PortholeSandbox *self = user_data;

  self->timeout_id = 0;
  check (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_check (PortholeSandbox *self,
                guint            seconds)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->monitoring)
    self->timeout_id = g_timeout_add_seconds (seconds, on_check_timeout, self);
}

/**
 * porthole_sandbox_set_check_interval:
 * @seconds: between two checks while the agent answers
 */
void
porthole_sandbox_set_check_interval (PortholeSandbox *self,
                                     guint            seconds)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));
  g_return_if_fail (seconds > 0);

  self->check_interval = seconds;
  if (self->monitoring && self->state == PORTHOLE_SANDBOX_ONLINE && self->cancellable == NULL)
    schedule_check (self, seconds);
}

void
porthole_sandbox_start_monitoring (PortholeSandbox *self)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));

  if (self->monitoring)
    return;

  self->monitoring = TRUE;
  check (self);
}

void
porthole_sandbox_stop_monitoring (PortholeSandbox *self)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));

  self->monitoring = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/**
 * porthole_sandbox_check_now:
 *
 * Checks at once, without waiting for the back-off ("Retry Now").
 */
void
porthole_sandbox_check_now (PortholeSandbox *self)
{
  g_return_if_fail (PORTHOLE_IS_SANDBOX (self));

  self->failures = 0;
  if (self->monitoring)
    check (self);
}

/**
 * porthole_sandbox_get_status_class:
 *
 * Returns: the style class of the sandbox's health dot: "success"
 *   (online), "error" (unreachable, unhealthy) or "warning"
 */
const char *
porthole_sandbox_get_status_class (PortholeSandbox *self)
{
  g_return_val_if_fail (PORTHOLE_IS_SANDBOX (self), "warning");

  switch (self->state)
    {
    case PORTHOLE_SANDBOX_ONLINE:
      return "success";
    case PORTHOLE_SANDBOX_UNREACHABLE:
    case PORTHOLE_SANDBOX_UNHEALTHY:
      return "error";
    case PORTHOLE_SANDBOX_CONNECTING:
    case PORTHOLE_SANDBOX_TOKEN_INVALID:
    case PORTHOLE_SANDBOX_TOKEN_EXPIRED:
    case PORTHOLE_SANDBOX_NO_TOKEN:
    default:
      return "warning";
    }
}
