/* test-vnc-utils.h — real VNC viewers for the tests: libvncclient on the
 * RFB TCP port, or on a WebSocket to portholed's bridge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <rfb/rfbclient.h>

#include "test-utils.h"

G_BEGIN_DECLS

/* The libsoup WebSocket client end of the bridge, pumped by a thread of
 * its own into a socketpair whose other end libvncclient reads (its
 * calls block). */
typedef struct _PortholeTestVncBridge PortholeTestVncBridge;

PortholeTestVncBridge *porthole_test_vnc_bridge_new    (PortholeTestDaemon    *daemon,
                                                        const char            *token,
                                                        gboolean               token_in_query,
                                                        guint                 *status);
int                    porthole_test_vnc_bridge_get_fd (PortholeTestVncBridge *bridge);
void                   porthole_test_vnc_bridge_free   (PortholeTestVncBridge *bridge);

typedef struct
{
  guint updates;
  char *cut_text;
} PortholeTestVncState;

/* A connected, initialised viewer (32-bit BGRX framebuffer, lossless
 * encodings), or NULL when the server refused it. @fd < 0: TCP to
 * 127.0.0.1:@port. */
rfbClient            *porthole_test_vnc_connect        (int                    fd,
                                                        int                    port,
                                                        const char            *password);
PortholeTestVncState *porthole_test_vnc_get_state      (rfbClient             *client);
void                  porthole_test_vnc_close          (rfbClient             *client);
/* Handles what the server sent within @timeout_ms; FALSE when it closed. */
gboolean              porthole_test_vnc_pump           (rfbClient             *client,
                                                        int                    timeout_ms);

#define PORTHOLE_TEST_VNC_WAIT(client, cond)                            \
  G_STMT_START {                                                        \
    gint64 _deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;   \
    while (!(cond))                                                     \
      {                                                                 \
        g_assert_cmpint (g_get_monotonic_time (), <, _deadline);        \
        g_assert_true (porthole_test_vnc_pump ((client), 50));          \
      }                                                                 \
  } G_STMT_END

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestVncBridge, porthole_test_vnc_bridge_free)

G_END_DECLS
