/* porthole-mcp-registry.h — what an MCP client can list and use: tools,
 * resources, resource templates and prompts, each with its handler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _PortholeMcpCall PortholeMcpCall;

/* Handlers answer through @call (porthole-mcp-call.h), now or later; a
 * handler that answers later keeps a reference to @call. */
typedef void (*PortholeMcpToolFunc)     (PortholeMcpCall *call,
                                         JsonObject      *arguments,
                                         gpointer         user_data);
typedef void (*PortholeMcpReadFunc)     (PortholeMcpCall *call,
                                         const char      *uri,
                                         gpointer         user_data);
/* Adds the resources it knows to @resources (Resource objects). */
typedef void (*PortholeMcpListFunc)     (PortholeMcpCall *call,
                                         JsonArray       *resources,
                                         gpointer         user_data);
typedef void (*PortholeMcpPromptFunc)   (PortholeMcpCall *call,
                                         JsonObject      *arguments,
                                         gpointer         user_data);

typedef struct
{
  const char          *name;
  PortholeMcpToolFunc  func;
} PortholeMcpToolEntry;

#define PORTHOLE_TYPE_MCP_REGISTRY (porthole_mcp_registry_get_type ())

G_DECLARE_FINAL_TYPE (PortholeMcpRegistry, porthole_mcp_registry, PORTHOLE, MCP_REGISTRY, GObject)

PortholeMcpRegistry *porthole_mcp_registry_new               (void);

void                 porthole_mcp_registry_add_tool          (PortholeMcpRegistry         *self,
                                                              JsonObject                  *definition,
                                                              PortholeMcpToolFunc          func,
                                                              gpointer                     user_data);
void                 porthole_mcp_registry_add_tools         (PortholeMcpRegistry         *self,
                                                              const char                  *resource_path,
                                                              const PortholeMcpToolEntry  *entries,
                                                              guint                        n_entries,
                                                              gpointer                     user_data);
JsonObject          *porthole_mcp_registry_lookup_tool       (PortholeMcpRegistry         *self,
                                                              const char                  *name,
                                                              PortholeMcpToolFunc         *func,
                                                              gpointer                    *user_data);
JsonArray           *porthole_mcp_registry_list_tools        (PortholeMcpRegistry         *self);

void                 porthole_mcp_registry_add_resource      (PortholeMcpRegistry         *self,
                                                              JsonObject                  *resource,
                                                              PortholeMcpReadFunc          read,
                                                              gpointer                     user_data);
void                 porthole_mcp_registry_add_resource_provider (PortholeMcpRegistry     *self,
                                                              const char                  *uri_prefix,
                                                              PortholeMcpListFunc          list,
                                                              PortholeMcpReadFunc          read,
                                                              gpointer                     user_data);
void                 porthole_mcp_registry_add_template      (PortholeMcpRegistry         *self,
                                                              JsonObject                  *template_,
                                                              PortholeMcpReadFunc          read,
                                                              gpointer                     user_data);
gboolean             porthole_mcp_registry_lookup_resource   (PortholeMcpRegistry         *self,
                                                              const char                  *uri,
                                                              PortholeMcpReadFunc         *read,
                                                              gpointer                    *user_data);
void                 porthole_mcp_registry_list_resources    (PortholeMcpRegistry         *self,
                                                              PortholeMcpCall             *call,
                                                              JsonArray                   *resources);
JsonArray           *porthole_mcp_registry_list_templates    (PortholeMcpRegistry         *self);

void                 porthole_mcp_registry_add_prompt        (PortholeMcpRegistry         *self,
                                                              JsonObject                  *definition,
                                                              PortholeMcpPromptFunc        func,
                                                              gpointer                     user_data);
JsonObject          *porthole_mcp_registry_lookup_prompt     (PortholeMcpRegistry         *self,
                                                              const char                  *name,
                                                              PortholeMcpPromptFunc       *func,
                                                              gpointer                    *user_data);
JsonArray           *porthole_mcp_registry_list_prompts      (PortholeMcpRegistry         *self);

G_END_DECLS
