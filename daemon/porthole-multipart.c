/* porthole-multipart.c
 *
 * libsoup's soup_multipart_new_from_message() wants the whole body in
 * memory and has open CVEs in bookworm (SECURITY.md §4.7), so uploads are
 * parsed here as they stream in: part headers are bounded, part bodies go
 * straight to the callbacks, and only a delimiter's worth of bytes is ever
 * held back (a delimiter may straddle two chunks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "porthole-error.h"
#include "porthole-multipart.h"

typedef enum
{
  STATE_PREAMBLE,        /* before the first "--boundary" */
  STATE_AFTER_BOUNDARY,  /* "\r\n" (a part follows) or "--" (the end) */
  STATE_HEADERS,
  STATE_BODY,
  STATE_DONE,
} State;

struct _PortholeMultipartParser
{
  const PortholeMultipartCallbacks *callbacks;
  gpointer user_data;
  /* "\r\n--" boundary: what ends a body. The first boundary may come
   * without the leading CRLF. */
  char *delimiter;
  gsize delimiter_length;
  GByteArray *buffer;
  State state;
  guint parts;
  gboolean in_part;
};

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
               "Invalid multipart body: %s", message);
  return FALSE;
}

/**
 * porthole_multipart_parser_new:
 * @boundary: the `boundary` parameter of the Content-Type
 *
 * Returns: (transfer full) (nullable): a parser, or %NULL if @boundary is
 *   not a valid RFC 2046 boundary
 */
PortholeMultipartParser *
porthole_multipart_parser_new (const char                       *boundary,
                               const PortholeMultipartCallbacks *callbacks,
                               gpointer                          user_data,
                               GError                          **error)
{
  PortholeMultipartParser *self;
  gsize length = boundary ? strlen (boundary) : 0;

  if (length == 0 || length > 70)
    {
      fail (error, "missing or invalid boundary");
      return NULL;
    }

  self = g_new0 (PortholeMultipartParser, 1);
  self->callbacks = callbacks;
  self->user_data = user_data;
  self->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  self->delimiter_length = length + 4;
  self->buffer = g_byte_array_new ();
  self->state = STATE_PREAMBLE;

  return self;
}

void
porthole_multipart_parser_free (PortholeMultipartParser *self)
{
  if (self == NULL)
    return;

  g_free (self->delimiter);
  g_byte_array_unref (self->buffer);
  g_free (self);
}

static gboolean
parse_headers (PortholeMultipartParser  *self,
               const char               *block,
               GError                  **error)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autofree char *copy = g_strconcat ("HTTP/1.1 200 OK\r\n", block, NULL);
  g_autoptr(GHashTable) params = NULL;
  const char *name, *filename, *content_type;
  char *disposition = NULL;

  /* soup's header parser (bounded, patched in bookworm) on one part's
   * headers, framed as a response so it accepts them. */
  if (!soup_headers_parse_response (copy, strlen (copy), headers, NULL, NULL, NULL))
    return fail (error, "malformed part headers");

  /* soup 3.2.3 accepts "Content-Disposition: ; name=x" with no type. */
  if (!soup_message_headers_get_content_disposition (headers, &disposition, &params) ||
      disposition == NULL || g_ascii_strcasecmp (disposition, "form-data") != 0)
    {
      g_free (disposition);
      return fail (error, "part without Content-Disposition: form-data");
    }
  g_free (disposition);

  name = g_hash_table_lookup (params, "name");
  filename = g_hash_table_lookup (params, "filename");
  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (name == NULL || *name == '\0' || strlen (name) > 256)
    return fail (error, "part without a name");

  if (++self->parts > PORTHOLE_MULTIPART_MAX_PARTS)
    return fail (error, "too many parts");

  self->in_part = TRUE;
  return self->callbacks->part_begin (self->user_data, name, filename, content_type, error);
}

static gboolean
end_part (PortholeMultipartParser  *self,
          GError                  **error)
{
  self->in_part = FALSE;
  return self->callbacks->part_end (self->user_data, error);
}

