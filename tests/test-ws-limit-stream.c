/* test-ws-limit-stream.c — PortholeWsLimitStream on frames in memory,
 * read in pieces of every size (issue 16, item 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-ws-limit-stream.h"
#include "test-utils.h"

/* A masked client frame of @length bytes of @fill. */
static void
append_frame (GByteArray *out,
              gboolean    fin,
              guint8      opcode,
              gsize       length,
              char        fill)
{
  g_autofree char *payload = g_malloc (length);

  memset (payload, fill, length);
  porthole_test_ws_frame_append_data (out, fin, opcode, payload, length);
}

static void
on_too_big (PortholeWsLimitStream *stream,
            guint                 *count)
{
  (*count)++;
}

/* Everything the stream lets through, read @piece bytes at a time. */
static GBytes *
pass (GByteArray *input,
      guint64     limit,
      gsize       piece,
      guint      *too_big)
{
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_data (g_memdup2 (input->data, input->len),
                                                                         input->len, g_free);
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  g_autoptr(GIOStream) base = g_simple_io_stream_new (memory, sink);
  g_autoptr(PortholeWsLimitStream) limited = porthole_ws_limit_stream_new (base, limit);
  GPollableInputStream *in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (G_IO_STREAM (limited)));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (piece);

  *too_big = 0;
  g_signal_connect (limited, "too-big", G_CALLBACK (on_too_big), too_big);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (in, buffer, piece, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, n);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
assert_bytes (GBytes     *bytes,
              GByteArray *expected)
{
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected->data, expected->len);
}

static void
test_within_limit (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  const gsize pieces[] = { 1, 3, 7, 16 * 1024 + 5, 1024 * 1024 };

  /* A whole message, one in three fragments with a ping among them, a
   * message of exactly the limit, a close. */
  append_frame (input, TRUE, 0x1, 100, 'a');
  append_frame (input, FALSE, 0x1, 300, 'b');
  append_frame (input, TRUE, 0x9, 4, 'p');
  append_frame (input, FALSE, 0x0, 70000, 'c');
  append_frame (input, TRUE, 0x0, 20, 'd');
  append_frame (input, TRUE, 0x2, 80000, 'e');
  append_frame (input, TRUE, 0x8, 2, 0x03);

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      guint too_big;
      g_autoptr(GBytes) out = pass (input, 80000, pieces[i], &too_big);

      assert_bytes (out, input);
      g_assert_cmpuint (too_big, ==, 0);
    }
}

static void
test_over_limit (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  const gsize pieces[] = { 1, 5, 4096, 1024 * 1024 };

  /* What passes: a first message, the fragments of the second within
   * the limit, a ping, and the close. The fragment that takes the second
   * past the limit, and every data frame after it, do not. */
  append_frame (expected, TRUE, 0x1, 1000, 'a');
  append_frame (expected, FALSE, 0x1, 30000, 'b');
  append_frame (expected, FALSE, 0x0, 30000, 'b');
  append_frame (expected, TRUE, 0xA, 3, 'q');
  append_frame (expected, TRUE, 0x8, 2, 0x03);

  append_frame (input, TRUE, 0x1, 1000, 'a');
  append_frame (input, FALSE, 0x1, 30000, 'b');
  append_frame (input, FALSE, 0x0, 30000, 'b');
  append_frame (input, FALSE, 0x0, 30000, 'x');
  append_frame (input, TRUE, 0xA, 3, 'q');
  append_frame (input, TRUE, 0x0, 10, 'x');
  append_frame (input, TRUE, 0x1, 10, 'x');
  append_frame (input, TRUE, 0x8, 2, 0x03);

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      guint too_big;
      g_autoptr(GBytes) out = pass (input, 65536, pieces[i], &too_big);

      assert_bytes (out, expected);
      g_assert_cmpuint (too_big, ==, 1);
    }
}

static void
test_one_frame_over_limit (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  guint too_big;
  g_autoptr(GBytes) out = NULL;

  append_frame (input, TRUE, 0x2, 200000, 'z');
  /* A control frame longer than RFC 6455 allows is refused too. */
  append_frame (input, TRUE, 0x9, 200, 'p');
  append_frame (input, TRUE, 0x8, 2, 0x03);
  append_frame (expected, TRUE, 0x8, 2, 0x03);

  out = pass (input, 65536, 4096, &too_big);
  assert_bytes (out, expected);
  g_assert_cmpuint (too_big, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/ws-limit-stream/within-limit", test_within_limit);
  g_test_add_func ("/ws-limit-stream/over-limit", test_over_limit);
  g_test_add_func ("/ws-limit-stream/one-frame-over-limit", test_one_frame_over_limit);

  return g_test_run ();
}
