/* porthole-exec-result.c
 *
 * Python programs (through the runner's side channel) and Jupyter kernels
 * (over iopub) both report rich outputs as MIME bundles. Here they become
 * the flat fields the SDKs read (`png`, `html`, `dataframe`…, first one
 * wins), the `rich_outputs` list of /execute/rich, the `result` text of a
 * last-line expression, and the `display` messages of /stream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-exec-result.h"
#include "porthole-json.h"
#include "porthole-protocol.h"

/* A `display` frame must stay well under the 1 MiB the Python websockets
 * client accepts (API.md §1.9); bigger data is announced, not sent. */
#define MAX_DISPLAY_DATA (768 * 1024)

typedef struct
{
  const char *mime;
  /* Top-level member of the result, if any. */
  const char *field;
  const char *format;
} MimeInfo;

static const MimeInfo mimes[] = {
  { "image/png", "png", "base64" },
  { "image/jpeg", NULL, "base64" },
  { "image/svg+xml", "svg", "svg" },
  { "text/html", "html", "html" },
  { "text/markdown", "markdown", "markdown" },
  { "text/latex", NULL, "latex" },
  { "application/json", "json", "json" },
  { "application/vnd.dataframe+json", "dataframe", "json" },
};

struct _PortholeRichOutputs
{
  JsonArray *list;
  JsonObject *fields;
  char *result;
};

PortholeRichOutputs *
porthole_rich_outputs_new (void)
{
  PortholeRichOutputs *self = g_new0 (PortholeRichOutputs, 1);

  self->list = json_array_new ();
  self->fields = json_object_new ();

  return self;
}

void
porthole_rich_outputs_free (PortholeRichOutputs *self)
{
  if (self == NULL)
    return;

  json_array_unref (self->list);
  json_object_unref (self->fields);
  g_free (self->result);
  g_free (self);
}

static const MimeInfo *
lookup_mime (const char *mime)
{
  for (guint i = 0; i < G_N_ELEMENTS (mimes); i++)
    if (g_str_equal (mimes[i].mime, mime))
      return &mimes[i];

  return NULL;
}

static const char *
format_of (const char *mime,
           JsonNode   *value)
{
  const MimeInfo *info = lookup_mime (mime);

  if (info != NULL)
    return info->format;
  if (g_str_has_prefix (mime, "image/") && !g_str_has_suffix (mime, "+xml"))
    return "base64";
  if (JSON_NODE_HOLDS_OBJECT (value) || JSON_NODE_HOLDS_ARRAY (value))
    return "json";
  return "text";
}

/* A bundle whose only form is text/plain still shows as an output when it
 * was displayed; as an execute_result it is the `result`. */
static gboolean
is_shown (const char *mime,
          JsonObject *data,
          gboolean    is_result)
{
  if (!g_str_equal (mime, "text/plain"))
    return TRUE;

  return !is_result && json_object_get_size (data) == 1;
}

/**
 * porthole_rich_outputs_add:
 * @msg_type: "execute_result" or "display_data" (or "update_display_data")
 * @content: the message content: `data` (MIME type → value) and
 *   `metadata` (MIME type → object)
 * @source: "matplotlib", "pandas", "plotly" or "other"
 */
void
porthole_rich_outputs_add (PortholeRichOutputs *self,
                           const char          *msg_type,
                           JsonObject          *content,
                           const char          *source)
{
  gboolean is_result = g_strcmp0 (msg_type, "execute_result") == 0;
  JsonObject *data, *metadata = NULL;
  JsonObjectIter iter;
  const char *mime;
  JsonNode *value;

  if (content == NULL || (data = porthole_json_object_get_object (content, "data")) == NULL)
    return;
  metadata = porthole_json_object_get_object (content, "metadata");

  if (is_result && json_object_has_member (data, "text/plain"))
    {
      g_free (self->result);
      self->result = g_strdup (porthole_json_object_get_string (data, "text/plain"));
    }

  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &mime, &value))
    {
      const MimeInfo *info = lookup_mime (mime);
      JsonObject *entry, *entry_metadata;
      JsonObject *given = metadata ? porthole_json_object_get_object (metadata, mime) : NULL;

      if (!is_shown (mime, data, is_result))
        continue;

      if (info != NULL && info->field != NULL && !json_object_has_member (self->fields, info->field))
        json_object_set_member (self->fields, info->field, json_node_copy (value));

      entry_metadata = json_object_new ();
      if (given != NULL)
        {
          JsonObjectIter given_iter;
          const char *name;
          JsonNode *given_value;

          json_object_iter_init (&given_iter, given);
          while (json_object_iter_next (&given_iter, &name, &given_value))
            json_object_set_member (entry_metadata, name, json_node_copy (given_value));
        }
      json_object_set_string_member (entry_metadata, "source", source ? source : "other");
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        json_object_set_int_member (entry_metadata, "size", strlen (json_node_get_string (value)));

      entry = json_object_new ();
      json_object_set_string_member (entry, PORTHOLE_MEMBER_TYPE, mime);
      json_object_set_string_member (entry, "format", format_of (mime, value));
      json_object_set_member (entry, PORTHOLE_MEMBER_DATA, json_node_copy (value));
      json_object_set_object_member (entry, "metadata", entry_metadata);
      json_array_add_object_element (self->list, entry);
    }
}

