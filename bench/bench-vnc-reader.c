/* bench-vnc-reader.c — a libvncclient viewer that counts whole updates
 *
 * Usage: bench-vnc-reader HOST PORT PASSWORD SECONDS [ENCODINGS]
 * Prints "updates N seconds S width W height H frames F" once SECONDS
 * passed after the first update: F is the pixels received over the
 * screen's size (whole screens' worth), which compares servers that cut
 * a frame into several updates with those that do not. Used by
 * bench/vnc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <rfb/rfbclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *password;
static guint updates;
static double pixels;

static char *
get_password (rfbClient *client)
{
  return strdup (password);
}

static void
finished_update (rfbClient *client)
{
  updates++;
}

static void
got_rect (rfbClient *client,
          int        x,
          int        y,
          int        width,
          int        height)
{
  pixels += (double) width * height;
}

/* TurboJPEG's, which libvncclient carries and exports (no turbojpeg.h
 * needed). */
int tjDestroy (void *handle);

static void
log_nothing (const char *format,
             ...)
{
}

int
main (int    argc,
      char **argv)
{
  rfbClient *client;
  gint64 start, end;
  double seconds;

  if (argc < 5)
    {
      fprintf (stderr, "Usage: %s HOST PORT PASSWORD SECONDS [ENCODINGS]\n", argv[0]);
      return 2;
    }
  password = argv[3];
  seconds = g_ascii_strtod (argv[4], NULL);

  rfbClientLog = rfbClientErr = log_nothing;
  client = rfbGetClient (8, 3, 4);
  free (client->serverHost);
  client->serverHost = strdup (argv[1]);
  client->serverPort = atoi (argv[2]);
  client->GetPassword = get_password;
  client->FinishedFrameBufferUpdate = finished_update;
  client->GotFrameBufferUpdate = got_rect;
  if (argc > 5)
    client->appData.encodingsString = argv[5];
  if (!rfbInitClient (client, NULL, NULL))
    return 1;

  /* From the first whole update on. */
  while (updates == 0)
    if ((client->buffered > 0 || WaitForMessage (client, 1000000) > 0) && !HandleRFBServerMessage (client))
      return 1;

  updates = 0;
  pixels = 0;
  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    if ((client->buffered > 0 || WaitForMessage (client, 100000) > 0) && !HandleRFBServerMessage (client))
      return 1;

  printf ("updates %u seconds %.3f width %d height %d frames %.2f\n", updates,
          (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC, client->width, client->height,
          pixels / ((double) client->width * client->height));
  /* What rfbClientCleanup() leaves to the application, and (0.9.14; fixed
   * upstream in 900758ea) the TurboJPEG decompressor of Tight rects. */
  free (client->frameBuffer);
  free (client->rcSource);
  free (client->rcMask);
  if (client->tjhnd != NULL)
    tjDestroy (client->tjhnd);
  rfbClientCleanup (client);
  return 0;
}
