/* porthole-hub-ws-pacer.c
 *
 * The JS SDK loses every WebSocket frame after the first one in a socket
 * read (API.md §1.9), so the agent writes one frame per write, 10 ms
 * apart; a proxy that relays whatever one read brought merges them again
 * whenever it runs late. This finds where the units of the agent's side
 * of an upgraded connection end: its response head and, after a `101`,
 * each frame (RFC 6455 §5.2: 2-byte header, then a 16- or 64-bit length
 * and a masking key if the header says so; control frames alike). It
 * holds no data, only the parse state, so a frame of any size streams
 * through as it is read. The proxy writes up to each end with its own
 * write and waits the interval before the next unit.
 *
 * A head that is not a 101 (or a 1xx before it), or a frame length no
 * client would accept, ends the parse: the rest passes as it comes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-hub-ws-pacer.h"

/* "HTTP/1.1 101": the part of the status line that tells. */
#define STATUS_PREFIX 12

typedef enum
{
  STATE_HEAD,
  STATE_FRAME_HEADER,
  STATE_PAYLOAD,
  STATE_PASS,
} State;

struct _PortholeHubWsPacer
{
  State state;
  char status[STATUS_PREFIX];
  guint status_length;
  guint head_match;          /* of CR LF CR LF, at the head's end so far */
  guint8 header[14];
  guint header_length;
  guint header_need;
  guint64 remaining;         /* of the payload */
};

PortholeHubWsPacer *
porthole_hub_ws_pacer_new (void)
{
  return g_new0 (PortholeHubWsPacer, 1);
}

void
porthole_hub_ws_pacer_free (PortholeHubWsPacer *self)
{
  g_free (self);
}

/**
 * porthole_hub_ws_pacer_is_open:
 *
 * Returns: %TRUE once a 101 head went by and frames are being split
 */
gboolean
porthole_hub_ws_pacer_is_open (PortholeHubWsPacer *self)
{
  return self->state == STATE_FRAME_HEADER || self->state == STATE_PAYLOAD;
}

/* A whole head went by: frames next, another head (1xx), or the end of
 * parsing. */
static void
take_head (PortholeHubWsPacer *self,
           gboolean           *ends)
{
  const char *status = self->status;

  self->status_length = 0;
  self->head_match = 0;
  if (strncmp (status, "HTTP/1.", 7) != 0 || status[8] != ' ')
    self->state = STATE_PASS;
  else if (strncmp (status + 9, "101", 3) == 0)
    {
      self->state = STATE_FRAME_HEADER;
      self->header_length = 0;
      self->header_need = 2;
      *ends = TRUE;
    }
  else if (status[9] != '1')
    self->state = STATE_PASS;
}

/* A whole frame header went by. */
static void
take_frame_header (PortholeHubWsPacer *self,
                   gboolean           *ends)
{
  guint length7 = self->header[1] & 0x7f;

  self->header_length = 0;
  self->header_need = 2;
  if (length7 == 126)
    self->remaining = (guint64) self->header[2] << 8 | self->header[3];
  else if (length7 == 127)
    {
      self->remaining = 0;
      for (guint i = 2; i < 10; i++)
        self->remaining = self->remaining << 8 | self->header[i];
      /* The most significant bit must be 0 (RFC 6455 §5.2). */
      if (self->remaining >> 63)
        {
          self->state = STATE_PASS;
          return;
        }
    }
  else
    self->remaining = length7;

  if (self->remaining == 0)
    *ends = TRUE;
  else
    self->state = STATE_PAYLOAD;
}

/**
 * porthole_hub_ws_pacer_next:
 * @data: the next bytes from the agent, not given before
 * @length: how many; more than 0
 * @ends: (out): whether a unit (the 101 head, a frame) ends with the
 *   bytes counted
 *
 * Returns: how many of @data belong to the unit under way (at least 1);
 *   the rest starts the next one
 */
gsize
porthole_hub_ws_pacer_next (PortholeHubWsPacer *self,
                            const guint8       *data,
                            gsize               length,
                            gboolean           *ends)
{
  gsize used = 0;

  g_return_val_if_fail (length > 0, 0);

  *ends = FALSE;
  while (used < length && !*ends)
    switch (self->state)
      {
      case STATE_PASS:
        return length;

      case STATE_HEAD:
        {
          guint8 c = data[used++];

          if (self->status_length < STATUS_PREFIX)
            self->status[self->status_length++] = c;
          if (c == '\r')
            self->head_match = self->head_match == 2 ? 3 : 1;
          else if (c == '\n' && (self->head_match == 1 || self->head_match == 3))
            self->head_match++;
          else
            self->head_match = 0;
          if (self->head_match == 4)
            {
              if (self->status_length < STATUS_PREFIX)
                self->state = STATE_PASS;
              else
                take_head (self, ends);
            }
        }
        break;

      case STATE_FRAME_HEADER:
        self->header[self->header_length++] = data[used++];
        if (self->header_length == 2)
          {
            guint length7 = self->header[1] & 0x7f;

            self->header_need = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) +
                                (self->header[1] & 0x80 ? 4 : 0);
          }
        if (self->header_length == self->header_need)
          take_frame_header (self, ends);
        break;

      case STATE_PAYLOAD:
        {
          gsize n = MIN (self->remaining, length - used);

          used += n;
          self->remaining -= n;
          if (self->remaining == 0)
            {
              self->state = STATE_FRAME_HEADER;
              *ends = TRUE;
            }
        }
        break;

      default:
        g_assert_not_reached ();
      }
  return used;
}
