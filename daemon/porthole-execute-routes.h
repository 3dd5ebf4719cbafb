/* porthole-execute-routes.h — code execution routes (API.md §3, §7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-request.h"

G_BEGIN_DECLS

/* Code is at most this big (the body of an execution request). */
#define PORTHOLE_EXECUTE_BODY_LIMIT (16 * 1024 * 1024)

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
