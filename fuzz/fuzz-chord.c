/* fuzz-chord.c — the key-name and chord parser ("ctrl+shift+Return",
 * "F5", "ä") behind /desktop/keyboard and the MCP key tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-fuzz.h"
#include "porthole-x11-keymap.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *chord = porthole_fuzz_dup_string (data, size);
  g_autoptr(GArray) keysyms = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = porthole_keysyms_from_chord (chord, keysyms, &error);
  g_assert (ok == (error == NULL));
  /* A chord that parsed names at least one key, each a real keysym. */
  if (ok)
    {
      g_assert_cmpuint (keysyms->len, >, 0);
      for (guint i = 0; i < keysyms->len; i++)
        g_assert_cmpuint (g_array_index (keysyms, guint32, i), !=, 0);
    }

  return 0;
}
