/* porthole-command.h — a command to run: what the /commands routes and the MCP
 * run_command tool take (API.md §4), and how it starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "porthole-process.h"
#include "porthole-run-options.h"
#include "porthole-types.h"

G_BEGIN_DECLS

typedef struct
{
  PortholeRunOptions options;
  GStrv argv;
  /* The command as shown back: the text, or the program and its args. */
  char *display;
  gboolean with_args;
} PortholeCommand;

gboolean         porthole_command_parse (PortholeCommand       *command,
                                         PortholeDaemon        *daemon,
                                         JsonObject            *fields,
                                         guint                  default_timeout,
                                         gboolean               zero_is_unlimited,
                                         GError               **error);
gboolean         porthole_command_parse_stream (PortholeCommand  *command,
                                                PortholeDaemon   *daemon,
                                                JsonObject       *message,
                                                guint             default_timeout,
                                                GError          **error);
void             porthole_command_clear (PortholeCommand       *command);
PortholeProcess *porthole_command_spawn (PortholeCommand       *command,
                                         PortholeProcessFlags   flags,
                                         int                   *exit_code,
                                         char                 **message,
                                         GError               **error);
void             porthole_command_track (PortholeDaemon        *daemon,
                                         PortholeProcess       *process);
char            *porthole_command_dup_stderr (PortholeProcess  *process);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PortholeCommand, porthole_command_clear)

G_END_DECLS
