/* porthole-terminal-page.h — shells on the sandbox, in tabs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-page.h"
#include "porthole-terminal-tab.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_TERMINAL_PAGE (porthole_terminal_page_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTerminalPage, porthole_terminal_page, PORTHOLE, TERMINAL_PAGE, PortholePage)

guint                porthole_terminal_page_get_n_tabs   (PortholeTerminalPage *self);
PortholeTerminalTab *porthole_terminal_page_get_tab      (PortholeTerminalPage *self,
                                                          guint                 position);
PortholeTerminalTab *porthole_terminal_page_get_current  (PortholeTerminalPage *self);
PortholeTerminalTab *porthole_terminal_page_new_tab      (PortholeTerminalPage *self);

G_END_DECLS
