/* test-hub-ws-pacer.c — the hub proxy's WebSocket frame splitting: the
 * 101 head and each frame end where they end, however the agent's bytes
 * were cut into reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "porthole-hub-ws-pacer.h"
#include "test-utils.h"

#define HEAD_101 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"

/* Feeds @data to @pacer in two pieces cut at @cut, each given on in
 * calls of @step bytes at most (the proxy's reads), and appends to @ends
 * the offset just past every unit's end. */
static void
feed (PortholeHubWsPacer *pacer,
      const guint8       *data,
      gsize               length,
      gsize               cut,
      gsize               step,
      GArray             *ends)
{
  gsize offset = 0;

  while (offset < length)
    {
      gsize piece_end = offset < cut ? cut : length;
      gsize piece = MIN (step, piece_end - offset);

      while (piece > 0)
        {
          gboolean unit_ends = FALSE;
          gsize n = porthole_hub_ws_pacer_next (pacer, data + offset, piece, &unit_ends);

          g_assert_cmpuint (n, >=, 1);
          g_assert_cmpuint (n, <=, piece);
          offset += n;
          piece -= n;
          if (unit_ends)
            g_array_append_val (ends, offset);
        }
    }
}

/* The head, then frames of every header form: a burst as one read. */
static GByteArray *
make_stream (GArray *expected)
{
  GByteArray *stream = g_byte_array_new ();
  struct { guint8 opcode; gsize length; gboolean long_form, mask; } frames[] = {
    { 0x1, 5, FALSE, FALSE },      /* text */
    { 0x9, 0, FALSE, FALSE },      /* ping, empty */
    { 0x1, 125, FALSE, FALSE },    /* the largest 7-bit length */
    { 0x2, 126, FALSE, FALSE },    /* the smallest 16-bit one */
    { 0x1, 300, FALSE, FALSE },
    { 0x2, 65535, FALSE, FALSE },  /* the largest 16-bit one */
    { 0x2, 65536, FALSE, FALSE },  /* 64-bit */
    { 0x1, 7, TRUE, FALSE },       /* a short length in the 64-bit form */
    { 0x0, 3, FALSE, TRUE },       /* masked continuation */
    { 0xa, 2, FALSE, FALSE },      /* pong */
    { 0x8, 2, FALSE, FALSE },      /* close */
  };

  gsize end;

  g_byte_array_append (stream, (const guint8 *) HEAD_101, strlen (HEAD_101));
  end = stream->len;
  g_array_append_val (expected, end);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      porthole_test_ws_frame_append (stream, frames[i].opcode, frames[i].length, 'a' + i, frames[i].long_form, frames[i].mask);
      end = stream->len;
      g_array_append_val (expected, end);
    }
  return stream;
}

static void
assert_ends (GArray *ends,
             GArray *expected)
{
  g_assert_cmpuint (ends->len, ==, expected->len);
  for (guint i = 0; i < ends->len; i++)
    g_assert_cmpuint (g_array_index (ends, gsize, i), ==, g_array_index (expected, gsize, i));
}

static void
test_burst_whole (void)
{
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GByteArray) stream = make_stream (expected);
  g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));

  g_assert_false (porthole_hub_ws_pacer_is_open (pacer));
  feed (pacer, stream->data, stream->len, stream->len, stream->len, ends);
  assert_ends (ends, expected);
  g_assert_true (porthole_hub_ws_pacer_is_open (pacer));
}

/* Cut in two at every byte boundary, the proxy's reads of 64 KiB. */
static void
test_split_everywhere (void)
{
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GByteArray) stream = make_stream (expected);

  for (gsize cut = 1; cut < stream->len; cut++)
    {
      g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
      g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));

      feed (pacer, stream->data, stream->len, cut, 64 * 1024, ends);
      assert_ends (ends, expected);
    }
}

static void
test_small_reads (void)
{
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GByteArray) stream = make_stream (expected);
  gsize steps[] = { 1, 2, 3, 5, 13, 127, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
      g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));

      feed (pacer, stream->data, stream->len, stream->len, steps[i], ends);
      assert_ends (ends, expected);
    }
}

