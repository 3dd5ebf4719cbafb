/* porthole-hub-http-framer.c
 *
 * The proxy relays bytes, not messages: no body is ever held whole, and
 * WebSocket frames pass one by one as they arrive. It still has to know
 * where each request's head is, to take out `X-API-Key` (the JS SDK
 * sends the tenant's key to the agent when it has no token yet;
 * CONTROL-PLANE.md §5.4), so this follows the request framing of RFC
 * 9112 §6: a head, then a body of Content-Length bytes or chunks, then
 * the next request. A request that upgrades (WebSocket) turns the rest
 * of the stream into a tunnel. Anything ambiguous, the smuggling cases
 * (Content-Length with Transfer-Encoding, two different lengths, folded
 * lines), is refused rather than guessed at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-hub-http-framer.h"

/* A chunk-size line or trailer line longer than this is refused. */
#define MAX_LINE 4096

typedef enum
{
  STATE_HEAD,
  STATE_BODY,            /* `remaining` bytes of Content-Length */
  STATE_CHUNK_SIZE,
  STATE_CHUNK_DATA,      /* `remaining` bytes, then CRLF */
  STATE_CHUNK_END,       /* the CRLF after a chunk */
  STATE_TRAILER,
  STATE_TUNNEL,
} State;

struct _PortholeHubHttpFramer
{
  State state;
  GByteArray *pending;   /* a head or a line not complete yet */
  guint64 remaining;
  guint requests;
  char *host;            /* the first request's Host, lower-case */
  gboolean pin_host;
};

PortholeHubHttpFramer *
porthole_hub_http_framer_new (void)
{
  PortholeHubHttpFramer *self = g_new0 (PortholeHubHttpFramer, 1);

  self->pending = g_byte_array_new ();
  return self;
}

void
porthole_hub_http_framer_free (PortholeHubHttpFramer *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->pending);
  g_free (self->host);
  g_free (self);
}

gboolean
porthole_hub_http_framer_is_tunnel (PortholeHubHttpFramer *self)
{
  return self->state == STATE_TUNNEL;
}

guint
porthole_hub_http_framer_get_requests (PortholeHubHttpFramer *self)
{
  return self->requests;
}

/**
 * porthole_hub_http_framer_get_host:
 *
 * Returns: (nullable): the Host of the connection's first request, in
 *   lower case
 */
const char *
porthole_hub_http_framer_get_host (PortholeHubHttpFramer *self)
{
  return self->host;
}

/**
 * porthole_hub_http_framer_pin_host:
 *
 * Refuses (421) any later request whose Host is not the first one's: a
 * connection routed by its Host stays with one sandbox.
 */
void
porthole_hub_http_framer_pin_host (PortholeHubHttpFramer *self)
{
  self->pin_host = TRUE;
}

static gboolean
refuse (guint       *status,
        guint        code,
        GError     **error,
        const char  *why)
{
  *status = code;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, why);
  return FALSE;
}

static gboolean
header_has_token (const char *value,
                  const char *token)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i]; i++)
    if (g_ascii_strcasecmp (g_strstrip (parts[i]), token) == 0)
      return TRUE;
  return FALSE;
}

/* Rewrites one complete head (without its final CRLF CRLF) into @out and
 * sets the body state. */
static gboolean
take_head (PortholeHubHttpFramer  *self,
           const char             *head,
           gsize                   length,
           GByteArray             *out,
           guint                  *status,
           GError                **error)
{
  g_autofree char *text = g_strndup (head, length);
  g_auto(GStrv) lines = NULL;
  gboolean chunked = FALSE, have_length = FALSE, upgrade = FALSE, connection_upgrade = FALSE;
  guint64 content_length = 0;
  g_autofree char *host = NULL;

  if (memchr (head, '\0', length) != NULL)
    return refuse (status, 400, error, "NUL in the request head");

  lines = g_strsplit (text, "\r\n", -1);
  if (lines[0] == NULL || strchr (lines[0], ' ') == NULL || strstr (lines[0], " HTTP/1.") == NULL)
    return refuse (status, 400, error, "Not an HTTP/1.x request line");

  g_byte_array_append (out, (const guint8 *) lines[0], strlen (lines[0]));
  g_byte_array_append (out, (const guint8 *) "\r\n", 2);

  for (guint i = 1; lines[i]; i++)
    {
      const char *line = lines[i];
      const char *colon = strchr (line, ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*line == ' ' || *line == '\t')
        return refuse (status, 400, error, "Folded header line");
      if (colon == NULL || colon == line)
        return refuse (status, 400, error, "Malformed header line");
      name = g_strndup (line, colon - line);
      value = g_strstrip (g_strdup (colon + 1));
      if (strpbrk (name, " \t") != NULL)
        return refuse (status, 400, error, "Space in a header name");

      /* Never into a sandbox: the tenant's API key. */
      if (g_ascii_strcasecmp (name, "X-API-Key") == 0)
        continue;

      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          guint64 n;

          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &n, NULL))
            return refuse (status, 400, error, "Bad Content-Length");
          if (have_length && n != content_length)
            return refuse (status, 400, error, "Conflicting Content-Length");
          have_length = TRUE;
          content_length = n;
        }
      else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        {
          g_auto(GStrv) codings = g_strsplit (value, ",", -1);
          guint n = g_strv_length (codings);

          if (chunked || n == 0 || g_ascii_strcasecmp (g_strstrip (codings[n - 1]), "chunked") != 0)
            return refuse (status, 501, error, "Unsupported Transfer-Encoding");
          chunked = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Host") == 0)
        {
          if (host != NULL)
            return refuse (status, 400, error, "Two Host headers");
          host = g_ascii_strdown (value, -1);
        }
      else if (g_ascii_strcasecmp (name, "Upgrade") == 0)
        upgrade = TRUE;
      else if (g_ascii_strcasecmp (name, "Connection") == 0 && header_has_token (value, "upgrade"))
        connection_upgrade = TRUE;

      g_byte_array_append (out, (const guint8 *) line, strlen (line));
      g_byte_array_append (out, (const guint8 *) "\r\n", 2);
    }
  g_byte_array_append (out, (const guint8 *) "\r\n", 2);

  if (chunked && have_length)
    return refuse (status, 400, error, "Content-Length with Transfer-Encoding");
  if (self->pin_host && self->requests > 0 && g_strcmp0 (host, self->host) != 0)
    return refuse (status, 421, error, "Another Host on the same connection");

  if (self->requests == 0)
    self->host = g_steal_pointer (&host);
  self->requests++;
  if (upgrade && connection_upgrade)
    self->state = STATE_TUNNEL;
  else if (chunked)
    self->state = STATE_CHUNK_SIZE;
  else if (have_length && content_length > 0)
    {
      self->state = STATE_BODY;
      self->remaining = content_length;
    }
  else
    self->state = STATE_HEAD;
  return TRUE;
}

