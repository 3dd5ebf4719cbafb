/* fuzz-multipart.c — the streaming multipart/form-data parser behind
 * /files/upload
 *
 * The input's first line is the boundary; the rest is the body, fed in
 * pieces whose sizes the body's own bytes choose, as a socket would cut
 * it. The callbacks check the order the parser promises.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-fuzz.h"
#include "porthole-multipart.h"

typedef struct
{
  gboolean in_part;
  gsize bytes;
} Parts;

static gboolean
part_begin (gpointer     user_data,
            const char  *name,
            const char  *filename,
            const char  *content_type,
            GError     **error)
{
  Parts *parts = user_data;

  g_assert_false (parts->in_part);
  g_assert_nonnull (name);
  parts->in_part = TRUE;
  return TRUE;
}

static gboolean
part_data (gpointer      user_data,
           const guint8 *data,
           gsize         length,
           GError      **error)
{
  Parts *parts = user_data;

  g_assert_true (parts->in_part);
  parts->bytes += length;
  return TRUE;
}

static gboolean
part_end (gpointer   user_data,
          GError   **error)
{
  Parts *parts = user_data;

  g_assert_true (parts->in_part);
  parts->in_part = FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PortholeMultipartCallbacks callbacks = { part_begin, part_data, part_end };
  g_autoptr(PortholeMultipartParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *boundary = NULL;
  const uint8_t *newline = memchr (data, '\n', size);
  const uint8_t *body;
  gsize length, offset = 0;
  Parts parts = { 0 };
  gboolean ok = TRUE;

  if (newline == NULL)
    return 0;

  boundary = porthole_fuzz_dup_string (data, newline - data);
  body = newline + 1;
  length = size - (body - data);

  parser = porthole_multipart_parser_new (boundary, &callbacks, &parts, &error);
  if (parser == NULL)
    return 0;

  while (ok && offset < length)
    {
      gsize piece = MIN (length - offset, (gsize) 1 + body[offset] % 64);

      ok = porthole_multipart_parser_feed (parser, body + offset, piece, &error);
      offset += piece;
    }
  if (ok)
    ok = porthole_multipart_parser_finish (parser, &error);
  g_assert (ok == (error == NULL));
  /* A body that parsed to its end closed every part it opened. */
  if (ok)
    g_assert_false (parts.in_part);

  return 0;
}
