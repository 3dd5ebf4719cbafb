/* porthole-window-private.h — the window's insides, shared by
 * porthole-window.c, -actions.c and -dnd.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-application.h"
#include "porthole-files-page.h"
#include "porthole-metrics-page.h"
#include "porthole-processes-page.h"
#include "porthole-run-page.h"
#include "porthole-screen-page.h"
#include "porthole-terminal-page.h"
#include "porthole-wall.h"
#include "porthole-windows-page.h"
#include "porthole-window.h"

G_BEGIN_DECLS

struct _PortholeWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkWidget *content;
  AdwHeaderBar *sidebar_header;
  AdwHeaderBar *content_header;
  GtkListBox *sandbox_list_box;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget *switcher_bar;
  GtkStack *content_stack;
  AdwStatusPage *problem_page;
  AdwViewStack *view_stack;
  PortholeWall *wall;

  /* Owned references */
  GSettings *settings;
  PortholeSandbox *sandbox;
  char *last_toast;
  /* The wall of all sandboxes instead of the selected one. */
  gboolean show_wall;
};

void             _porthole_window_class_actions_init (PortholeWindowClass *klass);
void             _porthole_window_actions_init       (PortholeWindow      *self);
void             _porthole_window_actions_update     (PortholeWindow      *self);
void             _porthole_window_dnd_init           (PortholeWindow      *self);
PortholeSandbox *_porthole_window_lookup_sandbox     (PortholeWindow      *self,
                                                      GVariant            *id);
void             _porthole_window_edit_sandbox       (PortholeWindow      *self,
                                                      PortholeSandbox     *sandbox,
                                                      PortholeConnectionInfo *prefill);

G_END_DECLS
