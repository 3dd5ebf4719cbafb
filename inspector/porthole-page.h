/* porthole-page.h — a page of the window (Screen, Processes, and the
 * pages to come) showing one sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "porthole-sandbox.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_PAGE (porthole_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (PortholePage, porthole_page, PORTHOLE, PAGE, AdwBin)

struct _PortholePageClass
{
  AdwBinClass parent_class;

  /* The page is live: shown, with a sandbox that answers. Network work
   * goes through @cancellable, which stop() follows by cancelling. */
  void (*start) (PortholePage    *self,
                 PortholeSandbox *sandbox,
                 GCancellable    *cancellable);
  /* No longer live (hidden, another sandbox, or this one went away). */
  void (*stop)  (PortholePage    *self);
};

PortholeSandbox *porthole_page_get_sandbox     (PortholePage    *self);
void             porthole_page_set_sandbox     (PortholePage    *self,
                                                PortholeSandbox *sandbox);
gboolean         porthole_page_get_active      (PortholePage    *self);
void             porthole_page_set_active      (PortholePage    *self,
                                                gboolean         active);
gboolean         porthole_page_get_running     (PortholePage    *self);
GCancellable    *porthole_page_get_cancellable (PortholePage    *self);
void             porthole_page_show_toast      (PortholePage    *self,
                                                const char      *message);
void             porthole_page_show_error      (PortholePage    *self,
                                                const char      *what,
                                                const GError    *error);

/* What porthole_page_ask() calls when the user said yes. */
typedef void (*PortholePageAnswerFunc) (PortholePage *self,
                                        gpointer      data);

AdwMessageDialog *porthole_page_ask            (PortholePage          *self,
                                                const char            *heading,
                                                const char            *body,
                                                const char            *response,
                                                const char            *label,
                                                AdwResponseAppearance  appearance,
                                                PortholePageAnswerFunc answer,
                                                gpointer               data,
                                                GDestroyNotify         data_free);

G_END_DECLS
