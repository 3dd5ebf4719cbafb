/* inspector-test-utils.h — the inspector suite: the real app window on
 * a real Xvfb, driven through real X input (XTest), against the real
 * portholed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "porthole-application.h"
#include "porthole-window.h"
#include "test-x11-utils.h"

G_BEGIN_DECLS

/* Spins the main context until @cond holds, for at most 60 s (a loaded
 * machine, an ASan build: generous, and never a timing assertion). */
#define PORTHOLE_INSPECTOR_WAIT(cond)                                   \
  G_STMT_START {                                                        \
    gint64 _deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;   \
    while (!(cond))                                                     \
      {                                                                 \
        if (g_get_monotonic_time () >= _deadline)                       \
          g_error ("Timed out waiting for %s", #cond);                  \
        if (!g_main_context_iteration (NULL, FALSE))                    \
          g_usleep (2000);                                              \
      }                                                                 \
  } G_STMT_END

void                 porthole_inspector_test_init         (int                 *argc,
                                                           char              ***argv);
gboolean             porthole_inspector_test_start_keyring (void);
void                 porthole_inspector_test_start_wm     (void);
Display             *porthole_inspector_test_get_display  (void);
PortholeApplication *porthole_inspector_test_get_app      (void);
PortholeWindow      *porthole_inspector_test_window_new   (void);
GtkWindow           *porthole_inspector_test_find_window  (GType                type);
void                 porthole_inspector_test_window_close (PortholeWindow      *window);
PortholeSandbox     *porthole_inspector_test_add_sandbox  (PortholeWindow      *window,
                                                           const char          *url,
                                                           const char          *token,
                                                           const char          *name);
void                 porthole_inspector_test_remove_all   (void);
void                 porthole_inspector_test_wait_state   (PortholeSandbox     *sandbox,
                                                           PortholeSandboxState state);
void                 porthole_inspector_test_wait_stable  (GtkWidget           *widget);
void                 porthole_inspector_test_pointer      (GtkWidget           *widget,
                                                           double               x,
                                                           double               y);
void                 porthole_inspector_test_click        (GtkWidget           *widget,
                                                           double               x,
                                                           double               y,
                                                           guint                button);
void                 porthole_inspector_test_key          (guint                keysym);
void                 porthole_inspector_test_key_event    (guint                keysym,
                                                           gboolean             press);
const char          *porthole_inspector_test_wait_line    (PortholeTestClient  *client,
                                                           const char          *prefix);
void                 porthole_inspector_test_spin         (guint                milliseconds);
char                *porthole_inspector_test_save_png     (GtkWidget           *widget,
                                                           const char          *name);
double               porthole_inspector_test_cpu_seconds  (GPid                 pid);

G_END_DECLS
