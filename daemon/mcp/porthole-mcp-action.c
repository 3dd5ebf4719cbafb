/* porthole-mcp-action.c
 *
 * The screen is watched (the shared XDamage notifier) from just before
 * the action until the answer, so `changed` covers what the action did
 * at once and what the application drew after. Settling is the "stable"
 * wait of porthole-desktop-wait.c: no change for settle_ms, within
 * settle_timeout_ms; driven by damage events, not polling. A click that
 * did nothing answers changed: false after settle_ms.
 *
 * Arguments every action tool takes: settle (default true), settle_ms,
 * settle_timeout_ms, screenshot (default false), and for the screenshot
 * format, quality and show_pointer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-desktop-wait.h"
#include "porthole-json.h"
#include "porthole-mcp-action.h"
#include "porthole-mcp-capture.h"
#include "porthole-x11-damage.h"

#define DEFAULT_SETTLE_MS 200
#define DEFAULT_SETTLE_TIMEOUT_MS 3000

struct _PortholeMcpAction
{
  GObject parent_instance;

  PortholeMcpCall *call;
  PortholeDesktop *desktop;
  PortholeMcpSpace space;

  gboolean settle;
  guint settle_ms;
  guint settle_timeout_ms;
  gboolean screenshot;
  PortholeMcpShotOptions shot;

  guint damage_id;
  guint changes;

  JsonObject *structured;
  char *text;
  gboolean settled;
  gboolean waited;
};

G_DEFINE_FINAL_TYPE (PortholeMcpAction, porthole_mcp_action, G_TYPE_OBJECT)

static void
stop_watching (PortholeMcpAction *self)
{
  PortholeX11Damage *damage = porthole_desktop_get_damage (self->desktop);

  if (self->damage_id != 0 && damage != NULL)
    porthole_x11_damage_unsubscribe (damage, self->damage_id);
  self->damage_id = 0;
}

static void
porthole_mcp_action_dispose (GObject *object)
{
  PortholeMcpAction *self = (PortholeMcpAction *)object;

  if (self->desktop != NULL)
    stop_watching (self);
  g_clear_object (&self->call);
  g_clear_object (&self->desktop);
  g_clear_pointer (&self->structured, json_object_unref);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (porthole_mcp_action_parent_class)->dispose (object);
}

static void
porthole_mcp_action_class_init (PortholeMcpActionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_mcp_action_dispose;
}

static void
porthole_mcp_action_init (PortholeMcpAction *self)
{
}

static void
on_damage (PortholeX11Damage  *damage,
           const PortholeRect *areas,
           guint               n_areas,
           gint64              when,
           gpointer            user_data)
{
  PortholeMcpAction *self = user_data;

  self->changes++;
}

/**
 * porthole_mcp_action_new:
 * @arguments: the tool's (settle, screenshot, ...)
 *
 * Starts watching the screen: call it before acting.
 */
PortholeMcpAction *
porthole_mcp_action_new (PortholeMcpCall        *call,
                         PortholeDesktop        *desktop,
                         const PortholeMcpSpace *space,
                         JsonObject             *arguments)
{
  PortholeMcpAction *self = g_object_new (PORTHOLE_TYPE_MCP_ACTION, NULL);
  PortholeX11Damage *damage = porthole_desktop_get_damage (desktop);

  self->call = g_object_ref (call);
  self->desktop = g_object_ref (desktop);
  self->space = *space;
  self->settle = json_object_get_boolean_member_with_default (arguments, "settle", TRUE);
  self->settle_ms = json_object_get_int_member_with_default (arguments, "settle_ms", DEFAULT_SETTLE_MS);
  self->settle_timeout_ms = json_object_get_int_member_with_default (arguments, "settle_timeout_ms",
                                                                     DEFAULT_SETTLE_TIMEOUT_MS);
  self->settle_timeout_ms = MAX (self->settle_timeout_ms, self->settle_ms + 1);
  self->screenshot = json_object_get_boolean_member_with_default (arguments, "screenshot", FALSE);
  porthole_mcp_shot_options_from_arguments (&self->shot, arguments);

  if (damage != NULL && porthole_x11_damage_is_available (damage))
    self->damage_id = porthole_x11_damage_subscribe (damage, NULL, on_damage, self, NULL);

  return self;
}

PortholeMcpCall *
porthole_mcp_action_get_call (PortholeMcpAction *self)
{
  return self->call;
}

PortholeDesktop *
porthole_mcp_action_get_desktop (PortholeMcpAction *self)
{
  return self->desktop;
}

const PortholeMcpSpace *
porthole_mcp_action_get_space (PortholeMcpAction *self)
{
  return &self->space;
}

static void
on_script_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!porthole_x11_input_run_finish (PORTHOLE_X11_INPUT (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * porthole_mcp_action_run_script_async:
 *
 * Runs @script through the desktop's input (what the REST input routes
 * run theirs through), cancelled with the call.
 */
void
porthole_mcp_action_run_script_async (PortholeMcpAction   *self,
                                      PortholeInputScript *script,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, porthole_mcp_call_get_cancellable (self->call), callback, user_data);

  porthole_x11_input_run_async (porthole_desktop_get_input (self->desktop), script,
                                porthole_mcp_call_get_cancellable (self->call), on_script_done, task);
}

