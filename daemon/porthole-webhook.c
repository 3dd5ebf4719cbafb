/* porthole-webhook.c
 *
 * POST <url> with Content-Type: application/json, X-HopX-Timestamp (Unix
 * seconds), X-HopX-Signature: sha256=<hex> when a secret is given (HMAC-
 * SHA256 of the timestamp immediately followed by the body bytes), and
 * the caller's extra headers. Connection errors and 5xx answers are tried
 * again, up to three attempts, after 1 s then 2 s; any other answer is
 * final. Each attempt has the session's 10 s timeout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-webhook.h"

#define FIRST_RETRY_DELAY_MS 1000

typedef struct
{
  SoupSession *session;
  char *url;
  GHashTable *headers;
  char *secret;
  GBytes *body;
  guint attempts;
  guint http_status;
  guint retry_id;
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  g_clear_handle_id (&delivery->retry_id, g_source_remove);
  g_clear_object (&delivery->session);
  g_clear_pointer (&delivery->headers, g_hash_table_unref);
  g_clear_pointer (&delivery->body, g_bytes_unref);
  g_free (delivery->url);
  g_free (delivery->secret);
  g_free (delivery);
}

/**
 * porthole_webhook_sign:
 *
 * Returns: the lowercase hex HMAC-SHA256, keyed with @secret, of
 *   @timestamp followed by @body
 */
char *
porthole_webhook_sign (const char *secret,
                       const char *timestamp,
                       GBytes     *body)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  gsize size;
  gconstpointer data = g_bytes_get_data (body, &size);

  g_hmac_update (hmac, (const guchar *) timestamp, strlen (timestamp));
  g_hmac_update (hmac, data, size);

  return g_strdup (g_hmac_get_string (hmac));
}

static void attempt (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Delivery *delivery = g_task_get_task_data (task);

  delivery->retry_id = 0;
  attempt (task);
  return G_SOURCE_REMOVE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Delivery *delivery = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  gboolean retry;

  answer = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  delivery->http_status = answer != NULL && msg != NULL ? soup_message_get_status (msg) : 0;

  if (answer != NULL && SOUP_STATUS_IS_SUCCESSFUL (delivery->http_status))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  retry = answer == NULL || SOUP_STATUS_IS_SERVER_ERROR (delivery->http_status);
  if (retry && delivery->attempts < PORTHOLE_WEBHOOK_MAX_ATTEMPTS)
    {
      guint delay = FIRST_RETRY_DELAY_MS << (delivery->attempts - 1);

      g_debug ("Callback to %s failed (%s); trying again in %u ms", delivery->url,
               error ? error->message : soup_status_get_phrase (delivery->http_status), delay);
      delivery->retry_id = g_timeout_add (delay, retry_cb, g_object_ref (task));
      return;
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "The callback answered %u %s",
                             delivery->http_status, soup_status_get_phrase (delivery->http_status));
}

static void
attempt (GTask *task)
{
  Delivery *delivery = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, delivery->url);
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid callback URL");
      return;
    }

  delivery->attempts++;
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  if (delivery->headers != NULL)
    {
      GHashTableIter iter;
      const char *name, *value;

      g_hash_table_iter_init (&iter, delivery->headers);
      while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
        soup_message_headers_replace (headers, name, value);
    }
  /* One request per callback: nothing to keep a connection open for. */
  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_replace (headers, "X-HopX-Timestamp", timestamp);
  if (delivery->secret != NULL)
    {
      g_autofree char *signature = porthole_webhook_sign (delivery->secret, timestamp, delivery->body);
      g_autofree char *value = g_strconcat ("sha256=", signature, NULL);

      soup_message_headers_replace (headers, "X-HopX-Signature", value);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", delivery->body);

  soup_session_send_and_read_async (delivery->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), sent_cb, g_object_ref (task));
}

/**
 * porthole_webhook_deliver_async:
 * @headers: (nullable): extra headers (`callback_headers`)
 * @secret: (nullable): `callback_signature_secret`
 * @body: the exact JSON bytes to send and sign
 */
void
porthole_webhook_deliver_async (SoupSession         *session,
                                const char          *url,
                                GHashTable          *headers,
                                const char          *secret,
                                GBytes              *body,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Delivery *delivery = g_new0 (Delivery, 1);

  g_task_set_source_tag (task, porthole_webhook_deliver_async);
  delivery->session = g_object_ref (session);
  delivery->url = g_strdup (url);
  delivery->headers = headers ? g_hash_table_ref (headers) : NULL;
  delivery->secret = secret && *secret ? g_strdup (secret) : NULL;
  delivery->body = g_bytes_ref (body);
  g_task_set_task_data (task, delivery, (GDestroyNotify) delivery_free);

  attempt (task);
}

/**
 * porthole_webhook_deliver_finish:
 * @attempts: (out) (optional): attempts made
 * @http_status: (out) (optional): status of the last answer, 0 for none
 */
gboolean
porthole_webhook_deliver_finish (GAsyncResult  *result,
                                 guint         *attempts,
                                 guint         *http_status,
                                 GError       **error)
{
  Delivery *delivery = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (attempts != NULL)
    *attempts = delivery->attempts;
  if (http_status != NULL)
    *http_status = delivery->http_status;

  return g_task_propagate_boolean (G_TASK (result), error);
}
