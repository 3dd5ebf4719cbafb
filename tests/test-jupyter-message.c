/* test-jupyter-message.c — Jupyter wire format, HMAC signatures, and the
 * webhook signature of API.md §3.5
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-error.h"
#include "porthole-json.h"
#include "porthole-jupyter-message.h"
#include "porthole-webhook.h"
#include "test-utils.h"

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* Reference values from Python's hmac module. */
static void
test_signatures (void)
{
  GBytes *parts[4] = { text_bytes ("{\"a\":1}"), text_bytes ("{}"), text_bytes ("{}"), text_bytes ("{\"b\":2}") };
  g_autoptr(GBytes) body = text_bytes ("{\"x\":1}");
  g_autofree char *jupyter = porthole_jupyter_sign ("secret-key", parts);
  g_autofree char *webhook = porthole_webhook_sign ("whsec", "1700000000", body);

  g_assert_cmpstr (jupyter, ==, "ae76aeefcff0c221ecc815b72f45810b47290f404ee280ab6c161755f7ddc94b");
  g_assert_cmpstr (webhook, ==, "80a0a37727d79786f7ae1c2001b50f2ce40a8fc6d47c65cb36a923af659cc24e");
  for (guint i = 0; i < 4; i++)
    g_bytes_unref (parts[i]);
}

static void
test_round_trip (void)
{
  g_autoptr(JsonObject) content = json_object_new ();
  g_autoptr(PortholeJupyterMessage) message = NULL;
  g_autoptr(PortholeJupyterMessage) parsed = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (content, "code", "1 + 1");
  message = porthole_jupyter_message_new ("session-1", "execute_request", content);
  frames = porthole_jupyter_message_to_frames (message, "k3y");

  g_assert_cmpuint (frames->len, ==, 6);
  /* As iopub sends it: a topic first. */
  g_ptr_array_insert (frames, 0, text_bytes ("kernel.abc.status"));
  parsed = porthole_jupyter_message_parse (frames, "k3y", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (porthole_jupyter_message_get_msg_type (parsed), ==, "execute_request");
  g_assert_cmpstr (porthole_jupyter_message_get_id (parsed), ==, porthole_jupyter_message_get_id (message));
  g_assert_null (porthole_jupyter_message_get_parent_id (parsed));
  g_assert_cmpstr (porthole_json_object_get_string (parsed->header, "session"), ==, "session-1");
  g_assert_cmpstr (porthole_json_object_get_string (parsed->header, "version"), ==, "5.3");
  g_assert_cmpstr (porthole_json_object_get_string (parsed->content, "code"), ==, "1 + 1");
}

static void
test_rejects (void)
{
  g_autoptr(PortholeJupyterMessage) message = porthole_jupyter_message_new ("s", "status", NULL);
  g_autoptr(GPtrArray) frames = porthole_jupyter_message_to_frames (message, "right");
  g_autoptr(GPtrArray) short_frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortholeJupyterMessage) parsed = NULL;

  parsed = porthole_jupyter_message_parse (frames, "wrong", &error);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PROTOCOL);
  g_assert_null (parsed);
  g_clear_error (&error);

  /* A tampered content frame fails the signature. */
  g_bytes_unref (g_ptr_array_index (frames, 5));
  g_ptr_array_index (frames, 5) = text_bytes ("{\"evil\":true}");
  parsed = porthole_jupyter_message_parse (frames, "right", &error);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_ptr_array_add (short_frames, text_bytes (PORTHOLE_JUPYTER_DELIMITER));
  g_ptr_array_add (short_frames, text_bytes ("abc"));
  parsed = porthole_jupyter_message_parse (short_frames, "right", &error);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PROTOCOL);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/jupyter-message/signatures", test_signatures);
  g_test_add_func ("/jupyter-message/round-trip", test_round_trip);
  g_test_add_func ("/jupyter-message/rejects", test_rejects);

  return g_test_run ();
}
