/* porthole-plugin.h — heavy desktop libraries, loaded on first use
 *
 * A plugin is a module (porthole-<name>.so in the plugin directory)
 * that links one heavy library (libavcodec, libavformat, tesseract,
 * libvncserver, libzmq) so that portholed does not map it until a route
 * needs it. It exports one function, porthole_plugin_query(), returning a
 * PortholePluginInfo whose vtable is the table its core header
 * declares (PortholeImageEncoderPlugin, PortholeOcrPlugin, ...). The
 * plugin calls back into portholed's own functions: the executable
 * exports its symbols for that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bumped whenever a vtable or a function plugins call changes: a
 * plugin from another build is refused rather than called wrongly. */
#define PORTHOLE_PLUGIN_ABI_VERSION 2

#define PORTHOLE_PLUGIN_QUERY_SYMBOL "porthole_plugin_query"

typedef struct
{
  guint          abi_version;
  const char    *name;
  gconstpointer  vtable;
} PortholePluginInfo;

typedef const PortholePluginInfo *(*PortholePluginQueryFunc) (void);

/* Plugins define this (with G_MODULE_EXPORT). */
const PortholePluginInfo *porthole_plugin_query (void);

gconstpointer       porthole_plugin_load              (const char  *name,
                                                       GError     **error);
gconstpointer       porthole_plugin_peek              (const char  *name);
const char *const  *porthole_plugin_get_packages      (const char  *name);
char               *porthole_plugin_dup_path          (void);
GStrv               porthole_plugin_dup_loaded        (void);

G_END_DECLS
