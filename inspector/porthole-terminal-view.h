/* porthole-terminal-view.h — VteTerminal that says when its grid changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <vte/vte.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_TERMINAL_VIEW (porthole_terminal_view_get_type ())

G_DECLARE_FINAL_TYPE (PortholeTerminalView, porthole_terminal_view, PORTHOLE, TERMINAL_VIEW, VteTerminal)

G_END_DECLS
