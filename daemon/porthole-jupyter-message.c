/* porthole-jupyter-message.c
 *
 * On the wire a message is [identities…, "<IDS|MSG>", signature, header,
 * parent_header, metadata, content, buffers…]: the signature is the
 * lowercase hex HMAC-SHA256, keyed with the connection file's key, of the
 * four JSON frames. Incoming frames are located by the delimiter (iopub
 * puts a topic first) and their signature is checked in constant time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-jupyter-message.h"

/**
 * porthole_jupyter_message_new:
 * @content: (nullable): the content, copied; %NULL is {}
 */
PortholeJupyterMessage *
porthole_jupyter_message_new (const char *session,
                              const char *msg_type,
                              JsonObject *content)
{
  PortholeJupyterMessage *message = g_new0 (PortholeJupyterMessage, 1);
  g_autofree char *msg_id = g_uuid_string_random ();
  g_autofree char *date = porthole_timestamp_now ();

  message->header = json_object_new ();
  json_object_set_string_member (message->header, "msg_id", msg_id);
  json_object_set_string_member (message->header, "session", session);
  json_object_set_string_member (message->header, "username", PORTHOLE_AGENT_NAME);
  json_object_set_string_member (message->header, "date", date);
  json_object_set_string_member (message->header, "msg_type", msg_type);
  json_object_set_string_member (message->header, "version", PORTHOLE_JUPYTER_PROTOCOL_VERSION);
  message->parent_header = json_object_new ();
  message->metadata = json_object_new ();
  if (content != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), content);
      g_autoptr(JsonNode) copy = json_node_copy (node);

      message->content = json_object_ref (json_node_get_object (copy));
    }
  else
    message->content = json_object_new ();

  return message;
}

void
porthole_jupyter_message_free (PortholeJupyterMessage *message)
{
  if (message == NULL)
    return;

  g_clear_pointer (&message->header, json_object_unref);
  g_clear_pointer (&message->parent_header, json_object_unref);
  g_clear_pointer (&message->metadata, json_object_unref);
  g_clear_pointer (&message->content, json_object_unref);
  g_free (message);
}

const char *
porthole_jupyter_message_get_id (const PortholeJupyterMessage *message)
{
  return porthole_json_object_get_string (message->header, "msg_id");
}

const char *
porthole_jupyter_message_get_msg_type (const PortholeJupyterMessage *message)
{
  return porthole_json_object_get_string (message->header, "msg_type");
}

/**
 * porthole_jupyter_message_get_parent_id:
 *
 * Returns: (nullable): the id of the request this message answers
 */
const char *
porthole_jupyter_message_get_parent_id (const PortholeJupyterMessage *message)
{
  return porthole_json_object_get_string (message->parent_header, "msg_id");
}

/**
 * porthole_jupyter_sign:
 * @parts: header, parent_header, metadata and content, as sent
 *
 * Returns: the lowercase hex HMAC-SHA256 of the four parts
 */
char *
porthole_jupyter_sign (const char    *key,
                       GBytes *const *parts)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));

  for (guint i = 0; i < 4; i++)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (parts[i], &size);

      g_hmac_update (hmac, data, size);
    }

  return g_strdup (g_hmac_get_string (hmac));
}

static GBytes *
object_to_bytes (JsonObject *object)
{
  return porthole_json_object_to_bytes (object);
}

/**
 * porthole_jupyter_message_to_frames:
 *
 * Returns: (transfer full) (element-type GBytes): the frames to send on a
 *   DEALER socket
 */
GPtrArray *
porthole_jupyter_message_to_frames (const PortholeJupyterMessage *message,
                                    const char                   *key)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *parts[4];
  char *signature;

  parts[0] = object_to_bytes (message->header);
  parts[1] = object_to_bytes (message->parent_header);
  parts[2] = object_to_bytes (message->metadata);
  parts[3] = object_to_bytes (message->content);
  signature = porthole_jupyter_sign (key, parts);

  g_ptr_array_add (frames, g_bytes_new_static (PORTHOLE_JUPYTER_DELIMITER, strlen (PORTHOLE_JUPYTER_DELIMITER)));
  g_ptr_array_add (frames, g_bytes_new_take (signature, strlen (signature)));
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (frames, parts[i]);

  return frames;
}

static JsonObject *
parse_object (GBytes  *frame,
              GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (frame, &size);
  g_autoptr(JsonNode) node = porthole_json_parse (data, size, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PROTOCOL, "A message part is not an object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (node));
}

static gboolean
frame_equals (GBytes     *frame,
              const char *text)
{
  gsize size;
  const char *data = g_bytes_get_data (frame, &size);

  return size == strlen (text) && memcmp (data, text, size) == 0;
}

/* No early exit: the time taken says nothing about the signature. */
static gboolean
signature_matches (GBytes     *frame,
                   const char *expected)
{
  gsize size, length = strlen (expected);
  const guchar *data = g_bytes_get_data (frame, &size);
  guchar difference = size != length;

  for (gsize i = 0; i < length; i++)
    difference |= (i < size ? data[i] : 0) ^ (guchar) expected[i];

  return difference == 0;
}

/**
 * porthole_jupyter_message_parse:
 * @frames: (element-type GBytes): the frames of one received message
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with
 *   %PORTHOLE_ERROR_PROTOCOL when it is malformed or badly signed
 */
PortholeJupyterMessage *
porthole_jupyter_message_parse (GPtrArray   *frames,
                                const char  *key,
                                GError     **error)
{
  g_autoptr(PortholeJupyterMessage) message = g_new0 (PortholeJupyterMessage, 1);
  g_autofree char *expected = NULL;
  guint start;

  for (start = 0; start < frames->len; start++)
    if (frame_equals (g_ptr_array_index (frames, start), PORTHOLE_JUPYTER_DELIMITER))
      break;

  if (start + 6 > frames->len)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PROTOCOL, "Not a Jupyter message");
      return NULL;
    }

  expected = porthole_jupyter_sign (key, (GBytes *const *) &frames->pdata[start + 2]);
  if (!signature_matches (g_ptr_array_index (frames, start + 1), expected))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PROTOCOL, "Bad message signature");
      return NULL;
    }

  if ((message->header = parse_object (g_ptr_array_index (frames, start + 2), error)) == NULL ||
      (message->parent_header = parse_object (g_ptr_array_index (frames, start + 3), error)) == NULL ||
      (message->metadata = parse_object (g_ptr_array_index (frames, start + 4), error)) == NULL ||
      (message->content = parse_object (g_ptr_array_index (frames, start + 5), error)) == NULL)
    return NULL;

  return g_steal_pointer (&message);
}