/**
 * porthole_rich_outputs_get_result:
 *
 * Returns: (nullable): text form of the last expression's value
 */
const char *
porthole_rich_outputs_get_result (PortholeRichOutputs *self)
{
  return self->result;
}

/**
 * porthole_rich_outputs_guess_source:
 * @data: a MIME bundle
 *
 * Returns: what made the bundle, as far as its forms tell: "matplotlib",
 *   "pandas", "plotly" or "other"
 */
const char *
porthole_rich_outputs_guess_source (JsonObject *data)
{
  const char *text = porthole_json_object_get_string (data, "text/plain");
  const char *html = porthole_json_object_get_string (data, "text/html");
  JsonObjectIter iter;
  const char *mime;

  if (json_object_has_member (data, "image/png") && text != NULL && g_str_has_prefix (text, "<Figure size"))
    return "matplotlib";
  if (json_object_has_member (data, "application/vnd.dataframe+json") ||
      (html != NULL && strstr (html, "class=\"dataframe\"") != NULL))
    return "pandas";
  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &mime, NULL))
    if (g_str_has_prefix (mime, "application/vnd.plotly"))
      return "plotly";

  return "other";
}

/**
 * porthole_rich_outputs_display_messages:
 *
 * Returns: (transfer full) (element-type JsonObject): the `display`
 *   messages of /stream for one bundle
 */
GPtrArray *
porthole_rich_outputs_display_messages (const char *msg_type,
                                        JsonObject *content)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean is_result = g_strcmp0 (msg_type, "execute_result") == 0;
  JsonObject *data = content ? porthole_json_object_get_object (content, "data") : NULL;
  JsonObjectIter iter;
  const char *mime;
  JsonNode *value;

  if (data == NULL)
    return messages;

  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &mime, &value))
    {
      JsonObject *message;
      g_autofree char *timestamp = NULL;
      g_autofree char *text = NULL;

      if (!is_shown (mime, data, is_result))
        continue;

      message = json_object_new ();
      timestamp = porthole_timestamp_now ();
      text = porthole_json_to_string (value, NULL);
      json_object_set_string_member (message, PORTHOLE_MEMBER_TYPE, PORTHOLE_WS_TYPE_DISPLAY);
      json_object_set_string_member (message, "mime_type", mime);
      json_object_set_string_member (message, "format", format_of (mime, value));
      if (strlen (text) <= MAX_DISPLAY_DATA)
        json_object_set_member (message, PORTHOLE_MEMBER_DATA, json_node_copy (value));
      else
        {
          json_object_set_null_member (message, PORTHOLE_MEMBER_DATA);
          json_object_set_boolean_member (message, "truncated", TRUE);
          json_object_set_int_member (message, "size", strlen (text));
        }
      json_object_set_string_member (message, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
      g_ptr_array_add (messages, message);
    }

  return messages;
}

/**
 * porthole_exec_result_dup_stderr:
 *
 * Returns: the program's stderr, then the daemon's notice on a line of
 *   its own
 */
char *
porthole_exec_result_dup_stderr (const PortholeExecFacts *facts)
{
  const char *err = facts->stderr_text ? facts->stderr_text : "";

  if (facts->notice == NULL || facts->notice[0] == '\0')
    return g_strdup (err);

  return g_strconcat (err, err[0] && !g_str_has_suffix (err, "\n") ? "\n" : "", facts->notice, NULL);
}

/**
 * porthole_exec_result_to_json:
 * @with_rich_list: add `rich_outputs` (/execute/rich)
 *
 * Returns: (transfer full): the /execute result (API.md §3.1)
 */
JsonObject *
porthole_exec_result_to_json (const PortholeExecFacts *facts,
                              gboolean                 with_rich_list)
{
  JsonObject *result = json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();
  g_autofree char *err = porthole_exec_result_dup_stderr (facts);

  json_object_set_boolean_member (result, PORTHOLE_MEMBER_SUCCESS, facts->exit_code == 0 && !facts->timed_out);
  json_object_set_string_member (result, "stdout", facts->stdout_text ? facts->stdout_text : "");
  json_object_set_string_member (result, "stderr", err);
  json_object_set_int_member (result, PORTHOLE_MEMBER_EXIT_CODE, facts->exit_code);
  json_object_set_double_member (result, "execution_time", facts->execution_time);
  json_object_set_string_member (result, "language", facts->language);
  json_object_set_string_member (result, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  json_object_set_boolean_member (result, "timed_out", facts->timed_out);
  json_object_set_boolean_member (result, "oom_killed", facts->oom_killed);
  json_object_set_boolean_member (result, "truncated", facts->truncated);

  if (facts->rich != NULL)
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      json_object_iter_init (&iter, facts->rich->fields);
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (result, member, json_node_copy (value));
      if (facts->rich->result != NULL)
        json_object_set_string_member (result, "result", facts->rich->result);
      if (with_rich_list)
        json_object_set_array_member (result, "rich_outputs", json_array_ref (facts->rich->list));
    }
  else if (with_rich_list)
    json_object_set_array_member (result, "rich_outputs", json_array_new ());

  return result;
}
