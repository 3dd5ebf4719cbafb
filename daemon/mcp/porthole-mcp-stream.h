/* porthole-mcp-stream.h — one SSE stream of MCP messages: the answer to
 * a POST, or a session's GET stream; with event ids and a replay log when
 * its session allows resuming it (Last-Event-ID)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_MCP_STREAM (porthole_mcp_stream_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpStream, porthole_mcp_stream, PORTHOLE, MCP_STREAM, GObject)

typedef enum
{
  PORTHOLE_MCP_STREAM_FLAGS_NONE      = 0,
  /* Event ids and a replay log (legacy sessions). */
  PORTHOLE_MCP_STREAM_FLAGS_RESUMABLE = 1 << 0,
  /* An empty event with an id first (2025-11-25, SEP-1699). */
  PORTHOLE_MCP_STREAM_FLAGS_PRIMING   = 1 << 1,
  /* Comments every so often while attached (long-lived streams). */
  PORTHOLE_MCP_STREAM_FLAGS_KEEPALIVE = 1 << 2,
} PortholeMcpStreamFlags;

PortholeMcpStream *porthole_mcp_stream_new            (guint                   number,
                                                       PortholeMcpStreamFlags  flags);
guint              porthole_mcp_stream_get_number     (PortholeMcpStream      *self);
gboolean           porthole_mcp_stream_attach         (PortholeMcpStream      *self,
                                                       PortholeRequest        *req,
                                                       const char             *last_event_id);
void               porthole_mcp_stream_detach         (PortholeMcpStream      *self);
gboolean           porthole_mcp_stream_is_attached    (PortholeMcpStream      *self);
gboolean           porthole_mcp_stream_send           (PortholeMcpStream      *self,
                                                       JsonObject             *message);
void               porthole_mcp_stream_finish         (PortholeMcpStream      *self);
gboolean           porthole_mcp_stream_is_finished    (PortholeMcpStream      *self);

gboolean           porthole_mcp_stream_parse_event_id (const char             *event_id,
                                                       guint                  *number,
                                                       guint64                *seq);

G_END_DECLS