/* The index just past the next LF in pending + data, or -1. */
static gssize
find_line_end (const guint8 *data,
               gsize         length)
{
  const guint8 *lf = memchr (data, '\n', length);

  return lf ? (lf - data) + 1 : -1;
}

/**
 * porthole_hub_http_framer_feed:
 * @data: bytes from the client
 * @out: where the bytes to send on are appended
 * @status: (out): on failure, the status to answer with (400, 431, 501)
 *
 * Returns: %FALSE when the stream is not HTTP the proxy will pass on
 */
gboolean
porthole_hub_http_framer_feed (PortholeHubHttpFramer  *self,
                               const guint8           *data,
                               gsize                   length,
                               GByteArray             *out,
                               guint                  *status,
                               GError                **error)
{
  while (length > 0)
    {
      switch (self->state)
        {
        case STATE_TUNNEL:
          g_byte_array_append (out, data, length);
          return TRUE;

        case STATE_BODY:
        case STATE_CHUNK_DATA:
          {
            gsize n = MIN (length, self->remaining);

            g_byte_array_append (out, data, n);
            data += n;
            length -= n;
            self->remaining -= n;
            if (self->remaining == 0)
              self->state = self->state == STATE_BODY ? STATE_HEAD : STATE_CHUNK_END;
          }
          break;

        case STATE_HEAD:
          {
            gsize before = self->pending->len;
            const guint8 *end;

            /* Blank lines before a request are allowed (RFC 9112 §2.2). */
            if (before == 0 && (*data == '\r' || *data == '\n'))
              {
                data++;
                length--;
                break;
              }

            g_byte_array_append (self->pending, data, length);
            end = self->pending->len >= 4
                  ? memmem (self->pending->data + (before > 3 ? before - 3 : 0),
                            self->pending->len - (before > 3 ? before - 3 : 0), "\r\n\r\n", 4)
                  : NULL;
            if (end == NULL)
              {
                if (self->pending->len > PORTHOLE_HUB_HTTP_MAX_HEAD)
                  return refuse (status, 431, error, "Request head too large");
                return TRUE;
              }
            {
              gsize head_length = end - self->pending->data;
              gsize used = head_length + 4 - before;
              g_autoptr(GByteArray) pending = g_steal_pointer (&self->pending);

              self->pending = g_byte_array_new ();
              if (head_length > PORTHOLE_HUB_HTTP_MAX_HEAD)
                return refuse (status, 431, error, "Request head too large");
              if (!take_head (self, (const char *) pending->data, head_length, out, status, error))
                return FALSE;
              data += used;
              length -= used;
            }
          }
          break;

        case STATE_CHUNK_SIZE:
        case STATE_CHUNK_END:
        case STATE_TRAILER:
          {
            gssize end = find_line_end (data, length);
            gsize take = end < 0 ? length : (gsize) end;
            g_autofree char *line = NULL;

            g_byte_array_append (self->pending, data, take);
            g_byte_array_append (out, data, take);
            data += take;
            length -= take;
            if (self->pending->len > MAX_LINE)
              return refuse (status, 400, error, "Chunk line too long");
            if (end < 0)
              return TRUE;

            line = g_strndup ((const char *) self->pending->data, self->pending->len);
            g_byte_array_set_size (self->pending, 0);
            g_strchomp (line);

            if (self->state == STATE_CHUNK_END)
              {
                if (*line != '\0')
                  return refuse (status, 400, error, "Chunk not followed by CRLF");
                self->state = STATE_CHUNK_SIZE;
              }
            else if (self->state == STATE_TRAILER)
              {
                if (*line == '\0')
                  self->state = STATE_HEAD;
              }
            else
              {
                char *extension = strchr (line, ';');
                guint64 size;

                if (extension != NULL)
                  *extension = '\0';
                g_strstrip (line);
                if (!g_ascii_string_to_unsigned (line, 16, 0, G_MAXINT64, &size, NULL))
                  return refuse (status, 400, error, "Bad chunk size");
                if (size == 0)
                  self->state = STATE_TRAILER;
                else
                  {
                    self->state = STATE_CHUNK_DATA;
                    self->remaining = size;
                  }
              }
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}
