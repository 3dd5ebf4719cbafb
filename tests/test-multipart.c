/* test-multipart.c — the streaming multipart/form-data parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-error.h"
#include "porthole-multipart.h"
#include "test-utils.h"

typedef GString GStringLog;

typedef struct
{
  GString *log;
  GByteArray *current;
} Recorder;

static gboolean
part_begin (gpointer      user_data,
            const char   *name,
            const char   *filename,
            const char   *content_type,
            GError      **error)
{
  Recorder *r = user_data;

  g_string_append_printf (r->log, "[%s|%s|%s]", name, filename ? filename : "-", content_type ? content_type : "-");
  g_byte_array_set_size (r->current, 0);
  return TRUE;
}

static gboolean
part_data (gpointer      user_data,
           const guint8 *data,
           gsize         length,
           GError      **error)
{
  Recorder *r = user_data;

  g_byte_array_append (r->current, data, length);
  return TRUE;
}

static gboolean
part_end (gpointer   user_data,
          GError   **error)
{
  Recorder *r = user_data;

  g_string_append_len (r->log, (const char *) r->current->data, r->current->len);
  g_string_append (r->log, "$");
  return TRUE;
}

static const PortholeMultipartCallbacks callbacks = { part_begin, part_data, part_end };

/* Parses @body fed in pieces of @step bytes; returns the log (which may
 * hold NUL bytes) or NULL with @error set. */
static GString *
parse (const char  *boundary,
       const char  *body,
       gsize        length,
       gsize        step,
       GError     **error)
{
  Recorder r = { g_string_new (NULL), g_byte_array_new () };
  g_autoptr(PortholeMultipartParser) parser = porthole_multipart_parser_new (boundary, &callbacks, &r, error);
  gboolean ok = parser != NULL;

  for (gsize offset = 0; ok && offset < length; offset += step)
    ok = porthole_multipart_parser_feed (parser, (const guint8 *) body + offset, MIN (step, length - offset), error);
  if (ok)
    ok = porthole_multipart_parser_finish (parser, error);

  g_byte_array_unref (r.current);
  if (!ok)
    {
      g_string_free (r.log, TRUE);
      return NULL;
    }
  return r.log;
}

static void
string_free (GString *s)
{
  if (s != NULL)
    g_string_free (s, TRUE);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GStringLog, string_free)

static const char form[] =
  "preamble to ignore\r\n"
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"path\"\r\n"
  "\r\n"
  "/workspace/up.bin\r\n"
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"file\"; filename=\"a b.bin\"\r\n"
  "Content-Type: application/octet-stream\r\n"
  "\r\n"
  "line1\r\n--XyNOT a boundary\r\n--X\r\n--XyZx? no\r\r\n\n"
  "\r\n"
  "--XyZ--\r\n"
  "epilogue";

static void
test_fields_any_chunking (void)
{
  const char *expected = "[path|-|-]/workspace/up.bin$"
                         "[file|a b.bin|application/octet-stream]line1\r\n--XyNOT a boundary\r\n--X\r\n--XyZx? no\r\r\n\n$";
  gsize length = strlen (form);

  /* Every split point, down to one byte at a time. */
  for (gsize step = 1; step <= length; step = step < 16 ? step + 1 : step * 2)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GStringLog) log = parse ("XyZ", form, length, step, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (log->str, ==, expected);
    }
}

static void
test_binary_and_empty_parts (void)
{
  guint8 body[512];
  g_autoptr(GByteArray) full = g_byte_array_new ();
  const char head[] = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"z\"\r\n\r\n";
  const char mid[] = "\r\n--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b--";
  g_autoptr(GError) error = NULL;
  g_autoptr(GStringLog) log = NULL;
  const char *prefix = "[file|z|-]";
  const char *suffix = "$[empty|-|-]$";

  for (guint i = 0; i < sizeof body; i++)
    body[i] = i % 256;
  g_byte_array_append (full, (const guint8 *) head, strlen (head));
  g_byte_array_append (full, body, sizeof body);
  g_byte_array_append (full, (const guint8 *) mid, strlen (mid));

  log = parse ("b", (const char *) full->data, full->len, 7, &error);
  g_assert_no_error (error);
  /* The whole log: prefix, the 512 bytes (NULs included), suffix. */
  g_assert_cmpuint (log->len, ==, strlen (prefix) + sizeof body + strlen (suffix));
  g_assert_cmpint (memcmp (log->str, prefix, strlen (prefix)), ==, 0);
  g_assert_cmpint (memcmp (log->str + strlen (prefix), body, sizeof body), ==, 0);
  g_assert_cmpint (memcmp (log->str + strlen (prefix) + sizeof body, suffix, strlen (suffix)), ==, 0);
}

static void
test_invalid (void)
{
  const struct { const char *boundary; const char *body; } cases[] = {
    { "", "--\r\n" },
    { "b", "" },
    { "b", "no boundary at all" },
    { "b", "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ndata without an end" },
    { "b", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--" },
    { "b", "--b\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--b--" },
    { "b", "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--" },
    { "b", "--bxx\r\n" },
    /* A disposition without its type (found by fuzz/fuzz-multipart). */
    { "b", "--b\r\nContent-Disposition: ; name=\"f\"\r\n\r\nx\r\n--b--" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GStringLog) log = parse (cases[i].boundary, cases[i].body, strlen (cases[i].body), 3, &error);

      g_test_message ("case %u", i);
      g_assert_null (log);
      g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST);
    }
}

static void
test_limits (void)
{
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GString) big_headers = g_string_new ("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n");
  g_autoptr(GError) error = NULL;
  GString *log;

  for (guint i = 0; i <= PORTHOLE_MULTIPART_MAX_PARTS; i++)
    g_string_append_printf (many, "--b\r\nContent-Disposition: form-data; name=\"f%u\"\r\n\r\nv\r\n", i);
  g_string_append (many, "--b--");
  log = parse ("b", many->str, many->len, 100, &error);
  g_assert_null (log);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  while (big_headers->len < PORTHOLE_MULTIPART_MAX_HEADERS + 100)
    g_string_append (big_headers, "X-Padding: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
  log = parse ("b", big_headers->str, big_headers->len, 1000, &error);
  g_assert_null (log);
  g_assert_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/multipart/fields-any-chunking", test_fields_any_chunking);
  g_test_add_func ("/multipart/binary-and-empty-parts", test_binary_and_empty_parts);
  g_test_add_func ("/multipart/invalid", test_invalid);
  g_test_add_func ("/multipart/limits", test_limits);

  return g_test_run ();
}