/* Consumes what it can of the buffer; returns with more needed. */
static gboolean
run (PortholeMultipartParser  *self,
     GError                  **error)
{
  for (;;)
    {
      const char *data = (const char *) self->buffer->data;
      gsize length = self->buffer->len;

      switch (self->state)
        {
        case STATE_PREAMBLE:
          {
            /* The first delimiter, CRLF optional; what precedes it is
             * ignored. */
            const char *hit = NULL;

            if (length >= self->delimiter_length - 2 &&
                memcmp (data, self->delimiter + 2, self->delimiter_length - 2) == 0)
              hit = data + self->delimiter_length - 2;
            else if (length >= self->delimiter_length)
              {
                const char *found = memmem (data, length, self->delimiter, self->delimiter_length);

                if (found != NULL)
                  hit = found + self->delimiter_length;
              }

            if (hit == NULL)
              {
                /* Keep only what could still begin a delimiter. */
                if (length > self->delimiter_length)
                  g_byte_array_remove_range (self->buffer, 0, length - self->delimiter_length);
                if (self->buffer->len > 0 && length > 64 * 1024)
                  return fail (error, "no boundary found");
                return TRUE;
              }
            g_byte_array_remove_range (self->buffer, 0, hit - data);
            self->state = STATE_AFTER_BOUNDARY;
          }
          break;

        case STATE_AFTER_BOUNDARY:
          if (length < 2)
            return TRUE;
          if (memcmp (data, "--", 2) == 0)
            {
              /* The close delimiter; the epilogue is ignored. */
              self->state = STATE_DONE;
              g_byte_array_set_size (self->buffer, 0);
              return TRUE;
            }
          {
            /* Transport padding (spaces, tabs) may precede the CRLF. */
            gsize i = 0;

            while (i < length && (data[i] == ' ' || data[i] == '\t'))
              i++;
            if (i + 2 > length)
              return i > 1024 ? fail (error, "malformed boundary line") : TRUE;
            if (memcmp (data + i, "\r\n", 2) != 0)
              return fail (error, "malformed boundary line");
            g_byte_array_remove_range (self->buffer, 0, i + 2);
            self->state = STATE_HEADERS;
          }
          break;

        case STATE_HEADERS:
          {
            const char *end = memmem (data, MIN (length, PORTHOLE_MULTIPART_MAX_HEADERS + 4), "\r\n\r\n", 4);
            g_autofree char *block = NULL;

            if (end == NULL)
              {
                if (length > PORTHOLE_MULTIPART_MAX_HEADERS)
                  return fail (error, "part headers too large");
                return TRUE;
              }
            block = g_strndup (data, end - data + 4);
            if (strlen (block) != (gsize) (end - data + 4))
              return fail (error, "NUL in part headers");
            g_byte_array_remove_range (self->buffer, 0, end - data + 4);
            if (!parse_headers (self, block, error))
              return FALSE;
            self->state = STATE_BODY;
          }
          break;

        case STATE_BODY:
          {
            const char *end = data + length;
            const char *from = data;
            const char *found = NULL;
            gsize safe;

            /* A delimiter counts only when followed by "--" or by optional
             * padding and CRLF (RFC 2046 §5.1.1); "\r\n--boundaryX" is data. */
            while ((found = memmem (from, end - from, self->delimiter, self->delimiter_length)) != NULL)
              {
                const char *after = found + self->delimiter_length;

                while (after < end && (*after == ' ' || *after == '\t'))
                  after++;
                if (end - after < 2)
                  break;
                if ((after[0] == '-' && after[1] == '-' && after == found + self->delimiter_length) ||
                    (after[0] == '\r' && after[1] == '\n'))
                  break;
                from = found + 1;
                found = NULL;
              }

            if (found != NULL && end - (found + self->delimiter_length) >= 2)
              {
                const char *after = found + self->delimiter_length;

                /* Bounded: the buffer may end in the padding (found by
                 * fuzz/fuzz-multipart reading past it). */
                while (after < end && (*after == ' ' || *after == '\t'))
                  after++;
                if (after + 2 <= end &&
                    ((after[0] == '-' && after[1] == '-') || (after[0] == '\r' && after[1] == '\n')))
                  {
                    if (found > data &&
                        !self->callbacks->part_data (self->user_data, self->buffer->data, found - data, error))
                      return FALSE;
                    g_byte_array_remove_range (self->buffer, 0, found - data + self->delimiter_length);
                    if (!end_part (self, error))
                      return FALSE;
                    self->state = STATE_AFTER_BOUNDARY;
                    break;
                  }
              }

            /* Everything before a possible delimiter is data. */
            if (found != NULL)
              safe = found - data;
            else
              safe = length >= self->delimiter_length ? length - (self->delimiter_length - 1) : 0;
            if (safe > 0)
              {
                if (!self->callbacks->part_data (self->user_data, self->buffer->data, safe, error))
                  return FALSE;
                g_byte_array_remove_range (self->buffer, 0, safe);
              }
            if (found != NULL && self->buffer->len > self->delimiter_length + 1024)
              return fail (error, "malformed boundary line");
            return TRUE;
          }

        case STATE_DONE:
        default:
          g_byte_array_set_size (self->buffer, 0);
          return TRUE;
        }
    }
}

/**
 * porthole_multipart_parser_feed:
 *
 * Parses @data, calling the callbacks; bytes after the close delimiter
 * are ignored.
 */
gboolean
porthole_multipart_parser_feed (PortholeMultipartParser  *self,
                                const guint8             *data,
                                gsize                     length,
                                GError                  **error)
{
  if (self->state == STATE_DONE)
    return TRUE;

  g_byte_array_append (self->buffer, data, length);
  return run (self, error);
}

/**
 * porthole_multipart_parser_finish:
 *
 * Returns: %FALSE if the body ended before its close delimiter
 */
gboolean
porthole_multipart_parser_finish (PortholeMultipartParser  *self,
                                  GError                  **error)
{
  if (self->state != STATE_DONE)
    return fail (error, self->parts == 0 ? "no parts" : "truncated (no final boundary)");

  return TRUE;
}