gboolean
porthole_mcp_action_run_script_finish (PortholeMcpAction  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PortholeMcpAction *self = PORTHOLE_MCP_ACTION (object);
  g_autoptr(GError) error = NULL;

  if (!porthole_mcp_action_run_script_finish (self, result, &error))
    {
      porthole_mcp_action_fail (self, error);
      return;
    }

  porthole_mcp_action_complete (self, self->structured, self->text);
}

/**
 * porthole_mcp_action_run:
 * @structured: (transfer none): the tool's result so far
 * @text: what it did, in words
 *
 * Runs @script, then porthole_mcp_action_complete().
 */
void
porthole_mcp_action_run (PortholeMcpAction   *self,
                         PortholeInputScript *script,
                         JsonObject          *structured,
                         const char          *text)
{
  self->structured = json_object_ref (structured);
  self->text = g_strdup (text);
  porthole_mcp_action_run_script_async (self, script, on_run_done, NULL);
}

static void
finish (PortholeMcpAction *self,
        PortholeMcpShot   *shot)
{
  g_autoptr(PortholeMcpAction) hold = g_object_ref (self);
  JsonObject *structured = self->structured;
  g_autoptr(GString) text = g_string_new (self->text);

  stop_watching (self);

  /* Without waiting, no change yet says nothing. */
  if (self->changes > 0 || self->waited)
    json_object_set_boolean_member (structured, "changed", self->changes > 0);
  else
    json_object_set_null_member (structured, "changed");
  if (self->waited)
    json_object_set_boolean_member (structured, "settled", self->settled);

  if (self->changes > 0)
    g_string_append (text, "; the screen changed");
  else if (self->waited)
    g_string_append (text, "; nothing changed on screen");
  if (self->waited && !self->settled)
    g_string_append_printf (text, " (still changing after %u ms)", self->settle_timeout_ms);

  if (shot != NULL)
    {
      json_object_set_object_member (structured, "screenshot", porthole_mcp_shot_to_json (shot));
      porthole_mcp_call_add_text (self->call, text->str);
      porthole_mcp_call_add_image (self->call, shot->data, porthole_image_format_get_mime_type (shot->format));
    }
  else
    porthole_mcp_call_add_text (self->call, text->str);

  porthole_mcp_call_set_structured (self->call, structured);
  porthole_mcp_call_finish_tool (self->call);
}

static void
on_captured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortholeMcpAction) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeMcpShot) shot = porthole_mcp_capture_finish (result, &error);

  if (shot == NULL)
    {
      porthole_mcp_action_fail (self, error);
      return;
    }

  finish (self, shot);
}

static void
after_settling (PortholeMcpAction *self)
{
  if (!self->screenshot)
    {
      finish (self, NULL);
      return;
    }

  porthole_mcp_capture_async (self->desktop, &self->space, NULL, &self->shot,
                              porthole_mcp_call_get_cancellable (self->call), on_captured, g_object_ref (self));
}

static void
on_settled (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortholeMcpAction) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = porthole_desktop_wait_finish (PORTHOLE_DESKTOP (object), result, &error);

  if (reply == NULL)
    {
      porthole_mcp_action_fail (self, error);
      return;
    }

  self->waited = TRUE;
  self->settled = json_object_get_boolean_member_with_default (reply, "matched", FALSE);
  after_settling (self);
}

/**
 * porthole_mcp_action_complete:
 * @structured: (transfer none): the tool's result; changed, settled
 *   and screenshot are added
 * @text: what was done, in words
 *
 * The action is done: settle if asked, take the screenshot if asked,
 * answer.
 */
void
porthole_mcp_action_complete (PortholeMcpAction *self,
                              JsonObject        *structured,
                              const char        *text)
{
  g_auto(PortholeWaitOptions) options = { 0 };

  if (self->structured != structured)
    {
      g_clear_pointer (&self->structured, json_object_unref);
      self->structured = json_object_ref (structured);
    }
  if (self->text != text)
    {
      g_free (self->text);
      self->text = g_strdup (text);
    }

  if (!self->settle || porthole_mcp_call_is_done (self->call))
    {
      after_settling (self);
      return;
    }

  options.condition = PORTHOLE_WAIT_STABLE;
  options.stable_ms = self->settle_ms;
  options.timeout_ms = self->settle_timeout_ms;
  porthole_desktop_wait_async (self->desktop, &options, porthole_mcp_call_get_cancellable (self->call),
                               on_settled, g_object_ref (self));
}

/**
 * porthole_mcp_action_fail:
 *
 * The action could not be done: a tool error the model can read.
 */
void
porthole_mcp_action_fail (PortholeMcpAction *self,
                          const GError      *error)
{
  stop_watching (self);
  porthole_mcp_call_fail_tool (self->call, error);
}
