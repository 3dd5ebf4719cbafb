/* porthole-util.h — small helpers GLib 2.74 does not have yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_set_str() arrives with GLib 2.76: replaces *@str_pointer with a copy
 * of @new_str, and says whether it changed. */
static inline gboolean
porthole_set_str (char       **str_pointer,
                  const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;

  return TRUE;
}

G_END_DECLS