/* A 64-bit length past 4 GiB: counted, never held. */
static void
test_large_length (void)
{
  g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
  g_autofree guint8 *chunk = g_malloc0 (1024 * 1024);
  const guint8 header[] = { 0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5 };   /* 2^32 + 5 */
  const guint8 next[] = { 0x81, 1, 'x' };
  guint64 left = (G_GUINT64_CONSTANT (1) << 32) + 5;
  gboolean ends = TRUE;

  porthole_hub_ws_pacer_next (pacer, (const guint8 *) HEAD_101, strlen (HEAD_101), &ends);
  g_assert_true (ends);
  g_assert_cmpuint (porthole_hub_ws_pacer_next (pacer, header, sizeof header, &ends), ==, sizeof header);
  g_assert_false (ends);
  while (left > 0)
    {
      gsize n = MIN (left, 1024 * 1024);

      g_assert_cmpuint (porthole_hub_ws_pacer_next (pacer, chunk, n, &ends), ==, n);
      left -= n;
      g_assert_true (ends == (left == 0));
    }
  g_assert_cmpuint (porthole_hub_ws_pacer_next (pacer, next, sizeof next, &ends), ==, sizeof next);
  g_assert_true (ends);
}

/* An interim 1xx first: the 101 head that follows is what counts. */
static void
test_interim_head (void)
{
  const char *input = "HTTP/1.1 100 Continue\r\n\r\n" HEAD_101 "\x81\x02hi";
  g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));

  feed (pacer, (const guint8 *) input, strlen (input), strlen (input), 1, ends);
  g_assert_cmpuint (ends->len, ==, 2);
  g_assert_cmpuint (g_array_index (ends, gsize, 0), ==, strlen (input) - 4);
  g_assert_cmpuint (g_array_index (ends, gsize, 1), ==, strlen (input));
}

/* A refused upgrade (a 401 and its body), a status line that is not
 * HTTP, a length with the top bit set: no units, everything as is. */
static void
test_pass_through (void)
{
  const char *refused = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\n\x81\x02hi";
  const char *not_http = "SSH-2.0-x\r\n\r\n\x81\x02hi";
  g_autoptr(GByteArray) bad_length = g_byte_array_new ();
  const guint8 bad_header[] = { 0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x81, 0x01, 'x' };
  const char *inputs[] = { refused, not_http };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    for (gsize step = 1; step <= strlen (inputs[i]); step++)
      {
        g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
        g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));

        feed (pacer, (const guint8 *) inputs[i], strlen (inputs[i]), strlen (inputs[i]), step, ends);
        g_assert_cmpuint (ends->len, ==, 0);
        g_assert_false (porthole_hub_ws_pacer_is_open (pacer));
      }

  g_byte_array_append (bad_length, (const guint8 *) HEAD_101, strlen (HEAD_101));
  g_byte_array_append (bad_length, bad_header, sizeof bad_header);
  for (gsize step = 1; step <= bad_length->len; step++)
    {
      g_autoptr(PortholeHubWsPacer) pacer = porthole_hub_ws_pacer_new ();
      g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));

      feed (pacer, bad_length->data, bad_length->len, bad_length->len, step, ends);
      g_assert_cmpuint (ends->len, ==, 1);
      g_assert_cmpuint (g_array_index (ends, gsize, 0), ==, strlen (HEAD_101));
      g_assert_false (porthole_hub_ws_pacer_is_open (pacer));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hub/ws-pacer/burst-whole", test_burst_whole);
  g_test_add_func ("/hub/ws-pacer/split-everywhere", test_split_everywhere);
  g_test_add_func ("/hub/ws-pacer/small-reads", test_small_reads);
  g_test_add_func ("/hub/ws-pacer/large-length", test_large_length);
  g_test_add_func ("/hub/ws-pacer/interim-head", test_interim_head);
  g_test_add_func ("/hub/ws-pacer/pass-through", test_pass_through);

  return g_test_run ();
}
