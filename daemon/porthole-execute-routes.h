/* porthole-execute-routes.h — code execution routes (API.md §3, §7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

/* The body limit of the execution routes: execute-max-body-size. */
gsize porthole_execute_body_limit             (PortholeRequest         *req);

void porthole_execute_handle_execute          (PortholeRequest         *req);
void porthole_execute_handle_rich             (PortholeRequest         *req);
void porthole_execute_handle_ipython          (PortholeRequest         *req);
void porthole_execute_handle_background       (PortholeRequest         *req);
void porthole_execute_handle_async            (PortholeRequest         *req);
void porthole_execute_handle_stream           (PortholeRequest         *req,
                                               SoupWebsocketConnection *connection);
void porthole_execute_handle_rich_stream      (PortholeRequest         *req,
                                               SoupWebsocketConnection *connection);
void porthole_execute_handle_ipython_stream   (PortholeRequest         *req,
                                               SoupWebsocketConnection *connection);
void porthole_execute_handle_jupyter_sessions (PortholeRequest         *req);
void porthole_execute_handle_cache_stats      (PortholeRequest         *req);
void porthole_execute_handle_cache_clear      (PortholeRequest         *req);

G_END_DECLS
