/* porthole-terminal-tab.h — one terminal of the Terminal page: a VTE
 * widget bridged to a shell on the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <vte/vte.h>

#include "porthole-client.h"

G_BEGIN_DECLS

typedef enum
{
  PORTHOLE_TERMINAL_CONNECTING,
  PORTHOLE_TERMINAL_CONNECTED,
  PORTHOLE_TERMINAL_EXITED,
  PORTHOLE_TERMINAL_LOST,
} PortholeTerminalState;

#define PORTHOLE_TYPE_TERMINAL_TAB (porthole_terminal_tab_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTerminalTab, porthole_terminal_tab, PORTHOLE, TERMINAL_TAB, AdwBin)

PortholeTerminalTab   *porthole_terminal_tab_new              (PortholeClient      *client);
VteTerminal           *porthole_terminal_tab_get_terminal     (PortholeTerminalTab *self);
PortholeTerminalState  porthole_terminal_tab_get_state        (PortholeTerminalTab *self);
int                    porthole_terminal_tab_get_exit_status  (PortholeTerminalTab *self);
void                   porthole_terminal_tab_get_sent_size    (PortholeTerminalTab *self,
                                                               guint               *columns,
                                                               guint               *rows);
void                   porthole_terminal_tab_connect          (PortholeTerminalTab *self);
void                   porthole_terminal_tab_disconnect       (PortholeTerminalTab *self);
void                   porthole_terminal_tab_show_search      (PortholeTerminalTab *self);
void                   porthole_terminal_tab_zoom             (PortholeTerminalTab *self,
                                                               int                  step);
char                  *porthole_terminal_tab_dup_text         (PortholeTerminalTab *self);

G_END_DECLS
